"""Side-by-side alignment. A translation's build keeps on each translated node its original and its
status (``translated``, ``outdated``: fuzzy, or ``missing``); with ``bilingual_sidebyside``, a page
pairs them when written (so an edition and its view share doctrees): a block becomes a row of two
containers, a title, term or field name two inlines."""

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.utils import new_document
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.locale import _
from sphinx.search import js_index
from sphinx.transforms import SphinxSmartQuotes, SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages
from sphinx.util.typing import ExtensionMetadata
from sphinx_intl.catalog import fuzzy_entries, load_po

from bilingual.editions import current, is_translation, source_language

#: Messages that cannot be wrapped in a row and get two inlines instead.
INLINE_PAIRED = (nodes.title, nodes.term, nodes.field_name, nodes.rubric)
#: The attribute holding ``(original node, message, status)`` on a translatable node.
ORIGINAL = "bilingual_original"
SEPARATOR = " / "
#: What Sphinx's smart quotes change ("qDe": quotes, dashes, ellipses); other originals are left alone.
SMARTENED = re.compile(r"[\"'`]|--|\.\.\.")


class KeepOriginals(SphinxTransform):
    """Keep each translatable node's original before ``Locale`` replaces its content: the node without
    its children, and its list of children, which ``Locale`` replaces whole only if it translates."""

    default_priority = 19  # sphinx.transforms.i18n.Locale is 20

    def apply(self) -> None:
        if not is_translation(self.config):
            return
        for node, message in extract_messages(self.document):
            if isinstance(node, nodes.TextElement):
                node[ORIGINAL] = (node.copy(), message, node.children)


class RecordStatus(SphinxTransform):
    """Note beside each original whether its translation is current, outdated or missing."""

    default_priority = 21

    def apply(self) -> None:
        if not is_translation(self.config):
            return
        outdated = self.fuzzy_messages()
        originals = []
        for node in self.document.findall(lambda n: isinstance(n, nodes.TextElement) and ORIGINAL in n):
            original, message, children = node[ORIGINAL]
            if node.children is children:  # (Locale left it: its children are still the page's)
                children = [child.deepcopy() for child in children]
            original.extend(children)
            for element in original.findall(nodes.Element):
                element["ids"] = []
                element["names"] = []
                element.attributes.pop(ORIGINAL, None)  # (a message inside this one)
            status = "outdated" if message in outdated else "translated"
            status = status if node.get("translated") else "missing"
            node[ORIGINAL] = (original, message, status)
            originals.append(original)
        self.quote(originals)

    def quote(self, originals: list[nodes.Element]) -> None:
        """Give the originals (outside the page, where smart quotes do not reach) their language's quotes."""
        originals = [original for original in originals if SMARTENED.search(original.astext())]
        if not originals:
            return
        holder = nodes.container(classes=[f"language-{source_language(self.config)}"])
        holder.extend(originals)
        document = new_document(self.document["source"], self.document.settings)
        document += holder
        SphinxSmartQuotes(document, startnode=None).apply()
        for original in originals:
            original.parent = None
            for node in original.findall(nodes.Node):  # the page's again, not the throwaway's
                node.document = self.document

    def fuzzy_messages(self) -> set[str]:
        """The fuzzy messages of the page's catalog (Sphinx uses them: the source changed since)."""
        domain = docname_to_domain(self.env.current_document.docname, self.config.gettext_compact)
        for locale_dir in self.config.locale_dirs:
            path = Path(self.env.srcdir, locale_dir, self.config.language, "LC_MESSAGES", f"{domain}.po")
            if path.is_file() and b"fuzzy" in path.read_bytes():  # (read it only then)
                return {m.id for m in fuzzy_entries(load_po(str(path), locale=self.config.language))}
        return set()


def status_of(node: nodes.Element) -> str | None:
    """Whether the translation of a message node is ``translated``, ``outdated`` or ``missing``."""
    kept = node.get(ORIGINAL)
    return kept[2] if kept else None


def original_text(node: nodes.Element) -> str | None:
    kept = node.get(ORIGINAL)
    return kept[0].astext() if kept else None


