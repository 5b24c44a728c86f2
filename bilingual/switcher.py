"""The edition switcher and hreflang alternates: every page links itself in every edition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx.locale import _

from bilingual import editions
from bilingual.web import edition_root, relative_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def edition_label(edition: editions.Edition, translations: int, page_language: str) -> str:
    """What the switcher calls an edition: its language's name in itself, or "Side by side"."""
    if not edition.view:
        return editions.language_name(edition.language)
    if translations == 1:
        return _("Side by side")
    return _("Side by side: %s") % editions.language_name(edition.language, page_language)


def add_alternates(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Put this page in every edition, and the edition's title, into the template context."""
    config = app.config
    uri = app.builder.get_target_uri(pagename)
    current = editions.current(app)
    here = edition_root(config, current.name) + uri
    all_editions = editions.editions(config.edition_languages)
    links = [
        {
            "lang": None if edition.view else edition.language,
            "name": edition_label(edition, len(config.edition_languages) - 1, config.language),
            "url": relative_url(here, edition_root(config, edition.name) + uri),
            "href": edition_root(config, edition.name) + uri,
            "current": edition == current,
        }
        for edition in all_editions
    ]
    context["edition_links"] = links
    context["edition_alternates"] = [link for link in links if link["lang"]]
    context["edition_default"] = links[0]
    if config.root_doc in app.env.titles:
        context["docstitle"] = app.env.titles[config.root_doc].astext()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.web")
    app.connect("html-page-context", add_alternates)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
