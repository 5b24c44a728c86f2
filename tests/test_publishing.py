"""The published edition (tools/publish.py on the real project): EPUBs, the site on the web, trust.

One session build (`publish.py all` then `dist`) into a temporary directory serves
most tests; the reproducibility test makes a second clean build and compares them.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import linkcheck
import polib
import pytest
from bs4 import BeautifulSoup
from conftest import Site, catalog_translation, copy_project, publish
from playwright.sync_api import Browser

from tools import publish as publisher

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["ko", "en"]
CONF = runpy.run_path(str(ROOT / "conf.py"))
BASE_URL = CONF["html_baseurl"]
NAME = CONF["edition_name"]
OG_LOCALES = {"ko": "ko_KR", "en": "en_US"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
DC = "{http://purl.org/dc/elements/1.1/}"
#: Java for a short run: no optimizing compiler (its threads cost more CPU than they save here),
#: and the stack the Nu Html Checker then needs.
JAVA = ["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
EPUBCHECK = "/usr/share/java/epubcheck.jar"  # Debian's epubcheck package
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"  # `npm ci` (make test)
#: Pages that are not content: not in the sitemap.
NON_CONTENT_PAGES = {"search.html", "genindex.html", "404.html"}


def build_everything(build_dir: Path) -> Path:
    """A clean `publish.py all` and `dist`; fail the test with the tool's own message otherwise."""
    result = publish(build_dir, "all", "dist")
    assert result.returncode == 0, result.stderr
    return build_dir


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under *directory*: its bytes and its modification time."""
    return {
        path.relative_to(directory).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def meta(page: BeautifulSoup, key: str) -> list[str]:
    """The content of every <meta property|name=key>."""
    tags = page.find_all("meta", attrs={"property": key}) + page.find_all("meta", attrs={"name": key})
    return [tag["content"] for tag in tags]


def content_pages(site: Path, lang: str) -> list[Path]:
    return sorted(p for p in (site / lang).glob("*.html") if p.name not in NON_CONTENT_PAGES)


@pytest.fixture(scope="session")
def build(site: Site) -> Path:
    """The whole publication of the session (conftest's `site`), built once from a clean directory."""
    return site.root.parent


@pytest.fixture(scope="session")
def site_dir(site: Site) -> Path:
    return site.root


# -- EPUB -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_epub_per_language_passes_epubcheck_without_errors(build: Path, lang: str, tmp_path: Path) -> None:
    epub = build / "epub" / f"{NAME}-{lang}.epub"
    report_path = tmp_path / "epubcheck.json"
    result = subprocess.run(
        [*JAVA, "-jar", EPUBCHECK, "--json", str(report_path), str(epub)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(report_path.read_text(encoding="utf-8"))
    problems = [m for m in report["messages"] if m["severity"] in {"FATAL", "ERROR"}]
    assert problems == [], problems
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_epub_cover_metadata_names_book_in_its_language(build: Path, lang: str) -> None:
    with zipfile.ZipFile(build / "epub" / f"{NAME}-{lang}.epub") as epub:
        metadata = ElementTree.fromstring(epub.read("content.opf")).find(
            "{http://www.idpf.org/2007/opf}metadata"
        )
    expected = {"title": CONF["project"], "creator": CONF["author"], "publisher": CONF["epub_publisher"]}
    if lang != "ko":
        expected = {key: catalog_translation(value) for key, value in expected.items()}
    for key, value in expected.items():
        assert metadata.findtext(f"{DC}{key}") == value
    assert metadata.findtext(f"{DC}language") == lang
    commit_time = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
    ).stdout
    assert metadata.findtext(f"{DC}date") == time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(commit_time))
    )


