# Two commands on a fresh clone: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

.PHONY: run test setup db demo serve serve-nginx lint clean loadtest bench backup-pg restore-pg

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or later is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# Quiet, so that `make run` ends with its address: errors still show, on stderr.
db: setup
	@$(BIN)/python manage.py migrate --noinput -v 0
	@echo "Database schema is up to date."

demo: db
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py create_demo_accounts

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (admin at /admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info

# --- Production-like serving, load test, PostgreSQL backups (see README, "Deployment") ---

# `make serve`: gunicorn alone with DEBUG off and hashed, compressed static files (served by
# WhiteNoise), on loopback. Without SECRET_KEY in the environment a throwaway key is kept in
# .secret_key (untracked). SSL redirect is off and ALLOWED_HOSTS is 127.0.0.1,localhost:
# for this machine only. Production puts nginx in front: see `make serve-nginx`.
define throwaway_secret_key
	@if [ -z "$$SECRET_KEY" ] && [ ! -s .secret_key ]; then \
	  (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret_key); \
	  echo "Wrote a throwaway SECRET_KEY to .secret_key (local use only)"; fi
endef
SERVE_ENV = export DEBUG=false SECURE_SSL_REDIRECT=false \
	  SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key)}" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}"

serve: db
	$(throwaway_secret_key)
	@$(SERVE_ENV) GUNICORN_BIND=127.0.0.1:$(PORT); \
	$(BIN)/python manage.py collectstatic --noinput -v 0 && \
	echo "Serving with DEBUG off on http://localhost:$(PORT)/ (gunicorn alone; Ctrl-C stops)" && \
	exec $(BIN)/gunicorn -c tracker/gunicorn_conf.py

# `make serve-nginx`: the production topology on loopback. nginx in the foreground on
# http://localhost:$(PORT)/, with the config of deploy/nginx/ rendered into .serve/
# (untracked: pid, temporary files, access log), serves the static files and passes the
# rest to gunicorn on a free loopback port. Ctrl-C stops both. Needs nginx (apt-get
# install -y nginx). The environment is the same as for `make serve`.
serve-nginx: db
	$(throwaway_secret_key)
	@$(SERVE_ENV); \
	$(BIN)/python manage.py collectstatic --noinput -v 0 && \
	exec $(BIN)/python deploy/serve.py --port $(PORT)

# `make loadtest`: a production-like server on 127.0.0.1 with its own database (demo data
# plus 50,000 generated statements, made once), driven by locust for a fixed time. Give it
# PostgreSQL, as production: LOADTEST_DATABASE_URL=postgres://… (else a SQLite file).
LOADTEST_USERS ?= 32
LOADTEST_SECONDS ?= 60
LOADTEST_STAMP := $(VENV)/.loadtest-stamp

$(LOADTEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,loadtest]"
	touch $(LOADTEST_STAMP)

loadtest: $(LOADTEST_STAMP)
	LOADTEST_DATABASE_URL="$(LOADTEST_DATABASE_URL)" \
	  $(BIN)/python loadtest/run.py --users $(LOADTEST_USERS) --seconds $(LOADTEST_SECONDS)

# `make bench`: the public pages over HTTP on the production-like server, against the limit
# (a bare Django view) and the stock approach (django-filter + Paginator), driven by wrk when
# installed; writes benchmarks/RESULTS.md. Needs DATABASE_URL=postgres://… naming a scratch
# database: it is filled, once, to BENCH_STATEMENTS made-up statements (see benchmarks/bench.py).
BENCH_STATEMENTS ?= 1000000
BENCH_SECONDS ?= 10

bench: setup
	$(require_postgres_url)
	BENCH_STATEMENTS=$(BENCH_STATEMENTS) BENCH_SECONDS=$(BENCH_SECONDS) \
	  $(BIN)/python -m benchmarks.bench

# PostgreSQL's own format, with pg_dump/pg_restore (any size, schema included):
#   make backup-pg [BACKUP_FILE=backups/tracker.dump]
#   make restore-pg BACKUP_FILE=backups/tracker.dump [FORCE=1]
# Both read DATABASE_URL (postgres://USER:PASSWORD@HOST:5432/NAME). restore-pg refuses a
# database that has tables unless FORCE=1, which drops and replaces what the dump holds.
ifeq ($(origin BACKUP_FILE), undefined)
BACKUP_FILE := backups/tracker-$(shell date -u +%Y%m%dT%H%M%SZ).dump
endif

define require_postgres_url
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "$@: set DATABASE_URL to the PostgreSQL database, e.g. postgres://USER:PASSWORD@HOST:5432/NAME" >&2; exit 2;; esac
endef

backup-pg:
	$(require_postgres_url)
	@mkdir -p "$(dir $(BACKUP_FILE))"
	pg_dump --format=custom --no-owner --no-privileges --file="$(BACKUP_FILE).partial" --dbname="$$DATABASE_URL"
	@mv "$(BACKUP_FILE).partial" "$(BACKUP_FILE)"
	@echo "Wrote $(BACKUP_FILE)"

restore-pg:
	$(require_postgres_url)
	@test -f "$(BACKUP_FILE)" || { echo "restore-pg: no such file: $(BACKUP_FILE) (set BACKUP_FILE=...)" >&2; exit 2; }
	@tables=$$(psql "$$DATABASE_URL" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") || exit 1; \
	if [ "$$tables" != "0" ] && [ "$(FORCE)" != "1" ]; then \
	  echo "restore-pg: the database already has $$tables tables. Restore into a new, empty database (createdb), or pass FORCE=1 to drop and replace what the dump holds." >&2; exit 1; fi
	pg_restore --no-owner --no-privileges --exit-on-error --single-transaction $(if $(filter 1,$(FORCE)),--clean --if-exists) --dbname="$$DATABASE_URL" "$(BACKUP_FILE)"
	@echo "Restored $(BACKUP_FILE)"
