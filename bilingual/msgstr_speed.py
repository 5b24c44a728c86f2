"""Parse each translated message without rebuilding MyST's parser and docutils' settings.

Sphinx parses every msgstr of a MyST page with MyST's parser, and MyST builds for each
parse a new Markdown parser with a new renderer (``create_md_parser``) and a throwaway
document (``options.get("document", make_document())`` evaluates its default even
when Sphinx passes the document), whose docutils settings construct a whole option
parser: most of the time of an English build went there (see README.md, "Performance").

- The default settings are built once per parser class; each document gets a copy.
- The Markdown parser is built once per MyST configuration and reused by the next
  top-level parse (the renderer resets its state at the start of every render); a
  parse started while another is running gets a parser of its own.
- Sphinx's ``Locale`` parses every message twice (once per phase); the second phase
  gets the first phase's result (``MessageReuse``).
- And it parses each message as a document of its own. A page's one-line messages that
  cannot open or close a block are parsed together instead, as the paragraphs of one
  document (``batch_parse``); a batch that comes out as anything but exactly one
  paragraph per message, or with a warning, an id or a system message, is thrown away
  and its messages are parsed one by one, as Sphinx does.
- Listing a page's messages reads its compiled catalog, as ``Locale`` does: one
  ``Locale.apply`` reads it once (``init_locale``).
- For every message, Sphinx's ``_NodeUpdater`` looks through the original and the
  translation five times for references of five kinds (footnotes, named references,
  citations, cross-references); most messages have none of them, and one look that
  notes which kinds are there lets those updates skip (``ReferenceKinds``).
"""

from __future__ import annotations

import copy
import functools
import re
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser as RSTParser
from docutils.utils import new_document
from myst_parser.mdit_to_docutils import base
from myst_parser.parsers import sphinx_
from sphinx import addnodes
from sphinx.transforms import i18n
from sphinx.util import logging
from sphinx.util.nodes import LITERAL_TYPE_NODES

from bilingual.node_census import classes_on

if TYPE_CHECKING:
    from docutils.frontend import Values
    from docutils.parsers import Parser
    from markdown_it import MarkdownIt
    from myst_parser.config.main import MdParserConfig
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


@functools.cache
def default_settings(parser_cls: type[Parser]) -> Values:
    """The parser's default docutils settings, built once."""
    return get_default_settings(parser_cls)


def make_document(source_path: str = "notset", parser_cls: type[Parser] = RSTParser) -> nodes.document:
    """MyST's ``make_document``, with a copy of the cached default settings."""
    return new_document(source_path, settings=copy.copy(default_settings(parser_cls)))


class ParserCache:
    """One Markdown parser per renderer class, for the configuration it was built with."""

    def __init__(self) -> None:
        self.parsers: dict[type, tuple[MdParserConfig, MarkdownIt]] = {}
        self.depth = 0
        self.create = sphinx_.create_md_parser
        self.parse = sphinx_.MystParser.parse

    def create_md_parser(self, config: MdParserConfig, renderer: type) -> MarkdownIt:
        """The cached parser for *config*, unless a parse is already running."""
        cached = self.parsers.get(renderer)
        if self.depth == 1 and cached is not None and cached[0] is config:
            return cached[1]
        parser = self.create(config, renderer)
        if self.depth == 1:
            self.parsers[renderer] = (config, parser)
        return parser

    def counting_parse(self) -> object:
        """MyST's ``MystParser.parse``, counting how many parses are running."""
        cache = self

        def parse(parser: sphinx_.MystParser, inputstring: str, document: nodes.document) -> None:
            cache.depth += 1
            try:
                cache.parse(parser, inputstring, document)
            finally:
                cache.depth -= 1

        parse.bilingual = True  # type: ignore[attr-defined]
        return parse


Key = tuple[str, str, "int | None"]

#: A message parsed in a batch: one line, without space at either end, that starts with
#: nothing that can begin a block (a heading, list, quotation, fence, table, target,
#: comment, field, HTML block, link or footnote definition, indented code).
BATCHABLE = re.compile(r"(?!\s|[#>*+\-=_~`:|%(<!$^]|\d+[.)]|\[[^\]]*\]:|\[\^)[^\n\r]*(?<!\s)")
#: Below this many batchable messages on a page, they are parsed one by one.
BATCH_FROM = 2


