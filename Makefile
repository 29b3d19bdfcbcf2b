# Anchor Portal. `make run` and `make test` are all a new colleague needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run install migrate demo test test-sqlite test-postgres install-check lint fmt worker scheduler assets bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) load-reference

demo: migrate
	$(FLASK) demo-data

## Serve on http://127.0.0.1:5000 with SQLite and in-process jobs (periodic ones too, when due).
run: demo
	$(FLASK) serve --host 127.0.0.1 --port 5000

## The whole suite on SQLite; again on PostgreSQL and Redis when TEST_DATABASE_URL/TEST_REDIS_URL are set.
test: install
	bash tests/run_suite.sh

## Build and install into a fresh venv outside the checkout; migrate PostgreSQL; request pages.
install-check:
	.ci/install_check

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## An RQ worker (needs REDIS_URL); start as many as the load needs.
worker: install
	$(FLASK) worker

## Starts each periodic job when it is due (the last runs are kept in the database).
scheduler: install
	$(FLASK) jobs run-periodic --loop

## Rebuild static/govuk from the GOV.UK Frontend npm package (needs Node and npm).
assets:
	cd static/src && npm install --no-audit --no-fund
	cd static/src && npx sass --pkg-importer=node --style=compressed --no-source-map --quiet-deps portal.scss ../govuk/portal.min.css
	cp static/src/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/

## The in-process benches, then load and faults on a throwaway production stack (own PostgreSQL
## and Redis on free ports, gunicorn, an RQ worker). BENCH_ARGS=--short for the CI-sized runs.
bench: install
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/portal.sqlite
