"""Rebuild every document when the code of these extensions or their templates changes.

Sphinx re-reads a document when its source or an ``env`` config value changes, but
not when an extension's transforms do: after editing ``bilingual/``, an incremental
build would keep doctrees made by the old code. A digest of the package, registered
as an ``env`` config value, makes such an edit a full rebuild.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

PACKAGE = Path(__file__).parent


def package_digest() -> str:
    """A digest of every file of the package, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("bilingual_code_digest", package_digest(), "env", types=[str])
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
