"""The edition's downloads, linked from every HTML page in its language: the PDF of its edition,
the side-by-side PDFs its language is in, the EPUB of its language; only the formats
``tools/publish.py`` has published (``-D edition_download_builders=pdf,epub``)."""

from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import _
from sphinx.util.typing import ExtensionMetadata

from bilingual import editions
from bilingual.web import edition_root, relative_url


def offered(config: Config, current: editions.Edition) -> list[tuple[str, str, str]]:
    """(label, edition, format) of every download a page of *current* offers."""
    views = [edition for edition in editions.editions(config.edition_languages) if edition.view]
    found = []
    if "pdf" in config.edition_download_builders:
        found.append((_("PDF"), current.name, "pdf"))
        for view in [] if current.view else [v for v in views if current.language in v.languages]:
            label = _("Side-by-side PDF")
            if len(views) > 1:
                label = _("Side-by-side PDF: %s") % editions.language_name(view.language, config.language)
            found.append((label, view.name, "pdf"))
    if "epub" in config.edition_download_builders:
        found.append((_("EPUB"), current.language, "epub"))
    return found


def add_downloads(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """List the downloads that this build publishes, with links relative to the page."""
    config = app.config
    current = editions.current(config)
    page = edition_root(config, current.name) + app.builder.get_target_uri(pagename)
    served_anywhere = pagename == getattr(config, "notfound_pagename", None)  # (the 404 page)
    links = []
    for label, edition, suffix in offered(config, current):
        if config.edition_host == "readthedocs":  # (with the project of the edition's last language)
            url = edition_root(config, edition.rsplit("-", 1)[-1]) + "downloads/"
        else:
            url = f"{config.html_baseurl.rstrip('/')}/downloads/"
        url += f"{config.edition_name}-{edition}.{suffix}"
        kind = "application/pdf" if suffix == "pdf" else "application/epub+zip"
        url = urlsplit(url).path if served_anywhere else relative_url(page, url)
        links.append({"label": label, "type": kind, "url": url})
    context["edition_downloads"] = links


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.web")
    app.add_config_value("edition_name", "edition", "html", types=[str])
    app.add_config_value("edition_download_builders", [], "html", types=[list])
    app.connect("html-page-context", add_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
