"""Emphasis CommonMark leaves as text, and decomposed Hangul: warnings for authors (the Sphinx
build, bilingual.source_checks), problems for translators (the catalog gate)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from tests.conftest import ROOT, catalog_project
from tools.pocheck import HAZARD, STYLE, Project, check_catalogs
from tools.pocheck.catalogs import load_entries

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NFD_LINE = "테스트가 이 줄을 분해형(NFD)으로 바꾼다."


def decompose_line(path: Path, line: str) -> None:
    """Write one line of *path* decomposed (NFD), as some systems type Hangul."""
    text = path.read_text(encoding="utf-8")
    assert line in text
    path.write_text(text.replace(line, unicodedata.normalize("NFD", line)), encoding="utf-8")


@pytest.mark.sphinx("html", testroot="source-checks", srcdir="source-checks")
def test_authors_are_warned_with_file_and_line(app: SphinxTestApp, warning) -> None:
    decompose_line(Path(app.srcdir, "decomposed.md"), NFD_LINE)
    app.build()
    warnings = warning.getvalue()
    source = Path(app.srcdir)
    expected = [
        f"{source / 'emphasis.md'}:3: WARNING: **서비스(service)**는 is not strong: the closing ** sits "
        "between punctuation “)” and the letter “는”, where CommonMark cannot close it, so the page shows "
        "the asterisks — write {strong}`서비스(service)`는",
        f"{source / 'emphasis.md'}:5: WARNING: **(주)삼성**이 is not strong: the opening ** sits between "
        "the letter “의” and punctuation “(”",
        f"{source / 'emphasis.md'}:6: WARNING: _서비스_는 is not emphasis: the closing _ sits between the "
        "letter “스” and the letter “는”",
        f"{source / 'decomposed.md'}:5: WARNING: “{unicodedata.normalize('NFD', '테스트가')}” is not",
    ]
    for line in expected:
        assert line in warnings, warnings
    assert len(warnings.strip().splitlines()) == len(expected), warnings


@pytest.mark.sphinx("html", testroot="source-checks", srcdir="source-checks-fixed")
def test_what_the_warning_says_to_write_renders_as_written(app: SphinxTestApp, warning) -> None:
    app.build()
    assert "fixed.md" not in warning.getvalue()
    page = BeautifulSoup(Path(app.outdir, "fixed.html").read_text(encoding="utf-8"), "lxml")
    paragraphs = [p.decode_contents() for p in page.select("article p, div.body p, section p")]
    assert "<strong>서비스(service)</strong>는 역할 뒤에 조사가 바로 붙는다." in paragraphs
    assert "중국의<strong>(주)삼성</strong>이 있고, <em>서비스</em>는 기울인다." in paragraphs
    strong = [s.get_text() for s in page.select("p strong")]
    assert strong == ["서비스(service)", "(주)삼성", "바로 이것", "그 무엇"]


@pytest.mark.sphinx("html", testroot="source-checks", srcdir="source-checks-strict", warningiserror=True)
def test_a_warning_fails_a_strict_build(app: SphinxTestApp) -> None:
    app.build()
    assert app.statuscode == 1


@pytest.mark.sphinx("html", testroot="source-checks", srcdir="source-checks-parallel", parallel=2)
def test_warnings_come_from_parallel_reading_too(app: SphinxTestApp, warning) -> None:
    app.build()
    assert app.parallel == 2
    assert "emphasis.md:3: WARNING: **서비스(service)**는 is not strong" in warning.getvalue()


def test_translators_see_emphasis_left_as_text_as_a_hazard_with_file_and_line(tmp_path: Path) -> None:
    messages = [
        ("**서비스**가 좋다.", "The **service(s)**s are good."),
        ("**제품**이 좋다.", "The {strong}`product(s)`s are good."),  # (as the hazard says: a role is strong)
        ("{strong}`서비스(service)`는 좋다.", "The {strong}`service` is good."),
    ]
    path = catalog_project(tmp_path, messages)
    project = Project(tmp_path)
    line = load_entries(project, path)[0].line
    hazards = [str(p) for p in check_catalogs(project, [path]) if p.kind == HAZARD]
    assert hazards == [
        f"locale/en/LC_MESSAGES/page.po:{line}: **service(s)**s is not strong: the closing ** sits between "
        "punctuation “)” and the letter “s”, where CommonMark cannot close it, so the page shows the "
        "asterisks — write {strong}`service(s)`s (a role renders whatever follows it directly)"
    ]


#: A catalog of theme strings (not a page's: `make format-po` leaves it as it is).
UI_CATALOG = """msgid ""
msgstr ""
"Project-Id-Version: tests\\n"
"PO-Revision-Date: 2026-01-01 00:00+0000\\n"
"Last-Translator: Tests <tests@example.org>\\n"
"Language-Team: Korean\\n"
"Language: ko\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "Menu"
msgstr "{}"
"""


def test_decomposed_catalogs_are_style_problems_until_format_po_composes_them(tmp_path: Path) -> None:
    korean = unicodedata.normalize("NFD", "한글")
    ui = "locale/ko/LC_MESSAGES/sphinx.po"
    path = catalog_project(
        tmp_path, [("분해된 글자", f"In the Korean edition: {korean}")], {ui: UI_CATALOG.format(korean)}
    )
    project = Project(tmp_path)
    what = (
        f"“{korean}” is not in Unicode NFC (decomposed, as some systems type Hangul): it looks the same, but "
        "search and the catalog checks miss it"
    )
    line = load_entries(project, path)[0].line
    problems = [(str(p), p.kind) for p in check_catalogs(project) if "NFC" in p.what]
    assert problems == [
        (f"locale/en/LC_MESSAGES/page.po:{line}: {what} — run `make format-po`, which composes it", STYLE),
        (f"{ui}:14: {what} — retype it, or convert the file with `uconv -x any-nfc`", STYLE),
    ]
    subprocess.run([sys.executable, "tools/po.py", "--root", str(tmp_path), "format"], cwd=ROOT, check=True)
    assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8"))
    assert [str(p) for p in check_catalogs(project, [path])] == []


def test_real_sources_have_nothing_to_warn_of() -> None:
    from bilingual.source_checks import decomposed, unclosed_emphasis
    from tools.pocheck.myst import emphasis_parser

    sources = sorted((ROOT / "source").glob("*.md"))
    assert len(sources) >= 5
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert list(decomposed(text)) == [] and unclosed_emphasis(emphasis_parser(), text) == [], source
