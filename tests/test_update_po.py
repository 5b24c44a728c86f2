"""make update-po loses nothing: changed entries turn fuzzy with #|, removed ones obsolete."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT, copy_project
from tools.pocheck import Project, check_catalogs
from tools.pocheck.catalogs import read_catalog

OLD = "대개 서비스는 로컬지향적이지만, 기술은 글로벌지향적이다."
NEW = "대개 서비스는 로컬지향적이지만, 기술은 언제나 글로벌지향적이다."


def make_update_po(project: Path, *variables: str) -> None:
    subprocess.run(
        ["make", "-C", str(project), "update-po", f"VENV={ROOT / '.venv'}", "STAMP=", *variables],
        check=True,
        capture_output=True,
        text=True,
    )


def test_update_po_keeps_changed_paragraph_as_fuzzy_with_previous_msgid(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    column = project / "source" / "column.md"
    old_catalog = read_catalog(project / "locale/en/LC_MESSAGES/column.po")
    old_message = next(m for m in old_catalog if m.id and OLD in m.id)
    text = column.read_text(encoding="utf-8")
    column.write_text(text.replace(OLD, NEW), encoding="utf-8")

    make_update_po(project)

    po = project / "locale/en/LC_MESSAGES/column.po"
    message = next(m for m in read_catalog(po) if m.id and NEW in m.id)
    assert message.fuzzy
    assert message.previous_id == [old_message.id]
    assert message.string == old_message.string
    assert "#| msgid" in po.read_text(encoding="utf-8")
    problems = [str(p) for p in check_catalogs(Project(project))]
    assert len(problems) == 1 and "fuzzy entry" in problems[0]


def test_update_po_keeps_removed_paragraph_obsolete_and_creates_catalog_for_new_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    about = project / "source" / "about.md"
    removed = "- 같은 용어는 어디서나 용어집의 영어 표기로 옮긴다.\n"
    about.write_text(about.read_text(encoding="utf-8").replace(removed, ""), encoding="utf-8")
    (project / "source" / "extra.md").write_text("(extra)=\n# 덧붙임\n\n새 쪽의 문단.\n", encoding="utf-8")

    make_update_po(project)

    catalog = read_catalog(project / "locale/en/LC_MESSAGES/about.po")
    obsolete = catalog.obsolete[removed[2:].strip()]
    assert obsolete.string.startswith("Each term is translated")
    assert "#~ msgid" in (project / "locale/en/LC_MESSAGES/about.po").read_text(encoding="utf-8")
    new = read_catalog(project / "locale/en/LC_MESSAGES/extra.po")
    assert [m.id for m in new if m.id] == ["덧붙임", "새 쪽의 문단."]
    assert new.locale_identifier == "en"
    sibling = read_catalog(project / "locale/en/LC_MESSAGES/column.po")
    header = ("중국, 혁신성과 로컬리티(Locality)의 사례", "1.0")  # conf.py's project and version
    assert (new.project, new.version) == (sibling.project, sibling.version) == header


def test_update_po_with_nothing_changed_leaves_every_catalog_byte_for_byte(tmp_path: Path) -> None:
    """A new commit gives the templates a new POT-Creation-Date; with the same messages, no diff."""
    project = copy_project(tmp_path / "project")
    make_update_po(project, "SOURCE_DATE_EPOCH=1900000000")
    catalogs = sorted((project / "locale/en/LC_MESSAGES").glob("*.po"))
    before = {po: po.read_bytes() for po in catalogs}

    shutil.rmtree(project / "build")  # a fresh clone, or `make clean`, at the next commit:
    make_update_po(project, "SOURCE_DATE_EPOCH=2000000000")  # new templates, the same messages

    assert read_catalog(project / "build/gettext/column.pot").creation_date.year == 2033
    assert {po: po.read_bytes() for po in catalogs} == before


def test_sphinx_intl_update_by_habit_loses_no_translation_and_the_gate_says_what_to_run(
    tmp_path: Path,
) -> None:
    """sphinx-intl's own update keeps every translation (fuzzy or obsolete), but drops the
    previous msgid and rewraps: the gate names each catalog and the command that puts it right."""
    project = copy_project(tmp_path / "project")
    translations = {
        m.string for po in (project / "locale/en/LC_MESSAGES").glob("*.po") for m in read_catalog(po) if m.id
    }
    column = project / "source" / "column.md"
    column.write_text(column.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    make = ["make", "-C", str(project), f"VENV={ROOT / '.venv'}", "STAMP="]
    subprocess.run([*make, "gettext"], check=True, capture_output=True)
    sphinx_intl = [str(ROOT / ".venv" / "bin" / "sphinx-intl"), "update", "-p", "build/gettext", "-l", "en"]
    subprocess.run(sphinx_intl, cwd=project, check=True, capture_output=True)

    kept = set()
    for po in (project / "locale/en/LC_MESSAGES").glob("*.po"):
        catalog = read_catalog(po)
        kept |= {m.string for m in catalog if m.id} | {m.string for m in catalog.obsolete.values()}
    assert translations <= kept, "a translation was lost"
    problems = [str(p) for p in check_catalogs(Project(project))]
    fuzzy = [p for p in problems if "fuzzy entry" in p]
    assert len(fuzzy) == 1 and "git checkout -- locale/en/LC_MESSAGES/column.po" in fuzzy[0]
    assert "make update-po" in fuzzy[0]
    assert all("fuzzy entry" in p or "make format-po" in p for p in problems), problems
