"""Glossary consistency: a msgid with a glossary term has the term's translation in its msgstr."""

import re
from functools import cache
from pathlib import Path

from tools.pocheck.catalogs import Entry, Problem, Project, read_catalog
from tools.pocheck.myst import analyse

GLOSSARY_BLOCK = re.compile(r"^```\{glossary\}[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


@cache
def read_glossary(root: Path, language: str) -> dict[str, str]:
    """Terms of source/glossary.md mapped to their msgstr in locale/<lang>/LC_MESSAGES/glossary.po."""
    source = root / "source" / "glossary.md"
    catalog = root / "locale" / language / "LC_MESSAGES" / "glossary.po"
    if not source.exists() or not catalog.exists():
        return {}
    translated = {m.id: m.string for m in read_catalog(catalog) if m.id and m.string and not m.fuzzy}
    return {
        term: translated[term] for term in glossary_terms(source.read_text("utf-8")) if term in translated
    }


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
    """The glossary's terms, longest first, each with its case-folded text."""
    return [(term, term.casefold()) for term in sorted(terms, key=len, reverse=True)]


def check(project: Project, entry: Entry) -> list[Problem]:
    """Each glossary term of the msgid, longest first, needs its translation in the msgstr.

    A term can be in the source only if its case-folded text is in the case-folded source,
    a quicker look than its pattern's (not when case folding changes the length: ß, İ).
    """
    glossary = read_glossary(project.root, entry.language)
    source, target = analyse(entry.msgid).visible_text, analyse(entry.msgstr).visible_text
    problems = []
    folded = source.casefold()
    for term, folded_term in longest_first(tuple(glossary)):
        pattern = source_pattern(term)
        if (folded_term not in folded and len(folded) == len(source)) or not pattern.search(source):
            continue
        source = pattern.sub(" ", source)  # a shorter term inside this one is not a second term
        folded, translation = source.casefold(), glossary[term]
        if not translation_pattern(translation).search(target):
            problems.append(
                entry.problem(
                    f"glossary term “{term}” is not translated as “{translation}”",
                    f"use “{translation}” (locale/{entry.language}/LC_MESSAGES/glossary.po), "
                    "or change the glossary first",
                )
            )
    return problems
