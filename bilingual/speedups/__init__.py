"""Speed-ups that reach into private names of other packages, each switched on only where verified.

Every module here says what upstream does slowly, names the exact versions it was
verified on (``VERIFIED``) and lists the attributes it replaces (``patches()``). With
any other version installed it stays off, with one log line, and the build is plain
Sphinx's. ``-D bilingual_speedups=`` (none) or a comma-separated list picks them, for
the byte-for-byte tests and ``make bench``'s ablation. See docs/performance.md.
"""

import importlib
import importlib.metadata
from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

NAMES = ("navtree", "myst", "messages", "doctrees", "census")
#: The attributes replaced, with what they held before: (owner, name) -> original.
ORIGINALS: dict[tuple[Any, str], Any] = {}
#: The speed-ups switched on for the build under way.
ACTIVE: set[str] = set()


def mismatch(verified: dict[str, str]) -> str:
    """What differs between the installed packages and those a speed-up was verified on."""
    found = {name: importlib.metadata.version(name) for name in verified}
    return ", ".join(f"{n} {found[n]} (verified on {v})" for n, v in verified.items() if found[n] != v)


def switch(patches: list[tuple[Any, str, Callable[..., Any]]], on: bool) -> None:
    """Put the replacements in place, or the originals back."""
    for owner, name, replacement in patches:
        key = (owner, name)
        if on and key not in ORIGINALS:
            ORIGINALS[key] = getattr(owner, name)
            setattr(owner, name, replacement)
        elif not on and key in ORIGINALS:
            setattr(owner, name, ORIGINALS.pop(key))


def apply(app: Sphinx, config: Config) -> None:
    """Switch each speed-up on or off for this build (a process may run several builds)."""
    wanted = {name.strip() for name in config.bilingual_speedups if name.strip()}
    for name in NAMES:
        module = importlib.import_module(f"{__name__}.{name}")
        off_because = mismatch(module.VERIFIED) if name in wanted else ""
        if off_because:
            logger.info("bilingual.speedups.%s is off: %s", name, off_because)
        on = name in wanted and not off_because
        switch(module.patches(), on)
        (ACTIVE.add if on else ACTIVE.discard)(name)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("bilingual_speedups", list(NAMES), "", types=[list])
    for name in NAMES:
        app.setup_extension(f"{__name__}.{name}")
    app.connect("config-inited", apply)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
