"""make watch: a saved translation is published without a new start-up; a broken one is not."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DROP_A_CTRL_C, copy_project
from tests.test_catalog_gate import set_translation
from tests.test_publishing import snapshot

pytestmark = pytest.mark.slow
AUTHOR = "작성자"


def wait_for(condition: Callable[[], bool], what: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            said = log.read_text()
            raise AssertionError(f"{what} did not happen in {timeout} s; the watcher said:\n{said}")
        time.sleep(0.05)


def start_watcher(project: Path, build: Path, log: Path) -> subprocess.Popen[bytes]:
    """`make watch PORT=0` on *project*, saying what it does into *log*."""
    command = [sys.executable, str(project / "tools" / "watch.py"), "--build-dir", str(build), "--port", "0"]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=project, stdout=out, stderr=subprocess.STDOUT)


def shows(page: Path, text: str) -> bool:
    return page.is_file() and text in page.read_text(encoding="utf-8")


def test_watch_publishes_each_save_and_keeps_the_last_good_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    build, log = tmp_path / "build", tmp_path / "watch.log"
    catalog = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    english, view = build / "html" / "en" / "column.html", build / "html" / "ko-en" / "column.html"
    watcher = start_watcher(project, build, log)
    try:
        wait_for(lambda: "watch: published" in log.read_text(), "the first publication", log)
        assert shows(english, ">Author<") and not shows(english, "Byline writer")
        time.sleep(1)  # what the build itself wrote (the .mo files in locale/) is no change
        assert "watch: changed" not in log.read_text(), log.read_text()

        set_translation(catalog, AUTHOR, lambda _: "Byline writer")
        both = lambda: shows(english, "Byline writer") and shows(view, "Byline writer")  # noqa: E731
        wait_for(both, "republishing", log)

        good = {path: kept for path, kept in snapshot(build / "html").items() if not path.startswith("ko/")}
        set_translation(catalog, AUTHOR, lambda _: "**Byline writer")
        wait_for(lambda: "en: not published" in log.read_text(), "the gate's refusal", log)
        assert "column.po" in log.read_text() and "unclosed ** (strong)" in log.read_text()
        now = {path: kept for path, kept in snapshot(build / "html").items() if not path.startswith("ko/")}
        assert now == good, "a refused catalog changed the published English"
        assert watcher.poll() is None, "the watcher stopped after a refused catalog"
    finally:
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=30) == 0


def test_watch_restarts_when_the_code_changes(tmp_path: Path) -> None:
    """A build never runs with extension code imported before it changed."""
    project = copy_project(tmp_path / "project")
    build, log = tmp_path / "build", tmp_path / "watch.log"
    watcher = start_watcher(project, build, log)
    try:
        wait_for(lambda: "watch: published" in log.read_text(), "the first publication", log)
        conf = project / "conf.py"
        conf.write_text(conf.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        republished = lambda: log.read_text().count("watch: published") == 2  # noqa: E731
        wait_for(republished, "the publication after restarting", log)
        said = log.read_text()
        assert "watch: changed: conf.py" in said and "watch: the code changed; restarting" in said
        assert watcher.poll() is None
    finally:
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=30) == 0


def test_a_ctrl_c_that_python_drops_still_stops_the_watcher(tmp_path: Path) -> None:
    """Python prints and drops a KeyboardInterrupt raised while a finalizer runs (as
    multiprocessing closes a finished build's pipes); the watcher went on watching after
    such a Ctrl-C. It takes Ctrl-C as `make html` does (`publish.on_interrupt`), and looks
    at the flag on every wake: a real watcher, given such a Ctrl-C after its first
    publication, stops by itself."""
    project = copy_project(tmp_path / "project")
    program = f"""
import sys
sys.path.insert(0, {str(project)!r})
from tools import watch
{DROP_A_CTRL_C}
republish = watch.republish

def republish_then_drop(*args, **kwargs):
    published = republish(*args, **kwargs)
    drop_a_ctrl_c()
    return published

watch.republish = republish_then_drop
sys.exit(watch.main(["--build-dir", {str(tmp_path / "build")!r}, "--port", "0"]))
"""
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Exception ignored" in result.stderr and "KeyboardInterrupt" in result.stderr
    said = result.stdout.splitlines()
    assert said[-2].startswith("watch: published") and said[-1] == "watch: stopped", result.stdout