def test_korean_epub_sets_korean_typography(build: Path) -> None:
    with zipfile.ZipFile(build / "epub" / f"{NAME}-ko.epub") as epub:
        page = BeautifulSoup(epub.read("column.xhtml"), "lxml-xml")
        stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
        css = "".join(epub.read(href).decode() for href in stylesheets)
    assert page.html["lang"] == page.html["xml:lang"] == "ko"
    korean_rules = css[css.index(":lang(ko)") :]
    assert "word-break: keep-all" in korean_rules
    assert "line-height: 1.75" in korean_rules


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_links_the_epub_of_its_own_language(site_dir: Path, lang: str) -> None:
    for page_path in sorted((site_dir / lang).glob("*.html")):
        links = soup(page_path).select("nav.edition-downloads a[download]")
        hrefs = [link["href"] for link in links]
        expected = f"{NAME}-{lang}.epub"
        assert any(href.endswith(f"downloads/{expected}") for href in hrefs), (page_path, hrefs)
        assert (site_dir / "downloads" / expected).read_bytes() == (
            site_dir.parent / "epub" / expected
        ).read_bytes()


# -- The site on the web -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_canonical_url_is_the_page_in_its_language(site_dir: Path, lang: str) -> None:
    for page_path in sorted((site_dir / lang).glob("*.html")):
        canonical = soup(page_path).find_all("link", rel="canonical")
        assert [link["href"] for link in canonical] == [f"{BASE_URL}{lang}/{page_path.name}"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_link_preview_tags_on_every_page_describe_it_in_its_language(site_dir: Path, lang: str) -> None:
    for page_path in content_pages(site_dir, lang):
        page = soup(page_path)
        title = page.find("article").find("h1")
        for link in title.select("a.headerlink"):
            link.decompose()
        assert meta(page, "og:title") == [title.get_text().strip()]
        assert meta(page, "og:url") == [f"{BASE_URL}{lang}/{page_path.name}"]
        assert meta(page, "og:locale") == [OG_LOCALES[lang]]
        assert meta(page, "og:locale:alternate") == [OG_LOCALES[o] for o in LANGUAGES if o != lang]
        assert meta(page, "og:site_name") and meta(page, "twitter:card") == ["summary"]
        (description,) = meta(page, "og:description")
        assert meta(page, "description") == [description]
        # The page's own text: the start of a paragraph of its article, in its language.
        article_text = " ".join(page.find("article").get_text().split())
        assert description.rstrip(" …")[:60] in article_text
        if lang == "en":  # translated, not the Korean source showing through
            assert not any("\uac00" <= ch <= "\ud7a3" for ch in description), description


def test_sitemap_lists_every_page_of_both_languages_with_hreflang_alternates(site_dir: Path) -> None:
    urls = ElementTree.parse(site_dir / "sitemap.xml").getroot().findall(f"{SITEMAP}url")
    locations = [url.findtext(f"{SITEMAP}loc") for url in urls]
    expected = [f"{BASE_URL}{lang}/{p.name}" for lang in LANGUAGES for p in content_pages(site_dir, lang)]
    assert locations == sorted(expected)
    for url in urls:
        loc = url.findtext(f"{SITEMAP}loc")
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        page = loc.rsplit("/", 1)[1]
        assert alternates == {lang: f"{BASE_URL}{lang}/{page}" for lang in LANGUAGES}
    assert not list(site_dir.glob("*/sitemap.xml")), "one sitemap, at the root"


def test_robots_txt_points_to_the_sitemap(site_dir: Path) -> None:
    lines = (site_dir / "robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE_URL}sitemap.xml" in lines


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """A static host serving the site under its base path, with <lang>/404.html for missing pages."""

    base_path = urlsplit(BASE_URL).path

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = urlsplit(self.path).path
        local = Path(self.translate_path(path.replace(self.base_path, "/", 1)))
        if path.startswith(self.base_path) and local.exists():
            self.path = path.replace(self.base_path, "/", 1)
            return super().send_head()
        lang = next((lang for lang in LANGUAGES if path.startswith(f"{self.base_path}{lang}/")), LANGUAGES[0])
        body = (Path(self.directory) / lang / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="module")
def static_host(site_dir: Path) -> Iterator[str]:
    handler = functools.partial(StaticHostHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{StaticHostHandler.base_path}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_found_page_works_from_any_depth(
    static_host: str, site_dir: Path, lang: str, browser: Browser
) -> None:
    expected_title = soup(site_dir / lang / "404.html").find("article").find("h1").get_text().strip()
    page = browser.new_page()
    try:
        missing_page = f"{static_host}{lang}/no/such/deep/page.html"
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("response", lambda r: r.status >= 400 and r.url != missing_page and failed.append(r.url))
        response = page.goto(missing_page)
        assert response.status == 404
        assert page.locator("article h1").inner_text().strip() == expected_title
        assert page.evaluate("document.documentElement.lang") == lang
        # furo's stylesheet applied (not a bare page): its sidebar is laid out beside the article.
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.sidebar-drawer')).display") != "inline"
        )
        assert failed == []
        page.locator("a.sidebar-brand").click()
        page.wait_for_load_state()
        assert page.url == f"{static_host}{lang}/index.html"
    finally:
        page.close()


# -- Builds a publisher can trust ----------------------------------------------------


def test_site_has_no_broken_internal_link(site_dir: Path) -> None:
    broken = linkcheck.check_site(site_dir, BASE_URL)
    assert [str(link) for link in broken] == []
    # The check went through the cross-language links and the chooser too.
    chooser_links = [a["href"] for a in soup(site_dir / "index.html").find_all("a")]
    assert chooser_links == [f"{lang}/column.html" for lang in LANGUAGES]


def test_site_html_is_valid_for_the_nu_html_checker(site_dir: Path) -> None:
    result = subprocess.run(
        [*JAVA, "-jar", str(VNU), "--format", "json", "--skip-non-html", str(site_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]
    checked = {m["url"] for m in messages}
    errors = [
        f"{m['url'].split(str(site_dir))[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] in {"error", "non-document-error"}
    ]
    # furo 2025.12.19 causes no error here (warnings are not checked).
    assert errors == []
    assert checked, "vnu reported nothing at all: did it check the site?"


def test_two_clean_builds_are_byte_identical(build: Path, tmp_path: Path) -> None:
    second = build_everything(tmp_path / "build")
    differing = []
    for output in ("html", "pdf", "epub", "dist"):
        first_files = {
            p.relative_to(build): p.read_bytes() for p in (build / output).rglob("*") if p.is_file()
        }
        second_files = {
            p.relative_to(second): p.read_bytes() for p in (second / output).rglob("*") if p.is_file()
        }
        differing += sorted(str(p) for p in first_files.keys() ^ second_files.keys())
        differing += sorted(
            str(p) for p in first_files.keys() & second_files.keys() if first_files[p] != second_files[p]
        )
    assert differing == []


def test_dist_archive_holds_the_published_site_with_fixed_owner_and_time(build: Path) -> None:
    (archive,) = (build / "dist").glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names, key=lambda n: n.split("/", 1)[-1] if "/" in n else "")
    prefix = names[0]
    published = sorted(p.relative_to(build / "html").as_posix() for p in (build / "html").rglob("*"))
    assert [n.removeprefix(prefix + "/") for n in names[1:]] == published
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
    assert len({m.mtime for m in members}) == 1
    assert f"{prefix}/downloads/{NAME}-en.epub" in names


def editions_of(site: Path, *names: str) -> dict[str, tuple[bytes, int]]:
    """The snapshot of some editions of a site."""
    return {path: kept for path, kept in snapshot(site).items() if path.split("/", 1)[0] in names}


def test_broken_catalog_leaves_the_last_good_english_untouched_and_says_what_failed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    build_dir = tmp_path / "build"
    assert publish(build_dir, "html", root=project).returncode == 0
    before = editions_of(build_dir / "html", "en", "ko-en")

    catalog = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    po = polib.pofile(str(catalog))
    entry = next(e for e in po.translated_entries() if e.msgid.startswith("지역의 수요체제"))
    entry.msgstr = "A paragraph that cites {term}`a term no glossary defines`."
    po.save()
    result = publish(build_dir, "html", root=project)

    assert result.returncode != 0
    assert re.search(r"locale/en/LC_MESSAGES/column\.po:\d+: .*term", result.stderr), result.stderr
    assert "en: not published" in result.stderr and "ko-en: not published" in result.stderr
    assert editions_of(build_dir / "html", "en", "ko-en") == before
    assert (build_dir / "html" / "ko" / "column.html").is_file()


def test_staging_shares_unchanged_files_and_never_a_file_the_build_rewrites_in_place(tmp_path: Path) -> None:
    """The new site shares (hard links) the published files a rebuild did not change, and
    gets copies of those it did: the published site is never written in place, so a
    rebuild never changes a file a reader (or the last site) holds."""
    project = copy_project(tmp_path / "project")
    build_dir = tmp_path / "build"
    assert publish(build_dir, "html", root=project).returncode == 0
    site, work = build_dir / "html", build_dir / "work" / "html"
    before = {path: path.stat().st_ino for path in site.rglob("*.html")}
    published_column = site / "en" / "column.html"
    kept = tmp_path / "published-column.html"  # (a second name for the published file)
    os.link(published_column, kept)
    old_text = kept.read_text(encoding="utf-8")
    assert "one-sidedly" in old_text

    catalog = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    po = polib.pofile(str(catalog))
    entry = next(e for e in po.translated_entries() if e.msgid.startswith("지역의 수요체제"))
    entry.msgstr = entry.msgstr.replace("one-sidedly", "unilaterally")
    po.save()
    assert publish(build_dir, "html", root=project).returncode == 0

    assert kept.read_text(encoding="utf-8") == old_text  # the published file was not written
    for edition in ("en", "ko-en"):
        page = site / edition / "column.html"
        assert "unilaterally" in page.read_text(encoding="utf-8")
        assert page.stat().st_ino != before[page]
    assert (site / "ko" / "column.html").stat().st_ino == before[site / "ko" / "column.html"]
    assert (site / "en" / "about.html").stat().st_ino == before[site / "en" / "about.html"]
    shared = {path.stat().st_ino for path in site.rglob("*") if path.is_file()}
    built = [path for path in work.rglob("*") if path.is_file()]
    assert built and [path for path in built if path.stat().st_ino in shared] == []


#: Ctrl-C, as a terminal sends it (to the publisher's process group), at the one moment the
#: English build has saved its environment but not yet its search index.
INTERRUPT_AT_THE_SEARCH_INDEX = """
import os, signal, time
from sphinx.builders.html import StandaloneHTMLBuilder

def interrupted(self):
    if self.config.language == "en":
        os.killpg(os.getpgid(os.getppid()), signal.SIGINT)
        time.sleep(60)

StandaloneHTMLBuilder.dump_search_index = interrupted
"""


@pytest.mark.parametrize(
    ("before", "then"),
    [
        ("a published site", "the change kept"),
        ("nothing built", "the change kept"),
        ("a published site", "the change undone"),
    ],
)
def test_a_build_interrupted_after_saving_its_environment_is_redone_in_full(
    tmp_path: Path, before: str, then: str
) -> None:
    """A build stopped between its environment and its search index left an environment that
    says every page is written: the next build wrote nothing and kept the old search index
    (stale English found by the search), or, with no index at all, failed on Sphinx's
    warning until `make clean`. The next build redoes that edition in full, even when the
    translator has undone the change meanwhile (the last good build's inputs again: its
    output was partly overwritten)."""
    project = copy_project(tmp_path / "project")
    build_dir = tmp_path / "build"
    assert publish(build_dir, "html", root=project).returncode == 0
    published = snapshot(build_dir / "html")
    if before == "nothing built":
        for work in ("work", "doctrees"):
            shutil.rmtree(build_dir / work)
    catalog = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    original = catalog.read_bytes()
    po = polib.pofile(str(catalog))
    entry = next(e for e in po.translated_entries() if e.msgid.startswith("지역의 수요체제"))
    entry.msgstr = entry.msgstr.replace("one-sidedly", "unilaterally")
    po.save()
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(INTERRUPT_AT_THE_SEARCH_INDEX, encoding="utf-8")
    interrupted = subprocess.run(
        [sys.executable, str(project / "tools" / "publish.py"), "html", "--build-dir", str(build_dir)],
        env={**os.environ, "PYTHONPATH": str(hook), "SPHINXOPTS": "-nW --keep-going"},
        capture_output=True,
        text=True,
        check=False,
        start_new_session=True,  # (its own process group, for the Ctrl-C)
        timeout=120,
    )
    assert interrupted.returncode == 130, interrupted.stderr
    assert (build_dir / "doctrees" / "html" / "en" / "environment.pickle").is_file()
    assert snapshot(build_dir / "html") == published
    word, gone = "unilaterally", "one-sidedly"
    if then == "the change undone":
        catalog.write_bytes(original)
        word, gone = gone, word

    result = publish(build_dir, "html", root=project)

    assert result.returncode == 0, result.stderr
    assert "the last html build of en did not finish: building it afresh" in result.stderr
    for edition in ("en", "ko-en"):
        page = (build_dir / "html" / edition / "column.html").read_text(encoding="utf-8")
        assert word in page and gone not in page, edition
    index = (build_dir / "html" / "en" / "searchindex.js").read_text(encoding="utf-8")
    assert ('"unilater"' in index) == (word == "unilaterally"), "the index of another build"


def test_catalog_saved_by_another_editor_is_published_with_a_note_and_refused_by_check_po(
    tmp_path: Path,
) -> None:
    """Poedit wraps lines as GNU gettext does: the preview works; `make check-po` (CI) says to reformat."""
    project = copy_project(tmp_path / "project")
    catalog = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    saved_by_another_editor(catalog, " Saved elsewhere.")
    build_dir = tmp_path / "build"

    result = publish(build_dir, "html", root=project)

    assert result.returncode == 0, result.stderr
    note = r"publish: note: locale/en/LC_MESSAGES/column\.po:\d+: not in the project's form"
    assert re.search(note, result.stderr), result.stderr
    assert "Saved elsewhere." in (build_dir / "html" / "en" / "column.html").read_text(encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "tools/po.py", "check"], cwd=project, capture_output=True, text=True, check=False
    )
    assert check.returncode == 1 and "column.po" in check.stdout and "make format-po" in check.stdout


def commit(project: Path) -> None:
    """Make *project* a git checkout with everything committed, as a clone is."""
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "clone"]):
        subprocess.run([*git, *args], cwd=project, check=True)


