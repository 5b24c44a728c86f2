"""The house style's rules that a program can apply exactly (docs/translating.md, "House style"),
on what readers see of a msgstr: glossary terms (hazards); spelling, by hunspell (en_US: Debian's
hunspell-en-us; no dictionary, no check) and the word list; in English, quotation marks, fixed forms
and company descriptors (style)."""

import re
from collections import namedtuple
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

import enchant

from tools.pocheck.catalogs import STYLE, Entry, Problem, Project, read_catalog
from tools.pocheck.myst import analyse

#: The glossary directives of a MyST page.
GLOSSARY_BLOCK = re.compile(r"^```\{glossary\}[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
#: Words: letters with inner apostrophes and hyphens; digits, Hangul and URLs are not words to check.
WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
URL = re.compile(r"\S+://\S+|\S+@\S+\.\S+")
POSSESSIVE = re.compile(r"['’]s$")
#: The dictionary of a language, where its name alone is not enchant's.
DICTIONARIES = {"en": "en_US"}
TITLE = "China: A Case of Innovation and Locality"
#: Messages whose whole translation the house style fixes ("Title").
WHOLE = {
    "중국, 혁신성과 로컬리티(Locality)의 사례": TITLE,
    "중국, 혁신성과 로컬리티: 한국어·영어 판": f"{TITLE}, in Korean and English",
}
#: Korean whose translation the house style fixes wherever it occurs ("Title", "Expert Column").
WITHIN = {"「중국, 혁신성과 로컬리티(Locality)의 사례」": f"“{TITLE}”", "전문가 칼럼": "Expert Column"}
#: Each fixed English form, and the words that give away any other form of it.
OTHER_FORMS = {TITLE: "innovation and locality", "Expert Column": "expert column"}
#: What the visible text of a msgstr never has, and what to write instead ("Quotation marks").
QUOTES = [
    ('"', 'a straight double quote "', "write curly quotes “ and ”"),
    ("'", "a straight single quote '", "write ’ for an apostrophe, “ and ” for quotation marks"),
    ("‘", "a single quotation mark ‘", "quote with “ and ”"),
    (
        r"(?<![^\W_])’",
        "’ that is not an apostrophe (not right after a letter or digit)",
        "quote with “ and ”",
    ),
    ("”[,.]", "a comma or period after the closing quotation mark", "put it inside: ,” or .”"),
]
WE = re.compile(r"\b(?:we|us|our|ours)\b", re.IGNORECASE)
#: Words the house style forbids for a word of the glossary's descriptors ("Company
#: descriptors"); the glossary itself cannot say which words mean the same.
SYNONYMS = {
    "ride-hailing": ["ride-sharing", "car-sharing", "taxi-hailing"],
    "bike-sharing": ["bicycle-sharing", "bike-share"],
}
#: Each forbidden synonym, without its hyphen, and the descriptor's word it stands for.
STANDS_FOR = {synonym.replace("-", ""): word for word, synonyms in SYNONYMS.items() for synonym in synonyms}
FORBIDDEN = re.compile(
    rf"\b(?:{'|'.join(s.replace('-', '[- ]?') for synonyms in SYNONYMS.values() for s in synonyms)})\b",
    re.IGNORECASE,
)
#: The glossary's section of companies, and how a glossary note describes one: "In the Korean
#: edition: 디디추싱. A Chinese <descriptor> that …" ("A US …", "The <descriptor> of …").
COMPANIES = re.compile(
    r"^\(glossary-companies\)=$(?P<section>.*?)(?=^\([\w-]+\)=$|\Z)", re.MULTILINE | re.DOTALL
)
DESCRIPTION = re.compile(
    r"In the Korean edition: (?P<headword>.+?)\. (?:An?|The) (?:Chinese |US )?"
    r"(?P<descriptor>[\w+ -]+?)(?= that | whose | of | made | affiliated |[,.;:])"
)
#: A company of the glossary, the descriptor its note gives it, and a pattern of another
#: descriptor's noun just before its name, or after it.
Company = namedtuple("Company", "name descriptor misdescribed")


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


def check_glossary(project: Project, entry: Entry) -> list[Problem]:
    """Each glossary term of the msgid, longest first, needs its translation in the msgstr. (A term
    is looked for only if case-folded it is in the case-folded source, unless that changes length.)"""
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
            what = f"glossary term “{term}” is not translated as “{translation}”"
            catalog = f"locale/{entry.language}/LC_MESSAGES/glossary.po"
            todo = f"use “{translation}” ({catalog}), or change the glossary first"
            problems.append(entry.problem(what, todo))
    return problems


@cache
def companies(root: Path, language: str) -> list[Company]:
    """The companies of the glossary's section of companies, as its notes in *language* describe them."""
    glossary = root / "source" / "glossary.md"
    catalog = root / "locale" / language / "LC_MESSAGES" / "glossary.po"
    section = COMPANIES.search(glossary.read_text(encoding="utf-8")) if glossary.exists() else None
    if section is None or not catalog.exists():
        return []
    notes = [DESCRIPTION.match(m.string) for m in read_catalog(catalog) if m.id and not m.fuzzy]
    described = {note["headword"]: note["descriptor"] for note in notes if note}
    names = read_glossary(root, language)
    terms = [term for term in glossary_terms(section["section"]) if term in described and term in names]
    nouns = {form for term in terms for form in forms(described[term])}
    found = []
    for term in terms:
        name = re.escape(names[term])
        other = "|".join(map(re.escape, sorted(nouns - forms(described[term]), reverse=True))) or "(?!)"
        beside = (
            rf"\b({other}),? {name}(?![\w+])|(?<![\w+]){name}, (?:an?|the) (?:[\w-]+ ){{0,4}}?({other})\b"
        )
        found.append(Company(names[term], described[term], re.compile(beside)))
    return found


def forms(descriptor: str) -> set[str]:
    """A descriptor's noun, singular and plural."""
    noun = descriptor.split()[-1]
    return {noun, f"{noun[:-1]}ies" if noun.endswith("y") else f"{noun}s"}


def around(text: str, at: int, width: int = 25) -> str:
    start, end = max(0, at - width), at + width
    return f"{'…' * (start > 0)}{text[start:end]}{'…' * (end < len(text))}"


def curled(text: str) -> str:
    """*text* with the house style's quotation marks and apostrophes, one character for one:
    a suggestion (a quote after a letter is an apostrophe unless it closes a quotation)."""
    chars, inside = list(text), False
    for at, char in enumerate(text):
        if char not in "\"'‘’“”":
            continue
        if char in "'’" and text[at - 1 : at].isalnum() and (text[at + 1 : at + 2].isalnum() or not inside):
            chars[at] = "’"
        else:
            chars[at], inside = "”" if inside else "“", not inside
    return re.sub("”([,.])", r"\1”", "".join(chars))


def quotation_marks(text: str) -> Iterator[tuple[str, str]]:
    """Quotes the house style refuses, with the text as it would write them; else “ and ” not alternating."""
    found = [(match, what, todo) for pattern, what, todo in QUOTES if (match := re.search(pattern, text))]
    for match, what, todo in found:
        yield f"{what} in: {around(text, match.start())}", f"{todo}: {around(curled(text), match.start())}"
    due = "“"
    for match in re.finditer("[“”]", text) if not found else ():
        if match[0] != due:
            todo = "open each quotation with “ and close it with ” (the edition nests none)"
            yield f"{match[0]} where {due} is due, in: {around(text, match.start())}", todo
            return
        due = "”" if due == "“" else "“"
    if due == "”":
        yield "a quotation opened with “ and never closed", "close it with ”"


def fixed_forms(msgid: str, text: str) -> Iterator[tuple[str, str]]:
    """The title and "Expert Column" exactly as the house style writes them, and no other form; 우리
    as we, us or our."""
    inside = text.replace(",”", "”").replace(".”", "”")  # (a comma or period goes inside the quote)
    wanted = [english for korean, english in WITHIN.items() if korean in msgid and english not in inside]
    if msgid in WHOLE and text != WHOLE[msgid]:
        wanted.append(WHOLE[msgid])
    for english in wanted:
        yield f"the house style’s {english} is missing", f"write exactly: {english}"
    for form, giveaway in OTHER_FORMS.items():
        rest = text.replace(form, "")
        at = rest.lower().find(giveaway)
        if at != -1 and not any(form in english for english in wanted):
            other = rest[at : at + len(giveaway)]
            yield f"“{other}” is another form of {form}", f"write {form}, capitals as shown"
    if "우리" in msgid and not WE.search(text):
        we = "we, us or our"
        yield f"우리 is not translated as {we}", f"write {we} (the author and the Korean readers)"


def descriptions(described: list[Company], text: str) -> Iterator[tuple[str, str]]:
    """A company described otherwise than by its glossary descriptor: with a synonym the house
    style forbids, or with another descriptor's noun just before or after its name."""
    for match in FORBIDDEN.finditer(text):
        word = STANDS_FOR[re.sub("[- ]", "", match[0].lower())]
        if names := [company.name for company in described if word in company.descriptor]:
            what = f"“{match[0]}”: the glossary describes {' and '.join(names)} with “{word}”"
            yield what, f"write “{word}”, as locale/en/LC_MESSAGES/glossary.po does"
    for company in described:
        if company.name in text and (match := company.misdescribed.search(text)):
            what = f"{company.name} described with “{match[1] or match[2]}” in: {around(text, match.start())}"
            yield what, f"use its glossary descriptor: “{company.descriptor}”"


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


def misspelt(project: Project, entry: Entry) -> Iterator[tuple[str, str]]:
    """Words its language's dictionary and the project's word list lack (not code, URLs, role targets)."""
    wordlist = project.locale_dir / entry.language / "wordlist.txt"
    words = dictionary(entry.language, wordlist)
    text = analyse(entry.msgstr).visible_text if words is not None else ""
    unknown: dict[str, None] = {}  # (in order, once each)
    for word in WORD.findall(URL.sub(" ", text) if ("/" in text or "@" in text) else text):
        if "'" in word or "’" in word:
            word = POSSESSIVE.sub("", word).replace("’", "'")
        unknown.update(dict.fromkeys(unknown_parts(word, words)))
    if unknown:
        what = f"unknown word{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
        yield what, f"correct the spelling, or add a name to {project.relative(wordlist)}"


def check(project: Project, entry: Entry) -> list[Problem]:
    """The glossary's terms, spelling, then (in English) the house style's exact rules."""
    problems, found = check_glossary(project, entry), list(misspelt(project, entry))
    if entry.language == "en":
        text = "".join(analyse(entry.msgstr).visible)
        described = companies(project.root, entry.language)
        found += [*quotation_marks(text), *fixed_forms(entry.msgid, text), *descriptions(described, text)]
    return problems + [entry.problem(what, todo, STYLE) for what, todo in found]
