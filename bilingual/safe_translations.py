"""Refuse raw HTML that a translated message brings into a page: escape it and warn."""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.nodes import traverse_parent
from sphinx.util.typing import ExtensionMetadata

from bilingual.editions import is_translation

logger = logging.getLogger(__name__)


class EscapeTranslatedRawHtml(SphinxTransform):
    """Turn raw HTML inside translated messages into plain text, with a warning (-W fails)."""

    default_priority = 21  # just after sphinx.transforms.i18n.Locale (20)

    def apply(self) -> None:
        if not is_translation(self.config):
            return
        catalog = f"locale/{self.config.language}/LC_MESSAGES/{self.env.current_document.docname}.po"
        for raw in list(self.document.findall(nodes.raw)):
            # The translated element it sits in, if any (Sphinx marks them ``translated``).
            message = next((e for e in traverse_parent(raw.parent) if e.get("translated") is True), None)
            if message is None or "html" not in raw.get("format", "").split():
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