def saved_by_another_editor(catalog: Path, text: str) -> None:
    """Append *text* to a translation of *catalog* and wrap the file as GNU gettext (Poedit) does."""
    po = polib.pofile(str(catalog))
    entry = next(e for e in po.translated_entries() if e.msgid.startswith("지역의 수요체제"))
    entry.msgstr += text
    po.save()
    subprocess.run(["msgcat", "--width=79", "-o", str(catalog), str(catalog)], check=True)


def test_in_a_git_checkout_make_html_notes_the_form_of_changed_catalogs_only(tmp_path: Path) -> None:
    """Committed catalogs are those CI checked (`make check-po`); the preview notes the ones changed since."""
    project = copy_project(tmp_path / "project")
    catalog = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    saved_by_another_editor(catalog, " Committed elsewhere.")
    commit(project)  # a clone
    build_dir = tmp_path / "build"
    note = r"publish: note: locale/en/LC_MESSAGES/column\.po:\d+: not in the project's form"

    result = publish(build_dir, "html", root=project)
    assert result.returncode == 0, result.stderr
    assert not re.search(note, result.stderr), result.stderr
    assert "Committed elsewhere." in (build_dir / "html" / "en" / "column.html").read_text(encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "tools/po.py", "check"], cwd=project, capture_output=True, text=True, check=False
    )
    assert check.returncode == 1 and "column.po" in check.stdout and "make format-po" in check.stdout

    saved_by_another_editor(catalog, " Changed since.")
    result = publish(build_dir, "html", root=project)
    assert result.returncode == 0, result.stderr
    assert re.search(note, result.stderr), result.stderr
    assert "Changed since." in (build_dir / "html" / "en" / "column.html").read_text(encoding="utf-8")


