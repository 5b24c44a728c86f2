"""Time `make html` against plain sphinx-build on copies of the project: the figures behind `make bench`.

    python tools/bench.py [--runs 5] [--scale 500] [--scale-runs N] [--no-ablation] [--out build/bench]

docs/performance.md ("Method") says what is measured and how. Exit status 1 if a scenario failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import polib
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.pocheck.catalogs import format_catalog  # noqa: E402

#: What a copy of the project holds (as a clone has it: no build, no *.mo, no __pycache__).
PARTS = ("conf.py", "source", "locale", "bilingual", "tools", "Makefile", "requirements.txt")
SPHINXOPTS = os.environ.get("SPHINXOPTS", "-nW --keep-going")
CATALOG = Path("locale/en/LC_MESSAGES/column.po")
TRANSLATED, AUTHORED = "인공지능, 블록체인", "지역의 수요체제는"  # how the edited paragraphs start
#: Dictionary words, so that an edit passes the catalog gate's spelling check.
WORDS = ("amber", "beacon", "coral", "dolphin", "ember", "falcon", "glacier", "harbor", "ivory", "jasmine")
MARKER = re.compile(r" checkpoint [a-z]+ [a-z]+$")
EDITS = count()
#: Seconds between two samples of the memory, and the most of a core the sampling may take: it
#: shares the cores with the build, and at 500 pages a look at a tree took up to 50 ms.
SAMPLE, SAMPLER_SHARE = 0.05, 0.05
LABELS = {
    "plain": "plain sphinx-build (ko)",
    "cold": "cold make html",
    "nochange": "make html, nothing changed",
    "translator": "translator's loop (msgstr)",
    "plain_en": "plain incremental build (en)",
    "watch": "make watch loop (msgstr)",
    "author": "author's loop (Korean paragraph)",
    "check_po": "make check-po",
}


class Failed(Exception):
    """A run failed; its args: the status ("failed": a command, "stale": a page) and why."""


@dataclass
class Run:
    """One timed run: wall and CPU seconds of the process tree, its peak summed PSS."""

    wall: float
    cpu: float
    pss_mb: float
    sampler_cpu: float = 0.0  # the bench's own CPU seconds spent sampling the memory


@dataclass
class Result:
    """A scenario on one corpus (with speed-ups off: *variant*): its runs, or why it stopped."""

    key: str
    pages: int
    runs: list[Run] = field(default_factory=list)
    status: str = "ok"
    note: str = ""
    variant: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.key] + (f", {self.variant}" if self.variant else "")

    def median(self, attr: str = "wall", first: int | None = None) -> float | None:
        values = [getattr(run, attr) for run in self.runs[:first]]
        return statistics.median(values) if values else None

    def summary(self) -> dict[str, Any]:
        walls, peaks = [run.wall for run in self.runs], [run.pss_mb for run in self.runs]
        found = {"scenario": self.label, "pages": self.pages, "status": self.status, "note": self.note}
        found |= {"wall_median_s": self.median(), "wall_min_s": min(walls, default=None)}
        found |= {"wall_max_s": max(walls, default=None), "cpu_median_s": self.median("cpu")}
        return found | {"pss_peak_mb": max(peaks, default=None), "runs": [asdict(run) for run in self.runs]}


#: A scenario: what it reports into, and one timed run of it in a round (None: not in this round).
Scenario = tuple[Result, Callable[[int], Run | None]]

# -- Measuring ---------------------------------------------------------------------------


class Peak:
    """The peak summed PSS of a process tree, sampled every SAMPLE seconds (or less often, see above)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.next, self.cpu = pid, 0, 0.0, 0.0

    def sample(self) -> None:
        if (now := time.perf_counter()) < self.next:
            return
        cpu, todo, total = time.process_time(), [self.pid], 0
        while todo:  # the tree from the kernel's lists of children; PSS as psutil reads it, at half the cost
            pid = todo.pop()
            with suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
            with suppress(OSError):
                for task in os.listdir(f"/proc/{pid}/task"):
                    todo += map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        spent = time.process_time() - cpu
        self.peak, self.cpu = max(self.peak, total), self.cpu + spent
        self.next = now + max(SAMPLE, spent / SAMPLER_SHARE)


