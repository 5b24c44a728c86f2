"""Glossary consistency: a msgid with a glossary term has the term's translation in its msgstr."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib

from tools.pocheck.catalogs import Entry, Problem, Project
from tools.pocheck.myst import analyse

GLOSSARY_BLOCK = re.compile(r"^```\{glossary\}[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


@cache
def read_glossary(root: Path, language: str) -> dict[str, str]:
    """Terms of source/glossary.md mapped to their msgstr in locale/<lang>/LC_MESSAGES/glossary.po."""
    source = root / "source" / "glossary.md"
    catalog = root / "locale" / language / "LC_MESSAGES" / "glossary.po"
    if not source.exists() or not catalog.exists():
        return {}
    translated = {e.msgid: e.msgstr for e in polib.pofile(str(catalog)) if e.msgstr and not e.fuzzy}
    terms = glossary_terms(source.read_text(encoding="utf-8"))
    return {term: translated[term] for term in terms if term in translated}


def glossary_terms(text: str) -> list[str]:
    """The terms of the glossary directives of MyST *text*, in order."""
    return [
        line.strip()
        for block in GLOSSARY_BLOCK.finditer(text)
        for line in block["body"].splitlines()
        if line.strip() and not line[0].isspace() and not line.startswith(":")
    ]


@cache
def translation_pattern(translation: str) -> re.Pattern[str]:
    """The term's translation, any case, spaces or hyphens between words, optional plural -s/-es."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", translation.strip())]
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(words) + r"(?:e?s)?(?!\w)", re.IGNORECASE)


@cache
def source_pattern(term: str) -> re.Pattern[str]:
    """A term in Korean text: Hangul terms as substrings (particles follow), Latin ones as words."""
    if re.search(r"[가-힣]", term):
        return re.compile(re.escape(term), re.IGNORECASE)
    return re.compile(r"(?<![\w+])" + re.escape(term) + r"(?![\w+])", re.IGNORECASE)


@cache
def longest_first(terms: tuple[str, ...]) -> list[tuple[str, str]]:
    """The glossary's terms, longest first (a shorter term inside a longer one is not a
    second term), each with its case-folded text."""
    return [(term, term.casefold()) for term in sorted(terms, key=len, reverse=True)]


def check(project: Project, entry: Entry) -> list[Problem]:
    """Each glossary term of the msgid, longest first, needs its translation in the msgstr.

    A term's pattern (any case) can match only where its case-folded text is in the
    case-folded source, and that quicker look comes first; a source whose case folding
    changes its length (ß, İ) gets the patterns alone.
    """
    glossary = project.glossary(entry.language)
    source = analyse(entry.msgid).visible_text
    target = analyse(entry.msgstr).visible_text
    problems = []
    folded = source.casefold()
    for term, folded_term in longest_first(tuple(glossary)):
        if folded_term not in folded and len(folded) == len(source):
            continue
        pattern = source_pattern(term)
        if not pattern.search(source):
            continue
        source = pattern.sub(" ", source)  # a shorter term inside this one is not a second term
        folded = source.casefold()
        translation = glossary[term]
        if not translation_pattern(translation).search(target):
            problems.append(
                entry.problem(
                    f"glossary term “{term}” is not translated as “{translation}”",
                    f"use “{translation}” (locale/{entry.language}/LC_MESSAGES/glossary.po), "
                    "or change the glossary first",
                )
            )
    return problems
