"""English spelling with a real dictionary (enchant + hunspell en_US) and the project word list."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import enchant

from tools.pocheck.catalogs import Entry, Problem, Project
from tools.pocheck.myst import analyse

#: Words: letters with inner apostrophes and hyphens; digits, Hangul and URLs are not words to check.
WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
URL = re.compile(r"\S+://\S+|\S+@\S+\.\S+")
POSSESSIVE = re.compile(r"['’]s$")


@cache
def dictionary(wordlist: Path) -> enchant.Dict:
    """en_US from hunspell, with the project's names from *wordlist* (one per line)."""
    if wordlist.exists():
        return enchant.DictWithPWL("en_US", str(wordlist))
    return enchant.Dict("en_US")


@cache
def catalog_dictionary(root: Path, path: str) -> enchant.Dict:
    """The dictionary of the catalog *path* (as entries show it) of the project at *root*:
    its language's word list (asked for every entry, found once per catalog)."""
    project = Project(root)
    return dictionary(project.wordlist(project.language_of(Path(path))))


def unknown_words(text: str, words: enchant.Dict) -> list[str]:
    """Words of *text* the dictionary does not know, in order, once each."""
    unknown: dict[str, None] = {}
    for word in WORD.findall(URL.sub(" ", text) if ("/" in text or "@" in text) else text):
        if "'" in word or "’" in word:
            word = POSSESSIVE.sub("", word).replace("’", "'")
        for part in unknown_parts(word, words):
            unknown[part] = None
    return list(unknown)


@lru_cache(maxsize=65536)
def unknown_parts(word: str, words: enchant.Dict) -> tuple[str, ...]:
    """The parts of one word the dictionary does not know (each word is looked up once per run)."""
    if len(word) < 2 or word.isupper():
        return ()  # initials and acronyms (KISDI, ICT, AI)
    if words.check(word):
        return ()  # hyphenated names such as Seong-ok are in the word list whole
    return tuple(
        part for part in word.split("-") if len(part) > 1 and not part.isupper() and not words.check(part)
    )


def check(project: Project, entry: Entry) -> list[Problem]:
    """Spell-check what a reader sees of the msgstr (not code, URLs, role targets or Hangul)."""
    words = catalog_dictionary(project.root, entry.path)
    unknown = unknown_words(analyse(entry.msgstr).visible_text, words)
    if not unknown:
        return []
    return [
        entry.problem(
            f"unknown English word{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            "correct the spelling, or add a name to locale/en/wordlist.txt",
        )
    ]
