"""``make watch``: republish the site whenever a source, a catalog or a setting is saved, and serve it.

The translator's loop without the start-up: this process imports Sphinx, MyST and furo
once, then waits for the file system to report a change (watchfiles) and runs exactly
what ``make html`` runs (``tools/publish.py``: the gate, the editions whose inputs
changed, each in a process forked from this one, the swap into ``build/html``). A change
the gate or a build refuses leaves the last good edition in place and is reported; the
next save tries again. A change to the code (``conf.py``, ``bilingual/``, ``tools/``)
restarts the watcher, so no build runs with modules imported before the change.

    make watch  # serves build/html on http://127.0.0.1:8000/ (PORT=0: does not serve)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import watchfiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bilingual.freshness import INPUTS  # noqa: E402
from tools import publish  # noqa: E402

WATCHED = (*INPUTS, "tools")
CODE = ("conf.py", "bilingual", "tools")


class BuildInputs(watchfiles.DefaultFilter):
    """What a build reads: not the .mo files Sphinx compiles into ``locale/`` while it builds."""

    ignore_entity_patterns = (*watchfiles.DefaultFilter.ignore_entity_patterns, r"\.mo$")


def republish(build_dir: Path) -> None:
    """Run what ``make html`` runs, and say how it went."""
    start = time.perf_counter()
    errors = publish.run("html", build_dir)
    for error in errors:
        print(f"watch: {error}", file=sys.stderr, flush=True)
    print(f"watch: published {build_dir / 'html'} in {time.perf_counter() - start:.2f} s", flush=True)


def serve(site: Path, port: int, stack: contextlib.ExitStack) -> str:
    """Serve *site* on 127.0.0.1 until *stack* closes; return its address."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stack.callback(server.server_close)
    stack.callback(server.shutdown)
    return f"http://127.0.0.1:{server.server_address[1]}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--port", type=int, default=8000, help="serve build/html on this port (0: do not)")
    args = parser.parse_args(argv)
    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # (this script says what changed)
    build_dir = args.build_dir.resolve()
    signal.signal(signal.SIGINT, publish.on_interrupt)
    publish.preload()  # every build is forked from this process
    changes = watchfiles.watch(
        *(ROOT / name for name in WATCHED),
        watch_filter=BuildInputs(),
        step=20,  # (a save is reported 20 ms after its last event: 50 by default)
        rust_timeout=100,
        yield_on_timeout=True,
        raise_interrupt=False,
    )
    with contextlib.ExitStack() as stack:
        try:
            next(changes)  # changes are recorded from here on, those during the first build too
            republish(build_dir)
            if args.port:
                url = serve(build_dir / "html", args.port, stack)
                print(f"watch: serving {url} (Ctrl-C to stop)", flush=True)
            for found in changes:
                if publish.INTERRUPTED.is_set():  # (a Ctrl-C that Python dropped)
                    break
                changed = sorted({Path(path).relative_to(ROOT) for _, path in found})
                if not changed:
                    continue
                print(f"watch: changed: {', '.join(p.as_posix() for p in changed[:3])}", flush=True)
                if any(p.parts[0] in CODE for p in changed):
                    print("watch: the code changed; restarting", flush=True)
                    stack.close()
                    os.execv(sys.executable, [sys.executable, __file__, *sys.argv[1:]])
                republish(build_dir)
        except KeyboardInterrupt:
            pass
    print("watch: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
