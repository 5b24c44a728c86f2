#!/usr/bin/env python3
"""``make watch``: republish the site whenever a source, a catalog or a setting changes.

The translator's loop without the start-up. ``make html`` starts Python and imports
Sphinx, MyST and furo (about 0.6 s) before it builds anything; this process does that
once, then polls the project and, on every change, runs exactly what ``make html`` runs
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
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import publish  # noqa: E402

#: What a build reads; a change to the code among it restarts the watcher.
WATCHED = ("conf.py", "source", "locale", "bilingual", "tools")
CODE = ("conf.py", "bilingual", "tools")


def snapshot() -> dict[Path, int]:
    """The modification time of every file a build reads (not the .mo files Sphinx writes)."""
    found = {}
    for name in WATCHED:
        top = ROOT / name
        for path in [top] if top.is_file() else top.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".mo":
                found[path] = path.stat().st_mtime_ns
    return found


def changes(before: dict[Path, int], after: dict[Path, int]) -> list[Path]:
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def settled(interval: float) -> dict[Path, int]:
    """Wait until nothing changed for one interval (an editor may write a file in steps)."""
    current = snapshot()
    while True:
        time.sleep(interval)
        latest = snapshot()
        if latest == current:
            return latest
        current = latest


def republish(build_dir: Path) -> bool:
    """Run what ``make html`` runs; say how it went."""
    publish.TIMINGS.clear()
    start = time.perf_counter()
    try:
        publish.run("html", build_dir)
    except publish.BuildError as error:
        print(f"watch: {error}.", file=sys.stderr, flush=True)
        return False
    print(f"watch: published {build_dir / 'html'} in {time.perf_counter() - start:.2f} s", flush=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between looks at the files")
    parser.add_argument("--port", type=int, default=8000, help="serve build/html on this port (0: do not)")
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    publish.set_build_environment()
    publish.preload_sphinx()  # once: every build is forked from this process
    from tools.pocheck import content_checks

    content_checks()  # the gate's checks too (the gate runs in a fork of this process)
    seen = snapshot()
    republish(build_dir)
    with contextlib.ExitStack() as stack:
        if args.port:
            from tools.browser import serve

            url = stack.enter_context(serve(build_dir / "html", port=args.port))
            print(f"watch: serving {url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(args.interval)
                if not changes(seen, snapshot()):
                    continue
                now = settled(args.interval)
                changed, seen = changes(seen, now), now
                shown = ", ".join(p.relative_to(ROOT).as_posix() for p in changed[:3])
                print(f"watch: changed: {shown}{' …' if len(changed) > 3 else ''}", flush=True)
                if any(p.relative_to(ROOT).parts[0] in CODE for p in changed):
                    print("watch: the code changed; restarting", flush=True)
                    stack.close()
                    os.execv(sys.executable, [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])
                republish(build_dir)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
