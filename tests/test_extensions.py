"""The local extensions on tiny test roots, built by sphinx.testing."""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import time
import weakref
from pathlib import Path

import polib
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
        ("번역이 오래된 문단.", "번역이 오래된 문단."),
        ("번역이 없는 문단.", "번역이 없는 문단."),
    ]
    statuses = [
        c for row in rows[:3] for c in row["class"] if c.startswith("bilingual-") and c != "bilingual-row"
    ]
    assert statuses == ["bilingual-translated", "bilingual-fuzzy", "bilingual-missing"]
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


@pytest.mark.parametrize("helper", ["auto", "now", "after", "off"])
def test_view_written_by_the_translation_build_is_the_view_a_build_of_its_own_writes(
    make_app, rootdir, tmp_path, monkeypatch, helper
) -> None:
    """One English read writes the English pages and the side-by-side view (a forked writer),
    with its pages shared with a helper (``now``: from the start; ``after``: once the English
    pages are written, as on two CPUs), or not."""
    from bilingual import sidebyside_writer

    if helper == "after":
        monkeypatch.setattr(sidebyside_writer, "HELPER_FROM", 1)  # (the forked writers inherit it)
        monkeypatch.setattr(sidebyside_writer, "helper_starts_at_once", lambda app: False)
    shared = helper in ("now", "after")
    extensions = [*BILINGUAL_EXTENSIONS, "bilingual.sidebyside_writer"]
    shutil.copytree(rootdir / "test-bilingual", tmp_path / "src")
    (tmp_path / "src" / "one.md").write_text(
        "(page-one)=\n# 하나\n\n\"따옴표\"와 '작은따옴표'가 있는 문단.\n", encoding="utf-8"
    )
    view = tmp_path / "view"
    english = make_app(
        "html",
        srcdir=tmp_path / "src",
        builddir=tmp_path / "en",
        confoverrides={
            "language": "en",
            "extensions": extensions,
            "bilingual_sidebyside_outdir": str(view),
            "bilingual_sidebyside_helper": "auto" if helper == "after" else helper,
            # (a helper only when the view's index is the editions' merged: see below)
            "bilingual_sidebyside_merged_search": shared,
        },
    )
    writers = tmp_path / "writers.txt"  # which process wrote each page of the view

    def note_writer(app, pagename, *args) -> None:
        if app.config.bilingual_sidebyside:
            with writers.open("a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {pagename}\n")

    english.connect("html-page-context", note_writer)
    english.build()
    written = [line.split() for line in writers.read_text(encoding="utf-8").splitlines()]
    pages = [page for _, page in written]
    assert len(pages) == len(set(pages)), "every page is written once"
    # (the test root's six pages are too few for "auto"; "now" shares them from the start;
    # "after" may find them all written when the English pages are)
    assert len({pid for pid, _ in written}) in ({2} if helper == "now" else {1, 2} if shared else {1})
    alone = make_app(
        "html",
        srcdir=tmp_path / "src",
        builddir=tmp_path / "alone",
        confoverrides={"language": "en", "extensions": extensions, "bilingual_sidebyside": True},
    )
    alone.build()
    assert not english._warning.getvalue()  # (a second app in one process re-registers nodes: not checked)
    names = sorted(p.name for p in alone.outdir.glob("*.html"))
    assert names == sorted(p.name for p in view.glob("*.html")) and "one.html" in names
    for name in names:
        assert (view / name).read_bytes() == (alone.outdir / name).read_bytes(), name
    if shared:
        assert not (view / "searchindex.js").exists()  # (publish.py merges the editions' into it)
    else:
        assert (view / "searchindex.js").read_bytes() == (alone.outdir / "searchindex.js").read_bytes()
    # the English pages carry no pairs, and the originals get the quotes of their own edition
    assert not BeautifulSoup((english.outdir / "index.html").read_text(), "lxml").select(".bilingual-row")
    original = BeautifulSoup((view / "one.html").read_text(), "lxml").select_one(
        ".bilingual-row .bilingual-source"
    )
    assert original.get_text(strip=True) == "“따옴표”와 ‘작은따옴표’가 있는 문단."


def english_with_view(make_app, rootdir: Path, tmp_path: Path, helper: str) -> SphinxTestApp:
    """An English build of the test root that writes the view into tmp_path/view, with *helper*."""
    shutil.copytree(rootdir / "test-bilingual", tmp_path / "src")
    return make_app(
        "html",
        srcdir=tmp_path / "src",
        confoverrides={
            "language": "en",
            "extensions": [*BILINGUAL_EXTENSIONS, "bilingual.sidebyside_writer"],
            "bilingual_sidebyside_outdir": str(tmp_path / "view"),
            "bilingual_sidebyside_helper": helper,
            "bilingual_sidebyside_merged_search": True,
        },
    )


