# Two commands for a newcomer: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: libpq for psycopg, WeasyPrint's libraries and fonts, gettext for the catalogues,
# poppler to look at PDFs, Chromium for the browser tests, ClamAV for the antivirus tests,
# nginx and openssl to check deploy/nginx/portal.conf (tests/deploy/) and to balance the two
# web nodes of tests/test_two_nodes.py.
DEB_RUNTIME := libpq5 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext libmagic1
DEB_TEST := $(DEB_RUNTIME) poppler-utils chromium clamav-daemon clamav nginx openssl

.PHONY: lock run test bench backup restore install install-dev system-packages system-packages-test messages compilemessages lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: system-packages $(VENV)/.installed compilemessages

install-dev: system-packages-test $(VENV)/.installed-dev compilemessages

# Installs missing Debian packages when run as root; otherwise says what is missing.
system-packages:
	@bash scripts/ensure-debian-packages.sh $(DEB_RUNTIME)

system-packages-test:
	@bash scripts/ensure-debian-packages.sh $(DEB_TEST)

# Recompiles the lock files from requirements*.in (pip-tools), keeping the releases already
# pinned unless the .in asks for another; every release with its hashes.
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(VENV)/.installed-dev
	$(LOCK) -o requirements.txt requirements.in
	$(LOCK) -o requirements-dev.txt requirements-dev.in

compilemessages: $(BIN)/python
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

# Extracts the French source strings into the Arabic and English catalogues.
messages: $(BIN)/python
	$(BIN)/python manage.py makemessages -l ar -l en --ignore=.venv --ignore=staticfiles --ignore=var --ignore=test-artifacts --no-obsolete
	$(BIN)/python manage.py makemessages -d djangojs -l ar -l en --ignore=static/vendor --ignore=.venv --ignore=staticfiles --ignore=var --ignore=test-artifacts --no-obsolete

run: install
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  Portail des clusters: http://$(HOST):$(PORT)/"
	@echo "  E-mails sent by the portal are written to var/mail/"
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_SCALE ?= 1
BENCH_ARGS ?=
BENCH_DATABASE_URL ?= postgres://portal:portal@127.0.0.1:5432/portal_bench
BENCH_SMALL_DATABASE_URL ?= postgres://portal:portal@127.0.0.1:5432/portal_bench_small
BENCH_ENV := DJANGO_SETTINGS_MODULE=clusters_portal.settings.bench DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=redis://127.0.0.1:6379/9 CACHE_URL=redis://127.0.0.1:6379/11
BENCH_SMALL_ENV := DJANGO_SETTINGS_MODULE=clusters_portal.settings.bench DATABASE_URL=$(BENCH_SMALL_DATABASE_URL) CELERY_BROKER_URL=redis://127.0.0.1:6379/10 CACHE_URL=redis://127.0.0.1:6379/12 MEDIA_ROOT=var/bench/media-small

# The benchmark (bench/README.md): seeds the programme-scale data set (and a 1 % one, to
# compare query counts) into databases of its own, then measures the portal under gunicorn,
# with a Celery worker: every page cold and warm against a bare Django view, a realistic mix of
# 224 signed-in people (Locust, from requirements-dev), the deadline rushes, the PDFs; about
# 13 minutes on 2 cores; results in bench/results/latest.*.
bench: install $(VENV)/.installed-dev compilemessages
	@command -v wrk >/dev/null || bash scripts/ensure-debian-packages.sh wrk
	bash scripts/bench-services.sh
	$(BENCH_ENV) $(BIN)/python manage.py migrate --no-input -v 0
	$(BENCH_SMALL_ENV) $(BIN)/python manage.py migrate --no-input -v 0
	$(BENCH_SMALL_ENV) $(BIN)/python manage.py seed_bench --reset --scale 0.01
	$(BENCH_ENV) $(BIN)/python manage.py seed_bench --reset --scale $(BENCH_SCALE)
	$(BENCH_ENV) BENCH_SMALL_DATABASE_URL=$(BENCH_SMALL_DATABASE_URL) BENCH_SMALL_BROKER_URL=redis://127.0.0.1:6379/10 BENCH_SMALL_CACHE_URL=redis://127.0.0.1:6379/12 \
		$(BIN)/python bench/run.py $(BENCH_ARGS)

# The database (pg_dump) and the uploaded files, with SHA-256 manifests, into var/backups/<UTC time>/.
# DATABASE_URL (and MEDIA_ROOT, BACKUP_DIR if not the defaults) come from the environment.
backup:
	bash scripts/backup.sh

# Restores a backup into an empty database (FORCE=1 replaces a populated one) and checks every file.
restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<timestamp> [FORCE=1]" >&2; exit 2; }
	bash scripts/restore.sh $(if $(FORCE),--force) "$(BACKUP)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
