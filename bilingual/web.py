"""Web addresses per edition: canonical URLs, link previews and the 404 page. On a static host each
edition lives under ``<html_baseurl><edition>/``; on Read the Docs each language is a project at
``…/<lang>/latest/``, and a view lives in its translation's (``…/en/latest/ko-en/``)."""

import html
import posixpath
import textwrap
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import _
from sphinx.util.nodes import traverse_parent
from sphinx.util.typing import ExtensionMetadata

from bilingual import editions

#: Longest description a link preview gets, in characters.
DESCRIPTION_LENGTH = 200


def edition_root(config: Config, edition: str) -> str:
    """The absolute URL under which an edition's pages are published."""
    if config.edition_host != "readthedocs":
        return f"{config.html_baseurl.rstrip('/')}/{edition}/"
    project = edition.rsplit("-", 1)[-1]  # (a view is published by its translation's project)
    root = config.html_baseurl.replace(f"/{config.language}/", f"/{project}/", 1)
    return root if edition == project else f"{root}{edition}/"


def relative_url(page: str, target: str) -> str:
    """The link from the page at URL *page* to URL *target*, relative if both are on one host."""
    here, there = urlsplit(page), urlsplit(target)
    if (here.scheme, here.netloc) != (there.scheme, there.netloc):
        return target
    directory = posixpath.dirname(here.path) or "/"
    relative = posixpath.relpath(there.path, directory) + ("/" if there.path.endswith("/") else "")
    return relative + (f"#{there.fragment}" if there.fragment else "")


def derive_addresses(app: Sphinx, config: Config) -> None:
    """Point the web-facing settings at this language's site; add the tags sphinxext-opengraph lacks."""
    root = edition_root(config, config.language)
    others = [lang for lang in config.edition_languages if lang != config.language]
    config.ogp_site_url = root
    config.ogp_custom_meta_tags = [
        *config.ogp_custom_meta_tags,
        f'<meta property="og:locale" content="{editions.og_locale(config.language)}" />',
        *(f'<meta property="og:locale:alternate" content="{editions.og_locale(o)}" />' for o in others),
        '<meta name="twitter:card" content="summary" />',
    ]
    config.notfound_urls_prefix = urlsplit(root).path


def translate_not_found_page(app: Sphinx) -> None:
    """Give the 404 page its text in the language being built (the sphinx domain catalog)."""
    title = _("Page not found")
    text = _("The page you were looking for does not exist. Try the home page or the search.")
    app.config.notfound_context = {"title": title, "body": f"<h1>{title}</h1>\n<p>{text}</p>"}


def add_canonical_url(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give each page its canonical URL: the page in its language's edition (a view's too)."""
    context["pageurl"] = edition_root(app.config, app.config.language) + app.builder.get_target_uri(pagename)


def page_description(doctree: nodes.document) -> str:
    """The page's first running paragraph (not a byline field list nor a note), shortened."""
    skipped = (nodes.field_list, nodes.Admonition, nodes.docinfo, nodes.table)
    for paragraph in doctree.findall(nodes.paragraph):
        if not any(isinstance(ancestor, skipped) for ancestor in traverse_parent(paragraph.parent)):
            return textwrap.shorten(paragraph.astext(), DESCRIPTION_LENGTH, placeholder=" …")
    return ""


def describe_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Describe the page for link previews and search engines with its own (translated) text."""
    description = page_description(doctree) if doctree is not None and app.builder.name != "epub" else ""
    if not description:
        return
    # sphinxext-opengraph takes og:* page fields as overrides; a length of 0 stops its own description.
    context["meta"] = {
        **(context.get("meta") or {}),
        "og:description": html.escape(description, quote=False),
        "ogp_description_length": 0,
    }
    context["metatags"] = (
        context.get("metatags", "") + f'<meta name="description" content="{html.escape(description)}" />\n'
    )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.editions")
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("notfound.extension")
    app.add_config_value("edition_host", "site", "html", types=[str])
    app.connect("config-inited", derive_addresses)
    app.connect("builder-inited", translate_not_found_page)
    app.connect("html-page-context", describe_page, priority=400)  # before sphinxext-opengraph
    app.connect("html-page-context", add_canonical_url, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
