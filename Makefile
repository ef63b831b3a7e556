# Wenming — the two commands: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export WENMING_DATA_DIR ?= $(CURDIR)/var
APT_STAMP := $(VENV)/.apt-test-deps
PG_PORT ?= 54329
PG_DIR ?= /tmp/wenming-pg-$(PG_PORT)
PG_BIN = $(shell ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)


.PHONY: fonts
.PHONY: help install demo run worker test test-pg test-fast lint schema schema-check bench messages clean distclean fuzz

help:
	@echo "make demo     — install everything, migrate, load the Huli demo, serve on http://$(HOST):$(PORT)"
	@echo "make test     — install what the tests need, lint, run the whole suite (SQLite)"
	@echo "make test-pg  — the same suite against a local PostgreSQL started for the run"
	@echo "make bench    — benchmarks (JSON report with same-run baselines)"
	@echo "make fuzz     — a long API fuzz campaign (every role, Open311, public site; ≥ 20,000 requests)"

# --- installation -------------------------------------------------------------------------------------
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 needed (see .python-version)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/wenming/locale/%/LC_MESSAGES/django.mo: src/wenming/locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(BIN)/wenming compile_translations

install: $(VENV)/.installed node_modules/.installed
	$(BIN)/wenming compile_translations

# System packages the tests need: Debian chromium (Playwright drives it; never `playwright install`),
# CJK fonts for PDFs and screenshots, HarfBuzz's subsetter (WeasyPrint subsets the CJK font with it; without
# it, it falls back to fontTools, several times slower), poppler to render PDFs to images.
HB_SUBSET_MISSING = ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so\.0'
$(APT_STAMP): | $(BIN)/python
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi wenquanyi || ! command -v pdftoppm >/dev/null || $(HB_SUBSET_MISSING); then \
	  echo "Installing system test dependencies (apt-get)…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei libharfbuzz-subset0 poppler-utils >/dev/null; \
	fi
	@touch $@

