"""The forecasts to score: the model's never reads the record; a forecaster's file is checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sanctionsim.dynamics.engine import simulate
from sanctionsim.errors import InputError
from sanctionsim.history.forecast import file_forecast, model_forecast, read_forecasts
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Defection, RecordedOutcome, Scenario

RUNS = 1024


def _rewritten(scenario: Scenario) -> Scenario:
    """The same scenario with a recorded outcome that says the opposite of history."""
    assert scenario.recorded_outcome is not None
    end = scenario.recorded_outcome.end + dt.timedelta(days=400)
    outcome = RecordedOutcome(
        end=end,
        ended_by="concession" if not scenario.recorded_outcome.target_conceded else "force",
        target_conceded=not scenario.recorded_outcome.target_conceded,
        conceded_on=None if scenario.recorded_outcome.target_conceded else end,
        coalition_held=False,
        defections=[Defection(member=m.id, date=scenario.start) for m in scenario.members],
        deal_delivered=True,
        deal_delivered_on=scenario.start,
        note="altered for the test",
    )
    return scenario.model_copy(update={"recorded_outcome": outcome})


@pytest.mark.parametrize("case_id", ["argentina-1982", "dprk-2014"])
def test_the_recorded_outcome_is_never_read_by_the_forecast(case_id: str) -> None:
    scenario = load_scenario(case_id)
    horizons = (12, 36)
    original = model_forecast(scenario, horizons, runs=RUNS, seed=3)
    altered = model_forecast(_rewritten(scenario), horizons, runs=RUNS, seed=3)
    removed = model_forecast(
        scenario.model_copy(update={"recorded_outcome": None}), horizons, runs=RUNS, seed=3
    )
    assert altered.probabilities == original.probabilities == removed.probabilities
    assert altered.derived == original.derived
    # the engine on its own does not read it either
    engine = simulate(scenario, runs=RUNS, seed=3).to_dict()
    assert simulate(_rewritten(scenario), runs=RUNS, seed=3).to_dict() == engine


def test_probabilities_at_each_horizon_are_the_engines_curves() -> None:
    scenario = load_scenario("dprk-2014")
    # model v1 by name: v2's history reads each case's fold, simulate the global fit
    forecast = model_forecast(scenario, (12, 36), runs=RUNS, seed=5, model="v1")
    curves = simulate(scenario, runs=RUNS, seed=5, horizon=36, model="v1").curves
    for h in (12, 36):
        assert forecast.probabilities["target_concedes", h] == pytest.approx(
            curves.p_conceded_by[h - 1], abs=1e-12
        )
        for member in ("USA", "JPN", "KOR"):
            assert forecast.probabilities[f"{member}_eases", h] == pytest.approx(
                curves.p_eased_by[member][h - 1], abs=1e-12
            )
        assert forecast.probabilities["stockholm-2014_delivers", h] == pytest.approx(
            curves.p_deal_delivered_by["stockholm-2014"][h - 1], abs=1e-12
        )
        eases = [forecast.probabilities[f"{m}_eases", h] for m in ("USA", "JPN", "KOR")]
        holds = forecast.derived["coalition_holds", h]
        # P(no member eases) lies between 1 - the sum of the marginals and 1 - the largest one
        assert max(0.0, 1 - sum(eases)) - 1e-12 <= holds <= 1 - max(eases) + 1e-12
    # cumulative: never lower at a longer horizon
    for key in ("target_concedes", "USA_eases"):
        assert forecast.probabilities[key, 12] <= forecast.probabilities[key, 36]


def test_an_unknown_model_is_refused_naming_the_flag() -> None:
    with pytest.raises(InputError, match="--model"):
        model_forecast(load_scenario("dprk-2014"), (12,), runs=8, model="v9")


def test_a_forecasts_file_is_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("case,event,horizon,forecast\nx,target_concedes,12,0.25\nx,A_eases,12,1\n")
    table = read_forecasts(good)
    assert table == {"x": {("target_concedes", 12): 0.25, ("A_eases", 12): 1.0}}
    forecast = file_forecast(table, "good.csv", "x", [("target_concedes", 12)])
    assert forecast.probabilities["target_concedes", 12] == 0.25
    with pytest.raises(InputError, match="no forecast for case x: B_eases@12"):
        file_forecast(table, "good.csv", "x", [("B_eases", 12)])


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("case,event,forecast\n", ":1", "header"),
        ("case,event,horizon,forecast\nx,e,12,1.5\n", ":2", "within [0, 1]"),
        ("case,event,horizon,forecast\nx,e,12,nan\n", ":2", "within [0, 1]"),
        ("case,event,horizon,forecast\nx,e,twelve,0.5\n", ":2", "integer"),
        ("case,event,horizon,forecast\nx,e,12,0.5\nx,e,12,0.4\n", ":3", "given twice"),
        ("case,event,horizon,forecast\nx,e,12\n", ":2", "expected 4 fields"),
    ],
)
def test_bad_forecast_files_get_located_errors(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        read_forecasts(path)
    assert f"{path}{where}" in str(raised.value)
    assert message in str(raised.value)


def test_a_forecasts_path_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_forecasts(tmp_path)
