# Developer entry points. Only python3 >= 3.11 is needed on the machine; everything else is
# installed into .venv. Run `make run` and open http://127.0.0.1:8000.

SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=

# run/migrate/demo are local development: DEBUG on unless DEBUG is already set, SQLite in var/,
# and the filesystem:// Celery broker in var/ unless DATABASE_URL / REDIS_URL are set.
# Tests import the settings the same way (Django itself runs the tests with DEBUG off); every
# other variable, DATABASE_URL and REDIS_URL included, passes through unchanged.
run migrate demo test fuzz: export DEBUG ?= true
# Python's own default, which some shells turn off: each test process (two xdist workers and the
# child runs some tests start) then reads pytest's rewritten test modules instead of rewriting
# them, five seconds a process once the first run has written them.
test fuzz: export PYTHONDONTWRITEBYTECODE :=

# SQLite and the filesystem:// broker (used when REDIS_URL is unset) live in var/.
RUNTIME_DIRS := var var/static

.PHONY: run install test fuzz lint format migrate demo bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required; set PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes (or the venv is new).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP)

$(RUNTIME_DIRS):
	@mkdir -p $@

migrate: $(STAMP) | $(RUNTIME_DIRS)
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) demo

# A worker with embedded beat runs beside the dev server and is stopped when the server exits.
run: demo
	@set -u; \
	$(BIN)/celery -A governance worker -B --loglevel=info --schedule var/celerybeat-schedule & \
	worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT; \
	trap 'exit 143' TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

# In parallel: one pytest-xdist worker per core (PYTEST_WORKERS=0 runs in this process), each
# with its own test database, Celery queue and Redis key prefix, and its own live server and
# Chromium for the browser tests.
PYTEST_WORKERS ?= auto
test: $(STAMP) | $(RUNTIME_DIRS)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Exploratory fuzzing: fresh hostile input on every run (`make test` draws the same examples
# each time), FUZZ_EXAMPLES per form; what fails is kept in var/hypothesis and tried first next run.
# The per-test timeout grows with the examples (FUZZ_TIMEOUT seconds).
FUZZ_EXAMPLES ?= 300
FUZZ_TIMEOUT ?= 3600
FUZZ_TESTS ?= tests/security/world/test_fuzzing.py tests/meetings/test_redaction.py \
	tests/meetings/minutes_import/test_any_text.py
fuzz: $(STAMP) | $(RUNTIME_DIRS)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest $(FUZZ_TESTS) --hypothesis-profile=explore \
		--timeout=$(FUZZ_TIMEOUT) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Load benchmark on PostgreSQL (gov_bench, created and seeded if missing or empty) and Redis db 7,
# with wrk from Debian (apt-get install wrk). SCALE=4 seeds four times the data into gov_bench_x4.
# Override BENCH_DATABASE_URL / BENCH_REDIS_URL / BENCH_SECONDS.
SCALE ?= 1
bench: $(STAMP) | $(RUNTIME_DIRS)
	SCALE=$(SCALE) $(BIN)/python bench/run.py
