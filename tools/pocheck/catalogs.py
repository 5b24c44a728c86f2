"""Catalogs of the project: where they are, how they are read, written and updated (Babel)."""

import io
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import denormalize, normalize, read_po, write_po

from bilingual.editions import project_languages
from bilingual.freshness import digest

#: The project's one wrap width; every catalog is written by Babel at this width.
WIDTH = 79
#: Catalogs of Sphinx's own domain (theme strings), not of documents.
UI_CATALOGS = {"sphinx.po"}
#: What a problem means for a publication (docs/translating.md): a *hazard* keeps its language from
#: being published; *lag* is shown to readers as such; *style* is noted. `make check-po` refuses all.
HAZARD, LAG, STYLE = "hazard", "lag", "style"


@cache
def language_of(path: str) -> str:
    """The language of a catalog (``locale/<lang>/LC_MESSAGES/…``); "" for another file."""
    parts = Path(path).parts
    return parts[parts.index("LC_MESSAGES") - 1] if "LC_MESSAGES" in parts else ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalog, where it is and what to do about it."""

    path: str
    line: int
    what: str
    todo: str
    kind: str = HAZARD

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} — {self.todo}"

    @property
    def language(self) -> str:
        return language_of(self.path)


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

    def relative(self, path: Path) -> str:
        """*path* as shown in messages: relative to the project root when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def changed_catalogs(self) -> set[Path] | None:
        """The catalogs changed, staged or new since the last commit; None when git cannot tell."""
        git = [["rev-parse", "--show-toplevel"], ["diff", "--name-only", "-z", "HEAD", "--", "locale"]]
        git.append(["ls-files", "--others", "--exclude-standard", "-z", "--", "locale"])
        try:
            top, changed, new = [
                subprocess.run(["git", *a], cwd=self.root, capture_output=True, text=True, check=True).stdout
                for a in git
            ]
        except (OSError, subprocess.CalledProcessError):
            return None
        if Path(top.strip()).resolve() != self.root.resolve():
            return None  # (a copy inside another checkout would look unchanged)
        return {(self.root / name).resolve() for name in (changed + new).split("\0") if name}

    def digests(self, paths: list[Path]) -> dict[Path, str]:
        """A digest of each catalog and of everything its checks also read (glossary, word list, code)."""
        code = [Path(__file__).parent, Path(__file__).parents[2] / "bilingual"]  # (the gate imports both)
        read = [self.root / "conf.py", self.root / "source" / "glossary.md", *code]
        read += [*self.locale_dir.glob("*/LC_MESSAGES/glossary.po"), *self.locale_dir.glob("*/wordlist.txt")]
        shared = digest(read, self.root)
        return {path: digest([path], self.root, [shared]) for path in paths}

    def all_catalogs(self) -> list[Path]:
        """Every catalog, pages in subdirectories included (gettext_compact = False)."""
        return sorted(self.locale_dir.glob("*/LC_MESSAGES/**/*.po"))


@dataclass
class Entry:
    """One message of a catalog (not an obsolete one), with the lines a translator needs to find it."""

    path: str
    line: int  # the msgstr line
    flag_line: int  # the "#," line, or the msgid line when there is none
    msgid: str
    msgstr: str
    fuzzy: bool
    previous: str = ""  # the previous msgid (#|) of a fuzzy entry

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and not self.fuzzy

    @property
    def language(self) -> str:
        return language_of(self.path)

    def problem(self, what: str, todo: str, kind: str = HAZARD) -> Problem:
        return Problem(self.path, self.line, what, todo, kind)


def load_entries(project: Project, path: Path, catalog: Catalog | None = None) -> list[Entry]:
    """The entries of a catalog that passed ``msgfmt --check`` (*catalog*: it, read by `read_catalog`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    shown, entries = project.relative(path), []
    for message in [m for m in (catalog if catalog is not None else read_catalog(path)) if m.id]:
        msgid_line = flag_line = message.lineno
        msgstr_line = next(n for n in range(msgid_line, len(lines) + 1) if lines[n - 1].startswith("msgstr"))
        for n in range(msgid_line - 1, 0, -1):  # the entry's comments, above its msgid
            if not lines[n - 1].startswith("#") or lines[n - 1].startswith("#~"):
                break
            flag_line = n if lines[n - 1].startswith("#,") else flag_line
        # A plural entry is as translated as its first form (Korean has only one).
        msgid, msgstr = (text if isinstance(text, str) else text[0] for text in (message.id, message.string))
        previous = message.previous_id[0] if message.previous_id else ""
        entries.append(Entry(shown, msgstr_line, flag_line, msgid, msgstr, message.fuzzy, previous))
    return entries


def read_catalog(path: Path, strict: bool = True) -> Catalog:
    """Read a catalog with Babel, with its previous msgids (``#|``, which Babel reads as comments);
    not *strict*: as it is, also one that fails the gate's syntax check."""
    with path.open("rb") as f:
        catalog = read_po(f, charset="utf-8", abort_invalid=strict)
    for message in [*catalog, *catalog.obsolete.values()]:
        previous = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        if previous and message.id and previous[0].startswith("msgid "):
            message.previous_id = [denormalize("\n".join(previous).removeprefix("msgid "))]
    return catalog


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
            previous = f"msgid {normalize(message.previous_id[0], width=WIDTH)}".splitlines()
            text = text.replace(f"\n{block}", "\n" + "".join(f"#| {line}\n" for line in previous) + block, 1)
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
    template, status = read_catalog(pot), "updated" if po.exists() else "created"
    if po.exists():
        catalog = read_catalog(po)
        for message in [m for m in catalog.obsolete.values() if m.id in template]:
            del catalog.obsolete[message.id]  # a message that comes back keeps its translation, for review
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
    else:
        catalog = Catalog(locale=language, project=template.project, version=template.version, fuzzy=False)
        for model in map(read_catalog, sorted(po.parent.glob("*.po"))[:1]):  # the language's team
            catalog.header_comment, catalog.last_translator = model.header_comment, model.last_translator
            catalog.language_team, catalog.msgid_bugs_address = model.language_team, model.msgid_bugs_address
        catalog.update(template)
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_bytes(formatted(catalog))
    return status
