"""Editions publish on their own: the author's and the translator's loops, as they run them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, copy_project

pytestmark = pytest.mark.slow

OLD = "대개 서비스는 로컬지향적이지만, 기술은 글로벌지향적이다."
NEW = "대개 서비스는 로컬지향적이지만, 기술은 언제나 글로벌지향적이다."
OLD_ENGLISH = "Services are usually locally oriented, whereas technology is globally oriented."


def make(project: Path, target: str) -> subprocess.CompletedProcess[str]:
    command = ["make", "--no-print-directory", "-C", str(project), target, f"VENV={ROOT / '.venv'}"]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project, published once."""
    project = copy_project(tmp_path / "project")
    assert make(project, "html").returncode == 0
    return project


def page(project: Path, edition: str, name: str = "column") -> BeautifulSoup:
    return BeautifulSoup(
        (project / "build" / "html" / edition / f"{name}.html").read_text(encoding="utf-8"), "lxml"
    )


def edit_the_korean(project: Path) -> None:
    column = project / "source" / "column.md"
    column.write_text(column.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")


def test_an_authors_edit_with_update_po_marks_the_old_translation_outdated(project: Path) -> None:
    edit_the_korean(project)
    assert make(project, "update-po").returncode == 0
    result = make(project, "html")

    assert result.returncode == 0, result.stderr
    assert "publish: en: 1 passage(s) outdated, 0 not translated yet" in result.stderr
    assert NEW in page(project, "ko").select_one("#column-p5").get_text()
    english = page(project, "en").select_one("#column-p5")
    assert "translation-outdated" in english["class"] and OLD_ENGLISH in english.get_text()
    link = english.select_one(".translation-lag-note a")
    assert link["href"] == "../ko/column.html#column-p5" and "Korean" in link.get_text()
    row = page(project, "ko-en").select_one("#column-p5")
    assert "bilingual-outdated" in row["class"] and NEW in row.get_text() and OLD_ENGLISH in row.get_text()
    listed = page(project, "en", "status").select_one(".translation-outdated-list a")
    assert listed["href"] == "column.html#column-p5"
    check = make(project, "check-po")
    assert check.returncode != 0
    assert re.search(r"locale/en/LC_MESSAGES/column\.po:\d+: fuzzy entry", check.stdout), check.stdout


def test_an_authors_edit_without_update_po_shows_the_new_korean_marked(project: Path) -> None:
    edit_the_korean(project)
    result = make(project, "html")

    assert result.returncode == 0, result.stderr
    assert "0 passage(s) outdated, 1 not translated yet" in result.stderr
    english = page(project, "en").select_one("#column-p5")
    assert "translation-missing" in english["class"] and english["lang"] == "ko"
    assert NEW in english.get_text() and OLD_ENGLISH not in english.get_text()
    check = make(project, "check-po")
    assert check.returncode != 0
    assert re.search(
        r"source/column\.md:\d+: this message is not in locale/en/LC_MESSAGES/column\.po", check.stdout
    )
    assert "make update-po" in check.stdout


def test_a_hostile_catalog_with_an_authors_edit_publishes_the_korean_alone(project: Path) -> None:
    site = project / "build" / "html"
    english = {
        p: p.read_bytes() for edition in ("en", "ko-en") for p in (site / edition).rglob("*") if p.is_file()
    }
    edit_the_korean(project)
    catalog = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    po = polib.pofile(str(catalog))
    entry = next(e for e in po if e.msgid.startswith("중국에 진출한"))
    entry.msgstr = entry.msgstr.replace("Yet in a", "Yet <script>alert('pwn3d')</script> in a")
    po.save()
    result = make(project, "html")

    assert result.returncode != 0
    assert re.search(r"locale/en/LC_MESSAGES/column\.po:\d+: HTML in the translation", result.stderr)
    assert NEW in page(project, "ko").select_one("#column-p5").get_text()
    assert {p: p.read_bytes() for p in english} == english, "the English editions changed"
    assert not [p for p in site.rglob("*") if p.is_file() and b"pwn3d" in p.read_bytes()]


def test_a_page_the_english_edition_lacks_is_not_offered_in_english(project: Path) -> None:
    (project / "source" / "new.md").write_text("(new)=\n# 새 쪽\n\n새 쪽의 문단.\n", encoding="utf-8")
    index = project / "source" / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace("status\n```", "status\nnew\n```"), encoding="utf-8"
    )
    catalog = project / "locale" / "en" / "LC_MESSAGES" / "index.po"
    catalog.write_text(
        catalog.read_text(encoding="utf-8") + "\n#, garbage\nnot a catalog line\n", encoding="utf-8"
    )
    result = make(project, "html")

    assert result.returncode != 0 and "en: not published" in result.stderr
    new = page(project, "ko", "new")
    links = {a["hreflang"]: a["href"] for a in new.select("nav.edition-switcher a[hreflang]")}
    assert links == {"en": "../en/index.html"}
    assert [a["href"] for a in new.select("nav.edition-switcher a:not([hreflang])")] == [
        "../ko-en/index.html"
    ]
    assert "영어" in new.select_one(".edition-missing").get_text()
    assert [link["hreflang"] for link in new.select('link[rel="alternate"]')] == ["ko", "x-default"]
    sitemap = (project / "build" / "html" / "sitemap.xml").read_text(encoding="utf-8")
    assert "/ko/new.html" in sitemap and "/en/new.html" not in sitemap
    assert not (project / "build" / "html" / "en" / "new.html").exists()
