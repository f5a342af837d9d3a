"""Pure scoring functions for forecasts of historical episodes.

* :func:`brier_score`: the mean squared difference between probability forecasts and 0/1
  outcomes (Brier 1950, "Verification of forecasts expressed in terms of probability", *Monthly
  Weather Review* 78(1)); 0 is perfect, 0.25 is what a constant forecast of 0.5 earns.
* :func:`base_rate_brier`: the Brier score of the reference forecaster that gives every event
  the same probability, :data:`BASE_RATE`.
* :func:`calibration_bins`: forecasts grouped in equal-width bins, with each bin's mean forecast
  and observed frequency (the reliability diagram of Murphy & Winkler 1977, *Applied Statistics*
  26(1)).
* :func:`recorded_events`: the 0/1 events a :class:`~sanctionsim.scenario.schema.RecordedOutcome`
  settles, named as the forecast names them.

**The base rate.** About a third of sanctions episodes succeed: Hufbauer, Schott & Elliott
count 40 successes in 115 episodes (34%, 2nd ed. 1990; about 34% of 204 in the 3rd ed., 2007),
and the Global Sanctions Data Base finds about 30% for 1950-2019 (``formal-models.md`` A7). We
take 1/3: between the two, and the round figure both sources are usually quoted as. It is a base
rate of *success* (the target concedes); for the other events (a member eases, a cascade, the
coalition holds, a deal delivers) no published base rate exists, and the reference forecaster
gives them the same 1/3, an uninformed but outcome-blind reference. It never uses the cases'
own outcome frequencies, which would let the recorded outcomes leak into the reference.

>>> brier_score([1.0, 0.0], [1, 1])
0.5
>>> round(base_rate_brier([1, 0, 0]), 4)
0.2222
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sanctionsim.history.scores import ReliabilityBin, reliability_table
from sanctionsim.scenario.schema import RecordedOutcome, Scenario

BASE_RATE = 1.0 / 3.0
"""Reference probability of every event: about a third of sanctions episodes succeed (A7)."""

DEFAULT_BINS = 5

TARGET_CONCEDES = "target_concedes"
CASCADE = "cascade"
COALITION_HOLDS = "coalition_holds"
DEAL_DELIVERS = "deal_delivers"
EASES_SUFFIX = "_eases"
CASCADE_SIZE = 2  # a cascade: two or more members ease (MODEL.md §4)


def _checked(forecasts: Sequence[float], outcomes: Sequence[int | bool]) -> list[float]:
    if len(forecasts) != len(outcomes):
        raise ValueError(f"{len(forecasts)} forecasts but {len(outcomes)} outcomes")
    if not forecasts:
        raise ValueError("nothing to score: no forecasts")
    for p in forecasts:
        if not (isinstance(p, int | float) and math.isfinite(p) and 0.0 <= p <= 1.0):
            raise ValueError(f"a forecast must be a probability in [0, 1], got {p!r}")
    for o in outcomes:
        if o not in (0, 1):
            raise ValueError(f"an outcome must be 0 or 1, got {o!r}")
    return [float(p) for p in forecasts]


def brier_score(forecasts: Sequence[float], outcomes: Sequence[int | bool]) -> float:
    """Mean of (forecast - outcome)^2 over the events (Brier 1950).

    Raises:
        ValueError: different lengths, no events, a forecast outside [0, 1] or not finite, an
            outcome other than 0 or 1.
    """
    probabilities = _checked(forecasts, outcomes)
    total = sum((p - float(o)) ** 2 for p, o in zip(probabilities, outcomes, strict=True))
    return total / len(probabilities)


def base_rate_brier(outcomes: Sequence[int | bool], base_rate: float = BASE_RATE) -> float:
    """Brier score of the reference forecaster that says ``base_rate`` for every event."""
    return brier_score([base_rate] * len(outcomes), outcomes)


CalibrationBin = ReliabilityBin
"""One bin of forecasts: its range, how many fell in it, their mean and what happened (the
:class:`~sanctionsim.history.scores.ReliabilityBin` of :func:`calibration_bins`)."""


def calibration_bins(
    forecasts: Sequence[float], outcomes: Sequence[int | bool], bins: int = DEFAULT_BINS
) -> list[CalibrationBin]:
    """Equal-width bins on [0, 1]: bin k holds forecasts in [k/bins, (k+1)/bins), the last bin
    also 1. A well-calibrated forecaster's observed frequency is close to its mean forecast.
    Computed by :func:`sanctionsim.history.scores.reliability_table` after this module's checks.

    >>> [(b.count, b.mean_forecast, b.observed_frequency) for b in
    ...  calibration_bins([0.1, 0.2, 0.9], [0, 1, 1], bins=2)]
    [(2, 0.15000000000000002, 0.5), (1, 0.9, 1.0)]
    """
    probabilities = _checked(forecasts, outcomes)
    return reliability_table(np.array(probabilities), np.array(outcomes, dtype=float), bins)


@dataclass(frozen=True)
class RecordedEvent:
    """One event a recorded outcome settles: its name and whether it happened (1) or not (0)."""

    event: str
    recorded: int


def member_eases(member_id: str) -> str:
    """The event name for "this member eases by the end of the span"."""
    return f"{member_id}{EASES_SUFFIX}"


def recorded_events(outcome: RecordedOutcome, members: Sequence[str]) -> list[RecordedEvent]:
    """The 0/1 events a recorded outcome settles, in a fixed order.

    ``target_concedes``; ``<member>_eases`` for each coalition member in ``members`` (leader
    included: whether it appears among the defections before the end); ``cascade`` (two or more
    distinct members eased); ``coalition_holds`` (the block's ``coalition_held``); and
    ``deal_delivers`` only when the block records a side deal (``deal_delivered`` not ``None``).

    Raises:
        ValueError: a defection names a member not in ``members``.
    """
    eased = {d.member for d in outcome.defections if d.date <= outcome.end}
    unknown = sorted(eased - set(members))
    if unknown:
        raise ValueError(f"defections name members not in the coalition: {', '.join(unknown)}")
    events = [RecordedEvent(TARGET_CONCEDES, int(outcome.target_conceded))]
    events += [RecordedEvent(member_eases(m), int(m in eased)) for m in members]
    events.append(RecordedEvent(CASCADE, int(len(eased) >= CASCADE_SIZE)))
    events.append(RecordedEvent(COALITION_HOLDS, int(outcome.coalition_held)))
    if outcome.deal_delivered is not None:
        events.append(RecordedEvent(DEAL_DELIVERS, int(outcome.deal_delivered)))
    return events


def scenario_events(scenario: Scenario) -> list[RecordedEvent]:
    """:func:`recorded_events` of a scenario's ``recorded_outcome`` over its coalition members.

    Raises:
        ValueError: the scenario has no ``recorded_outcome``.
    """
    if scenario.recorded_outcome is None:
        raise ValueError(f"scenario {scenario.id!r} has no recorded_outcome to score against")
    return recorded_events(scenario.recorded_outcome, [a.id for a in scenario.members])


def span_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` needed to reach ``end`` (a part month counts as one).

    >>> span_months(dt.date(2014, 7, 4), dt.date(2017, 7, 4)), span_months(
    ...     dt.date(1990, 8, 6), dt.date(1990, 9, 7))
    (36, 2)
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + 1 if end.day > start.day else months
