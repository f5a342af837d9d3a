"""Statistics that score probability forecasts of 0/1 events, as pure functions on numpy arrays.

``p`` holds forecast probabilities in [0, 1] and ``y`` the 0/1 outcomes, both 1-d and of the
same length; every function checks its inputs and raises :class:`ValueError` naming the argument
at fault (empty, not 1-d, nan, a probability outside [0, 1], an outcome other than 0 or 1).

* :func:`brier_scores`: elementwise ``(p - y)^2`` (Brier 1950).
* :func:`log_scores`: elementwise negative log-likelihood, ``p`` clipped (Good 1952).
* :func:`auc`: area under the ROC curve, the Mann–Whitney probability that a positive outranks
  a negative (Hanley & McNeil 1982).
* :func:`c_index`: Harrell's concordance index for right-censored times (Harrell et al. 1982).
* :func:`reliability_table`: equal-width bins with mean forecast and observed frequency, the
  reliability diagram (Murphy & Winkler 1977).
* :func:`calibration`: calibration-in-the-large and calibration slope by logistic
  recalibration (Cox 1958).
* :func:`sharpness`: the variance of the forecasts (Murphy & Winkler 1987).
* :func:`brier_decomposition`: reliability, resolution, uncertainty (Murphy 1973) and the
  within-bin term that makes the identity exact (Stephenson, Coelho & Jolliffe 2008).

>>> p, y = np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])
>>> float(brier_scores(p, y).mean()), auc(p, y)
(0.15812500000000002, 0.75)
>>> d = brier_decomposition(p, y, bins=5)
>>> round(d.reliability - d.resolution + d.uncertainty + d.within_bin, 6)
0.158125
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from sanctionsim.history.logistic import DEFAULT_MAX_ITER, ConvergenceError, newton_logistic

FloatArray = npt.NDArray[np.float64]

DEFAULT_BINS = 5
LOG_SCORE_CLIP = 0.001
"""Forecasts are clipped to [0.001, 0.999] before a logarithm or a logit: a forecast of exactly
0 or 1 that turns out wrong would otherwise score infinity."""


# ---------------------------------------------------------------- validation


def _vector(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-d, got {array.ndim} dimensions")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(np.isnan(array)):
        raise ValueError(f"{name} must not contain nan")
    return array


def _probabilities(p: npt.ArrayLike, name: str = "p") -> FloatArray:
    array = _vector(p, name)
    if np.any((array < 0.0) | (array > 1.0)):
        raise ValueError(f"{name} must hold probabilities in [0, 1]")
    return array


def _binary(y: npt.ArrayLike, size: int, name: str = "y") -> FloatArray:
    array = _vector(y, name)
    if array.size != size:
        raise ValueError(f"{name} has {array.size} entries but there are {size} forecasts")
    if not np.all((array == 0.0) | (array == 1.0)):
        raise ValueError(f"{name} must hold only 0 and 1")
    return array


def _pair(p: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    probabilities = _probabilities(p)
    return probabilities, _binary(y, probabilities.size)


def _bins(bins: int) -> int:
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ValueError(f"bins must be an integer of at least 1, got {bins!r}")
    return int(bins)


def _logit(p: FloatArray, clip: float = LOG_SCORE_CLIP) -> FloatArray:
    q = np.clip(p, clip, 1.0 - clip)
    result: FloatArray = np.log(q) - np.log1p(-q)
    return result


# ---------------------------------------------------------------- proper scores


def brier_scores(p: npt.ArrayLike, y: npt.ArrayLike) -> FloatArray:
    """Elementwise Brier score ``(p - y)^2`` (Brier 1950, *Monthly Weather Review* 78(1)):
    0 is perfect, 0.25 what a forecast of 0.5 earns whatever happens.

    >>> brier_scores([0.7, 0.2], [1, 0]).round(4).tolist()
    [0.09, 0.04]
    """
    probabilities, outcomes = _pair(p, y)
    result: FloatArray = (probabilities - outcomes) ** 2
    return result


def log_scores(p: npt.ArrayLike, y: npt.ArrayLike, clip: float = LOG_SCORE_CLIP) -> FloatArray:
    """Elementwise logarithmic score as a loss, ``-log(p)`` if ``y = 1`` else ``-log(1 - p)``,
    with ``p`` clipped to ``[clip, 1 - clip]`` (Good 1952, *JRSS B* 14(1)); lower is better,
    ``log 2 = 0.693`` is what a forecast of 0.5 earns.

    >>> log_scores([0.5, 1.0], [1, 0]).round(4).tolist()
    [0.6931, 6.9078]
    """
    if not 0.0 < clip < 0.5:
        raise ValueError(f"clip must be in (0, 0.5), got {clip}")
    probabilities, outcomes = _pair(p, y)
    q = np.clip(probabilities, clip, 1.0 - clip)
    result: FloatArray = -(outcomes * np.log(q) + (1.0 - outcomes) * np.log1p(-q))
    return result


# ---------------------------------------------------------------- discrimination


def _midranks(x: FloatArray) -> FloatArray:
    """Ranks 1..n of ``x``, tied values sharing the mean of the ranks they occupy."""
    order = np.argsort(x, kind="mergesort")
    ordered = x[order]
    starts = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    first = np.flatnonzero(starts)
    sizes = np.diff(np.append(first, x.size))
    group = np.cumsum(starts) - 1
    ranks = np.empty(x.size)
    ranks[order] = (first + (sizes + 1) / 2.0)[group]
    return ranks


def concordant_pairs(p: npt.ArrayLike, y: npt.ArrayLike) -> tuple[float, int]:
    """(U, n1·n0): the Mann–Whitney count of the pairs (a positive, a negative) in which the
    positive has the higher forecast, ties counting 1/2, and the number of such pairs, so that
    counts from several strata add up to a stratified AUC, ΣU / Σn1·n0 (Hanley & McNeil 1982;
    the within-stratum comparisons of Harrell's concordance). ``(0, 0)`` when ``y`` holds one
    class.

    >>> concordant_pairs([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1])
    (3.5, 4)
    >>> concordant_pairs([0.2, 0.3], [1, 1])
    (0.0, 0)
    """
    probabilities, outcomes = _pair(p, y)
    positives = int(outcomes.sum())
    negatives = outcomes.size - positives
    if positives == 0 or negatives == 0:
        return 0.0, 0
    rank_sum = float(_midranks(probabilities)[outcomes == 1.0].sum())
    return rank_sum - positives * (positives + 1) / 2.0, positives * negatives


def auc(p: npt.ArrayLike, y: npt.ArrayLike) -> float | None:
    """Area under the ROC curve: the probability that a random positive (``y = 1``) has a higher
    forecast than a random negative, ties counting 1/2, i.e. the Mann–Whitney statistic
    ``U / (n1 n0)`` (Hanley & McNeil 1982, *Radiology* 143(1)). Computed from mid-ranks in
    O(n log n). ``None`` when ``y`` holds only one class.

    >>> auc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1])
    0.875
    >>> auc([0.2, 0.3], [1, 1]) is None
    True
    """
    concordant, pairs = concordant_pairs(p, y)
    return concordant / pairs if pairs else None


def auc_by_horizon(rows: npt.NDArray[np.float64], horizons: Sequence[int]) -> float:
    """The AUC of ``rows`` (forecast, outcome, horizon) at each of ``horizons``, averaged over the
    horizons where both outcomes occur; nan where none does (the protocol's easing AUC).

    >>> rows = np.array([[0.2, 0, 12], [0.8, 1, 12], [0.6, 0, 36], [0.4, 1, 36], [0.5, 1, 60]])
    >>> auc_by_horizon(rows, (12, 36, 60))
    0.5
    """
    values = []
    for h in horizons:
        at = rows[rows[:, 2] == h]
        if len(at):
            value = auc(at[:, 0], at[:, 1])
            if value is not None:
                values.append(value)
    return float(np.mean(values)) if values else math.nan


def c_index(risk: npt.ArrayLike, time: npt.ArrayLike, event: npt.ArrayLike) -> float | None:
    """Harrell's concordance index for right-censored data (Harrell, Califf, Pryor, Lee &
    Rosati 1982, *JAMA* 247(18)).

    A pair (i, j) is comparable when ``event[i] = 1`` and ``time[j] > time[i]``: j failed later,
    was censored later, or has ``time[j] = inf``, never at risk of failing (its episode ended
    first by a competing terminal event). It is concordant when ``risk[i] > risk[j]``; tied
    risks count 1/2. Returns concordant / comparable, or ``None`` when no pair is comparable.
    Pairs tied in time are not comparable. O(n * events) time, O(n) memory.

    >>> c_index([0.9, 0.5, 0.1], [2.0, 5.0, np.inf], [1, 0, 0])
    1.0
    >>> c_index([0.9, 0.5], [2.0, 5.0], [0, 0]) is None
    True

    Raises:
        ValueError: empty, nan or different lengths; ``risk`` not finite; ``time`` -inf;
            ``event`` not 0/1; an event at ``time = inf``.
    """
    scores = _vector(risk, "risk")
    if not np.all(np.isfinite(scores)):
        raise ValueError("risk must be finite")
    times = _vector(time, "time")
    if times.size != scores.size:
        raise ValueError(f"time has {times.size} entries but risk has {scores.size}")
    if np.any(times == -np.inf):
        raise ValueError("time must not be -inf")
    happened = _binary(event, scores.size, "event") == 1.0
    if np.any(happened & np.isinf(times)):
        raise ValueError("event must be 0 where time is inf (an event needs a finite time)")
    concordant = 0.0
    comparable = 0
    for i in np.flatnonzero(happened):
        later = scores[times > times[i]]
        comparable += later.size
        concordant += np.count_nonzero(later < scores[i]) + 0.5 * np.count_nonzero(
            later == scores[i]
        )
    return float(concordant / comparable) if comparable else None


# ---------------------------------------------------------------- calibration


@dataclass(frozen=True)
class ReliabilityBin:
    """One equal-width bin of forecasts: its range, how many fell in it, their mean and the
    share that happened; ``mean_forecast`` and ``observed_frequency`` are ``None`` when empty."""

    low: float
    high: float
    count: int
    mean_forecast: float | None
    observed_frequency: float | None

    def to_dict(self) -> dict[str, float | int | None]:
        """The bin as a JSON-ready dict with the field names as keys."""
        return asdict(self)


def _bin_index(p: FloatArray, bins: int) -> npt.NDArray[np.intp]:
    """Bin k of ``bins`` equal-width bins holds [k/bins, (k+1)/bins); the last also holds 1."""
    result: npt.NDArray[np.intp] = np.minimum((p * bins).astype(np.intp), bins - 1)
    return result


def reliability_table(
    p: npt.ArrayLike, y: npt.ArrayLike, bins: int = DEFAULT_BINS
) -> list[ReliabilityBin]:
    """The reliability diagram as a table (Murphy & Winkler 1977, *Applied Statistics* 26(1)):
    forecasts in ``bins`` equal-width bins on [0, 1], bin k holding [k/bins, (k+1)/bins) and the
    last bin closed; a well-calibrated forecaster's observed frequency is close to its mean
    forecast in every bin.

    >>> [(b.count, b.mean_forecast, b.observed_frequency) for b in
    ...  reliability_table([0.1, 0.2, 1.0], [0, 1, 1], bins=2)]
    [(2, 0.15000000000000002, 0.5), (1, 1.0, 1.0)]
    """
    count_bins = _bins(bins)
    probabilities, outcomes = _pair(p, y)
    index = _bin_index(probabilities, count_bins)
    table = []
    for k in range(count_bins):
        inside = index == k
        count = int(np.count_nonzero(inside))
        table.append(
            ReliabilityBin(
                low=k / count_bins,
                high=(k + 1) / count_bins,
                count=count,
                mean_forecast=float(np.mean(probabilities[inside])) if count else None,
                observed_frequency=float(np.mean(outcomes[inside])) if count else None,
            )
        )
    return table


@dataclass(frozen=True)
class Calibration:
    """Calibration-in-the-large (0 when forecasts are right on average, positive when events
    happen more often than forecast) and calibration slope (1 when the forecasts' spread is
    right, below 1 when they are too extreme), after Cox (1958)."""

    in_the_large: float
    slope: float

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready dict; nan (undefined) becomes ``None``."""
        return {k: None if math.isnan(v) else v for k, v in asdict(self).items()}


