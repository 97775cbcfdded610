# Palabre — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export PALABRE_VAR_DIR ?= $(CURDIR)/var

.PHONY: demo serve install install-test test lint pytest bench messages clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make demo: install, migrate, load the demo organisation, serve on http://127.0.0.1:8000
demo: install
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --no-input -v0
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	SECURE_SSL_REDIRECT=false $(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) \
		--workers 2 --blocking-threads 8 --working-dir src palabre.wsgi:application

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=palabre.settings.test $(PY) manage.py makemigrations --check --dry-run -v1

pytest: install-test
	scripts/system-deps chromium gettext
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

## make test: lint, migrations check, unit, integration, browser and accessibility tests
test: lint pytest

## make bench: seed a large database and measure requests per second (see bench/README.md)
bench: install-test
	scripts/system-deps wrk
	$(PY) bench/run.py $(BENCH_ARGS)

## make messages: refresh the translation catalogues after changing UI strings
messages: install
	scripts/system-deps gettext
	cd src/palabre && ../../$(PY) ../../manage.py makemessages -l en -l fr --no-obsolete --no-location
	cd src/palabre && ../../$(PY) ../../manage.py compilemessages

clean:
	rm -rf $(VENV) var build src/*.egg-info
