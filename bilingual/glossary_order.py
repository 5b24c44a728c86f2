"""Sort each ``:sorted:`` glossary by its translated terms, in the reader's language."""

import unicodedata

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from bilingual.editions import is_translation


def resort_glossaries(app: Sphinx, doctree: nodes.document) -> None:
    if not is_translation(app.config):
        return
    for glossary in doctree.findall(addnodes.glossary):
        for dlist in glossary.findall(nodes.definition_list) if glossary.get("sorted") else ():
            # (as Sphinx's glossary directive sorts them, on the text now shown)
            dlist.children.sort(key=lambda item: unicodedata.normalize("NFD", item[0].astext().lower()))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.editions")
    app.connect("doctree-read", resort_glossaries)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
