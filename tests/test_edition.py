"""The bilingual edition as its readers get it: both languages, complete, linked to each other."""

from __future__ import annotations

import re
import runpy
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import polib
import pytest
from bs4 import BeautifulSoup, Comment
from conftest import EDITIONS, LANGUAGES, ROOT, Seed, Site

pytestmark = pytest.mark.slow

PAGES = ("index", "column", "glossary", "about")
CATALOGS = sorted((ROOT / "locale" / "en" / "LC_MESSAGES").glob("*.po"))
BASEURL = runpy.run_path(str(ROOT / "conf.py"))["html_baseurl"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def squash(text: str) -> str:
    """Text with all whitespace removed, for comparing prose across markup."""
    return re.sub(r"\s+", "", text)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def article(path: Path) -> BeautifulSoup:
    node = soup(path).select_one("article")
    for link in node.select("a.headerlink"):
        link.decompose()
    return node


def test_both_editions_build_with_zero_warnings(site: Site) -> None:
    assert "WARNING" not in site.output
    assert "ERROR" not in site.output
    for edition in EDITIONS:
        for page in PAGES:
            assert site.page(edition, page).is_file(), f"{edition}/{page}.html missing"


def test_korean_column_holds_every_seed_paragraph_verbatim(site: Site, seed: Seed) -> None:
    assert len(seed.paragraphs) == 7
    paragraphs = [squash(p.get_text()) for p in article(site.page("ko", "column")).select("p")]
    for expected in seed.paragraphs:
        assert squash(expected) in paragraphs, f"seed paragraph not verbatim: {expected[:40]}…"


def test_korean_column_has_title_byline_and_contact_as_fields(site: Site, seed: Seed) -> None:
    page = article(site.page("ko", "column"))
    assert page.select_one("h1").get_text().strip() == seed.title
    fields = {
        dt.get_text().strip().rstrip(":"): squash(dt.find_next_sibling("dd").get_text())
        for dt in page.select("dl.field-list > dt")
    }
    assert fields["작성자"] == squash(seed.byline["작성자"])
    assert fields["소속"] == squash(seed.byline["소속"])
    assert fields["등록일"] == squash(seed.byline["등록일"])
    for label, value in seed.contact.items():
        assert fields[label] == squash(value)
    assert "KISDI정보통신정책연구원" in fields["출처"]


def test_column_links_first_mention_of_each_glossary_term(site: Site) -> None:
    glossary_ids = {dt["id"] for dt in article(site.page("ko", "glossary")).select("dt[id]")}
    linked = set()
    for page in ("column", "index", "about"):
        for link in article(site.page("ko", page)).select('a[href^="glossary.html#"]'):
            linked.add(link["href"].split("#", 1)[1])
    assert glossary_ids <= linked, f"terms never linked: {sorted(glossary_ids - linked)}"


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.name)
def test_catalog_is_complete_and_clean(catalog: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
    po = polib.pofile(str(catalog))
    assert po.metadata["Language"] == "en"
    assert po.metadata["Content-Type"].lower() == "text/plain; charset=utf-8"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert not po.metadata_is_fuzzy
    assert po.percent_translated() == 100
    assert not po.fuzzy_entries()


@pytest.mark.parametrize("edition", ["en", "ko-en"])
def test_no_page_of_the_complete_translation_says_it_is_partly_translated(site: Site, edition: str) -> None:
    """Every catalog is complete, so no page may carry the notice (the status page's front
    matter once counted as two untranslated passages)."""
    pages = sorted((site.root / edition).glob("*.html"))
    assert len(pages) >= 5
    flagged = [page.name for page in pages if "translation-incomplete" in page.read_text(encoding="utf-8")]
    assert flagged == []


def rendered(msgstr: str) -> str:
    """A MyST msgstr as a reader sees it: roles and links reduced to their text."""
    text = re.sub(r"\{term\}`([^`<]+?)\s*(?:<[^>]+>)?`", r"\1", msgstr)
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)


def test_english_column_shows_the_english_and_none_of_the_korean(site: Site, seed: Seed) -> None:
    page = squash(article(site.page("en", "column")).get_text())
    for paragraph in seed.paragraphs:
        for sentence in re.split(r"(?<=[.?])\s+", paragraph):
            if len(sentence) > 12:
                assert squash(sentence) not in page, f"Korean shows through: {sentence}"
    column = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "column.po"))
    for entry in column.translated_entries():
        assert squash(rendered(entry.msgstr)) in page, f"missing English: {entry.msgstr[:50]}…"


@pytest.mark.parametrize("edition", EDITIONS)
def test_html_lang_is_the_language_of_the_edition(site: Site, edition: str) -> None:
    expected = "en" if edition == "ko-en" else edition
    for page in PAGES:
        assert soup(site.page(edition, page)).html["lang"] == expected


