"""Sort each ``:sorted:`` glossary by its translated terms, in the reader's language."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from bilingual.editions import is_translation

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def sort_key(item: nodes.definition_list_item) -> str:
    """Order terms the way Sphinx's glossary directive does, on the text now shown."""
    return unicodedata.normalize("NFD", item[0].astext().lower())


def resort_glossaries(app: Sphinx, doctree: nodes.document) -> None:
    """Re-sort glossaries whose terms were replaced by translations."""
    if not is_translation(app.config):
        return
    for glossary in doctree.findall(addnodes.glossary):
        if not glossary.get("sorted"):
            continue
        for dlist in glossary.findall(nodes.definition_list):
            dlist.children = sorted(dlist.children, key=sort_key)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.editions")
    app.connect("doctree-read", resort_glossaries)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
