"""`make bench` (tools/bench.py): a tiny run of every scenario, the synthetic corpus, staleness, targets."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import bench

ROOT = Path(__file__).resolve().parent.parent
REAL_PAGES = len(list((ROOT / "source").rglob("*.md")))


@pytest.mark.slow
def test_a_tiny_bench_measures_every_scenario_target_and_the_ablation(tmp_path: Path) -> None:
    # one run of each scenario on the real project, one speed-up in the ablation; no synthetic
    # corpus (the test below builds one; the bench runs the same scenarios on it)
    command = [sys.executable, str(ROOT / "tools/bench.py"), "--runs", "1", "--scale", ""]
    command += ["--ablation", "census", "--ablation-runs", "1", "--out", str(tmp_path)]
    (tmp_path / "bench.json").write_text('[{"earlier": "run"}]', encoding="utf-8")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    earlier, report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert earlier == {"earlier": "run"} and report["cpus"] and report["commit"]
    real = report["corpora"]["real"]
    assert list(report["corpora"]) == ["real"] and set(real["scenarios"]) == set(bench.LABELS)
    ablation = list(real["ablation"]["census"].values())
    assert list(real["ablation"]) == ["census"] and len(ablation) == 2
    for scenario in [*real["scenarios"].values(), *ablation]:
        assert scenario["status"] == "ok" and len(scenario["runs"]) == 1, scenario
        assert scenario["wall_median_s"] > 0 and scenario["cpu_median_s"] > 0 and scenario["pss_peak_mb"] > 10
    assert len(report["targets"]) == 3 and all(t["met"] is not None for t in report["targets"])
    rows = {(row["speedup"], row["corpus"], row["scenario"]) for row in report["ablation"]}
    assert rows == {("census", "real", s) for s in ("plain", "cold")}
    assert all(row["wall_saved_s"] is not None for row in report["ablation"])
    assert "cold make html / plain sphinx-build (ko), real project" in done.stdout
    assert "Ablation" in done.stdout and "make watch loop (msgstr)" in done.stdout


def test_the_synthetic_corpus_is_complete_and_passes_the_catalog_gate(tmp_path: Path) -> None:
    assert bench.make_corpus(tmp_path / "corpus", REAL_PAGES + 3) == REAL_PAGES + 3
    corpus = tmp_path / "corpus"
    pages = sorted((corpus / "source/pages").glob("*.md"))
    assert [page.stem for page in pages] == ["p0001", "p0002", "p0003"]
    catalogs = corpus / "locale/en/LC_MESSAGES/pages"
    assert sorted(path.stem for path in catalogs.glob("*.po")) == [page.stem for page in pages]
    text = "\n".join(path.read_text(encoding="utf-8") for path in (corpus / "source").rglob("*.md"))
    labels = [line for line in text.splitlines() if line.startswith("(") and line.endswith(")=")]
    assert len(labels) == len(set(labels)) and "(p0002-p1)=" in labels
    assert "Innovation and Locality (2)" in (catalogs / "p0002.po").read_text(encoding="utf-8")
    assert not list(corpus.rglob("*.mo")) and not list(corpus.rglob("__pycache__"))
    check = [sys.executable, str(ROOT / "tools/po.py"), "--root", str(corpus), "check"]
    done = subprocess.run(check, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_page_without_the_edit_is_a_stale_failure(tmp_path: Path) -> None:
    catalog, page = tmp_path / "column.po", tmp_path / "column.html"
    shutil.copy(ROOT / bench.CATALOG, catalog)
    page.write_text("<p>… China as a place.</p>", encoding="utf-8")
    publish_nothing = [sys.executable, "-c", "pass"]
    with pytest.raises(bench.Failed) as found:
        bench.loop(publish_nothing, tmp_path, catalog, [page], log=tmp_path / "log")
    status, why = found.value.args
    assert status == "stale" and "column.html does not show the edit 'checkpoint " in why
    assert "checkpoint" in catalog.read_text(encoding="utf-8")  # (the edit was made, and not published)


def test_a_target_is_the_ratio_of_medians_and_the_ablation_what_a_speedup_saves(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def scenario(walls: list[float]) -> dict:
        runs = [{"wall": wall, "cpu": wall, "pss_mb": 100.0 * wall} for wall in walls]
        found = {"scenario": "x", "pages": 5, "status": "ok", "runs": runs, "wall_min_s": min(walls)}
        found |= {"wall_median_s": bench.median(runs), "cpu_median_s": bench.median(runs, "cpu")}
        return found | {"wall_max_s": max(walls), "pss_peak_mb": 100.0 * max(walls)}

    def corpus(cold: list[float], off: list[float]) -> dict:
        found = {"plain": scenario([10.0, 8.0, 9.0]), "cold": scenario(cold)}
        found |= {key: scenario([1.0]) for key in ("translator", "plain_en", "watch")}
        return {"pages": 5, "scenarios": found, "ablation": {"navtree": {"cold": scenario(off)}}}

    corpora = {"real": corpus([12.0, 12.8, 11.7], [24.0]), "500": corpus([9.0, 9.0, 9.0], [9.0])}
    found, rows = bench.summary(corpora, 1)
    cold_real, cold_500, memory = found[0], found[-2], found[-1]
    assert cold_real["measured"] == pytest.approx(12.0 / 9.0) and cold_real["met"] is False  # medians 12, 9
    assert cold_real["rounds"] == pytest.approx([1.2, 1.6, 1.3]) and cold_500["met"] is True
    assert (memory["measured"], memory["met"]) == (900.0, True)
    assert [(row["corpus"], row["wall_saved_s"], row["verdict"]) for row in rows] == [
        ("real", 12.0, ""),
        ("500", 0.0, ""),
    ]
    assert "Ablation" in capsys.readouterr().out
