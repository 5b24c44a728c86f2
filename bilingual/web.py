"""Web addresses per language: canonical URLs, link previews, sitemap and the 404 page.

conf.py sets ``html_baseurl`` to the site's root; each language lives under
``<root>/<lang>/``. From that one setting this derives, for the language being built,
the canonical URL of every page, the Open Graph URL and locale tags, the sitemap's
page addresses and the URL prefix of the 404 page (which must work at any depth).
"""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.locale import _
from sphinx.util.nodes import traverse_parent

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

#: Open Graph locale of each language of the edition.
OG_LOCALES = {"ko": "ko_KR", "en": "en_US"}
#: Longest description a link preview gets, in characters.
DESCRIPTION_LENGTH = 200


def language_root(config: Config, language: str) -> str:
    """The absolute URL under which *language*'s pages are published."""
    return f"{config.html_baseurl.rstrip('/')}/{language}/"


def open_graph_tags(config: Config) -> list[str]:
    """Locale and card tags that sphinxext-opengraph does not write itself."""
    tags = [f'<meta property="og:locale" content="{OG_LOCALES[config.language]}" />']
    tags += [
        f'<meta property="og:locale:alternate" content="{OG_LOCALES[lang]}" />'
        for lang in config.edition_languages
        if lang != config.language
    ]
    tags.append('<meta name="twitter:card" content="summary" />')
    return tags


def derive_addresses(app: Sphinx, config: Config) -> None:
    """Point every web-facing setting at this language's part of the site."""
    root = language_root(config, config.language)
    config.ogp_site_url = root
    config.ogp_custom_meta_tags = [*config.ogp_custom_meta_tags, *open_graph_tags(config)]
    config.site_url = config.html_baseurl.rstrip("/") + "/"
    config.sitemap_locales = list(config.edition_languages)
    config.notfound_urls_prefix = urlsplit(root).path


def translate_not_found_page(app: Sphinx) -> None:
    """Give the 404 page its text in the language being built (the sphinx domain catalog)."""
    title = _("Page not found")
    text = _("The page you were looking for does not exist. Try the home page or the search.")
    app.config.notfound_context = {"title": title, "body": f"<h1>{title}</h1>\n<p>{text}</p>"}


def add_canonical_url(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give each page its canonical URL in its language's part of the site."""
    config = app.config
    target_uri = app.builder.get_target_uri(pagename)
    context["pageurl"] = language_root(config, config.language) + target_uri
    if pagename == config.notfound_pagename:
        # The 404 page is served at any depth: its switcher links must be absolute paths.
        for alt in context.get("edition_alternates", []):
            alt["url"] = urlsplit(language_root(config, alt["lang"])).path + target_uri


def page_description(doctree: nodes.document) -> str:
    """The page's first running paragraph (not a byline field list nor a note), shortened."""
    skipped = (nodes.field_list, nodes.Admonition, nodes.docinfo, nodes.table)
    for paragraph in doctree.findall(nodes.paragraph):
        if any(isinstance(ancestor, skipped) for ancestor in traverse_parent(paragraph.parent)):
            continue
        text = " ".join(paragraph.astext().split())
        # (Shortened from its start: what lies past twice the length cannot change the
        # result, and splitting a long paragraph into words took most of the time.)
        return textwrap.shorten(text[: 2 * DESCRIPTION_LENGTH], DESCRIPTION_LENGTH, placeholder=" …")
    return ""


def describe_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Describe the page for link previews and search engines with its own (translated) text."""
    if doctree is None or app.builder.name == "epub":
        return
    description = page_description(doctree)
    if not description:
        return
    # sphinxext-opengraph takes og:* page fields as overrides and keeps a description meta;
    # its own description, replaced, is not made (a length of 0 stops its walk of the page
    # at the first text).
    context["meta"] = {
        **(context.get("meta") or {}),
        "og:description": html.escape(description, quote=False),
        "ogp_description_length": 0,
    }
    context["metatags"] = (
        context.get("metatags", "") + f'<meta name="description" content="{html.escape(description)}" />\n'
    )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.switcher")
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("sphinx_sitemap")
    app.setup_extension("notfound.extension")
    app.connect("config-inited", derive_addresses)
    app.connect("builder-inited", translate_not_found_page)
    app.connect("html-page-context", describe_page, priority=400)  # before sphinxext-opengraph
    app.connect("html-page-context", add_canonical_url, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
