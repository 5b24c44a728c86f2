"""A page read for the first time has nothing to clear.

Before reading a page, Sphinx clears what the environment holds of it
(``BuildEnvironment.clear_doc``), also when it has never been read: every domain looks
through all its data for the page's entries. The standard domain does it with a list of
every object, term and label of the site, so a build that reads N pages goes through
about N²/2 of them: at 500 pages, 0.65 s of each build (the Korean and the English),
growing with the square of the site.

Everything the environment holds of a page was noted while that page was read, and a
page read is in ``env.all_docs`` from then on (``env.clear_doc`` takes it out only when
it clears the rest). So a page that is not in it has nothing to clear, and the clearing
is skipped; a page read before is cleared as Sphinx does.

Except the first clearing of each environment, which always runs: some domains create
their tables on first use, and a clearing is the first use. A parallel read clears the
pages before it forks its readers, whose tables then come back with the merged
environment (a first version skipped it too, and ``sphinx-build -j 2`` failed with
"KeyError: 'citations'" when the readers' environments were merged).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from sphinx.environment import BuildEnvironment

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


#: The environments that have cleared a page once (their domains' tables are made).
CLEARED: weakref.WeakSet[BuildEnvironment] = weakref.WeakSet()


def clear_only_read(clear_doc: object) -> object:
    """Sphinx's ``BuildEnvironment.clear_doc``, for pages the environment has read (and
    for the first page each environment clears)."""

    def clear_doc_if_read(env: BuildEnvironment, docname: str) -> None:
        if docname in env.all_docs or env not in CLEARED:
            CLEARED.add(env)
            clear_doc(env, docname)  # type: ignore[operator]

    clear_doc_if_read.bilingual = True  # type: ignore[attr-defined]
    return clear_doc_if_read


def setup(app: Sphinx) -> ExtensionMetadata:
    if not getattr(BuildEnvironment.clear_doc, "bilingual", False):
        BuildEnvironment.clear_doc = clear_only_read(BuildEnvironment.clear_doc)  # type: ignore[method-assign]
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
