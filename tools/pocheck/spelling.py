"""Spelling with a real dictionary (enchant and hunspell; en_US for English) and the project word list.

A language whose dictionary is not installed is not spell-checked (say, a third language
added for a test); English is, with Debian's hunspell-en-us (tools/setup-system).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import enchant

from tools.pocheck.catalogs import STYLE, Entry, Problem, Project
from tools.pocheck.myst import analyse

#: Words: letters with inner apostrophes and hyphens; digits, Hangul and URLs are not words to check.
WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
URL = re.compile(r"\S+://\S+|\S+@\S+\.\S+")
POSSESSIVE = re.compile(r"['’]s$")
#: The dictionary of a language, where its name alone is not enchant's.
DICTIONARIES = {"en": "en_US"}


@cache
def dictionary(language: str, wordlist: Path) -> enchant.Dict | None:
    """The language's hunspell dictionary with the names of *wordlist* (one a line); None if not installed."""
    tag = DICTIONARIES.get(language, language)
    if not enchant.dict_exists(tag):
        return None
    return enchant.DictWithPWL(tag, str(wordlist)) if wordlist.exists() else enchant.Dict(tag)


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
    wordlist = project.locale_dir / entry.language / "wordlist.txt"
    words = dictionary(entry.language, wordlist)
    text = analyse(entry.msgstr).visible_text if words is not None else ""
    unknown: dict[str, None] = {}  # (in order, once each)
    for word in WORD.findall(URL.sub(" ", text) if ("/" in text or "@" in text) else text):
        if "'" in word or "’" in word:
            word = POSSESSIVE.sub("", word).replace("’", "'")
        unknown.update(dict.fromkeys(unknown_parts(word, words)))
    if not unknown:
        return []
    what = f"unknown word{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
    return [
        entry.problem(what, f"correct the spelling, or add a name to {project.relative(wordlist)}", STYLE)
    ]
