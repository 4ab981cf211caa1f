# The two commands of the README: `make run` and `make test`.  Each sets up
# .venv on a fresh machine first (python3 -m venv + pip), then does its job.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-cpython test-micropython bench firmware deploy package-json clean

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

# make firmware BOARD=esp32 [CONFIG=meter-ln-min]: .mpy + size report (every board when BOARD is unset)
BOARD ?=
CONFIG ?=
firmware: $(STAMP)
	@if [ -n "$(BOARD)" ]; then \
	  $(BIN)/python tools/build_firmware.py $(BOARD) $(if $(CONFIG),--config $(CONFIG)); \
	else \
	  $(BIN)/python tools/build_firmware.py esp32 $(if $(CONFIG),--config $(CONFIG)) && \
	  $(BIN)/python tools/build_firmware.py stm32 $(if $(CONFIG),--config $(CONFIG)); \
	fi

# package.json (mip install) lists the portable files: rewrite it after adding or removing a module
package-json: $(STAMP)
	$(BIN)/python tools/build_firmware.py --package-json

# make deploy BOARD=esp32 PORT=/dev/ttyUSB0 [CONFIG=...]: copy the build to the board with mpremote
deploy: $(STAMP)
	@test -n "$(BOARD)" -a -n "$(PORT)" || { echo "make deploy: BOARD=... PORT=... needed"; exit 2; }
	$(BIN)/python tools/build_firmware.py $(BOARD) $(if $(CONFIG),--config $(CONFIG)) --deploy $(PORT)

clean:
	rm -rf $(VENV) build *.egg-info firmware/*.egg-info host/*.egg-info
