"""Side-by-side alignment: every translatable block paired with its source, in one place.

In a build of a translation with ``bilingual_sidebyside = True``, each message of a
document is paired with its source-language original. Block messages (paragraphs, list
items, glossary definitions, field bodies) become a row::

    container.bilingual-row.bilingual-<status>#<anchor>
        container.bilingual-source.language-ko   (the original, with its markup)
        container.bilingual-target.language-en   (the translation)

and messages that must stay in place (section titles, glossary terms, field names)
hold both texts as two inlines, ``inline.bilingual-source`` and
``inline.bilingual-target``. ``<status>`` is ``translated``, ``fuzzy`` or ``missing``
(from the catalog). The HTML and LaTeX writers render these generic nodes with CSS and
with LaTeX environments named after the classes, so every output format shows the same
pairs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from babel.messages.pofile import read_po
from docutils import nodes
from sphinx.locale import _
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

#: Messages that cannot be wrapped in a row and get two inlines instead.
INLINE_PAIRED = (nodes.title, nodes.term, nodes.field_name, nodes.rubric)
ORIGINAL = "bilingual_original"
ANCHOR = "bilingual_anchor"
#: What a reviewer sees under a pair whose translation is not in use.
STATUS_LABELS = {
    "fuzzy": lambda: _("Translation needs review (fuzzy): the original is shown."),
    "missing": lambda: _("Not translated yet: the original is shown."),
}


def enabled(config: Config) -> bool:
    """Whether this build pairs translations with their sources."""
    return config.bilingual_sidebyside and config.language != config.edition_languages[0]


def anchor(message: str) -> str:
    """A fragment that stays put when other messages are added or moved."""
    return "pair-" + hashlib.sha1(message.encode("utf-8")).hexdigest()[:8]


class KeepOriginals(SphinxTransform):
    """Copy each translatable node before the i18n transform replaces its content."""

    default_priority: ClassVar[int] = 19  # sphinx.transforms.i18n.Locale is 20

    def apply(self) -> None:
        if not enabled(self.config):
            return
        for node, message in extract_messages(self.document):
            if isinstance(node, nodes.TextElement):
                original = node.deepcopy()
                for child in original.findall(nodes.Element):
                    child["ids"] = []
                    child["names"] = []
                node[ORIGINAL] = (original, message)


class PairTranslations(SphinxTransform):
    """Put each translated node beside its original, with an anchor and a status."""

    default_priority: ClassVar[int] = 21

    def apply(self) -> None:
        if not enabled(self.config):
            return
        catalog = self.catalog()
        source_lang = self.config.edition_languages[0]
        target_lang = self.config.language
        for node in list(self.document.findall(nodes.TextElement)):
            if ORIGINAL not in node:
                continue
            original, message = node.attributes.pop(ORIGINAL)
            status = self.status(catalog, message, node)
            if isinstance(node, INLINE_PAIRED):
                source = nodes.inline(
                    "", "", *original.children, classes=["bilingual-source", f"language-{source_lang}"]
                )
                target = nodes.inline(
                    "", "", *node.children, classes=["bilingual-target", f"language-{target_lang}"]
                )
                node.children = []
                node += [source, nodes.inline("", " / ", classes=["bilingual-separator"]), target]
                node["classes"].append(f"bilingual-{status}")
                continue
            row = nodes.container(classes=["bilingual-row", f"bilingual-{status}"], ids=node["ids"])
            row[ANCHOR] = anchor(message)
            node["ids"] = []
            row.source, row.line = node.source, node.line
            row += nodes.container("", original, classes=["bilingual-source", f"language-{source_lang}"])
            node.replace_self(row)
            target = nodes.container("", node, classes=["bilingual-target", f"language-{target_lang}"])
            if status != "translated":
                target += nodes.paragraph("", STATUS_LABELS[status](), classes=["bilingual-status"])
            row += target

    def catalog(self) -> Catalog | None:
        """The document's catalog, read with Babel to tell fuzzy from missing."""
        domain = docname_to_domain(self.env.current_document.docname, self.config.gettext_compact)
        for locale_dir in self.config.locale_dirs:
            path = Path(self.env.srcdir, locale_dir, self.config.language, "LC_MESSAGES", f"{domain}.po")
            if path.is_file():
                with path.open("rb") as po:
                    return read_po(po, locale=self.config.language)
        return None

    @staticmethod
    def status(catalog: Catalog | None, message: str, node: nodes.Element) -> str:
        """``translated``, ``fuzzy`` or ``missing``, as a reviewer needs to know."""
        if node.get("translated"):
            return "translated"
        entry = catalog.get(message) if catalog is not None else None
        if entry is not None and entry.string and entry.fuzzy:
            return "fuzzy"
        return "missing"


class AnchorRows(SphinxTransform):
    """Give each row without an explicit label an anchor made from its message."""

    default_priority: ClassVar[int] = 261  # after docutils' PropagateTargets (260)

    def apply(self) -> None:
        if not enabled(self.config):
            return
        seen: dict[str, int] = {}
        for row in self.document.findall(nodes.container):
            base = row.attributes.pop(ANCHOR, None)
            if base is None or row["ids"]:
                continue
            seen[base] = seen.get(base, 0) + 1
            row["ids"] = [base if seen[base] == 1 else f"{base}-{seen[base]}"]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.switcher")
    app.add_transform(KeepOriginals)
    app.add_transform(PairTranslations)
    app.add_transform(AnchorRows)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
