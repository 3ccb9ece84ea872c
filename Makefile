# 保密门户 — developer commands. `make help` lists them.
#
# Everything runs from the project's own virtualenv (.venv). `make run` works on a fresh clone with only
# python3.11 installed: it creates the virtualenv, installs requirements-dev.txt, migrates, loads the demo
# data and serves the embedded default (SQLite, eager tasks, embedded search).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Touched after a successful install: requirements files newer than this trigger a re-install.
STAMP := $(VENV)/.requirements-installed

DEV_SETTINGS := portal.settings.dev
TEST_SETTINGS := portal.settings.test
RUN_ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help venv run test lint format makemigrations-check check worker beat clean

help: ## List the targets
	@echo "Usage: make <target>   (e.g. make run, make test PYTEST_ARGS='-k access -x')"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-22s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 first." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(STAMP) ## Create .venv (python3.11) and install requirements-dev.txt; re-install when requirements change

run: export DJANGO_SETTINGS_MODULE := $(DEV_SETTINGS)
run: venv ## Migrate, load the demo data and serve http://127.0.0.1:8000/ (SQLite, eager tasks)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Demo logins: password Demo-<username>-2026; TOTP secrets: $(PY) manage.py demo_users"
	$(PY) manage.py runserver $(RUN_ADDR)

# pytest-django takes DJANGO_SETTINGS_MODULE from the environment before pyproject.toml, so it is removed here:
# the suite always runs with portal.settings.test. Service URLs (DATABASE_URL, REDIS_URL, ...) pass through.
test: venv ## Run the test suite, browser tests included (pass options with PYTEST_ARGS='...')
	@status=0; env -u DJANGO_SETTINGS_MODULE $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests (exit code 5)." >&2; fi; \
	exit $$status

lint: venv ## Check formatting and lint (ruff format --check, ruff check)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: venv ## Fix what ruff can fix, then format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

makemigrations-check: venv ## Fail if a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run --settings=$(TEST_SETTINGS)

check: venv ## Django system checks (manage.py check)
	$(PY) manage.py check

define require_broker
	@if [ -z "$$CELERY_BROKER_URL$$REDIS_URL" ]; then \
		echo "Set REDIS_URL (or CELERY_BROKER_URL): without a broker, tasks run eagerly in the web process." >&2; \
		exit 1; \
	fi
endef

worker: venv ## Celery worker for the project's jobs (needs REDIS_URL or CELERY_BROKER_URL)
	$(require_broker)
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: venv ## Celery beat, the one scheduler (needs REDIS_URL or CELERY_BROKER_URL)
	$(require_broker)
	$(BIN)/celery -A portal beat --loglevel=INFO

clean: ## Remove caches, collected static files and test media (keeps .venv, db.sqlite3 and media/)
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles media-test celerybeat-schedule celerybeat-schedule.*
