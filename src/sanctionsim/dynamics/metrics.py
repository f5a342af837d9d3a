"""Summaries over runs, combined block by block in a fixed order.

The engine hands over each chunk (:class:`~sanctionsim.dynamics.engine.Chunk`); :class:`Summary`
reduces it **per block** of :data:`~sanctionsim.dynamics.plan.BLOCK` runs (integer counts, and
for real-valued outcomes each block's count, mean and sum of squared deviations) and combines
blocks in block order. Every block is reduced by the same code on the same array shapes whatever
chunk it came in, so the same seed gives the same numbers, bit for bit, for every chunk size.
The metrics are those of the table :data:`~sanctionsim.dynamics.records.METRICS`; the records
returned are in :mod:`sanctionsim.dynamics.records`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sanctionsim.dynamics.records import (
    ForecastCurves,
    ForecastMetrics,
    Interval,
    RunOutcomes,
    SimulationResult,
    Timing,
    per_run_values,
)

if TYPE_CHECKING:
    from sanctionsim.dynamics.engine import Chunk

COHESION_BIN = 0.001  # width of the cohesion histogram's bins: quantiles to 0.001
COHESION_MAX = 4.0  # cohesion at or above this falls in the last bin
BINS = round(COHESION_MAX / COHESION_BIN) + 1
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

__all__ = ["Interval", "Moments", "SimulationResult", "Summary", "Timing", "summarise"]


@dataclass
class Moments:
    """Count, mean and sum of squared deviations, combinable (Chan, Golub & LeVeque 1983)."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add_block(self, values: FloatArray) -> None:
        """Fold in one block's values (reduced on their own, then combined)."""
        n_b = int(values.size)
        if n_b == 0:
            return
        mean_b = float(values.mean())
        m2_b = float(((values - mean_b) ** 2).sum())
        total = self.n + n_b
        delta = mean_b - self.mean
        self.mean += delta * n_b / total
        self.m2 += m2_b + delta * delta * self.n * n_b / total
        self.n = total

    def interval(self) -> Interval:
        """The mean with its normal interval."""
        return Interval.of_moments(self.n, self.mean, self.m2)


def histogram_counts(values: FloatArray) -> IntArray:
    """Counts of ``values`` in bins of :data:`COHESION_BIN` from 0 (the last bin open-ended)."""
    index = np.clip(np.floor(values / COHESION_BIN), 0, BINS - 1).astype(np.intp)
    counts: IntArray = np.bincount(index, minlength=BINS)
    return counts


@dataclass
class Summary:
    """Running totals over runs, for ``members`` members, ``deals`` deals and ``horizon`` months.

    Integer counts are exact whatever the order; real-valued outcomes are folded in block by
    block (:meth:`add_chunk` walks a chunk's blocks in order).
    """

    horizon: int
    members: tuple[str, ...]
    deals: tuple[str, ...]
    runs: int = 0
    eased_first: IntArray = field(init=False)  # (H + 1, N): runs whose first easing is month t
    conceded_at: IntArray = field(init=False)  # (H + 1,)
    delivered_at: IntArray = field(init=False)  # (H + 1, D)
    snapped_at: IntArray = field(init=False)  # (H + 1, D)
    cohesion_hist: IntArray = field(init=False)  # (H, bins)
    pressure_hist: IntArray = field(init=False)  # (H, bins): net pressure on the target
    belief_sum: FloatArray = field(init=False)  # (H, N), block sums folded in block order
    chance_sum: FloatArray | None = field(init=False, default=None)  # (H, N) model v2
    counts: dict[str, int] = field(default_factory=dict)  # proportions: runs with the event
    moments: dict[str, Moments] = field(default_factory=dict)  # means

    def __post_init__(self) -> None:
        h, n, d = self.horizon, len(self.members), len(self.deals)
        self.eased_first = np.zeros((h + 1, n), dtype=np.int64)
        self.conceded_at = np.zeros(h + 1, dtype=np.int64)
        self.delivered_at = np.zeros((h + 1, d), dtype=np.int64)
        self.snapped_at = np.zeros((h + 1, d), dtype=np.int64)
        self.cohesion_hist = np.zeros((h, BINS), dtype=np.int64)
        self.pressure_hist = np.zeros((h, BINS), dtype=np.int64)
        self.belief_sum = np.zeros((h, n))

    def add_chunk(self, chunk: Chunk) -> None:
        """Fold in a chunk: its monthly histograms, then each block's outcomes in order."""
        self.cohesion_hist += chunk.cohesion_hist
        self.pressure_hist += chunk.pressure_hist
        bounds = np.cumsum([0, *chunk.spec.sizes])
        for b in range(len(chunk.spec.sizes)):
            self.add_block(chunk.outcomes.rows(slice(bounds[b], bounds[b + 1])))
            self.belief_sum += chunk.belief_sums[b]

    def add_block(self, outcomes: RunOutcomes) -> None:
        """Fold in one block's per-run outcomes (months are 1-based; 0 = never)."""
        h = self.horizon
        self.runs += int(outcomes.conceded_month.size)
        for i in range(len(self.members)):
            self.eased_first[:, i] += np.bincount(outcomes.eased_month[:, i], minlength=h + 1)
        self.conceded_at += np.bincount(outcomes.conceded_month, minlength=h + 1)
        if outcomes.eased_chance is not None:
            block_sum = outcomes.eased_chance.sum(axis=0, dtype=np.float64)
            self.chance_sum = block_sum if self.chance_sum is None else self.chance_sum + block_sum
        for d in range(len(self.deals)):
            self.delivered_at[:, d] += np.bincount(outcomes.delivered_month[:, d], minlength=h + 1)
            self.snapped_at[:, d] += np.bincount(outcomes.snapped_month[:, d], minlength=h + 1)
        for name, metric, values in per_run_values(outcomes, self.members, self.deals):
            if metric.proportion and not (outcomes.smooth and metric.name == "p_member_eases"):
                self.counts[name] = self.counts.get(name, 0) + int(values.sum())
            else:
                self.moments.setdefault(name, Moments()).add_block(values)

    def interval(self, name: str) -> Interval:
        """The interval of metric row ``name`` (``p_cascade``, ``payoff.USA``, ...)."""
        if name in self.counts:
            return Interval.of_proportion(self.counts[name], self.runs)
        return self.moments[name].interval()


