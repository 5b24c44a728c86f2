#!/usr/bin/env python3
"""``make watch``: republish the site whenever a source, a catalog or a setting changes.

The translator's loop without the start-up. ``make html`` starts Python and imports
Sphinx, MyST and furo (about 0.6 s) before it builds anything; this process does that
once, then waits for the file system to report a change (watchfiles: inotify on Linux)
and, on every change, runs exactly what ``make html`` runs
(``tools/publish.py``: the catalog gate beside the builds, the editions whose inputs
changed, each in a process forked from this one, the atomic swap into ``build/html``).
A change that fails the gate or a build leaves the last good site in place and is
reported; the next save tries again. A change to the code (``conf.py``, ``bilingual/``,
``tools/``) restarts the watcher, so no build ever runs with modules imported before it.

    make watch                 # serves build/html on http://127.0.0.1:8000/
    make watch PORT=8001       # another port; PORT=0 does not serve
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from pathlib import Path

import watchfiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import publish, resident  # noqa: E402

#: What a build reads; a change to the code among it restarts the watcher.
WATCHED = ("conf.py", "source", "locale", "bilingual", "tools")
CODE = resident.CODE
#: How often the wait for a change wakes up when nothing changed, in milliseconds.
WAKE_MS = 100


class BuildInputs(watchfiles.DefaultFilter):
    """The files a build reads: not the .mo files Sphinx compiles into ``locale/`` while it
    builds, nor ``__pycache__``, ``.git`` or editors' swap and backup files."""

    ignore_entity_patterns = (*watchfiles.DefaultFilter.ignore_entity_patterns, r"\.mo$")


def republish(build_dir: Path, timings: bool = False) -> bool:
    """Run what ``make html`` runs; say how it went (and how long each step took)."""
    publish.TIMINGS.clear()
    start = time.perf_counter()
    try:
        publish.run("html", build_dir)
    except publish.BuildError as error:
        print(f"watch: {error}.", file=sys.stderr, flush=True)
        return False
    finally:
        for what, seconds in publish.TIMINGS if timings else []:
            print(f"watch: {seconds:7.2f} s  {what}", flush=True)
    print(f"watch: published {build_dir / 'html'} in {time.perf_counter() - start:.2f} s", flush=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument(
        "--step",
        type=int,
        default=50,
        help="build once no file has changed for this many milliseconds (an editor may save in steps)",
    )
    parser.add_argument("--port", type=int, default=8000, help="serve build/html on this port (0: do not)")
    parser.add_argument("--timings", action="store_true", help="print how long each step of a build took")
    args = parser.parse_args(argv)
    # watchfiles logs "1 change detected" and, on Ctrl-C, a warning: this script says both.
    logging.getLogger("watchfiles").setLevel(logging.ERROR)
    build_dir = args.build_dir.resolve()
    publish.set_build_environment()
    publish.preload_everything()  # once: every build is forked from this process
    changes = watchfiles.watch(
        *(ROOT / name for name in WATCHED),
        watch_filter=BuildInputs(),
        step=args.step,
        rust_timeout=WAKE_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    )
    # Ctrl-C as in `make html`: a KeyboardInterrupt, and a flag for one that Python drops
    # (raised while a finalizer or an at-fork handler runs): no build under way swaps
    # anything in after it, and the loop stops at its next wake (within WAKE_MS).
    with publish.interruptible(), contextlib.ExitStack() as stack:
        try:
            next(changes)  # changes are recorded from here on, those made during the first build too
            republish(build_dir, args.timings)
            if args.port:
                from tools.browser import serve

                url = stack.enter_context(serve(build_dir / "html", port=args.port))
                print(f"watch: serving {url} (Ctrl-C to stop)", flush=True)
            for found in changes:
                if publish.INTERRUPTED.is_set():  # a Ctrl-C that Python dropped
                    break
                if not found:  # woken only to look for Ctrl-C
                    continue
                changed = sorted({Path(path) for _, path in found})
                shown = ", ".join(p.relative_to(ROOT).as_posix() for p in changed[:3])
                print(f"watch: changed: {shown}{' …' if len(changed) > 3 else ''}", flush=True)
                if any(p.relative_to(ROOT).parts[0] in CODE for p in changed):
                    print("watch: the code changed; restarting", flush=True)
                    stack.close()
                    os.execv(sys.executable, [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])
                republish(build_dir, args.timings)
        except KeyboardInterrupt:
            pass
    print("watch: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
