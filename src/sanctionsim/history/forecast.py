"""Forecast every historical case from its start date and score it against what happened.

For each case the Monte Carlo engine (:mod:`sanctionsim.dynamics.engine`) simulates the
scenario from ``start`` over ``horizon_months`` (the recorded span) and gives the probability of
each event that :func:`sanctionsim.history.scoring.recorded_events` can settle:

* ``target_concedes``: the target concedes by the horizon;
* ``<member>_eases``: the member eases at least once by the horizon (leader included);
* ``cascade``: two or more members ease;
* ``coalition_holds``: no member eases (counted per run, not from the marginals);
* ``deal_delivers``: the side deal delivers in full (cases with one deal in force at the start).

**The recorded outcome is never read by the forecast.** :func:`forecast_events` removes the
``recorded_outcome`` block before the engine sees the scenario (and the engine itself never
reads it); ``tests/history/test_forecast.py`` alters the block and checks the forecast is
identical. The outcome is read only afterwards, by :func:`score_case`, to compare.

Each event is scored with the Brier score (Brier 1950); a case's score and the overall score are
means over events (the overall one pools the events of all cases, each weighing the same),
beside the score of the base-rate reference (:data:`~sanctionsim.history.scoring.BASE_RATE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sanctionsim.dynamics.engine import BLOCK, DEFAULT_CHUNK, check_run_size, prepare, run_chunk
from sanctionsim.dynamics.metrics import Summary, summarise
from sanctionsim.history.scoring import (
    BASE_RATE,
    CASCADE,
    COALITION_HOLDS,
    DEAL_DELIVERS,
    DEFAULT_BINS,
    TARGET_CONCEDES,
    CalibrationBin,
    base_rate_brier,
    brier_score,
    calibration_bins,
    member_eases,
    scenario_events,
)
from sanctionsim.scenario.schema import Scenario

DEFAULT_RUNS = 2048
DEFAULT_SEED = 0


@dataclass
class _HoldSummary(Summary):
    """The engine's running totals plus the count of runs in which no member ever eased."""

    none_eased: int = 0

    def add_block(self, **outcomes: Any) -> None:
        """Fold in one block, counting runs with no easing member."""
        super().add_block(**outcomes)
        eased_month: npt.NDArray[np.int16] = outcomes["eased_month"]
        self.none_eased += int((eased_month == 0).all(axis=1).sum())


@dataclass(frozen=True)
class EventForecast:
    """The probabilities of the scoreable events of one case, and how they were made."""

    scenario_id: str
    runs: int
    horizon: int
    seed: int
    probabilities: dict[str, float] = field(default_factory=dict)