@pytest.mark.parametrize("helper", ["off", "now"])
def test_a_failing_view_fails_the_translation_build(make_app, rootdir, tmp_path, helper) -> None:
    """Whichever of the view's writers (with "now", the view's process or its helper) fails."""
    from bilingual.sidebyside_writer import SideBySideFailed

    app = english_with_view(make_app, rootdir, tmp_path, helper)

    def break_the_view(app, pagename, *args) -> None:
        if app.config.bilingual_sidebyside and pagename == "two":
            raise RuntimeError("the view cannot write page two")

    app.connect("html-page-context", break_the_view)
    with pytest.raises(SideBySideFailed, match="side-by-side view"):
        app.build()
    assert (app.outdir / "two.html").is_file(), "the English pages were written"
    assert not (tmp_path / "view" / "two.html").exists()


def test_a_failing_view_writer_stops_its_helper(make_app, rootdir, tmp_path) -> None:
    """When the view's writer fails, its helper writes nothing more: it is ended before the
    English build reports the failure."""
    from bilingual.sidebyside_writer import SideBySideFailed

    app = english_with_view(make_app, rootdir, tmp_path, "now")
    test_process, helper_pages = os.getpid(), tmp_path / "helper-pages.txt"

    def slow_helper_failing_writer(app, pagename, *args) -> None:
        if not app.config.bilingual_sidebyside:
            return
        if os.getppid() == test_process:  # the view's writer (forked by this process)
            raise RuntimeError("the view's writer fails at once")
        time.sleep(0.2)  # the helper (forked by the view's writer), slowly
        with helper_pages.open("a", encoding="utf-8") as out:
            out.write(f"{time.time()} {pagename}\n")

    app.connect("html-page-context", slow_helper_failing_writer)
    with pytest.raises(SideBySideFailed, match="side-by-side view"):
        app.build()
    failed_at = time.time()
    time.sleep(1)  # (a helper left running would write its next pages meanwhile)
    written = helper_pages.read_text(encoding="utf-8").split("\n") if helper_pages.exists() else []
    assert all(float(line.split()[0]) <= failed_at for line in written if line)


@pytest.mark.parametrize("fresh", [False, True])
def test_pages_are_written_as_new_files_only_where_publish_asks(make_app, rootdir, tmp_path, fresh) -> None:
    """bilingual.fresh_pages, with ``bilingual_fresh_pages`` (tools/publish.py's builds),
    writes every page as a new file and lists it for staging; a plain sphinx-build writes
    as Sphinx does and leaves no list in its output."""
    from bilingual import fresh_pages

    shutil.copytree(rootdir / "test-bilingual", tmp_path / "src")
    app = make_app(
        "html",
        srcdir=tmp_path / "src",
        confoverrides={
            "extensions": [*BILINGUAL_EXTENSIONS, "bilingual.fresh_pages"],
            "bilingual_fresh_pages": fresh,
        },
    )
    page = app.outdir / "one.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("an old page", encoding="utf-8")
    kept = tmp_path / "kept.html"  # (a second name for the old file, as a published link is)
    os.link(page, kept)
    app.build()
    assert "an old page" not in page.read_text(encoding="utf-8")
    assert (kept.read_text(encoding="utf-8") == "an old page") is fresh
    listed = fresh_pages.listed(app.outdir)
    assert ("one.html" in listed) is fresh
    assert (app.outdir / fresh_pages.MANIFEST).exists() is fresh


class Cycle:
    """Garbage only the cyclic collector frees: it refers to itself."""

    def __init__(self) -> None:
        self.itself = self


def test_a_publication_build_collects_and_freezes_as_it_goes(make_app, rootdir, tmp_path) -> None:
    """tools/publish.py's builds (`freeze_as_building`), after each document read, when
    writing starts and after each page written, collect their young objects and freeze
    what survived (gc.freeze), so that no collection walks a doctree again and again; the
    garbage of that work is freed first, never frozen. In the English build and in the
    view's writer that it forks. Automatic collections are off here: only the build's own
    collections free a cycle."""
    from tools import publish

    receive, send = multiprocessing.Pipe(duplex=False)

    def build() -> None:  # (in a child: the freeze and the patched Builder stay there)
        gc.set_threshold(1_000_000_000)
        publish.READ_FREEZE_FROM = 0  # (the test root's pages are small: after each of them)
        publish.freeze_as_building()
        app = english_with_view(make_app, rootdir, tmp_path, "off")
        (tmp_path / "outdir").write_text(str(app.outdir), encoding="utf-8")
        last: list[tuple[int, weakref.ref[Cycle]]] = []

        def look(phase: str, page: str) -> None:
            """Before this document's work: what the last one left, then new garbage."""
            if last:
                frozen, garbage = last.pop()
                send.send((os.getpid(), phase, page, frozen, gc.get_freeze_count(), garbage() is None))
            cycle = Cycle()
            last.append((gc.get_freeze_count(), weakref.ref(cycle)))

        app.connect("source-read", lambda app, docname, source: look("read", docname))
        app.connect("env-updated", lambda app, env: last.clear() or [])
        app.connect(
            "html-page-context",
            lambda app, page, *args: look("write", page) if page in app.env.found_docs else None,
        )
        app.build()
        os._exit(app.statuscode)

    child = multiprocessing.get_context("fork").Process(target=build)
    child.start()
    child.join()
    send.close()
    seen = []
    while receive.poll(5):
        try:
            seen.append(receive.recv())
        except EOFError:
            break
    assert child.exitcode == 0
    english = Path((tmp_path / "outdir").read_text(encoding="utf-8"))
    assert (english / "one.html").is_file() and (tmp_path / "view" / "one.html").is_file()
    pages = len(list((tmp_path / "src").glob("*.md")))
    reading = [entry for entry in seen if entry[1] == "read"]
    writing = [entry for entry in seen if entry[1] == "write"]
    assert len(reading) == pages - 1  # each document after the first
    assert len({pid for pid, *_ in writing}) == 2  # the English build and the view's writer
    assert len(writing) == 2 * (pages - 1)
    for pid, phase, page, frozen_before, frozen_now, garbage_freed in seen:
        assert frozen_now > frozen_before, (pid, phase, page)
        assert garbage_freed, (pid, phase, page)


