# Two commands on a fresh machine (see README):
#   make run   – virtualenv, locked requirements, migrate, reference + demo data, serve on :8000
#                with the background job workers beside it
#   make test  – the same setup, then the whole test suite (unit, view and browser tests)
# Dependencies: requirements*.in hold the direct pins, requirements*.txt the locks compiled from
# them (every package, with hashes). After editing a .in file: make lock (docs/development.md, "Dependencies").
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest-xdist workers for make test: 0 runs the suite in one process (the default: on this
# shared 2-core machine, under load, it was the fastest); auto = one per CPU, for free cores.
TEST_WORKERS ?= 0
LOCKS  := requirements.txt requirements-dev.txt
# pip-compile's options for `make lock`; LOCK_ARGS adds more, e.g. --upgrade-package sqlparse
COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
           --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: run test setup db lint messages check-catalogue check-deploy lock bench clean

# The virtualenv holds exactly the development lock: pip installs it checking every file against
# its hash, pip-sync removes what the lock no longer lists, and check_requirements.py compares the
# result with the lock (and the locks with the .in files). Runs again only when these files change.
$(STAMP): $(LOCKS) requirements.in requirements-dev.in scripts/check_requirements.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(BIN)/pip-sync --quiet requirements-dev.txt
	$(BIN)/python scripts/check_requirements.py
	touch $(STAMP)

setup: $(STAMP)
	@scripts/install-system-deps.sh

db: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_reference
	DEBUG=1 $(BIN)/python manage.py seed_demo

# the web server and, beside it, the background job workers (a small supervisor: run_workers)
run: db
	DEBUG=1 $(BIN)/python manage.py run_workers --runserver 127.0.0.1:8000

test: $(STAMP)
	@scripts/install-system-deps.sh --with-browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# After adding or changing texts: collect them into the English catalogue; translate the new
# entries of locale/en/LC_MESSAGES/django.po, then run it again to compile (docs/development.md).
messages: $(STAMP)
	@scripts/install-system-deps.sh --with-gettext
	DEBUG=1 $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

# The English catalogue is complete, compiled, and holds every translatable string of the source.
check-catalogue: $(STAMP)
	@scripts/install-system-deps.sh --with-gettext
	$(BIN)/python scripts/check_catalogue.py

check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=giamngheo.example.vn \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Compiles the locks from the .in files (pip-tools, from the current lock when the venv is new).
lock:
	test -x $(BIN)/pip-compile || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	  $(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt; }
	$(COMPILE) $(LOCK_ARGS) -o requirements.txt requirements.in
	$(COMPILE) $(LOCK_ARGS) -o requirements-dev.txt requirements-dev.in

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/db.sqlite3 var/staticfiles