def environment(opts: str = SPHINXOPTS) -> dict[str, str]:
    """This environment with SPHINXOPTS *opts*, without EDITION_BASEURL and SOURCE_DATE_EPOCH."""
    env = {k: v for k, v in os.environ.items() if k not in ("EDITION_BASEURL", "SOURCE_DATE_EPOCH")}
    return env | {"SPHINXOPTS": opts}


def tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""


def measure(cmd: list[str], cwd: Path, log: Path, opts: str = SPHINXOPTS) -> Run:
    """Run *cmd* once: wall time, CPU time of its tree (os.wait4), peak summed PSS."""
    with log.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=environment(opts), stdout=out, stderr=subprocess.STDOUT)
    peak, ended = Peak(process.pid), []

    def reap() -> None:
        _, status, usage = os.wait4(process.pid, 0)
        ended.append((time.perf_counter(), status, usage))

    reaper = threading.Thread(target=reap)
    reaper.start()
    while reaper.is_alive():
        peak.sample()
        reaper.join(max(0.0, peak.next - time.perf_counter()))
    end, status, usage = ended[0]
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise Failed("failed", f"{shlex.join(cmd)} exited {process.returncode}:\n{tail(log)}")
    return Run(end - start, usage.ru_utime + usage.ru_stime, peak.peak / 2**20, peak.cpu)


def rounds(scenarios: list[Scenario], runs: int) -> list[Result]:
    """Run the scenarios in rounds, one run of each per round; a failed one drops out."""
    live = list(scenarios)
    for index in range(runs):
        for scenario in list(live):
            result, once = scenario
            try:
                if (run := once(index)) is not None:
                    result.runs.append(run)
            except Failed as error:
                result.status, result.note = error.args
                live.remove(scenario)
    for result, _ in scenarios:
        line = f"bench: {result.label}, {result.pages} pages: {fmt(result.median())} [{result.status}]"
        print(line, file=sys.stderr, flush=True)
    return [result for result, _ in scenarios]


# -- Copies, the synthetic corpus, edits -------------------------------------------------


@dataclass
class Project:
    """A copy of the project and how many pages it has."""

    path: Path
    pages: int

    def page(self, edition: str) -> Path:
        return self.path / "build/html" / edition / "column.html"

    def tool(self, name: str, *args: str) -> list[str]:
        return [sys.executable, str(self.path / "tools" / name), *args]

    def publish(self) -> list[str]:
        return self.tool("publish.py", "html", "--build-dir", str(self.path / "build"))

    def sphinx(self, outdir: Path, opts: str, *extra: str) -> list[str]:
        return [
            sys.executable, "-m", "sphinx", "build", "-b", "html", *opts.split(), "-q", *extra,
            "-c", str(self.path), str(self.path / "source"), str(outdir),
        ]  # fmt: skip

    def clean(self) -> None:
        """Remove all that git does not track: the build, locale/**/*.mo, __pycache__ (a fresh clone)."""
        git(self.path, "clean", "-fdxq")


def git(path: Path, *args: str) -> None:
    config = ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *config, *args], cwd=path, check=True, stdout=subprocess.DEVNULL)


def copy_project(dest: Path) -> Project:
    """Copy what a build reads from the real project into *dest*."""
    dest.mkdir(parents=True)
    for part in PARTS:
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        elif (ROOT / part).exists():
            shutil.copy2(ROOT / part, dest / part)
    return Project(dest, pages=len(list((dest / "source").rglob("*.md"))))


PARAGRAPH_LABEL = re.compile(r"^\(column-p\d+\)=$")


