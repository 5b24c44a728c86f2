"""translate-toolkit's pofilter checks that fit a Korean-to-English MyST catalog."""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache

from translate.filters import checks
from translate.storage import base

from tools.pocheck.catalogs import STYLE, Entry, Problem, Project

#: The pofilter checks used, and what to do when one fails. Others do not fit Korean sources
#: (numbers, brackets, capitalisation, sentence counts) or are done here for MyST (xmltags).
FILTERS = {
    "escapes": "use the same escapes (\\n, \\t, \\\\) as the msgid",
    "newlines": "keep the msgid's line breaks",
    "tabs": "keep the msgid's tabs",
    "doublespacing": "use single spaces",
    "startwhitespace": "begin the msgstr as the msgid begins",
    "endwhitespace": "end the msgstr as the msgid ends",
    "doublewords": "delete the repeated word",
    "urls": "keep every URL of the msgid",
    "emails": "keep every e-mail address of the msgid",
}
#: pofilter's tag check, which the security check reads (`failures` runs it with the others).
XMLTAGS = "xmltags"
#: Roles and code spans are rendered as text: their ``<target>`` is not HTML.
ROLE_OR_CODE = re.compile(r"(?:\{[A-Za-z][\w:.+-]*\})?(`+)(?:(?!\1).)+?\1", re.DOTALL)
URL = re.compile(r"https?:|www\.|ftp:")


@lru_cache(maxsize=8)  # (the security check and `failures` mask the same two texts)
def masked(text: str) -> str:
    """*text* with role and code contents replaced, so that ``{term}`X <Y>``` is no tag."""
    count = iter(range(1, 1_000_000))
    return ROLE_OR_CODE.sub(lambda _match: f"`code{next(count)}`", text) if "`" in text else text


def toolkit_unit(source: str, target: str) -> base.TranslationUnit:
    """A plain unit for translate-toolkit's checks (a PO unit would format itself as PO text
    on every assignment, a third of the checks' time)."""
    unit = base.TranslationUnit(source)
    unit.target = target
    return unit


def repeats_a_word(text: str) -> bool:
    """Whether the doublewords filter can fail on *text*: it compares each word with the one
    before (NFC, without full stops, lower case), after removing tags and KDE comments (``_:``
    lines), so a text with either is always run."""
    if "<" in text or "_:" in text:
        return True
    words = unicodedata.normalize("NFC", text).replace(".", "").lower().split()
    return any(map(operator.eq, words, words[1:]))  # (each word and the next, compared in C)


#: What a text must have, in the msgid or the msgstr, for each filter to fail (as translate-
#: toolkit's filters are written). A filter whose condition neither text meets is not run.
CAN_FAIL: dict[str, Callable[[str], object]] = {
    "escapes": lambda text: "\\" in text,
    "newlines": lambda text: "\n" in text or "\r" in text,
    "tabs": lambda text: "\t" in text,
    "doublespacing": lambda text: "  " in text,
    "startwhitespace": lambda text: text[:1].isspace(),
    "endwhitespace": lambda text: text[-1:].isspace(),
    "doublewords": repeats_a_word,
    "urls": URL.search,
    "emails": lambda text: "@" in text,
    XMLTAGS: lambda text: "<" in text,
}


@cache
def checker(filters: frozenset[str] = frozenset(CAN_FAIL)) -> checks.StandardChecker:
    """translate-toolkit's checker running *filters* (its order: FILTERS, then xmltags)."""
    return checks.StandardChecker(limitfilters=[name for name in CAN_FAIL if name in filters])


def can_fail(source: str, target: str) -> frozenset[str]:
    """The filters that can fail on this message (`CAN_FAIL`)."""
    return frozenset(name for name, condition in CAN_FAIL.items() if condition(source) or condition(target))


@lru_cache(maxsize=1)  # (this check and the security check read it, one after the other)
def failures(msgid: str, msgstr: str) -> dict[str, str]:
    """pofilter's failures for one message, with its roles and code spans masked, of the
    filters that can fail on it."""
    source, target = masked(msgid), masked(msgstr)
    filters = can_fail(source, target)
    return checker(filters).run_filters(toolkit_unit(source, target)) if filters else {}


def check(project: Project, entry: Entry) -> list[Problem]:
    """Run the pofilter checks on the message with its roles and code spans masked."""
    return [
        entry.problem(f"pofilter {name}: {failure}", FILTERS[name], STYLE)
        for name, failure in sorted(failures(entry.msgid, entry.msgstr).items())
        if name in FILTERS
    ]
