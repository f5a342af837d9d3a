"""Typed results of a forecast: intervals, per-run outcomes, the metric table, metrics and curves.

Every metric is defined once in :data:`METRICS` (its name, its value in each run, whether it is a
proportion); the engine's summary (:mod:`sanctionsim.dynamics.metrics`), the experiment runner
(paired differences per run), history's forecasts (by each horizon) and the reports read it.
Records are frozen; each has ``to_dict()`` (the JSON of the command line, a contract) and
``to_frame()`` (a tidy pandas table; imports pandas). A :class:`SimulationResult` is a
:class:`~sanctionsim.tables.TidyRecord`: a short repr, a notebook table, and its headline
metrics as the tidy table of ``to_frame()`` and ``simulate --csv``.

Intervals: proportions get the Wilson score interval (Wilson 1927, *JASA* 22; recommended by
Brown, Cai & DasGupta 2001, *Statistical Science* 16), means the normal interval
``mean ± 1.96 s / sqrt(n)``.

>>> wilson(0, 10)
(0.0, 0.2775327998628892)
>>> Interval.of_proportion(5, 10).to_dict()
{'mean': 0.5, 'ci95': [0.236593090512564, 0.7634069094874361]}
>>> [m.name for m in METRICS if m.proportion]
['p_target_concedes', 'p_cascade', 'p_member_eases', 'p_deal_delivers', 'p_snap_back']
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from sanctionsim.tables import Row, TidyRecord

if TYPE_CHECKING:
    import pandas as pd

    from sanctionsim.dynamics.folds import FoldRange

Z95 = 1.959963984540054  # the 97.5% quantile of the standard normal

FloatArray = npt.NDArray[np.float64]
Int16Array = npt.NDArray[np.int16]


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


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows)


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
    def of_moments(cls, n: int, mean: float, m2: float) -> Interval:
        """A mean from streamed moments (count, mean, sum of squared deviations), normal interval.

        A point when there is one run.
        """
        if n < 2:
            return cls(mean, mean, mean)
        half = Z95 * math.sqrt(m2 / (n - 1)) / math.sqrt(n)
        return cls(mean, mean - half, mean + half)

    @classmethod
    def of_values(cls, values: FloatArray, proportion: bool) -> Interval:
        """The mean of per-run values with its interval (Wilson for 0/1 values, else normal)."""
        mean = float(values.mean())
        if proportion:
            low, high = wilson(int(values.sum()), values.size)
            return cls(mean, low, high)
        return cls(mean, *normal_interval(values))

    def to_dict(self) -> dict[str, Any]:
        """``{"mean": ..., "ci95": [low, high]}``."""
        return {"mean": self.mean, "ci95": [self.low, self.high]}

    def to_frame(self) -> pd.DataFrame:
        """One row: ``mean, low, high``."""
        return _frame([dataclasses.asdict(self)])


def normal_interval(values: FloatArray) -> tuple[float, float]:
    """``mean ± 1.96 sd / sqrt(n)`` of an array (a point for fewer than two values)."""
    mean = float(values.mean())
    if values.size < 2:
        return (mean, mean)
    half = Z95 * float(values.std(ddof=1)) / math.sqrt(values.size)
    return (mean - half, mean + half)


@dataclass(frozen=True)
class RunOutcomes:
    """Per-run outcomes (months are 1-based, 0 = never): what every metric is computed from."""

    eased_month: Int16Array  # (R, N) first month each member eased
    conceded_month: Int16Array  # (R,)
    delivered_month: Int16Array  # (R, D) month every stage had been delivered
    snapped_month: Int16Array  # (R, D)
    cohesion_final: FloatArray  # (R,)
    payoff_mean: FloatArray  # (R, N) realised payoff per month
    eased_chance: npt.NDArray[np.float32] | None = None  # (R, H, N) model v2's smooth chances
    ended_month: Int16Array | None = None  # (R,) the episode's end, any end (None: not kept)

    @property
    def smooth(self) -> bool:
        """Whether members' easing is carried as smooth chances (model v2)."""
        return self.eased_chance is not None

    def eased_by(self, by: int | None) -> FloatArray | npt.NDArray[np.bool_]:
        """Each member's easing by month ``by`` (None: the horizon) per run: model v2's smooth
        chance, else whether it happened."""
        if self.eased_chance is None:
            return _by(self.eased_month, by)
        month = self.eased_chance.shape[1] if by is None else by
        return np.asarray(self.eased_chance[:, month - 1, :], dtype=np.float64)

    @staticmethod
    def concat(parts: Sequence[RunOutcomes]) -> RunOutcomes:
        """Runs of several chunks, in order."""
        values: dict[str, Any] = {
            f.name: None
            if getattr(parts[0], f.name) is None
            else np.concatenate([getattr(p, f.name) for p in parts])
            for f in dataclasses.fields(RunOutcomes)
        }
        return RunOutcomes(**values)

    def rows(self, rows: slice) -> RunOutcomes:
        """The outcomes of the runs in ``rows``."""
        values: dict[str, Any] = {
            f.name: None if getattr(self, f.name) is None else getattr(self, f.name)[rows]
            for f in dataclasses.fields(self)
        }
        return RunOutcomes(**values)


