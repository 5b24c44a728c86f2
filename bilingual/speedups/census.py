"""Post-transforms that look for one kind of node, skipped on pages that have none.

When a page is written, Sphinx runs every post-transform over the whole page, in every
build (here three: the Korean, the English and the side-by-side view). Nine of them
(`KINDS`) walk the page for nodes these pages seldom have, each walk costing about as
much as a census of the page: one walk noting every class of node on it
(docs/performance.md; upstream: docs/upstream/sphinx-post-transform-walks.md).

Each of the nine is replaced, in Sphinx's registry of post-transforms, by a subclass
that runs Sphinx's own code only when the page's last census (`Census`) found a node of
its kinds (or always, when no census was taken).
"""

import weakref
from typing import Any

from docutils import nodes
from docutils.transforms import Transform
from furo import WrapTableAndMathInAContainerTransform
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains import c, cpp
from sphinx.transforms.post_transforms import OnlyNodeTransform, PropagateDescDomain, SphinxPostTransform
from sphinx.transforms.post_transforms.code import HighlightLanguageTransform, TrimDoctestFlagsTransform
from sphinx.transforms.post_transforms.images import DataURIExtractor, ImageDownloader
from sphinx.util.typing import ExtensionMetadata

from bilingual import speedups

VERIFIED = {"sphinx": "9.0.4", "furo": "2025.12.19", "docutils": "0.22.4"}
#: The classes of node on each page, as its last census found them.
CENSUS: weakref.WeakKeyDictionary[nodes.document, frozenset[type]] = weakref.WeakKeyDictionary()
#: Each transform skipped on a page without these nodes.
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
    """Every class of node in *document*, in one walk."""
    present, stack = set(), [document]
    while stack:
        node = stack.pop()
        present.add(node.__class__)
        stack.extend(node.children)
    return frozenset(present)


class Census(SphinxPostTransform):
    """Note the classes of node on the page, for the transforms after it."""

    default_priority = 8  # before C's and C++'s aliases (9)

    def run(self, **kwargs: Any) -> None:
        if "census" in speedups.ACTIVE:
            CENSUS[self.document] = classes_on(self.document)


class CensusAfterReferences(Census):
    """The census again, once references are resolved (``ReferencesResolver`` is 10)."""

    default_priority = OnlyNodeTransform.default_priority - 1


def skipping(transform: type[Transform]) -> type[Transform]:
    """A subclass of *transform* that runs only on a page with a node of its `KINDS`."""

    def apply(self: Transform, **kwargs: Any) -> None:
        present = CENSUS.get(self.document)
        if present is None or any(issubclass(cls, KINDS[transform]) for cls in present):
            transform.apply(self, **kwargs)

    return type(f"Skipping{transform.__name__}", (transform,), {"apply": apply})


SKIPPING = {transform: skipping(transform) for transform in KINDS}


def replace(app: Sphinx) -> None:
    """Put the skipping transforms in the registry, or Sphinx's back: once the builder is
    made, since an HTML builder loads its theme (furo registers its transform then)."""
    swap = SKIPPING if "census" in speedups.ACTIVE else {new: old for old, new in SKIPPING.items()}
    registered = app.registry.post_transforms
    registered[:] = [swap.get(transform, transform) for transform in registered]


def patches() -> list[tuple[Any, str, Any]]:
    return []


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_post_transform(Census)
    app.add_post_transform(CensusAfterReferences)
    app.connect("builder-inited", replace)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
