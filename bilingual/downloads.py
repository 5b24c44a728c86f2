"""The edition's downloads (PDF, EPUB), linked from every HTML page in the page's language.

Each page offers the PDF of its own edition, the side-by-side PDFs its language is part
of, and the EPUB of its language; only the formats ``tools/publish.py`` has published
(``-D edition_download_builders=pdf,epub``), which it copies into ``<site>/downloads/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sphinx.locale import _

from bilingual import editions
from bilingual.web import downloads_root, edition_root, relative_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

#: Where tools/publish.py puts the downloads, relative to the site's root.
DOWNLOADS_DIR = "downloads"


def file_name(config: Config, edition: str, builder: str) -> str:
    """A download's file name: ``kisdi-locality-2018-ko-en.pdf``, ``kisdi-locality-2018-en.epub``."""
    return f"{config.edition_name}-{edition}.{builder}"


def offered(config: Config, current: editions.Edition) -> list[tuple[str, str, str, str]]:
    """(label, file, MIME type, edition) of every download a page of *current* offers."""
    views = [edition for edition in editions.editions(config.edition_languages) if edition.view]
    found = []
    if "pdf" in config.edition_download_builders:
        found.append((_("PDF"), file_name(config, current.name, "pdf"), "application/pdf", current.name))
        for view in [] if current.view else [v for v in views if current.language in v.languages]:
            label = _("Side-by-side PDF")
            if len(views) > 1:
                label = _("Side-by-side PDF: %s") % editions.language_name(view.language, config.language)
            found.append((label, file_name(config, view.name, "pdf"), "application/pdf", view.name))
    if "epub" in config.edition_download_builders:
        epub = file_name(config, current.language, "epub")
        found.append((_("EPUB"), epub, "application/epub+zip", current.language))
    return found


def add_downloads(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """List the downloads that this build publishes, with links relative to the page."""
    config = app.config
    current = editions.current(app)
    page = edition_root(config, current.name) + app.builder.get_target_uri(pagename)
    served_anywhere = pagename == getattr(config, "notfound_pagename", None)  # (the 404 page)
    links = []
    for label, name, kind, edition in offered(config, current):
        url = downloads_root(config, edition) + name
        links.append(
            {
                "label": label,
                "type": kind,
                "url": urlsplit(url).path if served_anywhere else relative_url(page, url),
            }
        )
    context["edition_downloads"] = links


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.web")
    app.add_config_value("edition_name", "edition", "html", types=[str])
    app.add_config_value("edition_download_builders", [], "html", types=[list])
    app.connect("html-page-context", add_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
