"""The resident publisher: `make html` without starting Python and importing Sphinx again.

Every `make html` starts Python and imports Sphinx, MyST, furo, the project's extensions
and the catalog gate's checks: about 0.6 s, half of a translator's rebuild. So a
publication leaves a process behind that keeps all of that imported, listening on a
socket in the build directory (``build/.resident/<digest>.sock``, private to the user).
The next ``tools/publish.py`` (``make html``, ``pdf``, ``epub``, ``all``, ``dist``) hands
it its command line, environment, working directory, umask and its standard input,
output and error themselves (file descriptors, passed over the socket): the resident
forks a child that runs the command exactly as ``publish.py`` would, in a process group
of its own. Its output goes to the caller's terminal or pipe, Ctrl-C (or SIGTERM) is
passed on to it, and the caller exits with its status. Each command runs in a fresh
fork, so no state is carried from one publication to the next: the same design as
``make watch``, with ``make html`` as the trigger.

A resident serves only callers that would have imported the very same code: the socket
is named after a digest of the Python, every installed distribution, the Python
settings of the environment and the project's code (``conf.py``, ``bilingual/``,
``tools/``). After an edit of the code, an upgrade or another Python, no resident
answers: the command runs in its own process as before, and leaves a new resident
behind, which stops the old one.

A resident stops after ``PUBLISH_RESIDENT_IDLE`` seconds without a command (default
900), when its socket is removed or replaced (``make clean`` removes the build
directory), or on ``make stop``. ``PUBLISH_RESIDENT=0`` turns it off: every command
then runs in its own process, as before (the tests do this, but for their own tests
of the resident).

    python tools/resident.py stop [--build-dir build]
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import selectors
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
#: The code a resident has imported: a change to any of it needs a new resident.
CODE = ("conf.py", "bilingual", "tools")
#: Where the sockets are, in the build directory.
DIRECTORY = ".resident"
#: Left in DIRECTORY by ``make stop``, for a resident that was still importing.
STOP_STAMP = "stop"
#: The signals a caller passes on to the command a resident runs for it.
PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
DEFAULT_IDLE = 900.0
#: A Unix socket's path is limited to 108 bytes (with its final NUL) on Linux.
MAX_SOCKET_PATH = 107
#: Set in a command's process: it is a resident's child, and leaves no resident behind.
SERVED = False


def enabled() -> bool:
    """Whether commands go through a resident publisher (``PUBLISH_RESIDENT``, default on)."""
    return os.environ.get("PUBLISH_RESIDENT", "1").strip().lower() not in {"0", "", "no", "off", "false"}


def idle_seconds() -> float:
    return float(os.environ.get("PUBLISH_RESIDENT_IDLE", DEFAULT_IDLE))


def installed_distributions() -> list[str]:
    """Every distribution installed in the environment, with its version.

    The names of the ``*.dist-info`` directories say it (``sphinx-9.0.4.dist-info``), in one
    directory listing each; ``importlib.metadata`` took 0.1 s to import and ask.
    """
    found = []
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
            found += sorted(name for name in os.listdir(entry) if name.endswith((".dist-info", ".egg-info")))
    return found


@functools.cache  # (asked before a command, and again after one that ran here)
def code_digest() -> str:
    """What a resident must share with its caller: the Python and its settings, the
    installed distributions, and every file of the project's code."""
    digest = hashlib.sha256()
    python = [sys.executable, sys.version, repr(sys.flags), repr(sys._xoptions), sys.getfilesystemencoding()]
    settings = sorted(
        f"{key}={value}"
        for key, value in os.environ.items()
        if key.startswith("PYTHON") or key in {"LANG", "LC_ALL", "LC_CTYPE"}
    )
    for part in [*python, *settings, *installed_distributions()]:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    files: list[Path] = []
    for name in CODE:
        path = ROOT / name
        files += [path] if path.is_file() else [p for p in path.rglob("*") if "__pycache__" not in p.parts]
    for path in sorted(files):
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def build_dir_of(argv: list[str]) -> Path:
    """The ``--build-dir`` of a publish.py command line (as publish.py reads it)."""
    for index, arg in enumerate(argv):
        if arg == "--build-dir" and index + 1 < len(argv):
            return Path(argv[index + 1]).resolve()
        if arg.startswith("--build-dir="):
            return Path(arg.split("=", 1)[1]).resolve()
    return ROOT / "build"


