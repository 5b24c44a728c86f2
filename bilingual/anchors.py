"""Stable anchors, the same in every language: sections keep only their explicit label (a
section without one is a warning), glossary terms get ids from their source-language text,
where Sphinx numbers them (``id1``, ``term-0``) or takes them from the English."""

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


class StableTermIds(SphinxTransform):
    """Name glossary terms after their source text, before the i18n transform runs."""

    default_priority = 15  # sphinx.transforms.i18n.Locale is 20

    def apply(self) -> None:
        std = self.env.domains.standard_domain
        docname = self.env.current_document.docname
        for glossary in self.document.findall(addnodes.glossary):
            for term in glossary.findall(nodes.term):
                text = term.astext()
                new_id = "term-" + re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-")
                for old in term["ids"]:
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
