# Two commands matter on a fresh machine: `make demo` and `make test`.
# Everything is installed from uv.lock into .venv; uv itself is bootstrapped
# into .tools with the machine's python3.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
VENV_BIN := .venv/bin

.PHONY: demo test lint typecheck layers pytest bench setup setup-bench java clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced-dev: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --group dev --group spark
	touch $@

# The benchmark environment is separate: Presidio and spaCy never enter .venv.
.venv-bench/.synced: uv.lock pyproject.toml | $(UV)
	UV_PROJECT_ENVIRONMENT=.venv-bench $(UV) sync --frozen --group dev --group spark --group bench
	touch $@

setup: .venv/.synced-dev

setup-bench: .venv-bench/.synced

demo: setup
	$(VENV_BIN)/python -m pivault.cli.demo
	@echo
	$(VENV_BIN)/python -m pivault.http.demo_server

lint: setup
	$(VENV_BIN)/ruff check src tests bench
	$(VENV_BIN)/ruff format --check src tests bench

typecheck: setup
	$(VENV_BIN)/mypy

layers: setup
	$(VENV_BIN)/lint-imports

# The Spark tests (pytest -m spark) need a Java runtime: on a machine without one
# (no java on PATH, no JAVA_HOME), Debian's OpenJDK 17 is installed first.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
java:
	@command -v java >/dev/null 2>&1 || [ -x "$$JAVA_HOME/bin/java" ] || { \
	  echo "no Java runtime: installing openjdk-17-jre-headless for the Spark tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openjdk-17-jre-headless; }

pytest: setup java
	$(VENV_BIN)/python -m pytest

test: lint typecheck layers pytest

# BENCH_ARGS=--spark-only runs only the Spark scan benchmark (its section of docs/benchmarks.md).
bench: setup-bench
	.venv-bench/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf .venv .venv-bench $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
