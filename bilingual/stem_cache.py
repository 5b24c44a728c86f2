"""Stem each word once per build for the search index, not once per page.

Sphinx memoises the search language's stemmer inside ``IndexBuilder.feed``, that is
for one page at a time, so every page stems its whole vocabulary again: with the
English stemmer running over Korean and English text, that was the largest single
cost of writing the side-by-side view (see README.md, "Performance"). A stemmer is a
function of the word alone, so one cache per build gives the same index.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
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

    builder.prepare_writing = prepare_writing_with_cache


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", cache_stems)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
