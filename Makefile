# `make run` and `make test` set everything up themselves (README quick start).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js
PLAN ?= sessions/simulationslabor-klimaschutz/plan.toml

.PHONY: run test lint bench catalogs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# axe-core checks the pages for accessibility in the browser tests; it is optional there
# (the tests skip without it), so a machine without npm still runs everything else.
$(AXE): package.json
	-npm install --no-audit --no-fund --silent

run: $(STAMP)
	$(BIN)/facilitator serve --plan $(PLAN)

test: $(STAMP) $(AXE)
	$(BIN)/ruff check facilitator tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o facilitator/locale/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i facilitator/locale/messages.pot -d facilitator/locale --no-fuzzy-matching
	$(BIN)/pybabel compile -d facilitator/locale

clean:
	rm -rf $(VENV) node_modules