def add_translations(srcdir: Path, page: str, messages: dict[str, str]) -> None:
    """Add *messages* (msgid: msgstr) to the English catalog of *page*, made if missing."""
    path = srcdir / "locale" / "en" / "LC_MESSAGES" / f"{page}.po"
    catalog = polib.pofile(str(path)) if path.exists() else polib.POFile()
    catalog.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
    catalog.extend(polib.POEntry(msgid=msgid, msgstr=msgstr) for msgid, msgstr in messages.items())
    catalog.save(str(path))


def build_variant(
    make_app,
    rootdir: Path,
    tmp_path: Path,
    variant: str,
    extensions: list[str],
    more: dict[str, list[tuple[str, str]]] | None = None,
    *,
    language: str = "en",
    pages: dict[str, str] | None = None,
    translations: dict[str, dict[str, str]] | None = None,
    parallel: int = 0,
    conf: dict[str, object] | None = None,
) -> SphinxTestApp:
    """A build of test-bilingual (in *language*) in its own directory, with *extensions*
    added; *more*: per page, Korean paragraphs appended to it, with their translations;
    *pages*: new pages' sources; *translations*: per page, messages added to its catalog;
    *conf*: more configuration values."""
    srcdir = tmp_path / variant
    shutil.copytree(rootdir / "test-bilingual", srcdir)
    for page, text in (pages or {}).items():
        (srcdir / f"{page}.md").write_text(text, encoding="utf-8")
    for page, paragraphs in (more or {}).items():
        with (srcdir / f"{page}.md").open("a", encoding="utf-8") as source:
            source.writelines(f"\n{korean}\n" for korean, _ in paragraphs)
        add_translations(srcdir, page, dict(paragraphs))
    for page, messages in (translations or {}).items():
        add_translations(srcdir, page, messages)
    app = make_app(
        "html",
        srcdir=srcdir,
        confoverrides={
            "language": language,
            "extensions": [*BILINGUAL_EXTENSIONS, *extensions],
            **(conf or {}),
        },
        parallel=parallel,
    )
    app.build()
    return app


def translated_pages(app: SphinxTestApp) -> dict[str, str]:
    return {page.name: str(html(app, page.stem).body) for page in app.outdir.glob("*.html")}


#: Messages whose parses must come out as Sphinx's: on the index page, a link, a dropped
#: term reference and an unknown term (warned about where the translation is, so the
#: batch's lines and sources must be put right); on page one, an unknown role, which
#: MyST warns about while parsing: the batch is dropped and each message parsed alone.
MESSAGES = {
    "index": [
        (
            "{term}`사과`와 {term}`배`를 [비교](https://example.org/)한다.",
            "We [compare](https://example.org/) {term}`apples <사과>` with pears.",
        ),
        ("{term}`사과`가 여기서 자란다.", "{term}`Apples <사과나무>` grow here."),
    ],
    "one": [
        ("첫 문단.", "The first paragraph."),
        ("{nosuchrole}`사과` 문단.", "A {nosuchrole}`apple` paragraph."),
    ],
}


