"""furo's sidebar navigation rendered once per build, not once per page.

furo renders the whole site's toctree for every page and parses it again with
BeautifulSoup (``furo._compute_navigation_tree``), so every page costs time in
proportion to the number of pages: at 500 pages, most of a build (docs/performance.md;
upstream: docs/upstream/furo-navigation.md). For a flat navigation (one level, as
here) the tree differs between pages only in the current page's entry and in the
``../`` of its links, so it is rendered once, from the root document, and each page
gets it with its own entry marked current. A nested tree is left to furo.
"""

import re
import weakref
from typing import Any

import furo
from furo.navigation import get_navigation_tree
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util.osutil import relative_uri
from sphinx.util.typing import ExtensionMetadata

from bilingual import speedups

VERIFIED = {"furo": "2025.12.19", "sphinx": "9.0.4"}
CONTEXT_KEY = "bilingual_navigation_tree"
RELATIVE_HREF = re.compile(r'href="((?![a-z][a-z0-9+.-]*:|/|#)[^"]*)"')
#: Per builder: the root's tree (None: nested, left to furo), and the tree per directory.
TREES: weakref.WeakKeyDictionary[Any, dict[str, str | None]] = weakref.WeakKeyDictionary()


def compute_navigation_tree(context: dict[str, Any]) -> str:
    """furo's ``_compute_navigation_tree``, taking the tree from the context when it is there."""
    if CONTEXT_KEY in context:
        return context.pop(CONTEXT_KEY)
    return speedups.ORIGINALS[furo, "_compute_navigation_tree"](context)


def patches() -> list[tuple[Any, str, Any]]:
    return [(furo, "_compute_navigation_tree", compute_navigation_tree)]


def root_tree(builder: StandaloneHTMLBuilder, trees: dict[str, str | None]) -> str | None:
    """The navigation as furo renders it for the root document, or None if it is nested."""
    if "" not in trees:
        toctree = global_toctree_for_doc(
            builder.env,
            builder.config.root_doc,
            builder,
            tags=builder.tags,
            collapse=False,
            titles_only=True,
            maxdepth=-1,
            includehidden=True,
        )
        html = builder.render_partial(toctree)["fragment"]
        classes = set(" ".join(re.findall(r'class="([^"]*)"', html)).split())
        trees[""] = None if classes & {"toctree-l2", "current"} else get_navigation_tree(html)
    return trees[""]


def page_tree(builder: StandaloneHTMLBuilder, pagename: str) -> str | None:
    """The tree as seen from *pagename*: links relative to its directory, its own entry current."""
    trees = TREES.setdefault(builder, {})
    tree = root_tree(builder, trees)
    if tree is None:
        return None
    directory, _, uri = builder.get_target_uri(pagename).rpartition("/")
    if directory:
        if directory not in trees:  # (relative to a page named "\0" there, which no link names)
            base = f"{directory}/\0"
            trees[directory] = RELATIVE_HREF.sub(lambda href: f'href="{relative_uri(base, href[1])}"', tree)
        tree = trees[directory]
    entry = f'<li class="toctree-l1"><a class="reference internal" href="{uri}">'
    at = tree.find(entry)
    if at < 0:
        return tree
    current = '<li class="toctree-l1 current current-page"><a class="current reference internal" href="#">'
    ul = tree.rfind("<ul>", 0, at)
    return tree[:ul] + '<ul class="current">' + tree[ul + 4 : at] + current + tree[at + len(entry) :]


def add_navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if "toctree" in context and "navtree" in speedups.ACTIVE:
        tree = page_tree(app.builder, pagename)
        if tree is not None:
            context[CONTEXT_KEY] = tree


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("html-page-context", add_navigation, priority=400)  # before furo's (500)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