def pair(document: nodes.Node, config: Config) -> None:
    """Put each translated node beside its original, with an anchor and a status."""
    source_classes = ["bilingual-source", f"language-{source_language(config)}"]
    target_classes = ["bilingual-target", f"language-{config.language}"]
    seen: Counter[str] = Counter()
    for node in list(document.findall(lambda n: isinstance(n, nodes.TextElement) and ORIGINAL in n)):
        original, message, status = node.attributes.pop(ORIGINAL)
        if isinstance(node, INLINE_PAIRED):
            source = nodes.inline("", "", *original.children, classes=source_classes)
            target = nodes.inline("", "", *node.children, classes=target_classes)
            node.children = []
            node += [source, nodes.inline("", SEPARATOR, classes=["bilingual-separator"]), target]
            node["classes"].append(f"bilingual-{status}")
            continue
        row = nodes.container(classes=["bilingual-row", f"bilingual-{status}"], ids=node["ids"])
        node["ids"] = []
        if not row["ids"]:  # an anchor from the message: it stays put when others are added or moved
            anchor = "pair-" + hashlib.sha1(message.encode("utf-8")).hexdigest()[:8]
            seen[anchor] += 1
            row["ids"] = [anchor if seen[anchor] == 1 else f"{anchor}-{seen[anchor]}"]
        row.source, row.line = node.source, node.line
        row += nodes.container("", original, classes=source_classes)
        node.parent.replace(node, row)  # not replace_self: the row takes none of its classes
        target = nodes.container("", node, classes=target_classes)
        if status != "translated":  # (what a reviewer sees under a translation not in use)
            label = {
                "outdated": _("Outdated translation: the original has changed since it was translated."),
                "missing": _("Not translated yet: the original is shown."),
            }[status]
            target += nodes.paragraph("", label, classes=["bilingual-status"])
        row += target


class PairTranslations(SphinxPostTransform):
    """When a page is written: pair its messages side by side, or drop the originals."""

    default_priority = 5  # before ReferencesResolver (10): references in the originals are resolved too

    def run(self, **kwargs: Any) -> None:
        if current(self.config).view:
            pair(self.document, self.config)
        else:
            for node in self.document.findall(nodes.TextElement):
                node.attributes.pop(ORIGINAL, None)


class SideBySideBuilder(StandaloneHTMLBuilder):
    """The side-by-side view of a translation, written from its doctrees after its HTML build; its
    search index is the editions', merged by the publisher (`merge_search_indexes`)."""

    name = "sidebyside"
    epilog = "The side-by-side view is in %(outdir)s."

    def init(self) -> None:
        self.config.bilingual_sidebyside = True
        super().init()

    def get_outdated_docs(self) -> Iterable[str]:
        outdated = set(super().get_outdated_docs())
        for docname in self.env.found_docs - outdated:
            page = Path(self.get_outfilename(docname))
            doctree = Path(self.doctreedir, f"{docname}.doctree")
            if not page.exists() or doctree.stat().st_mtime_ns > page.stat().st_mtime_ns:
                outdated.add(docname)
        return sorted(outdated)

    def load_indexer(self, docnames: Iterable[str]) -> None: ...
    def index_page(self, pagename: str, doctree: nodes.document, title: str) -> None: ...
    def dump_search_index(self) -> None: ...


def merge_search_indexes(view: Path, editions: list[Path]) -> None:
    """Write the view's search index from the editions' (the translation's, whose pages the view has,
    last): a word leads to the same places in the view as in its own edition."""
    indexes = [js_index.loads((path / "searchindex.js").read_text(encoding="utf-8")) for path in editions]
    merged = indexes[-1]
    numbers = {name: number for number, name in enumerate(merged["docnames"])}
    for index in indexes[:-1]:
        renumber = {old: numbers[name] for old, name in enumerate(index["docnames"]) if name in numbers}
        for key in ("terms", "titleterms"):
            for word, found in index[key].items():
                documents = {
                    renumber[d] for d in (found if isinstance(found, list) else [found]) if d in renumber
                }
                known = merged[key].get(word, [])
                documents |= set(known if isinstance(known, list) else [known])
                if documents:
                    merged[key][word] = sorted(documents) if len(documents) > 1 else documents.pop()
        for title, places in index["alltitles"].items():
            own = merged["alltitles"].setdefault(title, [])
            own.extend(
                place for d, anchor in places if d in renumber and (place := [renumber[d], anchor]) not in own
            )
    (view / "searchindex.js").write_text(js_index.dumps(merged), encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.editions")
    app.add_builder(SideBySideBuilder)
    app.add_transform(KeepOriginals)
    app.add_transform(RecordStatus)
    app.add_post_transform(PairTranslations)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