def test_cached_parser_and_settings_give_the_same_translated_pages(make_app, rootdir, tmp_path) -> None:
    from myst_parser.mdit_to_docutils import base
    from myst_parser.parsers import sphinx_
    from sphinx.transforms import i18n

    from bilingual import msgstr_speed

    originals = (base.make_document, sphinx_.create_md_parser, sphinx_.MystParser.parse)
    sphinx_i18n = (i18n.Locale.apply, i18n.extract_messages, i18n._publish_msgstr, i18n.init_locale)
    updates = {name: getattr(i18n._NodeUpdater, name) for name in msgstr_speed.ReferenceKinds.UPDATES}
    catalogs_read: list[str] = []
    init_locale = i18n.init_locale

    def counting_init_locale(*args, **kwargs):
        catalogs_read.append(args[2])
        return init_locale(*args, **kwargs)

    i18n.init_locale = counting_init_locale  # (Sphinx's Locale, and the cache, call it)
    pages, warnings, read = {}, {}, {}
    for variant, extensions in [("myst", []), ("cached", ["bilingual.msgstr_speed"])]:
        catalogs_read.clear()
        app = build_variant(make_app, rootdir, tmp_path, variant, extensions, more=MESSAGES)
        pages[variant] = translated_pages(app)
        read[variant] = sorted(catalogs_read)
        warnings[variant] = [  # on the pages (not a second application's notes on its set-up)
            line.replace(str(app.srcdir), "SRC")
            for line in app.warning.getvalue().splitlines()
            if str(app.srcdir) in line
        ]
    try:
        assert base.make_document is msgstr_speed.make_document
        first, second = base.make_document(), base.make_document()
        assert first.settings is not second.settings
        cache = sphinx_.create_md_parser.__self__
        assert cache.depth == 0 and cache.parsers, "the parser was not reused"
        assert i18n._publish_msgstr.__self__.reused > 0, "phase 2 of Locale parsed its messages again"
        assert i18n._publish_msgstr.__self__.batched > 0, "no page's messages were parsed together"
        assert i18n._publish_msgstr.__self__.unbatched == 1, "page one's batch was not dropped"
        skip = i18n._NodeUpdater.update_citation_references
        assert skip.__closure__ and any(
            getattr(cell.cell_contents, "skipped", 0) > 0 for cell in skip.__closure__
        ), "no reference update was skipped"
    finally:
        base.make_document, sphinx_.create_md_parser, sphinx_.MystParser.parse = originals
        i18n.Locale.apply, i18n.extract_messages, i18n._publish_msgstr, i18n.init_locale = sphinx_i18n
        for name, update in updates.items():
            setattr(i18n._NodeUpdater, name, update)
    assert pages["cached"] == pages["myst"]
    assert "We compare" in pages["cached"]["index.html"]
    assert 'href="https://example.org/"' in pages["cached"]["index.html"]
    # The updates that did run still compare the references: the dropped term is reported.
    found = "\n".join(warnings["cached"])
    assert "index.md:31: WARNING: inconsistent term references" in found
    assert "index.md:33:<translated>:1: WARNING: term not in glossary: '사과나무'" in found
    assert 'one.md:1: WARNING: Unknown interpreted text role "nosuchrole"' in found  # (MyST's location)
    # Sphinx warns twice about a message it parses in both phases; parsed once, it is warned about once.
    assert warnings["cached"] == list(dict.fromkeys(warnings["myst"]))
    # Each page's catalog is read once, as by Sphinx alone (the batch's listing reads it too).
    assert read["cached"] == read["myst"] and "index" in read["cached"]


def test_stems_cached_per_build_give_the_same_search_index(make_app, rootdir, tmp_path) -> None:
    indexes = {}
    for variant, extensions in [("cached", ["bilingual.stem_cache"]), ("sphinx", [])]:
        app = build_variant(make_app, rootdir, tmp_path, variant, extensions)
        indexes[variant] = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
        if variant == "cached":
            indexer = app.builder.indexer
            assert indexer.lang.stem.cache_info().hits > 0
            # Each word of a page is fed once, and the same words as Sphinx's collector gives.
            doctree = app.env.get_doctree("index")
            once, every = indexer._word_collector(doctree), type(indexer)._word_collector(indexer, doctree)
            assert len(once.words) == len(set(once.words)) < len(every.words)
            assert once.words == list(dict.fromkeys(every.words))
    assert indexes["cached"] == indexes["sphinx"]
    assert "apple" in indexes["cached"]


def test_translated_doctrees_do_not_carry_the_build_environment(make_app, rootdir, tmp_path) -> None:
    pickled, pages = {}, {}
    for variant, extensions in [("sphinx", []), ("adopted", ["bilingual.translated_nodes"])]:
        app = build_variant(make_app, rootdir, tmp_path, variant, extensions)
        pickled[variant] = (app.doctreedir / "index.doctree").read_bytes()
        pages[variant] = translated_pages(app)
    assert b"BuildEnvironment" in pickled["sphinx"], "the Sphinx behaviour this module works around"
    assert b"BuildEnvironment" not in pickled["adopted"]
    assert len(pickled["adopted"]) < len(pickled["sphinx"])
    assert pages["adopted"] == pages["sphinx"]


def test_compiled_templates_are_kept_between_builds_and_change_nothing(make_app, rootdir, tmp_path) -> None:
    pages = {}
    for variant, extensions in [("sphinx", []), ("kept", ["bilingual.template_cache"])]:
        app = build_variant(make_app, rootdir, tmp_path, variant, extensions)
        pages[variant] = translated_pages(app)
    assert pages["kept"] == pages["sphinx"]
    compiled = sorted((app.doctreedir / "jinja").glob("__jinja2_*.cache"))
    assert compiled, "no compiled template was kept"
    assert app.builder.templates.environment.bytecode_cache is not None
    assert app.builder.templates.environment.auto_reload is False  # (not looked at again per page)


