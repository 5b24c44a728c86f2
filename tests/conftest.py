"""Shared fixtures: the real site built once per session (and served, and opened in chromium),
copies of the project, and Sphinx's test roots."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
LANGUAGES = ("ko", "en")
EDITIONS = ("ko", "en", "ko-en")

#: What a copy of the project needs to build, check and publish.
PROJECT_PARTS = ["source", "locale", "conf.py", "bilingual", "tools", "Makefile", "requirements.txt"]

collect_ignore = ["roots"]
sys.path.insert(0, str(ROOT))

from browser import PageWithErrors, launch_chromium, serve  # noqa: E402

#: Python source of ``drop_a_ctrl_c()``: it sends this process SIGINT from inside a
#: finalizer (as multiprocessing closing a finished build's pipes), where Python prints
#: and drops the KeyboardInterrupt that the handler raises. For programs run by the tests.
DROP_A_CTRL_C = """
import os, signal, weakref

class Pipes:
    pass

def close():
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(1000):  # the handler runs here, inside the finalizer
        pass

def drop_a_ctrl_c():
    pipes = Pipes()
    weakref.finalize(pipes, close)
    del pipes
"""


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the tiny test projects (tests/roots/test-NAME)."""
    return Path(__file__).parent / "roots"


def copy_project(target: Path) -> Path:
    """Copy the project (no build output, no .mo) into *target* and return it."""
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("*.mo", "__pycache__", "build")
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=ignore)
        else:
            shutil.copy2(source, target / part)
    return target


def catalog_translation(msgid: str, locale_dir: Path = ROOT / "locale", language: str = "en") -> str:
    """The msgstr a translator wrote for *msgid* in a language's catalogs."""
    import polib

    for po_path in sorted((locale_dir / language / "LC_MESSAGES").glob("*.po")):
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgid == msgid:
                return entry.msgstr
    raise LookupError(msgid)


def catalog_project(root: Path, messages: list[tuple[str, str]], files: dict[str, str] | None = None) -> Path:
    """A project of one English catalog of *messages* (msgid, msgstr) in the project's form,
    and *files* (path: text) beside it; return the catalog's path."""
    from babel.messages.catalog import Catalog

    from tools.pocheck.catalogs import formatted

    for name, text in {"conf.py": 'edition_languages = ["ko", "en"]\n', **(files or {})}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    catalog = Catalog(
        locale="en",
        fuzzy=False,
        revision_date=datetime(2026, 1, 1, tzinfo=UTC),
        last_translator="Tests <tests@example.org>",
        language_team="English",
    )
    for msgid, msgstr in messages:
        catalog.add(msgid, msgstr)
    path = root / "locale" / "en" / "LC_MESSAGES" / "page.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(formatted(catalog))
    return path


@dataclass(frozen=True)
class Query:
    """A query of the search query set (tests/fixtures/search_queries.tsv) and the pages it should find."""

    edition: str
    kind: str
    text: str
    expected: frozenset[str]


def load_queries(path: Path = FIXTURES / "search_queries.tsv") -> list[Query]:
    """Read the query set; a malformed line is an error naming file and line."""
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("edition\t"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or not fields[3]:
            raise ValueError(f"{path}:{number}: expected 4 tab-separated fields, got {line!r}")
        edition, kind, text, expected = fields
        queries.append(
            Query(edition, kind, text, frozenset() if expected == "-" else frozenset(expected.split(",")))
        )
    return queries


@dataclass(frozen=True)
class Seed:
    """The column as saved from KISDI's site: the reference for the Korean text."""

    title: str
    paragraphs: list[str]
    byline: dict[str, str]
    contact: dict[str, str]


def _field(lines: list[str], label: str) -> str:
    for line in lines:
        text = line.strip().lstrip("•").strip()
        if text.startswith(label):
            return re.sub(r"\s+", " ", text[len(label) :]).strip()
    raise AssertionError(f"no {label!r} line in the seed")


@pytest.fixture(scope="session")
def seed() -> Seed:
    """The seven paragraphs, byline and contact block of the saved page (tests/fixtures)."""
    lines = (FIXTURES / "seed-column.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "등록일" in line) + 1
    end = next(i for i, line in enumerate(lines) if line.strip().lstrip("•").strip().startswith("부서"))
    paragraphs = [line.strip() for line in lines[start:end] if line.strip()]
    return Seed(
        title=next(line.strip() for line in lines if "로컬리티(Locality)" in line),
        paragraphs=paragraphs,
        byline={label: _field(lines, label) for label in ("작성자", "소속", "등록일")},
        contact={label: _field(lines[end:], label) for label in ("부서", "담당자", "연락처")},
    )


@dataclass(frozen=True)
class Site:
    """A published site built by the real `tools/publish.py html`."""

    root: Path
    output: str

    def page(self, edition: str, name: str) -> Path:
        return self.root / edition / f"{name}.html"


def publish(build_dir: Path, *targets: str, root: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run tools/publish.py (of the project at *root*) for each target, stopping at the first failure."""
    for target in targets:
        result = subprocess.run(
            [sys.executable, str(root / "tools" / "publish.py"), target, "--build-dir", str(build_dir)],
            capture_output=True,
            text=True,
            check=False,
            env={
                **{k: v for k, v in os.environ.items() if k not in {"SOURCE_DATE_EPOCH", "EDITION_BASEURL"}},
                "SPHINXOPTS": "-nW --keep-going",
            },
        )
        if result.returncode != 0:
            break
    return result


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Site:
    """Publish everything once, as `make all` and `make dist` do: PDF, EPUB, the site, the archive
    (once for all the test processes of `pytest -n`: the first builds it, the others wait)."""
    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if worker_id != "master" else shared
    build_dir, output = shared / "site", shared / "site.output"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not output.exists():
            result = publish(build_dir, "all", "dist")
            assert result.returncode == 0, result.stdout + result.stderr
            output.write_text(result.stdout + result.stderr, encoding="utf-8")
    return Site(root=build_dir / "html", output=output.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def built_site(site: Site) -> Path:
    """The published HTML site (chooser, both editions, side-by-side view)."""
    return site.root


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On CI a skipped test is a failure: every test must run on a clean machine."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped:
        reporter.write_line(f"CI: {skipped} test(s) skipped; on CI a skipped test is a failure.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
