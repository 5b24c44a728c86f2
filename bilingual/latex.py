"""PDF editions through LaTeX: per-language settings, file name, metadata and title page."""

from __future__ import annotations

import logging as stdlib_logging
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import traverse_parent
from sphinx.util.texescape import escape

from bilingual import sidebyside
from bilingual.editions import source_language

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


def pdf_stem(config: Config) -> str:
    """Return the file name (without extension) of this language's PDF, e.g. ``name-en``."""
    suffix = config.language
    if sidebyside.enabled(config):
        suffix = f"{source_language(config)}-{config.language}"
    return f"{config.edition_name}-{suffix}"


class NoBabelWarningFilter(stdlib_logging.Filter):
    """Drop the LaTeX builder's "no Babel option known" warning: kotex, not Babel, sets Korean."""

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        return not str(record.msg).startswith("no Babel option known for language")


NO_BABEL_WARNING = NoBabelWarningFilter()


def apply_language_settings(app: Sphinx, config: Config) -> None:
    """Merge the built language's LaTeX settings and name its document."""
    elements = dict(config.latex_elements)
    for key, value in config.latex_language_elements.get(config.language, {}).items():
        elements[key] = elements.get(key, "") + "\n" + value if key == "preamble" else value
    if sidebyside.enabled(config):
        app.add_latex_package("paracol")
        app.add_latex_package("ragged2e")
        elements["preamble"] = elements.get("preamble", "") + SIDE_BY_SIDE_PREAMBLE
    config.latex_elements = elements
    if "kotex" in elements.get("fontpkg", ""):
        for name in ("sphinx.builders.latex", "sphinx.writers.latex"):
            logging.getLogger(name).logger.addFilter(NO_BABEL_WARNING)
    # Title and author are filled in once the documents are read (see set_document_data).
    config.latex_documents = [(config.root_doc, f"{pdf_stem(config)}.tex", "", "", "manual", True)]


def field_lines(body: nodes.Element) -> list[str]:
    """The text of a field body: one line, or the original and its translation when paired."""
    paired = [
        part.astext()
        for part in body.findall(nodes.container)
        if {"bilingual-source", "bilingual-target"} & set(part["classes"])
    ]
    return paired or [body.astext()]


def byline_fields(app: Sphinx, doctree: nodes.document) -> list[tuple[str, list[str]]]:
    """The (translated) byline of the title document *doctree*: its labelled field list."""
    if sidebyside.enabled(app.config):
        sidebyside.pair(doctree, app.config)
    for field_list in doctree.findall(nodes.field_list):
        if app.config.pdf_byline_label in field_list["ids"] + field_list["names"]:
            return [(field[0].astext(), field_lines(field[1])) for field in field_list]
    logger.warning(
        "no field list labelled %r in %r for the PDF title page",
        app.config.pdf_byline_label,
        app.config.edition_main_doc,
    )
    return []


def pdf_string(text: str) -> str:
    """Escape *text* for a hyperref PDF string (document information, bookmarks)."""
    return escape(text).replace(r"\sphinxhyphen{}", "-")


def title_page(title: str, fields: list[tuple[str, list[str]]]) -> str:
    """LaTeX for a title page: the title, then the byline as a two-column list."""
    newline = r"\newline "
    rows = "\n".join(
        rf"{{\sffamily\bfseries {escape(name)}}} & "
        rf"\parbox[t]{{0.7\linewidth}}{{\raggedright {newline.join(escape(v) for v in values)}}} \\"
        for name, values in fields
    )
    return rf"""
\begin{{titlepage}}
\raggedright
\vspace*{{30mm}}
{{\sffamily\bfseries\fontsize{{24}}{{34}}\selectfont {escape(title)}\par}}
\vspace{{12mm}}
{{\color{{black!60}}\rule{{\linewidth}}{{0.6pt}}}}\par
\vspace{{8mm}}
\begin{{tabular}}{{@{{}}l@{{\hspace{{2em}}}}l@{{}}}}
{rows}
\end{{tabular}}
\end{{titlepage}}
"""


def document_title(app: Sphinx, doctree: nodes.document) -> str:
    """The title of the title document; side by side, its original and its translation."""
    title = app.env.titles[app.config.edition_main_doc].astext()
    if sidebyside.enabled(app.config):
        heading = next(doctree.findall(nodes.title), None)
        original = sidebyside.original_text(heading) if heading is not None else None
        if original is not None:
            title = f"{original}{sidebyside.SEPARATOR}{title}"
    return title


def set_document_data(app: Sphinx, builder: Builder) -> None:
    """Give the PDF its translated title, author, title page and metadata before writing."""
    if builder.format != "latex":
        return
    config = app.config
    doctree = app.env.get_doctree(config.edition_main_doc)  # read once: the title, then the byline
    title = document_title(app, doctree)
    author = config.author  # translated by bilingual.edition_meta
    original = config.edition_source_settings.get("author", author)
    if sidebyside.enabled(config) and author != original:
        author = f"{original} / {author}"
    config.latex_documents = [(config.root_doc, f"{pdf_stem(config)}.tex", title, author, "manual", True)]
    context: dict[str, Any] = builder.context  # type: ignore[attr-defined]
    context["maketitle"] = title_page(title, byline_fields(app, doctree))
    # One column of one date: the running header is the title, not "…, Release 1.0"
    # (``release`` is for the EPUB's metadata). Both empty, Sphinx drops the comma too.
    context["release"] = context["releasename"] = ""
    context["preamble"] += (
        rf"\hypersetup{{pdftitle={{{pdf_string(title)}}}, pdfauthor={{{pdf_string(author)}}},"
        rf" pdflang={{{source_language(config) if sidebyside.enabled(config) else config.language}}}}}"
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
    "paracol": (
        r"\begin{paracol}{2}\bilingualsource",
        r"\switchcolumn\bilingualtarget",
        r"\end{paracol}",
    ),
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
        if not sidebyside.enabled(self.config):
            return
        for row in list(self.document.findall(nodes.container)):
            if "bilingual-row" not in row["classes"]:
                continue
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
