"""Measure build speed and scale against plain Sphinx: the figures behind `make bench`.

    python tools/bench.py [--runs N] [--scale 50,200,500] [--out build/bench]

Every scenario works on a copy of the project in a temporary directory (conf.py,
source/, locale/, bilingual/, tools/, Makefile), never on the real sources or
catalogs. Each measured command runs N times (``BENCH_RUNS``, default 5) under a
small wrapper that reports the CPU time and the largest resident set of its process
tree, while a poller sums the memory of the whole tree (psutil), taking at most 5 % of
the time, for the peak memory. The table is printed; the figures go to ``bench.json``
and the chart of time per page against corpus size to ``time-per-page.png`` in the
output directory.

A loop that leaves a stale page (the edit is not in the published page) is a
failure: the scenario is marked ``stale`` and the command exits 1.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polib
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import resident  # noqa: E402
from tools.pocheck.catalogs import format_catalog  # noqa: E402

#: What a copy of the project holds: everything a build reads, nothing it writes.
PROJECT_PARTS = [
    "conf.py",
    "source",
    "locale",
    "bilingual",
    "tools",
    "Makefile",
    "pyproject.toml",
    ".gitignore",
]
SPHINXOPTS = os.environ.get("SPHINXOPTS", "-nW --keep-going")
MISSING = "n/a (target missing)"
#: The paragraph both loops edit, found by how its text starts.
TRANSLATED_PARAGRAPH = "인공지능, 블록체인"
AUTHORED_PARAGRAPH = "지역의 수요체제는"
#: The wrapper every measured command runs under: it reports its tree's rusage as JSON.
RUSAGE_WRAPPER = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
with open(sys.argv[1] + ".log", "w") as log:
    code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=log).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
               "maxrss_kb": usage.ru_maxrss}, out)
"""


# -- Measuring one command ---------------------------------------------------


@dataclass
class Run:
    """One timed command: wall and CPU seconds, peak memory of its process tree."""

    wall: float
    cpu: float
    tree_peak_mb: float  # summed PSS
    largest_process_mb: float
    tree_rss_peak_mb: float = 0.0  # summed RSS (shared pages counted once per process)
    served_by_resident: bool = False  # a resident publisher ran the command (tools/resident.py)


class CommandFailed(Exception):
    """A measured command exited non-zero; the message holds the end of its output."""


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """(PSS, RSS) of a process and all its descendants, in bytes.

    The build forks: its processes share the pages of Sphinx imported once. The sum of the
    RSS counts a shared page once per process; the sum of the PSS (each page divided by
    the number of processes sharing it) is the memory the tree really occupies.
    """
    pss = rss = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        pss, rss = pss + info.pss, rss + info.rss
    return pss, rss


#: The share of the time the memory sampler may take. Reading a process's memory map
#: (smaps_rollup) walks its page tables: at 500 pages, six processes took 26 ms a look, and
#: looking every 50 ms took a third of one of the two cores, from the multi-process builds
#: more than from the one-process baseline (README.md, "What we learned").
SAMPLER_SHARE = 0.05


class PeakMemory:
    """The peak summed (PSS, RSS) of some process trees, sampled at most SAMPLER_SHARE of the time."""

    def __init__(self, *roots: psutil.Process) -> None:
        self.roots = list(roots)
        self.pss = self.rss = 0
        self.next = 0.0

    def sample(self) -> None:
        now = time.perf_counter()
        if now < self.next:
            return
        pss = rss = 0
        for root in self.roots:
            with suppress(psutil.NoSuchProcess):
                more = tree_memory(root)
                pss, rss = pss + more[0], rss + more[1]
        self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)
        spent = time.perf_counter() - now
        self.next = now + max(0.05, spent / SAMPLER_SHARE)


def residents(build: Path) -> list[psutil.Process]:
    """The resident publishers serving *build* (tools/resident.py); not the commands they
    forked, which have the same command line (their trees include those)."""
    found = {}
    for process in psutil.process_iter(["cmdline", "ppid"]):
        cmdline = process.info["cmdline"] or []
        serves = "serve" in cmdline and str(build) in cmdline
        if serves and any(arg.endswith("resident.py") for arg in cmdline):
            found[process.pid] = process
    return [process for process in found.values() if process.info["ppid"] not in found]


