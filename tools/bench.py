"""Time `make html` against plain sphinx-build on copies of the project: the figures behind `make bench`.

docs/performance.md ("Method") says what is measured and how. Exit status 1 if a scenario failed."""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from itertools import count
from pathlib import Path
from typing import Any

import polib
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bilingual.editions import project_languages  # noqa: E402
from bilingual.speedups import NAMES  # noqa: E402
from tools.pocheck.catalogs import format_catalog  # noqa: E402

PARTS = ("conf.py", "source", "locale", "bilingual", "tools", "Makefile", "requirements.txt")
SPHINXOPTS = os.environ.get("SPHINXOPTS", "-nW --keep-going")
#: The commands' environment (the publisher takes SOURCE_DATE_EPOCH from the copy's git log).
ENV = {k: v for k, v in os.environ.items() if k not in ("EDITION_BASEURL", "SOURCE_DATE_EPOCH")}
SOURCE, TRANSLATION = project_languages(ROOT)[:2]  # (the loops edit the first translation)
EDITIONS = (SOURCE, TRANSLATION, f"{SOURCE}-{TRANSLATION}")
CATALOG = Path(f"locale/{TRANSLATION}/LC_MESSAGES/column.po")
TRANSLATED, AUTHORED = "인공지능, 블록체인", "지역의 수요체제는"  # how the edited paragraphs start
#: Dictionary words, so that an edit passes the catalog gate's spelling check.
WORDS = ("amber", "beacon", "coral", "dolphin", "ember", "falcon", "glacier", "harbor", "ivory", "jasmine")
MARKER, EDITS = re.compile(r" checkpoint [a-z]+ [a-z]+$"), count()
SAMPLE, SAMPLER_SHARE = 0.05, 0.05  # s between two looks at the memory; the most of a core they may take
LABELS = {"plain": f"plain sphinx-build ({SOURCE})", "cold": "cold make html", "check_po": "make check-po",
          "nochange": "make html, nothing changed", "translator": "translator's loop (msgstr)",
          "plain_en": f"plain incremental build ({TRANSLATION})", "watch": "make watch loop (msgstr)",
          "author": "author's loop (Korean paragraph)"}  # fmt: skip


class Failed(Exception): ...  # a run failed; args: the status ("failed": a command, "stale": a page), why


class Peak(threading.Thread):
    """The peak summed PSS of the process tree of *pid*, looked at every SAMPLE s at most, till stop()."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak, self.cpu, self.stopped = psutil.Process(pid), 0, 0.0, threading.Event()
        self.start()

    def run(self) -> None:
        while not self.stopped.is_set():
            cpu = time.thread_time()
            with suppress(psutil.Error):  # (a process ended as it was looked at: the next look counts)
                tree = [self.root, *self.root.children(recursive=True)]
                self.peak = max(self.peak, sum(process.memory_full_info().pss for process in tree))
            self.cpu += (spent := time.thread_time() - cpu)
            self.stopped.wait(max(SAMPLE, spent / SAMPLER_SHARE))

    def stop(self, wall: float, cpu: float) -> dict[str, float]:
        self.stopped.set()
        self.join()
        return {"wall": wall, "cpu": cpu, "pss_mb": self.peak / 2**20, "sampler_cpu": self.cpu}


def measure(cmd: list[str], cwd: Path, opts: str = SPHINXOPTS, *, log: Path) -> dict[str, float]:
    """Run *cmd* once; its CPU time is its tree's (os.wait4: with every descendant it waited for)."""
    with log.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=ENV | {"SPHINXOPTS": opts}, stdout=out, stderr=out)
    peak, (_, status, usage) = Peak(process.pid), os.wait4(process.pid, 0)
    run = peak.stop(time.perf_counter() - start, usage.ru_utime + usage.ru_stime)
    if code := os.waitstatus_to_exitcode(status):  # (reaped: subprocess tidies up after it on its own)
        raise Failed("failed", f"{' '.join(cmd)} exited {code}:\n{log.read_text(errors='replace')[-3000:]}")
    return run