def forecast_events(
    scenario: Scenario,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    chunk_size: int = DEFAULT_CHUNK,
) -> EventForecast:
    """Simulate ``scenario`` from its start over ``horizon_months``; the events' probabilities.

    The ``recorded_outcome`` block is dropped before anything is simulated. Runs are drawn as
    in :func:`sanctionsim.dynamics.engine.simulate` (same blocks, same seeds), so the marginal
    probabilities equal that function's metrics for the same seed.

    Raises:
        InputError: bad sizes or a scenario the engine cannot play.
    """
    blind = scenario.model_copy(update={"recorded_outcome": None})
    horizon = blind.horizon_months
    check_run_size(runs, horizon, chunk_size)
    setup = prepare(blind)
    summary = _HoldSummary(horizon, len(setup.member_ids), len(setup.deals))
    n_blocks = -(-runs // BLOCK)
    per_chunk = chunk_size // BLOCK
    for first in range(0, n_blocks, per_chunk):
        blocks = list(range(first, min(n_blocks, first + per_chunk)))
        sizes = [min(BLOCK, runs - b * BLOCK) for b in blocks]
        run_chunk(setup, seed, blocks, sizes, horizon, summary, False)
    deal_ids = tuple(d.id for d in setup.deals)
    metrics, _ = summarise(summary, setup.member_ids, deal_ids)
    probabilities = {TARGET_CONCEDES: float(metrics["p_target_concedes"]["mean"])}
    for member in setup.member_ids:
        probabilities[member_eases(member)] = float(metrics["p_member_eases"][member]["mean"])
    probabilities[CASCADE] = float(metrics["p_cascade"]["mean"])
    probabilities[COALITION_HOLDS] = summary.none_eased / summary.runs
    if metrics["p_deal_delivers"] is not None:
        probabilities[DEAL_DELIVERS] = float(metrics["p_deal_delivers"]["mean"])
    return EventForecast(blind.id, runs, horizon, seed, probabilities)


@dataclass(frozen=True)
class EventScore:
    """One event of one case: the forecast probability, what happened, the Brier score."""

    event: str
    forecast: float
    recorded: int
    brier: float


@dataclass(frozen=True)
class CaseScore:
    """A case's scored events, its mean Brier score and the base-rate reference's.

    ``unscored`` lists recorded events the forecast cannot give (e.g. a deal agreed after the
    start date, which the forecast from the start does not know).
    """

    id: str
    start: str
    horizon: int
    events: tuple[EventScore, ...]
    unscored: tuple[str, ...]

    @property
    def brier(self) -> float:
        """Mean Brier score over the case's events."""
        return brier_score([e.forecast for e in self.events], [e.recorded for e in self.events])

    @property
    def brier_base_rate(self) -> float:
        """The base-rate reference's mean Brier score over the same events."""
        return base_rate_brier([e.recorded for e in self.events])


def score_case(scenario: Scenario, forecast: EventForecast) -> CaseScore:
    """Compare a forecast (made without the recorded outcome) with the recorded events.

    Raises:
        ValueError: the scenario has no ``recorded_outcome``, or the forecast is of another case.
    """
    if forecast.scenario_id != scenario.id:
        raise ValueError(f"forecast of {forecast.scenario_id!r} scored against {scenario.id!r}")
    scored = []
    unscored = []
    for item in scenario_events(scenario):
        p = forecast.probabilities.get(item.event)
        if p is None:
            unscored.append(item.event)
            continue
        scored.append(EventScore(item.event, p, item.recorded, (p - item.recorded) ** 2))
    if not scored:
        raise ValueError(f"no event of {scenario.id!r} could be scored")
    return CaseScore(
        scenario.id, scenario.start.isoformat(), forecast.horizon, tuple(scored), tuple(unscored)
    )


@dataclass(frozen=True)
class HistoryScore:
    """Every case's score, the pooled scores and the calibration table."""

    cases: tuple[CaseScore, ...]
    runs: int
    seed: int
    bins: int = DEFAULT_BINS

    def _pooled(self) -> tuple[list[float], list[int]]:
        events = [e for case in self.cases for e in case.events]
        return [e.forecast for e in events], [e.recorded for e in events]

    @property
    def brier_mean(self) -> float:
        """Mean Brier score over every scored event of every case."""
        return brier_score(*self._pooled())

    @property
    def brier_base_rate(self) -> float:
        """The base-rate reference's mean Brier score over the same events."""
        return base_rate_brier(self._pooled()[1])

    @property
    def calibration(self) -> list[CalibrationBin]:
        """Calibration bins of every scored event."""
        return calibration_bins(*self._pooled(), bins=self.bins)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``sanctionsim history --json``."""
        return {
            "runs": self.runs,
            "seed": self.seed,
            "base_rate": BASE_RATE,
            "cases": [
                {
                    "id": case.id,
                    "start": case.start,
                    "horizon": case.horizon,
                    "events": [
                        {
                            "event": e.event,
                            "forecast": e.forecast,
                            "recorded": e.recorded,
                            "brier": e.brier,
                        }
                        for e in case.events
                    ],
                    "unscored": list(case.unscored),
                    "brier": case.brier,
                    "brier_base_rate": case.brier_base_rate,
                }
                for case in self.cases
            ],
            "brier_mean": self.brier_mean,
            "brier_base_rate": self.brier_base_rate,
            "calibration": [
                {
                    "low": b.low,
                    "high": b.high,
                    "count": b.count,
                    "mean_forecast": b.mean_forecast,
                    "observed_frequency": b.observed_frequency,
                }
                for b in self.calibration
            ],
        }


def score_history(
    scenarios: Sequence[Scenario], *, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED
) -> HistoryScore:
    """Forecast and score each scenario that has a recorded outcome (the others are skipped).

    Raises:
        ValueError: none of the scenarios has a recorded outcome.
    """
    cases = []
    for scenario in scenarios:
        if scenario.recorded_outcome is None:
            continue
        forecast = forecast_events(scenario, runs=runs, seed=seed)
        cases.append(score_case(scenario, forecast))
    if not cases:
        raise ValueError("no scenario with a recorded_outcome to score")
    return HistoryScore(tuple(cases), runs, seed)
