"""Make the nodes of translated messages belong to their page, so doctrees stay small.

Sphinx parses each msgstr into a throwaway document whose settings hold the build
environment, and the nodes it moves into the page (cross-references such as
``{term}`` roles) keep pointing at that document. Sphinx drops the environment from
the page's own settings before pickling its doctree, but not from those documents: each
English doctree carried a copy of the environment, so it grew with the number of pages
(150 KB instead of 30 KB per page at 500 pages) and the English build grew faster than
the pages (see README.md, "Performance"). After reading, every node points at its page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def adopt_translated_nodes(app: Sphinx, doctree: nodes.document) -> None:
    """Point every node that belongs to another document at this page's document."""
    for node in doctree.findall(nodes.Node):
        if node._document is not None and node._document is not doctree:
            node.document = doctree


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-read", adopt_translated_nodes, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
