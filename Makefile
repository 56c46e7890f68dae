# `make run` and `make test` set everything up themselves (README quick start).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Serving needs the package alone; the test tools (browser driver, type checker, …) come only
# with `make test`.
RUN_STAMP := $(VENV)/.installed-run
# All interfaces, so that a phone on the same Wi-Fi can open the join link (the banner says
# so, and names the address); HOST=127.0.0.1 keeps the server to this computer.
HOST ?= 0.0.0.0
AXE := node_modules/axe-core/axe.min.js
VNU := node_modules/vnu-jar/build/dist/vnu.jar
# A ready plan's name (`facilitator plans` lists them) or a plan file: make run PLAN=my/plan.toml
PLAN ?= simulationslabor-klimaschutz

.PHONY: run test lint bench bench-5000 catalogs screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP) $(RUN_STAMP)

# axe-core checks the pages for accessibility in the browser tests, vnu-jar (the Nu HTML
# checker, run with java) the HTML of the documentation; both are optional there (the tests
# skip without them), so a machine without npm or java still runs everything else.
$(AXE) $(VNU): package.json
	-npm install --no-audit --no-fund --no-package-lock --silent

run: $(RUN_STAMP)
	$(BIN)/facilitator serve --plan $(PLAN) --host $(HOST)

test: $(STAMP) $(AXE) $(VNU)
	$(BIN)/ruff check facilitator tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# 5,000 phones in one session against facilitator and the reference, a burst within 1 s and
# one within 10 s, with the aims of issue 13 (a few minutes): docs/benchmarks-5000.md
bench-5000: $(STAMP)
	$(BIN)/python -m bench --stage large --large 5000 --duration 480 --out docs/benchmarks-5000.md

# Pictures for the docs (docs/screenshots/, shown in the README): phone, beamer and console
# in German and English with a heavy workshop, and the printed report's first pages (needs
# Chromium and pdftoppm; tests/fixtures/screenshots.py).
screenshots: $(STAMP)
	$(BIN)/python -m tests.fixtures.screenshots

catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o facilitator/locale/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i facilitator/locale/messages.pot -d facilitator/locale --no-fuzzy-matching
	$(BIN)/pybabel compile -d facilitator/locale

clean:
	rm -rf $(VENV) node_modules
