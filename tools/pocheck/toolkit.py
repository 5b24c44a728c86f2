"""translate-toolkit's pofilter checks that fit a Korean-to-English MyST catalog."""

from __future__ import annotations

from functools import cache

from translate.filters import checks

from tools.pocheck.catalogs import Entry, Problem, Project
from tools.pocheck.security import masked, toolkit_unit

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


@cache
def checker() -> checks.StandardChecker:
    return checks.StandardChecker(limitfilters=list(FILTERS))


def check(project: Project, entry: Entry) -> list[Problem]:
    """Run the pofilter checks on the message with its roles and code spans masked."""
    unit = toolkit_unit(masked(entry.msgid), masked(entry.msgstr))
    return [
        entry.problem(f"pofilter {name}: {failure}", FILTERS[name])
        for name, failure in sorted(checker().run_filters(unit).items())
    ]