def commands_cpu(processes: list[psutil.Process]) -> float:
    """CPU seconds of the commands these residents ran and reaped so far."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.children_user + times.children_system
    return total


def settle(build: Path, timeout: float = 60) -> bool:
    """Wait until the resident a command left behind listens (it imports Sphinx in the
    background, and that must not overlap the next measured run); False if none did."""
    deadline = time.monotonic() + timeout
    while not list((build / resident.DIRECTORY).glob("*.sock")):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, build: Path | None = None) -> Run:
    """Run *cmd* once under the rusage wrapper, polling the tree's memory meanwhile.

    With *build*, the command is a publication into that build directory: a resident
    publisher (tools/resident.py) may run it, and then the resident's tree is part of the
    figures (its command's CPU time, its memory and its command's, sampled with the
    caller's); afterwards the bench waits until the resident the command may have left
    behind is ready. ``PUBLISH_RESIDENT`` is on unless *env* says otherwise: the default,
    as `make html` runs.
    """
    env = {"SPHINXOPTS": SPHINXOPTS, "PUBLISH_RESIDENT": "1", **(env or {})}
    served = residents(build) if build is not None else []
    served_cpu = commands_cpu(served)
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        report = Path(tmp) / "rusage.json"
        proc = subprocess.Popen(
            [sys.executable, "-c", RUSAGE_WRAPPER, str(report), *cmd], cwd=cwd, env={**os.environ, **env}
        )
        memory = PeakMemory(psutil.Process(proc.pid), *served)
        while proc.poll() is None:
            memory.sample()
            time.sleep(0.01)
        proc.wait()
        peak, peak_rss = memory.pss, memory.rss
        data = json.loads(report.read_text())
        if data["code"] != 0:
            log = Path(f"{report}.log").read_text(errors="replace")
            raise CommandFailed(f"{' '.join(cmd)} exited {data['code']}:\n{log[-2000:]}")
    resident_cpu = commands_cpu(served) - served_cpu
    if build is not None and env["PUBLISH_RESIDENT"] != "0":
        settle(build)
    return Run(
        wall=data["wall"],
        cpu=data["cpu"] + resident_cpu,
        tree_peak_mb=max(peak, data["maxrss_kb"] * 1024) / 2**20,
        largest_process_mb=data["maxrss_kb"] / 1024,
        tree_rss_peak_mb=max(peak_rss, data["maxrss_kb"] * 1024) / 2**20,
        served_by_resident=resident_cpu > 0,
    )


@dataclass
class Result:
    """A scenario: its runs summarised, or why it has none."""

    name: str
    status: str = "ok"
    pages: int = 0
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    def stat(self, attr: str, how: Callable[[list[float]], float]) -> float | None:
        values = [getattr(run, attr) for run in self.runs]
        return how(values) if values else None

    @property
    def median(self) -> float | None:
        return self.stat("wall", statistics.median)

    def summary(self) -> dict[str, object]:
        """The figures that go to bench.json."""
        median = self.median
        return {
            "name": self.name,
            "status": self.status,
            "note": self.note,
            "pages": self.pages,
            "runs": [asdict(run) for run in self.runs],
            "wall_median_s": median,
            "wall_min_s": self.stat("wall", min),
            "wall_max_s": self.stat("wall", max),
            "cpu_median_s": self.stat("cpu", statistics.median),
            "per_page_ms": median / self.pages * 1000 if median and self.pages else None,
            "tree_peak_mb": self.stat("tree_peak_mb", max),
            "largest_process_mb": self.stat("largest_process_mb", max),
            "tree_rss_peak_mb": self.stat("tree_rss_peak_mb", max),
        }


#: A scenario: what it reports into, and one timed run of it (given the run's number).
Scenario = tuple[Result, Callable[[int], Run]]


def alternate(scenarios: list[Scenario], runs: int) -> list[Result]:
    """Run the scenarios in rounds, one run of each per round, and return their results.

    The scenarios whose ratio is a target (the plain build, the cold build, the translator's
    loops) run this way: this machine's speed drifts by 10–30 % over minutes, and runs taken
    scenario after scenario put that drift into the ratio (one such run had the loop slower
    than the cold build). A scenario that fails is marked and left out of later rounds.
    """
    live = list(scenarios)
    for index in range(runs):
        for scenario in list(live):
            result, once = scenario
            try:
                result.runs.append(once(index))
            except CommandFailed as error:
                result.status, result.note = "failed", str(error)
                live.remove(scenario)
            except StalePage as error:
                result.status, result.note = "stale", str(error)
                live.remove(scenario)
    for result, _ in scenarios:
        progress = f"{result.name}, {result.pages} pages: {fmt(result.median)} [{result.status}]"
        print(f"bench: {progress}", file=sys.stderr, flush=True)
    return [result for result, _ in scenarios]


def repeat(result: Result, runs: int, once: Callable[[int], Run]) -> Result:
    """Fill *result* with *runs* runs of *once*, or mark why it failed."""
    return alternate([(result, once)], runs)[0]


# -- Project copies and the synthetic corpus ---------------------------------


class StalePage(Exception):
    """A rebuilt page does not show the edit that was just made."""


#: The directory, beside the project copies, where `Project.discard` puts what the bench
#: would delete between timed runs; `workspace` empties it when the bench ends.
TRASH = ".trash"


@dataclass
class Project:
    """A disposable copy of the project, with the real virtual environment linked in."""

    path: Path
    pages: int

    @property
    def build(self) -> Path:
        return self.path / "build"

    def discard(self, *paths: Path) -> None:
        """Move *paths* (those that exist: files, directories, the copy itself) out of the way,
        into the trash beside the copy, instead of deleting them between timed runs.

        On a file system without a journal (this machine's ext4), the kernel gives no new
        file an inode freed in the last minute (six, while its inode table is not yet written
        out): each file created scans past every one of them. Deleting a 500-page publication
        (4,300 files) just before the next cold build made that build pay for the deletion,
        more with each run (system time 2.0, 3.2 and 4.0 s in three runs in a row; 1.6–1.9 s
        with the old output moved away instead), and the plain build too (0.6, 0.9, 1.2 s):
        the figures measured the bench's own clean-up. A rename frees no inode.
        (README.md, "Performance", item 52.)
        """
        batch = self.path.parent / TRASH / str(time.monotonic_ns())  # (the copy's file system)
        for number, path in enumerate(paths):
            if path.exists() or path.is_symlink():
                batch.mkdir(parents=True, exist_ok=True)
                path.rename(batch / f"{number}-{path.name}")

    def publish_cmd(self) -> list[str]:
        return [
            sys.executable,
            str(self.path / "tools" / "publish.py"),
            "html",
            "--build-dir",
            str(self.build),
        ]

    def sphinx_cmd(self, outdir: Path, *extra: str) -> list[str]:
        return [
            sys.executable, "-m", "sphinx", "build", "-b", "html", *SPHINXOPTS.split(), "-q", *extra,
            "-c", str(self.path), "-d", str(outdir / ".doctrees"), str(self.path / "source"), str(outdir),
        ]  # fmt: skip

    def make_cmd(self, target: str) -> list[str]:
        venv = ROOT / ".venv"
        return [
            "make", "--no-print-directory", "-C", str(self.path), target,
            f"VENV={venv}", f"BUILDDIR={self.build}", "-o", f"{venv}/.installed-requirements",
        ]  # fmt: skip

    def has_make_target(self, target: str) -> bool:
        makefile = (self.path / "Makefile").read_text(encoding="utf-8")
        return re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE) is not None

    def clean(self) -> None:
        """Leave the copy as a fresh clone is: without the build directory and all else git
        ignores (the catalogs Sphinx compiled, ``locale/**/*.mo``, which the English build
        then compiles again; Python's bytecode of the project's own modules), put in the
        trash (`discard`): what ``git clean -fdX`` would remove."""
        resident.stop_all(self.build)  # (moved away, it would stop during the next run)
        self.discard(self.build)
        if (self.path / ".git").exists():
            listed = subprocess.run(
                ["git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"],
                cwd=self.path, capture_output=True, check=True,
            ).stdout  # fmt: skip
            self.discard(*(self.path / name.rstrip("/") for name in os.fsdecode(listed).split("\0") if name))


def commit(dest: Path) -> None:
    """Make *dest* a git checkout with everything committed, as a clone of the project is."""
    git = [
        "git",
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@localhost",
        "-c",
        "init.defaultBranch=main",
    ]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "bench copy", "--no-verify"]):
        subprocess.run([*git, *args], cwd=dest, check=True, stdout=subprocess.DEVNULL)


def copy_project(dest: Path, checkout: bool = True) -> Project:
    """Copy what a build reads into *dest* (the build directory is not copied), as a git checkout."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        elif src.exists():
            shutil.copy2(src, dest / part)
    if checkout:
        commit(dest)
    return Project(dest, pages=len(list((dest / "source").rglob("*.md"))))


def unique_labels(text: str, prefix: str) -> str:
    """The column with every ``(column…)=`` label renamed to start with *prefix*."""
    return re.sub(r"^\(column(?P<rest>[\w-]*)\)=$", rf"({prefix}\g<rest>)=", text, flags=re.MULTILINE)


#: The label line before each of the column's paragraphs.
PARAGRAPH_LABEL = re.compile(r"^\(column-p\d+\)=$")


def make_corpus(dest: Path, pages: int) -> Project:
    """A project of *pages* documents: the real ones plus copies of the column, fully translated.

    Each copy is ``source/pages/pNNNN.md`` with its labels made unique, its title numbered
    and its paragraphs too (" (N)" at their end: no two pages share a paragraph, as on a real
    site, so that nothing that remembers a message, such as the catalog gate's MyST analysis,
    gains from the copies), and its catalog ``locale/en/LC_MESSAGES/pages/pNNNN.po`` is the
    column's catalog with the same changes, so the English edition is complete. The short
    messages (the byline's field names, "문의") stay the same on every page, as they would.
    """
    project = copy_project(dest, checkout=False)
    column = (ROOT / "source" / "column.md").read_text(encoding="utf-8")
    catalog = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "column.po"))
    lines = column.splitlines()
    title = next(line[2:] for line in lines if line.startswith("# "))
    paragraphs = {lines[n + 1] for n, line in enumerate(lines[:-1]) if PARAGRAPH_LABEL.match(line)}
    numbered = [entry for entry in catalog if entry.msgid == title or entry.msgid in paragraphs]
    if len(numbered) != len(paragraphs) + 1:
        raise SystemExit(
            f"bench: the title and the {len(paragraphs)} paragraphs of source/column.md are not all "
            "translated in locale/en/LC_MESSAGES/column.po"
        )
    originals = [(entry.msgid, entry.msgstr) for entry in numbered]
    (dest / "source" / "pages").mkdir()
    (dest / "locale" / "en" / "LC_MESSAGES" / "pages").mkdir()
    copies = max(pages - project.pages, 0)
    for number in range(1, copies + 1):
        name = f"p{number:04d}"
        # "(N)" at the end: a translated title that starts "N. " parses as a list and is dropped.
        text = "\n".join(
            f"{line} ({number})" if line == f"# {title}" or line in paragraphs else line
            for line in unique_labels(column, name).splitlines()
        )
        (dest / "source" / "pages" / f"{name}.md").write_text(text + "\n", encoding="utf-8")
        for entry, (msgid, msgstr) in zip(numbered, originals, strict=True):
            entry.msgid, entry.msgstr = f"{msgid} ({number})", f"{msgstr} ({number})"
        page_catalog = dest / "locale" / "en" / "LC_MESSAGES" / "pages" / f"{name}.po"
        catalog.save(str(page_catalog))
        format_catalog(page_catalog)  # the one form the catalog gate requires
    for entry, (msgid, msgstr) in zip(numbered, originals, strict=True):
        entry.msgid, entry.msgstr = msgid, msgstr
    index = dest / "source" / "index.md"
    toctree = "\n```{toctree}\n:hidden:\n:glob:\n\npages/*\n```\n"
    index.write_text(index.read_text(encoding="utf-8") + toctree, encoding="utf-8")
    commit(dest)
    return Project(dest, pages=project.pages + copies)


