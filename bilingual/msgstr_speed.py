"""Parse each translated message without rebuilding docutils' default settings.

Sphinx parses every msgstr of a MyST page with MyST's parser. MyST's renderer builds a
throwaway document for each parse (``options.get("document", make_document())``
evaluates its default even when Sphinx passes the document), and building its
docutils settings constructs a whole option parser: half the time of an English
build went there (see docs-notes/bench.md). The settings are the parser's defaults,
so they are built once per parser class and each document gets a copy.
"""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING

from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser as RSTParser
from docutils.utils import new_document
from myst_parser.mdit_to_docutils import base

if TYPE_CHECKING:
    from docutils import nodes
    from docutils.frontend import Values
    from docutils.parsers import Parser
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


@functools.cache
def default_settings(parser_cls: type[Parser]) -> Values:
    """The parser's default docutils settings, built once."""
    return get_default_settings(parser_cls)


def make_document(source_path: str = "notset", parser_cls: type[Parser] = RSTParser) -> nodes.document:
    """MyST's ``make_document``, with a copy of the cached default settings."""
    return new_document(source_path, settings=copy.copy(default_settings(parser_cls)))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("myst_parser")
    base.make_document = make_document
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
