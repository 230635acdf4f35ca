# Civic: `make run` and `make test` work on a fresh clone with only Python 3.11+ installed.
# The first interpreter that really runs and is 3.11+ (a pyenv shim may exist without its version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $$p && break; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-fast system-deps system-deps-browser lint format messages bench bench-seed lighthouse cluster clean help

help:
	@echo "make run    - the whole platform at http://127.0.0.1:8000 (embedded PostgreSQL + Redis, demo content)"
	@echo "make test   - the whole test suite (real PostgreSQL, Redis, Celery, headless Chromium)"
	@echo "make test-fast - the suite without the browser tests (no Chromium needed)"
	@echo "make system-deps-browser - install what pip cannot (chromium, fonts, gettext); make test does it"
	@echo "make lint   - ruff check + format check + migrations check"
	@echo "make messages - refresh fr/en/es catalogues from the code (needs GNU gettext)"
	@echo "make bench  - measure the main pages (see bench/README.md)"
	@echo "make cluster - rehearse several machines on this one (HAProxy, 2 nodes, replica, PgBouncer, S3)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || (echo "Python 3.11+ is required (python3.11, python3.12 or python3 on PATH)"; exit 1)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

$(VENV): $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py i18n_compile
	$(BIN)/python manage.py run_platform

# What pip cannot install (Debian packages), checked first so that nothing runs when it is missing:
# see bin/system-deps. SYSTEM_DEPS_ARGS=--dry-run shows what it would do.
system-deps:
	@bin/system-deps --cluster $(SYSTEM_DEPS_ARGS)

system-deps-browser:
	@bin/system-deps --browser --cluster $(SYSTEM_DEPS_ARGS)

test: system-deps-browser $(STAMP)
	$(BIN)/python manage.py i18n_compile
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: system-deps $(STAMP)
	$(BIN)/python manage.py i18n_compile
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/python -m ruff check --fix .
	$(BIN)/python -m ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l fr -l en -l es --no-obsolete --no-location --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(BIN)/python manage.py i18n_compile

bench-seed: $(STAMP)
	CIVIC_INSTANCE=bench $(BIN)/python manage.py migrate --noinput -v0
	CIVIC_INSTANCE=bench $(BIN)/python manage.py bench_seed --scale $${SCALE:-0.1} $(SEED_ARGS)

bench: $(STAMP)
	@command -v wrk >/dev/null || (echo "wrk is needed: apt-get install wrk"; exit 1)
	CIVIC_INSTANCE=bench $(BIN)/python bench/run.py $(BENCH_ARGS)

# Lighthouse (npm, pinned in bench/lighthouse/package.json) on a phone against `make run`'s server.
lighthouse: $(STAMP)
	@bin/system-deps --browser
	@test -x bench/lighthouse/node_modules/.bin/lighthouse || npm ci --prefix bench/lighthouse --no-audit --no-fund || npm install --prefix bench/lighthouse --no-audit --no-fund
	$(BIN)/python bench/lighthouse.py $(LIGHTHOUSE_ARGS)

cluster: $(STAMP)
	@command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || (echo "haproxy is needed: apt-get install haproxy"; exit 1)
	@bin/system-deps --cluster
	$(BIN)/python manage.py i18n_compile
	$(BIN)/python bench/cluster.py $(CLUSTER_ARGS)

clean:
	$(BIN)/python -c "from civic import embedded; [embedded.wipe(i) for i in ('dev', 'test', 'bench')]"
