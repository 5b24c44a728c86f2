"""Keep the theme's compiled templates between builds (Jinja's bytecode cache).

Sphinx compiles furo's page templates anew in every process: about 20 templates, a
quarter of a second of CPU, more than it takes to write a page of this site. Jinja can
keep what it compiled in files and load it back (``FileSystemBytecodeCache``: one file
per template, keyed by the template's name and checksum, written atomically), so a
rebuild, such as a translator's loop, skips the compiling. The files go into the build's
doctree directory (``<doctrees>/jinja``), which is never published, and are re-made
whenever a template's source changes. Within a build, a template once loaded is not
looked at again on disk (``auto_reload`` off).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import FileSystemBytecodeCache

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def keep_compiled_templates(app: Sphinx) -> None:
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None or environment.bytecode_cache is not None:
        return
    # A build is made anew for every command (make watch and the resident publisher fork
    # one per build): its templates cannot change while it writes, and Jinja need not
    # look at each template file's time again whenever a page includes it (a dozen a page).
    environment.auto_reload = False
    directory = Path(app.doctreedir) / "jinja"
    directory.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(directory))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", keep_compiled_templates)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
