# The bilingual edition: one entry point. `make help` lists the targets.

PYTHON     ?= python3
VENV       ?= .venv
BUILDDIR   ?= build
SPHINXOPTS ?= -nW --keep-going
PORT       ?= 8000
export SPHINXOPTS

BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
NODE  := node_modules/.installed-package-lock
PO    := $(BIN)/python tools/po.py

# Reproducible builds: every build sees the last commit's time.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1515456000)
export SOURCE_DATE_EPOCH

.DEFAULT_GOAL := help
.PHONY: help html pdf epub all dist watch live test test-fast lint bench screenshots \
	gettext update-po stats check-po format-po podiff clean distclean system-html system-pdf system-test

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(NODE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

system-html: ## Install (or name) the Debian packages `make html` needs
	@tools/setup-system html
system-pdf: ## Install (or name) the Debian packages `make pdf` needs (TeX, fonts)
	@tools/setup-system pdf
system-test: ## Install (or name) the Debian packages the tests need
	@tools/setup-system test

# -- Publishing ---------------------------------------------------------------
html: system-html $(STAMP) ## Build the Korean and English sites and the side-by-side view into build/html
	$(BIN)/python tools/publish.py html --build-dir $(BUILDDIR)
pdf: system-pdf $(STAMP) ## Build the Korean, English and side-by-side PDFs into build/pdf
	$(BIN)/python tools/publish.py pdf --build-dir $(BUILDDIR)
epub: system-html $(STAMP) ## Build the Korean and English EPUBs into build/epub
	$(BIN)/python tools/publish.py epub --build-dir $(BUILDDIR)
all: system-pdf $(STAMP) ## PDF, EPUB, then the site that offers them
	$(BIN)/python tools/publish.py all --build-dir $(BUILDDIR)
dist: all ## Pack the published site into build/dist/*.tar.gz
	$(BIN)/python tools/publish.py dist --build-dir $(BUILDDIR)
watch: system-html $(STAMP) ## Republish build/html on every save and serve it on PORT (8000)
	$(BIN)/python tools/watch.py --build-dir $(BUILDDIR) --port $(PORT)
live: $(STAMP) ## sphinx-autobuild preview of one language (make live LANGUAGE=en)
	$(BIN)/sphinx-autobuild -D language=$(LANGUAGE) -c . --watch locale --watch bilingual \
		--ignore '*.mo' source $(BUILDDIR)/live/$(LANGUAGE)

# -- Translating --------------------------------------------------------------
LANGUAGE ?= en
gettext: $(STAMP) ## Extract the message templates (.pot) into build/gettext
	$(BIN)/sphinx-build -b gettext -q -c . source $(BUILDDIR)/gettext
update-po: gettext podiff ## Merge the templates into the catalogs (changed: fuzzy with #|; removed: #~)
	$(PO) update --pot-dir $(BUILDDIR)/gettext
stats: $(STAMP) ## Translation progress per catalog (ARGS=--json for tools)
	@$(PO) stats $(ARGS)
check-po: system-html $(STAMP) ## The catalog gate: every problem as file:line, exit 1 on any
	$(PO) check
format-po: $(STAMP) ## Rewrite every catalog in the project's one form (Babel, width 79)
	$(PO) format
podiff: ## Make `git diff` of .po files readable (once per clone)
	@git config diff.podiff.textconv tools/po-textconv 2>/dev/null || true

# -- Checking -----------------------------------------------------------------
test: system-test $(STAMP) $(NODE) check-po lint ## The catalog gate, ruff and every test, as CI runs them
	$(BIN)/python -m pytest -n auto --dist loadfile
test-fast: system-html $(STAMP) ## The tests that take no browser, TeX or whole publication (under a minute)
	$(BIN)/python -m pytest -n auto -m "not slow"
lint: $(STAMP) ## Lint and format-check the Python code (ruff)
	$(BIN)/ruff check bilingual tools tests conf.py
	$(BIN)/ruff format --check bilingual tools tests conf.py
bench: system-pdf system-test $(STAMP) ## Time make html against plain sphinx-build (build/bench)
	$(BIN)/python tools/bench.py --out $(BUILDDIR)/bench
screenshots: html system-test ## Screenshot every page type, both languages, into build/screenshots
	$(BIN)/python tests/screenshots.py --site $(BUILDDIR)/html --out $(BUILDDIR)/screenshots

clean: ## Remove build output
	rm -rf $(BUILDDIR)
distclean: clean ## Remove build output, the virtual environment and node_modules
	rm -rf $(VENV) node_modules