# ---------------------------------------------------------------- the metric table
def _by(months: Int16Array, by: int | None) -> npt.NDArray[np.bool_]:
    """Whether the event happened (by month ``by``; ``None``: by the horizon)."""
    happened: npt.NDArray[np.bool_] = months > 0
    return happened if by is None else happened & (months <= by)


@dataclass(frozen=True)
class Metric:
    """One metric: its value in each run, whether it is a proportion, what it is per.

    ``of(outcomes, by)`` gives ``(R,)`` values for a metric per run, ``(R, N)`` per member and
    ``(R, D)`` per side deal; an event metric counts events by month ``by`` when given.
    ``forecast_key`` is its key in ``simulate``'s metrics; ``label`` a reader's phrase.
    """

    name: str
    per: Literal["run", "member", "deal"]
    proportion: bool
    of: Callable[[RunOutcomes, int | None], npt.NDArray[Any]]
    forecast_key: str
    label: str


METRICS: tuple[Metric, ...] = (
    Metric(
        "p_target_concedes", "run", True, lambda o, by: _by(o.conceded_month, by),
        "p_target_concedes", "the target concedes",
    ),
    Metric(
        "p_cascade", "run", True, lambda o, by: _by(o.eased_month, by).sum(axis=1) >= 2,
        "p_cascade", "cascade: two or more members ease",
    ),
    Metric(
        "p_member_eases", "member", True, lambda o, by: o.eased_by(by),
        "p_member_eases", "eases",
    ),
    Metric(
        "p_deal_delivers", "deal", True, lambda o, by: _by(o.delivered_month, by),
        "p_deal_delivers_by_deal", "side deal delivers in full",
    ),
    Metric(
        "p_snap_back", "deal", True, lambda o, by: _by(o.snapped_month, by),
        "p_snap_back", "member snaps back",
    ),
    Metric(
        "cohesion_final", "run", False, lambda o, by: o.cohesion_final,
        "cohesion_final", "cohesion at the horizon (pressure / start)",
    ),
    Metric(
        "payoff", "member", False, lambda o, by: o.payoff_mean,
        "mean_payoff_per_month", "mean payoff per month",
    ),
)  # fmt: skip
"""Every metric, in the order of an experiment's rows (see :func:`per_run_values`)."""

METRIC = {m.name: m for m in METRICS}


def per_run_values(
    outcomes: RunOutcomes, member_ids: Sequence[str], deal_ids: Sequence[str]
) -> Iterator[tuple[str, Metric, FloatArray]]:
    """``(row name, metric, values per run)`` for every metric and key, in row order.

    Rows are named ``metric`` or ``metric.key``. Consecutive metrics of the same kind list their
    keys together, key by key (per deal: ``p_deal_delivers.D``, ``p_snap_back.D``, next deal).
    """
    keys = {"run": [""], "member": list(member_ids), "deal": list(deal_ids)}
    index = 0
    while index < len(METRICS):
        group = [METRICS[index]]
        while index + len(group) < len(METRICS) and METRICS[index + len(group)].per == group[0].per:
            group.append(METRICS[index + len(group)])
        index += len(group)
        values = [np.asarray(m.of(outcomes, None), dtype=np.float64) for m in group]
        for k, key in enumerate(keys[group[0].per]):
            for metric, array in zip(group, values, strict=True):
                name = f"{metric.name}.{key}" if key else metric.name
                yield name, metric, array if not key else array[:, k]


