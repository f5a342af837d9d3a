"""Summaries over runs, with confidence intervals, combined block by block in a fixed order.

The engine hands over each chunk's per-run outcomes; :class:`Summary` reduces them **per block**
of :data:`~sanctionsim.dynamics.engine.BLOCK` runs (integer counts, and for real-valued outcomes
each block's count, mean and sum of squared deviations) and combines blocks in block order.
Every block is reduced by the same code on the same array shapes whatever chunk it came in, so
the same seed gives the same numbers, bit for bit, for every chunk size.

Intervals: proportions get the Wilson score interval (Wilson 1927, *JASA* 22; recommended by
Brown, Cai & DasGupta 2001, *Statistical Science* 16), means the normal interval
``mean ± 1.96 s / sqrt(n)``.

>>> wilson(0, 10)
(0.0, 0.2775327998628892)
>>> Interval.of_proportion(5, 10).to_dict()
{'mean': 0.5, 'ci95': [0.236593090512564, 0.7634069094874361]}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

Z95 = 1.959963984540054  # the 97.5% quantile of the standard normal
COHESION_BIN = 0.001  # width of the cohesion histogram's bins: quantiles to 0.001
COHESION_MAX = 4.0  # cohesion at or above this falls in the last bin
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / n``."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95% confidence interval."""

    mean: float
    low: float
    high: float

    @classmethod
    def of_proportion(cls, successes: int, n: int) -> Interval:
        """A proportion with its Wilson interval."""
        low, high = wilson(successes, n)
        return cls(successes / n, low, high)

    @classmethod
    def of_mean(cls, moments: Moments) -> Interval:
        """A mean with its normal interval (a point when there is one run)."""
        if moments.n < 2:
            return cls(moments.mean, moments.mean, moments.mean)
        sd = math.sqrt(moments.m2 / (moments.n - 1))
        half = Z95 * sd / math.sqrt(moments.n)
        return cls(moments.mean, moments.mean - half, moments.mean + half)

    def to_dict(self) -> dict[str, Any]:
        """``{"mean": ..., "ci95": [low, high]}``."""
        return {"mean": self.mean, "ci95": [self.low, self.high]}


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


