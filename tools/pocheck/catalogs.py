"""Catalogs of the project: where they are, how they are read, written, updated and counted."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import polib
from babel.messages.catalog import Catalog
from babel.messages.pofile import normalize, read_po, write_po

#: The project's one wrap width; every catalog is written by Babel at this width.
WIDTH = 79
#: Catalogs of Sphinx's own domain (theme strings), not of documents.
UI_CATALOGS = {"sphinx.po"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalog, where it is and what to do about it."""

    path: str
    line: int
    what: str
    todo: str
    fatal: bool = False
    #: Whether it stops a publication too, or only `make check-po` (and so CI and commits):
    #: a catalog saved by another editor (Poedit wraps as GNU gettext does) still previews.
    blocks_publication: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} — {self.todo}"


@dataclass
class Project:
    """A checkout of the edition: sources, catalogs, glossary and word list."""

    root: Path
    source_language: str = "ko"

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

    def all_catalogs(self) -> list[Path]:
        """Every catalog, pages in subdirectories included (gettext_compact = False)."""
        return sorted(self.locale_dir.glob("*/LC_MESSAGES/**/*.po"))

    def wordlist(self, language: str = "en") -> Path:
        return self.locale_dir / language / "wordlist.txt"

    @cached_property
    def glossary(self) -> dict[str, str]:
        """Glossary terms of the source and their English forms (from glossary.po)."""
        from tools.pocheck.glossary import read_glossary

        return read_glossary(self)


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

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and not self.fuzzy and not self.obsolete

    def problem(self, what: str, todo: str) -> Problem:
        return Problem(self.path, self.line, what, todo)


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
    """Rewrite *path* in the project's form; return True if it changed."""
    before = path.read_bytes()
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


# -- Counting ------------------------------------------------------------------


@dataclass
class Stats:
    """Entries and source characters of one catalog, by state."""

    catalog: str
    entries: dict[str, int] = field(default_factory=dict)
    chars: dict[str, int] = field(default_factory=dict)

    STATES = ("translated", "fuzzy", "untranslated", "obsolete")

    def add(self, state: str, msgid: str) -> None:
        self.entries[state] = self.entries.get(state, 0) + 1
        self.chars[state] = self.chars.get(state, 0) + len(msgid)

    @property
    def total(self) -> int:
        """Live entries (obsolete ones are not part of the page any more)."""
        return sum(self.entries.get(s, 0) for s in self.STATES if s != "obsolete")

    @property
    def total_chars(self) -> int:
        return sum(self.chars.get(s, 0) for s in self.STATES if s != "obsolete")

    @property
    def percent(self) -> float:
        """Share of the source characters that are translated."""
        return 100.0 * self.chars.get("translated", 0) / self.total_chars if self.total_chars else 100.0

    def as_dict(self) -> dict[str, object]:
        return {
            "catalog": self.catalog,
            "entries": {s: self.entries.get(s, 0) for s in self.STATES},
            "chars": {s: self.chars.get(s, 0) for s in self.STATES},
            "percent_translated": round(self.percent, 1),
        }


def catalog_stats(path: Path, name: str | None = None) -> Stats:
    """Count the entries of one catalog by state (read with polib, which tolerates no syntax error)."""
    stats = Stats(name or path.stem)
    po = polib.pofile(str(path))
    for entry in po:
        if not entry.msgid:
            continue
        state = "fuzzy" if entry.fuzzy else "translated" if entry.msgstr else "untranslated"
        stats.add(state, entry.msgid)
    for entry in po.obsolete_entries():
        stats.add("obsolete", entry.msgid)
    for state in Stats.STATES:
        stats.entries.setdefault(state, 0)
        stats.chars.setdefault(state, 0)
    return stats


def total_stats(all_stats: list[Stats]) -> Stats:
    """Sum of several catalogs' counts."""
    total = Stats("total")
    for stats in all_stats:
        for state in Stats.STATES:
            total.entries[state] = total.entries.get(state, 0) + stats.entries.get(state, 0)
            total.chars[state] = total.chars.get(state, 0) + stats.chars.get(state, 0)
    return total