# ---------------------------------------------------------------- the forecast's records
def _intervals(values: dict[str, Interval]) -> dict[str, Any]:
    return {k: v.to_dict() for k, v in values.items()}


def _interval_rows(name: str, value: Interval | dict[str, Interval] | None) -> list[dict[str, Any]]:
    if value is None:
        return []
    keyed = value if isinstance(value, dict) else {"": value}
    return [{"metric": name, "key": k, **dataclasses.asdict(v)} for k, v in keyed.items()]


@dataclass(frozen=True)
class ForecastMetrics:
    """The forecast's metrics at the horizon, each with its 95% interval."""

    p_target_concedes: Interval
    p_member_eases: dict[str, Interval]
    p_cascade: Interval
    p_deal_delivers: Interval | None  # all deals deliver (one deal only; else None)
    p_deal_delivers_by_deal: dict[str, Interval]
    p_snap_back: dict[str, Interval]
    cohesion_final: Interval
    mean_payoff_per_month: dict[str, Interval]
    months_to_concession: dict[str, int | None]

    def to_dict(self) -> dict[str, Any]:
        """The ``metrics`` of ``simulate --json``."""
        return {
            "p_target_concedes": self.p_target_concedes.to_dict(),
            "p_member_eases": _intervals(self.p_member_eases),
            "p_cascade": self.p_cascade.to_dict(),
            "p_deal_delivers": None
            if self.p_deal_delivers is None
            else self.p_deal_delivers.to_dict(),
            "p_deal_delivers_by_deal": _intervals(self.p_deal_delivers_by_deal),
            "p_snap_back": _intervals(self.p_snap_back),
            "cohesion_final": self.cohesion_final.to_dict(),
            "mean_payoff_per_month": _intervals(self.mean_payoff_per_month),
            "months_to_concession": dict(self.months_to_concession),
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per metric and key: ``metric, key, mean, low, high``."""
        rows: list[dict[str, Any]] = []
        for item in dataclasses.fields(self):
            if item.name != "months_to_concession":
                rows += _interval_rows(item.name, getattr(self, item.name))
        return rows

    def to_frame(self) -> pd.DataFrame:
        """:meth:`to_rows` as a pandas table."""
        return _frame(self.to_rows())


Series = list[float]


@dataclass(frozen=True)
class ForecastCurves:
    """Month-by-month curves: cumulative probabilities, quantiles, mean beliefs."""

    month: list[int]
    p_eased_by: dict[str, Series]
    p_conceded_by: Series
    p_deal_delivered_by: dict[str, Series]
    p_snapped_back_by: dict[str, Series]
    cohesion_quantiles: dict[str, Series]
    pressure_quantiles: dict[str, Series]
    mean_belief_reliable: dict[str, Series]

    def to_dict(self) -> dict[str, Any]:
        """The ``curves`` of ``simulate --json``."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """The curves as a tidy table: ``month, curve, key, value``."""
        return _frame(self.to_rows())

    def to_rows(self) -> list[dict[str, Any]]:
        """The curves long-form: one row per month, curve and key (``""`` for none)."""
        rows: list[dict[str, Any]] = []
        for name, curve in self.to_dict().items():
            if name == "month":
                continue
            keyed = curve if isinstance(curve, dict) else {"": curve}
            for key, values in keyed.items():
                for month, value in zip(self.month, values, strict=True):
                    rows.append({"month": month, "curve": name, "key": key, "value": value})
        return rows


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds: drawing and simulating, and writing Parquet (0 when not asked)."""

    simulate_seconds: float
    write_seconds: float


@dataclass(frozen=True, repr=False)
class SimulationResult(TidyRecord):
    """A Monte Carlo forecast: inputs' identity, the metrics and the month-by-month curves.

    ``to_dict()`` is the JSON of ``sanctionsim simulate --json``. It leaves out the chunk size
    and the timings, which do not change any result, so that the same seed gives byte-identical
    JSON whatever the chunk size. ``to_frame()`` is the headline (:meth:`tidy_rows`);
    ``curves.to_frame()`` the month-by-month curves, long-form.
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
    metrics: ForecastMetrics
    curves: ForecastCurves
    timings: Timing = field(compare=False)
    model: str = "v1"
    calibration: dict[str, str] | None = None  # model v2: the calibration's source and hash
    fold_range: FoldRange | None = None  # model v2: probabilities across the calibration's folds

    _caption_columns = ("scenario", "start", "runs", "horizon", "seed")
    _note = (
        "mc_low-mc_high: the 95% interval of the Monte Carlo error (the simulation's sampling "
        "error; it shrinks with more runs and is not the forecast's uncertainty). q05-q95: the "
        "5-95% band across runs. fold_low-fold_high (model v2): the range of a probability "
        "across the calibration's folds, the parameters' uncertainty from the fit only."
    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: ``scenario``, ``runs``, ``horizon``, ``seed``, ``metrics``, ...

        Model v2's documents also carry ``model_version``, ``calibration`` (source and
        SHA-256) and ``fold_range`` (:class:`~sanctionsim.dynamics.folds.FoldRange`; null when
        skipped or the calibration has no folds); v1's are unchanged from before v2 existed
        (their golden outputs), so a document without ``model_version`` is v1's.
        """
        identity: dict[str, Any] = {}
        folds: dict[str, Any] = {}
        if self.model != "v1":
            identity = {"model_version": self.model, "calibration": self.calibration}
            folds = {"fold_range": None if self.fold_range is None else self.fold_range.to_dict()}
        return {
            **identity,
            "scenario": self.scenario_id,
            "start": self.start,
            "runs": self.runs,
            "horizon": self.horizon,
            "seed": self.seed,
            "block_size": self.block_size,
            "version": self.version,
            "members": dict(zip(self.members, self.strategies, strict=True)),
            "deals": list(self.deals),
            "metrics": self.metrics.to_dict(),
            **folds,
            "curves": self.curves.to_dict(),
        }

    def caption(self) -> str:
        """``dprk-2014 from 2014-07-04: 10,000 runs, 36 months, seed 0``."""
        return (
            f"{self.scenario_id} from {self.start}: {self.runs:,} runs, {self.horizon} months, "
            f"seed {self.seed}"
        )

    def tidy_rows(self) -> list[Row]:
        """The headline metrics, one row per metric and key (member or deal; "" for none):
        ``scenario, start, runs, horizon, seed, metric, key, mean, mc_low, mc_high, q05, q95``.

        ``mc_low``-``mc_high`` is the 95% interval of the Monte Carlo error (it shrinks with
        more runs; it is not the forecast's uncertainty); ``q05``-``q95`` the 5-95% band across
        runs of a quantity at the horizon (cohesion), empty for a probability. Model v2's rows
        also have ``fold_low, fold_high`` after ``mc_high``: a probability's range across the
        calibration's folds (:mod:`sanctionsim.dynamics.folds`), empty for a quantity or when
        skipped; v1's columns are unchanged.
        """
        identity = {
            "scenario": self.scenario_id,
            "start": self.start,
            "runs": self.runs,
            "horizon": self.horizon,
            "seed": self.seed,
        }
        band = self.curves.cohesion_quantiles
        rows = []
        for item in self.metrics.to_rows():
            spread = item["metric"] == "cohesion_final" and band.get("q05")
            rows.append(
                {
                    **identity,
                    "metric": item["metric"],
                    "key": item["key"],
                    "mean": item["mean"],
                    "mc_low": item["low"],
                    "mc_high": item["high"],
                    **self._fold_cells(item["metric"], item["key"]),
                    "q05": band["q05"][-1] if spread else None,
                    "q95": band["q95"][-1] if spread else None,
                }
            )
        return rows

    def _fold_cells(self, metric: str, key: str) -> dict[str, float | None]:
        """``fold_low, fold_high`` of a row (model v2 only; v1's rows have no such columns)."""
        if self.model == "v1":
            return {}
        span = None if self.fold_range is None else self.fold_range.of(metric, key)
        return {
            "fold_low": None if span is None else span[0],
            "fold_high": None if span is None else span[1],
        }
