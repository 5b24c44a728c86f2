"""Stable anchors, identical in every language: explicit section labels and named glossary terms.

Sphinx gives Korean headings ids such as ``id1`` and glossary terms ``term-0``, numbered
in document order, and translated headings get ids from their English text. Here every
section keeps only its explicit label (a section without one is a warning), and every
glossary term gets an id made from its source-language text, before translation, so
that both editions share the same fragment for the same place.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


def term_id(text: str) -> str:
    """Return a fragment for a glossary term: ``term-`` and the term, spaces as dashes."""
    slug = re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-")
    return f"term-{slug}"


class StableTermIds(SphinxTransform):
    """Name glossary terms after their source text, before the i18n transform runs."""

    default_priority: ClassVar[int] = 15  # sphinx.transforms.i18n.Locale is 20

    def apply(self) -> None:
        std = self.env.domains.standard_domain
        docname = self.env.current_document.docname
        for glossary in self.document.findall(addnodes.glossary):
            for term in glossary.findall(nodes.term):
                old_ids = list(term["ids"])
                text = term.astext()
                new_id = term_id(text)
                for old in old_ids:
                    self.document.ids.pop(old, None)
                term["ids"] = [new_id]
                self.document.ids[new_id] = term
                std.objects["term", text] = (docname, new_id)
                for index in term.findall(addnodes.index):
                    index["entries"] = [(*e[:2], new_id, *e[3:]) for e in index["entries"]]


def keep_explicit_section_ids(app: Sphinx, doctree: nodes.document) -> None:
    """Drop heading-derived ids from labelled sections; warn about unlabelled ones."""
    for section in doctree.findall(nodes.section):
        explicit = [doctree.nameids[n] for n in section["names"] if doctree.nametypes.get(n)]
        if not explicit:
            logger.warning(
                "section %r has no explicit label; add one, e.g. (page-topic)=, so its "
                "anchor is stable and the same in every language",
                section.next_node(nodes.title).astext(),
                location=section,
            )
            continue
        section["ids"] = explicit


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_transform(StableTermIds)
    app.connect("doctree-read", keep_explicit_section_ids)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