def test_page_description_is_the_first_running_paragraph_shortened_as_textwrap_does() -> None:
    """`bilingual.web.page_description` shortens only the paragraph's start: the same text
    as ``textwrap.shorten`` of all of it, for paragraphs of every length."""
    import random
    import textwrap

    from docutils import nodes
    from docutils.utils import new_document

    from bilingual import web

    generator = random.Random(5)
    words = ["중국의", "혁신과", "Locality", "a", "x-y", "—", "(2018)", "uber" * 30, "디디추싱" * 60]
    for _ in range(2000):
        text = " ".join(generator.choice(words) for _ in range(generator.randint(1, 150)))
        document = new_document("page")
        byline = nodes.field_list("", nodes.field("", nodes.field_name("", "작성자"), nodes.field_body()))
        byline[0][1] += nodes.paragraph("", "김성옥")
        document += [byline, nodes.paragraph("", text)]
        expected = textwrap.shorten(text, web.DESCRIPTION_LENGTH, placeholder=" …")
        assert web.page_description(document) == expected, text


#: A page with what smart quotes, highlighting and dangling references change, and what
#: they leave alone: quotes, an apostrophe, dashes, ellipses, code with and without a
#: language, a `highlight`, a reference to a target that does not exist; and two texts that
#: docutils' smart quotes change with no quote in them (its escape handling turns a
#: backslash before a full stop, and the text "&#46;", into a full stop).
QUICK_PAGE = r"""---
orphan: true
---
# 따옴표 "시험"

그는 "혁신"이라고 말했다 -- 그리고... 끝.

따옴표도 줄표도 없는 문단.

글자 &amp;#46; 하나.

역슬래시 \\. 하나.

`"코드"` 속.

```python
print("hello")
```

```{highlight} text
```

```{eval-rst}
`없는 대상`_ 과 `있는 대상`_::

    들여쓴 "코드"

.. _있는 대상: https://example.org/
```
"""
QUICK_MESSAGES = {
    '따옴표 "시험"': 'Quotes "put to the test"',
    '그는 "혁신"이라고 말했다 -- 그리고... 끝.': 'He said "innovation" -- and then... China\'s end.',
    "글자 &amp;#46; 하나.": "One &amp;#46; character.",
    "역슬래시 \\\\. 하나.": "One backslash \\\\.",
}


#: A `highlight` with no code after it (the transform still removes its node).
HIGHLIGHT_PAGE = "---\norphan: true\n---\n# 강조\n\n```{highlight} text\n```\n\n코드 없음.\n"


def counting(counts: dict[str, int], name: str, original):
    """*original*, counting its calls in *counts* under *name*."""

    def count(*args, **kwargs):
        counts[name] = counts.get(name, 0) + 1
        return original(*args, **kwargs)

    return count


def quick_variant(make_app, rootdir: Path, tmp_path: Path, language: str, quick: bool) -> SphinxTestApp:
    return build_variant(
        make_app,
        rootdir,
        tmp_path,
        f"{language}-{'quick' if quick else 'sphinx'}",
        ["bilingual.quick_transforms", "bilingual.node_census"] if quick else [],
        language=language,
        pages={"quotes": QUICK_PAGE, "highlight": HIGHLIGHT_PAGE},
        translations={"quotes": QUICK_MESSAGES},
    )


@pytest.mark.parametrize("language", ["ko", "en"])
def test_quick_transforms_change_the_pages_as_sphinx_does_and_skip_what_they_cannot_change(
    make_app, rootdir, tmp_path, monkeypatch, language
) -> None:
    from docutils.transforms import references
    from docutils.utils import smartquotes
    from sphinx import addnodes
    from sphinx.transforms.post_transforms import code

    counts: dict[str, int] = {}

    for module, name, kind in [
        (smartquotes, "educate_tokens", "quotes"),
        (code, "HighlightLanguageVisitor", "highlight"),
        (references, "DanglingReferencesVisitor", "dangling"),
    ]:
        monkeypatch.setattr(module, name, counting(counts, kind, getattr(module, name)))
    pages, warnings, walks = {}, {}, {}
    for variant in ("sphinx", "quick"):
        counts.clear()
        app = quick_variant(make_app, rootdir, tmp_path, language, variant == "quick")
        pages[variant] = {page.name: str(html(app, page.stem).body) for page in app.outdir.glob("*.html")}
        warnings[variant] = sorted(
            line.replace(str(app.srcdir), "SRC")
            for line in app.warning.getvalue().splitlines()
            if str(app.srcdir) in line
        )
        walks[variant] = dict(counts)
        # (A `highlight` renders as nothing: that it was removed shows in the doctree.)
        resolved = app.env.get_and_resolve_doctree("highlight", app.builder, tags=app.tags)
        assert next(resolved.findall(addnodes.highlightlang), None) is None, variant
    assert pages["quick"] == pages["sphinx"]
    assert warnings["quick"] == warnings["sphinx"]
    assert any("Unknown target name" in line for line in warnings["quick"]), warnings["quick"]
    # They did their work where there was some ...
    page = BeautifulSoup(pages["quick"]["quotes.html"], "lxml")
    article = page.find("article") or page
    text = article.get_text()
    expected = ["“시험”", "“혁신”"] if language == "ko" else ["“put to the test”", "China’s"]
    expected += ["–", "…"]
    assert all(piece in text for piece in expected), text
    assert article.select_one("div.highlight-python") and article.select_one("div.highlight-text")
    assert '"코드"' in text or '"code"' in text  # code is never educated
    # ... and skipped the rest: fewer blocks educated, fewer pages walked, none of them zero.
    for kind in ("quotes", "highlight", "dangling"):
        assert 0 < walks["quick"][kind] < walks["sphinx"][kind], (kind, walks)


