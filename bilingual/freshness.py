"""One digest of what a build reads: it decides when the publisher, ``make watch`` and Sphinx rebuild
(Sphinx does not re-read documents when an extension's code changes: the package's digest, an ``env``
setting, makes an edit to it a full rebuild)."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: What every build reads, besides the settings and the installed packages.
INPUTS = ("conf.py", "source", "locale", "bilingual")


@functools.cache  # (once a process: `make watch` restarts when the code changes, not the packages)
def installed_distributions() -> list[str]:
    """Every installed distribution and its version (a ``pip install`` can change a page)."""
    found = {(d.metadata["Name"] or "").lower(): d.version for d in importlib.metadata.distributions()}
    return [f"{name}=={version}" for name, version in sorted(found.items())]


def digest(paths: Iterable[Path], root: Path, extra: Iterable[str] = ()) -> str:
    """A digest of the files under *paths* (names and contents, in a stable order) and of *extra*."""
    found = hashlib.sha256()
    for text in extra:
        found.update(text.encode() + b"\0")
    files = sorted(file for path in paths for file in ([path] if path.is_file() else path.rglob("*")))
    for file in files:
        if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".mo":
            found.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return found.hexdigest()


def inputs_digest(root: Path, settings: Iterable[str]) -> str:
    """Everything a build reads: the project's inputs, its settings, Python and its packages."""
    environment = [os.environ.get(name, "") for name in ("SOURCE_DATE_EPOCH", "EDITION_BASEURL")]
    extra = [sys.version, *environment, *installed_distributions(), *settings]
    return digest([root / name for name in INPUTS], root, extra)


def setup(app: Sphinx) -> ExtensionMetadata:
    package = Path(__file__).parent
    app.add_config_value("bilingual_code_digest", digest([package], package.parent), "env", types=[str])
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
