"""sphinx-sitemap's list of pages, in the build's own memory when it writes in one process.

sphinx-sitemap collects the written pages in a queue shared between processes (a
``multiprocessing.Manager`` queue), for builds that write pages in parallel. Putting a
page in it is a round trip to the manager's server process, which costs both processes
CPU: half a millisecond a page in a build that writes every page itself, as each of
``make html``'s editions does. Such a build (``-j 1``) gets a plain queue instead, and
the manager is stopped; a parallel build keeps sphinx-sitemap's.
"""

from __future__ import annotations

import queue
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def local_queue(app: Sphinx) -> None:
    """After sphinx-sitemap made its shared queue: a plain one, for a build in one process."""
    shared = getattr(app, "sitemap_links", None)
    if shared is None or app.parallel > 1 or isinstance(shared, queue.Queue):
        return
    app.sitemap_links = queue.Queue()
    manager = getattr(shared, "_manager", None)
    if manager is not None:
        manager.shutdown()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx_sitemap")
    app.connect("builder-inited", local_queue, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
