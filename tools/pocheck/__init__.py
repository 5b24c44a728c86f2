"""The catalog gate: every check of the English catalogs, each problem as ``path:line: what — what to do``."""

from __future__ import annotations

import time
from pathlib import Path

from tools.pocheck import glossary, markup, numbers, security, spelling, syntax, toolkit
from tools.pocheck.catalogs import Problem, Project, document_catalogs, load_entries

__all__ = ["Problem", "Project", "check_catalogs", "time_check"]

#: Content checks, run on every entry of a document catalog that passed the syntax check.
CONTENT_CHECKS = (
    markup.check,
    security.check,
    toolkit.check,
    numbers.check,
    glossary.check,
    spelling.check,
)


def check_catalogs(project: Project, paths: list[Path] | None = None) -> list[Problem]:
    """Run the gate on *paths* (default: every catalog of the project) and return the problems."""
    paths = paths if paths is not None else project.all_catalogs()
    problems: list[Problem] = []
    documents = set(document_catalogs(project))
    for path in paths:
        found = syntax.check_file(project, path)
        problems.extend(found)
        if any(p.fatal for p in found):
            continue  # the parse is not trustworthy: fix the syntax first
        entries = load_entries(project, path)
        problems.extend(syntax.check_entries(project, path, entries))
        if path in documents and project.language_of(path) != project.source_language:
            problems.extend(syntax.check_format(project, path))
            for entry in entries:
                if not entry.translated:
                    continue
                for content_check in CONTENT_CHECKS:
                    problems.extend(content_check(project, entry))
    return problems


def time_check(project: Project, paths: list[Path] | None = None) -> tuple[float, int]:
    """Time one run of the gate: (seconds, number of problems); for ``make bench``."""
    start = time.perf_counter()
    problems = check_catalogs(project, paths)
    return time.perf_counter() - start, len(problems)
