"""Language switcher, hreflang alternates and the edition title for every HTML page."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The name of each language in that language, as a switcher shows it.
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}


def alternate_url(pagename: str, target_uri: str, language: str) -> str:
    """Return the URL of *pagename* in *language*, relative to the page itself."""
    up = "../" * (pagename.count("/") + 1)
    return posixpath.normpath(up + language) + "/" + target_uri


def add_alternates(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Put the other editions of this page and the edition's title into the context."""
    config = app.config
    target_uri = app.builder.get_target_uri(pagename)
    baseurl = config.html_baseurl.rstrip("/")
    alternates = []
    for lang in config.edition_languages:
        relative = alternate_url(pagename, target_uri, lang)
        absolute = f"{baseurl}/{lang}/{target_uri}" if baseurl else relative
        alternates.append(
            {
                "lang": lang,
                "name": LANGUAGE_NAMES.get(lang, lang),
                "url": relative,
                "href": absolute,
                "current": lang == config.language,
            }
        )
    context["edition_alternates"] = alternates
    context["edition_default"] = next(a for a in alternates if a["lang"] == config.edition_languages[0])
    titles = app.env.titles
    if config.root_doc in titles:
        context["docstitle"] = titles[config.root_doc].astext()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("edition_languages", ["ko", "en"], "html", types=[list])
    app.connect("html-page-context", add_alternates)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
