"""Forecasting history: the recorded outcome is never read, and the scores add up."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sanctionsim.dynamics.engine import simulate
from sanctionsim.history.forecast import (
    EventForecast,
    HistoryScore,
    forecast_events,
    score_case,
    score_history,
)
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Defection, RecordedOutcome, Scenario
from support import run_sanctionsim

RUNS = 1024


def _rewritten(scenario: Scenario) -> Scenario:
    """The same scenario with a recorded outcome that says the opposite of history."""
    members = [a.id for a in scenario.members]
    assert scenario.recorded_outcome is not None
    end = scenario.recorded_outcome.end + dt.timedelta(days=400)
    outcome = RecordedOutcome(
        end=end,
        target_conceded=not scenario.recorded_outcome.target_conceded,
        conceded_on=None if scenario.recorded_outcome.target_conceded else end,
        coalition_held=False,
        defections=[Defection(member=m, date=scenario.start) for m in members],
        deal_delivered=True,
        note="altered for the test",
    )
    return scenario.model_copy(update={"recorded_outcome": outcome})


@pytest.mark.parametrize("case_id", ["argentina-1982", "dprk-2014"])
def test_the_recorded_outcome_is_never_read_by_the_forecast(case_id: str) -> None:
    scenario = load_scenario(case_id)
    original = forecast_events(scenario, runs=RUNS, seed=3)
    altered = forecast_events(_rewritten(scenario), runs=RUNS, seed=3)
    removed = forecast_events(
        scenario.model_copy(update={"recorded_outcome": None}), runs=RUNS, seed=3
    )
    assert altered == original
    assert removed == original
    # the engine on its own does not read it either
    engine = simulate(scenario, runs=RUNS, seed=3).to_dict()
    assert simulate(_rewritten(scenario), runs=RUNS, seed=3).to_dict() == engine


def test_event_probabilities_are_the_engines_and_consistent() -> None:
    scenario = load_scenario("dprk-2014")
    forecast = forecast_events(scenario, runs=RUNS, seed=5)
    metrics = simulate(scenario, runs=RUNS, seed=5).metrics
    p = forecast.probabilities
    assert p["target_concedes"] == metrics["p_target_concedes"]["mean"]
    assert p["cascade"] == metrics["p_cascade"]["mean"]
    assert p["deal_delivers"] == metrics["p_deal_delivers"]["mean"]
    eases = [p[f"{m.id}_eases"] for m in scenario.members]
    assert eases == [metrics["p_member_eases"][m.id]["mean"] for m in scenario.members]
    # P(no member eases) lies between 1 - sum of the marginals and 1 - the largest marginal
    assert max(0.0, 1 - sum(eases)) - 1e-12 <= p["coalition_holds"] <= 1 - max(eases) + 1e-12
    assert (forecast.runs, forecast.horizon, forecast.seed) == (RUNS, 36, 5)


def test_score_case_by_hand() -> None:
    scenario = load_scenario("argentina-1982")
    # recorded: no concession; ITA and IRL eased; cascade; the coalition did not hold
    probabilities = {
        "target_concedes": 0.1,
        "GBR_eases": 0.0,
        "FRA_eases": 0.2,
        "DEU_eases": 0.2,
        "ITA_eases": 0.9,
        "IRL_eases": 0.5,
        "ECX_eases": 0.0,
        "cascade": 0.6,
        "coalition_holds": 0.3,
    }
    case = score_case(scenario, EventForecast("argentina-1982", 1, 3, 0, probabilities))
    briers = {e.event: e.brier for e in case.events}
    assert briers["target_concedes"] == pytest.approx(0.01)
    assert briers["IRL_eases"] == pytest.approx(0.25)
    assert briers["cascade"] == pytest.approx(0.16)
    assert briers["coalition_holds"] == pytest.approx(0.09)
    # 0.01 + 0 + 0.04 + 0.04 + 0.01 + 0.25 + 0 + 0.16 + 0.09 = 0.60 over 9 events
    assert case.brier == pytest.approx(0.60 / 9)
    # base rate 1/3: three events happened ((2/3)^2 each), six did not ((1/3)^2 each)
    assert case.brier_base_rate == pytest.approx((3 * 4 / 9 + 6 / 9) / 9)
    assert case.unscored == ()


def test_recorded_events_the_forecast_cannot_give_are_listed_not_scored() -> None:
    scenario = load_scenario("argentina-1982")
    case = score_case(
        scenario,
        EventForecast("argentina-1982", 1, 3, 0, {"target_concedes": 0.5, "cascade": 0.5}),
    )
    assert [e.event for e in case.events] == ["target_concedes", "cascade"]
    assert "ITA_eases" in case.unscored


def test_a_forecast_of_another_case_is_refused() -> None:
    with pytest.raises(ValueError, match="scored against"):
        score_case(load_scenario("argentina-1982"), EventForecast("x", 1, 1, 0, {}))


def test_pooled_scores_weigh_every_event_the_same() -> None:
    scenarios = [load_scenario("argentina-1982"), load_scenario("dprk-2014")]
    result = score_history(scenarios, runs=RUNS, seed=1)
    assert isinstance(result, HistoryScore)
    events = [e for case in result.cases for e in case.events]
    assert len(events) == 9 + 7
    assert result.brier_mean == pytest.approx(sum(e.brier for e in events) / len(events))
    expected_base = sum((1 / 3 - e.recorded) ** 2 for e in events) / len(events)
    assert result.brier_base_rate == pytest.approx(expected_base)
    assert sum(b.count for b in result.calibration) == len(events)


def test_score_history_needs_a_recorded_outcome() -> None:
    scenario = load_scenario("argentina-1982").model_copy(update={"recorded_outcome": None})
    with pytest.raises(ValueError, match="no scenario"):
        score_history([scenario], runs=RUNS)


def test_history_json_contract() -> None:
    result = run_sanctionsim("history", "--json", "--runs", str(RUNS))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert {"cases", "brier_mean", "brier_base_rate", "calibration", "runs", "seed"} <= set(
        document
    )
    ids = [case["id"] for case in document["cases"]]
    assert len(ids) == 10
    assert "dprk-2006" in ids
    pooled = [e for case in document["cases"] for e in case["events"]]
    for event in pooled:
        assert set(event) == {"event", "forecast", "recorded", "brier"}
        assert event["brier"] == pytest.approx((event["forecast"] - event["recorded"]) ** 2)
    assert document["brier_mean"] == pytest.approx(sum(e["brier"] for e in pooled) / len(pooled))
    assert document["brier_base_rate"] == pytest.approx(
        sum((1 / 3 - e["recorded"]) ** 2 for e in pooled) / len(pooled)
    )


def test_history_rejects_bad_runs() -> None:
    result = run_sanctionsim("history", "--runs", "0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: --runs")
