# Everything runs in .venv, created from pyproject.toml on first use (never system packages).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: demo test test-fast bench lint typecheck openapi clean venv cfn-check

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
	$(BIN)/ruff check platform ops dashboards alarms kit tests examples
	$(BIN)/ruff format --check platform ops dashboards alarms kit tests examples

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck cfn-check
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/unit tests/integration

# The fast tier: tests that need neither moto's server nor a provisioned (moto) stack with
# signed-up users, nor cfn-lint or pip: the CLI's conventions, cost, warm-up, alarm and dashboard
# generation, the template, the contract (docs/reliability.md lists the tiers). One process and
# no hypothesis/schemathesis plugins: starting workers and plugins cost more than the tests.
FAST_TESTS := tests/unit/services tests/unit/cli tests/unit/demo tests/unit/deploy tests/unit/cost tests/unit/warmup tests/unit/alarms tests/unit/dashboards \
	tests/unit/infra tests/unit/test_openapi.py tests/unit/test_stack_model.py tests/unit/test_import_arrows.py
FAST_SLOW := tests/unit/alarms/test_cli.py tests/unit/dashboards/test_cli.py tests/unit/cost/test_cloudwatch_source.py \
	tests/unit/infra/test_cfn_lint.py tests/unit/infra/test_package.py tests/unit/alarms/test_template.py

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -p no:xdist -p no:schemathesis -p no:hypothesispytest -p no:anyio \
		$(FAST_TESTS) $(addprefix --ignore=,$(FAST_SLOW))

bench: $(STAMP)
	$(BIN)/python -m pytest -s -p no:xdist tests/bench

openapi: $(STAMP)
	$(BIN)/ops api openapi --output docs/openapi.json

# CloudFormation checks: cfn-lint (project venv) and checkov, which pins an old boto3 and so
# lives in its own tool venv under .tools/ (from PyPI, pinned; run offline with --skip-download).
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .tools/checkov-$(CHECKOV_VERSION)
CHECKOV := $(CHECKOV_VENV)/bin/checkov
CFN_OUT := build/cfn

$(CHECKOV):
	@mkdir -p .tools && printf '*\n' > .tools/.gitignore
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'

cfn-check: $(STAMP) $(CHECKOV)
	@mkdir -p $(CFN_OUT)
	$(BIN)/ops stack synth --stage dev --output $(CFN_OUT)/dev.json
	$(BIN)/ops stack synth --stage prod --output $(CFN_OUT)/prod.json
	$(BIN)/cfn-lint $(CFN_OUT)/dev.json $(CFN_OUT)/prod.json
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECKOV) --skip-download --quiet --compact \
		--framework cloudformation -f $(CFN_OUT)/dev.json -f $(CFN_OUT)/prod.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
