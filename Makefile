# OrderReview: `make run` serves the app with demo data, `make test` runs the whole suite.
# Both set everything up on a fresh machine that has Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEV_ENV := DJANGO_DEBUG=1 DJANGO_SECURE_COOKIES=0 DJANGO_SECURE_SSL_REDIRECT=0

.PHONY: install run serve test test-fast lint format migrate demo backup restore bench bench-drop bench-pdf vendor clean-db

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

# The web server on http://127.0.0.1:8000 and, beside it, the background worker.
run: demo
	@echo "OrderReview at http://127.0.0.1:8000/ (Ctrl-C stops it)"
	@echo "E-mail (to customers and staff) is written to var/mail/, one file per message"
	@echo "Webhooks may go to http:// and local addresses here (a receiver on this machine)"
	$(DEV_ENV) DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
		WEBHOOK_ALLOW_HTTP=1 WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 bash scripts/run_dev.sh

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Back up the database and the uploaded files to var/backups/ (one .tar with a
# SHA-256 manifest), or restore FILE into a new database and files folder, verified.
backup: install
	$(DEV_ENV) $(BIN)/python manage.py backup_db

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/orderreview-....tar [DB=name] [MEDIA=folder]"; exit 2; }
	$(DEV_ENV) $(BIN)/python manage.py restore_db "$(FILE)" $(if $(DB),--database-name "$(DB)") $(if $(MEDIA),--media-root "$(MEDIA)")

# Load test: gunicorn (2 workers) driven by wrk; see README "Performance".
bench: demo
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(DEV_ENV) $(BIN)/python manage.py bench
	@echo "The benchmark database orderreview_bench is kept for the next run (about 4 GB"
	@echo "at 100,000 orders, 40 GB at 1,000,000); 'make bench-drop' drops it."

bench-drop: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py bench_drop

# The PDF of the largest acceptance record the text limits allow (built in memory).
bench-pdf: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py bench_record_pdf

# Refresh the vendored front-end files from npm (not needed to run or test).
vendor:
	npm install --no-audit --no-fund
	mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/chartjs static/vendor/axe
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chartjs/
	cp node_modules/axe-core/axe.min.js static/vendor/axe/
	sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##; s#//\# sourceMappingURL=.*$$##' static/vendor/*/*
