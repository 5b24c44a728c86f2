"""Translation progress for readers: a notice on partly translated pages and a status table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from tools.pocheck.catalogs import Stats, catalog_stats, total_stats

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

_ = get_translation("sphinx")


class MetadataIsNotAPassage(SphinxTransform):
    """A page's front matter (``nosearch: true``) is metadata, not a passage to translate.

    MyST gives it to docutils as a field list at the top of the page, which becomes the
    docinfo that Sphinx removes from the page after reading. But Sphinx's ``Locale`` counts
    it first, as untranslated (no catalog has it: ``make gettext`` reads the page after the
    docinfo is gone), so a fully translated page with front matter said "3 of 5 passages
    are translated". Sphinx ignores only an ``orphan`` field ("XXX ignore all metadata").
    """

    default_priority = 5  # before Sphinx's Locale (20) looks for messages

    def apply(self, **kwargs: object) -> None:
        first = next(iter(self.document.children), None)
        if isinstance(first, nodes.field_list):  # the field list docutils makes the docinfo
            for node in first.findall(nodes.TextElement):
                node["translatable"] = False


def add_progress_notice(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put a notice at the top of a page that is not fully translated (not in the source language)."""
    if app.config.language == app.config.edition_languages[0]:
        return
    progress = doctree.get("translation_progress", {})
    total, translated = progress.get("total", 0), progress.get("translated", 0)
    if not total or translated >= total:
        return
    notice = nodes.admonition(classes=["translation-incomplete", "warning"])
    notice += nodes.title("", _("Partly translated"))
    text = nodes.paragraph()
    text += nodes.Text(
        _(
            "%(translated)d of %(total)d passages of this page are translated; "
            "the others are shown in the original."
        )
        % {"translated": translated, "total": total}
        + " "
    )
    status = app.config.translation_status_page
    if status in app.env.all_docs:
        uri = app.builder.get_relative_uri(docname, status)
        text += nodes.reference("", _("Translation status"), refuri=uri, internal=True)
    notice += text
    section = next(iter(doctree.findall(nodes.section)), None)
    parent = section if section is not None else doctree
    index = parent.first_child_matching_class(nodes.title)
    parent.insert(0 if index is None else index + 1, notice)


#: The table's widths in the PDF, in 52nds of the line, by language (the headers differ):
#: each header, count and word of a title fits its cell ("Untranslated"; "로컬리티(Locality)의").
LATEX_WIDTHS = {"ko": (17, 6, 7, 5, 5, 12), "en": (12, 8, 5, 9, 6, 12)}


def latex_columns(language: str) -> str:
    """The PDF table's columns, in a smaller size: page titles on the left, figures on the right.

    (Sphinx's default, six equal justified columns, spread a Korean title over its cell
    character by character, and pushed a header into the margin.)
    """
    page, *counts = LATEX_WIDTHS.get(language, LATEX_WIDTHS["en"])
    spec = rf">{{\raggedright\arraybackslash}}\X{{{page}}}{{52}}"
    return spec + "".join(rf">{{\raggedleft\arraybackslash}}\X{{{width}}}{{52}}" for width in counts)


class TranslationStatus(SphinxDirective):
    """``{translation-status}``: the ``make stats`` table, counted from the catalogs at build time."""

    has_content: ClassVar[bool] = False
    option_spec: ClassVar[dict] = {"language": str}

    def run(self) -> list[nodes.Node]:
        language = self.options.get("language", self.config.edition_languages[-1])
        locale = Path(self.env.srcdir, self.config.locale_dirs[0], language, "LC_MESSAGES")
        all_stats = []
        for path in sorted(locale.glob("*.po")):
            if path.stem not in self.env.found_docs:
                continue
            self.env.note_dependency(str(path))
            all_stats.append(catalog_stats(path, path.stem))
        headers = [_("Page"), _("Translated"), _("Fuzzy"), _("Untranslated"), _("Obsolete"), _("Characters")]
        rows = [[self.page_cell(s.catalog), *self.counts(s)] for s in all_stats]
        rows.append([nodes.strong("", _("Total")), *self.counts(total_stats(all_stats))])
        return [
            nodes.raw("", r"\begingroup\small", format="latex"),
            addnodes.tabular_col_spec(spec=latex_columns(self.config.language)),
            self.table(headers, rows),
            nodes.raw("", r"\endgroup", format="latex"),
        ]

    def page_cell(self, docname: str) -> nodes.Node:
        xref = addnodes.pending_xref(
            "",
            refdomain="std",
            reftype="doc",
            reftarget=f"/{docname}",
            refdoc=self.env.docname,
            refexplicit=False,
            refwarn=True,
        )
        xref += nodes.inline("", docname)
        return xref

    def counts(self, stats: Stats) -> list[nodes.Node]:
        cells: list[nodes.Node] = [nodes.Text(str(stats.entries[state])) for state in Stats.STATES]
        cells.append(
            nodes.Text(f"{stats.chars['translated']:,}/{stats.total_chars:,} ({stats.percent:.0f}%)")
        )
        return cells

    def table(self, headers: list[str], rows: list[list[nodes.Node]]) -> nodes.table:
        table = nodes.table(classes=["translation-status"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        group.extend(nodes.colspec(colwidth=1) for _ in headers)
        head, body = nodes.thead(), nodes.tbody()
        group += head
        group += body
        head += nodes.row("", *(nodes.entry("", nodes.paragraph("", h)) for h in headers))
        for page, *counts in rows:
            # Sphinx wraps each cell in a box that justifies its lines again: a page title
            # that wraps is set ragged right from inside (the PDF only).
            ragged = nodes.raw("", r"\raggedright ", format="latex")
            body += nodes.row(
                "",
                nodes.entry("", nodes.paragraph("", "", ragged, page)),
                *(nodes.entry("", nodes.paragraph("", "", c)) for c in counts),
            )
        return table


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.switcher")
    app.add_config_value("translation_status_page", "status", "html", types=[str])
    app.add_directive("translation-status", TranslationStatus)
    app.add_transform(MetadataIsNotAPassage)
    app.connect("doctree-resolved", add_progress_notice)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
