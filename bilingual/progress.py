"""Translation progress for readers: a passage whose source changed since it was translated (a fuzzy
entry, which Sphinx uses) is shown with a note and a link to the current original, an untranslated
one with a note; a partly translated page has a notice; the status page counts the catalogs."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import traverse_parent
from sphinx.util.typing import ExtensionMetadata
from sphinx_intl.catalog import fuzzy_entries, load_po, translated_entries, untranslated_entries

from bilingual import sidebyside
from bilingual.editions import current, is_translation, language_name, source_language
from bilingual.web import edition_root, relative_url

_ = get_translation("sphinx")
#: A MyST label line: ``(column-p5)=``.
LABEL = re.compile(r"^\((?P<label>[\w:-]+)\)=\s*$")
STATUS_PAGE = "status"
PARTLY_TRANSLATED = (
    "%(translated)d of %(total)d passages of this page are translated; the others are shown in the original."
)


@dataclass
class Progress:
    """Entries and source characters of one catalog (or several), by state."""

    name: str
    entries: dict[str, int]
    chars: dict[str, int]
    #: Each outdated message: its msgid, its (old) msgstr and its line in the source.
    outdated: list[tuple[str, str, int]] = field(default_factory=list)

    STATES: ClassVar[tuple[str, ...]] = ("translated", "fuzzy", "untranslated", "obsolete")

    @classmethod
    def of(cls, path: Path, name: str) -> Progress:
        """Count one catalog with sphinx-intl (a fuzzy entry is not translated: Sphinx shows the source)."""
        catalog = load_po(str(path))
        fuzzy = fuzzy_entries(catalog)
        by_state = {
            "translated": [m for m in translated_entries(catalog) if not m.fuzzy],
            "fuzzy": fuzzy,
            "untranslated": [m for m in untranslated_entries(catalog) if not m.fuzzy],
            "obsolete": list(catalog.obsolete.values()),
        }
        return cls(
            name,
            {state: len(found) for state, found in by_state.items()},
            {state: sum(len(m.id) for m in found) for state, found in by_state.items()},
            [(m.id, m.string, m.locations[0][1] if m.locations else 0) for m in fuzzy],
        )

    @classmethod
    def total(cls, all_progress: list[Progress]) -> Progress:
        return cls(
            "total",
            {s: sum(p.entries[s] for p in all_progress) for s in cls.STATES},
            {s: sum(p.chars[s] for p in all_progress) for s in cls.STATES},
        )

    @property
    def source_chars(self) -> int:
        """Characters of the source the catalog holds now (obsolete entries are gone from the page)."""
        return sum(self.chars[s] for s in self.STATES if s != "obsolete")

    @property
    def percent(self) -> float:
        """Share of the source characters that are translated."""
        return 100.0 * self.chars["translated"] / self.source_chars if self.source_chars else 100.0


def document_catalogs(locale_dir: Path, language: str) -> list[Path]:
    """A language's catalogs of documents (one per page; not Sphinx's own ``sphinx.po``)."""
    return sorted(p for p in (locale_dir / language / "LC_MESSAGES").rglob("*.po") if p.name != "sphinx.po")


class MetadataIsNotAPassage(SphinxTransform):
    """Front matter (``nosearch: true``) is not a passage: Sphinx's ``Locale`` counted it, as no
    catalog has it, and a fully translated page with front matter said "3 of 5 passages"."""

    default_priority = 5  # before Sphinx's Locale (20) looks for messages

    def apply(self, **kwargs: object) -> None:
        if self.document.children and isinstance(self.document[0], nodes.field_list):
            for node in self.document[0].findall(nodes.TextElement):
                node["translatable"] = False


class MarkLag(SphinxPostTransform):
    """Mark each outdated or untranslated passage of a translated page, where readers see it."""

    default_priority = 4  # before bilingual.sidebyside's PairTranslations (5), which marks its rows

    def run(self, **kwargs: object) -> None:
        if not is_translation(self.config) or current(self.config).view:
            return
        source = source_language(self.config)
        name = language_name(source, self.config.language)
        for node in list(self.document.findall(nodes.TextElement)):
            status = sidebyside.status_of(node)
            if status not in ("outdated", "missing"):
                continue
            node["classes"].append(f"translation-{status}")
            if status == "missing":
                node["classes"].append(f"language-{source}")  # (shown in the original's language)
            if isinstance(node, sidebyside.INLINE_PAIRED):
                continue  # (a title or a term keeps its text; the class marks it)
            note = nodes.inline("", " ", classes=["translation-lag-note", f"language-{self.config.language}"])
            if status == "missing":
                note += nodes.Text(_("Not translated yet: shown in %s.") % name)
            else:
                note += nodes.Text(_("Outdated translation: the %s has changed since.") % name + " ")
                note += nodes.reference("", _("Read the current %s") % name, refuri=self.original_url(node))
            node += note

    def original_url(self, node: nodes.Element) -> str:
        """The same passage (its own id or its section's) in the source edition, relative on the web."""
        uri = self.app.builder.get_target_uri(self.env.docname)
        here = edition_root(self.config, self.config.language) + uri
        fragment = next((f"#{e['ids'][0]}" for e in traverse_parent(node) if e.get("ids")), "")
        there = edition_root(self.config, source_language(self.config)) + uri.split("#")[0] + fragment
        return relative_url(here, there) if self.app.builder.format == "html" else there


def add_progress_notice(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put a notice at the top of a translated page that is not fully translated."""
    progress = doctree.get("translation_progress", {})
    total, translated = progress.get("total", 0), progress.get("translated", 0)
    if not is_translation(app.config) or not total or translated >= total:
        return
    text = nodes.paragraph("", _(PARTLY_TRANSLATED) % {"translated": translated, "total": total} + " ")
    if STATUS_PAGE in app.env.all_docs:
        uri = app.builder.get_relative_uri(docname, STATUS_PAGE)
        text += nodes.reference("", _("Translation status"), refuri=uri, internal=True)
    notice = nodes.admonition(
        "", nodes.title("", _("Partly translated")), text, classes=["translation-incomplete", "warning"]
    )
    parent = next(iter(doctree.findall(nodes.section)), doctree)
    index = parent.first_child_matching_class(nodes.title)
    parent.insert(0 if index is None else index + 1, notice)


#: The table's widths in the PDF, in 52nds of the line, by language (the headers differ):
#: each header, count and word of a title fits its cell ("Untranslated"; "로컬리티(Locality)의").
#: (Sphinx's six equal justified columns spread a Korean title over its cell letter by letter.)
LATEX_WIDTHS = {"ko": (17, 6, 7, 5, 5, 12), "en": (12, 8, 5, 9, 6, 12)}


class TranslationStatus(SphinxDirective):
    """``{translation-status}``: the ``make stats`` table of each translation, counted at build time."""

    option_spec: ClassVar[dict] = {"language": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        translations = self.config.edition_languages[1:]
        languages = [self.options["language"]] if "language" in self.options else translations
        locale_dir = Path(self.env.srcdir, self.config.locale_dirs[0])
        page, *counts = LATEX_WIDTHS.get(self.config.language, LATEX_WIDTHS["en"])
        spec = rf">{{\raggedright\arraybackslash}}\X{{{page}}}{{52}}"
        spec += "".join(rf">{{\raggedleft\arraybackslash}}\X{{{width}}}{{52}}" for width in counts)
        result: list[nodes.Node] = [nodes.raw("", r"\begingroup\small", format="latex")]
        for language in languages:
            found = [p for p in document_catalogs(locale_dir, language) if p.stem in self.env.found_docs]
            for path in found:
                self.env.note_dependency(str(path))
            all_progress = [Progress.of(path, path.stem) for path in found]
            rows = [(self.xref("doc", f"/{p.name}", p.name, False), p) for p in all_progress]
            rows.append((nodes.strong("", _("Total")), Progress.total(all_progress)))
            caption = language_name(language, self.config.language) if len(languages) > 1 else None
            result += [
                addnodes.tabular_col_spec(spec=spec),
                self.table(rows, caption),
                *self.outdated_list(all_progress, language),
            ]
        return [*result, nodes.raw("", r"\endgroup", format="latex")]

    def xref(self, reftype: str, target: str, text: str, explicit: bool) -> addnodes.pending_xref:
        return addnodes.pending_xref(
            "",
            nodes.inline("", text),
            refdomain="std",
            reftype=reftype,
            reftarget=target,
            refdoc=self.env.docname,
            refexplicit=explicit,
            refwarn=True,
        )

    def outdated_list(self, all_progress: list[Progress], language: str) -> list[nodes.Node]:
        """Every outdated passage, linked where it is, quoted in this edition's language."""
        items = nodes.bullet_list(classes=["translation-outdated-list"])
        for progress in all_progress:
            path = self.env.doc2path(progress.name)
            outdated = progress.outdated and path.is_file()
            lines = path.read_text(encoding="utf-8").splitlines() if outdated else []
            for msgid, msgstr, line in progress.outdated:
                # The label (``(name)=``) on the line before the passage, if any.
                label = LABEL.match(lines[line - 2]) if 2 <= line <= len(lines) + 1 else None
                text = msgid if self.config.language != language else msgstr
                excerpt = textwrap.shorten(text, 80, placeholder=" …")
                target = ("ref", label["label"]) if label else ("doc", f"/{progress.name}")
                items += nodes.list_item("", nodes.paragraph("", "", self.xref(*target, excerpt, True)))
        if not items.children:
            return []
        return [nodes.paragraph("", "", nodes.strong("", _("Outdated passages")), translatable=False), items]

    def table(self, rows: list[tuple[nodes.Node, Progress]], caption: str | None) -> nodes.table:
        headers = [_("Page"), _("Translated"), _("Fuzzy"), _("Untranslated"), _("Obsolete"), _("Characters")]
        group = nodes.tgroup("", *(nodes.colspec(colwidth=1) for _ in headers), cols=len(headers))
        group += nodes.thead("", nodes.row("", *(nodes.entry("", nodes.paragraph("", h)) for h in headers)))
        group += nodes.tbody()
        for page, progress in rows:
            counts = [str(progress.entries[state]) for state in Progress.STATES]
            chars = f"{progress.chars['translated']:,}/{progress.source_chars:,} ({progress.percent:.0f}%)"
            # Sphinx's box around each cell justifies again: a long page title is ragged from inside (PDF).
            ragged = nodes.raw("", r"\raggedright ", format="latex")
            group[-1] += nodes.row(
                "",
                nodes.entry("", nodes.paragraph("", "", ragged, page)),
                *(nodes.entry("", nodes.paragraph("", c)) for c in [*counts, chars]),
            )
        title = [nodes.title("", caption, translatable=False)] if caption else []
        return nodes.table("", *title, group, classes=["translation-status"])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.sidebyside")
    app.setup_extension("bilingual.web")
    app.add_post_transform(MarkLag)
    app.add_directive("translation-status", TranslationStatus)
    app.add_transform(MetadataIsNotAPassage)
    app.connect("doctree-resolved", add_progress_notice)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
