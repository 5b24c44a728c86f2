"""Check every internal link of a built site: each local href/src exists, and so does each #fragment.

Links under the site's base URL (canonical and hreflang links) and absolute paths
under its path (the 404 pages) are checked as the local files they name. Other
external links (http:, https:, mailto:, tel:, data:) are not followed. A link to a
directory must have an index.html in it. Exit status 1 and one line per broken
link (page, link, what is missing) if anything is broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

#: Attributes that point at another resource.
LINK_ATTRIBUTES = ("href", "src")
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "data", "javascript"}


@dataclass(frozen=True)
class BrokenLink:
    """A link in *page* to *target* that leads nowhere, and why."""

    page: Path
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


@cache
def parse(page: Path) -> BeautifulSoup:
    """The parsed page (each page is parsed once, however often it is linked)."""
    return BeautifulSoup(page.read_bytes(), "lxml")


def fragment_ids(page: Path) -> frozenset[str]:
    """Every id and <a name> in *page*: the fragments a link to it may use."""
    soup = parse(page)
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids)


def links(page: Path) -> list[str]:
    """Every href and src in *page*."""
    return [tag[attr] for tag in parse(page).find_all(True) for attr in LINK_ATTRIBUTES if tag.has_attr(attr)]


def resolve(site: Path, base_url: str, page: Path, target: str) -> tuple[Path | None, str]:
    """The file *target* points to from *page* (None if external), and its fragment."""
    base_path = urlsplit(base_url).path or "/"
    if base_url and target.startswith(base_url):
        target = base_path + target[len(base_url) :]
    parts = urlsplit(target)
    if parts.scheme in EXTERNAL_SCHEMES or parts.netloc:
        return None, ""
    path = unquote(parts.path)
    if not path:
        resolved = page
    elif path.startswith("/"):
        resolved = site / path.removeprefix(base_path) if path.startswith(base_path) else Path(path)
    else:
        resolved = page.parent / path
    if path.endswith("/") or resolved.is_dir():
        resolved = resolved / "index.html"
    return resolved, unquote(parts.fragment)


def check_link(site: Path, base_url: str, page: Path, target: str) -> str | None:
    """Why *target* in *page* is broken, or None if it is fine."""
    resolved, fragment = resolve(site, base_url, page, target)
    if resolved is None:
        return None
    if not resolved.resolve().is_relative_to(site.resolve()):
        return "points outside the site"
    if not resolved.is_file():
        return f"no file {resolved.relative_to(site)}"
    if fragment and resolved.suffix == ".html" and fragment not in fragment_ids(resolved):
        return f"no id {fragment!r} in {resolved.relative_to(site)}"
    return None


def check_site(site: Path, base_url: str = "") -> list[BrokenLink]:
    """Every broken internal link of the HTML pages under *site*, published at *base_url*."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        for target in links(page):
            reason = check_link(site, base_url, page, target)
            if reason:
                broken.append(BrokenLink(page.relative_to(site), target, reason))
    return broken