def make_corpus(dest: Path, pages: int) -> Project:
    """The real pages and copies of the column up to *pages*, each with its own complete catalog."""
    project = copy_project(dest)
    column = (dest / "source/column.md").read_text(encoding="utf-8")
    catalog = polib.pofile(str(dest / CATALOG))
    lines = column.splitlines()
    title = next(line[2:] for line in lines if line.startswith("# "))
    paragraphs = {lines[n + 1] for n, line in enumerate(lines[:-1]) if PARAGRAPH_LABEL.match(line)}
    numbered = [entry for entry in catalog if entry.msgid == title or entry.msgid in paragraphs]
    if len(numbered) != len(paragraphs) + 1:
        raise SystemExit("bench: the column's title and paragraphs are not all translated in column.po")
    originals = [(entry.msgid, entry.msgstr) for entry in numbered]
    (dest / "source/pages").mkdir()
    (dest / CATALOG.parent / "pages").mkdir()
    copies = max(pages - project.pages, 0)
    for number in range(1, copies + 1):  # labels renamed, title and paragraphs " (N)": no two alike
        name = f"p{number:04d}"
        renamed = re.sub(r"^\(column([\w-]*)\)=$", rf"({name}\1)=", column, flags=re.MULTILINE)
        text = "\n".join(
            f"{line} ({number})" if line == f"# {title}" or line in paragraphs else line
            for line in renamed.splitlines()
        )
        (dest / "source/pages" / f"{name}.md").write_text(text + "\n", encoding="utf-8")
        for entry, (msgid, msgstr) in zip(numbered, originals, strict=True):
            entry.msgid, entry.msgstr = f"{msgid} ({number})", f"{msgstr} ({number})"
        path = dest / CATALOG.parent / "pages" / f"{name}.po"
        catalog.save(str(path))
        format_catalog(path)  # the one form the catalog gate accepts
    index = dest / "source/index.md"
    toctree = "\n```{toctree}\n:hidden:\n:glob:\n\npages/*\n```\n"
    index.write_text(index.read_text(encoding="utf-8") + toctree, encoding="utf-8")
    return Project(dest, pages=project.pages + copies)


def new_marker() -> str:
    """Dictionary words that no earlier edit of this bench used (for the first 100 edits)."""
    n = next(EDITS)
    return f"checkpoint {WORDS[n % 10]} {WORDS[n // 10 % 10]}"


def edit(path: Path, marker: str) -> None:
    """Append *marker* to the msgstr starting TRANSLATED, or to the paragraph starting AUTHORED."""
    temporary = path.with_name(f"{path.name}.bench~")  # (saved at once, by a rename; ~: watchers ignore it)
    if path.suffix == ".po":
        po = polib.pofile(str(path))
        entry = next(e for e in po if e.msgid.startswith(TRANSLATED) and e.msgstr)
        entry.msgstr = MARKER.sub("", entry.msgstr) + f" {marker}"
        po.save(str(temporary))
        format_catalog(temporary)  # (the catalogs' one form, as the gate wants it)
    else:
        lines = path.read_text(encoding="utf-8").split("\n")
        at = next(n for n, line in enumerate(lines) if line.startswith(AUTHORED))
        lines[at] = MARKER.sub("", lines[at]) + f" {marker}"
        temporary.write_text("\n".join(lines), encoding="utf-8")
    os.replace(temporary, path)


def check_fresh(pages: list[Path], marker: str) -> None:
    """Raise Failed("stale") unless every page shows *marker*."""
    for page in pages:
        if not page.is_file() or marker not in page.read_text(encoding="utf-8"):
            raise Failed("stale", f"{page} does not show the edit {marker!r}: a stale page")


# -- Scenarios ---------------------------------------------------------------------------


def command(
    key: str, project: Project, cmd: list[str], opts: str = SPHINXOPTS, before: Any = None
) -> Scenario:
    """*cmd* as it is, after *before* (not timed)."""

    def once(_: int) -> Run:
        if before is not None:
            before()
        return measure(cmd, project.path, project.path.parent / f"{key}.log", opts)

    return Result(key, project.pages), once


def loop(key: str, project: Project, cmd: list[str], edited: Path, pages: list[Path]) -> Scenario:
    """Append a new marker to *edited*, run *cmd*, check that the *pages* show it (else: stale)."""
    log = project.path.parent / f"{key}.log"

    def once(_: int) -> Run:
        if not all(page.exists() for page in pages):
            measure(cmd, project.path, log)  # (a first build, not timed)
        edit(edited, marker := new_marker())
        run = measure(cmd, project.path, log)
        check_fresh(pages, marker)
        return run

    return Result(key, project.pages), once


