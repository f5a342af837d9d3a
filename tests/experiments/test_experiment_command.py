"""``sanctionsim experiment``: spec validation, the JSON contract, paired differences, the table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.plan import BLOCK
from sanctionsim.experiments import spec as spec_module
from sanctionsim.experiments.policies import apply_policy, builtin_policy
from sanctionsim.experiments.runner import LocalBackend, run_experiment
from sanctionsim.experiments.spec import load_spec
from sanctionsim.scenario.loader import load_scenario
from support import run_sanctionsim as sanctionsim

from .conftest import write_spec


def test_the_spec_block_matches_the_engine() -> None:
    assert spec_module.BLOCK == BLOCK


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("scenarios: [dprk-2014]\nrunz: 5\n", ":2:1: runz:", "unknown key"),
        ("scenarios: [dprk-2014]\nchunk_size: 1500\n", ":2:1: chunk_size:", "multiple of 1024"),
        ("scenarios: []\n", ":1:1: scenarios:", "at least 1"),
        (
            "scenarios: [dprk-2014]\nsensitivity:\n  method: fast\n",
            ":3:3: sensitivity.method:",
            "sobol",
        ),
        (
            "scenarios: [dprk-2014]\npolicies: [snap-back, snap-back]\n",
            ":2:23: policies[1]:",
            "twice",
        ),
    ],
)
def test_a_bad_spec_is_a_located_error_with_exit_2(
    spec_dir: Path, text: str, where: str, message: str
) -> None:
    path = spec_dir / "bad.yaml"
    path.write_text(text)
    result = sanctionsim("experiment", str(path), "--out", "o", cwd=spec_dir)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"error: {path}{where}"), result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (spec_dir / "o").exists()


def test_unknown_policy_scenario_and_grid_key_exit_2(spec_dir: Path) -> None:
    for fields, expected in (
        ({"policies": ["baseline", "no-such-policy"]}, "unknown policy"),
        ({"scenarios": ["atlantis-1999"]}, "not a built-in case"),
        ({"grid": {"target.nonsense": [1.0]}}, "no input 'target.nonsense'"),
    ):
        path = write_spec(spec_dir, **fields)
        result = sanctionsim("experiment", str(path), "--out", "o", cwd=spec_dir)
        assert result.returncode == 2, result.stderr
        assert expected in result.stderr
        assert "Traceback" not in result.stderr


def test_json_rows_and_paired_differences(spec_dir: Path) -> None:
    # model v1 by name: the difference is recomputed from v1's realised easing below
    path = write_spec(spec_dir, grid={"target.resolve": [0.1, 0.3]}, model="v1")
    result = sanctionsim(
        "experiment",
        str(path),
        "--out",
        "o",
        "--workers",
        "1",
        "--runs",
        "1500",
        "--json",
        cwd=spec_dir,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    document = json.loads(result.stdout)
    assert document["experiment"]["runs"] == 1500
    rows = document["rows"]
    assert {"scenario", "policy", "metric", "mean", "diff_vs_baseline", "ci95", "grid"} <= set(
        rows[0]
    )
    assert {r["policy"] for r in rows} == {"baseline", "relist-sst"}
    assert {json.dumps(r["grid"]) for r in rows} == {
        '{"target.resolve": 0.1}',
        '{"target.resolve": 0.3}',
    }
    # recompute one paired difference by hand from the engine
    base = load_scenario("dprk-2014")
    fixed = base.model_copy(update={"target": base.target.model_copy(update={"resolve": 0.3})})
    policy = apply_policy(fixed, builtin_policy("relist-sst"))
    a = run_outcomes(fixed, runs=1500, horizon=6, seed=3, model="v1")
    b = run_outcomes(policy, runs=1500, horizon=6, seed=3, model="v1")
    d = (b.eased_month[:, 0] > 0).astype(float) - (a.eased_month[:, 0] > 0).astype(float)
    row = next(
        r
        for r in rows
        if r["policy"] == "relist-sst"
        and r["metric"] == "p_member_eases.USA"
        and r["grid"] == {"target.resolve": 0.3}
    )
    assert row["diff_vs_baseline"] == pytest.approx(d.mean(), abs=1e-15)
    half = 1.959963984540054 * d.std(ddof=1) / np.sqrt(d.size)
    assert row["ci95"] == pytest.approx([d.mean() - half, d.mean() + half], abs=1e-15)
    assert d.std() > 0  # a real difference, not a vacuous comparison
    baseline = next(
        r for r in rows if r["policy"] == "baseline" and r["metric"] == "p_member_eases.USA"
    )
    assert baseline["diff_vs_baseline"] == 0.0
    assert baseline["ci95"] == baseline["mean_ci95"]
    # paired intervals are narrower than the unpaired interval of the policy's mean
    width = row["ci95"][1] - row["ci95"][0]
    assert width < row["mean_ci95"][1] - row["mean_ci95"][0]
    assert json.loads((spec_dir / "o" / "results.json").read_text()) == document


def test_the_table_names_every_policy(spec_dir: Path) -> None:
    path = write_spec(spec_dir, runs=1024)
    result = sanctionsim("experiment", str(path), "--out", "o", "--workers", "1", cwd=spec_dir)
    assert result.returncode == 0, result.stderr
    for text in ("baseline", "relist-sst", "p_target_concedes", "95% interval", "paired runs"):
        assert text in result.stdout


def test_an_existing_store_needs_resume_and_the_same_spec(spec_dir: Path) -> None:
    path = write_spec(spec_dir, runs=1024)
    first = sanctionsim("experiment", str(path), "--out", "o", "--workers", "1", cwd=spec_dir)
    assert first.returncode == 0, first.stderr
    again = sanctionsim("experiment", str(path), "--out", "o", "--workers", "1", cwd=spec_dir)
    assert again.returncode == 2
    assert "--resume" in again.stderr
    write_spec(spec_dir, runs=1024, seed=4)
    other = sanctionsim(
        "experiment", str(path), "--out", "o", "--resume", "--workers", "1", cwd=spec_dir
    )
    assert other.returncode == 2
    assert "different experiment" in other.stderr


def test_the_library_call_and_the_catalog(spec_dir: Path) -> None:
    import duckdb

    path = write_spec(spec_dir, runs=1024)
    result = run_experiment(
        load_spec(path), base=spec_dir, out=spec_dir / "lib", backend=LocalBackend(1)
    )
    assert result.chunks_total == result.chunks_run == 2
    connection = duckdb.connect(str(spec_dir / "lib" / "catalog.duckdb"), read_only=True)
    try:
        counts = connection.execute(
            "SELECT policy, count(*), count(DISTINCT run) FROM runs GROUP BY policy ORDER BY policy"
        ).fetchall()
        assert counts == [("baseline", 1024, 1024), ("relist-sst", 1024, 1024)]
        (n,) = connection.execute(
            "SELECT count(*) FROM results WHERE metric = 'p_target_concedes'"
        ).fetchone() or (0,)
        assert n == 2
    finally:
        connection.close()
