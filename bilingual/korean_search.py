"""Korean full-text search. Sphinx falls back to English for Korean: particles stay on words
(``중국의``) and two-syllable nouns (``중국``) are not found. Here the index holds every prefix of
two syllables or more of each Hangul word, and the query splitter strips particles and endings from
each query word, leaving a prefix of it: it only widens what is found (docs/architecture.md)."""

import json
import re
from pathlib import Path
from string import Template

from sphinx.application import Sphinx
from sphinx.locale import get_translator
from sphinx.search import SearchLanguage
from sphinx.util.typing import ExtensionMetadata

#: Hangul syllables and jamo, as a regular-expression class body (valid in Python and JS).
HANGUL = "\\u1100-\\u11ff\\u3130-\\u318f\\ua960-\\ua97f\\uac00-\\ud7a3\\ud7b0-\\ud7ff"

#: Particles and copulas that follow a noun, and verb endings that follow a verbal noun.
PARTICLES = (
    "이", "가", "을", "를", "은", "는", "의", "에", "로", "와", "과", "도", "만", "나", "란", "랑",
    "인", "적", "들", "에서", "에게", "께서", "한테", "으로", "까지", "부터", "보다", "처럼", "마다",
    "조차", "이나", "이랑", "이란", "에는", "에도", "에서는", "에서도", "으로는", "로는", "으로도",
    "로도", "와는", "과는", "와도", "과도", "에게는", "와의", "과의", "에의", "으로의", "로의",
    "에서의", "까지의", "부터의", "이라는", "라는", "이라고", "라고", "이다", "였다", "이었다",
    "이며", "이고", "이자", "적인", "적으로",
)  # fmt: skip
ENDINGS = (
    "하다", "되다", "한다", "된다", "했다", "됐다", "하였다", "되었다", "하는", "되는", "하고",
    "되고", "하여", "되어", "해서", "하며", "하면", "했던", "하기", "되기", "다",
)  # fmt: skip
#: What a query word loses from its end, longest first.
SUFFIXES = tuple(sorted(set(PARTICLES + ENDINGS), key=lambda suffix: (-len(suffix), suffix)))
#: Syllables a query word keeps at least, and how many suffixes are stripped at most.
MIN_STEM, MAX_STRIPS = 2, 2

_token_re = re.compile(r"\w+")
_run_re = re.compile(f"[{HANGUL}]+|[^{HANGUL}]+")
_hangul_re = re.compile(f"[{HANGUL}]")


def runs(text: str) -> list[str]:
    """Split *text* into words, and each word into its Hangul and non-Hangul runs."""
    return [run for token in _token_re.findall(text) for run in _run_re.findall(token)]


def index_terms(run: str) -> list[str]:
    """The terms the index records for one run: every Hangul prefix of two syllables or more."""
    if not _hangul_re.match(run) or len(run) < MIN_STEM:
        return [run]
    return [run[:end] for end in range(MIN_STEM, len(run) + 1)]


def query_term(run: str) -> str:
    """The term a query run is looked up as: a Hangul word without its particles or endings."""
    for _ in range(MAX_STRIPS if _hangul_re.match(run) else 0):
        suffix = next((s for s in SUFFIXES if run.endswith(s) and len(run) - len(s) >= MIN_STEM), None)
        if suffix is None:
            break
        run = run[: -len(suffix)]
    return run


#: The browser's twin of `query_terms`, with the constants above.
JS_SPLITTER = "\n" + Template(
    (Path(__file__).parent / "templates" / "korean-splitter.js").read_text(encoding="utf-8")
).substitute(
    suffixes=json.dumps(list(SUFFIXES), ensure_ascii=False),
    min_stem=MIN_STEM,
    max_strips=MAX_STRIPS,
    hangul=HANGUL,
)


class SearchKorean(SearchLanguage):
    """Korean search: Hangul prefixes in the index, particle-free words in the query."""

    lang = "ko"
    language_name = "Korean"
    js_splitter_code = JS_SPLITTER
    # The splitter already normalises each query word: the stemmer, as stem(), leaves words alone.
    js_stemmer_code = """
var Stemmer = function () {
  this.stemWord = (word) => word;
};
"""

    def split(self, input: str) -> list[str]:  # noqa: A002 (Sphinx's signature)
        return [term for run in runs(input) for term in index_terms(run)]

    def stem(self, word: str) -> str:
        return word  # (prefixes stand in for stems)


def add_search_messages(app: Sphinx) -> None:
    """Give searchtools.js the project's translation of a message Sphinx's Korean catalog lacks."""
    if app.builder.format != "html" or app.config.language != SearchKorean.lang:
        return
    singular = "Search finished, found one page matching the search query."
    plural = "Search finished, found ${resultCount} pages matching the search query."
    translated = get_translator("sphinx").ngettext(singular, plural, 2)
    if translated != plural:
        messages = json.dumps({singular: [translated]}, ensure_ascii=False)
        script = f"Object.assign(Documentation.TRANSLATIONS, {messages});"
        app.add_js_file(None, body=script, priority=600)  # after translations.js (500)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_search_language(SearchKorean)
    app.connect("builder-inited", add_search_messages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
