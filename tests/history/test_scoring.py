"""Scoring functions against values computed by hand, and the recorded events of every case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionsim.history.scoring import (
    BASE_RATE,
    CalibrationBin,
    RecordedEvent,
    base_rate_brier,
    brier_score,
    calibration_bins,
    recorded_events,
    scenario_events,
    span_months,
)
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Defection, RecordedOutcome

# ---------------------------------------------------------------- Brier score


def test_brier_score_by_hand() -> None:
    # (0.7 - 1)^2 = 0.09, (0.2 - 0)^2 = 0.04, (0.5 - 0)^2 = 0.25; mean = 0.38 / 3
    assert brier_score([0.7, 0.2, 0.5], [1, 0, 0]) == pytest.approx(0.38 / 3)


def test_brier_score_extremes() -> None:
    assert brier_score([1.0, 0.0], [1, 0]) == 0.0
    assert brier_score([0.0, 1.0], [1, 0]) == 1.0
    assert brier_score([0.5] * 4, [1, 0, 1, 1]) == pytest.approx(0.25)


def test_brier_score_accepts_booleans() -> None:
    # (0.9 - 1)^2 = 0.01 and (0.4 - 0)^2 = 0.16
    assert brier_score([0.9, 0.4], [True, False]) == pytest.approx(0.085)


def test_base_rate_brier_by_hand() -> None:
    # one success, three failures at p = 1/3: (4/9 + 3 * 1/9) / 4 = 7/36
    assert base_rate_brier([1, 0, 0, 0]) == pytest.approx(7 / 36)
    # another base rate: 0.3 on [1, 0]: (0.49 + 0.09) / 2 = 0.29
    assert base_rate_brier([1, 0], base_rate=0.3) == pytest.approx(0.29)


def test_the_base_rate_is_a_third() -> None:
    assert pytest.approx(1 / 3) == BASE_RATE


@pytest.mark.parametrize(
    ("forecasts", "outcomes", "message"),
    [
        ([0.5], [1, 0], "1 forecasts but 2 outcomes"),
        ([], [], "no forecasts"),
        ([1.2], [1], "probability"),
        ([-0.1], [0], "probability"),
        ([float("nan")], [0], "probability"),
        ([0.5], [2], "0 or 1"),
    ],
)
def test_brier_score_rejects_bad_input(
    forecasts: list[float], outcomes: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        brier_score(forecasts, outcomes)


@given(
    p=st.floats(min_value=0.0, max_value=1.0),
    outcomes=st.lists(st.integers(min_value=0, max_value=1), min_size=1, max_size=50),
)
def test_constant_forecast_matches_its_closed_form(p: float, outcomes: list[int]) -> None:
    # a constant forecast p on events with frequency f scores f (1 - p)^2 + (1 - f) p^2
    f = sum(outcomes) / len(outcomes)
    expected = f * (1 - p) ** 2 + (1 - f) * p**2
    assert brier_score([p] * len(outcomes), outcomes) == pytest.approx(expected, abs=1e-12)
    assert 0.0 <= brier_score([p] * len(outcomes), outcomes) <= 1.0


# ---------------------------------------------------------------- calibration


def test_calibration_bins_by_hand() -> None:
    forecasts = [0.05, 0.15, 0.35, 0.95, 1.0]
    outcomes = [0, 0, 1, 1, 1]
    bins = calibration_bins(forecasts, outcomes, bins=5)
    assert [(b.low, b.high) for b in bins] == [
        (0.0, 0.2),
        (0.2, 0.4),
        (0.4, 0.6),
        (0.6, 0.8),
        (0.8, 1.0),
    ]
    assert (bins[0].count, bins[0].observed_frequency) == (2, 0.0)
    assert bins[0].mean_forecast == pytest.approx(0.1)
    assert isinstance(bins[0], CalibrationBin)
    assert (bins[1].count, bins[1].mean_forecast, bins[1].observed_frequency) == (1, 0.35, 1.0)
    assert [bins[2].count, bins[3].count] == [0, 0]
    assert bins[2].mean_forecast is None
    assert bins[2].observed_frequency is None
    # 1.0 falls in the last bin with 0.95: mean 0.975, both happened
    assert bins[4].count == 2
    assert bins[4].mean_forecast == pytest.approx(0.975)
    assert bins[4].observed_frequency == 1.0


def test_calibration_bin_edges_are_closed_on_the_left() -> None:
    bins = calibration_bins([0.5, 0.4999], [1, 0], bins=2)
    assert [b.count for b in bins] == [1, 1]
    assert bins[1].observed_frequency == 1.0


def test_calibration_counts_add_up() -> None:
    forecasts = [i / 20 for i in range(21)]
    outcomes = [i % 2 for i in range(21)]
    assert sum(b.count for b in calibration_bins(forecasts, outcomes, bins=7)) == 21


def test_calibration_rejects_no_bins() -> None:
    with pytest.raises(ValueError, match="bins"):
        calibration_bins([0.5], [1], bins=0)


# ---------------------------------------------------------------- recorded events


def _outcome(**changes: object) -> RecordedOutcome:
    fields: dict[str, object] = {
        "end": dt.date(2001, 1, 1),
        "target_conceded": False,
        "coalition_held": True,
    }
    fields.update(changes)
    return RecordedOutcome.model_validate(fields)


def test_recorded_events_with_a_cascade_and_a_deal() -> None:
    outcome = _outcome(
        target_conceded=True,
        conceded_on=dt.date(2000, 6, 1),
        coalition_held=False,
        defections=[
            Defection(member="B", date=dt.date(2000, 2, 1)),
            Defection(member="C", date=dt.date(2000, 3, 1)),
            Defection(member="B", date=dt.date(2000, 4, 1)),  # twice: one member
        ],
        deal_delivered=False,
    )
    assert recorded_events(outcome, ["A", "B", "C"]) == [
        RecordedEvent("target_concedes", 1),
        RecordedEvent("A_eases", 0),
        RecordedEvent("B_eases", 1),
        RecordedEvent("C_eases", 1),
        RecordedEvent("cascade", 1),
        RecordedEvent("coalition_holds", 0),
        RecordedEvent("deal_delivers", 0),
    ]


def test_one_defection_is_not_a_cascade_and_no_deal_means_no_deal_event() -> None:
    outcome = _outcome(
        coalition_held=False, defections=[Defection(member="A", date=dt.date(2000, 2, 1))]
    )
    events = {e.event: e.recorded for e in recorded_events(outcome, ["A", "B"])}
    assert events == {
        "target_concedes": 0,
        "A_eases": 1,
        "B_eases": 0,
        "cascade": 0,
        "coalition_holds": 0,
    }


def test_recorded_events_reject_unknown_members() -> None:
    outcome = _outcome(
        coalition_held=False, defections=[Defection(member="Z", date=dt.date(2000, 2, 1))]
    )
    with pytest.raises(ValueError, match="Z"):
        recorded_events(outcome, ["A"])


# ---------------------------------------------------------------- the built-in cases

# What the project case sheet (domain/cases.md) records for each case, read by hand:
# (target conceded, coalition held, members recorded as easing).
RECORDED = {
    "argentina-1982": (False, False, {"ITA", "IRL"}),
    "dprk-2014": (False, True, set()),
    "rhodesia-1965": (True, False, {"USA"}),
    "iraq-1990": (False, False, {"JOR", "TUR", "SYR"}),
    "libya-1992": (True, False, {"OAU", "ARL"}),
    "iran-2006": (True, True, set()),
    "russia-2014": (False, True, set()),
    "yugoslavia-1992": (True, True, set()),
    "cuba-1960": (False, False, {"OASX", "USA"}),
    "dprk-2006": (False, False, {"USA", "JPN", "RUS"}),
}


def test_the_library_holds_the_ten_cases() -> None:
    assert set(RECORDED) <= set(case_ids())


@pytest.mark.parametrize("case_id", sorted(RECORDED))
def test_recorded_events_of_each_case(case_id: str) -> None:
    conceded, held, eased = RECORDED[case_id]
    scenario = load_scenario(case_id)
    events = {e.event: e.recorded for e in scenario_events(scenario)}
    assert events["target_concedes"] == int(conceded)
    assert events["coalition_holds"] == int(held)
    assert {m.id for m in scenario.members if events[f"{m.id}_eases"]} == eased
    assert events["cascade"] == int(len(eased) >= 2)


@pytest.mark.parametrize("case_id", sorted(RECORDED))
def test_horizon_is_the_recorded_span(case_id: str) -> None:
    scenario = load_scenario(case_id)
    assert scenario.recorded_outcome is not None
    span = span_months(scenario.start, scenario.recorded_outcome.end)
    assert scenario.horizon_months == span <= 240


def test_span_months_by_hand() -> None:
    assert span_months(dt.date(1965, 11, 20), dt.date(1979, 12, 21)) == 14 * 12 + 1 + 1
    assert span_months(dt.date(2006, 12, 23), dt.date(2016, 1, 16)) == 9 * 12 + 1
    assert span_months(dt.date(2000, 1, 31), dt.date(2000, 1, 31)) == 0
    with pytest.raises(ValueError, match="before"):
        span_months(dt.date(2000, 2, 1), dt.date(2000, 1, 1))


def test_scenario_events_need_a_recorded_outcome(repo_root: Path) -> None:
    scenario = load_scenario(str(repo_root / "examples" / "minimal-scenario.yaml"))
    with pytest.raises(ValueError, match="no recorded_outcome"):
        scenario_events(scenario.model_copy(update={"recorded_outcome": None}))
