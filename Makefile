# Two commands on a fresh clone:
#   make run   -> sets everything up and starts web + Celery worker + beat on SQLite (no servers)
#   make test  -> sets up what is missing and runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run setup test lint messages clean-demo

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

locale/zh_Hans/LC_MESSAGES/django.mo: locale/zh_Hans/LC_MESSAGES/django.po $(BIN)/.installed
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

setup: $(BIN)/.installed node_modules/.installed locale/zh_Hans/LC_MESSAGES/django.mo
	$(BIN)/python manage.py setup_site --demo

run: setup
	@$(BIN)/python manage.py demo_logins
	$(BIN)/honcho start -f Procfile

test: $(BIN)/.installed node_modules/.installed locale/zh_Hans/LC_MESSAGES/django.mo
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# Refresh the Chinese catalogue after changing user-facing strings (then translate the new entries).
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete
