"""Shared fixtures: the real project built once per session, copies of it, and Sphinx's test roots."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
LANGUAGES = ("ko", "en")
EDITIONS = ("ko", "en", "ko-en")

#: What a copy of the project needs to build, check and publish.
PROJECT_PARTS = ["source", "locale", "conf.py", "bilingual", "tools", "Makefile", "requirements.txt"]

collect_ignore = ["roots"]
sys.path.insert(0, str(ROOT))


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


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Build the whole HTML site once, exactly as `make html` does, into a temporary directory."""
    build_dir = tmp_path_factory.mktemp("build")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "publish.py"), "html", "--build-dir", str(build_dir)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SPHINXOPTS": "-nW --keep-going"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Site(root=build_dir / "html", output=result.stdout + result.stderr)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On CI a skipped test is a failure: every test must run on a clean machine."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped:
        reporter.write_line(f"CI: {skipped} test(s) skipped; on CI a skipped test is a failure.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