class MessageReuse:
    """Parse each message of a page once, and a page's simple messages in one document.

    ``Locale.apply`` walks the page's messages twice: phase 1 parses every msgstr to
    rename section targets and keeps the result only for titles and glossary terms;
    phase 2 parses the same msgstr, with the same arguments, for every other message.
    Phase 1's parses are kept, and phase 2 gets each back untouched (in order, per
    message); one that phase 1 used is never handed out again.

    Before phase 1, the messages it will parse are listed as it lists them, and those
    that `BATCHABLE` accepts are parsed at once (`batch_parse`).
    """

    def __init__(self) -> None:
        self.publish = i18n._publish_msgstr
        self.extract = i18n.extract_messages
        self.apply = i18n.Locale.apply
        self.phase = 0
        self.reused = 0  # (for the tests)
        self.batched = 0  # (for the tests)
        self.unbatched = 0  # batches dropped (for the tests)
        self.kept: dict[Key, list[nodes.Element]] = {}
        self.ready: dict[Key, list[nodes.Element]] = {}
        self.init = i18n.init_locale
        self.catalogs: dict[tuple[object, ...], tuple[object, bool]] | None = None

    def init_locale(self, *args: object, **kwargs: object) -> tuple[object, bool]:
        """Sphinx's ``init_locale``, which reads the page's compiled catalog: once per
        ``Locale.apply`` (`phase_one` and Sphinx's phases ask for the same)."""
        if self.catalogs is None:
            return self.init(*args, **kwargs)
        key = (*(tuple(arg) if isinstance(arg, list) else arg for arg in args), *sorted(kwargs.items()))
        if key not in self.catalogs:
            self.catalogs[key] = self.init(*args, **kwargs)
        return self.catalogs[key]

    def locale_apply(self) -> object:
        reuse = self

        def apply(transform: i18n.Locale, **kwargs: object) -> None:
            reuse.phase, reuse.kept, reuse.catalogs = 0, {}, {}
            try:
                reuse.ready = reuse.batch_parse(transform)
                reuse.apply(transform, **kwargs)
            finally:
                reuse.phase, reuse.kept, reuse.ready, reuse.catalogs = 0, {}, {}, None

        apply.bilingual = True  # type: ignore[attr-defined]
        return apply

    def phase_one(self, transform: i18n.Locale) -> list[tuple[str, int | None]]:
        """The (msgstr, line) that phase 1 of ``Locale.apply`` will parse, in order.

        (The same steps as Sphinx 9's ``Locale.apply`` up to its ``_publish_msgstr``.)
        """
        env, config = transform.env, transform.config
        domain = i18n.docname_to_domain(env.current_document.docname, config.gettext_compact)
        catalog, has_catalog = i18n.init_locale(
            [env.srcdir / directory for directory in config.locale_dirs], config.language, domain
        )
        if not has_catalog:
            return []
        parsed = []
        for node, message in self.extract(transform.document):
            # (Sphinx merges the catalog and its fallbacks into one dict; gettext looks them
            # up in the same order, and gives an untranslated message back: skipped below.)
            msgstr = catalog.gettext(message)
            if not isinstance(node, LITERAL_TYPE_NODES):
                msgstr, _ = i18n.parse_noqa(msgstr)
            if not msgstr.strip() or msgstr == message:
                continue
            if msgstr.strip().endswith("::"):
                msgstr += "\n\n   dummy literal"
            if isinstance(node, LITERAL_TYPE_NODES):
                msgstr = "::\n\n" + i18n.indent(msgstr, " " * 3)
            parsed.append((msgstr, node.line))
        return parsed

    def batch_parse(self, transform: i18n.Locale) -> dict[Key, list[nodes.Element]]:
        """Parse the page's batchable messages in one document: each message's paragraph,
        with the source and line numbers its own parse would have given it."""
        source = transform.document["source"]
        batch = [(msgstr, line) for msgstr, line in self.phase_one(transform) if BATCHABLE.fullmatch(msgstr)]
        if len(batch) < BATCH_FROM:
            return {}
        with logging.suppress_logging() as logged:
            first = self.publish(
                "\n\n".join(msgstr for msgstr, _ in batch),
                source,
                -1,
                config=transform.config,
                env=transform.env,
                registry=transform.env._registry,
                settings=transform.document.settings,
            )
        document = first.parent
        if (
            logged.buffer
            or not isinstance(document, nodes.document)
            or len(document.children) != len(batch)
            or not all(isinstance(paragraph, nodes.paragraph) for paragraph in document.children)
            or any(
                isinstance(node, nodes.system_message) or node["ids"] or node["names"]
                for node in document.findall(nodes.Element)
            )
        ):
            self.unbatched += 1
            return {}  # (parsed one by one instead, and what it logged is logged then)
        batch_source = f"{source}:-1:<translated>"
        ready: dict[Key, list[nodes.Element]] = {}
        for paragraph, (msgstr, line) in zip(list(document.children), batch, strict=True):
            own_source, offset = f"{source}:{line}:<translated>", (paragraph.line or 1) - 1
            for node in paragraph.findall(nodes.Node):
                if node.source == batch_source:
                    node.source = own_source
                if node.line is not None:
                    node.line -= offset
            ready.setdefault((msgstr, source, line), []).append(paragraph)
        return ready

    def extract_messages(self, doctree: nodes.Element) -> object:
        """Sphinx's ``extract_messages``; counts the phases of a ``Locale.apply``."""
        self.phase += 1
        return self.extract(doctree)

    def publish_msgstr(
        self, source: str, source_path: str, source_line: int, **kwargs: object
    ) -> nodes.Element:
        key = (source, source_path, source_line)
        patch = None
        if self.phase == 1 and self.ready.get(key):
            patch = self.ready[key].pop(0)
            self.batched += 1
        if self.phase == 2:
            kept = self.kept.get(key, [])
            while kept:
                patch = kept.pop(0)
                if all(child.parent is patch for child in patch.children):  # not used by phase 1
                    self.reused += 1
                    return patch
        if patch is None:
            patch = self.publish(source, source_path, source_line, **kwargs)
        if self.phase == 1:
            self.kept.setdefault(key, []).append(patch)
        return patch


