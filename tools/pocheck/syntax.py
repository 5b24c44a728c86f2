"""Syntax (GNU msgfmt), headers, completeness and the one form (wrap width, Unicode NFC)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bilingual.source_checks import decomposed
from tools.pocheck.catalogs import LAG, STYLE, Entry, Problem, Project, formatted, read_catalog

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

#: msgfmt's diagnostics: ``file:line: message`` or ``file:line:column: message``.
MSGFMT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?:\d+:)? (?P<what>.*)$")


def passing_msgfmt(project: Project, paths: list[Path]) -> set[Path]:
    """The catalogs ``msgfmt --check`` passes, checked in one msgfmt: all of them, or none.

    Each catalog becomes a domain of one input (a ``domain`` directive before it), so its
    messages, header and charset are checked as its own; msgfmt then writes one .mo per
    domain, into a throwaway directory. Its start-up (its libraries: ICU, libxml2) is most
    of a run on one catalog, about 4 ms, paid once instead of once per catalog. If it says
    anything at all, or a catalog has a directive of its own or a NUL byte, none counts as
    passed: each is checked alone (`check_file`), for messages that name file and line.
    """
    contents = [path.read_bytes() for path in paths]
    if any(b"\0" in content or DOMAIN_DIRECTIVE.search(content) for content in contents):
        return set()
    batch = b"".join(b'\ndomain "c%d"\n%s\n' % (number, content) for number, content in enumerate(contents))
    with tempfile.TemporaryDirectory(prefix="msgfmt-") as output:
        result = subprocess.run(
            ["msgfmt", "--check", "-"],
            input=batch,
            cwd=output,
            capture_output=True,
            env={**os.environ, "LC_ALL": "C"},
            check=False,
        )
    return set(paths) if result.returncode == 0 and not result.stdout and not result.stderr else set()


#: A ``domain`` directive at the start of a line of a catalog.
DOMAIN_DIRECTIVE = re.compile(rb"^\s*domain\b", re.MULTILINE)


def check_file(project: Project, path: Path, msgfmt: bool = True) -> list[Problem]:
    """Run ``msgfmt --check`` on one catalog (unless *msgfmt* is False: it passed with others,
    `passing_msgfmt`) and turn its diagnostics into problems."""
    shown = project.relative(path)
    if b"\0" in path.read_bytes():
        return [Problem(shown, 1, "the file contains NUL bytes", "restore it from git", fatal=True)]
    if not msgfmt:
        return check_utf8(project, path)
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file", os.devnull, shown],
        cwd=project.root,
        capture_output=True,
        text=True,
        errors="replace",
        env={**os.environ, "LC_ALL": "C"},
        check=False,
    )
    problems = []
    for text in result.stderr.splitlines():
        match = MSGFMT_LINE.match(text)
        if match and match["path"] == shown:
            line = int(match["line"])
            if "end-of-line within string" in match["what"]:
                line -= 1  # msgfmt counts the newline that ended the string: the quote is open above
            problems.append(
                Problem(
                    shown,
                    line,
                    f"msgfmt: {match['what']}",
                    "fix the PO syntax (quotes, keywords, UTF-8); msgfmt --check must pass",
                    fatal=True,
                )
            )
    if result.returncode != 0 and not problems:
        detail = " ".join(result.stderr.split())[:300] or f"exit status {result.returncode}"
        problems.append(
            Problem(shown, 1, f"msgfmt --check failed: {detail}", "fix the PO syntax", fatal=True)
        )
    return problems or check_utf8(project, path)


def check_utf8(project: Project, path: Path) -> list[Problem]:
    """A catalog msgfmt passed must be UTF-8 too (another charset in its header is not)."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return [Problem(project.relative(path), line, "invalid UTF-8", "save the file as UTF-8", fatal=True)]
    return []


def check_composed(project: Project, path: Path, formatted_by_make: bool) -> list[Problem]:
    """Every line in Unicode NFC: decomposed Hangul looks the same, but search and the checks miss it."""
    todo = (
        "run `make format-po`, which composes it"
        if formatted_by_make
        else "retype it, or convert the file with `uconv -x any-nfc`"
    )
    return [
        Problem(
            project.relative(path),
            line,
            f"“{word}” is not in Unicode NFC (decomposed, as some systems type Hangul): it looks the same, "
            "but search and the checks miss it",
            todo,
            STYLE,
        )
        for line, word in decomposed(path.read_text(encoding="utf-8"))
    ]