def test_failed_sphinx_build_leaves_last_good_site_untouched_and_says_what_failed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    build_dir = tmp_path / "build"
    assert publish(build_dir, "html", root=project).returncode == 0
    before = snapshot(build_dir / "html")

    column = project / "source" / "column.md"
    column.write_text(column.read_text(encoding="utf-8") + "\n{term}`용어집에 없는 용어`\n", encoding="utf-8")
    result = publish(build_dir, "html", root=project)

    assert result.returncode != 0
    assert "column.md" in result.stderr and "용어집에 없는 용어" in result.stderr
    assert "ko: not published: sphinx-build -b html failed" in result.stderr
    assert snapshot(build_dir / "html") == before


def test_two_publishers_in_one_build_directory_take_turns(tmp_path: Path) -> None:
    """A second `make html` while one runs (or while `make watch` rebuilds) waits, then publishes."""
    build_dir = tmp_path / "build"
    command = [sys.executable, str(ROOT / "tools" / "publish.py"), "html", "--build-dir", str(build_dir)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = build_dir / ".publish.lock"
    deadline = time.monotonic() + 60
    while not (lock.is_file() and lock.read_text().startswith("process")):
        assert first.poll() is None and time.monotonic() < deadline, "the first publisher never took the lock"
        time.sleep(0.01)
    second = subprocess.run(command, capture_output=True, text=True, check=False)
    _, first_err = first.communicate(timeout=120)

    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert f"waiting for process {first.pid}, which is publishing into {build_dir}" in second.stderr
    for lang in [*LANGUAGES, "ko-en"]:
        assert (build_dir / "html" / lang / "column.html").is_file()
    assert not list(build_dir.glob(".html.*")), "a staging or old site was left behind"


def test_edition_digest_names_every_installed_package_and_its_version() -> None:
    """An upgraded Sphinx, MyST or furo (or Pygments, Jinja…) is a new input: editions rebuild."""
    import furo
    import myst_parser
    import sphinx

    from bilingual.freshness import installed_distributions

    names = installed_distributions()
    for name, version in [("sphinx", sphinx.__version__), ("myst-parser", myst_parser.__version__)]:
        assert f"{name}=={version}" in names
    assert f"furo=={furo.__version__}" in names


def test_make_html_returns_and_leaves_nothing_running(tmp_path: Path) -> None:
    """No process of a publication (its builds, their views' writers) outlives it."""
    import psutil

    project = copy_project(tmp_path / "project")
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), "html", f"VENV={ROOT / '.venv'}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    left = [
        p.info
        for p in psutil.process_iter(["pid", "cmdline"])
        if str(project) in " ".join(p.info["cmdline"] or [])
    ]
    assert left == []


