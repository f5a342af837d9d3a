"""Forecast displays say what their intervals are, show the spread of runs and the track record,
and warn when the date precedes the sanctions (issue 15, item 4): real processes of the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sanctionsim.history.track_record import current_row
from sanctionsim.scenario.library import case_path
from sanctionsim.versions import DEFAULT
from support import run_sanctionsim as sanctionsim


@pytest.fixture(scope="module")
def table() -> str:
    result = sanctionsim("simulate", "dprk-2014", "--runs", "2048", "--horizon", "12")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the start date is inside the episode: no warning
    return re.sub(r"\s+", " ", result.stdout)


def test_a_probability_interval_is_called_monte_carlo_error(table: str) -> None:
    assert "Monte Carlo error" in table
    assert "95% interval" not in table.split("Monte Carlo error: the 95% interval")[0]
    assert "is not the forecast's uncertainty" in table


def test_quantities_show_the_band_across_runs(table: str) -> None:
    assert "5-95% band of runs" in table
    document = json.loads(
        sanctionsim("simulate", "dprk-2014", "--runs", "2048", "--horizon", "12", "--json").stdout
    )
    band = document["curves"]["cohesion_quantiles"]
    error = document["metrics"]["cohesion_final"]["ci95"]
    assert f"{error[0]:.3f} - {error[1]:.3f} {band['q05'][-1]:.3f} - {band['q95'][-1]:.3f}" in table
    pressure = document["curves"]["pressure_quantiles"]
    assert f"{pressure['q05'][-1]:.3f} - {pressure['q95'][-1]:.3f}" in table


def test_each_event_kind_carries_its_track_record(table: str) -> None:
    row = current_row(DEFAULT)  # the table is the default version's forecast
    for kind in ("concession", "leader_eases", "member_eases", "deal_delivers"):
        brier = row.brier_by_kind[kind]
        assert brier is not None
        assert f"{brier:.3f} vs {row.reference_brier_by_kind[kind]:.3f}" in table
        assert re.sub(r"\s+", " ", row.kind_sentence(kind)) in table


def test_json_carries_no_display_words() -> None:
    result = sanctionsim("simulate", "dprk-2014", "--runs", "1024", "--horizon", "3", "--json")
    assert result.returncode == 0
    assert "Monte Carlo" not in result.stdout
    assert "Track record" not in result.stdout


def test_analyze_warns_before_the_episode_and_before_every_measure() -> None:
    result = sanctionsim("analyze", "dprk-2014", "--at", "1990-01-01")
    assert result.returncode == 0, result.stderr
    assert "Stage-game analysis" in result.stdout
    assert result.stderr.startswith("warning: 1990-01-01 precedes the episode of dprk-2014")
    assert "only 1 is in force then (usa-sst-listing)" in result.stderr
    earlier = sanctionsim("analyze", "dprk-2014", "--at", "1980-01-01", "--json")
    assert earlier.returncode == 0
    json.loads(earlier.stdout)  # stdout stays one JSON document
    assert "precedes every measure of dprk-2014" in earlier.stderr
    assert sanctionsim("analyze", "dprk-2014").stderr == ""


def test_simulate_warns_when_the_start_precedes_every_measure(tmp_path: Path) -> None:
    text = case_path("dprk-2014").read_text(encoding="utf-8")
    text = text.replace("\nstart: 2014-07-04\n", "\nstart: 1985-01-01\n")
    text = re.sub(r"\nepisode_began: .*\n", "\n", text)
    early = tmp_path / "early.yaml"
    early.write_text(text, encoding="utf-8")
    result = sanctionsim("simulate", str(early), "--runs", "1024", "--horizon", "2", "--json")
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)
    assert "warning: 1985-01-01 precedes every measure of dprk-2014" in result.stderr


def _fold_cells(document: dict[str, object]) -> list[str]:
    """Each probability's range across folds as the table writes it, in its rows' order (one
    side deal: its delivery, then its snap-back), from the JSON."""
    across = document["fold_range"]
    assert isinstance(across, dict)
    cells = []
    for name, value in across["metrics"].items():
        if name != "p_deal_delivers":  # the one deal's, a second time
            spans = value.values() if isinstance(value, dict) else [value]
            cells += [f"{low:.1%} - {high:.1%}" for low, high in spans]
    return cells


def test_model_v2_shows_the_range_across_folds_beside_the_monte_carlo_error(table: str) -> None:
    flags = ("simulate", "dprk-2014", "--model", "v2", "--runs", "1024", "--horizon", "6")
    document = json.loads(sanctionsim(*flags, "--json").stdout)
    assert document["fold_range"]["runs"] == 1024
    printed = sanctionsim(*flags)
    assert printed.returncode == 0, printed.stderr
    lines = printed.stdout.splitlines()
    concedes = document["metrics"]["p_target_concedes"]["ci95"]
    low, high = document["fold_range"]["metrics"]["p_target_concedes"]
    # under the Monte Carlo error of the same row, labelled, right-aligned with it
    error = f"{concedes[0]:.1%} - {concedes[1]:.1%}"
    row = next(i for i, line in enumerate(lines) if line.lstrip().startswith("target concedes"))
    end = lines[row].index(error) + len(error)
    assert lines[row + 1][:end].endswith("across folds:")
    assert lines[row + 2][:end].endswith(f"{low:.1%} - {high:.1%}")
    shown = [
        lines[i + 1][: line.rindex(":") + 1].split("  ")[-1].strip()
        for i, line in enumerate(lines)
        if line.rstrip().endswith("across folds:")
    ]
    assert shown == _fold_cells(document)
    v2_table = re.sub(r"\s+", " ", printed.stdout)
    assert "the uncertainty of the fitted parameters only, not the forecast's" in v2_table
    v1 = sanctionsim("simulate", "dprk-2014", "--model", "v1", "--runs", "1024", "--horizon", "6")
    assert "across folds" not in v1.stdout  # model v1: no folds, the table as before
    csv_header = sanctionsim(*flags, "--csv").stdout.splitlines()[0]
    assert ",mc_low,mc_high,fold_low,fold_high,q05,q95" in csv_header


def test_no_fold_range_skips_the_work_and_says_nothing_of_folds() -> None:
    flags = ("simulate", "dprk-2014", "--model", "v2", "--runs", "1024", "--horizon", "3")
    skipped = sanctionsim(*flags, "--no-fold-range", "--json")
    assert skipped.returncode == 0, skipped.stderr
    assert json.loads(skipped.stdout)["fold_range"] is None
    assert "across folds" not in sanctionsim(*flags, "--no-fold-range").stdout
