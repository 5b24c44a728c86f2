"""No docutils stylesheets looked up for HTML that never links them.

Docutils' HTML translator lists its stylesheets (``minimal.css``, ``plain.css``) when it
is made, and looks for each file in its stylesheet directories. Sphinx makes a translator
for every page and five more per page for the pieces of its template (the page's
contents, its title, the titles of the pages before and after it, ``render_partial``),
and its templates link their own stylesheets, never docutils': about a fifth of the time
those translators took went to looking for files whose names are then thrown away. The
builder's settings for both (``render_partial``'s, and the pages' through the
environment's docutils settings) name no stylesheet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

NONE = {"stylesheet_path": [], "stylesheet": []}


def no_stylesheets(app: Sphinx) -> None:
    """Give the HTML builder's docutils settings no stylesheet to look up."""
    if app.builder.format != "html":
        return
    partial = getattr(app.builder, "_settings", None)  # (render_partial's, made with the builder)
    if partial is not None:
        for name, value in NONE.items():
            setattr(partial, name, value)
    app.env.settings.update(NONE)  # (the defaults of the pages' settings, made when writing)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", no_stylesheets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
