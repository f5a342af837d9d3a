"""Exports (issue 15, item 3): ``--csv`` beside ``--json`` wherever a table is printed, and the
tidy tables ``--out`` folders and experiment stores hold as CSV and Parquet."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import sanctionsim
from sanctionsim.cli import app
from sanctionsim.history.evaluation import HistoryEvaluation
from sanctionsim.scenario.library import case_ids
from sanctionsim.versions import DEFAULT
from support import run_sanctionsim


def invoke(*args: str) -> tuple[int, str, str]:
    """The command line in this process (fast; the subprocess tests cover the real entry)."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _cell(value: object) -> str:
    """How the CSV writes a value: empty for None, JSON for lists."""
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, list) else str(value)


def _same(rows: list[dict[str, str]], records: list[dict[str, object]]) -> None:
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert row == {key: _cell(value) for key, value in record.items()}


def test_simulate_csv_prints_the_headline_and_out_writes_both_tables(tmp_path: Path) -> None:
    out = tmp_path / "forecast"
    args = ("simulate", "dprk-2014", "--runs", "400", "--horizon", "5", "--seed", "2")
    done = run_sanctionsim(*args, "--csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    expected = sanctionsim.simulate("dprk-2014", runs=400, horizon=5, seed=2)
    _same(_csv(done.stdout), expected.tidy_rows())
    assert (out / "metrics.csv").read_text(encoding="utf-8") == done.stdout
    assert pq.read_table(out / "metrics.parquet").to_pylist() == expected.tidy_rows()
    assert pq.read_table(out / "curves.parquet").to_pylist() == expected.curves.to_rows()
    _same(_csv((out / "curves.csv").read_text(encoding="utf-8")), expected.curves.to_rows())
    assert json.loads((out / "forecast.json").read_text(encoding="utf-8")) == expected.to_dict()


@pytest.mark.parametrize(
    "command",
    [
        ("cases",),
        ("show", "dprk-2014"),
        ("analyze", "dprk-2014"),
        ("simulate", "dprk-2014"),
        ("tournament",),
        ("history", "dprk-2014"),
        ("experiment", "tests/golden/experiment.yaml"),
    ],
)
def test_json_and_csv_together_are_refused_before_any_work(command: tuple[str, ...]) -> None:
    status, out, err = invoke(*command, "--json", "--csv")
    assert (status, out) == (2, "")
    assert err == "error: --csv: choose --json or --csv, not both\n"


def test_the_tables_of_cases_show_analyze_and_tournament_as_csv() -> None:
    listed = _csv(invoke("cases", "--csv")[1])
    assert [row["id"] for row in listed] == case_ids()
    _same(listed, sanctionsim.cases().tidy_rows())

    dprk = sanctionsim.load("dprk-2014")
    shown = _csv(invoke("show", "dprk-2014", "--at", "2014-07-05", "--csv")[1])
    imposed = [m.id for m in dprk.measures if m.imposed <= dprk.start.replace(day=5)]
    assert sorted(row["id"] for row in shown) == sorted(imposed)
    assert {row["date"] for row in shown} == {"2014-07-05"}

    analysed = _csv(invoke("analyze", "dprk-2014", "--csv")[1])
    _same(analysed, sanctionsim.analyze("dprk-2014").tidy_rows())

    args = ("--strategy", "TitForTat", "--strategy", "Defector", "--strategy", "Cooperator")
    ranked = _csv(invoke("tournament", *args, "--turns", "20", "--csv")[1])
    assert [row["rank"] for row in ranked] == ["1", "2", "3"]
    assert {row["strategy"] for row in ranked} == {"TitForTat", "Defector", "Cooperator"}
    assert {row["turns"] for row in ranked} == {"20"}


def test_history_csv_is_the_apis_table_and_what_out_writes(tmp_path: Path) -> None:
    # The command runs in its own process while this one asks the API the same (2 cores).
    args = ["history", "dprk-2014", "--horizons", "12", "--runs", "256", "--csv"]
    command = [sys.executable, "-m", "sanctionsim", *args, "--out", str(tmp_path)]
    pipe = subprocess.PIPE
    with subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True) as cli:
        result = sanctionsim.history("dprk-2014", horizons=12, runs=256)
        out, err = cli.communicate(timeout=300)
    assert cli.returncode == 0, err
    assert isinstance(result, HistoryEvaluation)  # sanctionsim.history: callable subpackage
    assert repr(result) == (
        f"<HistoryEvaluation model {DEFAULT} on 1 cases, horizons 12 months: 256 runs, seed 0>"
    )
    _same(_csv(out), result.rows())
    assert (tmp_path / "pairs.csv").read_text(encoding="utf-8") == out
    assert pq.read_table(tmp_path / "pairs.parquet").to_pylist() == result.rows()
    frame = result.to_frame()
    assert frame["forecast"].tolist() == [row["forecast"] for row in result.rows()]


def test_an_experiment_store_holds_its_table_as_csv_and_parquet(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "scenarios: [dprk-2014]\npolicies: [baseline, snap-back]\nruns: 1024\nhorizon: 6\n"
        "seed: 3\nchunk_size: 1024\ngrid:\n  observation.detection: [0.3, 0.6]\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    flags = ("--out", str(store), "--workers", "1", "--csv")
    status, out, err = invoke("experiment", str(spec), *flags)
    assert status == 0, err
    rows = _csv(out)
    assert (store / "results.csv").read_text(encoding="utf-8") == out
    _same(rows, pq.read_table(store / "results.parquet").to_pylist())
    document = json.loads((store / "results.json").read_text(encoding="utf-8"))
    assert len(rows) == len(document["rows"])
    assert {row["grid_observation.detection"] for row in rows} == {"0.3", "0.6"}
    first = document["rows"][0]
    assert rows[0]["ci95_low"] == str(first["ci95"][0])
    assert rows[0]["mean_high"] == str(first["mean_ci95"][1])
