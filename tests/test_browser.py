"""The published site in Debian's chromium: chooser, switcher, search, layout, colours, accessibility."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import PAGE_TYPES, SEARCH_QUERY, PageWithErrors, run_queries
from conftest import load_queries
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

LANGUAGES = ["ko", "en"]
#: Query kinds the Korean search promises to answer in full (docs/architecture.md, "Korean search").
PROMISED_KINDS = {"noun", "particle", "verb", "compound-part", "phrase", "latin", "absent", "english"}
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}

OpenPage = Callable[..., PageWithErrors]


def page_path(lang: str, page_type: str) -> str:
    """The path of one page type in one edition, relative to the site root."""
    return f"{lang}/" + PAGE_TYPES[page_type].format(query=SEARCH_QUERY[lang])


#: The side-by-side view's pages (its search is the English edition's, so not listed here).
SIDE_BY_SIDE_PAGES = [f"ko-en/{PAGE_TYPES[kind]}" for kind in ("landing", "column", "glossary", "about")]


def every_page() -> list[str]:
    """The chooser, every page type of both editions, and the side-by-side view."""
    return (
        ["index.html"]
        + [page_path(lang, kind) for lang in LANGUAGES for kind in PAGE_TYPES]
        + SIDE_BY_SIDE_PAGES
    )


def wait_until_ready(page: Page) -> None:
    """Wait for the page's scripts; on a search page, for the results and their summaries."""
    page.wait_for_load_state("load")
    if "search.html" in page.url:
        page.wait_for_function(
            "() => document.querySelector('#search-results .search-summary')?.innerText.length > 0"
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('ul.search > li')]"
            ".every((li) => li.querySelector('p.context'))"
        )


def relative_luminance(css_colour: str) -> float:
    """Relative luminance (0 black … 1 white) of a computed ``rgb(…)`` colour."""
    red, green, blue = (int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


# -- Language chooser ----------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "lang"), [("ko-KR", "ko"), ("en-US", "en")])
def test_chooser_follows_the_browser_language(
    open_page: OpenPage, site_url: str, locale: str, lang: str
) -> None:
    page = open_page(locale=locale).page
    page.goto(site_url)
    page.wait_for_url(f"{site_url}{lang}/column.html")
    assert page.get_attribute("html", "lang") == lang


def test_chooser_stays_for_a_language_the_site_lacks(open_page: OpenPage, site_url: str) -> None:
    page = open_page(locale="fr-FR").page
    page.goto(site_url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # a redirect, had there been one, would have happened by now
    assert page.url == site_url
    assert page.locator("main a[hreflang]").count() == len(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chooser_works_without_javascript(open_page: OpenPage, site_url: str, lang: str) -> None:
    page = open_page(locale="ko-KR", java_script_enabled=False).page
    page.goto(site_url)
    assert page.url == site_url  # no script, no redirect
    page.click(f"main a[hreflang={lang}]")
    page.wait_for_url(f"{site_url}{lang}/column.html")
    assert page.get_attribute("html", "lang") == lang


# -- Edition switcher -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "other", "expected"),
    [
        ("ko/column.html#column-p3", "en", "en/column.html#column-p3"),
        ("en/glossary.html#glossary-people", "ko", "ko/glossary.html#glossary-people"),
        ("en/about.html", "ko", "ko/about.html"),
    ],
)
def test_switcher_leads_to_the_same_page_and_place_in_the_other_language(
    open_page: OpenPage, site_url: str, start: str, other: str, expected: str
) -> None:
    page = open_page(viewport=DESKTOP).page
    page.goto(site_url + start)
    page.click(f".edition-switcher a[hreflang={other}]")
    page.wait_for_url(site_url + expected)
    assert page.get_attribute("html", "lang") == other
    fragment = expected.partition("#")[2]
    if fragment:
        assert page.locator(f"#{fragment}").is_visible()


# -- Search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "query", "highlight"),
    [
        ("ko", "중국의", "중국"),
        ("ko", "우버는", "우버"),
        ("ko", "공유자전거", "공유자전거"),
        ("en", "innovation", "innovation"),
    ],
)
def test_search_box_finds_the_column_and_highlights_the_hit(
    open_page: OpenPage, site_url: str, lang: str, query: str, highlight: str
) -> None:
    reader = open_page(viewport=DESKTOP)
    page = reader.page
    page.goto(f"{site_url}{lang}/index.html")
    page.fill("input.sidebar-search", query)
    page.press("input.sidebar-search", "Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q="))
    wait_until_ready(page)
    column = page.locator("ul.search > li", has=page.locator("a[href^='column.html']"))
    assert column.count() == 1
    highlighted = column.locator("p.context span.highlighted").all_inner_texts()
    assert highlighted, "the summary of the column highlights nothing"
    assert {text.lower() for text in highlighted} == {highlight}
    assert reader.errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_query_set_finds_the_pages_it_should(browser: Browser, site_url: str, lang: str) -> None:
    queries = [q for q in load_queries() if q.edition == lang and q.kind in PROMISED_KINDS]
    assert len(queries) >= (25 if lang == "ko" else 10)
    page = browser.new_page()
    try:
        found = run_queries(page, f"{site_url}{lang}/search.html", [q.text for q in queries])
    finally:
        page.close()
    wrong = {
        q.text: sorted(a["pages"])
        for q, a in zip(queries, found, strict=True)
        if set(a["pages"]) != q.expected
    }
    assert wrong == {}


