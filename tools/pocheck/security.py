"""Security: HTML, script URLs, template syntax and invisible characters that a msgstr adds to its msgid."""

from __future__ import annotations

import re

from tools.pocheck.catalogs import Entry, Problem, Project
from tools.pocheck.toolkit import XMLTAGS, failures, masked

TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z!?][\w:-]*)")
SCRIPT_URL = re.compile(r"\b(?:java|vb)script\s*:|\bdata\s*:\s*text/html", re.IGNORECASE)
TEMPLATE = re.compile(r"\{\{|\{%")
#: Characters a reader cannot see that change how text reads: direction controls (which can
#: reorder a sentence or a link's text), zero-width characters, the word joiner, the BOM.
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def check(project: Project, entry: Entry) -> list[Problem]:
    """Any HTML tag, script URL or ``{{``/``{%`` that the msgstr has and the msgid lacks is an error."""
    source, target = masked(entry.msgid), masked(entry.msgstr)
    problems = []
    if XMLTAGS in failures(entry.msgid, entry.msgstr):  # (pofilter's tag check)
        added = sorted(set(TAG_NAME.findall(target)) - set(TAG_NAME.findall(source)))
        names = ", ".join(f"<{n}>" for n in added) or "changed tags"
        what = f"HTML in the translation that the Korean does not have ({names}): "
        todo = "remove it; a translation is plain MyST text (use `code` to show a tag)"
        problems.append(entry.problem(what + "it could run in readers' browsers", todo))
    for pattern, what in ((SCRIPT_URL, "a script URL"), (TEMPLATE, "template syntax {{ or {%")):
        found = pattern.findall(target)
        if len(found) > len(pattern.findall(source)):
            what = f"{what} ({found[0]!r}) that the Korean does not have"
            problems.append(entry.problem(what, "remove it; translations may not add scripts or templates"))
    added = [char for char in dict.fromkeys(INVISIBLE.findall(entry.msgstr)) if char not in entry.msgid]
    if added:
        names = ", ".join(f"U+{ord(char):04X}" for char in added)
        what = f"invisible or direction-changing characters the Korean does not have ({names})"
        todo = "delete them (an editor may show them with View > Show whitespace, or `cat -A`)"
        problems.append(entry.problem(what, todo))
    return problems
