"""Each stylesheet's and script's checksum, worked out once per build and output directory.

Every page links about a dozen stylesheets and scripts with a checksum of each
(``furo.css?v=…``), and Sphinx works each one out again for every page: its checksum of
a file is kept, but the file's path is first resolved (``Path.resolve``: a system call
per directory of the path), twelve times a page. A tenth of the time it takes to render
a page went there. `file_checksum` keeps the result per output directory and file name
for the build; the side-by-side view, written into another directory, has its own.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from sphinx.builders import html

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: Sphinx's own function, which `file_checksum` calls once per output directory and file.
SPHINX_FILE_CHECKSUM = html._file_checksum


@functools.cache
def file_checksum(outdir: object, filename: object) -> str:
    """Sphinx's checksum of *filename* in *outdir*, once per build (see the module)."""
    return SPHINX_FILE_CHECKSUM(outdir, filename)


def start_build(app: Sphinx) -> None:
    """A new build sees the files as they are now."""
    file_checksum.cache_clear()


def setup(app: Sphinx) -> ExtensionMetadata:
    html._file_checksum = file_checksum  # (the name the HTML builder's page rendering calls)
    app.connect("builder-inited", start_build)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