# -- Edits and the staleness check -------------------------------------------


#: Real words, so that an edit passes the catalog gate's spelling check as a translator's would.
MARKER_ADJECTIVES = (
    "amber",
    "brisk",
    "coral",
    "dusky",
    "eager",
    "frosty",
    "gentle",
    "hollow",
    "ivory",
    "jolly",
)
MARKER_NOUNS = (
    "anchor",
    "beacon",
    "canyon",
    "dolphin",
    "ember",
    "falcon",
    "glacier",
    "harbor",
    "island",
    "jasmine",
)
MARKER = re.compile(r" checkpoint [a-z]+ [a-z]+$")


def marker_word(index: int) -> str:
    """A phrase no page contains, in dictionary words (the catalog gate checks spelling and numbers)."""
    return f"checkpoint {MARKER_ADJECTIVES[os.getpid() % 10]} {MARKER_NOUNS[index % 10]}"


def new_marker(index: int, page: Path) -> str:
    """A marker the published *page* does not show yet, so that the edit is a change.

    (Scenarios that run in rounds edit the same message: the one before may have left
    ``marker_word(index)`` there, and an edit to the same text would time a build of nothing.)
    """
    current = page.read_text(encoding="utf-8") if page.is_file() else ""
    markers = (marker_word(index + k) for k in range(len(MARKER_NOUNS)))
    return next(marker for marker in markers if marker not in current)


