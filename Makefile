# readinglist: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CONTENT := content

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# uv installs exactly what uv.lock pins, with this machine's Python (never one
# it downloads). It comes from PyPI as a wheel, pinned here, in a venv of its own.
UV_VERSION := 0.13.9
UV := .tools/uv-$(UV_VERSION)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages are compiled to bytecode once, here: where Python may not write
# it at import time (PYTHONDONTWRITEBYTECODE, a read-only venv) every command would
# compile Jinja and the rest from source again, 0.14 s before it starts.
export UV_COMPILE_BYTECODE := 1

$(UV):
	rm -rf .tools/uv-*
	$(PYTHON) -m venv .tools/uv-$(UV_VERSION)
	.tools/uv-$(UV_VERSION)/bin/python -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'

# The site needs the package alone; --inexact keeps what the tests added.
$(VENV)/.site-installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --inexact --python $(PYTHON)
	touch $@

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra test --python $(PYTHON)
	touch $@ $(VENV)/.site-installed

.PHONY: install
install: $(VENV)/.installed ## Create .venv with the locked versions of readinglist and what the tests need

.PHONY: install-site
install-site: $(VENV)/.site-installed ## Create .venv with the locked versions of readinglist alone

.PHONY: lock
lock: | $(UV) ## Update uv.lock after a change to the ranges in pyproject.toml
	$(UV) lock --python $(PYTHON)

.PHONY: drift
drift: | $(UV) ## Install the newest versions pyproject.toml allows (not the lock) and run the tests
	$(UV) lock --upgrade --python $(PYTHON)
	$(MAKE) test

.PHONY: check
check: install ## Validate content/ and report every problem
	$(PY) -m readinglist check --content $(CONTENT)

.PHONY: bench
bench: install ## Time check on 1k and 10k synthetic entries (BENCH_FLAGS=--with-100k adds 100k)
	$(PY) bench/bench_check.py $(BENCH_FLAGS)

.PHONY: links
links: install ## Request every entry's link; report dead, moved and blocked ones
	$(PY) -m readinglist links --content $(CONTENT)

.PHONY: site
site: install-site ## Build the site into site/ from content/
	$(PY) -m readinglist build --content $(CONTENT) --out site
	@echo "Site built in site/. Browse it with .venv/bin/readinglist serve and open http://127.0.0.1:8000/"

.PHONY: lint
lint: install ## ruff format check and lint
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/ruff check src tests bench

.PHONY: typecheck
typecheck: install ## mypy, strict
	$(VENV)/bin/mypy

# The site tests check the built HTML with the Nu Html Checker (needs Java) and
# axe-core, pinned in package-lock.json, in Debian's Chromium.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

.PHONY: test-deps
test-deps: install node_modules/.installed ## Install what the site tests need: Chromium, Java, vnu-jar, axe-core
	@missing=""; \
	test -x /usr/bin/chromium || missing="chromium"; \
	java -version >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

.PHONY: workflows
workflows: install ## Check the GitHub Actions workflows (actionlint) and the Dependabot config (its schema)
	$(VENV)/bin/actionlint
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml

.PHONY: test
test: install test-deps lint typecheck workflows ## Everything: lint, types, the test suite and the checker on content/
	$(PY) -m pytest
	$(PY) -m readinglist check --content $(CONTENT)

.PHONY: golden
golden: install ## Regenerate tests/golden/site/ after an intended change to the site; review with git diff
	READINGLIST_REGENERATE=1 $(PY) -m pytest -q tests/test_render.py

.PHONY: format
format: install ## Reformat and fix what ruff can
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

.PHONY: clean
clean: ## Remove build output and caches (keeps .venv)
	rm -rf site .site.next .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
