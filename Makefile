# Everything runs in .venv, created from pyproject.toml on first use (never system packages).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: demo test bench lint typecheck openapi clean venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/ops demo

lint: $(STAMP)
	$(BIN)/ruff check platform ops dashboards alarms tests
	$(BIN)/ruff format --check platform ops dashboards alarms tests

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/unit tests/integration

bench: $(STAMP)
	$(BIN)/python -m pytest -s -p no:xdist tests/bench

openapi: $(STAMP)
	$(BIN)/ops api openapi --out docs/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
