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

A view page is heavier than the translation's (two texts, twice the references), so the
view's writer would go on alone after the translation's pages. For many pages
(``HELPER_FROM``), when it feeds no search index of its own (the merged one, below), it
forks a helper once it has prepared its writing, and the two take the pages one at a time
from a shared counter (`ViewPages`): the helper starts when the parent has written its own
pages (on two CPUs both are busy until then), or at once on more CPUs or with
``bilingual_sidebyside_helper = "now"``; ``"off"`` has none. The helper writes pages
only; the view's writer copies the images the helper's pages use, and fails if the helper
failed.

With ``bilingual_sidebyside_merged_search`` set (``tools/publish.py`` sets it), the view
feeds no search index of its own: once both editions are written, `merge_search_indexes`
gives it theirs, merged. Its pages hold the same text as theirs, and so its search finds
a Korean word as the Korean edition's does (by its prefixes), and an English word as the
English edition's does; an index of the view's own split its Korean with the English
splitter (whole words with their particles: ``중국의``, never ``중국``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.config import ENUM
from sphinx.errors import SphinxError
from sphinx.search import js_index

from bilingual import sidebyside

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The forked writer of each running build, by application.
WRITERS: dict[int, tuple[int, Path]] = {}
#: From this many view pages on, the view's writer shares them with a helper.
HELPER_FROM = 40
HELPER_MODES = ("auto", "now", "off")


class ViewPages:
    """The view's pages in order, each taken by whichever writer asks first.

    The counter is in memory shared by the processes forked after it was made (the view's
    writer and its helper). A sequence for Sphinx's ``_write_serial``, which wants a length.
    """

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.taken = multiprocessing.get_context("fork").Value("i", 0)

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[str]:
        while True:
            with self.taken.get_lock():
                index = self.taken.value
                self.taken.value += 1
            if index >= len(self.names):
                return
            yield self.names[index]


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


def helper_starts_at_once(app: Sphinx) -> bool:
    """Whether the view's helper starts with the view's writer, not after the parent's pages."""
    mode = app.config.bilingual_sidebyside_helper
    return mode == "now" or (mode == "auto" and len(os.sched_getaffinity(0)) > 2)


class Helper:
    """A second writer of the view's pages, forked by the view's writer (see the module)."""

    def __init__(self, app: Sphinx, pages: ViewPages, go: int) -> None:
        self.images, send = os.pipe()
        at_once = helper_starts_at_once(app)
        flush(app)
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.images)
            os._exit(self.run(app, pages, None if at_once else go, send))
        os.close(send)

    @staticmethod
    def run(app: Sphinx, pages: ViewPages, go: int | None, send: int) -> int:
        """In the helper: wait for the parent's pages, write pages, send back the images used."""

        def work() -> bool:
            if go is not None and not os.read(go, 1):
                return True  # the parent ended without writing its pages: its build failed
            builder: Any = app.builder
            builder._write_serial(pages)
            with os.fdopen(send, "wb") as out:
                pickle.dump(builder.images, out)
            return True

        return exit_status(app, work)

    def finish(self, app: Sphinx) -> int:
        """In the view's writer, once its own pages are written and finished: copy the images
        of the helper's pages and return the helper's status."""
        with os.fdopen(self.images, "rb") as received:
            data = received.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        code = os.waitstatus_to_exitcode(status)
        builder: Any = app.builder
        images = pickle.loads(data) if data else {}
        new = {uri: name for uri, name in images.items() if uri not in builder.images}
        if new:  # (copy_image_files copies all it has: give it only these)
            own, builder.images = builder.images, new
            builder.copy_image_files()
            builder.images = {**own, **new}
        return code

    def stop(self) -> None:
        """If the view's writer failed before `finish`: end the helper (its pages are not
        wanted), so that it writes nothing more once the build has failed."""
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0


def share_pages(app: Sphinx, go: int, helpers: list[Helper]) -> None:
    """Make the view's writer take its pages from `ViewPages`, with a helper (put in
    *helpers*) if there are many."""
    builder: Any = app.builder
    write_documents = builder.write_documents

    def write_shared(docnames: Any) -> None:
        mode = app.config.bilingual_sidebyside_helper
        own_index = not app.config.bilingual_sidebyside_merged_search  # (fed by one process)
        if own_index or app.parallel > 1 or mode == "off" or (mode == "auto" and len(docnames) < HELPER_FROM):
            write_documents(docnames)
            return
        pages = ViewPages(sorted(docnames))
        helpers.append(Helper(app, pages, go))
        builder._write_serial(pages)

    builder.write_documents = write_shared


def exit_status(app: Sphinx, work: Callable[[], bool]) -> int:
    """Run *work* in a forked writer and return the process's exit status: 0, 1 if it says it
    failed or the build has (a new warning, with ``-W``), 2 if it raised (traceback printed)."""
    try:
        warnings = app._warncount
        succeeded = work()
        failed = not succeeded or app.statuscode or (app._warncount > warnings and app._fail_on_warnings)
        return 1 if failed else 0
    except BaseException:
        traceback.print_exc()
        return 2
    finally:
        flush(app)


def write_view(
    app: Sphinx, write: Any, docnames: Iterable[str] | None, updated: Any, method: str, go: int
) -> int:
    """In the forked child: write the view and return the exit status of its build."""
    helpers: list[Helper] = []

    def work() -> bool:
        nonlocal docnames
        switch_to_view(app, Path(app.config.bilingual_sidebyside_outdir).resolve())
        if docnames is not None and list(docnames) != ["__all__"]:
            docnames = sorted(set(docnames) | set(app.builder.get_outdated_docs()))
        share_pages(app, go, helpers)
        write(docnames, updated, method)
        app.builder.finish()
        app.builder.finish_tasks.join()
        helped = [helper.finish(app) for helper in helpers]
        app.events.emit("build-finished", None)
        return not any(helped)

    try:
        return exit_status(app, work)
    finally:
        for helper in helpers:
            helper.stop()


def fork_on_write(app: Sphinx) -> None:
    """Fork the view's writer when the builder starts writing."""
    if not wanted(app):
        return
    builder: Any = app.builder
    write = builder.write

    def write_both(docnames: Any, updated: Any, method: str = "update") -> None:
        flush(app)
        go, ready = os.pipe()  # a byte once this process's pages are written (see Helper)
        pid = os.fork()
        if pid == 0:
            os.close(ready)  # (so that the helper sees the end of the pipe if this process dies)
            os._exit(write_view(app, write, docnames, updated, method, go))
        os.close(go)
        WRITERS[id(app)] = (pid, Path(app.config.bilingual_sidebyside_outdir))
        try:
            write(docnames, updated, method)
            with contextlib.suppress(BrokenPipeError):  # (the view's writer has ended: failed)
                os.write(ready, b"1")
        finally:
            os.close(ready)

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
    app.add_config_value("bilingual_sidebyside_helper", "auto", "", ENUM(*HELPER_MODES))
    app.connect("builder-inited", fork_on_write)
    app.connect("build-finished", wait_for_view, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
