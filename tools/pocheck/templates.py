"""Catalogs as current as the source: every message of the Korean is in each translation's catalog.

The templates are extracted afresh (Sphinx's gettext builder) and compared with the
catalogs. A message the catalogs lack (`make update-po` was not run after the source
changed) is shown to readers in the original, and is lag like an untranslated entry.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

from tools.pocheck.catalogs import LAG, Problem, Project


def check(project: Project, languages: list[str]) -> list[Problem]:
    """A problem per message of the source that a translation's catalog does not have, or has
    while the source no longer does."""
    with tempfile.TemporaryDirectory(prefix="templates-") as directory:
        command = [sys.executable, "-m", "sphinx", "build", "-b", "gettext", "-q", "-c", str(project.root)]
        subprocess.run([*command, str(project.source_dir), directory], check=True, capture_output=True)
        templates = {}
        for pot in sorted(Path(directory).rglob("*.pot")):
            with pot.open("rb") as read:
                template = read_po(read)
            for message in template:  # (where each message is, as the project names it)
                message.locations = [
                    (project.relative((pot.parent / f).resolve()), n) for f, n in message.locations
                ]
            templates[pot.relative_to(directory).with_suffix("")] = template
    problems = []
    for name, template in templates.items():
        for language in languages:
            path = project.locale_dir / language / "LC_MESSAGES" / f"{name}.po"
            shown = project.relative(path)
            catalog = None
            if path.exists():
                with path.open("rb") as read:
                    catalog = read_po(read)
            for message in template:
                if message.id and (catalog is None or message.id not in catalog):
                    where, line = message.locations[0] if message.locations else (shown, 1)
                    problems.append(
                        Problem(
                            where,
                            line,
                            f"this message is not in {shown}: readers of the {language} edition see the original",
                            "run `make update-po`, then translate the new entry",
                            LAG,
                        )
                    )
            for message in catalog or []:
                if message.id and message.id not in template:
                    problems.append(
                        Problem(
                            shown,
                            message.lineno,
                            "this entry's message is no longer in the source",
                            "run `make update-po` (it keeps the translation as an obsolete #~ entry)",
                            LAG,
                        )
                    )
    return problems
