"""tests/linkcheck.py finds every kind of broken internal link, and only those."""

from __future__ import annotations

from pathlib import Path

import linkcheck

BASE_URL = "https://example.org/site/"


def write_site(root: Path, pages: dict[str, str]) -> Path:
    """A small site: {relative path: HTML body}."""
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<!doctype html><html><body>{body}</body></html>", encoding="utf-8")
    return root


def reasons(site: Path) -> dict[str, str]:
    """Broken links as {link target: reason}."""
    return {link.target: link.reason for link in linkcheck.check_site(site, BASE_URL)}


def test_links_that_resolve_are_not_reported(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": '<a href="ko/page.html#p1">x</a><a href="#top" id="top">t</a>'
            '<a href="https://elsewhere.example/">e</a><a href="mailto:a@b.c">m</a><a href="tel:+82">t</a>'
            '<link rel="canonical" href="https://example.org/site/ko/">',
            "ko/index.html": '<a href="../index.html">up</a><img src="pic.png" alt="">',
            "ko/pic.png": "",
            "ko/page.html": '<p id="p1">p</p><a href="/site/ko/page.html#p1">abs</a>'
            '<a href="p%C3%A4ge.html">quoted</a><a name="old">n</a><a href="#old">named</a>',
            "ko/päge.html": "",
        },
    )
    assert reasons(site) == {}


def test_missing_files_fragments_and_escapes_are_reported(tmp_path: Path) -> None:
    site = write_site(
        tmp_path / "site",
        {
            "index.html": '<a href="ko/gone.html">1</a><a href="ko/page.html#nowhere">2</a>'
            '<script src="_static/missing.js"></script><a href="#self-missing">3</a>'
            '<a href="../outside.html">4</a><link rel="alternate" href="https://example.org/site/en/">',
            "ko/page.html": "<p id='p1'>p</p>",
        },
    )
    (tmp_path / "outside.html").write_text("<p>not part of the site</p>")
    found = reasons(site)
    assert found["ko/gone.html"] == f"no file {Path('ko/gone.html')}"
    assert found["ko/page.html#nowhere"] == "no id 'nowhere' in ko/page.html"
    assert found["_static/missing.js"].startswith("no file")
    assert found["#self-missing"] == "no id 'self-missing' in index.html"
    assert found["../outside.html"] == "points outside the site"
    assert found["https://example.org/site/en/"] == f"no file {Path('en/index.html')}"
    assert len(found) == 6
