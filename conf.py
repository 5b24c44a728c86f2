"""Sphinx configuration for the bilingual (Korean/English) edition of a KISDI column."""

import contextlib
import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# sphinxext-opengraph says on stdout, when imported, that its social cards (off: see
# ogp_social_cards below) need matplotlib, which the project leaves out. Imported here,
# quietly, before Sphinx loads it.
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401

# -- Project -----------------------------------------------------------------
# Titles and names shown in the theme come from the catalogs at build time
# (bilingual/edition_meta.py), so English lives only in locale/en.

project = "중국, 혁신성과 로컬리티(Locality)의 사례"
author = "김성옥"
# A translation names the publisher (epub_publisher below) in its language here too.
copyright = "2018, KISDI 정보통신정책연구원"  # noqa: A001
root_doc = "index"
edition_main_doc = "column"  # the language chooser's destination; its title is the PDF's title
exclude_patterns: list[str] = []

# -- Internationalisation ----------------------------------------------------
# The one list of languages: the first is the source (source/*.md), the others are
# translated in locale/<lang>. Every edition, link and tool derives from it.

edition_languages = ["ko", "en"]
language = edition_languages[0]
# Absolute: Sphinx reads it from source/, sphinx-intl from here (`sphinx-intl update` works too).
locale_dirs = [str(Path(__file__).resolve().parent / "locale")]
gettext_compact = False
gettext_uuid = False
gettext_location = True
gettext_last_translator = "KISDI column translators"
gettext_additional_targets = ["literal-block"]
# An outdated translation (a fuzzy entry) is shown, marked as such (bilingual.progress).
gettext_allow_fuzzy_translations = True
# Mark translated/untranslated nodes; bilingual.progress adds a notice to partly translated pages.
translation_progress_classes = True

# -- Extensions --------------------------------------------------------------

extensions = [
    "myst_parser",
    "bilingual.source_checks",  # warns of emphasis MyST leaves as text, and of decomposed Hangul
    "bilingual.editions",
    "bilingual.freshness",
    "bilingual.switcher",
    "bilingual.anchors",
    "bilingual.sidebyside",
    "bilingual.glossary_order",
    "bilingual.safe_translations",  # translations cannot add raw HTML
    "bilingual.progress",
    "bilingual.korean_search",  # a `ko` search language; used only when language == "ko"
    "bilingual.edition_meta",
    "bilingual.web",
    "bilingual.downloads",
    "bilingual.epub",
    "bilingual.latex",
    "bilingual.speedups",  # see docs/performance.md; -D bilingual_speedups= turns them off
]

# -- MyST --------------------------------------------------------------------
# No "substitution": its Jinja2 can run code from a crafted msgstr.
# Inline links only: reference-style links are lost in translated messages.

myst_enable_extensions = ["fieldlist"]
myst_url_schemes = ["http", "https", "mailto", "tel"]
myst_heading_anchors = 0

# -- HTML --------------------------------------------------------------------

html_theme = "furo"
templates_path = ["bilingual/templates"]
html_static_path = ["bilingual/static"]
html_css_files = ["korean.css", "edition.css", "sidebyside.css", "downloads.css"]
html_favicon = "bilingual/static/favicon.svg"  # without one, every page logs a 404 for /favicon.ico
html_js_files = [("switcher.js", {"defer": "defer"})]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {"top_of_page_buttons": []}

# -- Publishing: the web, EPUB, downloads ------------------------------------
# docs/publishing.md. Each edition is published under <html_baseurl><edition>/; its
# English names come from the catalogs (bilingual/edition_meta.py).

version = release = "1.0"
html_baseurl = os.environ.get("EDITION_BASEURL", "https://kisdi-locality.github.io/edition/")
if os.environ.get("READTHEDOCS") == "True":  # one project per language, at its own address
    html_baseurl = os.environ["READTHEDOCS_CANONICAL_URL"]
    edition_host = "readthedocs"
edition_name = "kisdi-locality-2018"  # the downloads' file names: <name>-<edition>.pdf

# Link previews: og:url and og:locale are set per language (bilingual/web.py).
ogp_social_cards = {"enable": False}  # matplotlib images: no Hangul font, not reproducible
ogp_enable_meta_description = True

epub_theme = "epub"
epub_templates_path: list[str] = []  # furo's page overrides are for the web only
epub_basename = edition_name  # tools/publish.py renames it <name>-<lang>.epub
epub_publisher = epub_contributor = "KISDI 정보통신정책연구원"
epub_scheme = "URL"  # epub_identifier: the language's URL (bilingual/epub.py)
epub_uid = "edition-id"
epub_css_files = ["epub-korean.css"]
# The web's styles and script: the EPUB has its own.
_web_only = [*html_css_files, *(script for script, _ in html_js_files)]
epub_exclude_files = [".buildinfo.bak", *(f"_static/{name}" for name in _web_only)]
epub_show_urls = "no"
epub_use_index = False

# -- LaTeX / PDF -------------------------------------------------------------
# xelatex with xetexko (loaded by kotex under xelatex); bilingual/latex.py picks the
# settings of the language being built (-D language=…, which this file cannot see),
# names the file, and takes the PDF's title, author and title-page byline from the
# translated documents and catalogs, so that no English is written here.

latex_engine = "xelatex"
pdf_byline_label = "column-byline"  # the field list printed on the title page
latex_additional_files = ["bilingual/texmf/edition.sty", "bilingual/texmf/edition-lang.sty"]
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "extraclassoptions": "openany,oneside",
    "inputenc": "",
    "fontenc": r"\usepackage{fontspec}",
    "cmappkg": "",  # pdfTeX only; xelatex writes ToUnicode maps itself
    "polyglossia": "",
    "babel": "",
    "fncychap": "",
    "printindex": "",
    "makeindex": "",
    "preamble": r"\usepackage{edition}",
    "sphinxsetup": "TitleColor={rgb}{0,0,0}, InnerLinkColor={rgb}{0.1,0.2,0.5}, "
    "OuterLinkColor={rgb}{0.1,0.2,0.5}, hmargin={25mm,25mm}, vmargin={25mm,25mm}",
}
# Per-language settings, merged into latex_elements for the language being built.
latex_language_elements = {
    "ko": {"fontpkg": r"\usepackage[hangul]{kotex}\usepackage[ko]{edition-lang}"},
    "en": {"fontpkg": r"\usepackage{kotex}\usepackage[en]{edition-lang}"},
}
