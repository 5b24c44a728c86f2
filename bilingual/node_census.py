"""Post-transforms that look for one kind of node, skipped on pages that have none.

When a page is written, Sphinx runs every post-transform over it, in every build: here
the Korean and English pages and the side-by-side view. Nine of them walk the whole page
for nodes our pages seldom have: C and C++ aliases, ``only`` blocks, images (twice: to
download and to extract data URIs), object descriptions' signatures, literal and doctest
blocks (doctest flags), literal blocks and ``highlight`` directives (code highlighting's
settings), tables and maths (furo's wrappers). Each walk costs about as much
as a census of the page: one walk that notes every class of node on it.

So a census is taken twice (`Census`): before the aliases (priority 9) and again after
references are resolved (priority 49, before ``only``), since resolving a reference may
add nodes. Each of the nine is replaced in Sphinx's registry by a subclass that runs
Sphinx's own code only when the page's last census found a node of its kinds (or of a
subclass), and always when no census was taken. None of the post-transforms that run
between a census and the transforms it serves makes nodes of those kinds: the pages come
out the same, node for node (``tests/test_extensions.py`` builds pages with and without
them, in Korean and English, and compares).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from docutils import nodes
from furo import WrapTableAndMathInAContainerTransform
from sphinx import addnodes
from sphinx.domains import c, cpp
from sphinx.transforms.post_transforms import OnlyNodeTransform, PropagateDescDomain, SphinxPostTransform
from sphinx.transforms.post_transforms.code import HighlightLanguageTransform, TrimDoctestFlagsTransform
from sphinx.transforms.post_transforms.images import DataURIExtractor, ImageDownloader

if TYPE_CHECKING:
    from docutils.transforms import Transform
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The classes of node on each page, as its last census found them.
CENSUS: weakref.WeakKeyDictionary[nodes.document, frozenset[type]] = weakref.WeakKeyDictionary()

#: Each transform skipped on a page without these nodes, and what it looks for.
KINDS: dict[type[Transform], tuple[type[nodes.Node], ...]] = {
    c.AliasTransform: (c.AliasNode,),
    cpp.AliasTransform: (cpp.AliasNode,),
    OnlyNodeTransform: (addnodes.only,),
    ImageDownloader: (nodes.image,),
    DataURIExtractor: (nodes.image,),
    PropagateDescDomain: (addnodes.desc_signature,),
    TrimDoctestFlagsTransform: (nodes.literal_block, nodes.doctest_block),
    HighlightLanguageTransform: (nodes.literal_block, addnodes.highlightlang),
    WrapTableAndMathInAContainerTransform: (nodes.table, nodes.math_block),
}


def classes_on(document: nodes.Node) -> frozenset[type]:
    """Every class of node in *document* (one walk, without a generator per node)."""
    present = set()
    stack = [document]
    while stack:
        node = stack.pop()
        present.add(node.__class__)
        stack.extend(node.children)  # (a Text node's are an empty tuple)
    return frozenset(present)


class Census(SphinxPostTransform):
    """Note the classes of node on the page, for the transforms after it."""

    default_priority = 8  # before C's and C++'s aliases (9)

    def run(self, **kwargs: Any) -> None:
        CENSUS[self.document] = classes_on(self.document)


class CensusAfterReferences(Census):
    """The census again, once references are resolved (ReferencesResolver is 10)."""

    default_priority = OnlyNodeTransform.default_priority - 1


def skipping(transform: type[Transform]) -> type[Transform]:
    """A subclass of *transform* that runs only on a page with a node of its `KINDS`."""
    kinds = KINDS[transform]

    def apply(self: Transform, **kwargs: Any) -> None:
        present = CENSUS.get(self.document)
        if present is not None and not any(issubclass(cls, kinds) for cls in present):
            return
        transform.apply(self, **kwargs)

    namespace: dict[str, Any] = {"apply": apply, "__doc__": f"{transform.__name__}, on pages with {kinds}."}
    return type(f"Quick{transform.__name__}", (transform,), namespace)


REPLACEMENTS: dict[type[Transform], type[Transform]] = {transform: skipping(transform) for transform in KINDS}


def replace(app: Sphinx) -> None:
    """Put the skipping transforms in the registry: once the builder is made, since an
    HTML builder loads its theme (furo, which registers its transform) then."""
    registered = app.registry.post_transforms
    registered[:] = [REPLACEMENTS.get(transform, transform) for transform in registered]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_post_transform(Census)
    app.add_post_transform(CensusAfterReferences)
    app.connect("builder-inited", replace)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
