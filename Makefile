# CX Council: `make run` for a local demo, `make test` for the suite.
# uv is used when it is on PATH (about 2 s to install everything); otherwise pip.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
PYTEST_ARGS ?=
# Test processes: one per core (pytest-xdist); JOBS=0 runs in this process (for -x, --pdb).
# --dist loadgroup: the tests SAME_WORKER in tests/conftest.py names share a worker (the API
# fuzz draws its cases once for both engines); every other test goes to whichever worker is free.
# The suite starts many Python processes (workers, `council serve`, the CLI): bytecode is
# written even where the environment says not to, so each module is compiled once, not per process.
JOBS   ?= auto

.DEFAULT_GOAL := help
.PHONY: help install run test bench lock lint format clean

help:
	@echo "make install  create $(VENV) from requirements-dev.lock (again only when it or pyproject.toml changes)"
	@echo "make run      migrate, load the demo council if empty, serve on PORT (default 8000)"
	@echo "make test     run the tests, one process per core (JOBS=0 for one; extra options: PYTEST_ARGS='-k sqlite -x')"
	@echo "make bench    generate the benchmark councils, print the figures, write bench/results.json"
	@echo "make lock     regenerate requirements.lock (runtime) and requirements-dev.lock (with test tools)"
	@echo "make lint     ruff, and the import contracts in pyproject.toml (lint-imports)"
	@echo "make clean    remove $(VENV) and caches (keeps your databases)"

install: $(STAMP)
	@:

$(STAMP): requirements-dev.lock pyproject.toml
	@if command -v uv >/dev/null 2>&1; then \
		test -x $(BIN)/python || uv venv --quiet $(VENV); \
		uv pip sync --quiet --python $(BIN)/python requirements-dev.lock; \
		uv pip install --quiet --python $(BIN)/python --no-deps -e .; \
	else \
		test -x $(BIN)/pip || python3 -m venv $(VENV); \
		$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock; \
		$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .; \
	fi
	@touch $@

# openapi-python-client pins its own typer and ruff: a venv of its own, used by the
# test that generates an API client from /openapi.json as an API user would.
OPENAPI_VENV  := .venv-openapi
OPENAPI_STAMP := $(OPENAPI_VENV)/.installed

$(OPENAPI_STAMP): tools/openapi-client.lock
	@if command -v uv >/dev/null 2>&1; then \
		test -x $(OPENAPI_VENV)/bin/python || uv venv --quiet $(OPENAPI_VENV); \
		uv pip sync --quiet --python $(OPENAPI_VENV)/bin/python tools/openapi-client.lock; \
	else \
		test -x $(OPENAPI_VENV)/bin/pip || python3 -m venv $(OPENAPI_VENV); \
		$(OPENAPI_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r tools/openapi-client.lock; \
	fi
	@touch $@

run: install
	@ENVIRONMENT=development $(BIN)/council db upgrade
	@ENVIRONMENT=development $(BIN)/council demo --if-empty
	@ENVIRONMENT=development BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/council serve --port $(PORT)

test: install $(OPENAPI_STAMP)
	@PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

bench: install
	@$(BIN)/python -m bench.run

lock:
	@command -v uv >/dev/null 2>&1 || { echo "make lock needs uv (pip install uv)" >&2; exit 1; }
	@uv pip compile --quiet pyproject.toml --generate-hashes -o requirements.lock
	@uv pip compile --quiet pyproject.toml --extra dev --generate-hashes -o requirements-dev.lock

lint: install
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@PYTHONPATH=. $(BIN)/lint-imports

format: install
	@$(BIN)/ruff check --fix --quiet .
	@$(BIN)/ruff format --quiet .

clean:
	@rm -rf $(VENV) $(OPENAPI_VENV) .pytest_cache .ruff_cache build dist *.egg-info
	@find . -name __pycache__ -type d -prune -exec rm -rf {} +