def test_query_with_a_particle_finds_the_same_pages_as_the_bare_noun(browser: Browser, site_url: str) -> None:
    pairs = [
        ("중국", "중국의"),
        ("중국", "중국은"),
        ("우버", "우버는"),
        ("유니콘", "유니콘으로"),
        ("시장", "시장에서"),
    ]
    page = browser.new_page()
    try:
        found = run_queries(page, f"{site_url}ko/search.html", [word for pair in pairs for word in pair])
    finally:
        page.close()
    pages = [sorted(answer["pages"]) for answer in found]
    for i, (noun, with_particle) in enumerate(pairs):
        assert pages[2 * i], f"{noun} finds nothing"
        assert pages[2 * i] == pages[2 * i + 1], (noun, with_particle)


def test_side_by_side_search_finds_korean_and_english_words(browser: Browser, site_url: str) -> None:
    """The view searches both texts: a Korean noun by its prefix, as the Korean edition does
    (the column has 혁신 only as 혁신성과, 혁신의…, which an English splitter keeps whole),
    an English word by its stem."""
    queries = ["혁신", "플랫폼", "정부", "innovation", "unicorns"]
    page = browser.new_page()
    try:
        found = run_queries(page, f"{site_url}ko-en/search.html", queries)
        page.goto(f"{site_url}ko-en/search.html?q=%ED%98%81%EC%8B%A0")  # 혁신, through the page itself
        wait_until_ready(page)
        links = page.locator("ul.search > li a").evaluate_all("(links) => links.map((a) => a.href)")
    finally:
        page.close()
    missing = [answer["query"] for answer in found if "column" not in answer["pages"]]
    assert missing == []
    assert f"{site_url}ko-en/column.html" in [link.split("?")[0].split("#")[0] for link in links]


# -- Every page: errors, narrow screens, colours, accessibility -------------------------------


@pytest.mark.parametrize("path", every_page())
def test_page_has_no_javascript_errors(open_page: OpenPage, site_url: str, path: str) -> None:
    reader = open_page(locale="fr-FR", viewport=DESKTOP)  # fr: the chooser stays put
    reader.page.goto(site_url + path)
    wait_until_ready(reader.page)
    assert reader.errors == []