def calibration(
    p: npt.ArrayLike, y: npt.ArrayLike, max_iter: int = DEFAULT_MAX_ITER
) -> Calibration:
    """Logistic recalibration (Cox 1958, *Biometrika* 45(3-4)) of forecasts ``p`` clipped to
    [0.001, 0.999]:

    * slope ``b`` of ``logit P(y = 1) = a + b logit(p)``;
    * calibration-in-the-large ``a0`` of ``logit P(y = 1) = a0 + logit(p)`` (``logit(p)`` an
      offset, slope fixed at 1),

    both maximum likelihood by Newton–Raphson (:func:`~sanctionsim.history.logistic.
    newton_logistic`) with at most ``max_iter`` steps.

    Two undefined cases give nan rather than an exception: both values when ``y`` is all 0
    or all 1 (the likelihood has no maximum, ``a0`` runs to infinity), the slope alone when
    every clipped forecast is the same (its logit does not vary, so ``b`` is not identified).

    >>> c = calibration([0.2, 0.3, 0.6, 0.7, 0.4], [0, 1, 0, 1, 1])
    >>> round(c.in_the_large, 4), round(c.slope, 4)
    (0.7508, 0.5544)

    Raises:
        ValueError: invalid ``p`` or ``y``.
        ConvergenceError: Newton–Raphson did not converge in ``max_iter`` steps (the slope
            is infinite when the outcomes are perfectly separated by the forecasts).
    """
    in_the_large = calibration_in_the_large(p, y, max_iter)
    if math.isnan(in_the_large):
        return Calibration(math.nan, math.nan)
    return Calibration(in_the_large, calibration_slope(p, y, max_iter))


