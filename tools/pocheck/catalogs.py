"""Catalogs of the project: where they are, how they are read, written and updated."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import polib
from babel.messages.catalog import Catalog
from babel.messages.pofile import normalize, read_po, write_po

from bilingual.editions import project_languages
from bilingual.freshness import digest

#: The project's one wrap width; every catalog is written by Babel at this width.
WIDTH = 79
#: Catalogs of Sphinx's own domain (theme strings), not of documents.
UI_CATALOGS = {"sphinx.po"}


#: What a problem means for a publication (docs/translating.md). A *hazard* (broken syntax or
#: markup, anything that could run in a browser, a changed figure, a glossary term) keeps
#: the catalog's language from being published; *lag* (a message not translated, or whose
#: Korean changed) is published and shown to readers as such; *style* (the catalog's form,
#: spelling, the house style) is noted. `make check-po`, and so CI, refuses all three.
HAZARD, LAG, STYLE = "hazard", "lag", "style"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalog, where it is and what to do about it."""

    path: str
    line: int
    what: str
    todo: str
    kind: str = HAZARD
    fatal: bool = False  # (the file cannot be read: no other check runs)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} — {self.todo}"

    @property
    def language(self) -> str:
        """The language of the catalog (``locale/<lang>/LC_MESSAGES/…``)."""
        parts = Path(self.path).parts
        return parts[parts.index("LC_MESSAGES") - 1] if "LC_MESSAGES" in parts else ""  # (or a source file)


