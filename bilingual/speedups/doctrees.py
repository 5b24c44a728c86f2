"""Translated pages' doctrees without a copy of the build environment.

Sphinx parses each msgstr into a throwaway document whose settings hold the build
environment, and the nodes it moves into the page (cross-references such as ``{term}``
roles) keep pointing at that document. Sphinx drops the environment from the page's own
settings before pickling its doctree, but not from those documents: each English doctree
pickled a copy of the environment, so it grew with the site (150 KB instead of 30 KB a
page at 500 pages) and loading the doctrees for writing took most of the English build
and of the side-by-side view (docs/performance.md; upstream:
docs/upstream/sphinx-translated-doctrees.md). After reading, every node points at its page.
Public names only; verified like the others all the same.
"""

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from bilingual import speedups

VERIFIED = {"sphinx": "9.0.4", "docutils": "0.22.4"}


def patches() -> list[tuple[Any, str, Any]]:
    return []


def adopt_translated_nodes(app: Sphinx, doctree: nodes.document) -> None:
    if "doctrees" in speedups.ACTIVE:
        for node in doctree.findall(nodes.Node):
            node.document = doctree


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-read", adopt_translated_nodes, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
