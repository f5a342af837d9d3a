"""`sanctionsim report RESULTS_DIR` of an experiment: policies vs baseline, with intervals."""

from __future__ import annotations

import json
from pathlib import Path

from support import run_sanctionsim

SPEC = """\
scenarios: [dprk-2014]
policies: [baseline, relist-sst]
runs: 1024
horizon: 12
seed: 3
chunk_size: 1024
"""


def test_an_experiment_folder_renders_its_table_of_policies_against_the_baseline(
    tmp_path: Path,
) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC)
    out = tmp_path / "out"
    ran = run_sanctionsim(
        "experiment", "spec.yaml", "--out", str(out), "--workers", "1", cwd=tmp_path
    )
    assert ran.returncode == 0, ran.stderr
    made = run_sanctionsim("report", str(out))
    assert made.returncode == 0, made.stderr
    page = (out / "report.html").read_text()
    rows = json.loads((out / "results.json").read_text())["rows"]
    relist = next(
        r for r in rows if r["policy"] == "relist-sst" and r["metric"] == "p_target_concedes"
    )
    low, high = relist["ci95"]
    assert "<th>baseline</th><th>relist-sst</th>" in page
    assert "the target concedes" in page  # the metric table's label
    assert f"{relist['diff_vs_baseline']:+.4f} [{low:+.4f}, {high:+.4f}]" in page
    assert "http" not in page.split("<body>")[1]  # self-contained: nothing fetched


def test_an_unfinished_experiment_is_refused_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "experiment.json").write_text("{}")
    made = run_sanctionsim("report", str(tmp_path))
    assert made.returncode == 2
    assert "the experiment has not finished" in made.stderr
    assert not (tmp_path / "report.html").exists()


def test_a_hostile_results_file_is_refused_by_key(tmp_path: Path) -> None:
    (tmp_path / "experiment.json").write_text("{}")
    results = {"experiment": {"runs": 1, "seed": 0, "policies": ["baseline"]}, "rows": [{}]}
    (tmp_path / "results.json").write_text(json.dumps(results))
    made = run_sanctionsim("report", str(tmp_path))
    assert made.returncode == 2
    assert "rows.0.metric" in made.stderr