@dataclass
class Project:
    """A checkout of the edition: sources, catalogs, glossary and word list."""

    root: Path

    @cached_property
    def source_language(self) -> str:
        return project_languages(self.root)[0]

    @property
    def locale_dir(self) -> Path:
        return self.root / "locale"

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    def relative(self, path: Path) -> str:
        """*path* as shown in messages: relative to the project root when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def language_of(self, path: Path) -> str:
        """The language of a catalog, from its directory (locale/<lang>/LC_MESSAGES/…)."""
        parts = path.parts
        return parts[max(i for i, part in enumerate(parts) if part == "LC_MESSAGES") - 1]

    def changed_catalogs(self) -> set[Path] | None:
        """The catalogs that differ from the last commit (changed, staged or new), by git;
        None when that is not known: not the root of a git checkout, no commit yet, no git."""

        def git(*args: str) -> str | None:
            try:
                return subprocess.run(
                    ["git", *args], cwd=self.root, capture_output=True, text=True, check=True
                ).stdout
            except (OSError, subprocess.CalledProcessError):
                return None

        top = git("rev-parse", "--show-toplevel")
        if top is None or Path(top.strip()).resolve() != self.root.resolve():
            return None  # (a copy inside another checkout would look unchanged)
        changed = git("diff", "--name-only", "-z", "HEAD", "--", "locale")
        new = git("ls-files", "--others", "--exclude-standard", "-z", "--", "locale")
        if changed is None or new is None:
            return None
        return {(self.root / name).resolve() for name in (changed + new).split("\0") if name}

    def digest(self, path: Path) -> str:
        """A digest of a catalog and of everything its checks also read (glossary, word list, code)."""
        checks = Path(__file__).parent
        emphasis = checks.parent.parent / "bilingual" / "source_checks.py"  # (the markup check's)
        glossaries = self.locale_dir.glob("*/LC_MESSAGES/glossary.po")
        words = self.locale_dir.glob("*/wordlist.txt")
        return digest(
            [self.source_dir / "glossary.md", checks, emphasis, *glossaries, *words, path], self.root
        )

    def all_catalogs(self) -> list[Path]:
        """Every catalog, pages in subdirectories included (gettext_compact = False)."""
        return sorted(self.locale_dir.glob("*/LC_MESSAGES/**/*.po"))

    def wordlist(self, language: str) -> Path:
        return self.locale_dir / language / "wordlist.txt"

    def glossary(self, language: str) -> dict[str, str]:
        """Glossary terms of the source and their translations (from the language's glossary.po)."""
        from tools.pocheck.glossary import read_glossary

        return read_glossary(self.root, language)


def document_catalogs(project: Project, language: str | None = None) -> list[Path]:
    """Catalogs of the documents (one per page), for one language or all."""
    pattern = f"{language or '*'}/LC_MESSAGES/**/*.po"
    return sorted(p for p in project.locale_dir.glob(pattern) if p.name not in UI_CATALOGS)


@dataclass
class Entry:
    """One message of a catalog, with the lines a translator needs to find it."""

    path: str
    line: int  # the msgstr line
    flag_line: int  # the "#," line, or the msgid line when there is none
    msgid: str
    msgstr: str
    fuzzy: bool
    obsolete: bool
    flags: list[str] = field(default_factory=list)
    previous: str = ""  # the previous msgid (#|) of a fuzzy entry

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and not self.fuzzy and not self.obsolete

    @property
    def language(self) -> str:
        parts = Path(self.path).parts
        return parts[parts.index("LC_MESSAGES") - 1]

    def problem(self, what: str, todo: str, kind: str = HAZARD) -> Problem:
        return Problem(self.path, self.line, what, todo, kind)


def load_entries(project: Project, path: Path, po: polib.POFile | None = None) -> list[Entry]:
    """Read a catalog that passed ``msgfmt --check`` into entries with their line numbers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    po = po if po is not None else polib.pofile(str(path), wrapwidth=WIDTH)
    shown = project.relative(path)
    entries = []
    for raw in [*po, *po.obsolete_entries()]:
        start = raw.linenum - 1
        msgstr_line = flag_line = raw.linenum
        for number in range(start, len(lines)):
            text = lines[number]
            if text.startswith("#,"):
                flag_line = number + 1
            if text.startswith(("msgstr", "#~ msgstr")):
                msgstr_line = number + 1
                break
            if text.startswith(("msgid", "#~ msgid")) and flag_line == raw.linenum:
                flag_line = number + 1
        entries.append(
            Entry(
                path=shown,
                line=msgstr_line,
                flag_line=flag_line,
                msgid=raw.msgid,
                # A plural entry is as translated as its first form (Korean has only one).
                msgstr=raw.msgstr or raw.msgstr_plural.get(0, ""),
                fuzzy=raw.fuzzy,
                obsolete=bool(raw.obsolete),
                flags=list(raw.flags),
                previous=raw.previous_msgid or "",
            )
        )
    return entries


# -- Reading and writing (Babel, as sphinx-intl does) -------------------------


def read_catalog(path: Path, po: polib.POFile | None = None) -> Catalog:
    """Read a catalog with Babel, keeping previous msgids (``#|``, which Babel's reader skips).

    *po* is the same file already read by polib, if the caller has it.
    """
    with path.open("rb") as f:
        catalog = read_po(f, charset="utf-8", abort_invalid=True)
    for message in [*catalog, *catalog.obsolete.values()]:  # Babel reads "#|" lines as comments
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    for entry in po if po is not None else polib.pofile(str(path)):
        if entry.previous_msgid and entry.msgid in catalog:
            catalog[entry.msgid].previous_id = [entry.previous_msgid]
    return catalog


#: A catalog's first entry, when it is the header: comments, then ``msgid ""`` and its msgstr.
HEADER_ENTRY = re.compile(rb'(?:#[^\n]*\n)*msgid ""\n(?!.*^msgid)', re.DOTALL | re.MULTILINE)


def read_header(path: Path) -> Catalog:
    """A catalog's header as `read_catalog` reads it (its fields and whether it is fuzzy),
    reading only the header entry when it comes first, as GNU gettext writes it."""
    first = path.read_bytes().lstrip(b"\n").split(b"\n\n", 1)[0] + b"\n"
    if not HEADER_ENTRY.match(first):
        return read_catalog(path)
    return read_po(io.BytesIO(first), charset="utf-8", abort_invalid=True)


def formatted(catalog: Catalog) -> bytes:
    """The one form of a catalog: Babel's ``write_po`` at the project's width, with ``#|``."""
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH)
    text = out.getvalue().decode(catalog.charset)  # (another charset is a header problem of its own)
    # Babel's include_previous re-wraps a multi-line previous msgid into one invalid
    # comment; write it as gettext does: the msgid's own lines, each behind "#| ".
    for message in catalog:
        if message.id and message.previous_id and isinstance(message.id, str):
            block = f"msgid {normalize(message.id, width=WIDTH)}\nmsgstr"
            previous = "".join(
                f"#| {line}\n"
                for line in f"msgid {normalize(message.previous_id[0], width=WIDTH)}".splitlines()
            )
            text = text.replace(f"\n{block}", f"\n{previous}{block}", 1)
    return text.encode("utf-8")


def format_catalog(path: Path) -> bool:
    """Rewrite *path* in the project's form, composed (Unicode NFC); return True if it changed."""
    before = path.read_bytes()
    composed = unicodedata.normalize("NFC", before.decode("utf-8")).encode("utf-8")
    if composed != before:
        path.write_bytes(composed)  # (read below as what it now is)
    after = formatted(read_catalog(path))
    if after != before:
        path.write_bytes(after)
    return after != before


def update_catalog(pot: Path, po: Path, language: str) -> str:
    """Merge template *pot* into catalog *po*: changed messages stay as fuzzy, removed ones obsolete."""
    with pot.open("rb") as f:
        template = read_po(f, charset="utf-8")
    if po.exists():
        catalog = read_catalog(po)
        revived = [m for m in catalog.obsolete.values() if m.id in template]
        for message in revived:  # a message that comes back keeps its old translation, for review
            del catalog.obsolete[message.id]
            message.flags.add("fuzzy")
            catalog[message.id] = message
        previous = {m.id: m.previous_id for m in catalog if m.id and m.previous_id}
        created = catalog.creation_date
        catalog.update(template, update_header_comment=False, keep_user_comments=True)
        for message in catalog:  # Babel forgets the #| of entries that were already fuzzy
            if message.id in previous and message.fuzzy and not message.previous_id:
                message.previous_id = previous[message.id]
        # A template made anew (every commit moves its date) with the same messages is no
        # change: the catalog keeps its POT-Creation-Date, and translators' diffs stay empty.
        templated, catalog.creation_date = catalog.creation_date, created
        if formatted(catalog) == po.read_bytes():
            return "unchanged"
        catalog.creation_date = templated
        status = "updated"
    else:
        catalog = Catalog(
            locale=language, project=template.project, version=template.version, charset="utf-8", fuzzy=False
        )
        sibling = next(iter(sorted(po.parent.glob("*.po"))), None)
        if sibling is not None:  # the same team and translators as the language's other catalogs
            model = read_catalog(sibling)
            catalog.header_comment = model.header_comment
            catalog.last_translator = model.last_translator
            catalog.language_team = model.language_team
            catalog.msgid_bugs_address = model.msgid_bugs_address
        catalog.update(template)
        status = "created"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_bytes(formatted(catalog))
    return status