def header_line(lines: list[str], field: str) -> int:
    """The line of a header field, or of the header's msgstr when the field is missing."""
    for number, text in enumerate(lines, 1):
        if text.startswith(f'"{field}:'):
            return number
    for number, text in enumerate(lines, 1):
        if text.startswith("msgstr"):
            return number
    return 1


def check_headers(project: Project, path: Path, catalog: Catalog | None = None) -> list[Problem]:
    """Language, charset and Plural-Forms headers (of *catalog*, the file read by Babel)."""
    shown = project.relative(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    catalog = catalog if catalog is not None else read_catalog(path)
    fields = dict(catalog.mime_headers)
    language = project.language_of(path)
    problems = []
    if fields.get("Language") != language:
        problems.append(
            Problem(
                shown,
                header_line(lines, "Language"),
                f"header Language is {fields.get('Language')!r}, but the catalog is in locale/{language}",
                f'write "Language: {language}\\n" in the header',
            )
        )
    content_type = fields.get("Content-Type", "")
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        problems.append(
            Problem(
                shown,
                header_line(lines, "Content-Type"),
                f"header Content-Type is {content_type!r}, not UTF-8",
                'write "Content-Type: text/plain; charset=UTF-8\\n"',
            )
        )
    # (Babel gives a catalog without the header its locale's default: look at the file's lines too)
    written = any(text.startswith('"Plural-Forms:') for text in lines)
    if not written or not re.match(r"nplurals=\d+;\s*plural=.+;?", fields.get("Plural-Forms", "")):
        problems.append(
            Problem(
                shown,
                header_line(lines, "Plural-Forms"),
                "header Plural-Forms is missing or malformed",
                'write "Plural-Forms: nplurals=2; plural=(n != 1);\\n" (English)',
                STYLE,
            )
        )
    if catalog.fuzzy:
        problems.append(
            Problem(
                shown,
                header_line(lines, "Project-Id-Version"),
                "the header is marked fuzzy",
                'fill in the header, then delete the "#, fuzzy" line above msgid ""',
            )
        )
    return problems


def check_entries(
    project: Project, path: Path, entries: list[Entry], catalog: Catalog | None = None
) -> list[Problem]:
    """Headers, then untranslated and fuzzy entries: a complete edition has neither."""
    problems = check_headers(project, path, catalog)
    for entry in entries:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            todo = (
                "compare the translation with the Korean (and the #| previous msgid), "
                'fix it, then delete "fuzzy" from the #, line'
            )
            if not entry.previous:  # (sphinx-intl update writes none: the old Korean is lost)
                todo = (
                    f"it has no #| previous msgid to show what changed (sphinx-intl update drops it): "
                    f"run `git checkout -- {entry.path}` and `make update-po`, which keeps it; then {todo}"
                )
            problems.append(
                Problem(
                    entry.path,
                    entry.flag_line,
                    "fuzzy entry: the Korean changed since it was translated; readers see the old "
                    "translation marked outdated",
                    todo,
                    LAG,
                )
            )
        elif not entry.msgstr:
            problems.append(
                entry.problem("untranslated entry: readers see the Korean", "translate the msgid", LAG)
            )
    return problems


def check_format(project: Project, path: Path, catalog: Catalog | None = None) -> list[Problem]:
    """The catalog must be byte for byte what ``make format-po`` writes."""
    before = path.read_bytes()
    after = formatted(catalog if catalog is not None else read_catalog(path))
    if before == after:
        return []
    old, new = before.splitlines(), after.splitlines()
    line = next(
        (n for n, (a, b) in enumerate(zip(old, new, strict=False), 1) if a != b), min(len(old), len(new)) + 1
    )
    return [
        Problem(
            project.relative(path),
            line,
            "not in the project's form (Babel, wrapped at 79 columns)",
            "run `make format-po` and commit the result",
            STYLE,
        )
    ]
