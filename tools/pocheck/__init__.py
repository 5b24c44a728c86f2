"""The catalog gate: every check of the catalogs, each problem as ``path:line: what — what to do``,
a hazard, lag or style (`catalogs.HAZARD`…; what each means for a publication: docs/translating.md)."""

import functools
import itertools
import multiprocessing
import os
from pathlib import Path

from tools.pocheck import catalogs, syntax
from tools.pocheck.catalogs import HAZARD, LAG, STYLE, Problem, Project

__all__ = ["HAZARD", "LAG", "STYLE", "Problem", "Project", "check_catalogs"]


@functools.cache
def content_checks() -> tuple:
    """The checks of each translated entry (imported when needed: not by tools that only read catalogs)."""
    from tools.pocheck import house_style, myst, numbers, toolkit

    return tuple(m.check for m in (myst, toolkit, numbers, house_style))


def check_catalog(project: Project, path: Path, form: bool = True, msgfmt: bool = True) -> list[Problem]:
    """Every check of one catalog: its *form* too, and *msgfmt* unless it passed (`syntax.passing_msgfmt`)."""
    problems = syntax.check_file(project, path, msgfmt)
    if problems:
        return problems  # the file cannot be read as it is: fix the syntax first
    # A translation of a page (not of the theme's strings, not in the source language):
    translation = (
        path.name not in catalogs.UI_CATALOGS
        and catalogs.language_of(project.relative(path)) != project.source_language
    )
    catalog = catalogs.read_catalog(path)
    entries = catalogs.load_entries(project, path, catalog)
    problems = syntax.check_composed(project, path, formatted_by_make=translation)
    problems += syntax.check_entries(project, path, entries, catalog)
    if translation:
        problems += syntax.check_format(project, path, catalog) if form else []
        for entry in entries:
            for check in content_checks() if entry.translated else ():
                problems += check(project, entry)
    return problems


#: Below this many catalogs, the gate runs in one process (forking costs more than it saves).
PARALLEL_FROM = 16


def check_catalogs(
    project: Project, paths: list[Path] | None = None, jobs: int | None = None, form: set[Path] | None = None
) -> list[Problem]:
    """The problems of *paths* (default: every catalog), in order, checked in *jobs* processes if many
    (default: one per CPU); the form of those in *form* is checked (default: every catalog's)."""
    paths = paths if paths is not None else project.all_catalogs()
    passed = syntax.passing_msgfmt(project, paths) if len(paths) > 1 else set()
    tasks = [(project, path, form is None or path.resolve() in form, path not in passed) for path in paths]
    jobs = jobs or len(os.sched_getaffinity(0))
    if jobs > 1 and len(tasks) >= PARALLEL_FROM:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.starmap(check_catalog, tasks, chunksize=max(1, len(tasks) // (jobs * 4)))
    else:
        results = itertools.starmap(check_catalog, tasks)
    return [problem for found in results for problem in found]