# The Chinese TrueType font PDF bulletins and demo photos are drawn with, and HarfBuzz's subsetter that
# WeasyPrint embeds it with (installed when missing and root).
fonts:
	@if ! fc-list 2>/dev/null | grep -qi wenquanyi || $(HB_SUBSET_MISSING); then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing fonts-wqy-microhei libharfbuzz-subset0 (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei libharfbuzz-subset0 >/dev/null; \
	  else echo "NOTE: PDF bulletins need a Chinese font and HarfBuzz's subsetter: sudo apt-get install fonts-wqy-microhei libharfbuzz-subset0"; fi; \
	fi

# --- running ------------------------------------------------------------------------------------------
# DEBUG is off by default (production-safe); the demo and the local server turn it on explicitly.
demo run worker: export WENMING_DEBUG ?= 1
demo: install fonts
	$(BIN)/wenming migrate --noinput
	$(BIN)/wenming seed_calendar
	$(BIN)/wenming load_demo
	@echo ""
	@echo "  Wenming demo: http://$(HOST):$(PORT)/   (accounts: admin, office, leader, group, unit, street,"
	@echo "  community, grid, inspector, auditor — password: $${WENMING_DEMO_PASSWORD:-Wenming@2026})"
	@echo ""
	$(MAKE) --no-print-directory run

# Web server, task worker and the scheduler of periodic jobs together; Ctrl-C stops all three.
run:
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/wenming db_worker --queue-name '*' & \
	$(BIN)/wenming run_scheduler & \
	$(BIN)/gunicorn wenming.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - & \
	wait

worker:
	$(BIN)/wenming db_worker --queue-name '*'

# --- quality ------------------------------------------------------------------------------------------
lint: $(VENV)/.installed
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports
	WENMING_TESTING=1 $(BIN)/wenming makemigrations --check --dry-run
	WENMING_TESTING=1 $(BIN)/wenming check

schema: $(VENV)/.installed
	WENMING_TESTING=1 $(BIN)/wenming spectacular --validate --fail-on-warn --file docs/openapi.yaml

schema-check: $(VENV)/.installed
	@WENMING_TESTING=1 $(BIN)/wenming spectacular --validate --fail-on-warn --file $(VENV)/openapi.yaml
	@diff -u docs/openapi.yaml $(VENV)/openapi.yaml >/dev/null || { echo "docs/openapi.yaml is out of date: run 'make schema' and commit it."; diff -u docs/openapi.yaml $(VENV)/openapi.yaml | head -40; exit 1; }

# The coverage of the whole suite is printed at the end; it may not fall below COVERAGE_FLOOR (raise the floor
# when coverage rises, never lower it). sys.monitoring keeps coverage's overhead small on Python 3.12+.
COVERAGE_FLOOR ?= 92
test: install $(APT_STAMP) lint schema-check
	@rm -f .coverage .coverage.*
	COVERAGE_CORE=sysmon WENMING_TESTING=1 $(BIN)/pytest -n auto -q --cov --cov-report=
	@echo "Coverage of src/wenming: $$($(BIN)/coverage report --format=total) % (floor $(COVERAGE_FLOOR) %)"
	@$(BIN)/coverage report --format=total --fail-under=$(COVERAGE_FLOOR) >/dev/null || { echo "Coverage fell below the floor."; exit 1; }

test-fast: install
	WENMING_TESTING=1 $(BIN)/pytest -n auto -q -m "not browser"

# A long fuzz campaign: the fuzzers of tests/fuzz with WENMING_FUZZ_EXAMPLES generated requests per test
# (11 roles on /api/v1 + Open311 + the public site = 13 tests; 1600 each ≈ 20,800 requests). The summary line
# "fuzz: N requests, M 5xx …" is printed at the end; any 5xx, schema or scope failure fails the run.
WENMING_FUZZ_EXAMPLES ?= 1600
fuzz: install
	WENMING_TESTING=1 WENMING_FUZZ_EXAMPLES=$(WENMING_FUZZ_EXAMPLES) $(BIN)/pytest -p no:xdist -q tests/fuzz/test_api_fuzz.py tests/fuzz/test_open311_public_fuzz.py

# The same suite on PostgreSQL: install the server if missing, start a throwaway cluster on loopback
# (as the `postgres` user when run as root), run the suite, and stop the cluster even when tests fail or on
# Ctrl-C. Each xdist worker gets its own test database (test_postgres_gw0, _gw1 …; see tests/test_pg_and_schema.py).
PG_PYTEST_ARGS ?= -n auto -q
test-pg: install $(APT_STAMP)
	@if [ -z "$(PG_BIN)" ]; then echo "Installing PostgreSQL (apt-get)…"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi
	@set -e; PGBIN=$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); \
	runas() { if [ "$$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "cd $(PG_DIR) && $$*"; else sh -c "cd $(PG_DIR) && $$*"; fi; }; \
	if [ -f $(PG_DIR)/data/postmaster.pid ]; then runas "$$PGBIN/pg_ctl -D $(PG_DIR)/data -m immediate stop" >/dev/null 2>&1 || true; fi; \
	rm -rf $(PG_DIR); mkdir -p $(PG_DIR); if [ "$$(id -u)" = 0 ]; then chown postgres:postgres $(PG_DIR); fi; \
	runas "$$PGBIN/initdb -D $(PG_DIR)/data -U wenming --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"; \
	runas "$$PGBIN/pg_ctl -D $(PG_DIR)/data -o '-p $(PG_PORT) -k $(PG_DIR) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200' -l $(PG_DIR)/log -w start >/dev/null"; \
	trap 'runas "$$PGBIN/pg_ctl -D $(PG_DIR)/data -m immediate stop >/dev/null" || true; rm -rf $(PG_DIR)' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "PostgreSQL $$($$PGBIN/postgres --version | awk '{print $$3}') on 127.0.0.1:$(PG_PORT)"; \
	WENMING_TESTING=1 WENMING_DATABASE_URL=postgres://wenming@127.0.0.1:$(PG_PORT)/postgres $(BIN)/pytest $(PG_PYTEST_ARGS)

# Synthetic data in a throwaway database (never the demo's); the JSON report is also kept in the data dir.
# e.g. make bench BENCH_ARGS="--scale 0.1"  |  BENCH_ARGS="--only api.point_list"  |  BENCH_ARGS="--list"
BENCH_ARGS ?=
bench: install
	$(BIN)/wenming bench --output $(WENMING_DATA_DIR)/bench-report.json $(BENCH_ARGS)

messages: $(VENV)/.installed
	cd src/wenming && ../../$(BIN)/wenming makemessages -l en --no-obsolete --ignore 'static/*'

clean:
	rm -rf var/generated .pytest_cache
distclean: clean
	rm -rf $(VENV) node_modules var
