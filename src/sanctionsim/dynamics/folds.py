"""Model v2's parameter uncertainty beside a forecast: probabilities across the calibration's folds.

A v2 forecast plays the parameters (λ, α) fitted on every case. The calibration also holds, for
each case, the parameters fitted with that case's cluster left out (its fold,
:mod:`sanctionsim.dynamics.calibration`). How far the folds' parameters lie apart says how
firmly the data pin the parameters down: the forecast is simulated again at each **distinct**
fold parameter set (the shipped file has 30 folds but two distinct sets), with the same seed, so
that every set plays the very same analyst-input draws and random numbers (common random
numbers, paired), and each headline probability gets the range, lowest to highest, of its
estimates across those sets.

The range is the **parameter uncertainty from the fit** only: it leaves out the analyst inputs'
uncertainty (drawn within each run), the model's own error (its track record on history says
more) and the Monte Carlo error (each set's estimate has its own). A narrow range does not make
a forecast sure.

Bounded cost: each set is simulated on the forecast's first ``min(runs, FOLD_RUNS)`` runs (whole
blocks of the same streams: the same draws as the forecast's first runs), and the set equal to
the fitted parameters is read off the forecast's own runs, not simulated again. With the shipped
calibration that is one extra simulation of at most 2,048 runs.

>>> from sanctionsim.dynamics.calibration import Calibration, FittedParameters
>>> calibration = Calibration(
...     fitted=FittedParameters(2.0, 0.01),
...     folds={"a": FittedParameters(2.0, 0.01), "b": FittedParameters(2.0, 0.005),
...            "c": FittedParameters(2.0, 0.01)},
...     cases={}, omega=1 / 12)
>>> [(s.parameters.backing_down, s.folds) for s in fold_sets(calibration)]
[(0.005, 1), (0.01, 2)]
>>> fold_runs(10_000), fold_runs(500)
(2048, 500)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sanctionsim.dynamics.metrics import Summary
from sanctionsim.dynamics.plan import BLOCK, Plan

if TYPE_CHECKING:
    from sanctionsim.dynamics.calibration import Calibration, FittedParameters
    from sanctionsim.dynamics.engine import Chunk
    from sanctionsim.dynamics.setup import Setup

FOLD_RUNS = 2 * BLOCK
"""At most this many runs per fold parameter set (whole blocks, so that they pair exactly)."""

PROBABILITIES = (
    "p_target_concedes",
    "p_member_eases",
    "p_cascade",
    "p_deal_delivers",
    "p_snap_back",
)
"""The metrics (rows of :data:`~sanctionsim.dynamics.records.METRICS`) given a fold range."""


def fold_runs(runs: int) -> int:
    """Runs simulated per fold parameter set for a forecast of ``runs`` runs."""
    return min(runs, FOLD_RUNS)


@dataclass(frozen=True)
class FoldSet:
    """One distinct parameter set of the calibration's folds, and how many folds chose it."""

    parameters: FittedParameters
    folds: int

    def to_dict(self) -> dict[str, Any]:
        """``{"slope": λ, "backing_down": α, "folds": n}``."""
        return {**self.parameters.to_dict(), "folds": self.folds}


def fold_sets(calibration: Calibration) -> tuple[FoldSet, ...]:
    """The distinct parameter sets of ``calibration``'s folds, by λ then α."""
    counts = Counter(calibration.folds.values())
    ordered = sorted(counts, key=lambda p: (p.slope, p.backing_down))
    return tuple(FoldSet(p, counts[p]) for p in ordered)


def extra_runs(calibration: Calibration, runs: int) -> int:
    """Runs simulated beyond a forecast's own for its fold range: those of every distinct fold
    set but the fitted parameters' (read off the forecast's runs)."""
    others = [s for s in fold_sets(calibration) if s.parameters != calibration.fitted]
    return len(others) * fold_runs(runs)


Range = tuple[float, float]


def _pair(value: Range | None) -> list[float] | None:
    return None if value is None else [value[0], value[1]]


