# The bilingual edition: one entry point. `make help` lists the targets.

PYTHON     ?= python3
VENV       ?= .venv
BUILDDIR   ?= build
SPHINXOPTS ?= -nW --keep-going
export SPHINXOPTS

BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-requirements

.DEFAULT_GOAL := help
.PHONY: help html gettext test lint clean distclean system-html system-test bench

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

system-html: ## Install (or name) the Debian packages `make html` needs
	@tools/setup-system html

system-test: ## Install (or name) the Debian packages the tests need
	@tools/setup-system test

html: $(STAMP) system-html ## Build the Korean and English HTML editions into build/html
	$(BIN)/python tools/publish.py html --build-dir $(BUILDDIR)

gettext: $(STAMP) ## Extract message templates (.pot) into build/gettext
	$(BIN)/sphinx-build -b gettext -q -c . source $(BUILDDIR)/gettext

test: $(STAMP) system-test ## Run the test suite (builds into a temporary directory)
	$(BIN)/python -m pytest

# -- Benchmark (issue 7) ------------------------------------------------------
# BENCH_RUNS (default 5), BENCH_SCALE (default 50,200,500), BENCH_SCALE_RUNS.
bench: $(STAMP) system-html ## Time builds against plain Sphinx, at 50-500 pages (build/bench/)
	$(BIN)/python tools/bench.py --out $(BUILDDIR)/bench

lint: $(STAMP) ## Lint and format-check the Python code with ruff
	$(BIN)/ruff check bilingual tools tests conf.py
	$(BIN)/ruff format --check bilingual tools tests conf.py

clean: ## Remove build output
	rm -rf $(BUILDDIR)

distclean: clean ## Remove build output and the virtual environment
	rm -rf $(VENV)
