"""A message as MyST parses it (Sphinx's markdown-it setup for a msgstr), and markup parity: what
Sphinx would render as literal characters, or link elsewhere."""

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
from tools.pocheck.catalogs import Entry, Problem, Project

#: ``[text][ref]`` and ``[text][]``: MyST leaves them as literal text in a msgstr (MyST-Parser #690).
REFERENCE_LINK = re.compile(r"\[[^\]\n]+\]\[[^\]\n]*\]")
#: Markup characters that, left in rendered text, mean an emphasis, code span or link did not close.
STRAYS = (
    ("**", "an unclosed ** (strong)", "close it with ** (watch Korean particles after the marker)"),
    ("__", "an unclosed __ (strong)", "close it with __"),
    ("`", "an unclosed backtick (inline code or role)", "close the backtick"),
    ("](", "a broken link ](", "write the link as [text](target)"),
    ("*", "an unclosed * (emphasis)", "close it with *"),
)
#: How a translator would name the blocks markdown-it finds at the top of a message.
BLOCK_NAMES = {
    "ordered_list": "a numbered list",
    "bullet_list": "a bulleted list",
    "heading": "a heading",
    "blockquote": "a quotation",
    "hr": "a horizontal rule",
    "fence": "a code block",
    "code_block": "a code block",
    "table": "a table",
    "html_block": "an HTML block",
}
#: A role's explicit target: ``{term}`text <target>```.
ROLE_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
#: The MyST settings the project's pages are parsed with.
CONFIG = MdParserConfig(enable_extensions={"fieldlist"})
#: What can start markup in MyST, inline or at a block's start, or is normalised (NUL, whitespace).
MARKUP = r"\s!#$%&*+\-:<=>@\[\\\]^_`{}~|\x00"
#: A message in which markdown-it finds one paragraph of its own text: words without any
#: of `MARKUP`, with spaces between them, not a list's number.
PLAIN = re.compile(rf"(?!\d+[.)])[^{MARKUP}]+(?: +[^{MARKUP}]+)*")


@cache
def parser() -> MarkdownIt:
    """MyST's markdown-it as the project sets it up, without the word count (a twentieth of the time)."""
    return create_md_parser(CONFIG, RendererHTML).disable("wordcount")


def emphasis_parser() -> MarkdownIt:
    """The same, keeping the emphasis it leaves as text (`bilingual.source_checks`)."""
    return source_checks.emphasis_parser(frozenset(CONFIG.enable_extensions))


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


def listed(counter: Counter[str]) -> str:
    return ", ".join(f"“{key}”" + (f"×{n}" if n > 1 else "") for key, n in sorted(counter.items()))


def check(project: Project, entry: Entry) -> list[Problem]:
    """Same blocks, inline code, roles and role targets, links, footnotes and emphasis as the msgid."""
    source, target = analyse(entry.msgid), analyse(entry.msgstr)
    problems = []
    # Sphinx parses each message on its own and uses it only if it is one paragraph (but a
    # literal block's). A title whose Korean starts with "1. " parses as a list too: a msgid
    # is excused only if it spans lines (a literal block's code).
    dropped = source.blocks == ["paragraph"] or "\n" not in entry.msgid
    if entry.msgstr != entry.msgid and target.blocks != ["paragraph"] and dropped:
        blocks = " + ".join(BLOCK_NAMES.get(block, block) for block in target.blocks)
        what = f"MyST reads this translation as {blocks}, not as one paragraph: Sphinx would drop it and "
        todo = "escape what starts it: 1\\. for a number and full stop; \\- \\+ \\* \\# \\>"
        problems.append(entry.problem(what + "show the Korean", todo + " at the start of a line"))
    reference = REFERENCE_LINK.search(target.plain)
    if reference and not REFERENCE_LINK.search(source.plain):
        what = f"reference-style link {reference[0]!r}: MyST shows it as literal text"
        problems.append(entry.problem(what, "write an inline link [text](target)"))
    delimited = "*" in entry.msgstr or "_" in entry.msgstr  # (else no emphasis to parse again for)
    unclosed = source_checks.unclosed_emphasis(emphasis_parser(), entry.msgstr) if delimited else []
    problems += [entry.problem(found.what, found.todo) for found in unclosed]
    for chars, what, todo in () if unclosed else STRAYS:
        if target.plain.count(chars) > source.plain.count(chars):
            problems.append(entry.problem(f"unbalanced markup: {what} would appear as literal text", todo))
            break
    if not unclosed and (target.strong, target.emphasis) != (source.strong, source.emphasis):
        what = f"emphasis differs: the Korean has {source.strong} strong and {source.emphasis} emphasis, "
        what += f"the English {target.strong} and {target.emphasis}"
        problems.append(entry.problem(what, "mark the same passages with ** and *"))
    code = "copy every `code` span unchanged from the msgid"
    problems += parity(entry, "inline code differs", source.code, target.code, code)
    if source.role_names != target.role_names:
        what = f"roles differ: the Korean has {listed(source.role_names)}, "
        what += f"the English {listed(target.role_names) or 'none'}"
        problems.append(entry.problem(what, "keep one role for each role of the msgid"))
    else:
        for (name, wanted), _n in (source.roles - target.roles).items():
            found = listed(Counter(t for (n, t) in target.roles - source.roles if n == name))
            what = f"{{{name}}} target “{wanted}” is missing (the English points to {found or 'nothing'})"
            todo = f"write {{{name}}}`English text <{wanted}>`: the target stays the Korean (Sphinx warns "
            problems.append(entry.problem(what, todo + "about inconsistent term references otherwise)"))
    links = "keep every ](target) exactly as in the msgid; translate only the link text"
    problems += parity(entry, "link targets differ", source.links, target.links, links)
    notes = "keep every [^label] of the msgid"
    return problems + parity(entry, "footnote references differ", source.footnotes, target.footnotes, notes)


def parity(entry: Entry, what: str, wanted: Counter[str], found: Counter[str], todo: str) -> list[Problem]:
    """A problem if the msgstr has other markup (*found*) than the msgid (*wanted*)."""
    if wanted == found:
        return []
    differs = f"missing {listed(wanted - found) or 'nothing'}, added {listed(found - wanted) or 'nothing'}"
    return [entry.problem(f"{what}: {differs}", todo)]
