"""translate-toolkit's pofilter checks that fit a Korean-to-English MyST catalog, and security:
the HTML, script URLs, template syntax and invisible characters that a msgstr adds to its msgid."""

import operator
import re
import unicodedata
from functools import cache

from translate.filters import checks
from translate.storage import base

from tools.pocheck.catalogs import STYLE, Entry, Problem, Project

#: Roles and code spans are rendered as text: their ``<target>`` is not HTML.
ROLE_OR_CODE = re.compile(r"(?:\{[A-Za-z][\w:.+-]*\})?(`+)(?:(?!\1).)+?\1", re.DOTALL)
TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z!?][\w:-]*)")
SCRIPT_URL = re.compile(r"\b(?:java|vb)script\s*:|\bdata\s*:\s*text/html", re.IGNORECASE)
TEMPLATE = re.compile(r"\{\{|\{%")
#: Characters a reader cannot see that change how text reads: direction controls (which can
#: reorder a sentence or a link's text), zero-width characters, the word joiner, the BOM.
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def repeats_a_word(text: str) -> bool:
    """Whether doublewords can fail: it compares each word with the one before (NFC, no full stops,
    lower case) once tags and KDE comments (``_:`` lines) are removed: a text with either can."""
    if "<" in text or "_:" in text:
        return True
    words = unicodedata.normalize("NFC", text).replace(".", "").lower().split()
    return any(map(operator.eq, words, words[1:]))  # (each word and the next, compared in C)


#: The pofilter checks used: what to do when one fails, and what the msgid or the msgstr must
#: have for it to fail (as translate-toolkit's filters are written; else it is not run). Others
#: do not fit Korean sources (numbers, brackets, capitals, sentence counts) or are done for MyST.
FILTERS = {
    "escapes": ("use the same escapes (\\n, \\t, \\\\) as the msgid", lambda text: "\\" in text),
    "newlines": ("keep the msgid's line breaks", lambda text: "\n" in text or "\r" in text),
    "tabs": ("keep the msgid's tabs", lambda text: "\t" in text),
    "doublespacing": ("use single spaces", lambda text: "  " in text),
    "startwhitespace": ("begin the msgstr as the msgid begins", lambda text: text[:1].isspace()),
    "endwhitespace": ("end the msgstr as the msgid ends", lambda text: text[-1:].isspace()),
    "doublewords": ("delete the repeated word", repeats_a_word),
    "urls": ("keep every URL of the msgid", re.compile(r"https?:|www\.|ftp:").search),
    "emails": ("keep every e-mail address of the msgid", lambda text: "@" in text),
}
#: pofilter's tag check, for the security check: what HTML a msgstr adds.
XMLTAGS = "xmltags"
CAN_FAIL = {name: condition for name, (_, condition) in FILTERS.items()} | {XMLTAGS: lambda text: "<" in text}


def masked(text: str) -> str:
    """*text* with role and code contents replaced, so that ``{term}`X <Y>``` is no tag."""
    count = iter(range(1, 1_000_000))
    return ROLE_OR_CODE.sub(lambda _match: f"`code{next(count)}`", text) if "`" in text else text


def toolkit_unit(source: str, target: str) -> base.TranslationUnit:
    """A plain unit (a PO unit would format itself as PO on every assignment: a third of the time)."""
    unit = base.TranslationUnit(source)
    unit.target = target
    return unit


@cache
def checker(filters: frozenset[str] = frozenset(CAN_FAIL)) -> checks.StandardChecker:
    """translate-toolkit's checker running *filters* (its order: FILTERS, then xmltags)."""
    return checks.StandardChecker(limitfilters=[name for name in CAN_FAIL if name in filters])


def can_fail(source: str, target: str) -> frozenset[str]:
    return frozenset(name for name, condition in CAN_FAIL.items() if condition(source) or condition(target))


def failures(msgid: str, msgstr: str) -> dict[str, str]:
    """pofilter's failures of the filters that can fail on a message, its roles and code masked."""
    source, target = masked(msgid), masked(msgstr)
    filters = can_fail(source, target)
    return checker(filters).run_filters(toolkit_unit(source, target)) if filters else {}


def check(project: Project, entry: Entry) -> list[Problem]:
    """Any HTML tag, script URL, ``{{``/``{%`` or invisible character that the msgstr adds to the
    msgid (hazards), then pofilter's checks (style), on the message with roles and code masked."""
    source, target = masked(entry.msgid), masked(entry.msgstr)
    found, problems = failures(entry.msgid, entry.msgstr), []
    if XMLTAGS in found:
        added = sorted(set(TAG_NAME.findall(target)) - set(TAG_NAME.findall(source)))
        names = ", ".join(f"<{n}>" for n in added) or "changed tags"
        what = f"HTML in the translation that the Korean does not have ({names}): "
        todo = "remove it; a translation is plain MyST text (use `code` to show a tag)"
        problems.append(entry.problem(what + "it could run in readers' browsers", todo))
    for pattern, name in ((SCRIPT_URL, "a script URL"), (TEMPLATE, "template syntax {{ or {%")):
        if len(matches := pattern.findall(target)) > len(pattern.findall(source)):
            what = f"{name} ({matches[0]!r}) that the Korean does not have"
            problems.append(entry.problem(what, "remove it; translations may not add scripts or templates"))
    if chars := [char for char in dict.fromkeys(INVISIBLE.findall(entry.msgstr)) if char not in entry.msgid]:
        names = ", ".join(f"U+{ord(char):04X}" for char in chars)
        what = f"invisible or direction-changing characters the Korean does not have ({names})"
        todo = "delete them (an editor may show them with View > Show whitespace, or `cat -A`)"
        problems.append(entry.problem(what, todo))
    pofilter = [(name, failure) for name, failure in sorted(found.items()) if name in FILTERS]
    return problems + [entry.problem(f"pofilter {n}: {f}", FILTERS[n][0], STYLE) for n, f in pofilter]
