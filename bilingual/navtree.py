"""furo's sidebar navigation computed once per build, not once per page.

furo renders the whole site's toctree for every page and re-parses it with
BeautifulSoup, so each page costs time in proportion to the number of pages: at 200
pages that was two thirds of a build (see README.md, "Performance"). For a flat site
navigation (no nested lists, one or more toctrees) the tree differs between pages only in the current
page's entry and in the ``../`` of its links, so it is rendered once, from the root
document, and each page gets a copy with its own entry marked current. A nested
tree falls back to furo's own per-page computation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sphinx.util.osutil import relative_uri

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

CONTEXT_KEY = "bilingual_navigation_tree"
RELATIVE_HREF = re.compile(r'href="((?![a-z][a-z0-9+.-]*:|/|#)[^"]*)"')


def site_tree(app: Sphinx) -> str | None:
    """The navigation rendered for the root document, or None if it is nested."""
    cache = app.builder.__dict__.setdefault("_bilingual_navigation", {})
    if "root" not in cache:
        from furo.navigation import get_navigation_tree

        toctree = app.builder._get_local_toctree(
            app.config.root_doc, collapse=False, titles_only=True, maxdepth=-1, includehidden=True
        )
        classes = " ".join(re.findall(r'class="([^"]*)"', toctree)).split()
        flat = "toctree-l2" not in classes and "current" not in classes
        cache["root"] = get_navigation_tree(toctree) if flat else None
    return cache["root"]


def relative_tree(app: Sphinx, tree: str, directory: str) -> str:
    """The site tree with its links relative to *directory*, computed once per directory.

    (Per page, it made every page cost time in proportion to the number of pages.) The
    links are made relative to a page named ``\0`` there, which no link names: the link
    to the page itself becomes its file name, and `page_tree` replaces that entry.
    """
    cache = app.builder.__dict__.setdefault("_bilingual_navigation", {})
    key = ("directory", directory)
    if key not in cache:
        base = f"{directory}/\0"
        cache[key] = RELATIVE_HREF.sub(lambda href: f'href="{relative_uri(base, href[1])}"', tree)
    return cache[key]


def page_tree(app: Sphinx, tree: str, pagename: str, target_uri: str) -> str:
    """The site tree as seen from *pagename*: its links made relative, its own entry current."""
    if "/" in pagename:
        directory, _, target_uri = target_uri.rpartition("/")
        tree = relative_tree(app, tree, directory)
    entry = f'<li class="toctree-l1"><a class="reference internal" href="{target_uri}">'
    at = tree.find(entry)
    if at < 0:
        return tree
    current = '<li class="toctree-l1 current current-page"><a class="current reference internal" href="#">'
    ul = tree.rfind("<ul>", 0, at)
    return tree[:ul] + '<ul class="current">' + tree[ul + 4 : at] + current + tree[at + len(entry) :]


def add_navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Put this page's navigation in the context, for furo to use instead of computing it."""
    if "toctree" not in context:
        return
    tree = site_tree(app)
    if tree is not None:
        context[CONTEXT_KEY] = page_tree(app, tree, pagename, app.builder.get_target_uri(pagename))


def use_cached_navigation(app: Sphinx) -> None:
    """Let furo take the page's navigation from the context when it is there."""
    if app.config.html_theme != "furo":
        return
    import furo

    compute = furo._compute_navigation_tree
    if getattr(compute, "bilingual", False):
        return

    def cached(context: dict[str, Any]) -> str:
        return context.pop(CONTEXT_KEY) if CONTEXT_KEY in context else compute(context)

    cached.bilingual = True  # type: ignore[attr-defined]
    furo._compute_navigation_tree = cached


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", use_cached_navigation)
    app.connect("html-page-context", add_navigation, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