def watch(project: Project) -> Scenario:
    """`make watch`: from the save of a msgstr until the en and ko-en pages show it."""
    log, pages = project.path.parent / "watch.log", [project.page("en"), project.page("ko-en")]
    cmd = project.tool("watch.py", "--build-dir", str(project.path / "build"), "--port", "0")

    def until(condition: Callable[[], bool], watcher: subprocess.Popen[bytes], what: str) -> None:
        deadline = time.monotonic() + 300
        while not condition():
            if watcher.poll() is not None or time.monotonic() > deadline:
                raise Failed("failed", f"make watch: no {what}:\n{tail(log)}")
            time.sleep(0.02)

    def shows(marker: str, peak: Peak) -> bool:
        peak.sample()
        with suppress(OSError):  # (between the two renames of the swap)
            return all(marker in page.read_text(encoding="utf-8") for page in pages)
        return False

    def once(_: int) -> Run:
        with log.open("w") as out:
            watcher = subprocess.Popen(cmd, cwd=project.path, env=environment(), stdout=out, stderr=out)
        try:
            until(lambda: "watch: published" in log.read_text(encoding="utf-8"), watcher, "first publication")
            peak, process = Peak(watcher.pid), psutil.Process(watcher.pid)
            cpu = sum(process.cpu_times()[:4])  # user and system, its own and its reaped children's
            edit(project.path / CATALOG, marker := new_marker())
            start = time.perf_counter()
            until(lambda: shows(marker, peak), watcher, f"page showing {marker!r}")
            wall = time.perf_counter() - start
            return Run(wall, sum(process.cpu_times()[:4]) - cpu, peak.peak / 2**20, peak.cpu)
        finally:
            watcher.send_signal(signal.SIGINT)
            try:
                watcher.wait(timeout=60)
            except subprocess.TimeoutExpired:
                watcher.kill()
                watcher.wait()
                raise Failed("failed", f"make watch did not stop on SIGINT:\n{tail(log)}") from None

    return Result("watch", project.pages), once


def limited(scenario: Scenario, runs: int) -> Scenario:
    """*scenario* in the first *runs* rounds only."""
    result, once = scenario
    return result, lambda index: once(index) if index < runs else None


@dataclass
class Corpus:
    """The results on one corpus: per scenario, and the ablation's [plain, cold] per variant."""

    pages: int
    results: dict[str, Result]
    ablation: dict[str, list[Result]]
    ablation_runs: int

    def all(self) -> list[Result]:
        return [*self.results.values(), *(result for pair in self.ablation.values() for result in pair)]

    def summary(self) -> dict[str, Any]:
        ablation = {variant: [result.summary() for result in pair] for variant, pair in self.ablation.items()}
        scenarios = {key: result.summary() for key, result in self.results.items()}
        return {"pages": self.pages, "scenarios": scenarios, "ablation": ablation}


def run_corpus(
    work: Path, pages: int | None, runs: int, names: tuple[str, ...], ablation_runs: int
) -> Corpus:
    """Every scenario on the real project (*pages* None), or the four of a synthetic corpus."""
    work.mkdir(parents=True)
    project = copy_project(work / "project") if pages is None else make_corpus(work / "project", pages)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "bench", "--no-verify"]):
        git(project.path, *args)  # (a git repository with all committed, as a clone is)
    copy = Project(work / "baseline", project.pages)  # the plain builds' copy: no cold clean-up in it
    shutil.copytree(project.path, copy.path, symlinks=True)
    publish, english = project.publish(), work / "plain-en"

    def plain_and_cold(opts: str = SPHINXOPTS) -> list[Scenario]:
        clear = lambda: shutil.rmtree(work / "plain-ko", ignore_errors=True)  # noqa: E731
        plain = command("plain", copy, copy.sphinx(work / "plain-ko", opts), opts, before=clear)
        return [plain, command("cold", project, publish, opts, before=project.clean)]

    translated = [project.page("en"), project.page("ko-en")]
    english_cmd = copy.sphinx(english, SPHINXOPTS, "-D", "language=en")
    others = [command("nochange", project, publish)] if pages is None else []
    others.append(loop("translator", project, publish, project.path / CATALOG, translated))
    others.append(loop("plain_en", copy, english_cmd, copy.path / CATALOG, [english / "column.html"]))
    others += [watch(project)] if pages is None else []
    variants = {f"{name} off": [n for n in names if n != name] for name in names}
    variants |= {"none": []} if names else {}
    ablation: dict[str, list[Result]] = {}
    first: list[Scenario] = []  # the ablation's runs, before the others in the first rounds
    for variant, on in variants.items():
        for result, once in plain_and_cold(f"{SPHINXOPTS} -D bilingual_speedups={','.join(on)}"):
            result.variant = variant
            ablation.setdefault(variant, []).append(result)
            first.append(limited((result, once), ablation_runs))
    # plain and cold make html, the ablation's all on, run in every round; the others in *runs*
    main = plain_and_cold() + [limited(scenario, runs) for scenario in others]
    results = [result for result in rounds(first + main, max(runs, ablation_runs)) if not result.variant]
    if pages is None:  # (the last round ended with all speed-ups on)
        po = project.tool("po.py", "--root", str(project.path), "check")  # (before the author's edit: lag)
        results += rounds([command("check_po", project, po)], runs)
        shown = [project.page(edition) for edition in ("ko", "en", "ko-en")]
        results += rounds([loop("author", project, publish, project.path / "source/column.md", shown)], runs)
    return Corpus(project.pages, {result.key: result for result in results}, ablation, ablation_runs)


