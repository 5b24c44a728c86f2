"""Stem each word once per build for the search index, and index it once per page.

Sphinx memoises the search language's stemmer inside ``IndexBuilder.feed``, that is
for one page at a time, so every page stems its whole vocabulary again: with the
English stemmer running over Korean and English text, that was the largest single
cost of writing the side-by-side view (see README.md, "Performance"). A stemmer is a
function of the word alone, so one cache per build gives the same index.

And ``feed`` files every occurrence of a word: filters it, stems it and adds the page
to its set, again for each repetition. A Korean page gives about 2,500 words (each
word's prefixes: see ``bilingual.korean_search``), most of them repeated. Filing a word
twice changes nothing, so the words a page gives are handed to ``feed`` once each, in the
order they first appear (the index's own order).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Set

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.search import WordStore
    from sphinx.util.typing import ExtensionMetadata


def cache_stems(app: Sphinx) -> None:
    """Wrap the HTML builder's search language, once it exists, with a cache of stems."""
    builder = app.builder
    if not getattr(builder, "search", False):
        return
    prepare_writing = builder.prepare_writing

    def prepare_writing_with_cache(docnames: Set[str]) -> None:
        prepare_writing(docnames)
        indexer = getattr(builder, "indexer", None)
        if indexer is not None:
            indexer.lang.stem = functools.cache(indexer.lang.stem)
            indexer._word_collector = each_word_once(indexer._word_collector)

    builder.prepare_writing = prepare_writing_with_cache


def each_word_once(collect: Callable[[nodes.document], WordStore]) -> Callable[[nodes.document], WordStore]:
    """Sphinx's word collector, giving each word of a page once (the first time it appears)."""

    def collect_once(doctree: nodes.document) -> WordStore:
        store = collect(doctree)
        store.words = list(dict.fromkeys(store.words))
        store.title_words = list(dict.fromkeys(store.title_words))
        return store

    return collect_once


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", cache_stems)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