@dataclass
class Summary:
    """Running totals over runs, for ``members`` members, ``deals`` deals and ``horizon`` months.

    Integer counts per month are exact whatever the order; real-valued outcomes are folded in
    block by block (:meth:`add_block`), which the engine calls in block order.
    """

    horizon: int
    members: int
    deals: int
    runs: int = 0
    eased_first: IntArray = field(init=False)  # (H + 1, N): runs whose first easing is month t
    conceded_at: IntArray = field(init=False)  # (H + 1,)
    delivered_at: IntArray = field(init=False)  # (H + 1, D)
    snapped_at: IntArray = field(init=False)  # (H + 1, D)
    cascade: int = 0
    cohesion_hist: IntArray = field(init=False)  # (H, bins)
    pressure_hist: IntArray = field(init=False)  # (H, bins): net pressure on the target
    belief_sum: FloatArray = field(init=False)  # (H, N), block sums folded in block order
    cohesion_final: Moments = field(default_factory=Moments)
    payoff: list[Moments] = field(init=False)

    def __post_init__(self) -> None:
        h, n, d = self.horizon, self.members, self.deals
        self.eased_first = np.zeros((h + 1, n), dtype=np.int64)
        self.conceded_at = np.zeros(h + 1, dtype=np.int64)
        self.delivered_at = np.zeros((h + 1, d), dtype=np.int64)
        self.snapped_at = np.zeros((h + 1, d), dtype=np.int64)
        bins = round(COHESION_MAX / COHESION_BIN) + 1
        self.cohesion_hist = np.zeros((h, bins), dtype=np.int64)
        self.pressure_hist = np.zeros((h, bins), dtype=np.int64)
        self.belief_sum = np.zeros((h, n))
        self.payoff = [Moments() for _ in range(n)]

    def add_month_distributions(
        self, month: int, cohesion: FloatArray, pressure: FloatArray
    ) -> None:
        """Count one month's cohesion and net pressure into their histograms (exact counts)."""
        for hist, values in ((self.cohesion_hist, cohesion), (self.pressure_hist, pressure)):
            bins = hist.shape[1]
            index = np.clip(np.floor(values / COHESION_BIN), 0, bins - 1).astype(np.intp)
            hist[month - 1] += np.bincount(index, minlength=bins)

    def add_block(
        self,
        *,
        eased_month: npt.NDArray[np.int16],
        conceded_month: npt.NDArray[np.int16],
        delivered_month: npt.NDArray[np.int16],
        snapped_month: npt.NDArray[np.int16],
        cohesion_final: FloatArray,
        payoff_mean: FloatArray,
        belief_sums: FloatArray,
    ) -> None:
        """Fold in one block's per-run outcomes (months are 1-based; 0 = never)."""
        h = self.horizon
        self.runs += int(conceded_month.size)
        for i in range(self.members):
            self.eased_first[:, i] += np.bincount(eased_month[:, i], minlength=h + 1)
            self.payoff[i].add_block(payoff_mean[:, i])
        self.conceded_at += np.bincount(conceded_month, minlength=h + 1)
        for d in range(self.deals):
            self.delivered_at[:, d] += np.bincount(delivered_month[:, d], minlength=h + 1)
            self.snapped_at[:, d] += np.bincount(snapped_month[:, d], minlength=h + 1)
        self.cascade += int(((eased_month > 0).sum(axis=1) >= 2).sum())
        self.cohesion_final.add_block(cohesion_final)
        self.belief_sum += belief_sums


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


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds: drawing and simulating, and writing Parquet (0 when not asked)."""

    simulate_seconds: float
    write_seconds: float


@dataclass(frozen=True)
class SimulationResult:
    """A Monte Carlo forecast: inputs' identity, the summaries and the month-by-month curves.

    ``to_dict()`` is the JSON of ``sanctionsim simulate --json``. It leaves out the chunk size
    and the timings, which do not change any result, so that the same seed gives byte-identical
    JSON whatever the chunk size.
    """

    scenario_id: str
    start: str
    runs: int
    horizon: int
    seed: int
    chunk_size: int
    block_size: int
    version: str
    members: tuple[str, ...]
    strategies: tuple[str, ...]
    deals: tuple[str, ...]
    metrics: dict[str, Any]
    curves: dict[str, Any]
    timings: Timing = field(compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: ``scenario``, ``runs``, ``horizon``, ``seed``, ``metrics``, ..."""
        return {
            "scenario": self.scenario_id,
            "start": self.start,
            "runs": self.runs,
            "horizon": self.horizon,
            "seed": self.seed,
            "block_size": self.block_size,
            "version": self.version,
            "members": dict(zip(self.members, self.strategies, strict=True)),
            "deals": list(self.deals),
            "metrics": self.metrics,
            "curves": self.curves,
        }

    def to_frame(self) -> pd.DataFrame:
        """The curves as a tidy table: ``month, curve, key, value`` (imports pandas)."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        months = self.curves["month"]
        for name, curve in self.curves.items():
            if name == "month":
                continue
            keyed = curve if isinstance(curve, dict) else {"": curve}
            for key, values in keyed.items():
                for month, value in zip(months, values, strict=True):
                    rows.append({"month": month, "curve": name, "key": key, "value": value})
        return pd.DataFrame(rows)


def summarise(
    summary: Summary, member_ids: tuple[str, ...], deal_ids: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``metrics`` and ``curves`` of the JSON document from the running totals."""
    runs, h = summary.runs, summary.horizon
    eased_by = cumulative(summary.eased_first)
    conceded_by = cumulative(summary.conceded_at)
    delivered_by = cumulative(summary.delivered_at)
    snapped_by = cumulative(summary.snapped_at)

    def proportion(count: int) -> dict[str, Any]:
        return Interval.of_proportion(int(count), runs).to_dict()

    deals_all = None
    if deal_ids:
        deals_all = proportion(int(delivered_by[-1].min())) if len(deal_ids) == 1 else None
    metrics: dict[str, Any] = {
        "p_target_concedes": proportion(int(conceded_by[-1])),
        "p_member_eases": {m: proportion(int(eased_by[-1, i])) for i, m in enumerate(member_ids)},
        "p_cascade": proportion(summary.cascade),
        "p_deal_delivers": deals_all,
        "p_deal_delivers_by_deal": {
            d: proportion(int(delivered_by[-1, k])) for k, d in enumerate(deal_ids)
        },
        "p_snap_back": {d: proportion(int(snapped_by[-1, k])) for k, d in enumerate(deal_ids)},
        "cohesion_final": Interval.of_mean(summary.cohesion_final).to_dict(),
        "mean_payoff_per_month": {
            m: Interval.of_mean(summary.payoff[i]).to_dict() for i, m in enumerate(member_ids)
        },
        "months_to_concession": event_quantiles(summary.conceded_at, runs, (0.05, 0.1, 0.5)),
    }
    curves: dict[str, Any] = {
        "month": list(range(1, h + 1)),
        "p_eased_by": {m: (eased_by[:, i] / runs).tolist() for i, m in enumerate(member_ids)},
        "p_conceded_by": (conceded_by / runs).tolist(),
        "p_deal_delivered_by": {
            d: (delivered_by[:, k] / runs).tolist() for k, d in enumerate(deal_ids)
        },
        "p_snapped_back_by": {
            d: (snapped_by[:, k] / runs).tolist() for k, d in enumerate(deal_ids)
        },
        "cohesion_quantiles": {
            f"q{round(q * 100):02d}": [
                histogram_quantile(summary.cohesion_hist[t], q) for t in range(h)
            ]
            for q in QUANTILES
        },
        "pressure_quantiles": {
            f"q{round(q * 100):02d}": [
                histogram_quantile(summary.pressure_hist[t], q) for t in range(h)
            ]
            for q in QUANTILES
        },
        "mean_belief_reliable": {
            m: (summary.belief_sum[:, i] / runs).tolist() for i, m in enumerate(member_ids)
        },
    }
    return metrics, curves
