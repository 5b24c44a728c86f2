"""Language switcher, hreflang alternates and the edition title for every HTML page."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from sphinx.locale import _

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The name of each language in that language, as a switcher shows it.
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}


def alternate_url(pagename: str, target_uri: str, edition: str) -> str:
    """Return the URL of *pagename* in the *edition* directory, relative to the page itself."""
    up = "../" * (pagename.count("/") + 1)
    return posixpath.normpath(up + edition) + "/" + target_uri


def sidebyside_dir(config: Any) -> str:
    """The directory of the side-by-side view: the languages joined, e.g. ``ko-en``."""
    return "-".join(config.edition_languages)


def current_edition(config: Any) -> str:
    """The directory this build writes to: a language, or the side-by-side view."""
    return sidebyside_dir(config) if config.bilingual_sidebyside else config.language


def add_alternates(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Put the other editions of this page and the edition's title into the context."""
    config = app.config
    target_uri = app.builder.get_target_uri(pagename)
    baseurl = config.html_baseurl.rstrip("/")
    current = current_edition(config)
    editions = [(lang, LANGUAGE_NAMES.get(lang, lang)) for lang in config.edition_languages]
    editions.append((sidebyside_dir(config), _("Side by side")))
    links = []
    for edition, name in editions:
        relative = alternate_url(pagename, target_uri, edition)
        links.append(
            {
                "edition": edition,
                "lang": edition if edition in config.edition_languages else None,
                "name": name,
                "url": relative,
                "href": f"{baseurl}/{edition}/{target_uri}" if baseurl else relative,
                "current": edition == current,
            }
        )
    context["edition_links"] = links
    context["edition_alternates"] = [link for link in links if link["lang"]]
    context["edition_default"] = links[0]
    titles = app.env.titles
    if config.root_doc in titles:
        context["docstitle"] = titles[config.root_doc].astext()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("edition_languages", ["ko", "en"], "html", types=[list])
    app.add_config_value("bilingual_sidebyside", False, "html", types=[bool])
    app.connect("html-page-context", add_alternates)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
