# `make run` and `make test` set everything up themselves (README quick start).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js
VNU := node_modules/vnu-jar/build/dist/vnu.jar
PLAN ?= sessions/simulationslabor-klimaschutz/plan.toml

.PHONY: run test lint bench catalogs screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# axe-core checks the pages for accessibility in the browser tests, vnu-jar (the Nu HTML
# checker, run with java) the HTML of the documentation; both are optional there (the tests
# skip without them), so a machine without npm or java still runs everything else.
$(AXE) $(VNU): package.json
	-npm install --no-audit --no-fund --no-package-lock --silent

run: $(STAMP)
	$(BIN)/facilitator serve --plan $(PLAN)

test: $(STAMP) $(AXE) $(VNU)
	$(BIN)/ruff check facilitator tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# Pictures of the printed report's first pages for the docs, from the recorded workshop
# (needs Chromium and pdftoppm; tests/fixtures/screenshots.py).
screenshots: $(STAMP)
	$(BIN)/python -m tests.fixtures.screenshots

catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o facilitator/locale/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i facilitator/locale/messages.pot -d facilitator/locale --no-fuzzy-matching
	$(BIN)/pybabel compile -d facilitator/locale

clean:
	rm -rf $(VENV) node_modules
