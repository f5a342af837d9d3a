"""History's bootstrap statistics over every resample at once (the ``batch`` of
:func:`~sanctionsim.history.bootstrap.cluster_bootstrap`).

``history`` draws 2,000 resamples of the clusters for each interval; calling a statistic once per
resample spent seconds in Python calls on arrays of a hundred values. Each function here takes
the whole ``(resamples, n_clusters)`` array of draws and returns one value per row, **equal to
the bit** to the per-resample statistic it stands for (the intervals are part of the JSON
output, which must not move):

* a mean over the drawn clusters reduces each row of a C-ordered array, as numpy reduces the
  1-d array of that one resample (the same pairwise summation, the same order);
* the easing AUC is a count of half-integers (Mann–Whitney's U) and of whole pairs, exact in
  floating point in any order, so it is counted from how often each cluster was drawn.

>>> draws = np.array([[0, 1, 1], [2, 2, 0]])
>>> resampled_nanmean(np.array([1.0, 2.0, np.nan]), draws).tolist()
[1.6666666666666667, 1.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


def resampled_nanmean(values: FloatArray, draws: IntArray) -> FloatArray:
    """``np.nanmean(values[row])`` for each row of ``draws``."""
    return np.asarray(np.nanmean(values[draws], axis=1), dtype=np.float64)


def skill_batch(
    model: FloatArray,
    table: dict[str, FloatArray],
    reference: str | None,
    references: Sequence[str],
) -> Callable[[IntArray], FloatArray]:
    """The batch twin of the skill statistic: the model's mean per-cluster score minus
    ``reference``'s, or minus the lowest of ``references`` in each resample (``None``)."""

    def batch(draws: IntArray) -> FloatArray:
        ours = resampled_nanmean(model, draws)
        if reference is not None:
            return ours - resampled_nanmean(table[reference], draws)
        best: FloatArray | None = None
        for name in references:  # as Python's min(): the first kept unless one is lower
            value = resampled_nanmean(table[name], draws)
            best = value if best is None else np.where(value < best, value, best)
        assert best is not None
        return ours - best

    return batch


def cluster_counts(draws: IntArray, n_clusters: int) -> IntArray:
    """How many times each cluster is drawn in each resample, ``(resamples, n_clusters)``."""
    rows = draws.shape[0]
    flat = (draws + n_clusters * np.arange(rows)[:, None]).ravel()
    return np.bincount(flat, minlength=rows * n_clusters).reshape(rows, n_clusters)


def _auc_at(p: FloatArray, y: FloatArray, weights: FloatArray) -> FloatArray:
    """Per resample, U / (n1 n0) of the pairs ``(p, y)`` each repeated as often as its cluster
    was drawn (``weights``, one row per resample); nan where one class is missing."""
    positive, negative = p[y == 1.0], p[y == 0.0]
    above = (positive[:, None] > negative[None, :]) + 0.5 * (positive[:, None] == negative)
    w_pos, w_neg = weights[:, y == 1.0], weights[:, y == 0.0]
    concordant = ((w_pos @ above) * w_neg).sum(axis=1)
    pairs = w_pos.sum(axis=1) * w_neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, concordant / pairs, np.nan)


def resampled_auc(
    blocks: Sequence[FloatArray], horizons: Sequence[int], draws: IntArray
) -> FloatArray:
    """The easing AUC of each resample, averaged over the horizons where both outcomes occur
    (:meth:`~sanctionsim.history.evaluation.HistoryEvaluation.auc_easing`): ``blocks`` holds
    each cluster's ``(forecast, outcome, horizon)`` rows of easing pairs."""
    weights = cluster_counts(draws, len(blocks)).astype(np.float64)
    rows = np.concatenate([np.empty((0, 3)), *blocks])
    owner = np.repeat(np.arange(len(blocks)), [len(block) for block in blocks])
    per_horizon = []
    for h in horizons:
        at = rows[:, 2] == h
        per_horizon.append(_auc_at(rows[at, 0], rows[at, 1], weights[:, owner[at]]))
    values = np.column_stack(per_horizon) if per_horizon else np.empty((len(draws), 0))
    # the mean over the horizons as auc_easing takes it: numpy's, of the defined values in order
    return np.array(
        [
            float(np.mean(row[~np.isnan(row)])) if np.any(~np.isnan(row)) else math.nan
            for row in values
        ]
    )
