# Entry points of the project. `make` lists them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup run test test-service lint regen golden serve fuzz fuzz-deep bench bench-quick

help: ## List the entry points.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The install is redone only when pyproject.toml changes (the stamp is older than it).
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the project (skipped when up to date).

run: $(STAMP) ## Lint, regen --check, start the service on a fresh SQLite file, fuzz it, print the report.
	$(BIN)/oaskit lint
	$(BIN)/oaskit regen --check
	BIN=$(BIN) bash scripts/demo.sh

test: $(STAMP) ## ruff, mypy --strict, pytest.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

test-service: $(STAMP) ## Only the service tests (CI runs them again against PostgreSQL).
	$(BIN)/pytest tests/service

lint: $(STAMP) ## Lint every configured spec.
	$(BIN)/oaskit lint

regen: $(STAMP) ## Regenerate generated/ from the specs.
	$(BIN)/oaskit regen

golden: $(STAMP) ## Rewrite the golden files of the generator and lint tests.
	OASKIT_UPDATE_GOLDEN=1 $(BIN)/pytest tests/golden tests/lint -q

serve: $(STAMP) ## Run the reference service on $(HOST):$(PORT).
	$(PY) -m connectors_service serve --host $(HOST) --port $(PORT)

fuzz: $(STAMP) ## Fuzz a deployed server: make fuzz URL=https://… TOKEN=… [SPEC=spec/connectors/openapi.yaml]
	@test -n "$(URL)" || { echo "usage: make fuzz URL=http://host:port TOKEN=key [SPEC=path]"; exit 2; }
	$(BIN)/oaskit fuzz --spec $(or $(SPEC),spec/connectors/openapi.yaml) --url $(URL) $(if $(TOKEN),--token $(TOKEN))

fuzz-deep: $(STAMP) ## The three in-process service fuzz tests with many more examples (EXAMPLES=500).
	OASKIT_FUZZ_EXAMPLES=$(or $(EXAMPLES),500) $(BIN)/pytest -q tests/service/test_fuzz_native.py tests/service/test_fuzz_census.py tests/service/test_fuzz_supermetrics.py

bench: $(STAMP) ## Every benchmark beside its peers (lint, regen, service, fuzz); writes BENCHMARKS.md.
	$(PY) -m bench.lint_bench
	$(PY) -m bench.service_bench
	$(PY) -m bench.fuzz_bench
	$(PY) -m bench.regen_bench

bench-quick: $(STAMP) ## The benchmarks in short runs, for use during development.
	$(PY) -m bench.lint_bench --quick
	$(PY) -m bench.service_bench --quick
	$(PY) -m bench.fuzz_bench --quick
	$(PY) -m bench.regen_bench --quick
