"""Readers see progress: a notice on partly translated pages, and the status table from the catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup


def page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / f"{name}.html").read_text(encoding="utf-8"), "lxml")


@pytest.mark.sphinx("html", testroot="progress", freshenv=True, parallel=2)
def test_partly_translated_page_has_a_notice_and_progress_classes(app) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    index = page(app, "index")
    notice = index.select_one(".admonition.translation-incomplete")
    assert notice is not None
    assert "2 of 3 passages" in notice.get_text()
    assert notice.find("a", href="status.html") is not None
    untranslated = index.select_one("p.untranslated")
    assert untranslated.contents[0] == "번역되지 않은 문단."
    assert untranslated["lang"] == "ko" and "translation-missing" in untranslated["class"]
    assert (
        untranslated.select_one(".translation-lag-note").get_text().strip()
        == "Not translated yet: shown in Korean."
    )
    assert page(app, "status").select_one(".translation-incomplete") is None


@pytest.mark.sphinx("html", testroot="progress", freshenv=True)
def test_status_page_counts_the_catalogs_at_build_time(app) -> None:
    app.build()
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in page(app, "status").select("table.translation-status tbody tr")
    ]
    assert rows[0][:5] == ["Start", "2", "0", "1", "0"]
    assert rows[1][:5] == ["Status", "1", "0", "0", "0"]
    assert rows[-1][:5] == ["Total", "3", "0", "1", "0"]


@pytest.mark.sphinx("html", testroot="progress", freshenv=True, confoverrides={"language": "ko"})
def test_source_language_pages_have_no_notice(app) -> None:
    app.build()
    assert page(app, "index").select_one(".translation-incomplete") is None
