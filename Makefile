# The two commands of the README: `make run` and `make test`.  Each sets up
# .venv on a fresh machine first (python3 -m venv + pip), then does its job.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-cpython test-micropython bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/microcosem serve

# Both runtimes always run; the target fails if either fails.
test: $(STAMP)
	@rc=0; \
	$(BIN)/python -m pytest -q tests || rc=1; \
	$(BIN)/python tools/mptest.py || rc=1; \
	exit $$rc

test-cpython: $(STAMP)
	$(BIN)/python -m pytest -q tests

test-micropython: $(STAMP)
	$(BIN)/python tools/mptest.py

bench: $(STAMP)
	$(BIN)/python tools/bench.py

clean:
	rm -rf $(VENV) build *.egg-info firmware/*.egg-info host/*.egg-info
