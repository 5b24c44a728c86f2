"""HTML smuggled through a catalog never goes live: the build escapes it, and publish would refuse it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sphinx.locale
from bs4 import BeautifulSoup

from tools.publish import BuildError, check_translated_html, live_markup


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
    with pytest.raises(BuildError, match="live markup"):
        check_translated_html({"ko": Path(korean_app.outdir), "en": english})


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


def test_the_safety_net_looks_at_every_page_of_a_large_site(tmp_path: Path) -> None:
    """From LIVE_CHECK_PARALLEL_FROM pages on the pages are shared between two processes:
    a page with live markup is found whichever process looks at it, and live markup that the
    Korean page has too is allowed."""
    import tools.publish as publish

    page = '<html><body><article role="main"><p>{}</p></article></body></html>'
    outputs = {edition: tmp_path / edition for edition in ("ko", "en", "ko-en")}
    count = publish.LIVE_CHECK_PARALLEL_FROM
    for directory in outputs.values():
        (directory / "pages").mkdir(parents=True)
        for number in range(count):
            text = "plain" if number != 7 else '<a href="#" onclick="go()">shared</a>'
            (directory / "pages" / f"p{number:04}.html").write_text(page.format(text), encoding="utf-8")
    publish.check_translated_html(outputs)  # the onclick is the Korean page's own

    for last in (count - 1, count - 2):  # one page of each process's half
        smuggled = outputs["ko-en"] / "pages" / f"p{last:04}.html"
        smuggled.write_text(page.format("<script>alert(1)</script>"), encoding="utf-8")
        with pytest.raises(BuildError, match="live markup"):
            publish.check_translated_html(outputs)
        smuggled.write_text(page.format("plain"), encoding="utf-8")