def test_ctrl_c_during_the_swap_is_held_until_the_new_site_is_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between its two renames the swap has no site at all; a Ctrl-C there is held until both
    are done (the interrupt is then raised, with the new site in place)."""
    import os
    import signal

    target, staging = tmp_path / "html", tmp_path / ".html.staging"
    for directory, text in ((target, "old"), (staging, "new")):
        directory.mkdir()
        (directory / "index.html").write_text(text, encoding="utf-8")
    rename = Path.rename

    def interrupted_rename(self: Path, destination: Path) -> Path:
        moved = rename(self, destination)
        if self == target:  # the old site has just been moved aside
            os.kill(os.getpid(), signal.SIGINT)
        return moved

    monkeypatch.setattr(Path, "rename", interrupted_rename)
    monkeypatch.setattr(publisher, "INTERRUPTED", threading.Event())
    monkeypatch.setattr(publisher, "SWAPPING", threading.Event())
    previous = signal.signal(signal.SIGINT, publisher.on_interrupt)  # as the publisher's main() does
    other = threading.Event()  # another thread is running, as a watcher's or a server's would
    helper = threading.Thread(target=other.wait, daemon=True)
    helper.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            publisher.swap(staging, target)
    finally:
        other.set()
        signal.signal(signal.SIGINT, previous)
    assert (target / "index.html").read_text(encoding="utf-8") == "new"
