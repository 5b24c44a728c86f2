"""Write the side-by-side view from the English build, without reading the sources again.

A build of a translation with ``bilingual_sidebyside_outdir`` set writes two sites
from one read: its own pages, and the side-by-side view into that directory. When the
builder starts writing (the environment has been read and pickled), the process forks:

- the child switches to the view (``bilingual_sidebyside = True``, the other output
  directory), writes the pages that were read again or whose view page is out of date,
  finishes (static files, search index, ``build-finished``) and exits with the build's
  status;
- the parent writes its own pages and, when its build has finished, waits for the
  child: if the view failed, the build fails.

Both write from the same doctrees (``bilingual.sidebyside`` pairs them when a page is
written), so on two cores the view costs a share of a write, not a third build: see
README.md, "Performance".

With ``bilingual_sidebyside_merged_search`` set (``tools/publish.py`` sets it), the view
feeds no search index of its own: once both editions are written, `merge_search_indexes`
gives it theirs, merged. Its pages hold the same text as theirs, and so its search finds
a Korean word as the Korean edition's does (by its prefixes), and an English word as the
English edition's does; an index of the view's own split its Korean with the English
splitter (whole words with their particles: ``중국의``, never ``중국``).
"""

from __future__ import annotations

import os
import queue
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.errors import SphinxError
from sphinx.search import js_index

from bilingual import sidebyside

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The forked writer of each running build, by application.
WRITERS: dict[int, tuple[int, Path]] = {}


class SideBySideFailed(SphinxError):
    category = "Side-by-side view failed"


def wanted(app: Sphinx) -> bool:
    """Whether this build also writes the side-by-side view."""
    config = app.config
    return (
        bool(config.bilingual_sidebyside_outdir)
        and app.builder.format == "html"
        and sidebyside.translating(config)
        and not config.bilingual_sidebyside
    )


def flush(app: Sphinx) -> None:
    for stream in (sys.stdout, sys.stderr, getattr(app, "_status", None), getattr(app, "_warning", None)):
        if stream is not None and hasattr(stream, "flush"):
            stream.flush()


def switch_to_view(app: Sphinx, outdir: Path) -> None:
    """Make this (forked) build write the side-by-side view into *outdir*."""
    builder: Any = app.builder
    app.config.bilingual_sidebyside = True
    outdir.mkdir(parents=True, exist_ok=True)
    app.outdir = builder.outdir = outdir
    # The HTML builder's own paths into its output directory, and its configuration stamp.
    for attribute in ("_static_dir", "_sources_dir", "_downloads_dir", "_images_dir"):
        if hasattr(builder, attribute):
            setattr(builder, attribute, outdir / getattr(builder, attribute).name)
    if hasattr(builder, "create_build_info"):
        builder.build_info = builder.create_build_info()
    if app.config.bilingual_sidebyside_merged_search:  # (see merge_search_indexes)
        builder.index_page = lambda *args, **kwargs: None
        builder.dump_search_index = lambda: None
    # sphinx-sitemap collects the pages through a queue shared between processes: the
    # view's pages (which the published sitemap leaves out) must not land in the parent's.
    if hasattr(app, "sitemap_links"):
        app.sitemap_links = queue.Queue()


def write_view(app: Sphinx, write: Any, docnames: Iterable[str] | None, updated: Any, method: str) -> int:
    """In the forked child: write the view and return the exit status of its build."""
    try:
        warnings = app._warncount
        switch_to_view(app, Path(app.config.bilingual_sidebyside_outdir).resolve())
        if docnames is not None and list(docnames) != ["__all__"]:
            docnames = sorted(set(docnames) | set(app.builder.get_outdated_docs()))
        write(docnames, updated, method)
        app.builder.finish()
        app.builder.finish_tasks.join()
        app.events.emit("build-finished", None)
        failed = app.statuscode or (app._warncount > warnings and app._fail_on_warnings)
        return 1 if failed else 0
    except BaseException:
        traceback.print_exc()
        return 2
    finally:
        flush(app)


def fork_on_write(app: Sphinx) -> None:
    """Fork the view's writer when the builder starts writing."""
    if not wanted(app):
        return
    builder: Any = app.builder
    write = builder.write

    def write_both(docnames: Any, updated: Any, method: str = "update") -> None:
        flush(app)
        pid = os.fork()
        if pid == 0:
            os._exit(write_view(app, write, docnames, updated, method))
        WRITERS[id(app)] = (pid, Path(app.config.bilingual_sidebyside_outdir))
        write(docnames, updated, method)

    builder.write = write_both


def wait_for_view(app: Sphinx, exception: Exception | None) -> None:
    """At the end of the build: the view's writer must have succeeded too."""
    writer = WRITERS.pop(id(app), None)
    if writer is None:
        return
    pid, outdir = writer
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code and exception is None:
        raise SideBySideFailed(
            f"writing the side-by-side view into {outdir} failed (status {code}); see above"
        )


INDEX = "searchindex.js"


def merge_search_indexes(view: Path, editions: list[Path]) -> bool:
    """Write the view's search index from the editions' (the translation's last), if it is
    missing or older than one of theirs; return whether it was written.

    The view's document names, page titles, objects and index entries are the
    translation's (its navigation and titles are); each term, title term and section
    title of any edition leads to the same documents and sections in the view.
    """
    target = view / INDEX
    sources = [edition / INDEX for edition in editions]
    if target.exists() and all(source.stat().st_mtime_ns <= target.stat().st_mtime_ns for source in sources):
        return False
    indexes = [js_index.loads(source.read_text(encoding="utf-8")) for source in sources]
    merged = indexes[-1]
    numbers = {name: number for number, name in enumerate(merged["docnames"])}
    for index in indexes[:-1]:
        renumber = {old: numbers[name] for old, name in enumerate(index["docnames"]) if name in numbers}
        for key in ("terms", "titleterms"):
            for word, found in index[key].items():
                documents = {
                    renumber[d] for d in (found if isinstance(found, list) else [found]) if d in renumber
                }
                known = merged[key].get(word, [])
                documents |= set(known if isinstance(known, list) else [known])
                if documents:
                    merged[key][word] = sorted(documents) if len(documents) > 1 else documents.pop()
        for title, places in index["alltitles"].items():
            own = merged["alltitles"].setdefault(title, [])
            own.extend(
                place
                for place in ([renumber[d], anchor] for d, anchor in places if d in renumber)
                if place not in own
            )
    temporary = target.with_name(f"{INDEX}.tmp")
    temporary.write_text(js_index.dumps(merged), encoding="utf-8")
    temporary.replace(target)
    return True


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.sidebyside")
    app.add_config_value("bilingual_sidebyside_outdir", "", "", types=[str])
    app.add_config_value("bilingual_sidebyside_merged_search", False, "", types=[bool])
    app.connect("builder-inited", fork_on_write)
    app.connect("build-finished", wait_for_view, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
