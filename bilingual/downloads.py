"""The edition's downloads (EPUB, PDF…) in the page's language, linked from every HTML page."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bilingual.switcher import current_edition

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: Where tools/publish.py puts the downloads, relative to the site's root.
DOWNLOADS_DIR = "downloads"


def download_file(config: Any, download: dict[str, Any]) -> str:
    """The file name of one download for this build, e.g. ``kisdi-locality-2018-ko.epub``."""
    return download["file"].format(
        name=config.edition_name, lang=config.language, edition=current_edition(config)
    )


def add_downloads(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """List the downloads that this build publishes, with links relative to the page."""
    config = app.config
    if pagename == getattr(config, "notfound_pagename", None):
        site_root = urlsplit(config.html_baseurl).path  # the 404 page is served at any depth
    else:
        site_root = "../" * (pagename.count("/") + 1)
    context["edition_downloads"] = [
        {
            "format": download["format"],
            "type": download["type"],
            "url": posixpath.join(site_root, DOWNLOADS_DIR, download_file(config, download)),
        }
        for download in config.edition_downloads
        if download["builder"] in config.edition_download_builders
        and current_edition(config) in download.get("editions", [current_edition(config)])
    ]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("edition_name", "edition", "html", types=[str])
    app.add_config_value("edition_downloads", [], "html", types=[list])
    app.add_config_value("edition_download_builders", [], "html", types=[list])
    app.connect("html-page-context", add_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
