# Two commands on a fresh machine (see README):
#   make run   – virtualenv, pinned requirements, migrate, reference + demo data, serve on :8000
#                with the background job workers beside it
#   make test  – the same setup, then the whole test suite (unit, view and browser tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup db lint check-deploy bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
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
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=giamngheo.example.vn \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/db.sqlite3 var/staticfiles
