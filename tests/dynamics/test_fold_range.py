"""Model v2's range across the calibration's folds (issue 15, item 4): computed in the engine,
paired with the forecast's runs, bounded, recorded in the result, absent from v1's outputs."""

from __future__ import annotations

import json

import pytest

import sanctionsim
from sanctionsim.dynamics.calibration import Calibration, FittedParameters, load_calibration
from sanctionsim.dynamics.engine import planned_runs, simulate
from sanctionsim.dynamics.folds import FOLD_RUNS, fold_sets
from sanctionsim.dynamics.records import SimulationResult
from sanctionsim.errors import ArgumentError
from sanctionsim.scenario.loader import load_scenario

FITTED = FittedParameters(2.0, 0.01)
OTHER = FittedParameters(0.5, 0.002)
HORIZON = 12


def _calibration(fitted: FittedParameters, *folds: FittedParameters) -> Calibration:
    """A calibration fitted at ``fitted`` whose folds (one a case) chose ``folds``."""
    return Calibration(
        fitted=fitted,
        folds={f"case-{i}": p for i, p in enumerate(folds)},
        cases={},
        omega=1 / 12,
    )


def _probabilities(result: SimulationResult) -> dict[tuple[str, str], float]:
    """Every probability row's estimate, keyed (metric, key), from the tidy table."""
    return {
        (row["metric"], row["key"]): row["mean"]
        for row in result.tidy_rows()
        if row["metric"].startswith("p_")
    }


@pytest.fixture(scope="module")
def dprk() -> object:
    return load_scenario("dprk-2014")


def test_the_range_is_the_folds_own_forecasts_on_the_first_runs_paired(dprk: object) -> None:
    """Each distinct fold set's estimate is what a forecast at that set, on the same seed and
    the forecast's first FOLD_RUNS runs, gives: the fitted set's read off the forecast's runs,
    the other simulated; the range is their lowest and highest, row by row."""
    calibration = _calibration(FITTED, FITTED, OTHER, FITTED)
    runs = FOLD_RUNS + 1024  # more than the bound: the folds play the first FOLD_RUNS runs
    done: list[int] = []
    result = simulate(
        dprk, runs=runs, horizon=HORIZON, seed=3, model="v2", calibration=calibration,
        progress=done.append,
    )  # fmt: skip
    folds = result.fold_range
    assert folds is not None
    assert folds.runs == FOLD_RUNS
    assert [(s.parameters, s.folds) for s in folds.sets] == [(OTHER, 1), (FITTED, 2)]
    assert sum(done) == planned_runs(runs, "v2", calibration) == runs + FOLD_RUNS
    estimates = [
        _probabilities(
            simulate(
                dprk, runs=FOLD_RUNS, horizon=HORIZON, seed=3, model="v2",
                calibration=_calibration(parameters), fold_range=False,
            )
        )
        for parameters in (FITTED, OTHER)
    ]  # fmt: skip
    assert estimates[0] != estimates[1]  # the two sets forecast differently here
    rows = _probabilities(result)
    for metric, key in rows:
        expected = sorted(e[(metric, key)] for e in estimates)
        assert folds.of(metric, key) == (expected[0], expected[-1]), (metric, key)


def test_a_calibration_whose_folds_all_chose_the_fitted_set_costs_nothing(dprk: object) -> None:
    calibration = _calibration(FITTED, FITTED, FITTED)
    done: list[int] = []
    result = simulate(
        dprk, runs=1024, horizon=HORIZON, seed=0, model="v2", calibration=calibration,
        progress=done.append,
    )  # fmt: skip
    assert sum(done) == 1024  # no second simulation
    assert result.fold_range is not None
    for (metric, key), mean in _probabilities(result).items():
        assert result.fold_range.of(metric, key) == (mean, mean)  # the forecast's own runs


def test_the_document_mirrors_the_metrics_keys_and_v1_has_none(dprk: object) -> None:
    calibration = _calibration(FITTED, FITTED, OTHER)
    result = simulate(dprk, runs=1024, horizon=3, seed=0, model="v2", calibration=calibration)
    document = json.loads(json.dumps(result.to_dict()))
    across = document["fold_range"]
    assert across["runs"] == 1024
    assert across["parameter_sets"] == [
        {"slope": 0.5, "backing_down": 0.002, "folds": 1},
        {"slope": 2.0, "backing_down": 0.01, "folds": 1},
    ]
    metrics = document["metrics"]
    assert set(across["metrics"]) == {k for k in metrics if k.startswith("p_")}
    for name, value in across["metrics"].items():
        keyed = metrics[name]
        if isinstance(value, dict):
            assert list(value) == list(keyed)
        else:
            assert (value is None) == (keyed is None)
    frame_columns = list(result.tidy_rows()[0])
    assert frame_columns[frame_columns.index("mc_high") + 1 :][:2] == ["fold_low", "fold_high"]
    v1 = simulate(dprk, runs=1024, horizon=3, seed=0, model="v1")
    assert "fold_range" not in v1.to_dict()
    assert "fold_low" not in v1.tidy_rows()[0]


def test_skipped_or_without_folds_the_range_is_null(dprk: object) -> None:
    skipped = simulate(dprk, runs=1024, horizon=3, seed=0, model="v2", fold_range=False)
    assert skipped.to_dict()["fold_range"] is None
    assert planned_runs(1024, "v2", fold_range=False) == 1024
    bare = simulate(
        dprk, runs=1024, horizon=3, seed=0, model="v2", calibration=_calibration(FITTED)
    )
    assert bare.to_dict()["fold_range"] is None
    rows = [r for r in bare.tidy_rows() if r["metric"] == "p_cascade"]
    assert rows[0]["fold_low"] is None
    # the same forecast, skipped or not: the range never changes the forecast itself
    assert json.dumps(skipped.to_dict()["metrics"]) == json.dumps(bare.to_dict()["metrics"])


def test_the_shipped_calibration_has_few_distinct_sets_and_the_api_checks_the_flag() -> None:
    shipped = load_calibration()
    assert len(fold_sets(shipped)) < len(shipped.folds)  # deduplicated
    assert sum(s.folds for s in fold_sets(shipped)) == len(shipped.folds)
    result = sanctionsim.simulate("dprk-2014", runs=512, horizon=3, model="v2")
    frame = result.to_frame()
    assert frame["fold_low"].notna().sum() == len([m for m in frame.metric if m.startswith("p_")])
    with pytest.raises(ArgumentError, match="fold_range"):
        sanctionsim.simulate("dprk-2014", runs=512, horizon=3, model="v2", fold_range="no")  # type: ignore[arg-type]