def socket_path(build_dir: Path, digest: str) -> Path | None:
    """The resident's socket for this code, or None where a socket's path would be too long."""
    path = build_dir / DIRECTORY / f"{digest}.sock"
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


# -- The caller ------------------------------------------------------------------------
def hand_over(argv: list[str], started: float) -> None:
    """Have a resident publisher run ``publish.py argv`` and exit with its status.

    Returns (having done nothing) when resident publishers are off or none serves this
    code; the caller then runs the command itself.
    """
    if not enabled():
        return
    path = socket_path(build_dir_of(argv), code_digest())
    try:
        if path is None or not path.exists():
            return
    except OSError:  # (a build directory another user made private)
        return
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError as error:
        connection.close()
        if error.errno == errno.ECONNREFUSED:  # its process is gone: a new one will take its place
            path.unlink(missing_ok=True)
        return
    fds = [fd for fd in (0, 1, 2) if valid_fd(fd)]
    request = {
        "argv": argv,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": current_umask(),
        "fds": fds,
        "startup": time.perf_counter() - started,
    }
    # Ctrl-C before the command's process group is known is held, then passed on (or, if no
    # resident runs it, delivered here): it once interrupted this process alone, and the
    # command went on.
    with signals_held() as held:
        try:
            send(connection, request, fds)
            replies = connection.makefile("r", encoding="utf-8")
            first = replies.readline().split()
        except OSError:
            first = []
        if first[:1] != ["pid"]:  # the resident stopped meanwhile: run the command here
            connection.close()
            return
        group = int(first[1])

        def pass_on(signum: int, _frame: object) -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signum)

        for signum in PASSED_ON:
            signal.signal(signum, pass_on)
        for signum in held:
            pass_on(signum, None)
        held.clear()
        words = replies.readline().split()  # (a signal passed on does not interrupt the wait)
        status = int(words[1]) if words[:1] == ["exit"] else 1
        if words[:1] != ["exit"]:
            print("publish: the resident publisher stopped before the command ended", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)  # (never leaves the block: the handlers passing signals on stay)


@contextlib.contextmanager
def signals_held() -> Iterator[list[int]]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is done, then deliver them as they
    would have been (KeyboardInterrupt, or the end of the process). The block gets the
    list of those received; one it empties has taken them over.

    Python handlers, not a signal mask: a mask holds a signal only from its own thread,
    and another thread (a file watcher's, a server's) would take it while the Python
    handler still interrupted this one.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # (only the main thread may set handlers; publish() runs there)
        return
    previous = {
        signum: signal.signal(signum, lambda signum, _: received.append(signum)) for signum in PASSED_ON
    }
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in received[:1]:
            signal.raise_signal(signum)


def send(connection: socket.socket, request: dict, fds: list[int]) -> None:
    """A request as the resident reads it (``receive``): its length with the descriptors,
    then the request as JSON."""
    payload = json.dumps(request).encode("utf-8", "surrogateescape")
    socket.send_fds(connection, [len(payload).to_bytes(8, "big")], fds)
    connection.sendall(payload)