def edit_msgstr(catalog: Path, msgid_start: str, marker: str) -> None:
    """Append *marker* to the translation of the message that starts with *msgid_start*.

    The edit is one the catalog gate accepts, as a translator's would be: dictionary words,
    and the catalog rewritten in the project's one form.
    """
    po = polib.pofile(str(catalog))
    entry = next((e for e in po if e.msgid.startswith(msgid_start)), None)
    if entry is None or not entry.msgstr:
        raise SystemExit(f"bench: {catalog}: no translated message starting {msgid_start!r}")
    edited = MARKER.sub("", entry.msgstr) + f" {marker}"
    if edited == entry.msgstr:
        raise SystemExit(f"bench: {catalog}: already ends {marker!r}, the edit would change nothing")
    entry.msgstr = edited
    po.save(str(catalog))
    format_catalog(catalog)


def edit_paragraph(source: Path, start: str, marker: str) -> None:
    """Append *marker* to the Korean paragraph that starts with *start*."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next((i for i, line in enumerate(lines) if line.startswith(start)), None)
    if index is None:
        raise SystemExit(f"bench: {source}: no paragraph starting {start!r}")
    edited = MARKER.sub("", lines[index].rstrip("\n")) + f" {marker}\n"
    if edited == lines[index]:
        raise SystemExit(f"bench: {source}: already ends {marker!r}, the edit would change nothing")
    lines[index] = edited
    source.write_text("".join(lines), encoding="utf-8")


def check_fresh(pages: list[Path], marker: str) -> None:
    """Raise StalePage unless every page shows *marker*."""
    for page in pages:
        if not page.is_file():
            raise StalePage(f"{page} was not published")
        if marker not in page.read_text(encoding="utf-8"):
            raise StalePage(f"{page} does not show the edit {marker!r}: the page is stale")


# -- Scenarios ----------------------------------------------------------------


def cold_html(project: Project) -> Scenario:
    """`make html` (tools/publish.py html) from an empty build directory."""

    def once(_: int) -> Run:
        project.clean()
        return measure(project.publish_cmd(), project.path, build=project.build)

    return Result("cold make html", pages=project.pages), once


def baseline(project: Project, jobs: int = 1) -> Scenario:
    """One plain `sphinx-build -b html` of the same sources in Korean, into a fresh directory."""
    outdir = project.path / f"baseline-j{jobs}"
    name = "plain sphinx-build (ko)" + (f" -j {jobs}" if jobs > 1 else "")

    def once(_: int) -> Run:
        project.discard(outdir)
        return measure(project.sphinx_cmd(outdir, "-j", str(jobs)), project.path)

    return Result(name, pages=project.pages), once


def warm_site(project: Project) -> None:
    """Make sure the copy has a complete published site to edit against."""
    if not (project.build / "html" / "index.html").is_file():
        measure(project.publish_cmd(), project.path, build=project.build)


def translator_loop(
    project: Project, catalog: str = "column", page: str = "column", resident: bool = True
) -> Scenario:
    """Change one msgstr, rebuild, and check the English and side-by-side pages show it.

    With *resident* False, every `make html` runs in its own process (PUBLISH_RESIDENT=0),
    as before there were resident publishers: the start-up and the imports in every run.
    """
    po = project.path / "locale" / "en" / "LC_MESSAGES" / f"{catalog}.po"
    site = project.build / "html"
    env = {} if resident else {"PUBLISH_RESIDENT": "0"}

    def once(index: int) -> Run:
        warm_site(project)  # (after a cold run, already there)
        marker = new_marker(index, site / "en" / f"{page}.html")
        edit_msgstr(po, TRANSLATED_PARAGRAPH, marker)
        run = measure(project.publish_cmd(), project.path, env, build=project.build)
        check_fresh([site / "en" / f"{page}.html", site / "ko-en" / f"{page}.html"], marker)
        return run

    name = "translator's loop (one msgstr)" + ("" if resident else ", PUBLISH_RESIDENT=0")
    return Result(name, pages=project.pages), once


def watch_loop(project: Project) -> Scenario:
    """``make watch``: change one msgstr and time until the published pages show it.

    Each run starts the watcher (``tools/watch.py``), waits for its first publication (the
    site is up to date by then: nothing to build), saves the edit and times until both
    pages show it, so the watcher's wait for the file system's report is part of it; then
    stops the watcher, so that it never rebuilds beside another scenario's run. Its CPU is
    the watcher's and its children's during the run.
    """
    po = project.path / "locale" / "en" / "LC_MESSAGES" / "column.po"
    pages = [project.build / "html" / "en" / "column.html", project.build / "html" / "ko-en" / "column.html"]
    log = project.path / "watch.log"
    command = [sys.executable, str(project.path / "tools" / "watch.py"), "--build-dir", str(project.build)]

    def once(index: int) -> Run:
        warm_site(project)
        with log.open("w") as out:
            watcher = subprocess.Popen(
                [*command, "--port", "0"],
                cwd=project.path,
                env={**os.environ, "SPHINXOPTS": SPHINXOPTS},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = psutil.Process(watcher.pid)

        def cpu() -> float:
            times = process.cpu_times()
            return times.user + times.system + times.children_user + times.children_system

        def wait(condition: Callable[[], bool], what: str) -> None:
            deadline = time.monotonic() + 300
            while not condition():
                if watcher.poll() is not None or time.monotonic() > deadline:
                    raise CommandFailed(f"make watch: {what} did not happen:\n{log.read_text()[-2000:]}")
                time.sleep(0.01)

        try:
            wait(lambda: "watch: published" in log.read_text(), "the first publication")
            marker = new_marker(index, pages[0])
            before, start = cpu(), time.perf_counter()
            edit_msgstr(po, TRANSLATED_PARAGRAPH, marker)
            memory = PeakMemory(process)  # the watcher's tree, sampled while it rebuilds

            def published() -> bool:
                memory.sample()
                return all(marker in page.read_text(encoding="utf-8") for page in pages)

            wait(published, "the edit's publication")
            wall = time.perf_counter() - start
            largest = process.memory_info().rss
            return Run(wall, cpu() - before, memory.pss / 2**20, largest / 2**20, memory.rss / 2**20)
        finally:
            watcher.send_signal(signal.SIGINT)
            watcher.wait(timeout=60)

    return Result("translator's loop, make watch", pages=project.pages), once


def author_loop(project: Project, runs: int) -> Result:
    """Change one Korean paragraph, rebuild, and check every edition shows it."""
    source = project.path / "source" / "column.md"
    site = project.build / "html"

    def once(index: int) -> Run:
        marker = new_marker(index, site / "ko" / "column.html")
        edit_paragraph(source, AUTHORED_PARAGRAPH, marker)
        run = measure(project.publish_cmd(), project.path, build=project.build)
        check_fresh([site / edition / "column.html" for edition in ("ko", "en", "ko-en")], marker)
        return run

    warm_site(project)
    return repeat(Result("author's loop (one Korean paragraph)", pages=project.pages), runs, once)


def no_change(project: Project, runs: int) -> Result:
    """`make html` again with nothing changed."""
    warm_site(project)
    once = lambda _: measure(project.publish_cmd(), project.path, build=project.build)  # noqa: E731
    return repeat(Result("make html, nothing changed", pages=project.pages), runs, once)


def make_target(project: Project, runs: int, target: str, label: str, cold: bool) -> Result:
    """`make TARGET`, from an empty build directory (cold) or after a build (warm)."""
    result = Result(label, pages=project.pages)
    if not project.has_make_target(target):
        result.status = MISSING
        return result

    def once(_: int) -> Run:
        if cold:
            project.clean()
        return measure(project.make_cmd(target), project.path, build=project.build)

    if not cold:
        try:
            measure(project.make_cmd(target), project.path, build=project.build)
        except CommandFailed as error:
            result.status, result.note = "failed", str(error)
            return result
    return repeat(result, runs, once)


#: Runs sphinx-build in-process and times the search index: every page fed to the
#: indexer (the search language's splitting and stemming) and the index written.
SEARCH_TIMER = """\
import json, sys, time
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.cmd.build import main
from sphinx.search import IndexBuilder