@dataclass(frozen=True)
class FoldRange:
    """The range of each headline probability across the folds' distinct parameter sets.

    Attributes:
        runs: runs simulated per parameter set (the forecast's first runs, same seed).
        sets: the distinct parameter sets, each with the number of folds that chose it.
        ranges: per metric row (``p_cascade``, ``p_member_eases.JPN``, ``p_snap_back.DEAL``),
            the lowest and highest estimate across the sets.
    """

    runs: int
    sets: tuple[FoldSet, ...]
    ranges: dict[str, Range]

    def of(self, metric: str, key: str = "") -> Range | None:
        """The range of forecast metric ``metric`` (a key of ``simulate --json``'s ``metrics``)
        for ``key`` (a member or a deal; "" for none); None for a metric without one."""
        if metric == "p_deal_delivers":  # every deal delivers: given for a single deal only
            deals = [v for n, v in self.ranges.items() if n.startswith("p_deal_delivers.")]
            return deals[0] if len(deals) == 1 else None
        name = "p_deal_delivers" if metric == "p_deal_delivers_by_deal" else metric
        return self.ranges.get(f"{name}.{key}" if key else name)

    def _keyed(self, metric: str) -> dict[str, list[float] | None]:
        prefix = f"{metric}."
        return {
            name.removeprefix(prefix): _pair(value)
            for name, value in self.ranges.items()
            if name.startswith(prefix)
        }

    def to_dict(self) -> dict[str, Any]:
        """``fold_range`` of ``simulate --json`` (model v2): ``runs``, ``parameter_sets`` and
        ``metrics``, the probabilities keyed as in the forecast's ``metrics``, each
        ``[low, high]``."""
        return {
            "runs": self.runs,
            "parameter_sets": [s.to_dict() for s in self.sets],
            "metrics": {
                "p_target_concedes": _pair(self.of("p_target_concedes")),
                "p_member_eases": self._keyed("p_member_eases"),
                "p_cascade": _pair(self.of("p_cascade")),
                "p_deal_delivers": _pair(self.of("p_deal_delivers")),
                "p_deal_delivers_by_deal": self._keyed("p_deal_delivers"),
                "p_snap_back": self._keyed("p_snap_back"),
            },
        }


ChunkRunner = Callable[["Setup", int, Plan], Iterator["Chunk"]]


class FoldCollector:
    """Builds a forecast's :class:`FoldRange`: reads the forecast's own chunks for the fold set
    equal to the fitted parameters (:meth:`take`), then simulates the other sets (:meth:`finish`).
    """

    def __init__(self, calibration: Calibration, runs: int, setup: Setup, horizon: int) -> None:
        self.calibration = calibration
        self.sets = fold_sets(calibration)
        self.runs = fold_runs(runs)
        self.horizon = horizon
        self.setup = setup
        self.shared: Summary | None = None
        if any(s.parameters == calibration.fitted for s in self.sets):
            self.shared = self._summary()

    def _summary(self) -> Summary:
        deals = tuple(d.id for d in self.setup.deals)
        return Summary(self.horizon, self.setup.member_ids, deals)

    def take(self, chunk: Chunk) -> None:
        """Fold in the forecast's chunk, block by block, up to :attr:`runs` runs."""
        if self.shared is None:
            return
        bounds = np.cumsum([0, *chunk.spec.sizes])
        for b in range(len(chunk.spec.sizes)):
            if self.shared.runs >= self.runs:
                return
            self.shared.add_block(chunk.outcomes.rows(slice(bounds[b], bounds[b + 1])))

    def finish(
        self,
        seed: int,
        chunk_size: int,
        run_chunks: ChunkRunner,
        progress: Callable[[int], None] | None = None,
    ) -> FoldRange | None:
        """The range across the fold sets (None: the calibration has no folds); each set other
        than the fitted one simulated by ``run_chunks`` (the engine's ``simulate_chunks``)."""
        from sanctionsim.dynamics.setup import prepare

        if not self.sets:
            return None
        plan = Plan(self.runs, self.horizon, chunk_size)
        summaries: list[Summary] = []
        for item in self.sets:
            if item.parameters == self.calibration.fitted and self.shared is not None:
                summaries.append(self.shared)
                continue
            setup = prepare(
                self.setup.scenario,
                self.setup.model,
                choice=item.parameters,
                omega=self.calibration.omega,
            )
            summary = self._summary()
            for chunk in run_chunks(setup, seed, plan):
                summary.add_chunk(chunk)
                if progress is not None:
                    progress(chunk.spec.runs)
            summaries.append(summary)
        return FoldRange(self.runs, self.sets, _ranges(summaries))


def _ranges(summaries: list[Summary]) -> dict[str, Range]:
    """Per metric row of a probability, the lowest and highest estimate across ``summaries``."""
    first = summaries[0]
    names = [
        name for name in (*first.counts, *first.moments) if name.split(".")[0] in PROBABILITIES
    ]
    ranges: dict[str, Range] = {}
    for name in names:
        means = [s.interval(name).mean for s in summaries]
        ranges[name] = (min(means), max(means))
    return ranges