def valid_fd(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# -- The resident ------------------------------------------------------------------------
def leave_behind(argv: list[str]) -> None:
    """After a command ran in its own process, start a resident publisher for the next one.

    A new process (``resident.py serve``), in a session of its own, with no terminal and
    none of this process's files: ``make`` returns at once, and the resident imports
    everything in the background.
    """
    if SERVED or not enabled():
        return
    build_dir = build_dir_of(argv)
    if socket_path(build_dir, code_digest()) is None or not build_dir.is_dir():
        return
    import subprocess

    subprocess.Popen(
        [
            sys.executable,
            *subprocess._args_from_interpreter_flags(),  # (-O, -X …: the caller's Python, exactly)
            str(Path(__file__).resolve()),
            *("serve", "--build-dir", str(build_dir), "--since", repr(time.time())),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd="/",
    )


def log(path: Path, text: str) -> None:
    """A line in build/.resident/resident.log (a resident has no terminal)."""
    with contextlib.suppress(OSError), open(path.with_name("resident.log"), "a", encoding="utf-8") as out:
        out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} process {os.getpid()}: {text.rstrip()}\n")


def stop_requested(directory: Path, since: float) -> bool:
    """Whether ``make stop`` ran since *since* (it leaves `STOP_STAMP`): a resident that was
    still importing then had no socket to be asked on."""
    try:
        return (directory / STOP_STAMP).stat().st_mtime >= since
    except OSError:
        return False


def serve_main(build_dir: Path, since: float) -> None:
    """Import everything a command imports, then serve commands (``resident.py serve``);
    *since*: when the command that left it behind ended."""
    digest = code_digest()  # (before importing: an edit made meanwhile makes it no match)
    path = socket_path(build_dir, digest)
    if path is None:
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        sys.path.insert(0, str(ROOT))
        from tools import publish

        publish.preload_everything()
        if stop_requested(path.parent, since):
            log(path, "stopped before serving: make stop ran while it was importing")
            return
        serve(publish, path, digest, since)
    except BaseException:  # nobody is listening: the log says it
        import traceback

        log(path, traceback.format_exc())
        raise


def serve(publisher: ModuleType, path: Path, digest: str, since: float) -> None:
    """Answer commands until idle for too long, told to stop, or the socket is gone."""
    os.chmod(path.parent, 0o700)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    partial = path.with_name(f".{os.getpid()}.partial")  # (no longer than the socket's own name)
    partial.unlink(missing_ok=True)
    listener.bind(str(partial))
    listener.listen(16)
    os.rename(partial, path)  # callers only ever find a socket that is listening
    mine = os.stat(path).st_ino
    stop_others(path)
    log(path, f"serving {path.parent.parent} (code {digest})")

    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    running: dict[int, socket.socket] = {}  # a command's process: its caller
    last = time.monotonic()
    stopping = replaced = False
    while True:
        for key, _ in selector.select(timeout=1.0):
            if key.fileobj is listener:
                caller, _ = listener.accept()
                request, fds = receive(caller) if same_user(caller) else (None, [])
                if request is None:
                    caller.close()
                elif request.get("stop"):
                    with contextlib.suppress(OSError):
                        caller.sendall(b"stopping\n")
                    caller.close()
                    stopping = True
                else:
                    inherited = [
                        listener.fileno(),
                        wake_read,
                        wake_write,
                        *(c.fileno() for c in running.values()),
                    ]
                    pid = start_command(publisher, request, fds, caller, inherited)
                    running[pid] = caller
                    selector.register(caller, selectors.EVENT_READ)
            elif key.fileobj == wake_read:
                with contextlib.suppress(OSError):
                    os.read(wake_read, 512)
            else:  # a caller hung up (it was killed) before its command ended: end the command
                for pid, caller in running.items():
                    if caller is key.fileobj:
                        with contextlib.suppress(OSError):
                            os.killpg(pid, signal.SIGTERM)
                        selector.unregister(caller)
        for pid, status in reap():
            caller = running.pop(pid, None)
            if caller is None:
                continue
            with contextlib.suppress(KeyError, ValueError):
                selector.unregister(caller)
            with contextlib.suppress(OSError):
                caller.sendall(f"exit {status}\n".encode())
            caller.close()
            last = time.monotonic()
        if running:
            continue
        try:
            replaced = os.stat(path).st_ino != mine
        except FileNotFoundError:
            replaced = True
        stopping = stopping or stop_requested(path.parent, since)  # (asked before it listened)
        if stopping or replaced or time.monotonic() - last > idle_seconds():
            break
    if not replaced:
        path.unlink(missing_ok=True)
    log(path, "stopped" + (" (its socket was removed or replaced)" if replaced else ""))


def same_user(caller: socket.socket) -> bool:
    """The socket's directory is private; the caller's credentials say it again."""
    import struct

    credentials = caller.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()


def receive(caller: socket.socket) -> tuple[dict | None, list[int]]:
    """A caller's request (JSON after its length) and the descriptors that came with it."""
    caller.settimeout(10)
    try:
        header, fds, _flags, _address = socket.recv_fds(caller, 8, 3)
        size = int.from_bytes(header, "big")
        payload = b""
        while len(payload) < size:
            chunk = caller.recv(size - len(payload))
            if not chunk:
                raise ConnectionError("the caller hung up")
            payload += chunk
        caller.settimeout(None)
        return json.loads(payload.decode("utf-8", "surrogateescape")), fds
    except (OSError, ValueError):
        return None, []


def start_command(
    publisher: ModuleType, request: dict, fds: list[int], caller: socket.socket, inherited: list[int]
) -> int:
    """Fork the process that runs one command; tell the caller its process group."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)
            for fd in [*inherited, caller.fileno()]:
                with contextlib.suppress(OSError):
                    os.close(fd)
            run_command(publisher, request, fds)
        except BaseException:  # (before the caller's output was in place: the log says it)
            import traceback

            with contextlib.suppress(OSError):
                os.write(2, traceback.format_exc().encode())
        finally:
            os._exit(70)
    for fd in fds:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # (as a shell does: whichever of the two runs first)
    with contextlib.suppress(OSError):
        caller.sendall(f"pid {pid}\n".encode())
    return pid


def run_command(publisher: ModuleType, request: dict, fds: list[int]) -> None:
    """In the command's process: become the caller's publish.py, run it, exit with its status."""
    global SERVED
    SERVED = True
    signal.set_wakeup_fd(-1)
    for signum, handler in [
        (signal.SIGCHLD, signal.SIG_DFL),
        (signal.SIGINT, signal.default_int_handler),
        (signal.SIGTERM, signal.SIG_DFL),
        (signal.SIGHUP, signal.SIG_DFL),
    ]:
        signal.signal(signum, handler)
    null = os.open(os.devnull, os.O_RDWR)
    given = dict(zip(request["fds"], fds, strict=True))
    for target in (0, 1, 2):
        os.dup2(given.get(target, null), target)
    for fd in [null, *fds]:
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()  # (the caller's TZ)
    os.umask(request["umask"])
    sys.argv = [str(Path(publisher.__file__).resolve()), *request["argv"]]  # (--help names publish.py)
    tty = os.isatty(1)
    sys.stdin = open(0, encoding=sys.stdin.encoding, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", 1 if tty else -1, sys.stdout.encoding, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", 1, sys.stderr.encoding, "backslashreplace", closefd=False)  # noqa: SIM115
    status = 1
    try:
        publisher.conf.cache_clear()  # (conf.py reads the environment: EDITION_BASEURL)
        publisher.STARTED = time.perf_counter() - request["startup"]
        publisher.STARTUP = "start-up of publish.py, handed to the resident publisher"
        status = publisher.main(request["argv"])
    except SystemExit as done:  # argparse: --help, or a wrong argument
        status = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        status = 128 + signal.SIGINT
    except BaseException:  # the traceback goes to the caller, as it would have
        import traceback

        traceback.print_exc()
    publisher.exit_now(status)


def reap() -> list[tuple[int, int]]:
    """The commands' processes that ended, with their exit status (128 + signal if killed)."""
    ended = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        code = os.waitstatus_to_exitcode(status)
        ended.append((pid, code if code >= 0 else 128 - code))
    return ended


def stop_all(build_dir: Path) -> int:
    """Stop every resident of *build_dir* (``make stop``); return how many there were.

    One still importing has no socket yet: the stamp left here stops it when it is ready
    (or within a second, if it began listening meanwhile).
    """
    directory = build_dir / DIRECTORY
    if build_dir.is_dir():  # (one just started may not have made the directory yet)
        directory.mkdir(mode=0o700, exist_ok=True)
        (directory / STOP_STAMP).touch()
    return sum(stop(path) for path in sorted(directory.glob("*.sock")))


def stop_others(path: Path) -> None:
    """Stop the residents of this build directory that serve other code."""
    for other in path.parent.glob("*.sock"):
        if other != path:
            stop(other)


def stop(path: Path) -> bool:
    """Ask the resident on *path* to stop; remove the socket if nobody listens. True if one did."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(5)
    try:
        connection.connect(str(path))
        send(connection, {"stop": True}, [])
        if not connection.recv(64).startswith(b"stopping"):
            return False
        deadline = time.monotonic() + 5  # it removes its socket last, once its commands ended
        while path.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return True
    except OSError:
        path.unlink(missing_ok=True)
        return False
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["stop", "serve"])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--since", type=float, default=time.time(), help="(serve) when it was asked for")
    args = parser.parse_args(argv)
    if args.action == "serve":
        serve_main(args.build_dir.resolve(), args.since)
        return 0
    stopped = stop_all(args.build_dir.resolve())
    print(f"resident: stopped {stopped} resident publisher(s) of {args.build_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