def loop(cmd: list[str], cwd: Path, edited: Path, shown: list[Path], *, log: Path) -> dict[str, float]:
    if not all(page.exists() for page in shown):
        measure(cmd, cwd, log=log)  # (a first build, not timed)
    marker = edit(edited)
    run = measure(cmd, cwd, log=log)
    for page in shown:
        if not page.is_file() or marker not in page.read_text(encoding="utf-8"):
            raise Failed("stale", f"{page} does not show the edit {marker!r}: a stale page")
    return run


def watch(project: Path, *, log: Path) -> dict[str, float]:
    """`make watch`: from the save of a msgstr until the translation's and the view's pages show it."""
    cmd = [sys.executable, str(project / "tools/watch.py"), "--port", "0", "--build-dir", f"{project}/build"]
    with log.open("w") as out:
        watcher = subprocess.Popen(cmd, cwd=project, env=ENV, stdout=out, stderr=out)

    def until(what: str, condition: Any, deadline: float = time.monotonic() + 300) -> None:
        while True:
            with suppress(OSError):  # (a page between the two renames of the swap)
                if condition():
                    return
            if watcher.poll() is not None or time.monotonic() > deadline:
                raise Failed("failed", f"make watch: no {what}:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.02)

    try:
        until("first publication", lambda: "watch: published" in log.read_text(encoding="utf-8"))
        peak, process = Peak(watcher.pid), psutil.Process(watcher.pid)
        cpu = sum(process.cpu_times()[:4])  # user and system, its own and its reaped children's
        marker, start = edit(project / CATALOG), time.perf_counter()
        shown = [project / f"build/html/{edition}/column.html" for edition in EDITIONS[1:]]
        until(f"page showing {marker!r}", lambda: all(marker in p.read_text(encoding="utf-8") for p in shown))
        return peak.stop(time.perf_counter() - start, sum(process.cpu_times()[:4]) - cpu)
    finally:
        watcher.send_signal(signal.SIGINT)
        try:
            watcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            watcher.kill()
            raise Failed("failed", "make watch did not stop on SIGINT") from None


def edit(path: Path) -> str:
    """Append a new marker to the msgstr starting TRANSLATED, or to the paragraph starting AUTHORED."""
    n, temporary = next(EDITS), path.with_name(f"{path.name}.bench~")  # (~: watchers ignore it)
    marker = f"checkpoint {WORDS[n % 10]} {WORDS[n // 10 % 10]}"  # (a new one for the first 100 edits)
    if path.suffix == ".po":
        po = polib.pofile(str(path))
        entry = next(e for e in po if e.msgid.startswith(TRANSLATED) and e.msgstr)
        entry.msgstr = MARKER.sub("", entry.msgstr) + f" {marker}"
        po.save(str(temporary))
        format_catalog(temporary)
    else:
        lines = path.read_text(encoding="utf-8").split("\n")
        at = next(n for n, line in enumerate(lines) if line.startswith(AUTHORED))
        lines[at] = MARKER.sub("", lines[at]) + f" {marker}"
        temporary.write_text("\n".join(lines), encoding="utf-8")
    os.replace(temporary, path)  # (saved at once, as an editor saves)
    return marker


def make_corpus(dest: Path, pages: int | None = None) -> int:
    """Copy what a build reads into *dest*, add copies of the column up to *pages*; return the pages."""
    dest.mkdir(parents=True)
    for part in PARTS:
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(ROOT / part, dest / part)
    real = len(list((dest / "source").rglob("*.md")))
    if pages is None or pages <= real:
        return real
    column, catalog = (dest / "source/column.md").read_text("utf-8"), polib.pofile(str(dest / CATALOG))
    translated = {entry.msgid: (entry, entry.msgstr) for entry in catalog if entry.msgstr}
    whole = {n: line for n, line in enumerate(column.splitlines()) if line.lstrip("# ") in translated}
    (dest / "source/pages").mkdir()
    (dest / CATALOG.parent / "pages").mkdir()
    for number in range(1, pages - real + 1):  # labels renamed, title and paragraphs " (N)": no two alike
        name = f"p{number:04d}"
        text = re.sub(r"^\(column([\w-]*)\)=$", rf"({name}\1)=", column, flags=re.MULTILINE).splitlines()
        for n, line in whole.items():
            text[n], (entry, msgstr) = f"{line} ({number})", translated[line.lstrip("# ")]
            entry.msgid, entry.msgstr = f"{line.lstrip('# ')} ({number})", f"{msgstr} ({number})"
        (dest / "source/pages" / f"{name}.md").write_text("\n".join(text) + "\n", encoding="utf-8")
        catalog.save(str(path := dest / CATALOG.parent / "pages" / f"{name}.po"))
        format_catalog(path)  # the one form the catalog gate accepts
    with (dest / "source/index.md").open("a", encoding="utf-8") as index:
        index.write("\n```{toctree}\n:hidden:\n:glob:\n\npages/*\n```\n")
    return pages


def median(runs: list[dict[str, float]], attr: str = "wall") -> float | None:
    return statistics.median(run[attr] for run in runs) if runs else None


def run_corpus(tmp: str, size: int | None, runs: int, ablated: list[str], ablation_runs: int) -> dict:
    """The scenarios on a copy of the real project (*size* None) or a synthetic corpus (see Method)."""
    work = Path(tmp, str(size or "real"))
    project, copy, real = work / "project", work / "baseline", size is None
    found: dict[str, Any] = {"pages": make_corpus(project, size), "scenarios": {}, "ablation": {}}
    git = "git -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false"
    commit = f"git init -qb main && git add -A && {git} commit -qm bench --no-verify"
    subprocess.run(commit, shell=True, cwd=project, check=True)  # (all committed, as in a clone)
    shutil.copytree(project, copy, symlinks=True)  # the plain builds' copy: no cold clean-up in it
    publish = [sys.executable, str(project / "tools/publish.py"), "html", "--build-dir", f"{project}/build"]
    sphinx = [sys.executable, "-m", "sphinx", "build", "-b", "html", "-q", "-c", str(copy), f"{copy}/source"]
    english = [*sphinx, f"{work}/plain-en", *SPHINXOPTS.split(), "-D", f"language={TRANSLATION}"]
    check_po = [sys.executable, f"{project}/tools/po.py", "--root", str(project), "check"]
    ko, en, ko_en = (project / "build/html" / edition / "column.html" for edition in EDITIONS)

    def once(key: str, run: Any, *args: Any, variant: str = "") -> None:  # (a failed scenario runs no more)
        label, pages = LABELS[key] + (f", without {variant}" if variant else ""), found["pages"]
        where = found["ablation"].setdefault(variant, {}) if variant else found["scenarios"]
        entry = where.setdefault(key, {"scenario": label, "pages": pages, "status": "ok", "runs": []})
        if entry["status"] == "ok":
            try:
                entry["runs"].append(run(*args, log=work / f"{key}.log"))
            except Failed as error:
                entry["status"], entry["note"] = error.args
            runs_, walls = entry["runs"], [run["wall"] for run in entry["runs"]]
            entry |= {"wall_median_s": median(runs_), "wall_min_s": min(walls, default=None)}
            entry |= {"wall_max_s": max(walls, default=None), "cpu_median_s": median(runs_, "cpu")}
            entry["pss_peak_mb"] = max((run["pss_mb"] for run in runs_), default=None)
            print(f"bench: {label}, {pages} pages:", entry["status"], entry.get("note", ""), file=sys.stderr)

    variants = {name: [other for other in NAMES if name not in ("all", other)] for name in ablated}  # on
    for index in range(max(runs, ablation_runs if variants else 0)):  # (all on last, as `make html`)
        for variant, on in [*(variants.items() if index < ablation_runs else []), ("", NAMES)]:
            opts = f"{SPHINXOPTS} -D bilingual_speedups={','.join(on)}" if variant else SPHINXOPTS
            shutil.rmtree(work / "plain-ko", ignore_errors=True)
            once("plain", measure, [*sphinx, f"{work}/plain-ko", *opts.split()], copy, opts, variant=variant)
            subprocess.run(["git", "clean", "-fdxq"], cwd=project, check=True)  # a fresh clone's state
            once("cold", measure, publish, project, opts, variant=variant)
        if index < runs and real:
            once("nochange", measure, publish, project)
            once("check_po", measure, check_po, project)
            once("watch", watch, project)
        if index < runs:
            once("translator", loop, publish, project, project / CATALOG, [en, ko_en])
            once("plain_en", loop, english, copy, copy / CATALOG, [work / "plain-en/column.html"])
    for _ in range(runs if real else 0):  # (last: after its edit, the catalog gate rightly reports lag)
        once("author", loop, publish, project, project / "source/column.md", [ko, en, ko_en])
    return found


def summary(corpora: dict[str, dict], ablation_runs: int) -> tuple[list[dict], list[dict]]:
    """The targets and the ablation (what each speed-up saves, per corpus and scenario); prints the tables."""
    sizes, found, rows = [name for name in corpora if name != "real"], [], []
    ratios = [("real", "cold", "plain", 1.3), ("real", "translator", "plain_en", 1.5)]
    ratios += [("real", "watch", "cold", 0.5), *((size, "translator", "plain_en", 1.5) for size in sizes)]
    for corpus, top, bottom, limit in ratios + [(size, "cold", "plain", 1.5) for size in sizes[-1:]]:
        a, b = (corpora[corpus]["scenarios"][key]["runs"] for key in (top, bottom))
        where, measured = f"{corpus} pages", median(a) / median(b) if a and b else None
        name = f"{LABELS[top]} / {LABELS[bottom]}, {'real project' if corpus == 'real' else where}"
        found.append({"target": name, "measured": measured, "limit": limit, "unit": "×"})
        found[-1] |= {"rounds": [x["wall"] / y["wall"] for x, y in zip(a, b, strict=False)]}
        found[-1]["met"] = None if measured is None else measured <= limit
    for size in sizes[-1:]:
        peaks = [run["pss_mb"] for run in corpora[size]["scenarios"]["cold"]["runs"]]
        name, peak = f"peak summed PSS of cold make html, {size} pages", max(peaks, default=None)
        found.append({"target": name, "measured": peak, "limit": 1024, "unit": "MB", "rounds": peaks})
        found[-1]["met"] = None if peak is None else peak < 1024
    for corpus, result in corpora.items():
        for variant, scenarios in result["ablation"].items():
            for key, off in scenarios.items():
                row = {"speedup": variant, "corpus": corpus, "scenario": key}
                for attr in ("wall", "cpu"):
                    on = median(result["scenarios"][key]["runs"][:ablation_runs], attr)
                    without = off[f"{attr}_median_s"]
                    saved = None if on is None or not without else without - on
                    row |= {f"{attr}_saved_s": saved, f"{attr}_saved_pct": saved and 100 * saved / without}
                rows.append(row)
    percents = [(row["speedup"], row[f"{attr}_saved_pct"]) for row in rows for attr in ("wall", "cpu")]
    keep = {"all", *(name for name, percent in percents if percent is None or percent >= 5)}  # None: failed
    rows = [row | {"verdict": "" if row["speedup"] in keep else "under 5%: delete"} for row in rows]
    fmt = lambda value, unit="s": "–" if value is None else f"{value:.2f} {unit}"  # noqa: E731
    row = "{:<32}  {:>5}  {:>8}  {:>13}  {:>8}  {:>9}  {}".format
    lines = [row("scenario", "pages", "median", "min–max", "cpu", "peak PSS", "status"), "-" * 101]
    for s in (s for corpus in corpora.values() for s in corpus["scenarios"].values()):
        spread = f"{s['wall_min_s']:.2f}–{s['wall_max_s']:.2f} s" if s["runs"] else "–"
        figures = fmt(s["wall_median_s"]), spread, fmt(s["cpu_median_s"]), fmt(s["pss_peak_mb"], "MB")
        lines.append(row(s["scenario"], s["pages"], *figures, s["status"]))
    lines.append("")
    for t in found:
        verdict = {True: "met", False: "missed", None: "not measured"}[t["met"]]
        limit = f"(limit {'< ' if t['unit'] == 'MB' else ''}{t['limit']} {t['unit']})"
        spread = ", ".join(f"{r:.2f}" for r in t["rounds"])
        lines.append(f"{t['target']}: {fmt(t['measured'], t['unit'])} {limit} {verdict}; rounds {spread}")
    row = "{:<9}  {:<6}  {:<10}  {:>19}  {:>19}  {}".format
    if rows:
        lines += ["", "Ablation: what having each speed-up on saves (median without it − median all on)"]
        lines += [row("speed-up", "corpus", "scenario", "wall saved", "cpu saved", ""), "-" * 88]
    for r in rows:
        saved = [(r[f"{a}_saved_s"], r[f"{a}_saved_pct"]) for a in ("wall", "cpu")]
        saved = ["–" if s is None else f"{s:+.2f} s ({percent:+.1f} %)" for s, percent in saved]
        lines.append(row(r["speedup"], r["corpus"], r["scenario"], *saved, r["verdict"]))
    print("\n".join(line.rstrip() for line in lines))
    return found, rows


def main(argv: list[str] | None = None) -> int:
    env, every = os.environ.get, [*NAMES, "all"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(env("BENCH_RUNS", "5")), help="BENCH_RUNS")
    parser.add_argument("--scale", default=env("BENCH_SCALE", "500"), help="pages, e.g. 50,500 (BENCH_SCALE)")
    parser.add_argument("--scale-runs", type=int, default=int(env("BENCH_SCALE_RUNS", "0")), help="0: --runs")
    default = [] if env("BENCH_ABLATION") == "0" else every  # (each one off, then all; no name: none)
    parser.add_argument("--ablation", nargs="*", choices=every, default=default, help="BENCH_ABLATION=0: no")
    parser.add_argument("--ablation-runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "build/bench")
    args = parser.parse_args(argv)
    ablated, sizes = args.ablation, sorted(int(n) for n in args.scale.split(",") if n.strip())
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout  # noqa: E731
    entry = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "commit": git("rev-parse", "HEAD").strip()}
    entry |= {"dirty": bool(git("status", "--porcelain")), "cpus": os.cpu_count(), "sphinxopts": SPHINXOPTS}
    entry |= {"load_average": os.getloadavg(), "runs": args.runs, "scale_runs": args.scale_runs or args.runs}
    entry["ablation_runs"] = ablation_runs = args.ablation_runs if ablated else 0
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:  # (the ablation: real project, largest corpus)
        corpora = {"real": run_corpus(tmp, None, args.runs, ablated, ablation_runs)}
        for size in sizes:
            here = ablated if size == sizes[-1] else []
            corpora[str(size)] = run_corpus(tmp, size, entry["scale_runs"], here, ablation_runs)
    found, rows = summary(corpora, ablation_runs)
    entry |= {"load_average_after": os.getloadavg(), "targets": found, "ablation": rows, "corpora": corpora}
    path = args.out / "bench.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    history = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []  # (earlier runs kept)
    path.write_text(json.dumps([*history, entry], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"bench: {path}")
    groups = [group for c in corpora.values() for group in [c["scenarios"], *c["ablation"].values()]]
    return 0 if all(s["status"] == "ok" for group in groups for s in group.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
