"""Security: HTML, script URLs and template syntax that a msgstr adds to its msgid."""

from __future__ import annotations

import re
from functools import cache

from translate.filters import checks
from translate.storage import base

from tools.pocheck.catalogs import Entry, Problem, Project

#: Roles and code spans are rendered as text: their ``<target>`` is not HTML.
ROLE_OR_CODE = re.compile(r"(?:\{[A-Za-z][\w:.+-]*\})?(`+)(?:(?!\1).)+?\1", re.DOTALL)
TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z!?][\w:-]*)")
SCRIPT_URL = re.compile(r"\b(?:java|vb)script\s*:|\bdata\s*:\s*text/html", re.IGNORECASE)
TEMPLATE = re.compile(r"\{\{|\{%")


def masked(text: str) -> str:
    """*text* with role and code contents replaced, so that ``{term}`X <Y>``` is no tag."""
    count = iter(range(1, 1_000_000))
    return ROLE_OR_CODE.sub(lambda _match: f"`code{next(count)}`", text)


def toolkit_unit(source: str, target: str) -> base.TranslationUnit:
    """A message for translate-toolkit's checks: a plain unit (a PO unit would format
    itself as PO text on every assignment, a third of the checks' time)."""
    unit = base.TranslationUnit(source)
    unit.target = target
    return unit


@cache
def xmltags_checker() -> checks.StandardChecker:
    return checks.StandardChecker(limitfilters=["xmltags"])


def check(project: Project, entry: Entry) -> list[Problem]:
    """Any HTML tag, script URL or ``{{``/``{%`` that the msgstr has and the msgid lacks is an error."""
    source, target = masked(entry.msgid), masked(entry.msgstr)
    problems = []
    if xmltags_checker().run_filters(toolkit_unit(source, target)):
        added = sorted(set(TAG_NAME.findall(target)) - set(TAG_NAME.findall(source)))
        names = ", ".join(f"<{n}>" for n in added) or "changed tags"
        problems.append(
            entry.problem(
                f"HTML in the translation that the Korean does not have ({names}): it could run in readers' "
                "browsers",
                "remove it; a translation is plain MyST text (use `code` to show a tag)",
            )
        )
    for pattern, what in ((SCRIPT_URL, "a script URL"), (TEMPLATE, "template syntax {{ or {%")):
        found = pattern.findall(target)
        if len(found) > len(pattern.findall(source)):
            problems.append(
                entry.problem(
                    f"{what} ({found[0]!r}) that the Korean does not have",
                    "remove it; translations may not add scripts or templates",
                )
            )
    return problems
