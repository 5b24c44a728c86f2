"""Shared fixtures: sphinx.testing roots, and copies of the real project in temporary directories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What a copy of the project needs to build, check and publish.
PROJECT_PARTS = ["source", "locale", "conf.py", "bilingual", "tools", "Makefile", "requirements.txt"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"


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
