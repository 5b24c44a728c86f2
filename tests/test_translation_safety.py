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
