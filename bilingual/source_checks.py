"""Warnings, while reading, of what renders wrong without a word: decomposed Hangul (NFD), which
search and the checks miss, and emphasis CommonMark cannot close: in ``**서비스(service)**는`` the
closing ``**`` sits between punctuation and a particle, so the asterisks show (commonmark-spec
issue 650), where a role renders as written: ``{strong}`서비스(service)`는``."""

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline, emphasis
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from bilingual.editions import is_translation

logger = logging.getLogger(__name__)

#: Keys: where a delimiter's run starts (a token's meta), what `record_unclosed` finds (the env).
RUN, UNCLOSED = "delimiter_run", "unclosed_emphasis"
#: What a delimiter run of each length marks, and the role that marks it whatever follows.
KINDS = {1: ("emphasis", "emphasis"), 2: ("strong", "strong")}
#: A word, as a message shows it (without quotes or punctuation around it).
WORD = re.compile(r"[^\s\"'`“”‘’.,;:!?()\[\]{}<>]+")
#: Text that a role shows as the delimiters would have: no markup (a role's text is not parsed).
ROLE_TEXT = re.compile(r"[^`*_\[\]{}<>\\]+")
NFC_WARNING = (
    "“%s” is not in Unicode NFC (decomposed, as some systems type Hangul): it looks the same, but "
    "search and the catalog checks miss it — retype it, or convert the file with `uconv -x any-nfc`"
)


class UnclosedEmphasis(NamedTuple):
    """Emphasis or strong whose delimiters CommonMark left as text, and what to write instead."""

    line: int  # of the opening delimiter, from 1
    what: str
    todo: str


@functools.cache  # (one for every page: making one is most of a short page's parse)
def emphasis_parser(extensions: frozenset[str]) -> MarkdownIt:
    """MyST's markdown-it with these extensions, keeping in the parse's env the emphasis left as text."""
    md = create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)
    md.disable("wordcount")
    md.inline.ruler.at("emphasis", tokenize_emphasis)
    md.inline.ruler2.after("emphasis", UNCLOSED, record_unclosed)
    return md


def tokenize_emphasis(state: StateInline, silent: bool) -> bool:
    """markdown-it's emphasis rule, marking each delimiter's token with where its run starts."""
    start = state.pos
    found = emphasis.tokenize(state, silent)
    for token in state.tokens[len(state.tokens) - (state.pos - start) :]:  # (one per delimiter)
        token.meta[RUN] = start
    return found


def record_unclosed(state: StateInline) -> None:
    """Pair the delimiter runs as their writer meant them, and keep each pair that did not become
    emphasis: a run opens if a non-space follows it (and for ``_``, no letter or digit precedes it:
    ``snake_case``); the next same run closes it if a non-space precedes that one."""
    runs: dict[int, list[Token]] = {}
    for token in state.tokens:
        if RUN in token.meta:
            runs.setdefault(token.meta[RUN], []).append(token)
    src, pending = state.src, {}
    for start, tokens in sorted(runs.items()):
        run, before = src[start : start + len(tokens)], src[start - 1 : start] or " "
        opener = pending.pop(run, None)
        if opener is not None and not before.isspace():
            if not (rendered(runs[opener], 1) and rendered(tokens, -1)):
                literal = not any(token.nesting for token in runs[opener] + tokens)
                found = unclosed(state, opener, start, len(run), literal)
                state.env.setdefault(UNCLOSED, []).append((src, found))
        elif src[start + len(run) :][:1].strip() and (run[0] == "*" or not before.isalnum()):
            pending[run] = start


def rendered(tokens: list[Token], nesting: int) -> bool:
    """Whether a run's tokens became the opening (1) or closing (-1) of emphasis."""
    return all(token.nesting == nesting or (token.type == "text" and not token.content) for token in tokens)


def describe(char: str) -> str:
    if char.isspace():
        return "a space"
    punctuation = isMdAsciiPunct(ord(char)) or isPunctChar(char)
    return f"punctuation “{char}”" if punctuation else f"the letter “{char}”"


def refused(state: StateInline, opener: int, closer: int, length: int) -> str:
    """Which delimiter run of the pair CommonMark's flanking rules refuse, and between what."""
    src, star = state.src, state.src[opener] == "*"
    if not state.scanDelims(closer, star).can_close:
        side, verb, start = "closing", "close", closer
    elif not state.scanDelims(opener, star).can_open:
        side, verb, start = "opening", "open", opener
    else:
        return "CommonMark does not pair its delimiters"
    before, after = src[start - 1 : start] or " ", src[start + length : start + length + 1] or " "
    return (
        f"the {side} {src[start : start + length]} sits between {describe(before)} and "
        f"{describe(after)}, where CommonMark cannot {verb} it"
    )


def unclosed(state: StateInline, opener: int, closer: int, length: int, literal: bool) -> UnclosedEmphasis:
    """What to say of the pair of runs at *opener* and *closer* (its line: within the source)."""
    src, end = state.src, closer + length
    particle = re.match(r"\w*", src[end:])[0]  # type: ignore[index]
    kind, role = KINDS.get(length, ("strong emphasis", None))
    marks = "asterisks" if src[opener] == "*" else "underscores"
    shown = f"the page shows the {marks}" if literal else f"other text is {kind} instead"
    what = f"{src[opener:end]}{particle} is not {kind}: {refused(state, opener, closer, length)}, so {shown}"
    inner = src[opener + length : closer]
    if role and ROLE_TEXT.fullmatch(inner):
        todo = f"write {{{role}}}`{inner}`{particle} (a role renders whatever follows it directly)"
    else:
        todo = (
            "rephrase so that each delimiter has a space or punctuation outside it "
            "({strong}`…` and {emphasis}`…` hold only plain text)"
        )
    return UnclosedEmphasis(src[:opener].count("\n"), what, todo)


def unclosed_emphasis(md: MarkdownIt, text: str) -> list[UnclosedEmphasis]:
    """The emphasis and strong of MyST *text* (parsed by an `emphasis_parser`) left as text."""
    env: dict[str, Any] = {}
    found = []
    for token in md.parse(text, env):
        if token.type == "inline":
            first = token.map[0] if token.map else 0
            ours = dict.fromkeys(each for src, each in env.get(UNCLOSED, []) if src is token.content)
            found += [each._replace(line=first + each.line + 1) for each in ours]
    return found


def decomposed(text: str) -> Iterator[tuple[int, str]]:
    """Each line (from 1) of *text* that is not in Unicode NFC, with its first word that is not."""
    if unicodedata.is_normalized("NFC", text):
        return
    for number, line in enumerate(text.splitlines(), 1):
        word = next((w for w in WORD.findall(line) if not unicodedata.is_normalized("NFC", w)), None)
        if word is not None:
            yield number, word


def check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Warn of decomposed text and, in Markdown, unclosed emphasis (a translation's are its catalogs')."""
    if is_translation(app.config):
        return
    for line, word in decomposed(source[0]):
        logger.warning(NFC_WARNING, word, location=(docname, line), type="bilingual", subtype="nfc")
    if app.config.source_suffix.get(app.env.doc2path(docname).suffix) == "markdown":
        parser = emphasis_parser(frozenset(app.config.myst_enable_extensions))
        for line, what, todo in unclosed_emphasis(parser, source[0]):
            logger.warning(
                "%s — %s", what, todo, location=(docname, line), type="bilingual", subtype="emphasis"
            )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("myst_parser")
    app.setup_extension("bilingual.editions")
    app.connect("source-read", check_source)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