@pytest.mark.parametrize("path", every_page())
def test_page_does_not_scroll_sideways_at_375px(open_page: OpenPage, site_url: str, path: str) -> None:
    page = open_page(locale="fr-FR", viewport=MOBILE).page
    page.goto(site_url + path)
    wait_until_ready(page)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path}: {widths[0]} px of content in a {widths[1]} px window"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_stored_colour_theme_applies(open_page: OpenPage, site_url: str, lang: str) -> None:
    luminance = {}
    for theme in ["light", "dark"]:
        page = open_page(viewport=DESKTOP).page
        page.add_init_script(f"localStorage.setItem('theme', '{theme}')")
        page.goto(f"{site_url}{lang}/column.html")
        assert page.get_attribute("body", "data-theme") == theme
        luminance[theme] = relative_luminance(
            page.evaluate("getComputedStyle(document.body).backgroundColor")
        )
    assert luminance["dark"] < 0.2 < 0.8 < luminance["light"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_automatic_theme_follows_the_system_colour_scheme(
    open_page: OpenPage, site_url: str, scheme: str
) -> None:
    page = open_page(viewport=DESKTOP, color_scheme=scheme).page
    page.goto(f"{site_url}ko/column.html")
    assert page.get_attribute("body", "data-theme") == "auto"
    background = relative_luminance(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    text = relative_luminance(page.evaluate("getComputedStyle(document.querySelector('article p')).color"))
    if scheme == "dark":
        assert background < 0.2 < text
    else:
        assert text < 0.2 < background


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core, as shipped with axe-playwright-python."""
    return Axe()


@pytest.mark.parametrize(
    "path",
    ["index.html"]
    + [page_path(lang, kind) for lang in LANGUAGES for kind in ["landing", "column", "glossary", "search"]]
    + ["ko-en/index.html", "ko-en/column.html", "ko-en/glossary.html"],
)
def test_page_has_no_accessibility_violations_in_either_theme(
    open_page: OpenPage, site_url: str, axe: Axe, path: str
) -> None:
    page = open_page(locale="fr-FR", viewport=DESKTOP).page
    page.add_init_script("localStorage.setItem('theme', 'light')")
    page.goto(site_url + path)
    wait_until_ready(page)
    for theme in ("light", "dark"):  # (the theme furo's toggle sets, on the same page)
        page.evaluate(f"document.body.dataset.theme = '{theme}'")
        results = axe.run(page)
        assert results.violations_count == 0, f"{theme} theme:\n{results.generate_report()}"


# -- Side-by-side view -----------------------------------------------------------------------


def row_boxes(page: Page) -> list[tuple[dict, dict]]:
    """The bounding boxes of the Korean and English cell of every row."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.bilingual-row')].map((row) => {
            const box = (cell) => {
                const r = cell.getBoundingClientRect();
                return {x: r.x, y: r.y, w: r.width};
            };
            return [box(row.querySelector(':scope > .bilingual-source')),
                    box(row.querySelector(':scope > .bilingual-target'))];
        })"""
    )


@pytest.mark.parametrize("name", ["column", "glossary"])
def test_side_by_side_sets_korean_left_and_english_right_row_by_row(
    open_page: OpenPage, site_url: str, name: str
) -> None:
    reader = open_page(viewport=DESKTOP)
    reader.page.goto(f"{site_url}ko-en/{name}.html")
    boxes = row_boxes(reader.page)
    assert len(boxes) > 5
    for korean, english in boxes:
        assert korean["x"] + korean["w"] <= english["x"], "Korean is not left of English"
        assert abs(korean["y"] - english["y"]) < 1, "a pair does not start on the same line"
    assert reader.errors == []


def test_side_by_side_stacks_each_pair_on_a_narrow_screen(open_page: OpenPage, site_url: str) -> None:
    reader = open_page(viewport=MOBILE)
    reader.page.goto(f"{site_url}ko-en/column.html")
    for korean, english in row_boxes(reader.page):
        assert korean["y"] < english["y"], "Korean is not above English"
        assert abs(korean["x"] - english["x"]) < 1
    assert reader.page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_side_by_side_row_anchor_is_reachable_from_the_switcher(open_page: OpenPage, site_url: str) -> None:
    page = open_page(viewport=DESKTOP).page
    page.goto(f"{site_url}en/column.html#column-p3")
    page.locator("nav.edition-switcher a.edition-link").filter(has_not_text="한국어").click()
    page.wait_for_url(re.compile(r"/ko-en/column\.html#column-p3$"))
    target = page.locator(".bilingual-row:target")
    assert target.count() == 1
    assert target.get_attribute("id") == "column-p3"
    assert "중국의 AI 유니콘인 센스타임과" in target.locator(".bilingual-source").inner_text()
    assert "China’s AI unicorns SenseTime" in target.locator(".bilingual-target").inner_text()