# -- Report ------------------------------------------------------------------------------


def ratio_target(name: str, top: Result, bottom: Result, limit: float) -> dict[str, Any]:
    """The ratio of two scenarios' median wall times (the verdict) and each round's own ratio."""
    a, b = top.median(), bottom.median()
    measured = a / b if a is not None and b else None
    spread = [x.wall / y.wall for x, y in zip(top.runs, bottom.runs, strict=False)]
    met = None if measured is None else measured <= limit
    return {"target": name, "measured": measured, "limit": limit, "unit": "×", "rounds": spread, "met": met}


def targets(corpora: dict[str, Corpus]) -> list[dict[str, Any]]:
    """The targets, checked against the medians."""
    real = corpora["real"].results
    found = [
        ratio_target("cold make html / plain, real project", real["cold"], real["plain"], 1.3),
        ratio_target("translator's loop / plain en, real project", real["translator"], real["plain_en"], 1.5),
        ratio_target("watch loop / cold make html, real project", real["watch"], real["cold"], 0.5),
    ]
    sizes = [int(name) for name in corpora if name != "real"]
    for size in sizes:
        at = corpora[str(size)].results
        name = f"translator's loop / plain en, {size} pages"
        found.append(ratio_target(name, at["translator"], at["plain_en"], 1.5))
    if sizes:
        at, largest = corpora[str(max(sizes))].results, f"{max(sizes)} pages"
        found.append(ratio_target(f"cold make html / plain, {largest}", at["cold"], at["plain"], 1.5))
        peaks = [run.pss_mb for run in at["cold"].runs]
        peak = max(peaks, default=None)
        memory = {"target": f"peak summed PSS of cold make html, {largest}", "measured": peak, "limit": 1024}
        found.append(memory | {"unit": "MB", "rounds": peaks, "met": None if peak is None else peak < 1024})
    return found


def ablation_rows(corpora: dict[str, Corpus]) -> list[dict[str, Any]]:
    """Per variant, corpus and scenario: the wall and CPU time that having the speed-up on saves."""
    rows = []
    for corpus, found in corpora.items():
        for off in (result for pair in found.ablation.values() for result in pair):
            row = {"speedup": off.variant.removesuffix(" off"), "corpus": corpus, "scenario": off.key}
            for attr in ("wall", "cpu"):  # median off − median all on, of the same rounds; % of off
                on, without = found.results[off.key].median(attr, found.ablation_runs), off.median(attr)
                saved = None if on is None or not without else without - on
                row |= {f"{attr}_saved_s": saved, f"{attr}_saved_pct": saved and 100 * saved / without}
            rows.append(row)
    percents = {(row["speedup"], row[f"{a}_saved_pct"]) for row in rows for a in ("wall", "cpu")}
    small = {name for name, _ in percents} - {"none"}
    small -= {name for name, percent in percents if percent is None or percent >= 5}  # (None: a run failed)
    return [row | {"verdict": "under 5%: delete" if row["speedup"] in small else ""} for row in rows]


def fmt(value: float | None, unit: str = "s") -> str:
    return "–" if value is None else f"{value:.2f} {unit}"


def saved(row: dict[str, Any], attr: str) -> str:
    seconds, percent = row[f"{attr}_saved_s"], row[f"{attr}_saved_pct"]
    return "–" if seconds is None else f"{seconds:+.2f} s ({percent:+.1f} %)"


def columns(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths).rstrip(), *lines[1:]])