def resolve(page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    return (page.parent / unquote(parts.path)).resolve(), unquote(parts.fragment)


@pytest.mark.parametrize("edition", EDITIONS)
def test_switcher_leads_to_the_same_page_in_every_other_edition(site: Site, edition: str) -> None:
    for name in PAGES:
        page = site.page(edition, name)
        links = soup(page).select("nav.edition-switcher a.edition-link")
        assert len(links) == len(EDITIONS) - 1
        for link in links:
            target, _ = resolve(page, link["href"])
            assert target.is_file(), f"{page}: switcher link {link['href']} leads nowhere"
            assert target.name == page.name
            assert target.parent.name != edition


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hreflang_alternates_exist_for_both_languages(site: Site, lang: str) -> None:
    for name in PAGES:
        page = site.page(lang, name)
        alternates = {a["hreflang"]: a["href"] for a in soup(page).select('link[rel="alternate"][hreflang]')}
        assert set(alternates) == {*LANGUAGES, "x-default"}
        for hreflang, href in alternates.items():
            assert href.startswith(BASEURL), f"{page}: hreflang={hreflang} is not an absolute URL: {href}"
            target, _ = resolve(site.root / "index.html", href.removeprefix(BASEURL))
            assert target.is_file(), f"{page}: hreflang={hreflang} → {href} missing"
            expected_dir = LANGUAGES[0] if hreflang == "x-default" else hreflang
            assert target == site.page(expected_dir, name).resolve()


def anchors(path: Path) -> list[str]:
    return [node["id"] for node in article(path).select("[id]")]


@pytest.mark.parametrize("name", PAGES)
def test_anchors_are_identical_in_both_languages(site: Site, name: str) -> None:
    korean = anchors(site.page("ko", name))
    assert sorted(korean) == sorted(anchors(site.page("en", name))), "glossaries are sorted per language"
    assert not [a for a in korean if re.fullmatch(r"id\d+|term-\d+", a)], "unstable generated anchors"


def test_sections_carry_their_explicit_labels(site: Site) -> None:
    ids = [s["id"] for s in article(site.page("en", "column")).select("section")]
    assert ids == ["column", "column-contact"]
    paragraphs = [p.get("id") for p in article(site.page("en", "column")).select("section > p[id]")]
    assert paragraphs == [f"column-p{n}" for n in range(1, 8)]


#: Latin words that may appear in the chrome of a Korean page: names Korean also writes in Latin.
LATIN_NAMES = {"Sphinx", "Furo", "KISDI", "Locality", "EPUB", "PDF"}
CHROME_PAGES = [*PAGES, "status", "search", "genindex", "404"]


def chrome_texts(path: Path) -> list[str]:
    """What a reader meets outside the article: theme text, icons' SVG titles, labels and
    tooltips; not what is marked as in another language (the switcher's language names)."""
    page = soup(path)
    for node in page(["script", "style", "article"]):
        node.decompose()
    for node in page.select("[lang]"):
        if node["lang"] != page.html["lang"]:
            node.decompose()
    for comment in page.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    texts = [s for s in page.find_all(string=True) if s.parent.name not in ("[document]", "html")]
    for tag in page.find_all(True):
        texts += [tag[a] for a in ("aria-label", "title", "placeholder", "alt") if tag.get(a)]
    return [text for text in texts if text.strip()]


def chrome_words(path: Path) -> set[str]:
    """Latin words a Korean reader meets outside the column text."""
    return {word for text in chrome_texts(path) for word in re.findall(r"[A-Za-z]{2,}", text)} - LATIN_NAMES


@pytest.mark.parametrize("name", CHROME_PAGES)
def test_korean_build_shows_no_english_interface_text(site: Site, name: str) -> None:
    words = chrome_words(site.page("ko", name))
    headers = {w for w in words if w in {"ICT", "DJI", "CB", "INSIGHTS", "Face"}}
    assert not words - headers, f"English interface text in ko/{name}.html: {sorted(words - headers)}"


@pytest.mark.parametrize("name", CHROME_PAGES)
def test_english_build_shows_no_korean_interface_text(site: Site, name: str) -> None:
    korean = [text.strip() for text in chrome_texts(site.page("en", name)) if HANGUL.search(text)]
    assert korean == [], f"Korean interface text in en/{name}.html"


def test_footer_names_the_publisher_in_the_pages_language(site: Site) -> None:
    publisher = runpy.run_path(str(ROOT / "conf.py"))["epub_publisher"]
    entries = [entry for catalog in CATALOGS for entry in polib.pofile(str(catalog))]
    english = next(entry.msgstr for entry in entries if entry.msgid == publisher)
    footers = {lang: soup(site.page(lang, "column")).select_one(".bottom-of-page") for lang in LANGUAGES}
    assert footers["en"].select_one(".copyright").get_text(strip=True) == f"Copyright © 2018, {english}"
    assert footers["ko"].select_one(".copyright").get_text(strip=True) == f"저작권 © 2018, {publisher}"
    # Korean particles follow the word directly: no space between a name and 와, 로.
    assert "Sphinx와 Furo로 만들었습니다" in " ".join(footers["ko"].get_text().split())


def test_english_build_interface_is_english(site: Site) -> None:
    text = soup(site.page("en", "column")).get_text()
    assert "Back to top" in text and "맨 위로" not in text


def test_language_chooser_offers_both_editions_without_javascript(site: Site) -> None:
    chooser = soup(site.root / "index.html")
    links = {a["hreflang"]: a["href"] for a in chooser.select("main a[hreflang]")}
    assert links == {"ko": "ko/column.html", "en": "en/column.html"}
    for href in links.values():
        assert (site.root / href).is_file()
    assert chooser.html["lang"] == "ko"
    assert "navigator.languages" in chooser.select_one("script").string