spent = {"seconds": 0.0, "language": None}

def timed(function):
    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return function(self, *args, **kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - start
            lang = getattr(self, "lang", None) or getattr(getattr(self, "indexer", None), "lang", None)
            if lang is not None:
                spent["language"] = f"{lang.lang} ({type(lang).__module__}.{type(lang).__name__})"
    return wrapper

IndexBuilder.feed = timed(IndexBuilder.feed)
StandaloneHTMLBuilder.dump_search_index = timed(StandaloneHTMLBuilder.dump_search_index)
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump(spent, out)
sys.exit(code)
"""


def search_index(project: Project, runs: int) -> Result:
    """The search index of the Korean edition: feeding every page and writing the index."""
    outdir = project.path / "search"
    result = Result("search index (ko), part of one build", pages=project.pages)

    def once(_: int) -> Run:
        project.discard(outdir)
        report = project.path / "search.json"
        cmd = project.sphinx_cmd(outdir)
        build = measure([sys.executable, "-c", SEARCH_TIMER, str(report), *cmd[3:]], project.path)
        spent = json.loads(report.read_text())
        result.note = f"search language: {spent['language']}; the memory is the whole build's"
        return Run(spent["seconds"], spent["seconds"], build.tree_peak_mb, build.largest_process_mb)

    repeat(result, runs, once)
    project.discard(outdir)
    return result


def gate_once(root: Path, catalog: Path) -> tuple[float, float, int]:
    """One timed run of the gate on *catalog*: (seconds, CPU seconds, number of problems)."""
    from tools.pocheck import Project as Catalogs
    from tools.pocheck import time_check

    start = time.process_time()
    seconds, problems = time_check(Catalogs(root), [catalog])
    return seconds, time.process_time() - start, problems


def check_po_synthetic(project: Project, runs: int, entries: int = 10_000) -> Result:
    """The catalog gate on one synthetic catalog of *entries* translated messages."""
    from tools.pocheck import content_checks
    from tools.pocheck.catalogs import formatted, read_catalog

    path = project.path / "locale" / "en" / "LC_MESSAGES" / "synthetic.po"
    catalog = read_catalog(project.path / "locale" / "en" / "LC_MESSAGES" / "column.po")
    for n in range(entries):
        catalog.add(
            f"{n}번째 문단에 {{term}}`우버`가 나온다.", f"Paragraph {n} mentions {{term}}`Uber <우버>`."
        )
    path.write_bytes(formatted(catalog))
    result = Result(f"check-po gate, synthetic catalog of {len(catalog)} entries", pages=project.pages)
    content_checks()  # imported here, once: the figure is the gate's work, not its imports

    def once(_: int) -> Run:
        # Each run in a fork of its own, whose caches (the MyST analysis of each message,
        # the dictionary's words) start empty, as in a `make check-po`: run here, every run
        # after the first found them full (1.8 s against 4.4 s at 10,000 entries).
        with multiprocessing.get_context("fork").Pool(1) as pool:
            seconds, cpu, problems = pool.apply(gate_once, (project.path, path))
        if problems:
            raise CommandFailed(f"the gate found {problems} problem(s) in the synthetic catalog")
        return Run(seconds, cpu, 0.0, 0.0)

    try:
        return repeat(result, runs, once)
    finally:
        path.unlink()


def search_recall(runs: int) -> list[dict[str, object]]:
    """Index size, build time and recall of the query set without and with the Korean search."""
    from tools import search_eval

    results = search_eval.measure(repeat=runs)
    print(search_eval.table(results))
    return [asdict(result) for result in results]


def scale(pages: int, runs: int, workdir: Path) -> list[Result]:
    """The synthetic corpus of *pages* pages: cold build, baseline, -j 2, translator's loop."""
    project = make_corpus(workdir / f"corpus-{pages}", pages)
    page = "pages/p0001" if (project.path / "source" / "pages" / "p0001.md").exists() else "column"
    scenarios = [baseline(project), baseline(project, jobs=2), cold_html(project)]
    results = alternate([*scenarios, translator_loop(project, catalog=page, page=page)], runs)
    resident.stop_all(project.build)
    project.discard(project.path)
    return results


# -- Report -------------------------------------------------------------------


def ratio(numerator: Result, denominator: Result, attr: str = "wall") -> float | None:
    """The ratio of two medians (wall or cpu), when both were measured."""
    top, bottom = (r.stat(attr, statistics.median) for r in (numerator, denominator))
    if top is None or not bottom:
        return None
    return top / bottom


def target(
    name: str, measured: float | None, limit: float, unit: str = "×", cpu: float | None = None
) -> dict[str, object]:
    """One of the issue's targets and whether the measurement meets it (cpu: the same ratio in CPU time)."""
    return {
        "target": name,
        "limit": limit,
        "measured": measured,
        "measured_cpu": cpu,
        "unit": unit,
        "met": None if measured is None else measured <= limit,
    }


def round_ratios(numerator: Result, denominator: Result) -> list[float]:
    """The ratio of the two scenarios' wall times in each round (`alternate` ran their n-th
    runs in the same round): the spread behind the ratio of medians."""
    pairs = zip(numerator.runs, denominator.runs, strict=False)  # (a failed scenario has fewer runs)
    return [top.wall / bottom.wall for top, bottom in pairs if bottom.wall]


def ratio_target(name: str, top: Result, bottom: Result, limit: float) -> dict[str, object]:
    """A target on the ratio of two scenarios' medians, with the CPU-time ratio and each
    round's own ratio beside it (the verdict is the medians')."""
    found = target(name, ratio(top, bottom), limit, cpu=ratio(top, bottom, "cpu"))
    found["rounds"] = round_ratios(top, bottom)
    return found


def targets(real: dict[str, Result], scales: dict[int, dict[str, Result]]) -> list[dict[str, object]]:
    """The issue's targets, checked against the figures."""
    found = [
        ratio_target("cold make html / plain build, real project", real["cold"], real["baseline"], 1.3),
        ratio_target("translator's loop / cold, real project", real["translator"], real["cold"], 0.5),
        ratio_target("translator's loop, make watch / cold, real project", real["watch"], real["cold"], 0.5),
    ]
    if scales:
        largest = max(scales)
        at = scales[largest]
        found += [
            ratio_target(f"cold make html / plain build, {largest} pages", at["cold"], at["baseline"], 1.3),
            ratio_target(f"translator's loop / cold, {largest} pages", at["translator"], at["cold"], 0.1),
            target(
                f"peak memory (summed PSS) of make html, {largest} pages",
                at["cold"].stat("tree_peak_mb", max),
                1024,
                "MB",
            ),
        ]
        smallest = min(scales)
        growth = {
            attr: ratio(scales[largest]["cold"], scales[smallest]["cold"], attr) for attr in ("wall", "cpu")
        }
        scale_up = scales[largest]["cold"].pages / scales[smallest]["cold"].pages
        found.append(
            target(
                f"time per page of make html, {largest} / {smallest} pages",
                None if growth["wall"] is None else growth["wall"] / scale_up,
                1.2,
                cpu=None if growth["cpu"] is None else growth["cpu"] / scale_up,
            )
        )
    return found


def fmt(value: float | None, unit: str = "s") -> str:
    return "–" if value is None else f"{value:.2f} {unit}".strip()


def table(results: list[Result], found: list[dict[str, object]]) -> str:
    """The figures as a plain-text table, then the targets."""
    header = ("scenario", "pages", "median", "min–max", "cpu", "per page", "peak (PSS)", "status")
    rows = [header]
    for result in results:
        s = result.summary()
        spread = "–" if s["wall_min_s"] is None else f"{s['wall_min_s']:.2f}–{s['wall_max_s']:.2f} s"
        rows.append(
            (
                result.name,
                str(result.pages),
                fmt(s["wall_median_s"]),
                spread,
                fmt(s["cpu_median_s"]),
                fmt(s["per_page_ms"], "ms"),
                fmt(s["tree_peak_mb"], "MB"),
                result.status,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append("")
    for t in found:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        rounds: list[float] = t.get("rounds") or []  # type: ignore[assignment]
        within = f"; rounds {', '.join(f'{r:.2f}' for r in rounds)}" if len(rounds) > 1 else ""
        measured = f"{fmt(t['measured'], t['unit'])} (limit {t['limit']} {t['unit']})"
        lines.append(f"{t['target']}: {measured} {verdict}{within}")
    return "\n".join(lines)


def chart(scales: dict[int, dict[str, Result]], path: Path) -> None:
    """Time per page against corpus size, for make html and the plain build: SVG, and PNG by chromium.

    pygal draws the chart; Debian's chromium (the tests' browser) rasterises it. matplotlib is
    not in the project: sphinxext-opengraph imports it in every Sphinx process when it is
    installed (half a second each, for social cards this project turns off).
    """
    import pygal
    from playwright.sync_api import sync_playwright

    from tools.browser import launch_chromium

    sizes = sorted(scales)
    figure = pygal.XY(
        width=840, height=540, explicit_size=True, style=pygal.style.CleanStyle,
        title="Build time per page against corpus size", legend_at_bottom=True, dots_size=4,
        x_title="corpus size (pages)", x_labels=sizes, xrange=(0, max(sizes)),
        y_title="wall time per page (ms, median)", range=(0, None),
    )  # fmt: skip
    for key, label in [
        ("cold", "cold make html (ko, en, ko-en)"),
        ("baseline", "plain sphinx-build, ko, -j 1"),
        ("baseline_j2", "plain sphinx-build, ko, -j 2"),
        ("translator", "translator's loop"),
    ]:
        points = [(n, scales[n][key].summary()["per_page_ms"]) for n in sizes]
        points = [(n, ms) for n, ms in points if ms is not None]
        if points:
            figure.add(label, points)
    svg = path.with_suffix(".svg").resolve()
    svg.write_bytes(figure.render())
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 840, "height": 540})
        page.goto(svg.as_uri())
        page.screenshot(path=str(path))
        browser.close()


def machine() -> dict[str, object]:
    """What the figures were measured on, including how busy the machine was."""
    import sphinx

    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "sphinx": sphinx.__version__,
        "platform": platform.platform(),
        "sphinxopts": SPHINXOPTS,
    }


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    """A temporary directory for the project copies (and their trash, emptied at the end)."""
    path = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path / TRASH, ignore_errors=True)  # (its residents stopped when moved there)
        for directory in path.glob(f"**/{resident.DIRECTORY}"):  # (removing them would do too)
            resident.stop_all(directory.parent)
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def parse_sizes(text: str) -> list[int]:
    return [int(size) for size in text.split(",") if size.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Each option's default comes from its environment variable (what `make bench` passes on).
    options = [
        ("--runs", "BENCH_RUNS", "5", int, "runs per scenario on the real project"),
        ("--scale", "BENCH_SCALE", "50,200,500", parse_sizes, "corpus sizes in pages; empty: none"),
        ("--scale-runs", "BENCH_SCALE_RUNS", "0", int, "runs per scale scenario (0: --runs)"),
        ("--gate-entries", "BENCH_GATE_ENTRIES", "10000", int, "entries of the gate's synthetic catalog"),
        ("--search-runs", "BENCH_SEARCH_RUNS", "3", int, "builds per search method (0: skip)"),
    ]
    for flag, variable, default, kind, what in options:
        default_value = kind(os.environ.get(variable, default))
        parser.add_argument(flag, type=kind, default=default_value, help=f"{what} ({variable})")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--keep", action="store_true", help="keep the project copies")
    args = parser.parse_args(argv)
    scale_runs = args.scale_runs or args.runs
    args.out.mkdir(parents=True, exist_ok=True)
    started = machine()

    with workspace(args.keep) as work:
        project = copy_project(work / "project")
        scenarios = [
            baseline(project),
            cold_html(project),
            translator_loop(project),
            translator_loop(project, resident=False),
            watch_loop(project),
        ]
        compared = alternate(scenarios, args.runs)
        real = {
            **dict(zip(("baseline", "cold", "translator", "translator_own", "watch"), compared, strict=True)),
            "nochange": no_change(project, args.runs),
            "author": author_loop(project, args.runs),
            "check_po": make_target(project, args.runs, "check-po", "make check-po", cold=False),
            "pdf_cold": make_target(project, args.runs, "pdf", "make pdf, cold", cold=True),
            "pdf_warm": make_target(project, args.runs, "pdf", "make pdf, warm", cold=False),
            "search": search_index(project, args.runs),
            "check_po_synthetic": check_po_synthetic(project, min(args.runs, 3), args.gate_entries),
        }
        search = search_recall(args.search_runs) if args.search_runs else []
        scales: dict[int, dict[str, Result]] = {}
        for pages in args.scale:
            found = scale(pages, scale_runs, work)
            scales[pages] = dict(zip(("baseline", "baseline_j2", "cold", "translator"), found, strict=True))

    results = list(real.values()) + [r for n in sorted(scales) for r in scales[n].values()]
    found = targets(real, scales)
    speedups = {n: ratio(scales[n]["baseline"], scales[n]["baseline_j2"]) for n in sorted(scales)}
    report = {
        "machine": started,
        "load_average_after": os.getloadavg(),
        "runs": args.runs,
        "scale_runs": scale_runs,
        "project": {key: result.summary() for key, result in real.items()},
        "scale": {str(n): {key: r.summary() for key, r in scales[n].items()} for n in sorted(scales)},
        "parallel_speedup_j2": {str(n): s for n, s in speedups.items()},
        "targets": found,
        "search_without_and_with_korean": search,
    }
    (args.out / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(results, found))
    own = ratio(real["translator_own"], real["cold"])
    print(f"translator's loop without a resident publisher (PUBLISH_RESIDENT=0) / cold: {fmt(own, '×')}")
    for n, s in speedups.items():
        print(f"parallel speed-up of the plain build, -j 1 / -j 2, {n} pages: {fmt(s, '×')}")
    if scales:
        chart(scales, args.out / "time-per-page.png")
    print(f"bench: {args.out / 'bench.json'}")
    stale = [r for r in results if r.status in ("stale", "failed")]
    for result in stale:
        print(f"bench: {result.name}: {result.status}: {result.note}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
