# The bilingual edition: one entry point. `make help` lists the targets.

PYTHON     ?= python3
VENV       ?= .venv
BUILDDIR   ?= build
SPHINXOPTS ?= -nW --keep-going
export SPHINXOPTS

BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-requirements

# -- Reproducible builds: every sphinx-build/latexmk below sees the last commit's time.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1515456000)
FORCE_SOURCE_DATE := 1
export SOURCE_DATE_EPOCH FORCE_SOURCE_DATE
NODE_STAMP := node_modules/.installed-package-lock

.DEFAULT_GOAL := help
.PHONY: help html pdf epub all dist gettext test lint clean distclean system-html system-pdf system-test
.PHONY: screenshots search-eval bench stop

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

epub: $(STAMP) system-html ## Build the Korean and English EPUBs into build/epub
	$(BIN)/python tools/publish.py epub --build-dir $(BUILDDIR)

all: $(STAMP) system-pdf ## Build and publish everything: PDF, EPUB, then the HTML site linking them
	$(BIN)/python tools/publish.py all --build-dir $(BUILDDIR)

dist: all ## Pack the published site (both languages, downloads) into build/dist/*.tar.gz
	$(BIN)/python tools/publish.py dist --build-dir $(BUILDDIR)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@
# -- PDF editions (issue 3) --
system-pdf: ## Install (or name) the Debian packages `make pdf` needs (TeX, fonts)
	@tools/setup-system pdf

pdf: $(STAMP) system-pdf ## Build the Korean, English and Korean–English PDFs into build/pdf
	$(BIN)/python tools/publish.py pdf --build-dir $(BUILDDIR)


gettext: $(STAMP) ## Extract message templates (.pot) into build/gettext
	$(BIN)/sphinx-build -b gettext -q -c . source $(BUILDDIR)/gettext

test: $(STAMP) $(NODE_STAMP) system-test check-po ## Run the catalog gate and the test suite (builds into a temporary directory)
	$(BIN)/python -m pytest

# -- Reader experience: screenshots and search figures (README.md, "Reader experience") --
screenshots: html system-test ## Screenshot every page type, both languages, desktop/mobile, light/dark, into build/screenshots
	$(BIN)/python tools/screenshots.py --site $(BUILDDIR)/html --out $(BUILDDIR)/screenshots

search-eval: $(STAMP) system-test ## Search recall, index size and build time without/with the Korean search language
	$(BIN)/python tools/search_eval.py --json $(BUILDDIR)/search-eval.json
# -- Benchmark (issue 7) ------------------------------------------------------
# BENCH_RUNS (default 5), BENCH_SCALE (default 50,200,500), BENCH_SCALE_RUNS.
bench: $(STAMP) system-pdf system-test ## Time builds against plain Sphinx, at 50-500 pages (build/bench/)
	$(BIN)/python tools/bench.py --out $(BUILDDIR)/bench

lint: $(STAMP) ## Lint and format-check the Python code with ruff
	$(BIN)/ruff check bilingual tools tests conf.py
	$(BIN)/ruff format --check bilingual tools tests conf.py

stop: ## Stop the resident publisher (it keeps Sphinx imported for the next make html)
	@$(BIN)/python tools/resident.py stop --build-dir $(BUILDDIR)

clean: ## Remove build output (a resident publisher of it stops within a second)
	rm -rf $(BUILDDIR)

distclean: clean ## Remove build output, the virtual environment and node_modules
	rm -rf $(VENV) node_modules

# -- Translator's workflow (catalogs) -------------------------------------------
LANGUAGE ?= en
PO       := $(BIN)/python tools/po.py
.PHONY: update-po stats stats-json check-po format-po live watch podiff

update-po: gettext podiff ## Refresh locale/en catalogs from the templates (changed: fuzzy with #|, removed: #~)
	$(PO) update --pot-dir $(BUILDDIR)/gettext --language $(LANGUAGE)

stats: $(STAMP) ## Translation progress per catalog (entries and characters); ARGS=--json for tools
	@$(PO) stats --language $(LANGUAGE) $(ARGS)

stats-json: $(STAMP) ## Translation progress as JSON
	@$(PO) stats --language $(LANGUAGE) --json

check-po: $(STAMP) system-html ## The catalog gate: syntax, completeness, markup, numbers, glossary, security, spelling
	$(PO) check

format-po: $(STAMP) ## Rewrite every catalog in the project's one form (Babel, width 79)
	$(PO) format

PORT ?= 8000
watch: $(STAMP) system-html ## Republish build/html on every saved .md, .po or setting, and serve it (make watch PORT=8000)
	$(BIN)/python tools/watch.py --build-dir $(BUILDDIR) --port $(PORT)

live: $(STAMP) ## Live preview rebuilt on every saved .md or .po (make live LANGUAGE=en)
	$(BIN)/sphinx-autobuild -D language=$(LANGUAGE) -c . --watch locale --watch bilingual \
		--ignore '*.mo' source $(BUILDDIR)/live/$(LANGUAGE)

podiff: ## Make git diff of .po files readable (drops #: lines; once per clone)
	@git config diff.podiff.textconv tools/po-textconv 2>/dev/null || true
