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

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

.PHONY: install
install: $(VENV)/.installed ## Create .venv and install readinglist with what the tests need

.PHONY: check
check: install ## Validate content/ and report every problem
	$(PY) -m readinglist check --content $(CONTENT)

.PHONY: site
site: install ## Build the site into site/ from content/
	$(PY) -m readinglist build --content $(CONTENT) --out site
	@echo "Site built: open site/index.html, or run .venv/bin/readinglist serve"

.PHONY: lint
lint: install ## ruff format check and lint
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/ruff check src tests bench

.PHONY: typecheck
typecheck: install ## mypy, strict
	$(VENV)/bin/mypy

.PHONY: test
test: install lint typecheck ## Everything: lint, types, the test suite and the checker on content/
	$(PY) -m pytest
	$(PY) -m readinglist check --content $(CONTENT)

.PHONY: format
format: install ## Reformat and fix what ruff can
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

.PHONY: clean
clean: ## Remove build output and caches (keeps .venv)
	rm -rf site .pytest_cache .mypy_cache .ruff_cache .hypothesis
