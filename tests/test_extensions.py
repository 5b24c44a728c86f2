"""The local extensions on tiny test roots, built by sphinx.testing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

import bilingual

TEMPLATES = Path(bilingual.__file__).parent / "templates"
BILINGUAL_EXTENSIONS = [
    "myst_parser",
    "bilingual.switcher",
    "bilingual.anchors",
    "bilingual.glossary_order",
    "bilingual.sidebyside",
]

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def html(app: SphinxTestApp, name: str = "index") -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "lxml")


@pytest.mark.sphinx("html", testroot="bilingual", srcdir="terms-ko")
def test_glossary_terms_are_named_after_their_source_text(app: SphinxTestApp, warning) -> None:
    app.build()
    assert not warning.getvalue()
    page = html(app)
    assert [dt["id"] for dt in page.select("dl.glossary dt")] == ["term-배", "term-사과"]
    assert {a["href"] for a in page.select("p a.reference")} == {"#term-사과", "#term-배"}


@pytest.mark.sphinx("html", testroot="bilingual", confoverrides={"language": "en"}, srcdir="terms-en")
def test_translated_glossary_keeps_ids_and_sorts_in_english(app: SphinxTestApp, warning) -> None:
    app.build()
    assert not warning.getvalue()
    page = html(app)
    terms = page.select("dl.glossary dt")
    assert [dt.get_text().strip("¶") for dt in terms] == ["apple", "pear"]
    assert [dt["id"] for dt in terms] == ["term-사과", "term-배"]
    assert page.select_one("section")["id"] == "start"
    assert [s["id"] for s in page.select("section section")] == ["start-terms"]


@pytest.mark.sphinx("html", testroot="unlabelled", srcdir="unlabelled")
def test_section_without_label_is_a_warning(app: SphinxTestApp, warning) -> None:
    app.build()
    assert "section '이름표 없는 절' has no explicit label" in warning.getvalue()


@pytest.mark.sphinx(
    "html", testroot="bilingual", confoverrides={"language": "en", "bilingual_sidebyside": True}, srcdir="sbs"
)
def test_side_by_side_rows_pair_each_message_with_its_status(app: SphinxTestApp, warning) -> None:
    app.build()
    assert not warning.getvalue()
    page = html(app)
    rows = page.select("div.bilingual-row")
    cells = [
        (
            row.select_one(".bilingual-source").get_text().strip(),
            row.select_one(".bilingual-target p").get_text(),
        )
        for row in rows
    ]
    assert cells[:3] == [
        ("사과와 배를 비교한다.", "We compare apples with pears."),
        ("번역이 오래된 문단.", "A paragraph whose translation is out of date."),  # (the fuzzy entry, marked)
        ("번역이 없는 문단.", "번역이 없는 문단."),
    ]
    statuses = [
        c for row in rows[:3] for c in row["class"] if c.startswith("bilingual-") and c != "bilingual-row"
    ]
    assert statuses == ["bilingual-translated", "bilingual-outdated", "bilingual-missing"]
    assert [row.select_one(".bilingual-status") is not None for row in rows[:3]] == [False, True, True]
    assert all(row["id"].startswith("pair-") for row in rows[:3])
    assert len({row["id"] for row in rows}) == len(rows)
    title = page.select_one("h1")
    assert title.select_one(".bilingual-source").get_text() == "시작"
    assert title.select_one(".bilingual-target").get_text() == "Start"
    assert title.select_one(".bilingual-source")["lang"] == "ko"


@pytest.mark.sphinx(
    "html", testroot="bilingual", confoverrides={"language": "en"}, parallel=2, srcdir="parallel"
)
def test_extensions_are_safe_in_a_parallel_build(app: SphinxTestApp, warning) -> None:
    app.build()
    assert not warning.getvalue()
    assert app.parallel == 2
    for name in ("one", "two", "three", "four", "five"):
        page = html(app, name)
        assert page.select_one("section")["id"] == f"page-{name}"
        assert page.select_one('a[href="index.html#term-사과"]').get_text() == "사과"


@pytest.mark.sphinx(
    "html",
    testroot="bilingual",
    confoverrides={"language": "en", "html_theme": "furo", "templates_path": [str(TEMPLATES)]},
    srcdir="switcher",
)
def test_switcher_links_the_same_page_in_each_edition(app: SphinxTestApp) -> None:
    app.build()
    links = {a.get_text(): a["href"] for a in html(app, "one").select("nav.edition-switcher a")}
    assert links == {"한국어": "../ko/one.html", "Side by side": "../ko-en/one.html"}
    alternates = {link["hreflang"]: link["href"] for link in html(app, "one").select('link[rel="alternate"]')}
    assert alternates == {"ko": "/ko/one.html", "en": "/en/one.html", "x-default": "/ko/one.html"}


def test_view_builder_writes_from_the_translations_doctrees_what_a_paired_build_writes(
    make_app, rootdir, tmp_path
) -> None:
    """The ``sidebyside`` builder, run on the English build's doctrees (the same build
    directory), reads nothing again and writes what a whole paired build writes; after a
    page is read again, it writes that page only."""
    shutil.copytree(rootdir / "test-bilingual", tmp_path / "src")
    one = tmp_path / "src" / "one.md"
    one.write_text("(page-one)=\n# 하나\n\n\"따옴표\"와 '작은따옴표'가 있는 문단.\n", encoding="utf-8")
    english = make_app(
        "html", srcdir=tmp_path / "src", builddir=tmp_path / "b", confoverrides={"language": "en"}
    )
    english.build()
    view = make_app(
        "sidebyside", srcdir=tmp_path / "src", builddir=tmp_path / "b", confoverrides={"language": "en"}
    )
    assert view.doctreedir == english.doctreedir
    read: list[str] = []
    view.connect("source-read", lambda app, docname, source: read.append(docname))
    written: list[str] = []
    view.connect("html-page-context", lambda app, page, *args: written.append(page))
    view.build()
    assert read == [], "the view reads nothing again"
    whole = make_app(
        "html",
        srcdir=tmp_path / "src",
        builddir=tmp_path / "whole",
        confoverrides={"language": "en", "bilingual_sidebyside": True},
    )
    whole.build()
    names = sorted(p.name for p in whole.outdir.glob("*.html"))
    assert names == sorted(p.name for p in view.outdir.glob("*.html")) and "one.html" in names
    options = re.compile(rb"documentation_options\.js\?v=\w+")  # (it names the builder)
    for name in names:
        pages = [options.sub(b"", (build.outdir / name).read_bytes()) for build in (view, whole)]
        assert pages[0] == pages[1], name
    assert not (view.outdir / "searchindex.js").exists()  # (publish.py merges the editions' into it)
    # The English pages carry no pairs; the originals get the quotes of their own language.
    assert not html(english, "index").select(".bilingual-row")
    original = html(view, "one").select_one(".bilingual-row .bilingual-source")
    assert original.get_text(strip=True) == "“따옴표”와 ‘작은따옴표’가 있는 문단."
    # One page changes: the view writes what the English build wrote again, no more.
    one.write_text(one.read_text(encoding="utf-8") + "\n바뀐 문단.\n", encoding="utf-8")
    english_written: list[str] = []
    english.connect("html-page-context", lambda app, page, *args: english_written.append(page))
    english.build()
    written.clear()
    view.build()
    documents = view.env.found_docs
    assert [p for p in written if p in documents] == [p for p in english_written if p in documents]
    assert "one" in written and len([p for p in written if p in documents]) < len(documents)
    assert "바뀐 문단." in (view.outdir / "one.html").read_text(encoding="utf-8")


def test_page_description_is_the_first_running_paragraph() -> None:
    """Not the byline's field list, nor a note: the first paragraph a reader reads, shortened."""
    from docutils import nodes
    from docutils.utils import new_document

    from bilingual import web

    document = new_document("page")
    byline = nodes.field_list("", nodes.field("", nodes.field_name("", "작성자"), nodes.field_body()))
    byline[0][1] += nodes.paragraph("", "김성옥")
    note = nodes.note("", nodes.paragraph("", "알림."))
    long = " ".join(["혁신에도 로컬리티가 필요한 때가 아닌가."] * 20)
    document += [byline, note, nodes.paragraph("", long), nodes.paragraph("", "둘째 문단.")]
    description = web.page_description(document)
    assert description.startswith("혁신에도 로컬리티가") and description.endswith(" …")
    assert len(description) <= web.DESCRIPTION_LENGTH


@pytest.mark.sphinx(
    "html",
    testroot="bilingual",
    srcdir="web",
    confoverrides={
        "language": "en",
        "extensions": [*BILINGUAL_EXTENSIONS, "bilingual.web"],
        "html_baseurl": "https://example.org/edition/",
    },
)
def test_each_page_is_described_and_located_in_its_language(app: SphinxTestApp) -> None:
    """bilingual.web's description replaces sphinxext-opengraph's; canonical and og:url name the page
    in its language's edition."""
    from bilingual import web

    app.build()
    for docname in ("index", "one"):
        page = html(app, docname)
        description = web.page_description(app.env.get_doctree(docname))
        assert [tag["content"] for tag in page.select('meta[property="og:description"]')] == [description]
        assert [tag["content"] for tag in page.select('meta[name="description"]')] == [description]
        url = f"https://example.org/edition/en/{docname}.html"
        assert [tag["content"] for tag in page.select('meta[property="og:url"]')] == [url]
        assert [tag["href"] for tag in page.select('link[rel="canonical"]')] == [url]
        assert [tag["content"] for tag in page.select('meta[property="og:locale"]')] == ["en_US"]