def report(corpora: dict[str, Corpus], found: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    """The table of scenarios, the targets and the ablation, as printed."""
    table = [("scenario", "pages", "median", "min–max", "cpu", "peak PSS", "status")]
    for result in (result for corpus in corpora.values() for result in corpus.results.values()):
        s = result.summary()
        spread = f"{s['wall_min_s']:.2f}–{s['wall_max_s']:.2f} s" if result.runs else "–"
        median, cpu, pss = fmt(s["wall_median_s"]), fmt(s["cpu_median_s"]), fmt(s["pss_peak_mb"], "MB")
        table.append((s["scenario"], str(result.pages), median, spread, cpu, pss, result.status))
    lines = [columns(table), ""]
    for t in found:
        verdict = {True: "met", False: "missed", None: "not measured"}[t["met"]]
        limit = f"(limit {'< ' if t['unit'] == 'MB' else ''}{t['limit']} {t['unit']})"
        spread = ", ".join(f"{r:.2f}" for r in t["rounds"])
        lines.append(f"{t['target']}: {fmt(t['measured'], t['unit'])} {limit} {verdict}; rounds {spread}")
    ablation = [("speed-up", "corpus", "scenario", "wall saved", "cpu saved", "")]
    for r in rows:
        ablation.append(
            (r["speedup"], r["corpus"], r["scenario"], saved(r, "wall"), saved(r, "cpu"), r["verdict"])
        )
    if rows:
        lines += ["", "Ablation: what having each speed-up on saves (median off − median all on)"]
        lines.append(columns(ablation))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """The date, the real repository's commit, and the machine: CPUs, their model, the load average."""
    git_out = lambda *a: subprocess.run(["git", "-C", str(ROOT), *a], capture_output=True, text=True).stdout  # noqa: E731
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
    cpus = {"cpus": os.cpu_count(), "model": model[1] if model else "", "load_average": os.getloadavg()}
    date = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    commit = {"commit": git_out("rev-parse", "HEAD").strip(), "dirty": bool(git_out("status", "--porcelain"))}
    return {"date": date, **commit, "machine": cpus}


def main(argv: list[str] | None = None) -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(env("BENCH_RUNS", "5")), help="BENCH_RUNS")
    parser.add_argument("--scale", default=env("BENCH_SCALE", "500"), help="pages, e.g. 50,500 (BENCH_SCALE)")
    parser.add_argument("--scale-runs", type=int, default=int(env("BENCH_SCALE_RUNS", "0")), help="0: --runs")
    on = env("BENCH_ABLATION") != "0"
    parser.add_argument(
        "--ablation", action=argparse.BooleanOptionalAction, default=on, help="BENCH_ABLATION"
    )
    parser.add_argument("--ablation-runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "build/bench")
    parser.add_argument("--keep", action="store_true", help="keep the copies of the project")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.scale.split(",") if size.strip())
    from bilingual.speedups import NAMES

    names, ablation_runs = (tuple(NAMES), args.ablation_runs) if args.ablation else ((), 0)
    scale_runs = args.scale_runs or args.runs
    entry = machine() | {"sphinxopts": SPHINXOPTS, "runs": args.runs, "scale_runs": scale_runs}
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        corpora = {"real": run_corpus(work / "real", None, args.runs, names, ablation_runs)}
        for size in sizes:
            here = names if size == sizes[-1] else ()
            corpora[str(size)] = run_corpus(work / str(size), size, scale_runs, here, ablation_runs)
            if not args.keep:
                shutil.rmtree(work / str(size), ignore_errors=True)
    finally:
        if args.keep:
            print(f"bench: the copies are in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    found, rows = targets(corpora), ablation_rows(corpora)
    print(report(corpora, found, rows))
    entry |= {"ablation_runs": ablation_runs, "load_average_after": os.getloadavg(), "targets": found}
    entry |= {"ablation": rows, "corpora": {name: corpus.summary() for name, corpus in corpora.items()}}
    path = args.out / "bench.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    earlier = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    history = [*(earlier if isinstance(earlier, list) else [earlier]), entry]  # (the earlier runs kept)
    path.write_text(json.dumps(history, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"bench: {path}")
    failed = [result for corpus in corpora.values() for result in corpus.all() if result.status != "ok"]
    for result in failed:
        print(f"bench: {result.label}, {result.pages} pages: {result.status}: {result.note}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