#: A page with a node of every kind that `bilingual.node_census` lets a transform look for.
KINDS_PAGE = """---
orphan: true
---
# 종류

![그림](https://example.org/picture.png)

```{only} html
HTML에만.
```

```python
>>> print("하나")  # doctest: +SKIP
```

| 가 | 나 |
|----|----|
| 1  | 2  |

```{math}
x^2
```

```{eval-rst}
>>> print(2)
2

.. c:function:: int add(int a)

.. c:alias:: add

.. cpp:function:: void run()

.. cpp:alias:: run

.. py:function:: spam(eggs)
```
"""


@pytest.mark.parametrize("language", ["ko", "en"])
def test_node_census_skips_the_transforms_on_pages_without_their_nodes_and_changes_nothing(
    make_app, rootdir, tmp_path, monkeypatch, language
) -> None:
    from bilingual import node_census

    counts: dict[str, int] = {}

    for transform in node_census.KINDS:
        monkeypatch.setattr(transform, "apply", counting(counts, transform.__name__, transform.apply))
    pages, warnings, runs = {}, {}, {}
    for variant in ("sphinx", "census"):
        counts.clear()
        app = build_variant(
            make_app,
            rootdir,
            tmp_path,
            f"{language}-{variant}",
            ["bilingual.node_census"] if variant == "census" else [],
            language=language,
            pages={"kinds": KINDS_PAGE},
            conf={"html_theme": "furo"},
        )
        pages[variant] = {page.name: page.read_text(encoding="utf-8") for page in app.outdir.glob("*.html")}
        warnings[variant] = sorted(
            line.replace(str(app.srcdir), "SRC")
            for line in app.warning.getvalue().splitlines()
            if str(app.srcdir) in line
        )
        runs[variant] = dict(counts)
    assert pages["census"] == pages["sphinx"]
    assert warnings["census"] == warnings["sphinx"]
    kinds = BeautifulSoup(pages["census"]["kinds.html"], "lxml")
    for selector in ("img", "div.table-wrapper", "div.math-wrapper", "dl.c", "dl.cpp", "dl.py", "pre"):
        assert kinds.select(selector), selector  # (each kind is on the page)
    assert "doctest:" not in kinds.get_text()
    # Each ran on the page with its nodes, and on fewer pages than Sphinx's.
    assert set(runs["census"]) == {transform.__name__ for transform in node_census.KINDS}, runs
    for name, times in runs["census"].items():
        assert 0 < times < runs["sphinx"][name], (name, runs)


def test_a_page_read_for_the_first_time_is_not_cleared_and_a_page_read_again_is(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    from sphinx.domains.std import StandardDomain
    from sphinx.environment import BuildEnvironment

    cleared: list[str] = []
    clear_doc = StandardDomain.clear_doc

    def counting(domain: StandardDomain, docname: str) -> None:
        cleared.append(docname)
        clear_doc(domain, docname)

    monkeypatch.setattr(StandardDomain, "clear_doc", counting)
    monkeypatch.setattr(BuildEnvironment, "clear_doc", BuildEnvironment.clear_doc)  # (restored after)
    pages, labels = {}, {}
    for variant, extensions in [("sphinx", []), ("first-read", ["bilingual.first_read"])]:
        cleared.clear()
        app = build_variant(make_app, rootdir, tmp_path, variant, extensions)
        pages[variant] = translated_pages(app)
        labels[variant] = dict(app.env.domains.standard_domain.labels)
    assert pages["first-read"] == pages["sphinx"]
    assert labels["first-read"] == labels["sphinx"]
    # Only the first page is cleared (each environment's first clearing makes its tables).
    assert len(cleared) == 1, f"pages never read were cleared: {cleared}"
    assert "page-one" in labels["first-read"]
    # A page read again is cleared first: a label it no longer has is gone.
    source = app.srcdir / "one.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("(page-one)=", "(page-uno)="), encoding="utf-8"
    )
    again = make_app("html", srcdir=app.srcdir, confoverrides=app.config._overrides, freshenv=False)
    again.build()
    assert "one" in cleared and set(cleared) <= set(app.env.all_docs)
    # A parallel read clears the pages before forking its readers: the same pages.
    parallel = build_variant(
        make_app, rootdir, tmp_path, "first-read-parallel", ["bilingual.first_read"], parallel=2
    )
    assert parallel.parallel == 2 and parallel.builder.parallel_ok
    assert translated_pages(parallel) == pages["sphinx"]
    assert "page-uno" in again.env.domains.standard_domain.labels
    assert "page-one" not in again.env.domains.standard_domain.labels