def cumulative(at: IntArray) -> IntArray:
    """Runs with the event by month t (t = 1..H) from first-event counts (index 0 = never)."""
    result: IntArray = np.cumsum(at[1:], axis=0)
    return result


def histogram_quantile(counts: IntArray, q: float) -> float:
    """The ``q`` quantile of values binned by :data:`COHESION_BIN` (bin midpoint)."""
    total = int(counts.sum())
    rank = max(1, math.ceil(q * total))
    index = int(np.searchsorted(np.cumsum(counts), rank))
    return round((index + 0.5) * COHESION_BIN, 6)


def event_quantiles(at: IntArray, runs: int, qs: tuple[float, ...]) -> dict[str, int | None]:
    """Months by which a share ``q`` of all runs had the event (``None``: not by the horizon)."""
    by_month = cumulative(at)
    result: dict[str, int | None] = {}
    for q in qs:
        reached = np.nonzero(by_month >= q * runs)[0]
        result[f"q{round(q * 100):02d}"] = int(reached[0]) + 1 if reached.size else None
    return result


def _quantile_curves(hist: IntArray) -> dict[str, list[float]]:
    return {
        f"q{round(q * 100):02d}": [histogram_quantile(hist[t], q) for t in range(len(hist))]
        for q in QUANTILES
    }


def summarise(summary: Summary) -> tuple[ForecastMetrics, ForecastCurves]:
    """The forecast's metrics and curves from the running totals."""
    runs, members, deals = summary.runs, summary.members, summary.deals

    def keyed(metric: str, keys: tuple[str, ...]) -> dict[str, Interval]:
        return {key: summary.interval(f"{metric}.{key}") for key in keys}

    delivered = keyed("p_deal_delivers", deals)
    metrics = ForecastMetrics(
        p_target_concedes=summary.interval("p_target_concedes"),
        p_member_eases=keyed("p_member_eases", members),
        p_cascade=summary.interval("p_cascade"),
        p_deal_delivers=delivered[deals[0]] if len(deals) == 1 else None,
        p_deal_delivers_by_deal=delivered,
        p_snap_back=keyed("p_snap_back", deals),
        cohesion_final=summary.interval("cohesion_final"),
        mean_payoff_per_month=keyed("payoff", members),
        months_to_concession=event_quantiles(summary.conceded_at, runs, (0.05, 0.1, 0.5)),
    )

    def by_month(at: IntArray, keys: tuple[str, ...]) -> dict[str, list[float]]:
        share = cumulative(at) / runs
        return {key: share[:, k].tolist() for k, key in enumerate(keys)}

    if summary.chance_sum is None:
        eased_by = by_month(summary.eased_first, members)
    else:  # model v2: the mean smooth chance
        eased_by = {m: (summary.chance_sum[:, i] / runs).tolist() for i, m in enumerate(members)}
    curves = ForecastCurves(
        month=list(range(1, summary.horizon + 1)),
        p_eased_by=eased_by,
        p_conceded_by=(cumulative(summary.conceded_at) / runs).tolist(),
        p_deal_delivered_by=by_month(summary.delivered_at, deals),
        p_snapped_back_by=by_month(summary.snapped_at, deals),
        cohesion_quantiles=_quantile_curves(summary.cohesion_hist),
        pressure_quantiles=_quantile_curves(summary.pressure_hist),
        mean_belief_reliable={
            m: (summary.belief_sum[:, i] / runs).tolist() for i, m in enumerate(members)
        },
    )
    return metrics, curves
