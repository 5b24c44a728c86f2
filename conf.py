"""Sphinx configuration for the bilingual (Korean/English) edition of a KISDI column."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# -- Project -----------------------------------------------------------------
# Titles and names shown in the theme come from the catalogs at build time
# (see bilingual/switcher.py), so English lives only in locale/en.

project = "중국, 혁신성과 로컬리티(Locality)의 사례"
author = "김성옥"
copyright = "2018, KISDI 정보통신정책연구원"  # noqa: A001
root_doc = "index"
exclude_patterns: list[str] = []

# -- Internationalisation ----------------------------------------------------

language = "ko"
locale_dirs = ["../locale"]  # relative to source/
gettext_compact = False
gettext_uuid = False
gettext_location = True
gettext_last_translator = "KISDI column translators"
gettext_additional_targets = ["literal-block"]
# Languages the edition is published in; the first is the source language.
edition_languages = ["ko", "en"]

# -- Extensions --------------------------------------------------------------

extensions = [
    "myst_parser",
    "bilingual.switcher",
    "bilingual.anchors",
    "bilingual.sidebyside",
    "bilingual.freshness",
    "bilingual.glossary_order",
    "bilingual.navtree",
    "bilingual.msgstr_speed",
    "bilingual.stem_cache",
    "bilingual.translated_nodes",
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
html_css_files = ["korean.css", "sidebyside.css"]
html_js_files = [("switcher.js", {"defer": "defer"})]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "top_of_page_buttons": [],
}
