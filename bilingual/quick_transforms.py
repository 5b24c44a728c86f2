"""Two of Sphinx's whole-page transforms, skipping what they cannot change.

Sphinx runs every transform over every page, in every build: here three builds (Korean,
English and the side-by-side view). Some of them walk the whole page, node by node, and
nearly always change nothing on ours. Each of these two is replaced, in Sphinx's
registry, by a subclass that first looks (a regular expression over a block's text, or
one ``findall``) whether there is anything it would change, and runs Sphinx's own code
only then; so a page comes out the same, node for node (``tests/test_extensions.py``
builds pages with and without them and compares). The post-transforms that look for one
kind of node, code highlighting's settings among them, are skipped by
`bilingual.node_census` instead.

- Smart quotes (`QuickSmartQuotes`). For every block of text, docutils works out its
  language, runs every text through the quote, dash and ellipsis rules and replaces
  every text node, changed or not: a tenth of the Korean build's reading. With the
  project's ``smartquotes_action`` ("qDe"), a text is changed only if it has a quote,
  ``--``, an ellipsis, a backslash or ``&#`` (which its escape handling turns back into
  a character); a block none of whose texts has one is skipped, before its language is
  looked up. The others go through docutils' code as before.
- Dangling references (`QuickDanglingReferences`): a walk of every node for references
  still looking for their target by name. Skipped when the page has none; its check of
  unreferenced targets runs as before.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes, utils
from docutils.utils import smartquotes
from sphinx.transforms import SphinxSmartQuotes
from sphinx.transforms.references import SphinxDanglingReferences

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The actions whose every trigger `TRIGGER` knows: quotes, dashes (all three styles),
#: ellipses. Another action (backticks, "&quot;", the special modes) takes every block.
KNOWN_ACTIONS = re.compile(r"[qdDie]*")
#: What smart quotes can change in a text (with a `KNOWN_ACTIONS` action): a quote, a
#: dash's ``--``, an ellipsis (``...``, ``. . .``), and what its escape handling turns back
#: into a character (a backslash, ``&#``).
TRIGGER = re.compile(r"[\"'\\]|--|\.\.\.|\. \. \.|&#")


class QuickSmartQuotes(SphinxSmartQuotes):
    """Sphinx's smart quotes, on the blocks of text they can change (see the module)."""

    def apply(self, **kwargs: Any) -> None:
        if not self.is_available():
            return
        self.smartquotes_action = self.config.smartquotes_action
        if not KNOWN_ACTIONS.fullmatch(self.smartquotes_action):
            super().apply()
            return
        # docutils' SmartQuotes.apply (0.22), with the look before the language.
        document = self.document
        smart_quotes = document.settings.setdefault("smart_quotes", False)
        if not smart_quotes:
            return
        alternative = isinstance(smart_quotes, str) and smart_quotes.startswith("alt")
        document_language = document.settings.language_code
        if document.settings.smartquotes_locales:
            smartquotes.smartchars.quotes.update(dict(document.settings.smartquotes_locales))
        for node in document.findall(nodes.TextElement):
            if isinstance(node, self.nodes_to_skip) or isinstance(node.parent, nodes.TextElement):
                continue
            texts = [
                text for text in node.findall(nodes.Text) if not isinstance(text.parent, nodes.option_string)
            ]
            if not any(TRIGGER.search(text) for text in texts):
                continue
            language = self.quote_language(node, document_language, alternative)
            teacher = smartquotes.educate_tokens(
                self.get_tokens(texts), attr=self.smartquotes_action, language=language
            )
            for text, new in zip(texts, teacher, strict=False):
                text.parent.replace(text, nodes.Text(new))
        self.unsupported_languages.clear()

    def quote_language(self, node: nodes.Element, document_language: str, alternative: bool) -> str:
        """The block's quote language, as docutils picks it (and its warning, once per language)."""
        language = node.get_language_code(document_language)
        if alternative:
            language = (
                language.replace("-x-altquot", "") if "-x-altquot" in language else f"{language}-x-altquot"
            )
        for tag in utils.normalize_language_tag(language):
            if tag in smartquotes.smartchars.quotes:
                return tag
        if language not in self.unsupported_languages:
            message = f'No smart quotes defined for language "{language}".'
            self.document.reporter.warning(message, base_node=node)
        self.unsupported_languages.add(language)
        return ""


class QuickDanglingReferences(SphinxDanglingReferences):
    """Sphinx's dangling references, walking the page only if a reference is unresolved."""

    def apply(self, **kwargs: Any) -> None:
        # (References, footnote and citation references are the Referential nodes.)
        if any(
            not node.resolved and node.hasattr("refname") for node in self.document.findall(nodes.Referential)
        ):
            super().apply(**kwargs)
            return
        # (What the walk would have left to do: note targets nothing refers to.)
        reporter = self.document.reporter
        level = reporter.report_level
        try:
            reporter.report_level = max(reporter.WARNING_LEVEL, level)
            for target in self.document.findall(nodes.target):
                if not target.referenced and not target.get("anonymous"):
                    naming = (target["names"] or target["ids"] or [target.get("refid")])[0]
                    reporter.info(f'Hyperlink target "{naming}" is not referenced.', base_node=target)
        finally:
            reporter.report_level = level


REPLACEMENTS = {
    SphinxSmartQuotes: QuickSmartQuotes,
    SphinxDanglingReferences: QuickDanglingReferences,
}


def setup(app: Sphinx) -> ExtensionMetadata:
    for registered in (app.registry.transforms, app.registry.post_transforms):
        registered[:] = [REPLACEMENTS.get(transform, transform) for transform in registered]
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
