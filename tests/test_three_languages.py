"""A third language is one setting in conf.py and its catalogs: the whole site offers all three."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

import polib
import pytest
from bs4 import BeautifulSoup
from conftest import copy_project, publish

pytestmark = pytest.mark.slow

ROOT_THREE = Path(__file__).parent / "roots" / "test-three"
LANGUAGES = ["ko", "en", "fr"]
BASE = "https://kisdi-locality.github.io/edition/"
SITEMAP, XHTML = "{http://www.sitemaps.org/schemas/sitemap/0.9}", "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's code and conf.py, with the test root's pages, catalogs and conf.py lines."""
    project = copy_project(tmp_path_factory.mktemp("three") / "project")
    shutil.rmtree(project / "source")
    shutil.rmtree(project / "locale" / "en")
    shutil.copytree(ROOT_THREE / "source", project / "source")
    shutil.copytree(ROOT_THREE / "locale", project / "locale", dirs_exist_ok=True)
    with (project / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\n" + (ROOT_THREE / "conf.py").read_text(encoding="utf-8"))
    return project


@pytest.fixture(scope="module")
def site(three: Path) -> Path:
    """The three-language site, published with a PDF and an EPUB of every edition on offer."""
    build = three / "build"
    for edition, kind in [(e, "pdf") for e in ["ko", "en", "fr", "ko-en", "ko-fr"]] + [
        (e, "epub") for e in LANGUAGES
    ]:
        (build / kind).mkdir(parents=True, exist_ok=True)
        (build / kind / f"kisdi-locality-2018-{edition}.{kind}").write_bytes(b"stand-in")
    result = publish(build, "html", root=three)
    assert result.returncode == 0, result.stderr
    return build / "html"


def page(site: Path, edition: str, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / edition / f"{name}.html").read_text(encoding="utf-8"), "lxml")


def test_switcher_offers_every_language_and_view(site: Path) -> None:
    links = {a.get_text(): a["href"] for a in page(site, "ko", "column").select("nav.edition-switcher a")}
    assert links == {
        "English": "../en/column.html",
        "Français": "../fr/column.html",
        "영어 대역": "../ko-en/column.html",
        "프랑스어 대역": "../ko-fr/column.html",
    }
    for href in links.values():
        assert (site / "ko" / href).resolve().is_file()


def test_hreflang_alternates_name_all_three(site: Path) -> None:
    alternates = {
        link["hreflang"]: link["href"] for link in page(site, "fr", "index").select('link[rel="alternate"]')
    }
    assert alternates == {
        **{lang: f"{BASE}{lang}/index.html" for lang in LANGUAGES},
        "x-default": f"{BASE}ko/index.html",
    }


def test_chooser_offers_all_three_in_their_own_words(site: Path) -> None:
    chooser = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml")
    assert {a["hreflang"]: a["href"] for a in chooser.select("main a[hreflang]")} == {
        lang: f"{lang}/column.html" for lang in LANGUAGES
    }
    heading = {span["lang"]: span.get_text() for span in chooser.select("h1 span")}
    assert heading == {"ko": "언어 선택", "en": "Choose a language", "fr": "Choisissez une langue"}
    assert "Une courte chronique" in chooser.select_one('li[lang="fr"]').get_text()


def test_sitemap_lists_every_page_of_all_three_with_alternates(site: Path) -> None:
    urls = ElementTree.parse(site / "sitemap.xml").getroot().findall(f"{SITEMAP}url")
    pages = ["column.html", "index.html", "status.html"]
    assert sorted(url.findtext(f"{SITEMAP}loc") for url in urls) == sorted(
        f"{BASE}{lang}/{p}" for lang in LANGUAGES for p in pages
    )
    for url in urls:
        name = url.findtext(f"{SITEMAP}loc").rsplit("/", 1)[1]
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        assert alternates == {lang: f"{BASE}{lang}/{name}" for lang in LANGUAGES}


def test_status_page_counts_each_translation(site: Path) -> None:
    captions = [
        c.get_text(strip=True).rstrip("¶") for c in page(site, "ko", "status").select("table caption")
    ]
    assert captions == ["영어", "프랑스어"]


def test_downloads_offer_each_editions_files(site: Path) -> None:
    def offered(edition: str) -> list[str]:
        return [
            a["href"].rsplit("/", 1)[1]
            for a in page(site, edition, "column").select("nav.edition-downloads a")
        ]

    name = "kisdi-locality-2018"
    assert offered("ko") == [f"{name}-ko.pdf", f"{name}-ko-en.pdf", f"{name}-ko-fr.pdf", f"{name}-ko.epub"]
    assert offered("fr") == [f"{name}-fr.pdf", f"{name}-ko-fr.pdf", f"{name}-fr.epub"]
    assert offered("ko-fr") == [f"{name}-ko-fr.pdf", f"{name}-fr.epub"]
    for file in offered("ko"):
        assert (site / "downloads" / file).is_file()


def test_korean_status_page_follows_the_english_catalogs(three: Path, site: Path) -> None:
    def counts() -> list[str]:
        english = page(site, "ko", "status").select("table")[0]
        return [cell.get_text(strip=True) for cell in english.select("tbody tr")[-1].find_all("td")]

    before = counts()
    catalog = three / "locale" / "en" / "LC_MESSAGES" / "column.po"
    po = polib.pofile(str(catalog))
    po[len(po) - 1].flags.append("fuzzy")
    po.save(str(catalog))
    result = publish(three / "build", "html", root=three)
    assert result.returncode == 0, result.stderr
    after = counts()
    assert (before[1], before[2]) == ("9", "0")  # translated, fuzzy
    assert (after[1], after[2]) == ("8", "1")
