"""`make screenshots`: every page type of every edition, desktop and mobile, light and dark.

    python tests/screenshots.py [--site build/html] [--out build/screenshots]

Writes build/screenshots/<lang>-<page>-<desktop|mobile>-<light|dark>.png (and the language
chooser as chooser-…), full-page, from the site served on 127.0.0.1 in Debian's chromium.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from browser import PAGE_TYPES, SEARCH_QUERY, PageWithErrors, launch_chromium, serve  # noqa: E402

from bilingual.editions import project_languages  # noqa: E402

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 375, "height": 812}}
THEMES = ["light", "dark"]
#: The page types photographed (the index is not a page a reader looks at).
PAGES = {name: path for name, path in PAGE_TYPES.items() if name != "genindex"}


def shots() -> list[tuple[str, str]]:
    """(file stem, path) of every page to photograph."""
    source, *translations = languages = project_languages(ROOT)
    items = [("chooser", "index.html")]
    for lang in languages:
        items += [
            (f"{lang}-{name}", f"{lang}/{path.format(query=SEARCH_QUERY.get(lang))}")
            for name, path in PAGES.items()
            if name != "search" or lang in SEARCH_QUERY  # (a query known to find something)
        ]
    for view in (f"{source}-{lang}" for lang in translations):
        items += [(f"{view}-{name}", f"{view}/{PAGES[name]}") for name in ("landing", "column", "glossary")]
    return items


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"screenshots: no site in {args.site}; run `make html` first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    errors = []
    with serve(args.site) as base_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for device, viewport in VIEWPORTS.items():
            for theme in THEMES:
                # fr-FR: a language the chooser does not redirect, so that it can be seen.
                context = browser.new_context(
                    viewport=viewport, locale="fr-FR", color_scheme=theme, device_scale_factor=1
                )
                context.add_init_script(f"localStorage.setItem('theme', '{theme}')")
                reader = PageWithErrors(context)
                for stem, path in shots():
                    reader.page.goto(base_url + path)
                    reader.page.wait_for_load_state("load")
                    if "search.html" in path:
                        reader.page.wait_for_selector("ul.search > li p.context")
                    reader.page.wait_for_timeout(150)
                    target = args.out / f"{stem}-{device}-{theme}.png"
                    reader.page.screenshot(path=str(target), full_page=True)
                errors += reader.errors
                context.close()
        browser.close()
    print(f"screenshots: {len(shots()) * len(VIEWPORTS) * len(THEMES)} images in {args.out}")
    for error in errors:
        print(f"screenshots: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
