# One command each, on a fresh machine:
#   make demo   – create .venv, install brmgraph (nothing else), run the demo tour on the
#                 embedded store
#   make test   – create .venv, install brmgraph with test extras, install Chromium
#                 (Debian package, needs root/sudo), fetch Neo4j jars on first use, run all tests
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# The demo gets a plain (non-editable) install of the package alone, so it prints no
# packaging notices; it is redone when a source file changes. The tests get an editable
# install with the test extras; once that exists, the demo uses it as is.
STAMP      := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SOURCES    := pyproject.toml $(shell find brmgraph -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: venv venv-test demo test test-fast test-unit lint chromium neo4j-start neo4j-stop bench docs clean

venv: $(if $(wildcard $(TEST_STAMP)),$(TEST_STAMP),$(STAMP))

venv-test: $(TEST_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip

$(STAMP): $(SOURCES) | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(TEST_STAMP)

demo: venv
	cd $${DEMO_DIR:-.} && $(CURDIR)/$(VENV)/bin/brmgraph demo

# docs/cli.md is generated from the command-line app (tests/test_docs.py checks it is current)
docs: venv-test
	$(PY) -m brmgraph.cli.docgen

chromium:
	sh scripts/install-chromium.sh

# Every test: embedded store, a real Neo4j (NEO4J_URI, else Docker, else the local
# launcher built from Maven Central jars), headless Chromium, notebooks, docs, tiny bench,
# and the package's doctests (pyproject.toml: --doctest-modules over tests/ and brmgraph/).
test: venv-test chromium lint
	$(PY) -m pytest -p no:cacheprovider --durations=15 $(PYTEST_ARGS)

# ruff (lint, import order) on everything, mypy on the package (configured in pyproject.toml)
lint: venv-test
	$(PY) -m ruff check .
	$(PY) -m mypy

# The unit tier: in-process tests and the package's doctests, no store server, no process
# started (tests/conftest.py puts every test in one of the tiers unit, store, e2e); about
# 70 CPU seconds, spread over two workers (pytest-xdist).
test-unit: venv-test
	$(PY) -m pytest -p no:cacheprovider -m unit -n 2 $(PYTEST_ARGS)

# Without the outside parts (no Neo4j, no Chromium): they skip with a reason.
test-fast: venv-test lint
	$(PY) -m pytest -p no:cacheprovider -m "not neo4j and not browser" $(PYTEST_ARGS)

neo4j-start: venv
	$(VENV)/bin/brmgraph neo4j start

neo4j-stop: venv
	$(VENV)/bin/brmgraph neo4j stop

bench: venv
	$(PY) bench/run.py --scale $${SCALE:-M}

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
