# Tonle: `make run` sets everything up and serves the app; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/tonle
SYSTEM_PACKAGES := gettext fonts-khmeros fonts-noto-core
TEST_PACKAGES := chromium poppler-utils postgresql-client

export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test setup venv system-packages test-packages messages migrate demo secret \
        lint test-sqlite test-postgres test-databases test-browser postgres bench bench-support bench-grid bench-sheet bench-collect bench-report bench-duplicates bench-load bench-public clean

## run: install, migrate, load the demo when the database is empty, serve with gunicorn
run: setup migrate demo secret
	SECRET_KEY="$$(cat var/secret_key)" $(MANAGE) collectstatic --noinput -v0
	@echo "Tonle is at http://$(HOST):$(PORT)/  (demo accounts: see README.md)"
	@# The background worker (PDFs of reports) runs beside the web server and stops with it;
	@# run_worker starts it again if it dies and settles the PDFs it was making.
	SECRET_KEY="$$(cat var/secret_key)" $(MANAGE) run_worker --interval 1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	SECRET_KEY="$$(cat var/secret_key)" $(BIN)/gunicorn tonle.wsgi:application \
	  --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

setup: system-packages venv messages

## the system packages (Debian) that Tonle needs: gettext for translations, Khmer fonts for PDFs
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; fi

test-packages:
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; fi

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q "uv>=0.5"

venv: $(BIN)/uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen -q

## compile the translations (.po -> .mo); the .mo files are built, never committed
messages:
	DEBUG=1 $(MANAGE) compilemessages -v0 --ignore=.venv

migrate:
	mkdir -p var
	DEBUG=1 $(MANAGE) migrate --noinput -v0

demo:
	DEBUG=1 $(MANAGE) load_demo --if-empty
	DEBUG=1 $(MANAGE) results_rebuild

secret:
	@mkdir -p var; [ -s var/secret_key ] || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key

## test: the whole suite, on SQLite and on PostgreSQL, with the browser tests
test: setup test-packages lint test-databases test-browser

lint:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run -v1
	DEBUG=1 $(BIN)/mypy $(wildcard tonle/*/services.py tonle/*/selectors.py)

test-sqlite:
	$(BIN)/pytest -q -m "not browser"

## both databases' suites side by side, a core each, each with its own files; logs in var/
test-databases: postgres
	@mkdir -p var; \
	TONLE_VAR_DIR=var/test-sqlite $(BIN)/pytest -q -m "not browser" > var/test-sqlite.log 2>&1 & sqlite=$$!; \
	TONLE_VAR_DIR=var/test-postgres DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser" \
	  > var/test-postgres.log 2>&1 & pg=$$!; \
	wait $$sqlite; on_sqlite=$$?; wait $$pg; on_postgres=$$?; \
	echo "== SQLite"; cat var/test-sqlite.log; echo "== PostgreSQL"; cat var/test-postgres.log; \
	[ $$on_sqlite = 0 ] && [ $$on_postgres = 0 ]

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

test-postgres:
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser"

test-browser:
	$(BIN)/pytest -q -m browser

bench:
	$(BIN)/python bench/registry_and_reach.py

bench-support:
	$(BIN)/python bench/support_lists.py

bench-grid:
	$(BIN)/python bench/grid.py

bench-collect:
	$(BIN)/python bench/collect_submissions.py

bench-sheet:
	$(BIN)/python bench/sheet_apply.py

bench-report: setup migrate demo
	$(BIN)/python bench/report_pdf.py

## duplicates: Tonle's splink model against plain splink on FEBRL3 and a synthetic Khmer registry
bench-duplicates:
	$(BIN)/python bench/duplicates.py

## 50 field officers and 5 managers on gunicorn, 2 minutes on each database (its own data)
bench-load: setup postgres
	$(BIN)/python bench/load.py

## 200 readers of the public site on gunicorn, cached against uncached, on each database
bench-public: setup postgres
	$(BIN)/python bench/public_load.py

clean:
	rm -rf var/static var/*.sqlite3*
