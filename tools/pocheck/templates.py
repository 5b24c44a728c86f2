"""Catalogs as current as the source: every message of the Korean is in each translation's catalog.

The templates are extracted afresh (Sphinx's gettext builder) and compared with the catalogs:
a message they lack (`make update-po` was not run after the source changed) is shown to
readers in the original, and is lag like an untranslated entry.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tools.pocheck.catalogs import LAG, Problem, Project


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)  # (as it is: a catalog that fails the gate's syntax check too)


def check(project: Project, languages: list[str]) -> list[Problem]:
    """A problem per message of the source that a translation's catalog lacks, and per entry of a
    catalog whose message the source no longer has."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="templates-") as directory:
        command = [sys.executable, "-m", "sphinx", "build", "-b", "gettext", "-q", "-c", str(project.root)]
        subprocess.run([*command, str(project.root / "source"), directory], check=True, capture_output=True)
        for pot in sorted(Path(directory).rglob("*.pot")):
            template, name = read(pot), pot.relative_to(directory).with_suffix(".po")
            for language in languages:
                path = project.locale_dir / language / "LC_MESSAGES" / name
                shown, catalog = project.relative(path), read(path) if path.exists() else []
                lag = f"this message is not in {shown}: readers of the {language} edition see the original"
                for message in [m for m in template if m.id and m.id not in catalog]:
                    where, line = message.locations[0] if message.locations else (path, 1)
                    where = project.relative((pot.parent / where).resolve())  # (as the project names it)
                    todo = "run `make update-po`, then translate the new entry"
                    problems.append(Problem(where, line, lag, todo, LAG))
                what = "this entry's message is no longer in the source"
                todo = "run `make update-po` (it keeps the translation as an obsolete #~ entry)"
                gone = [m for m in catalog if m.id and m.id not in template]
                problems += [Problem(shown, message.lineno, what, todo, LAG) for message in gone]
    return problems