def calibration_in_the_large(
    p: npt.ArrayLike, y: npt.ArrayLike, max_iter: int = DEFAULT_MAX_ITER
) -> float:
    """:func:`calibration`'s ``a0`` alone (one Newton fit, not two): nan when ``y`` is constant.

    Raises:
        ValueError: invalid ``p`` or ``y``.
        ConvergenceError: Newton–Raphson did not converge in ``max_iter`` steps.
    """
    probabilities, outcomes = _pair(p, y)
    if outcomes.min() == outcomes.max():
        return math.nan
    x = _logit(probabilities)
    large = newton_logistic(np.ones((x.size, 1)), outcomes, offset=x, max_iter=max_iter)
    if not large.converged:
        raise ConvergenceError(
            f"calibration-in-the-large did not converge in {max_iter} Newton steps"
        )
    return float(large.beta[0])


def calibration_slope(
    p: npt.ArrayLike, y: npt.ArrayLike, max_iter: int = DEFAULT_MAX_ITER
) -> float:
    """:func:`calibration`'s slope ``b`` alone (one Newton fit, not two): nan when ``y`` is
    constant or every clipped forecast is the same.

    Raises:
        ValueError: invalid ``p`` or ``y``.
        ConvergenceError: Newton–Raphson did not converge in ``max_iter`` steps (the outcomes
            are perfectly separated by the forecasts).
    """
    probabilities, outcomes = _pair(p, y)
    x = _logit(probabilities)
    if outcomes.min() == outcomes.max() or np.ptp(x) == 0.0:
        return math.nan
    fit = newton_logistic(np.column_stack([np.ones(x.size), x]), outcomes, max_iter=max_iter)
    if not fit.converged:
        raise ConvergenceError(
            f"calibration slope did not converge in {max_iter} Newton steps"
            " (are the outcomes perfectly separated by the forecasts?)"
        )
    return float(fit.beta[1])


