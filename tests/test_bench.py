"""`make bench` and the incremental publication it measures (no timings asserted here)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator

import polib
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import bench


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bench.Project]:
    """A copy of the real project, published once (as the bench publishes: with a resident publisher)."""
    project = bench.copy_project(tmp_path_factory.mktemp("bench") / "project")
    bench.warm_site(project)
    yield project
    bench.resident.stop_all(project.build)


class NoRebuild(bench.Project):
    """A project whose `make html` does nothing: every edit leaves the site stale."""

    def publish_cmd(self) -> list[str]:
        return [sys.executable, "-c", "pass"]


def test_translators_loop_reports_a_page_that_was_not_rebuilt_as_stale(project: bench.Project) -> None:
    (result,) = bench.alternate([bench.translator_loop(NoRebuild(project.path, project.pages))], runs=1)
    assert result.status == "stale"
    assert "en/column.html does not show the edit" in result.note


def test_changed_catalog_rebuilds_english_editions_only_and_shows_the_change(
    project: bench.Project,
) -> None:
    work = project.build / "work" / "html"
    before = {
        edition: (work / edition / "column.html").stat().st_mtime_ns for edition in ("ko", "en", "ko-en")
    }
    bench.edit_msgstr(  # (not marker_word(0), which the stale-page test may have left there)
        project.path / "locale/en/LC_MESSAGES/column.po",
        bench.TRANSLATED_PARAGRAPH,
        "checkpoint amber canyon",
    )
    bench.measure(project.publish_cmd(), project.path)
    after = {edition: (work / edition / "column.html").stat().st_mtime_ns for edition in before}
    assert after["ko"] == before["ko"]
    assert after["en"] > before["en"] and after["ko-en"] > before["ko-en"]
    site = project.build / "html"
    bench.check_fresh(
        [site / "en" / "column.html", site / "ko-en" / "column.html"], "checkpoint amber canyon"
    )
    assert (site / "ko" / "column.html").read_bytes() == (work / "ko" / "column.html").read_bytes()


def test_a_cold_run_starts_from_what_a_fresh_clone_has(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The cold scenarios clean a copy down to its commit: no build directory, and no compiled
    catalog or bytecode (a first build in a fresh clone compiles every catalog)."""
    copy = bench.copy_project(tmp_path_factory.mktemp("cold") / "p")  # (short: the resident's socket)
    bench.warm_site(copy)
    bench.resident.stop_all(copy.build)
    ignored = ["git", "status", "--porcelain", "--ignored"]
    before = subprocess.run(ignored, cwd=copy.path, capture_output=True, text=True, check=True).stdout
    assert "!! build/" in before and "!! locale/en/LC_MESSAGES/column.mo" in before

    site = {path.stat().st_ino for path in copy.build.rglob("*.html")}
    catalog = (copy.path / "locale" / "en" / "LC_MESSAGES" / "column.mo").stat().st_ino

    copy.clean()

    after = subprocess.run(ignored, cwd=copy.path, capture_output=True, text=True, check=True).stdout
    assert after == "" and not copy.build.exists()
    # moved into the trash beside the copy, not deleted (no inode freed between timed runs)
    trash = copy.path.parent / bench.TRASH
    moved = {path.stat().st_ino for path in trash.rglob("*") if path.is_file()}
    assert catalog in moved and site <= moved and len(site) > 10


def test_the_bench_empties_its_trash_when_it_ends() -> None:
    with bench.workspace(keep=True) as work:
        copy = bench.Project(work / "project", pages=1)
        (copy.build / "html").mkdir(parents=True)
        (copy.build / "html" / "index.html").write_text("old", encoding="utf-8")
        copy.discard(copy.build, copy.path / "missing")
        assert not copy.build.exists()
        assert [p.read_text(encoding="utf-8") for p in (work / bench.TRASH).rglob("index.html")] == ["old"]
    assert work.is_dir() and not (work / bench.TRASH).exists()  # (--keep keeps the copies only)
    shutil.rmtree(work)


def test_scenarios_alternate_run_by_run_and_a_failed_one_drops_out() -> None:
    """The plain build, the cold build and the loop are timed in rounds, so drift hits each alike."""
    order: list[str] = []

    def timed(name: str, fail_at: int | None = None):
        def once(index: int) -> bench.Run:
            order.append(f"{name}{index}")
            if index == fail_at:
                raise bench.CommandFailed(f"{name} broke")
            return bench.Run(wall=1.0, cpu=1.0, tree_peak_mb=1.0, largest_process_mb=1.0)

        return bench.Result(name), once

    plain, cold = bench.alternate([timed("plain"), timed("cold", fail_at=1)], runs=3)

    assert order == ["plain0", "cold0", "plain1", "cold1", "plain2"]
    assert (plain.status, len(plain.runs)) == ("ok", 3)
    assert (cold.status, cold.note, len(cold.runs)) == ("failed", "cold broke", 1)


