"""Syntax (GNU msgfmt), headers, completeness (against the source too) and the one form (wrap width, NFC)."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog

from bilingual.source_checks import NFC_WARNING, decomposed
from tools.pocheck.catalogs import LAG, STYLE, Entry, Problem, Project, formatted, language_of, read_catalog

#: msgfmt's diagnostics: ``file:line: message`` or ``file:line:column: message``.
MSGFMT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?:\d+:)? (?P<what>.*)$", re.MULTILINE)
#: A ``domain`` directive at the start of a line of a catalog.
DOMAIN_DIRECTIVE = re.compile(rb"^\s*domain\b", re.MULTILINE)


def msgfmt(*args: str, **options: object) -> subprocess.CompletedProcess:
    environment = {**os.environ, "LC_ALL": "C"}
    return subprocess.run(["msgfmt", "--check", *args], capture_output=True, env=environment, **options)


def passing_msgfmt(project: Project, paths: list[Path]) -> set[Path]:
    """The catalogs one ``msgfmt --check`` passes (its start-up is most of a run), each a domain of
    its input: all, or none if it says anything or a catalog has a directive of its own or a NUL."""
    contents = [path.read_bytes() for path in paths]
    if any(b"\0" in content or DOMAIN_DIRECTIVE.search(content) for content in contents):
        return set()
    batch = b"".join(b'\ndomain "c%d"\n%s\n' % numbered for numbered in enumerate(contents))
    with tempfile.TemporaryDirectory(prefix="msgfmt-") as output:
        result = msgfmt("-", input=batch, cwd=output)
    return set(paths) if result.returncode == 0 and not result.stdout + result.stderr else set()


def check_file(project: Project, path: Path, run_msgfmt: bool = True) -> list[Problem]:
    """NUL bytes, ``msgfmt --check`` (unless it passed with others: `passing_msgfmt`) and UTF-8:
    problems after which the file cannot be read, so that no other check runs."""
    shown, content = project.relative(path), path.read_bytes()
    if b"\0" in content:
        return [Problem(shown, 1, "the file contains NUL bytes", "restore it from git")]
    problems = []
    if run_msgfmt:
        result = msgfmt("--output-file", os.devnull, shown, cwd=project.root, text=True, errors="replace")
        todo = "fix the PO syntax (quotes, keywords, UTF-8); msgfmt --check must pass"
        for found in MSGFMT_LINE.finditer(result.stderr):
            if found["path"] == shown:  # (an open string's quote is above the newline msgfmt counts)
                line = int(found["line"]) - ("end-of-line within string" in found["what"])
                problems.append(Problem(shown, line, f"msgfmt: {found['what']}", todo))
        if result.returncode != 0 and not problems:
            detail = " ".join(result.stderr.split())[:300] or f"exit status {result.returncode}"
            problems.append(Problem(shown, 1, f"msgfmt --check failed: {detail}", "fix the PO syntax"))
    try:
        content.decode("utf-8")  # (msgfmt passes another charset that the header names)
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        return problems or [Problem(shown, line, "invalid UTF-8", "save the file as UTF-8")]
    return problems


def check_composed(project: Project, path: Path, formatted_by_make: bool) -> list[Problem]:
    """Every line in Unicode NFC: decomposed Hangul looks the same, but search and the checks miss it."""
    problems = []
    for line, word in decomposed(path.read_text(encoding="utf-8")):
        what, todo = (NFC_WARNING % word).split(" — ")
        todo = "run `make format-po`, which composes it" if formatted_by_make else todo
        problems.append(Problem(project.relative(path), line, what, todo, STYLE))
    return problems


def check_headers(project: Project, path: Path, catalog: Catalog) -> list[Problem]:
    """Language, charset, Plural-Forms and fuzziness of the header (of *catalog*, the file read by Babel)."""
    shown, lines = project.relative(path), list(enumerate(path.read_text(encoding="utf-8").splitlines(), 1))
    fields, language = dict(catalog.mime_headers), language_of(shown)
    msgstr = next((n for n, text in lines if text.startswith("msgstr")), 1)

    def at(field: str) -> int:  # (the header's msgstr when the field is missing)
        return next((n for n, text in lines if text.startswith(f'"{field}:')), msgstr)

    problems = []
    if fields.get("Language") != language:
        what = f"header Language is {fields.get('Language')!r}, but the catalog is in locale/{language}"
        todo = f'write "Language: {language}\\n" in the header'
        problems.append(Problem(shown, at("Language"), what, todo))
    content_type = fields.get("Content-Type", "")
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        what = f"header Content-Type is {content_type!r}, not UTF-8"
        todo = 'write "Content-Type: text/plain; charset=UTF-8\\n"'
        problems.append(Problem(shown, at("Content-Type"), what, todo))
    # (Babel gives a catalog without the header its locale's default: look at the file's lines too)
    plural_forms = re.match(r"nplurals=\d+;\s*plural=.+;?", fields.get("Plural-Forms", ""))
    if at("Plural-Forms") == msgstr or not plural_forms:
        what = "header Plural-Forms is missing or malformed"
        todo = 'write "Plural-Forms: nplurals=2; plural=(n != 1);\\n" (English)'
        problems.append(Problem(shown, at("Plural-Forms"), what, todo, STYLE))
    if catalog.fuzzy:
        todo = 'fill in the header, then delete the "#, fuzzy" line above msgid ""'
        problems.append(Problem(shown, at("Project-Id-Version"), "the header is marked fuzzy", todo))
    return problems


def check_entries(project: Project, path: Path, entries: list[Entry], catalog: Catalog) -> list[Problem]:
    """Headers, then untranslated and fuzzy entries: a complete edition has neither."""
    problems = check_headers(project, path, catalog)
    for entry in entries:
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
            what = "fuzzy entry: the Korean changed since it was translated; readers see the old translation"
            problems.append(Problem(entry.path, entry.flag_line, f"{what} marked outdated", todo, LAG))
        elif not entry.msgstr:
            what = "untranslated entry: readers see the Korean"
            problems.append(entry.problem(what, "translate the msgid", LAG))
    return problems


def check_format(project: Project, path: Path, catalog: Catalog) -> list[Problem]:
    """The catalog must be byte for byte what ``make format-po`` writes."""
    before, after = path.read_bytes(), formatted(catalog)
    if before == after:
        return []
    old, new = before.splitlines(), after.splitlines()
    same = [a == b for a, b in zip(old, new, strict=False)]
    line = [*same, False].index(False) + 1  # (the first line that differs)
    what = "not in the project's form (Babel, wrapped at 79 columns)"
    return [Problem(project.relative(path), line, what, "run `make format-po` and commit the result", STYLE)]


def check_templates(project: Project, languages: list[str]) -> list[Problem]:
    """Catalogs as current as the source (templates extracted afresh): a problem per message that a
    catalog lacks (`make update-po` not run: readers see the original), and per message gone."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="templates-") as directory:
        command = [sys.executable, "-m", "sphinx", "build", "-b", "gettext", "-q", "-c", str(project.root)]
        subprocess.run([*command, str(project.root / "source"), directory], check=True, capture_output=True)
        for pot in sorted(Path(directory).rglob("*.pot")):
            template, name = read_catalog(pot, strict=False), pot.relative_to(directory).with_suffix(".po")
            for language in languages:
                path = project.locale_dir / language / "LC_MESSAGES" / name
                catalog = read_catalog(path, strict=False) if path.exists() else []
                shown = project.relative(path)
                lag = f"this message is not in {shown}: readers of the {language} edition see the original"
                for message in [m for m in template if m.id and m.id not in catalog]:
                    where, line = message.locations[0] if message.locations else (path, 1)
                    where = project.relative((pot.parent / where).resolve())  # (as the project names it)
                    todo = "run `make update-po`, then translate the new entry"
                    problems.append(Problem(where, line, lag, todo, LAG))
                what = "this entry's message is no longer in the source"
                todo = "run `make update-po` (it keeps the translation as an obsolete #~ entry)"
                gone = [m for m in catalog if m.id and m.id not in template]
                problems += [Problem(shown, message.lineno, what, todo, LAG) for message in gone]
    return problems
