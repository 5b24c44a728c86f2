"""The resident publisher: a second `make html` is run by the process the first left behind.

Every test runs the real tools/publish.py of a copy of the project with PUBLISH_RESIDENT=1
(the rest of the suite turns residents off), and stops its resident at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from tests.conftest import DROP_A_CTRL_C, ROOT, copy_project
from tests.test_catalog_gate import set_translation
from tests.test_publishing import snapshot
from tests.test_watch import shows
from tools import bench

HANDED = "handed to the resident publisher"
OWN = "start-up of publish.py (Python, its imports)"
AUTHOR = "작성자"


class Copy:
    """A copy of the project with its own build directory, publishing with residents on."""

    def __init__(self, tmp_path: Path) -> None:
        self.project = copy_project(tmp_path / "project")
        self.build = tmp_path / "build"
        self.catalog = self.project / "locale" / "en" / "LC_MESSAGES" / "column.po"

    def env(self, **extra: str) -> dict[str, str]:
        drop = {"SOURCE_DATE_EPOCH", "EDITION_BASEURL"}
        return {
            **{k: v for k, v in os.environ.items() if k not in drop},
            "SPHINXOPTS": "-nW --keep-going",
            "PUBLISH_RESIDENT": "1",
            **extra,
        }

    def command(self, target: str = "html") -> list[str]:
        publish = str(self.project / "tools" / "publish.py")
        return [sys.executable, publish, target, "--build-dir", str(self.build), "--timings"]

    def publish(self, target: str = "html", **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(target), capture_output=True, text=True, check=False, env=self.env(**extra)
        )

    def sockets(self) -> list[Path]:
        return sorted((self.build / ".resident").glob("*.sock"))

    def residents(self) -> list[psutil.Process]:
        """The resident processes serving this build directory."""
        return bench.residents(self.build)

    def page(self, edition: str) -> Path:
        return self.build / "html" / edition / "column.html"

    def make_stop(self) -> None:
        command = [sys.executable, str(self.project / "tools" / "resident.py"), "stop"]  # (`make stop`)
        subprocess.run([*command, "--build-dir", str(self.build)], check=True, capture_output=True)

    def stop(self) -> None:
        self.make_stop()
        gone = wait_for(lambda: not self.residents(), 15)
        assert gone, f"a resident publisher did not stop: {self.residents()}"


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def copy(tmp_path: Path) -> Iterator[Copy]:
    made = Copy(tmp_path)
    try:
        yield made
    finally:
        made.stop()


def ready(copy: Copy) -> None:
    """Wait until a resident listens (it imports Sphinx in the background after a command)."""
    assert bench.settle(copy.build), (copy.build / ".resident" / "resident.log").read_text()


def test_the_second_command_is_run_by_the_resident_and_publishes_the_edit(copy: Copy) -> None:
    first = copy.publish()
    assert first.returncode == 0, first.stderr
    assert OWN in first.stderr
    ready(copy)
    directory = copy.build / ".resident"
    assert directory.stat().st_mode & 0o777 == 0o700, "the socket's directory must be private"

    set_translation(copy.catalog, AUTHOR, lambda _: "Byline writer")
    second = copy.publish()
    assert second.returncode == 0, second.stderr
    assert HANDED in second.stderr, second.stderr  # its --timings came back through the caller's stderr
    assert f"publish: {copy.build / 'html' / 'index.html'}" in second.stdout
    assert shows(copy.page("en"), "Byline writer") and shows(copy.page("ko-en"), "Byline writer")
    assert len(copy.residents()) == 1, "a command run by a resident must not start another"


def test_a_refused_catalog_fails_through_the_resident_and_keeps_the_site(copy: Copy) -> None:
    assert copy.publish().returncode == 0
    ready(copy)
    good = snapshot(copy.build / "html")
    set_translation(copy.catalog, AUTHOR, lambda _: "Byline wrtier")
    refused = copy.publish()
    assert HANDED in refused.stderr, refused.stderr
    assert refused.returncode == 1
    assert "column.po" in refused.stderr and "unknown English word: wrtier" in refused.stderr
    assert snapshot(copy.build / "html") == good, "a refused catalog changed the published site"


def test_the_resident_uses_the_callers_environment(copy: Copy) -> None:
    """conf.py reads EDITION_BASEURL: the resident must not keep the value it started with."""
    assert copy.publish().returncode == 0
    ready(copy)
    moved = copy.publish(EDITION_BASEURL="https://example.org/moved/")
    assert HANDED in moved.stderr and moved.returncode == 0, moved.stderr
    robots = (copy.build / "html" / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/moved/sitemap.xml" in robots
    assert 'href="https://example.org/moved/en/column.html"' in copy.page("en").read_text(encoding="utf-8")


def test_after_a_code_change_no_resident_answers_and_a_new_one_replaces_the_old(copy: Copy) -> None:
    assert copy.publish().returncode == 0
    ready(copy)
    [old_socket], [old] = copy.sockets(), copy.residents()
    extension = copy.project / "bilingual" / "freshness.py"
    extension.write_text(extension.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")

    after = copy.publish()
    assert after.returncode == 0, after.stderr
    assert OWN in after.stderr and HANDED not in after.stderr, "a resident with the old code ran the command"
    assert wait_for(lambda: copy.sockets() and copy.sockets() != [old_socket], 60), copy.sockets()
    assert wait_for(lambda: not old.is_running() or old.status() == psutil.STATUS_ZOMBIE, 15)
    assert len(copy.residents()) == 1


def test_ctrl_c_stops_the_command_and_the_published_site_stays(copy: Copy) -> None:
    assert copy.publish().returncode == 0
    ready(copy)
    good = snapshot(copy.build / "html")
    for work in ("work", "doctrees"):  # a full rebuild: long enough to be interrupted
        subprocess.run(["rm", "-rf", str(copy.build / work)], check=True)
    caller = subprocess.Popen(
        copy.command(), env=copy.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    [resident] = copy.residents()
    assert wait_for(lambda: bool(resident.children()), 30), "the resident never started the command"
    command = resident.children()[0]
    caller.send_signal(signal.SIGINT)
    _, stderr = caller.communicate(timeout=60)
    assert caller.returncode != 0, stderr
    assert wait_for(lambda: not command.is_running() or command.status() == psutil.STATUS_ZOMBIE, 30)
    assert snapshot(copy.build / "html") == good, "an interrupted command changed the published site"
    again = copy.publish()  # and the resident still serves
    assert again.returncode == 0 and HANDED in again.stderr, again.stderr


def test_removing_the_build_directory_stops_the_resident(copy: Copy) -> None:
    assert copy.publish().returncode == 0
    ready(copy)
    [resident] = copy.residents()
    subprocess.run(["rm", "-rf", str(copy.build)], check=True)
    assert wait_for(lambda: not resident.is_running() or resident.status() == psutil.STATUS_ZOMBIE, 15)


def test_an_idle_resident_stops_and_removes_its_socket(copy: Copy) -> None:
    assert copy.publish(PUBLISH_RESIDENT_IDLE="1").returncode == 0  # (the resident inherits it)
    ready(copy)
    [resident] = copy.residents()
    assert wait_for(lambda: not resident.is_running() or resident.status() == psutil.STATUS_ZOMBIE, 30)
    assert not copy.sockets()
    log = (copy.build / ".resident" / "resident.log").read_text(encoding="utf-8")
    assert "serving" in log and "stopped" in log


def test_make_stop_stops_a_resident_that_is_still_importing(copy: Copy) -> None:
    """`make html && make stop`: the resident left behind has no socket yet (it imports Sphinx
    first); the stop must reach it all the same, and a later command's resident must live."""
    assert copy.publish().returncode == 0
    assert not copy.sockets(), "(the resident imports for about a second before it listens)"
    copy.make_stop()
    log = copy.build / ".resident" / "resident.log"
    assert wait_for(lambda: not copy.residents(), 15), log.read_text(encoding="utf-8")
    assert "stopped before serving" in log.read_text(encoding="utf-8")
    assert copy.publish().returncode == 0  # a resident left after the stop serves
    ready(copy)
    assert len(copy.residents()) == 1


def test_a_ctrl_c_that_python_drops_still_stops_the_swap(tmp_path: Path) -> None:
    """Python prints and drops a KeyboardInterrupt raised in an at-fork handler or a
    finalizer; a command interrupted so (a build forking, multiprocessing closing pipes)
    went on and published, and ended with status 0. The handler of `publish.interruptible`
    also sets a flag that every swap looks at."""
    program = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from tools import publish
{DROP_A_CTRL_C}
site, staging = Path({str(tmp_path)!r}) / "html", Path({str(tmp_path)!r}) / "staging"
for folder, text in ((site, "published"), (staging, "new")):
    folder.mkdir()
    (folder / "index.html").write_text(text)

try:
    with publish.interruptible():
        drop_a_ctrl_c()
        print("dropped" if publish.INTERRUPTED.is_set() else "not interrupted")
        publish.publish(staging, site)
        print("published")
except KeyboardInterrupt:
    print("stopped:", (site / "index.html").read_text(), staging.exists())
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert "Exception ignored" in result.stderr and "KeyboardInterrupt" in result.stderr
    assert result.stdout.split("\n")[:2] == ["dropped", "stopped: published False"], result.stdout
