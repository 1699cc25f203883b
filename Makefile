# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The suite runs on every core (pytest-xdist); PYTEST_ARGS='-n 0 -k ...' for one process.
PYTEST_ARGS ?= -n auto
# Exported: the development settings build PORTAL_BASE_URL (links in e-mails, the seed banner)
# from them.
export HOST PORT

.PHONY: run test bench lint format install install-dev messages translations clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	    echo "Python 3.11 or newer is needed; $(PYTHON) is $$($(PYTHON) --version 2>&1)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "'$(PYTHON) -m venv' failed: on Debian or Ubuntu install the venv module first:"; \
	    echo "    sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compile the .po catalogues (babel: no GNU gettext needed on the machine).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --domain django --directory locale --statistics 2>&1 | grep -v '^$$' || true

# Re-extract strings after changing templates or code (needs GNU gettext's xgettext).
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages --locale uk --ignore '.venv/*' --ignore 'var/*'

run: $(VENV)/.installed translations
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving http://$(HOST):$(PORT)/ with a Celery worker and beat; Ctrl-C stops all."
	@$(BIN)/python -m portal.devrun --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

BENCH_JSON ?= var/bench.json
bench: $(VENV)/.installed-dev translations
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench $(if $(TICKETS),--tickets $(TICKETS)) --json $(BENCH_JSON)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/celery var/celerybeat-schedule* var/staticfiles
