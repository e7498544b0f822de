# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= portal.settings.local
# Links in SMS, e-mails and printed survey letters point at the address that serves the portal.
export PORTAL_BASE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: run test bench lighthouse install install-dev messages migrate seed check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The compiled catalogues are committed, so a machine without gettext still shows Chinese;
# where msgfmt exists they are rebuilt from the .po files.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv -v0; \
	else \
		echo "msgfmt not found (apt-get install gettext): using the committed .mo files"; \
	fi

# A DATABASE_URL naming a PostgreSQL database that does not exist yet: it is created first.
migrate: install
	$(BIN)/python manage.py ensure_database
	$(BIN)/python manage.py migrate --noinput -v1

seed: migrate
	$(BIN)/python manage.py seed_demo

## make run: virtualenv, install, migrate, compile messages, load the demo city, serve on HOST:PORT.
run: messages seed
	@echo ""
	@echo "Serving the portal at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite. PostgreSQL and Redis when they answer; otherwise SQLite and a loud
## list of what was skipped. With CI=true a missing PostgreSQL, Redis or Chromium is a failure.
test: install-dev messages
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: the performance harness (PostgreSQL + Redis): seeds demo and Nanning scale once,
## measures each figure against its raw baseline, prints the table, writes bench/results/<date>.json.
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || { echo "bench: installing wrk (Debian's package)"; \
		(apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) >/dev/null 2>&1; }
	@command -v wrk >/dev/null 2>&1 || echo "bench: wrk is not installed (apt-get install wrk): pages are loaded by the Python client instead"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## make lighthouse: Lighthouse (mobile) on the public pages and a resident's home under production
## settings (gunicorn + whitenoise); installs Lighthouse from npm into bench/lighthouse/ once.
lighthouse: install
	@[ -x bench/lighthouse/node_modules/.bin/lighthouse ] || npm install --prefix bench/lighthouse --no-audit --no-fund --silent
	$(BIN)/python bench/lighthouse.py $(LIGHTHOUSE_ARGS)

## make check: the linter and formatter (ruff, configured in pyproject.toml), Django's system
## checks, and no model change without its migration. CI runs it before the suite.
check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3 .pytest_cache