def test_a_ratio_target_shows_each_rounds_own_ratio_beside_the_ratio_of_medians() -> None:
    """The verdict is the medians' ratio; the rounds' ratios (run n of each scenario is in
    round n) show the spread behind it."""

    def result(name: str, walls: list[float]) -> bench.Result:
        found = bench.Result(name)
        found.runs = [bench.Run(wall=w, cpu=w, tree_peak_mb=1.0, largest_process_mb=1.0) for w in walls]
        return found

    plain, cold = result("plain", [10.0, 8.0, 9.0]), result("cold", [12.0, 12.8, 11.7])
    found = bench.ratio_target("cold / plain", cold, plain, 1.3)

    assert found["measured"] == pytest.approx(12.0 / 9.0)
    assert found["rounds"] == pytest.approx([1.2, 1.6, 1.3])
    assert found["met"] is False
    assert bench.table([], [found]).splitlines()[-1] == (
        "cold / plain: 1.33 × (limit 1.3 ×) MISSED; rounds 1.20, 1.60, 1.30"
    )
    # a scenario that failed after its first round: one round, no spread to show
    broken = bench.ratio_target("cold / plain", result("cold", [12.0]), plain, 1.3)
    assert broken["rounds"] == pytest.approx([1.2])
    assert bench.table([], [broken]).splitlines()[-1].endswith("(limit 1.3 ×) MISSED")


def test_synthetic_corpus_is_complete_with_unique_labels(tmp_path) -> None:
    real_pages = len(list((ROOT / "source").rglob("*.md")))
    corpus = bench.make_corpus(tmp_path / "corpus", real_pages + 3)
    pages = sorted((corpus.path / "source" / "pages").glob("*.md"))
    assert corpus.pages == real_pages + 3 and len(pages) == 3
    labels = [
        line for page in pages for line in page.read_text(encoding="utf-8").splitlines() if ")=" in line
    ]
    assert len(labels) == len(set(labels)) and "(p0002-p1)=" in labels
    catalog = corpus.path / "locale/en/LC_MESSAGES/pages/p0002.po"
    assert "China: A Case of Innovation and Locality (2)" in catalog.read_text(encoding="utf-8")
    # No two pages share a paragraph (nothing that remembers a message gains from the copies),
    # and each copy's paragraphs are translated in its own catalog.
    catalogs = [polib.pofile(str(catalog.parent / f"{page.stem}.po")) for page in pages]
    long = [[entry for entry in each if len(entry.msgid) > 100] for each in catalogs]
    paragraphs = [entry.msgid for entries in long for entry in entries]
    assert len(paragraphs) == 3 * 7 and len(set(paragraphs)) == len(paragraphs)
    for page, entries in zip(pages, long, strict=True):
        source = page.read_text(encoding="utf-8")
        assert all(entry.msgid in source and entry.translated() for entry in entries)


def test_quick_bench_writes_every_scenario_and_the_chart(tmp_path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "bench.py"),
            "--runs",
            "1",
            "--scale",
            "8",
            "--gate-entries",
            "200",
            "--search-runs",
            "0",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    scenarios = ("baseline", "cold", "nochange", "translator", "translator_own", "watch", "author")
    scenarios += ("check_po", "pdf_cold", "pdf_warm")
    for key in (*scenarios, "search", "check_po_synthetic"):
        scenario = report["project"][key]
        assert scenario["status"] == "ok", scenario
        assert len(scenario["runs"]) == 1 and scenario["wall_median_s"] > 0
    for key in ("baseline", "translator", "cold", "author"):
        assert report["project"][key]["status"] == "ok"
        assert report["project"][key]["tree_peak_mb"] > 0
    # the translator's loop is run by the resident publisher the build before it left behind
    assert report["project"]["translator"]["runs"][0]["served_by_resident"]
    assert not report["project"]["translator_own"]["runs"][0]["served_by_resident"]
    assert not report["project"]["cold"]["runs"][0]["served_by_resident"]
    assert set(report["scale"]["8"]) == {"baseline", "baseline_j2", "cold", "translator"}
    assert all(s["status"] == "ok" and s["pages"] == 8 for s in report["scale"]["8"].values())
    assert {t["target"].split(",")[0] for t in report["targets"]} >= {"cold make html / plain build"}
    assert (out / "time-per-page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "cold make html" in result.stdout