def test_asset_checksums_are_worked_out_once_per_file_and_pages_are_the_same(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    import zlib

    from bilingual import asset_checksums

    asked: list[tuple[object, object]] = []
    sphinx_file_checksum = asset_checksums.SPHINX_FILE_CHECKSUM

    def counting(outdir, filename):
        asked.append((outdir, filename))
        return sphinx_file_checksum(outdir, filename)

    monkeypatch.setattr(asset_checksums, "SPHINX_FILE_CHECKSUM", counting)
    pages = {}
    for variant, extensions in [("sphinx", []), ("once", ["bilingual.asset_checksums"])]:
        asked.clear()
        app = build_variant(make_app, rootdir, tmp_path, variant, extensions, conf={"html_theme": "furo"})
        pages[variant] = {page.name: page.read_text(encoding="utf-8") for page in app.outdir.glob("*.html")}
    assert pages["once"] == pages["sphinx"]
    assert len(pages["once"]) > 3
    assert asked and len(asked) == len(set(asked)), asked  # once per file, not per page
    # The checksums are the files' (the stylesheets' without comments, as Sphinx does).
    page = BeautifulSoup(pages["once"]["index.html"], "lxml")
    script = next(tag["src"] for tag in page.select("script[src]") if "?v=" in tag["src"])
    path, checksum = script.split("?v=")
    assert checksum == f"{zlib.crc32((app.outdir / path).read_bytes()):08x}"


@pytest.mark.parametrize("parallel", [0, 2])
def test_sitemap_pages_are_collected_in_memory_when_one_process_writes(
    make_app, rootdir, tmp_path, parallel
) -> None:
    import queue

    sitemaps, kinds = {}, {}
    for variant, extensions in [("shared", ["sphinx_sitemap"]), ("local", ["bilingual.sitemap_queue"])]:
        app = build_variant(
            make_app,
            rootdir,
            tmp_path,
            f"{variant}-{parallel}",
            extensions,
            parallel=parallel,
            conf={"html_baseurl": "https://example.org/"},
        )
        sitemaps[variant] = (app.outdir / "sitemap.xml").read_text(encoding="utf-8")
        kinds[variant] = isinstance(app.sitemap_links, queue.Queue)
        manager = getattr(app.sitemap_links, "_manager", None)
        if manager is not None:  # (its server is a fork of this process: stopped, not left to the collector)
            manager.shutdown()
    assert sitemaps["local"] == sitemaps["shared"]
    assert sitemaps["local"].count("<url>") >= 5
    assert not kinds["shared"]
    assert kinds["local"] == (parallel == 0)  # a parallel build keeps the shared queue


def test_html_translators_look_up_no_docutils_stylesheet_and_pages_are_the_same(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    from docutils import utils

    looked_up: list[str] = []
    find_file_in_dirs = utils.find_file_in_dirs

    def counting(path, dirs):
        looked_up.append(path)
        return find_file_in_dirs(path, dirs)

    monkeypatch.setattr(utils, "find_file_in_dirs", counting)
    pages, lookups = {}, {}
    for variant, extensions in [("sphinx", []), ("none", ["bilingual.writer_settings"])]:
        looked_up.clear()
        app = build_variant(make_app, rootdir, tmp_path, variant, extensions, conf={"html_theme": "furo"})
        pages[variant] = {page.name: page.read_text(encoding="utf-8") for page in app.outdir.glob("*.html")}
        lookups[variant] = len(looked_up)
    assert pages["none"] == pages["sphinx"]
    assert lookups["sphinx"] > len(pages["sphinx"]) and lookups["none"] == 0, lookups


SHARED_PAGES = {
    # A footnote (MyST gives the page settings for its footnote transforms), a link, a
    # cross-reference, emphasis and code: stored.
    "marked": "# 표시\n\n각주[^1]와 [링크](https://example.org)와 {term}`사과`, *강조*, `코드`.\n\n"
    "[^1]: 각주 내용.\n",
    # Front matter: MyST names its fields in the page's language (an author is a byline
    # field in Korean and English, the words counted differ): parsed by each build.
    "fronted": "---\norphan: true\nauthor: 김성옥\n---\n# 앞\n\n문단.\n",
    # A role MyST does not know: the parse warns, and each build must warn itself.
    "warned": "# 경고\n\n{nosuchrole}`x` 문단.\n",
}


def test_the_translation_loads_the_source_builds_parse_and_builds_the_same_pages(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    """bilingual.shared_parse: the Korean build stores the parse of each page that has no
    directive, warning or role of its own; the English build loads those and gives the
    same pages, warnings and metadata as its own parses."""
    import sphinx.locale

    from bilingual import shared_parse

    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-bilingual", srcdir)
    for page, text in SHARED_PAGES.items():
        (srcdir / f"{page}.md").write_text(text, encoding="utf-8")
    parses = tmp_path / "parses"
    parses.mkdir()

    def build(name: str, language: str, *, shared: bool) -> SphinxTestApp:
        sphinx.locale.translators.clear()  # (Sphinx's messages: the last build's language otherwise)
        if shared:
            monkeypatch.setenv(shared_parse.VARIABLE, str(parses))
        else:
            monkeypatch.delenv(shared_parse.VARIABLE, raising=False)
        app = make_app(
            "html",
            srcdir=srcdir,
            builddir=tmp_path / name,
            freshenv=True,
            confoverrides={
                "language": language,
                "extensions": [*BILINGUAL_EXTENSIONS, "bilingual.shared_parse"],
            },
        )
        app.build()
        return app

    def result(app: SphinxTestApp) -> tuple[dict[str, str], list[str], dict[str, dict]]:
        pages = {page.name: page.read_text(encoding="utf-8") for page in app.outdir.glob("*.html")}
        warnings = sorted(line for line in app.warning.getvalue().splitlines() if str(srcdir) in line)
        return pages, warnings, dict(app.env.metadata)

    alone = result(build("en-alone", "en", shared=False))
    assert not list(parses.iterdir())
    stored, loaded = shared_parse.SHARED.stored, shared_parse.SHARED.loaded
    korean = build("ko", "ko", shared=True)
    sources = {path.stem: path.read_text(encoding="utf-8") for path in srcdir.glob("*.md")}
    kept = {
        page
        for page, text in sources.items()
        if (parses / shared_parse.key(korean.env, page, text)).is_file()
    }
    # Not the index (a glossary and a toctree: directives), the front matter, the warning.
    assert kept == {"one", "two", "three", "four", "five", "marked"}
    assert shared_parse.SHARED.stored - stored == len(kept) == len(list(parses.iterdir()))
    english = build("en-shared", "en", shared=True)
    assert shared_parse.SHARED.loaded - loaded == len(kept)
    shared = result(english)
    assert shared[0] == alone[0]
    assert shared[1] == alone[1]
    assert any("warned.md" in line and "nosuchrole" in line for line in shared[1]), shared[1]
    assert shared[2] == alone[2]
    assert shared[2]["fronted"]["author"] == "김성옥"
    assert shared[2]["marked"]["wordcount"]["words"] > 0
    marked = BeautifulSoup(shared[0]["marked.html"], "lxml")
    assert marked.select("aside.footnote, ol.footnote-list, div.footnote") or marked.select(
        '[role="doc-footnote"]'
    )
    assert marked.select_one('a.reference.external[href="https://example.org"]')

    # A page whose text changed after the Korean build read it is parsed again.
    (srcdir / "one.md").write_text(sources["one"].replace("one 쪽의", "바뀐 one 쪽의"), encoding="utf-8")
    loaded = shared_parse.SHARED.loaded
    changed = build("en-changed", "en", shared=True)
    assert shared_parse.SHARED.loaded - loaded == len(kept) - 1
    assert "바뀐 one" in (changed.outdir / "one.html").read_text(encoding="utf-8")


def test_opengraph_does_not_describe_a_page_that_web_describes(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    """bilingual.web gives each page its description; sphinxext-opengraph's own, which it
    replaces, stops at the page's first text (``ogp_description_length`` 0)."""
    from sphinxext.opengraph import _description_parser

    from bilingual import web

    visits: list[str] = []
    visit = _description_parser.DescriptionParser.dispatch_visit

    def counted(parser, node) -> None:
        visits.append(parser.document["source"])
        return visit(parser, node)

    monkeypatch.setattr(_description_parser.DescriptionParser, "dispatch_visit", counted)
    app = build_variant(
        make_app,
        rootdir,
        tmp_path,
        "web",
        # (sitemap_queue stops sphinx-sitemap's manager process, a fork of this one that
        # would hold the browser tests' pipe to Playwright's driver open.)
        ["bilingual.web", "bilingual.sitemap_queue"],
        # (Forty short items: opengraph's own description walks through about 30 of them.)
        pages={"listed": "---\norphan: true\n---\n# 목록\n\n" + "".join(f"- 항목 {n}\n" for n in range(40))},
        conf={"html_baseurl": "https://example.org/edition/"},
    )
    described = 0
    for docname in app.env.found_docs:
        page = html(app, docname)
        description = web.page_description(app.env.get_doctree(docname))
        if not description:
            continue  # (opengraph describes it as before)
        described += 1
        assert [tag["content"] for tag in page.select('meta[property="og:description"]')] == [description]
        assert [tag["content"] for tag in page.select('meta[name="description"]')] == [description]
        # Opengraph's walk: the document, the title and the first nodes up to a text.
        walked = visits.count(str(app.env.doc2path(docname)))
        assert 0 < walked < 10, (docname, walked)
    assert described >= 6
    assert not multiprocessing.active_children()
