"""The edition switcher and hreflang alternates: every page links itself in every edition."""

from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util.typing import ExtensionMetadata

from bilingual import editions
from bilingual.web import edition_root, relative_url


def add_alternates(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Put this page in every edition, and the edition's title, into the template context."""
    config = app.config
    uri = app.builder.get_target_uri(pagename)
    current = editions.current(config)
    here = edition_root(config, current.name) + uri
    served_anywhere = pagename == getattr(config, "notfound_pagename", None)  # (the 404 page)
    links = context["edition_links"] = []
    for edition in editions.editions(config.edition_languages):
        name = editions.language_name(edition.language)  # (in itself: 한국어, English, Français)
        if edition.view and len(config.edition_languages) == 2:
            name = _("Side by side")
        elif edition.view:
            name = _("Side by side: %s") % editions.language_name(edition.language, config.language)
        href = edition_root(config, edition.name) + uri
        url = urlsplit(href).path if served_anywhere else relative_url(here, href)
        lang = None if edition.view else edition.language
        links.append({"lang": lang, "name": name, "url": url, "href": href, "current": edition == current})
    if config.root_doc in app.env.titles:
        context["docstitle"] = app.env.titles[config.root_doc].astext()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.web")
    app.connect("html-page-context", add_alternates)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
