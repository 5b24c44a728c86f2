"""Each translated message parsed once, not once in each phase of Sphinx's ``Locale``.

``sphinx.transforms.i18n.Locale`` walks a page's messages twice: phase 1 parses every
msgstr (``_publish_msgstr``) but keeps the result only for section titles and glossary
terms; phase 2 parses the same msgstr again, with the same arguments, for every other
message. Here phase 2 gets phase 1's parse back when phase 1 left it untouched: a
third of an English build's reading (docs/performance.md; upstream:
docs/upstream/sphinx-locale-parses-twice.md). A parse is handed out once, and only
while its page is read.
"""

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import i18n
from sphinx.util.typing import ExtensionMetadata

from bilingual import speedups

VERIFIED = {"sphinx": "9.0.4"}
#: The parses of the page being read, by (msgstr, page, line), not yet handed out again.
PARSED: dict[tuple[str, str, int | None], list[nodes.Element]] = {}


def publish_msgstr(source: str, source_path: str, source_line: int, **kwargs: Any) -> nodes.Element:
    """Sphinx's ``_publish_msgstr``, giving back an earlier parse of the message if unused."""
    if PARSED and next(iter(PARSED))[1] != source_path:  # (a new page: the last one's are done)
        PARSED.clear()
    kept = PARSED.setdefault((source, source_path, source_line), [])
    for patch in kept:
        if all(child.parent is patch for child in patch.children):  # (phase 1 did not use it)
            kept.remove(patch)
            return patch
    patch = speedups.ORIGINALS[i18n, "_publish_msgstr"](source, source_path, source_line, **kwargs)
    kept.append(patch)
    return patch


def patches() -> list[tuple[Any, str, Any]]:
    return [(i18n, "_publish_msgstr", publish_msgstr)]


def setup(app: Sphinx) -> ExtensionMetadata:
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
