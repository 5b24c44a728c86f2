"""Download links (PDF, …) of the page's edition, for the downloads partial of every HTML page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bilingual.switcher import current_edition

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def download_url(pagename: str, path: str) -> str:
    """The URL of *path* (relative to the build directory) from an HTML page of an edition."""
    return "../" * (pagename.count("/") + 2) + path


def add_downloads(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """List this edition's downloads in the page context, each with its label's msgid."""
    config = app.config
    edition = current_edition(config)
    links: list[dict[str, str]] = []
    for item in config.edition_downloads:
        url = download_url(pagename, item["path"].format(edition=edition))
        if all(link["url"] != url for link in links):
            links.append({"label": item["label"], "url": url, "type": item.get("type", "")})
    context["download_links"] = links


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.switcher")
    app.add_config_value("edition_downloads", [], "html", types=[list])
    app.add_css_file("downloads.css")
    app.connect("html-page-context", add_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
