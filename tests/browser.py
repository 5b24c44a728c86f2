"""Look at the built site the way a reader does: served over HTTP, opened in Debian's chromium.

Shared by the browser tests (conftest.py) and `make screenshots` (screenshots.py).
The site is served from 127.0.0.1, not opened as file://: chromium refuses fetch() on file
URLs, and Sphinx's search page fetches every result page to show its summary.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
#: The query each edition's search page is opened with, in tests and screenshots.
SEARCH_QUERY = {"ko": "중국의", "en": "China"}
#: Every kind of page of an edition, by the path a reader opens.
PAGE_TYPES = {
    "landing": "index.html",
    "column": "column.html",
    "glossary": "glossary.html",
    "about": "about.html",
    "genindex": "genindex.html",
    "search": "search.html?q={query}",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        pass


@contextmanager
def serve(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve *directory* on 127.0.0.1 (*port*, or a free one) and yield its base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch_chromium(playwright: Playwright) -> Browser:
    """Start Debian's chromium, headless, with the project's flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class PageWithErrors:
    """A browser context and a page in it that record JavaScript and console errors."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")


_SEARCH_JS = """
async (queries) => {
  for (let i = 0; i < 500 && !Search.hasIndex(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!Search.hasIndex()) throw new Error("the search index did not load");
  return queries.map((query) => {
    const parsed = Search._parseQuery(query);
    const results = Search._performSearch(...parsed);
    return {
      query: query,
      terms: [...parsed[1]],
      pages: [...new Set(results.map((result) => result[0]))],
    };
  });
}
"""


def run_queries(page: Page, search_url: str, queries: list[str]) -> list[dict[str, Any]]:
    """Run *queries* through the search code of a built search page; return the pages each finds."""
    page.goto(search_url)
    return page.evaluate(_SEARCH_JS, queries)
