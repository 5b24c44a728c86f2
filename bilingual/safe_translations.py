"""Refuse raw HTML that a translated message brings into a page: escape it and warn."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from bilingual.editions import is_translation

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


def from_translation(node: nodes.Node) -> nodes.Element | None:
    """The translated element *node* sits in, if any (Sphinx marks them ``translated``)."""
    parent = node.parent
    while parent is not None:
        if parent.get("translated") is True:
            return parent
        parent = parent.parent
    return None


class EscapeTranslatedRawHtml(SphinxTransform):
    """Turn raw HTML inside translated messages into plain text, with a warning (-W fails)."""

    default_priority: ClassVar[int] = 21  # just after sphinx.transforms.i18n.Locale (20)

    def apply(self) -> None:
        if not is_translation(self.config):
            return
        catalog = f"locale/{self.config.language}/LC_MESSAGES/{self.env.current_document.docname}.po"
        for raw in list(self.document.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split():
                continue
            message = from_translation(raw)
            if message is None:
                continue
            logger.warning(
                "raw HTML %r from the translation in %s was escaped; remove it from the msgstr",
                raw.astext(),
                catalog,
                location=message,
                type="i18n",
                subtype="raw_html",
            )
            raw.replace_self(nodes.Text(raw.astext()))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.editions")
    app.add_transform(EscapeTranslatedRawHtml)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
