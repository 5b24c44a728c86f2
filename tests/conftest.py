"""Shared fixtures: where the tiny Sphinx test roots live."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """sphinx.testing looks for tests/roots/test-NAME here."""
    return Path(__file__).parent / "roots"
