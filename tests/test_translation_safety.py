"""HTML smuggled through a catalog never goes live: the build escapes it, and publish would refuse it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sphinx.locale
from bs4 import BeautifulSoup

from tools.publish import live_markup, live_problems


def article(app) -> BeautifulSoup:
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "lxml").select_one("body")


@pytest.mark.sphinx("html", testroot="translated-html", freshenv=True)
def test_raw_html_in_a_msgstr_is_escaped_with_a_warning_naming_file_and_line(app) -> None:
    app.build()
    warnings = app.warning.getvalue()
    assert "index.md:3: WARNING: raw HTML '<script>'" in warnings
    assert "index.md:5: WARNING: raw HTML '<img src=x onerror=alert(2)>'" in warnings
    assert "locale/en/LC_MESSAGES/index.po" in warnings
    body = article(app)
    assert body.find("script", string="alert(1)") is None
    assert body.find("img") is None
    assert "<script>alert(1)</script>" in body.get_text()
    assert live_markup(Path(app.outdir) / "index.html") == set()


@pytest.mark.sphinx(
    "html", testroot="translated-html", freshenv=True, confoverrides={"extensions": ["myst_parser"]}
)
def test_publish_safety_net_refuses_live_markup_that_only_the_translation_has(
    app, make_app, tmp_path
) -> None:
    app.build()  # without bilingual.safe_translations: Sphinx lets the <script> through
    english = Path(app.outdir)
    found = live_markup(english / "index.html")
    assert "<script>" in found and any(item.startswith("onerror=") for item in found)

    sphinx.locale.translators.clear()  # the English catalogs are cached per process
    korean_app = make_app(
        "html", srcdir=app.srcdir, builddir=tmp_path / "ko", confoverrides={"language": "ko"}, freshenv=True
    )
    korean_app.build()
    problems = live_problems(english, Path(korean_app.outdir))
    assert any("index.html: <script> came from a translation" in problem for problem in problems)


@pytest.mark.parametrize(
    ("markup", "found"),
    [
        ('<a href="java&#x73;cript:alert(1)">x</a>', {"href='javascript:alert(1)' on <a>"}),
        ('<p ONCLICK="alert(1)">x</p>', {"onclick= on <p>"}),
        ("<SCRIPT>alert(1)</SCRIPT>", {"<script>"}),
        ('<a href="JavaScript :alert(1)">x</a>', {"href='JavaScript :alert(1)' on <a>"}),
        ('<p data-option="1" class="section">Click on = here</p>', set()),
        ("<p>plain text, 한국어</p>", set()),
    ],
)
def test_the_safety_net_reads_an_article_as_a_browser_would(tmp_path: Path, markup: str, found: set) -> None:
    """Names in any case, and character references, are found; what only looks like a
    handler to the quick look (an attribute or text with "on… =") is not reported."""
    page = tmp_path / "page.html"
    page.write_text(f'<html><body><article role="main">{markup}</article></body></html>', encoding="utf-8")
    assert live_markup(page) == found


def test_live_markup_the_source_page_has_too_is_allowed(tmp_path: Path) -> None:
    page = '<html><body><article role="main"><p>{}</p></article></body></html>'
    for edition in ("ko", "en"):
        (tmp_path / edition).mkdir()
        (tmp_path / edition / "page.html").write_text(
            page.format('<a onclick="go()">x</a>'), encoding="utf-8"
        )
    assert live_problems(tmp_path / "en", tmp_path / "ko") == []
    (tmp_path / "en" / "page.html").write_text(page.format("<script>alert(1)</script>"), encoding="utf-8")
    assert live_problems(tmp_path / "en", tmp_path / "ko") == [
        f"{tmp_path / 'en' / 'page.html'}: <script> came from a translation"
    ]
