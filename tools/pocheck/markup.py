"""MyST markup parity: what Sphinx would render as literal characters, or link elsewhere."""

from __future__ import annotations

import re
from collections import Counter

from bilingual.source_checks import unclosed_emphasis
from tools.pocheck.catalogs import Entry, Problem, Project
from tools.pocheck.myst import analyse, emphasis_parser

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
        problems.append(
            entry.problem(
                f"MyST reads this translation as {blocks}, not as one paragraph: Sphinx would drop it "
                "and show the Korean",
                "escape what starts it: 1\\. for a number and full stop; "
                "\\- \\+ \\* \\# \\> at the start of a line",
            )
        )
    reference = REFERENCE_LINK.search(target.plain)
    if reference and not REFERENCE_LINK.search(source.plain):
        what = f"reference-style link {reference[0]!r}: MyST shows it as literal text"
        problems.append(entry.problem(what, "write an inline link [text](target)"))
    delimited = "*" in entry.msgstr or "_" in entry.msgstr  # (else no emphasis to parse again for)
    unclosed = unclosed_emphasis(emphasis_parser(), entry.msgstr) if delimited else []
    problems += [entry.problem(found.what, found.todo) for found in unclosed]
    for chars, what, todo in () if unclosed else STRAYS:
        if target.plain.count(chars) > source.plain.count(chars):
            problems.append(entry.problem(f"unbalanced markup: {what} would appear as literal text", todo))
            break
    if not unclosed and (target.strong != source.strong or target.emphasis != source.emphasis):
        problems.append(
            entry.problem(
                f"emphasis differs: the Korean has {source.strong} strong and {source.emphasis} emphasis, "
                f"the English {target.strong} and {target.emphasis}",
                "mark the same passages with ** and *",
            )
        )
    code = "copy every `code` span unchanged from the msgid"
    problems += parity(entry, "inline code differs", source.code, target.code, code)
    if source.role_names != target.role_names:
        problems.append(
            entry.problem(
                f"roles differ: the Korean has {listed(source.role_names)}, "
                f"the English {listed(target.role_names) or 'none'}",
                "keep one role for each role of the msgid",
            )
        )
    else:
        for (name, wanted), _n in (source.roles - target.roles).items():
            found = listed(Counter(t for (n, t) in target.roles - source.roles if n == name))
            problems.append(
                entry.problem(
                    f"{{{name}}} target “{wanted}” is missing (the English points to {found or 'nothing'})",
                    f"write {{{name}}}`English text <{wanted}>`: the target stays the Korean "
                    "(Sphinx warns about inconsistent term references otherwise)",
                )
            )
    links = "keep every ](target) exactly as in the msgid; translate only the link text"
    problems += parity(entry, "link targets differ", source.links, target.links, links)
    footnotes = "keep every [^label] of the msgid"
    return problems + parity(
        entry, "footnote references differ", source.footnotes, target.footnotes, footnotes
    )


def parity(entry: Entry, what: str, wanted: Counter[str], found: Counter[str], todo: str) -> list[Problem]:
    """A problem if the msgstr has other markup (*found*) than the msgid (*wanted*)."""
    if wanted == found:
        return []
    differs = f"missing {listed(wanted - found) or 'nothing'}, added {listed(found - wanted) or 'nothing'}"
    return [entry.problem(f"{what}: {differs}", todo)]
