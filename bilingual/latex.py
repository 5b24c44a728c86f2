"""PDF editions through LaTeX: per-language settings, file name, metadata and title page."""

import logging as stdlib_logging
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import traverse_parent
from sphinx.util.template import LaTeXRenderer
from sphinx.util.texescape import escape
from sphinx.util.typing import ExtensionMetadata

from bilingual import sidebyside
from bilingual.editions import current

logger = logging.getLogger(__name__)


def pdf_stem(config: Config) -> str:
    """The file name (without extension) of this edition's PDF: ``name-en``, ``name-ko-en``."""
    return f"{config.edition_name}-{current(config).name}"


def not_babel_warning(record: stdlib_logging.LogRecord) -> bool:
    """Drop the LaTeX builder's "no Babel option known" warning: kotex, not Babel, sets Korean."""
    return not str(record.msg).startswith("no Babel option known for language")


def apply_language_settings(app: Sphinx, config: Config) -> None:
    """Merge the built language's LaTeX settings and name its document."""
    elements = dict(config.latex_elements)
    for key, value in config.latex_language_elements.get(config.language, {}).items():
        elements[key] = elements.get(key, "") + "\n" + value if key == "preamble" else value
    if current(config).view:
        for package in ("paracol", "ragged2e"):
            app.add_latex_package(package)
        elements["preamble"] = elements.get("preamble", "") + SIDE_BY_SIDE_PREAMBLE
    config.latex_elements = elements
    if "kotex" in elements.get("fontpkg", ""):
        for name in ("sphinx.builders.latex", "sphinx.writers.latex"):
            logging.getLogger(name).logger.addFilter(not_babel_warning)
    # Title and author are filled in once the documents are read (see set_document_data).
    config.latex_documents = [(config.root_doc, f"{pdf_stem(config)}.tex", "", "", "manual", True)]


def byline_fields(app: Sphinx, doctree: nodes.document) -> list[tuple[str, list[str]]]:
    """The title document's labelled field list: each value, or its original and its translation."""
    if current(app.config).view:
        sidebyside.pair(doctree, app.config)
    sides = {"bilingual-source", "bilingual-target"}
    for field_list in doctree.findall(nodes.field_list):
        if app.config.pdf_byline_label in field_list["ids"] + field_list["names"]:
            fields = []
            for name, body in field_list:
                halves = [p.astext() for p in body.findall(nodes.container) if sides & set(p["classes"])]
                fields.append((name.astext(), halves or [body.astext()]))
            return fields
    label, document = app.config.pdf_byline_label, app.config.edition_main_doc
    logger.warning("no field list labelled %r in %r for the PDF title page", label, document)
    return []


def set_document_data(app: Sphinx, builder: Builder) -> None:
    """Give the PDF its translated title, author, title page and metadata before writing."""
    if builder.format != "latex":
        return
    config = app.config
    doctree = app.env.get_doctree(config.edition_main_doc)  # read once: the title, then the byline
    title = app.env.titles[config.edition_main_doc].astext()
    heading = next(doctree.findall(nodes.title), nodes.title())
    if current(config).view and (source_title := sidebyside.original_text(heading)) is not None:
        title = f"{source_title}{sidebyside.SEPARATOR}{title}"
    author = config.author  # translated by bilingual.edition_meta
    original = config.edition_source_settings.get("author", author)
    if current(config).view and author != original:
        author = f"{original} / {author}"
    config.latex_documents = [(config.root_doc, f"{pdf_stem(config)}.tex", title, author, "manual", True)]
    context: dict[str, Any] = builder.context  # type: ignore[attr-defined]
    fields = byline_fields(app, doctree)
    renderer = LaTeXRenderer([Path(__file__).parent / "templates"])  # (Jinja drops the last newline)
    context["maketitle"] = renderer.render("titlepage.tex_t", {"title": title, "fields": fields}) + "\n"
    # One column of one date: the running header is the title, not "…, Release 1.0"
    # (``release`` is for the EPUB's metadata). Both empty, Sphinx drops the comma too.
    context["release"] = context["releasename"] = ""
    # The document information, as hyperref strings: escaped, with plain hyphens.
    pdf_title, pdf_author = (escape(text).replace(r"\sphinxhyphen{}", "-") for text in (title, author))
    context["preamble"] += (
        rf"\hypersetup{{pdftitle={{{pdf_title}}}, pdfauthor={{{pdf_author}}},"
        rf" pdflang={{{current(config).languages[0]}}}}}"
        "\n"
    )


#: LaTeX for the side-by-side PDF: Korean left, English right, each pair starting level.
SIDE_BY_SIDE_PREAMBLE = r"""
\columnratio{0.5}
\setlength{\columnsep}{1.6em}
\newcommand{\bilingualcolwidth}{\dimexpr(\linewidth-\columnsep)/2\relax}
\linespread{1.25}
% Korean broken only between words cannot fill a half-width line evenly: ragged right.
\newcommand{\bilingualsource}{\RaggedRight}
\newcommand{\bilingualtarget}{\justifying}
"""
#: Rows at the top level flow in paracol columns (which break across pages); rows inside
#: a list, a glossary or a field list sit in two top-aligned minipages within the item.
ROW_LATEX = {
    "paracol": (r"\begin{paracol}{2}\bilingualsource", r"\switchcolumn\bilingualtarget", r"\end{paracol}"),
    "minipage": (
        r"\par\noindent\begin{minipage}[t]{\bilingualcolwidth}\bilingualsource",
        r"\end{minipage}\hfill\begin{minipage}[t]{\bilingualcolwidth}\bilingualtarget",
        r"\end{minipage}\par",
    ),
}
IN_ITEM = (nodes.list_item, nodes.definition, nodes.field_body, nodes.entry, nodes.footnote)


class SideBySideColumns(SphinxPostTransform):
    """Lay out each aligned pair of bilingual.sidebyside in two columns of the PDF."""

    default_priority = 400
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        if not current(self.config).view:
            return
        rows = [n for n in self.document.findall(nodes.container) if "bilingual-row" in n["classes"]]
        for row in rows:
            source, target = row.children
            layout = (
                "minipage" if any(isinstance(a, IN_ITEM) for a in traverse_parent(row.parent)) else "paracol"
            )
            begin, switch, end = (nodes.raw("", code, format="latex") for code in ROW_LATEX[layout])
            anchors = [nodes.target("", "", ids=[row_id]) for row_id in row["ids"]]
            row.replace_self([*anchors, begin, *source.children, switch, *target.children, end])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.sidebyside")
    app.setup_extension("bilingual.downloads")  # edition_name: the PDFs' file name
    app.setup_extension("bilingual.edition_meta")  # the translated author
    app.add_config_value("pdf_byline_label", "", "env", types=[str])
    app.add_config_value("latex_language_elements", {}, "env", types=[dict])
    app.connect("config-inited", apply_language_settings, priority=800)
    app.connect("write-started", set_document_data)
    app.add_post_transform(SideBySideColumns)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
