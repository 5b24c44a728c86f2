"""The Korean search language: what the indexer records and how a query is cut, in Python and JS."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import load_queries
from playwright.sync_api import Browser
from sphinx.search import js_index
from sphinx.testing.util import SphinxTestApp

from bilingual.korean_search import JS_SPLITTER, index_terms, query_term, runs

ROOT = Path(__file__).resolve().parent.parent


def search_index(outdir: Path) -> dict:
    """The search index a build wrote."""
    return js_index.loads((outdir / "searchindex.js").read_text(encoding="utf-8"))


@pytest.mark.sphinx("html", testroot="korean-search", parallel=2)
def test_index_holds_two_syllable_stems_of_words_with_particles(app: SphinxTestApp) -> None:
    app.build()
    index = search_index(Path(app.outdir))
    terms = set(index["terms"]) | set(index["titleterms"])
    for stem in ["중국", "공유", "공유자전거", "우버", "디디추싱", "태양전지", "인수"]:
        assert stem in terms, stem
    assert {"face", "ict", "전략연구실"} <= terms
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx(
    "html", testroot="korean-search", srcdir="korean-search-en", confoverrides={"language": "en"}
)
def test_other_languages_keep_their_own_search(app: SphinxTestApp) -> None:
    app.build()
    terms = set(search_index(Path(app.outdir))["terms"])
    assert "공유자전거에" in terms  # the English splitter keeps the particle on
    assert "공유" not in terms
    language_data = (Path(app.outdir) / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "Korean query splitter" not in language_data


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("중국의", "중국"),
        ("중국은", "중국"),
        ("우버는", "우버"),
        ("유니콘으로", "유니콘"),
        ("기업들은", "기업"),
        ("디디추싱과의", "디디추싱"),
        ("설립하다", "설립"),
        ("중국", "중국"),
        ("오포", "오포"),  # two syllables stay two syllables
        ("수요", "수요"),
    ],
)
def test_query_word_loses_its_particle_or_ending(query: str, term: str) -> None:
    assert query_term(query) == term


def test_every_word_of_the_source_is_found_by_its_own_query() -> None:
    words = {run for md in (ROOT / "source").glob("*.md") for run in runs(md.read_text(encoding="utf-8"))}
    assert len(words) > 300
    not_found = sorted(word for word in words if query_term(word) not in index_terms(word))
    assert not_found == []


@pytest.mark.slow
def test_browser_splits_queries_like_python(browser: Browser) -> None:
    queries = [q.text for q in load_queries()] + ["ICT전략연구실의", "Face++는", "2017년에", "공유  자전거!"]
    page = browser.new_page()
    try:
        page.add_script_tag(content=JS_SPLITTER)
        in_browser = page.evaluate("(queries) => queries.map((q) => splitQuery(q))", queries)
    finally:
        page.close()
    assert in_browser == [[query_term(run) for run in runs(q)] for q in queries]  # (Python's twin)


@pytest.mark.slow
def test_korean_edition_ships_the_korean_splitter_and_english_edition_does_not(built_site: Path) -> None:
    ko = (built_site / "ko" / "_static" / "language_data.js").read_text(encoding="utf-8")
    en = (built_site / "en" / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "Korean query splitter" in ko
    assert "Korean query splitter" not in en
    assert "EnglishStemmer" in en


@pytest.mark.slow
def test_english_edition_index_is_stemmed_english(built_site: Path) -> None:
    index = search_index(built_site / "en")
    terms = set(index["terms"]) | set(index["titleterms"])
    assert "innov" in terms  # Porter stem of innovation
    column = BeautifulSoup((built_site / "en" / "column.html").read_text(encoding="utf-8"), "lxml")
    assert column.html["lang"] == "en"
