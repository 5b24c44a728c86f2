"""Each translated message parsed without building a new Markdown parser and docutils settings.

Sphinx parses every msgstr of a MyST page with MyST's parser, and for every parse MyST
builds a new ``MarkdownIt`` with a new renderer (``create_md_parser``; the renderer's
set-up inspects every method) and a throwaway document (``options.get("document",
make_document())`` evaluates its default even when Sphinx passes the document), whose
docutils settings build a whole option parser. Most of an English build went there
(docs/performance.md; upstream: docs/upstream/myst-parser-per-message.md). Here:

- the default settings are built once per parser class, and each document gets a copy;
- a Markdown parser is kept per MyST configuration and reused by the next top-level
  parse (its renderer resets its state at the start of every render); a parse started
  while another runs (a directive's content) gets a parser of its own.
"""

import copy
import functools
from typing import Any

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers import Parser
from docutils.parsers.rst import Parser as RSTParser
from docutils.utils import new_document
from markdown_it import MarkdownIt
from myst_parser.mdit_to_docutils import base
from myst_parser.parsers import sphinx_
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from bilingual import speedups

VERIFIED = {"myst-parser": "5.2.0", "docutils": "0.22.4"}


@functools.cache
def default_settings(parser_cls: type[Parser]) -> Any:
    return get_default_settings(parser_cls)


def make_document(source_path: str = "notset", parser_cls: type[Parser] = RSTParser) -> nodes.document:
    """MyST's ``make_document``, with a copy of the cached default settings."""
    return new_document(source_path, settings=copy.copy(default_settings(parser_cls)))


class Parsers:
    """The Markdown parser of the last top-level parse, and how many parses are running."""

    depth = 0
    kept: tuple[Any, type, MarkdownIt] | None = None

    @classmethod
    def create_md_parser(cls, config: Any, renderer: type) -> MarkdownIt:
        if cls.depth == 1 and cls.kept is not None and cls.kept[0] is config and cls.kept[1] is renderer:
            return cls.kept[2]
        parser = speedups.ORIGINALS[sphinx_, "create_md_parser"](config, renderer)
        if cls.depth == 1:
            cls.kept = (config, renderer, parser)
        return parser

    @staticmethod
    def parse(parser: sphinx_.MystParser, inputstring: str, document: nodes.document) -> None:
        Parsers.depth += 1
        try:
            speedups.ORIGINALS[sphinx_.MystParser, "parse"](parser, inputstring, document)
        finally:
            Parsers.depth -= 1


def patches() -> list[tuple[Any, str, Any]]:
    return [
        (base, "make_document", make_document),
        (sphinx_, "create_md_parser", Parsers.create_md_parser),
        (sphinx_.MystParser, "parse", Parsers.parse),
    ]


def setup(app: Sphinx) -> ExtensionMetadata:
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
