"""Shared fixtures: the real site built once per session, served over HTTP, and chromium."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tools.browser import PageWithErrors, launch_chromium, serve

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published HTML site (chooser and both editions), built with tools/publish.py."""
    build_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "publish.py"), "html", "--build-dir", str(build_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"publish.py html failed:\n{result.stdout}\n{result.stderr}"
    return build_dir / "html"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The base URL (ending in /) of the built site, served from 127.0.0.1."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, driven by Playwright, for the whole session."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., PageWithErrors]]:
    """Open a fresh context (with Playwright context options) and a page that records errors."""
    opened: list[PageWithErrors] = []

    def _open(**context_options: object) -> PageWithErrors:
        opened.append(PageWithErrors(browser.new_context(**context_options)))
        return opened[-1]

    yield _open
    for item in opened:
        item.context.close()


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the tiny test roots (tests/roots/test-NAME)."""
    return ROOT / "tests" / "roots"