def sharpness(p: npt.ArrayLike) -> float:
    """The variance of the forecasts, ``mean((p - mean(p))^2)`` (population variance): how far
    they stray from a constant forecast, a property of the forecasts alone (Murphy & Winkler
    1987, *Monthly Weather Review* 115(7)). Higher is sharper; only worth having with
    calibration.

    >>> sharpness([0.2, 0.4])
    0.010000000000000002
    """
    return float(np.var(_probabilities(p)))


@dataclass(frozen=True)
class Decomposition:
    """The Brier score split into reliability (lower is better), resolution (higher is better),
    uncertainty (of the outcomes alone) and the within-bin term, such that
    ``brier = reliability - resolution + uncertainty + within_bin`` exactly."""

    reliability: float
    resolution: float
    uncertainty: float
    within_bin: float

    def to_dict(self) -> dict[str, float]:
        """The four terms as a JSON-ready dict."""
        return asdict(self)


def brier_decomposition(
    p: npt.ArrayLike, y: npt.ArrayLike, bins: int = DEFAULT_BINS
) -> Decomposition:
    """Murphy's (1973, *Journal of Applied Meteorology* 12(4)) partition of the mean Brier score
    over the bins of :func:`reliability_table`, with ``n_k`` forecasts in bin k, mean forecast
    ``f_k``, observed frequency ``o_k`` and overall frequency ``o``:

    * reliability ``= sum_k n_k (f_k - o_k)^2 / n``;
    * resolution ``= sum_k n_k (o_k - o)^2 / n``;
    * uncertainty ``= o (1 - o)``;
    * within_bin ``= sum_i [(p_i - f_k(i))^2 - 2 (p_i - f_k(i)) (y_i - o_k(i))] / n``, the
      within-bin variance minus twice the within-bin covariance of Stephenson, Coelho &
      Jolliffe (2008, *Weather and Forecasting* 23(4)); 0 when the forecasts in each bin are
      equal, and what makes ``brier = reliability - resolution + uncertainty + within_bin``
      an identity.

    >>> d = brier_decomposition([0.2, 0.2, 0.8, 0.8], [0, 1, 1, 1])
    >>> round(d.reliability, 4), d.resolution, d.uncertainty, d.within_bin
    (0.065, 0.0625, 0.1875, 0.0)
    """
    count_bins = _bins(bins)
    probabilities, outcomes = _pair(p, y)
    index = _bin_index(probabilities, count_bins)
    counts = np.bincount(index, minlength=count_bins).astype(np.float64)
    safe = np.maximum(counts, 1.0)
    mean_forecast = np.bincount(index, weights=probabilities, minlength=count_bins) / safe
    frequency = np.bincount(index, weights=outcomes, minlength=count_bins) / safe
    overall = float(outcomes.mean())
    n = probabilities.size
    spread = probabilities - mean_forecast[index]
    return Decomposition(
        reliability=float(np.sum(counts * (mean_forecast - frequency) ** 2) / n),
        resolution=float(np.sum(counts * (frequency - overall) ** 2) / n),
        uncertainty=overall * (1.0 - overall),
        within_bin=float(np.mean(spread**2 - 2.0 * spread * (outcomes - frequency[index]))),
    )
