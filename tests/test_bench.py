"""`make bench` (tools/bench.py): a quick run, the synthetic corpus, the staleness check, the rounds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bilingual.speedups import NAMES
from tools import bench

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_quick_bench_measures_every_scenario_target_and_speedup(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "tools/bench.py"), "--runs", "1", "--scale", "8"]
    command += ["--ablation-runs", "1", "--out", str(tmp_path)]
    (tmp_path / "bench.json").write_text('[{"earlier": "run"}]', encoding="utf-8")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    earlier, report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert earlier == {"earlier": "run"} and report["machine"]["cpus"] and report["commit"]
    real, corpus = report["corpora"]["real"], report["corpora"]["8"]
    assert set(real["scenarios"]) == set(bench.LABELS) and corpus["pages"] == 8
    assert set(corpus["scenarios"]) == {"plain", "cold", "translator", "plain_en"}
    for scenario in [*real["scenarios"].values(), *corpus["scenarios"].values()]:
        assert scenario["status"] == "ok" and len(scenario["runs"]) == 1, scenario
        assert scenario["wall_median_s"] > 0 and scenario["cpu_median_s"] > 0 and scenario["pss_peak_mb"] > 10
    assert len(report["targets"]) == 6 and all(t["met"] is not None for t in report["targets"])
    variants = [f"{name} off" for name in NAMES] + ["none"]
    assert list(real["ablation"]) == variants and list(corpus["ablation"]) == variants
    rows = {(row["speedup"], row["corpus"], row["scenario"]) for row in report["ablation"]}
    assert len(rows) == len(variants) * 2 * 2  # (real and 8 pages; plain and cold)
    assert all(row["wall_saved_s"] is not None for row in report["ablation"])
    assert "cold make html / plain, 8 pages" in done.stdout and "Ablation" in done.stdout


def test_the_synthetic_corpus_is_complete_and_passes_the_catalog_gate(tmp_path: Path) -> None:
    corpus = bench.make_corpus(tmp_path / "corpus", len(list((ROOT / "source").rglob("*.md"))) + 3)
    pages = sorted((corpus.path / "source/pages").glob("*.md"))
    assert [page.stem for page in pages] == ["p0001", "p0002", "p0003"]
    catalogs = corpus.path / "locale/en/LC_MESSAGES/pages"
    assert sorted(path.stem for path in catalogs.glob("*.po")) == [page.stem for page in pages]
    text = "\n".join(path.read_text(encoding="utf-8") for path in (corpus.path / "source").rglob("*.md"))
    labels = [line for line in text.splitlines() if line.startswith("(") and line.endswith(")=")]
    assert len(labels) == len(set(labels)) and "(p0002-p1)=" in labels
    assert "Innovation and Locality (2)" in (catalogs / "p0002.po").read_text(encoding="utf-8")
    check = [sys.executable, str(ROOT / "tools/po.py"), "--root", str(corpus.path), "check"]
    done = subprocess.run(check, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_page_without_the_edit_is_reported_stale(tmp_path: Path) -> None:
    marker = "checkpoint amber beacon"
    fresh, stale = tmp_path / "en.html", tmp_path / "ko-en.html"
    fresh.write_text(f"<p>… China as a place. {marker}</p>", encoding="utf-8")
    stale.write_text("<p>… China as a place.</p>", encoding="utf-8")
    bench.check_fresh([fresh], marker)
    with pytest.raises(bench.Failed) as found:
        bench.check_fresh([fresh, stale], marker)
    assert found.value.args[0] == "stale" and "ko-en.html does not show the edit" in found.value.args[1]
    # in the rounds, a stale run puts its scenario out (and makes the bench exit 1)
    loop = bench.Result("translator", 5), lambda _: bench.check_fresh([stale], marker)
    (result,) = bench.rounds([loop], runs=3)
    assert (result.status, result.runs) == ("stale", [])


def test_rounds_alternate_run_by_run_and_a_target_is_the_ratio_of_medians() -> None:
    order: list[str] = []

    def scenario(key: str, walls: list[float], fail_at: int | None = None) -> bench.Scenario:
        def once(index: int) -> bench.Run:
            order.append(f"{key}{index}")
            if index == fail_at:
                raise bench.Failed("failed", f"{key} broke")
            return bench.Run(wall=walls[index], cpu=walls[index], pss_mb=100.0)

        return bench.Result(key, 5), once

    scenarios = [scenario("plain", [10.0, 8.0, 9.0]), scenario("cold", [12.0, 12.8, 11.7])]
    plain, cold, check_po = bench.rounds([*scenarios, scenario("check_po", [1.0] * 3, fail_at=1)], runs=3)
    assert order == ["plain0", "cold0", "check_po0", "plain1", "cold1", "check_po1", "plain2", "cold2"]
    assert (check_po.status, check_po.note, len(check_po.runs)) == ("failed", "check_po broke", 1)
    target = bench.ratio_target("cold / plain", cold, plain, 1.3)
    assert target["measured"] == pytest.approx(12.0 / 9.0) and target["met"] is False  # medians 12.0 and 9.0
    assert target["rounds"] == pytest.approx([1.2, 1.6, 1.3])
    assert bench.ratio_target("cold / plain", cold, plain, 1.5)["met"] is True
