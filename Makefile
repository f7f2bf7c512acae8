# PRESSED / PLAY. `make run` and `make test` do all the set-up they need on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install install-python system-deps test test-all test-fast test-compose check lint format bench run up clean

# Everything `make run` and `make test` need: the system packages (apt-get, npm ci) and the Python environment.
install: system-deps install-python

# The Python environment alone (a venv and pip, no system package): all `make check` needs.
install-python: $(STAMP)
	@# Playwright (pinned in constraints.txt) for the browser tests, also into a venv made before it was a dependency.
	@$(BIN)/python -c 'import playwright' 2>/dev/null || \
		$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt playwright

# Re-installs only when the dependency declarations change; pip takes torch from the machine's local wheels.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -U pip wheel setuptools
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

test: install
	bash scripts/run-tests.sh -m "not load and not compose and not compose_smoke" $(PYTEST_ARGS)

# Everything, and the load run (concurrency 1, 8, 32 through the gateway; figures in var/load-run.json and
# docs/reliability.md).
test-all: install
	bash scripts/run-tests.sh $(PYTEST_ARGS)

# Unit tests only: no server processes, no slow tests.
test-fast: install
	$(BIN)/pytest -m "not slow and not integration and not e2e and not compose and not compose_smoke" $(PYTEST_ARGS)

# The Compose stack built and run as a test (tests/deploy/test_compose_stack.py; docs/deploy.md): installs Debian's
# docker.io, starts dockerd when none answers (as root), builds local stand-in base images where no image registry
# answers (deploy/local-images/build.sh), then up, crash, restart, down, down -v through the published gateway.
# COMPOSE_TESTS=compose_smoke: the gateway image alone (what .ci/run runs; docs/deploy.md says why).
COMPOSE_TESTS ?= compose
test-compose: install
	WITH_DOCKER=1 bash scripts/install-system-deps.sh
	bash scripts/docker-engine.sh || echo "test-compose: no Docker engine; the compose tests will skip"
	bash scripts/run-tests.sh -m $(COMPOSE_TESTS) tests/deploy $(PYTEST_ARGS)

# The static checks, from the venv alone (install-python: no apt-get, Node or Chromium; kubectl comes from a wheel).
check: install-python
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	@# No product module over 300 lines, no function over 60 (a walk over the source, no imports of the product).
	$(BIN)/pytest -q -p no:cacheprovider tests/unit/test_code_size.py
	@# The docs against the code: routes, settings tables, paths, the inference answer, the README's length.
	$(BIN)/pytest -q -p no:cacheprovider tests/unit/test_docs_match_code.py
	@# The gateway's committed OpenAPI document is valid OpenAPI 3 (tests/contract keeps it current and compatible).
	$(BIN)/openapi-spec-validator api/openapi.json
	@# The Kubernetes overlays rendered (kubectl kustomize) and validated against the API schemas offline, and every
	@# service container's environment held against its Settings (deploy/k8s, docs/deploy.md).
	$(BIN)/pytest -q -p no:cacheprovider tests/deploy/test_k8s_manifests.py
	@# pip-audit over constraints.txt, accepted advisories in audit-allowlist.txt; a SKIPPED line where the vulnerability
	@# service cannot be reached (exit 0 unless AUDIT_REQUIRED=1, as CI should set).
	$(BIN)/python scripts/audit_deps.py

format: install-python
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark (bench/bench_*.py: decode, end to end, fine-tune, inference, gateway profile, recommender up to
# 10M tracks), about 15 minutes on 2 cores; each rewrites its section of bench/RESULTS.md. Nothing is asserted.
bench: install
	PRESSEDPLAY_BENCH_10M=1 $(BIN)/python -m bench

# The whole stack as local processes (scripts/supervise.py + Procfile: a process that dies is restarted); prints the
# URLs; Ctrl-C stops everything.
run: install
	bash scripts/run-local.sh

# The whole stack on Docker Compose; CPU=1: CPU inference without the GPU reservation (docker-compose.cpu.yml);
# LOCAL_IMAGES=1: base images built from Debian packages where no image registry answers (docker-compose.local.yml,
# after `bash deploy/local-images/build.sh`).
up:
	$(BIN)/docker-compose -f docker-compose.yml $(if $(CPU),-f docker-compose.cpu.yml) \
		$(if $(LOCAL_IMAGES),-f docker-compose.local.yml) up --build

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
