# CX Council: `make run` for a local demo, `make test` for the suite.
# tools/install.sh installs a lock with uv (from PATH, or fetched once with pip into .uv/;
# seconds) or, when even that fails, with pip (a minute or more), saying each step.
# `make run` installs the runtime lock only; `make test`, `make lint` and `make bench`
# add the test tools (the dev lock). Each install has its stamp: the dev install is a
# superset, so it stamps both, and a runtime install (which removes the test tools)
# drops the dev stamp.

VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
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
	@echo "make install  create $(VENV) from requirements-dev.lock, with the test tools (again only when it or pyproject.toml changes)"
	@echo "make run      install the runtime lock (requirements.lock) if needed, migrate, load the demo council if empty, serve on PORT (default 8000)"
	@echo "make test     run the tests, one process per core (JOBS=0 for one; extra options: PYTEST_ARGS='-k sqlite -x')"
	@echo "make bench    generate the benchmark councils, print the figures, write bench/results.json"
	@echo "make lock     regenerate requirements.lock (runtime), requirements-dev.lock (with test tools) and tools/uv-installer.lock"
	@echo "make lint     ruff, and the import contracts in pyproject.toml (lint-imports)"
	@echo "make clean    remove $(VENV) and caches (keeps your databases)"

install: $(DEV_STAMP)
	@:

$(RUN_STAMP): requirements.lock pyproject.toml tools/install.sh
	@VENV=$(VENV) sh tools/install.sh requirements.lock
	@rm -f $(DEV_STAMP)
	@touch $@

$(DEV_STAMP): requirements-dev.lock pyproject.toml tools/install.sh
	@VENV=$(VENV) sh tools/install.sh requirements-dev.lock
	@touch $(RUN_STAMP) $@

# openapi-python-client pins its own typer and ruff: a venv of its own, used by the
# test that generates an API client from /openapi.json as an API user would.
OPENAPI_VENV  := .venv-openapi
OPENAPI_STAMP := $(OPENAPI_VENV)/.installed

$(OPENAPI_STAMP): tools/openapi-client.lock
	@uv=$$(command -v uv || echo .uv/bin/uv); \
	if test -x "$$uv"; then \
		test -x $(OPENAPI_VENV)/bin/python || $$uv venv --quiet $(OPENAPI_VENV); \
		$$uv pip sync --quiet --python $(OPENAPI_VENV)/bin/python tools/openapi-client.lock; \
	else \
		test -x $(OPENAPI_VENV)/bin/pip || python3 -m venv $(OPENAPI_VENV); \
		$(OPENAPI_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r tools/openapi-client.lock; \
	fi
	@touch $@

# One process migrates, loads the demo when the database has none, and serves (each
# command on its own would import the app again). Bytecode is written as in `make test`.
run: $(RUN_STAMP)
	@PYTHONDONTWRITEBYTECODE= ENVIRONMENT=development BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} \
		$(BIN)/council serve --port $(PORT) --upgrade --demo-if-empty

test: install $(OPENAPI_STAMP)
	@PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

bench: install
	@$(BIN)/python -m bench.run

lock:
	@command -v uv >/dev/null 2>&1 || { echo "make lock needs uv (pip install uv)" >&2; exit 1; }
	@uv pip compile --quiet pyproject.toml --generate-hashes -o requirements.lock
	@uv pip compile --quiet pyproject.toml --extra dev --generate-hashes -o requirements-dev.lock
	@uv pip compile --quiet tools/uv-installer.in --generate-hashes -o tools/uv-installer.lock

lint: install
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@PYTHONPATH=. $(BIN)/lint-imports

format: install
	@$(BIN)/ruff check --fix --quiet .
	@$(BIN)/ruff format --quiet .

clean:
	@rm -rf $(VENV) $(OPENAPI_VENV) .uv .pytest_cache .ruff_cache build dist *.egg-info
	@find . -name __pycache__ -type d -prune -exec rm -rf {} +
