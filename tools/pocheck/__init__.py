"""The catalog gate: every check of the catalogs, each problem as ``path:line: what — what to do``.

Each problem is a hazard, lag or style (`catalogs.HAZARD`…): what it means for a
publication is in docs/translating.md.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from tools.pocheck import syntax
from tools.pocheck.catalogs import (
    HAZARD,
    LAG,
    STYLE,
    WIDTH,
    Problem,
    Project,
    document_catalogs,
    load_entries,
    read_catalog,
    read_header,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from tools.pocheck.catalogs import Entry

__all__ = ["HAZARD", "LAG", "STYLE", "Problem", "Project", "check_catalogs"]


@functools.cache
def content_checks() -> tuple[Callable[[Project, Entry], list[Problem]], ...]:
    """The checks run on every translated entry of a document catalog that passed the syntax check.

    Imported when first needed: ``tools.pocheck.catalogs`` is imported by the tools that
    only read catalogs, which need not pay for translate-toolkit and enchant.
    """
    from tools.pocheck import glossary, house_style, markup, numbers, security, spelling, toolkit

    return (
        markup.check,
        security.check,
        toolkit.check,
        numbers.check,
        glossary.check,
        spelling.check,
        house_style.check,
    )


def check_catalog(
    project: Project, path: Path, document: bool, form: bool = True, msgfmt: bool = True
) -> list[Problem]:
    """Every check of one catalog; *document* is whether it is a page's (not the theme's),
    *form* whether its form is checked, *msgfmt* whether msgfmt must check it (False: it
    passed with the others, `syntax.passing_msgfmt`)."""
    problems = syntax.check_file(project, path, msgfmt)
    if any(p.fatal for p in problems):
        return problems  # the parse is not trustworthy: fix the syntax first
    po = polib.pofile(str(path), wrapwidth=WIDTH)
    entries = load_entries(project, path, po)
    translation = document and project.language_of(path) != project.source_language
    problems.extend(syntax.check_composed(project, path, formatted_by_make=translation))
    # All of it read by Babel too only if its form is checked; else its header.
    catalog = read_catalog(path, po) if translation and form else read_header(path)
    problems.extend(syntax.check_entries(project, path, entries, catalog))
    if translation:
        if form:
            problems.extend(syntax.check_format(project, path, catalog))
        for entry in entries:
            if entry.translated:
                for content_check in content_checks():
                    problems.extend(content_check(project, entry))
    return problems


#: Below this many catalogs, the gate runs in one process (forking costs more than it saves).
PARALLEL_FROM = 16


def check_catalogs(
    project: Project, paths: list[Path] | None = None, jobs: int | None = None, form: set[Path] | None = None
) -> list[Problem]:
    """Run the gate on *paths* (default: every catalog of the project) and return the problems.

    Many catalogs are checked in *jobs* processes (default: one per CPU), in order. The
    form of a catalog is checked if it is in *form* (default: every catalog's).
    """
    paths = paths if paths is not None else project.all_catalogs()
    documents = set(document_catalogs(project))
    passed = syntax.passing_msgfmt(project, paths) if len(paths) > 1 else set()
    tasks = [
        (project, path, path in documents, form is None or path.resolve() in form, path not in passed)
        for path in paths
    ]
    jobs = jobs or len(os.sched_getaffinity(0))
    if jobs > 1 and len(tasks) >= PARALLEL_FROM:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.starmap(check_catalog, tasks, chunksize=max(1, len(tasks) // (jobs * 4)))
    else:
        results = [check_catalog(*task) for task in tasks]
    return [problem for found in results for problem in found]
