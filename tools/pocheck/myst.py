"""A message as MyST parses it: the same markdown-it setup that Sphinx uses for the msgstr."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from bilingual import source_checks

#: A role's explicit target: ``{term}`text <target>```.
ROLE_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


#: The MyST settings the project's pages are parsed with.
CONFIG = MdParserConfig(enable_extensions={"fieldlist"})


@cache
def parser() -> MarkdownIt:
    """MyST's markdown-it, with the extensions the project enables.

    Without its word count, which only fills the parse's environment (the page's
    reading-time substitutions) and is a twentieth of the gate's time.
    """
    return create_md_parser(CONFIG, RendererHTML).disable("wordcount")


@cache
def emphasis_parser() -> MarkdownIt:
    """The same, keeping the emphasis it leaves as text (`bilingual.source_checks`)."""
    return source_checks.emphasis_parser(CONFIG).disable("wordcount")


@dataclass
class Markup:
    """What a message contains, markup by markup, and the text a reader sees."""

    code: Counter[str] = field(default_factory=Counter)
    roles: Counter[tuple[str, str]] = field(default_factory=Counter)
    links: Counter[str] = field(default_factory=Counter)
    footnotes: Counter[str] = field(default_factory=Counter)
    strong: int = 0
    emphasis: int = 0
    html: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)  # top-level blocks: paragraph, ordered_list…
    text: list[str] = field(default_factory=list)  # plain text tokens, as rendered
    visible: list[str] = field(default_factory=list)  # text + role and link texts, no targets

    @property
    def role_names(self) -> Counter[str]:
        return Counter(name for (name, _target), n in self.roles.items() for _ in range(n))

    @property
    def plain(self) -> str:
        return " ".join(self.text)

    @property
    def visible_text(self) -> str:
        return " ".join(self.visible)


def split_role(content: str) -> tuple[str, str]:
    """A role's shown text and its target (the text itself when no ``<target>``)."""
    match = ROLE_TARGET.match(content)
    if match:
        return match["text"], match["target"].strip()
    return content, content.strip()


def walk(tokens: list[Token]) -> list[Token]:
    """Every token, children included, in document order."""
    flat: list[Token] = []
    for token in tokens:
        flat.append(token)
        if token.children:
            flat.extend(walk(token.children))
    return flat


#: What can start markup in MyST, inline or at the start of a block (and what markdown-it
#: normalises: a NUL); whitespace but the space between words breaks or trims lines.
MARKUP = r"\s!#$%&*+\-:<=>@\[\\\]^_`{}~|\x00"
#: A message in which markdown-it finds the text of one paragraph and nothing else: words
#: without any of `MARKUP`, single or several spaces between them, not a list's number.
PLAIN = re.compile(rf"(?!\d+[.)])[^{MARKUP}]+(?: +[^{MARKUP}]+)*")


@cache
def analyse(message: str) -> Markup:
    """List the markup of *message* as MyST parses it (`parse`); a `PLAIN` message is one
    paragraph of its own text, and is not parsed."""
    if PLAIN.fullmatch(message):
        return Markup(blocks=["paragraph"], text=[message], visible=[message])
    return parse(message)


def parse(message: str) -> Markup:
    """Parse *message* as MyST and list its markup."""
    markup = Markup()
    tokens = parser().parse(message)
    markup.blocks = [
        token.type.removesuffix("_open") for token in tokens if token.level == 0 and token.nesting >= 0
    ]
    for token in walk(tokens):
        kind = token.type
        if kind == "text":
            markup.text.append(token.content)
            markup.visible.append(token.content)
        elif kind == "code_inline":
            markup.code[token.content] += 1
        elif kind == "myst_role":
            shown, target = split_role(token.content)
            name = token.meta.get("name", "")
            if name in ("strong", "emphasis"):  # (what ** and * mark where a particle follows)
                setattr(markup, name, getattr(markup, name) + 1)
            else:
                markup.roles[(name, target)] += 1
            markup.visible.append(shown)
        elif kind == "link_open":
            markup.links[str(token.attrs.get("href", ""))] += 1
        elif kind == "footnote_ref":
            markup.footnotes[str(token.meta.get("label", ""))] += 1
        elif kind == "strong_open":
            markup.strong += 1
        elif kind == "em_open":
            markup.emphasis += 1
        elif kind in ("html_inline", "html_block"):
            markup.html.append(token.content)
    return markup
