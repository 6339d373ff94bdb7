# `make demo`: set up .venv, generate the bundled sample, refresh 2026-04.  `make test`: set up, run the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PERIOD ?= 2026-04
SAMPLE := data/sample

.PHONY: setup demo test test-fast sample refresh lock docs clean bench

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml setup.py $(wildcard */_*.pyx)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

$(SAMPLE)/sources.yaml: $(STAMP) $(wildcard spotlight/sample/*.py spotlight/sample/*.yaml)
	$(BIN)/spotlight sample --out $(SAMPLE)

sample: $(SAMPLE)/sources.yaml

demo: sample
	$(BIN)/spotlight refresh --period $(PERIOD)

test: $(STAMP)
	$(BIN)/python -m pytest

# Local runs without the real-`prefect server` test.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not server"

docs: $(STAMP)
	$(BIN)/spotlight docs

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# Re-pin requirements.lock from requirements.in (needs network to PyPI).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install -q --upgrade pip && .lockenv/bin/pip install -q -r requirements.in
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^skills-spotlight' > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) data/warehouse data/published data/work $(SAMPLE)
