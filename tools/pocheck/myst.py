"""A message as MyST parses it: the same markdown-it setup that Sphinx uses for the msgstr."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
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
#: What can start markup in MyST, inline or at the start of a block (and what markdown-it
#: normalises: a NUL); whitespace but the space between words breaks or trims lines.
MARKUP = r"\s!#$%&*+\-:<=>@\[\\\]^_`{}~|\x00"
#: A message in which markdown-it finds one paragraph of its own text: words without any
#: of `MARKUP`, with spaces between them, not a list's number.
PLAIN = re.compile(rf"(?!\d+[.)])[^{MARKUP}]+(?: +[^{MARKUP}]+)*")


@cache
def parser() -> MarkdownIt:
    """MyST's markdown-it, with the extensions the project enables, without its word count
    (which only fills in reading-time substitutions, a twentieth of the gate's time)."""
    return create_md_parser(CONFIG, RendererHTML).disable("wordcount")


@cache
def emphasis_parser() -> MarkdownIt:
    """The same, keeping the emphasis it leaves as text (`bilingual.source_checks`)."""
    return source_checks.emphasis_parser(CONFIG).disable("wordcount")


@dataclass
class Markup:
    """What a message contains, markup by markup, and the text a reader sees."""

    code: Counter[str] = field(default_factory=Counter)
    roles: Counter[tuple[str, str]] = field(default_factory=Counter)  # (name, target)
    role_names: Counter[str] = field(default_factory=Counter)
    links: Counter[str] = field(default_factory=Counter)
    footnotes: Counter[str] = field(default_factory=Counter)
    strong: int = 0
    emphasis: int = 0
    blocks: list[str] = field(default_factory=list)  # top-level blocks: paragraph, ordered_list…
    text: list[str] = field(default_factory=list)  # plain text tokens, as rendered
    visible: list[str] = field(default_factory=list)  # text + role and link texts, no targets

    @property
    def plain(self) -> str:
        return " ".join(self.text)

    @property
    def visible_text(self) -> str:
        return " ".join(self.visible)


def walk(tokens: list[Token]) -> Iterator[Token]:
    """Every token, children included, in document order."""
    for token in tokens:
        yield token
        yield from walk(token.children or [])


@cache
def analyse(message: str) -> Markup:
    """The markup of *message* as MyST parses it (`parse`); a `PLAIN` message needs no parse."""
    if PLAIN.fullmatch(message):
        return Markup(blocks=["paragraph"], text=[message], visible=[message])
    return parse(message)


def parse(message: str) -> Markup:
    """Parse *message* as MyST and list its markup."""
    tokens = parser().parse(message)
    markup = Markup(blocks=[t.type.removesuffix("_open") for t in tokens if t.level == 0 and t.nesting >= 0])
    for token in walk(tokens):
        kind = token.type
        if kind == "text":
            markup.text.append(token.content)
            markup.visible.append(token.content)
        elif kind == "code_inline":
            markup.code[token.content] += 1
        elif kind == "myst_role":
            match = ROLE_TARGET.match(token.content)  # shown text and target, or the text alone
            shown, target = (match["text"], match["target"]) if match else (token.content, token.content)
            name = token.meta.get("name", "")
            if name in ("strong", "emphasis"):  # (what ** and * mark where a particle follows)
                setattr(markup, name, getattr(markup, name) + 1)
            else:
                markup.roles[(name, target.strip())] += 1
                markup.role_names[name] += 1
            markup.visible.append(shown)
        elif kind == "link_open":
            markup.links[str(token.attrs.get("href", ""))] += 1
        elif kind == "footnote_ref":
            markup.footnotes[str(token.meta.get("label", ""))] += 1
        elif kind == "strong_open":
            markup.strong += 1
        elif kind == "em_open":
            markup.emphasis += 1
    return markup
