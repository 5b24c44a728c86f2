"""Every HTML page written as a new file, and listed, so that staging may link it.

Sphinx's HTML builder writes a page with ``Path.write_text``: the file is truncated and
rewritten in place. ``tools/publish.py`` stages a publication in a fresh directory and
renames it over the published site, so a staged file may be a hard link to the build's
only if no later build writes into that file. This extension removes a page's old file
just before the builder writes the page, so that every page is a new file (and a published
link to the old one keeps the old page), and appends the page's path, relative to the
output directory, to ``<outdir>/.fresh-pages``: the files staging links instead of
copying (README.md, "Performance", item 49). Only where ``bilingual_fresh_pages`` is set,
as ``tools/publish.py`` sets it: a plain ``sphinx-build`` writes as Sphinx does, and its
output gets no list nobody reads.

Every writer of the output directory appends (the side-by-side view's writers are forked
processes, see ``bilingual.sidebyside_writer``): one ``write`` of one line each to a file
opened for appending, which the system keeps whole.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The list of pages written as new files, in each output directory.
MANIFEST = ".fresh-pages"
#: The open list of each output directory, by process (a forked writer opens its own).
OPEN: dict[tuple[int, Path], int] = {}


def note(outdir: Path, page: Path) -> None:
    """Append *page* (a file under *outdir*) to *outdir*'s list."""
    key = (os.getpid(), outdir)
    fd = OPEN.get(key)
    if fd is None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        fd = OPEN[key] = os.open(outdir / MANIFEST, flags, 0o644)
    os.write(fd, page.relative_to(outdir).as_posix().encode("utf-8") + b"\n")


def listed(outdir: Path) -> set[str]:
    """The pages of *outdir* that were written as new files (paths relative to it)."""
    try:
        return set((outdir / MANIFEST).read_text(encoding="utf-8").splitlines())
    except FileNotFoundError:
        return set()


def write_pages_afresh(app: Sphinx) -> None:
    """Make the HTML builder remove a page's old file before writing it, and list the page."""
    builder: Any = app.builder
    if not app.config.bilingual_fresh_pages or builder.name != "html":  # (not an EPUB's, which
        return  # packs every file of its directory)
    for key in [key for key in OPEN if key[0] == os.getpid()]:  # (a new build in this process)
        os.close(OPEN.pop(key))
    handle_page = builder.handle_page

    def handle_page_afresh(pagename: str, addctx: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        outfilename = kwargs.get("outfilename")
        path = Path(outfilename) if outfilename else builder.get_output_path(pagename)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        handle_page(pagename, addctx, *args, **kwargs)
        outdir = Path(builder.outdir)
        if path.is_file() and path.is_relative_to(outdir):
            note(outdir, path)

    builder.handle_page = handle_page_afresh


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("bilingual_fresh_pages", False, "", types=[bool])
    app.connect("builder-inited", write_pages_afresh)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