class ReferenceKinds:
    """Skip each reference update of ``_NodeUpdater`` when neither tree has that kind of node."""

    #: Each update, and the nodes it looks for (in the original and the translation).
    UPDATES: ClassVar[dict[str, type[nodes.Element]]] = {
        "update_autofootnote_references": nodes.footnote_reference,
        "update_refnamed_references": nodes.reference,
        "update_refnamed_footnote_references": nodes.footnote_reference,
        "update_citation_references": nodes.citation_reference,
        "update_pending_xrefs": addnodes.pending_xref,
    }

    def __init__(self) -> None:
        self.skipped = 0  # (for the tests)

    @staticmethod
    def kinds(updater: i18n._NodeUpdater) -> frozenset[type]:
        """The classes of the nodes in the original and the translation, looked up once."""
        found = updater.__dict__.get("bilingual_kinds")
        if found is None:
            found = classes_on(updater.node) | classes_on(updater.patch)
            updater.bilingual_kinds = found  # type: ignore[attr-defined]
        return found

    def wrap(self, name: str, wanted: type[nodes.Element]) -> object:
        update = getattr(i18n._NodeUpdater, name)
        reference_kinds = self

        def skip_if_absent(updater: i18n._NodeUpdater) -> None:
            if any(issubclass(kind, wanted) for kind in reference_kinds.kinds(updater)):
                update(updater)
            else:
                reference_kinds.skipped += 1

        skip_if_absent.bilingual = True  # type: ignore[attr-defined]
        return skip_if_absent

    def install(self) -> None:
        for name, wanted in self.UPDATES.items():
            setattr(i18n._NodeUpdater, name, self.wrap(name, wanted))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("myst_parser")
    base.make_document = make_document
    if not getattr(sphinx_.MystParser.parse, "bilingual", False):
        cache = ParserCache()
        sphinx_.create_md_parser = cache.create_md_parser
        sphinx_.MystParser.parse = cache.counting_parse()
    if not getattr(i18n.Locale.apply, "bilingual", False):
        reuse = MessageReuse()
        i18n.Locale.apply = reuse.locale_apply()
        i18n.extract_messages = reuse.extract_messages
        i18n._publish_msgstr = reuse.publish_msgstr
        i18n.init_locale = reuse.init_locale
    if not getattr(i18n._NodeUpdater.update_pending_xrefs, "bilingual", False):
        ReferenceKinds().install()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
