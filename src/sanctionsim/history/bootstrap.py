"""Confidence intervals by resampling whole clusters: the percentile and BCa bootstraps.

:func:`cluster_bootstrap` resamples the ``n_clusters`` clusters with replacement (Davison &
Hinkley 1997, §3.8: with clustered data, the cluster is the unit resampled) and gives the
bias-corrected and accelerated (BCa) interval of Efron (1987) as set out in Efron & Tibshirani
(1993, ch. 14), the acceleration from the jackknife over clusters. The statistic sees only the
indices of the clusters drawn, so any score of the clustered events can be bootstrapped.

**How resamples are drawn** (part of the contract, so results are reproducible): one call
``rng.integers(0, n_clusters, size=(resamples, n_clusters))``, row b holding resample b.

>>> data = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
>>> ci = cluster_bootstrap(lambda i: float(data[i].mean()), 5, resamples=1000,
...                        rng=np.random.default_rng(0))
>>> ci.estimate, ci.method, ci.resamples, ci.dropped, ci.low < 4.0 < ci.high
(4.0, 'bca', 1000, 0, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

DEFAULT_RESAMPLES = 2000
MIN_BCA_CLUSTERS = 3
_NORMAL = NormalDist()


@dataclass(frozen=True)
class Interval:
    """A bootstrap confidence interval around ``estimate`` (the statistic on the full data).

    ``method`` is ``"bca"`` or ``"percentile"`` (the latter also when BCa was asked for but is
    undefined); ``resamples`` counts the resamples used and ``dropped`` those left out because
    the statistic was nan on them.
    """

    estimate: float
    low: float
    high: float
    method: str
    resamples: int
    dropped: int = 0

    def to_dict(self) -> dict[str, float | int | str]:
        """The interval as a JSON-ready dict with the field names as keys."""
        return asdict(self)


def _bca_levels(
    estimate: float, replicates: FloatArray, jackknife: FloatArray, alpha: float
) -> tuple[float, float] | None:
    """The BCa levels (alpha1, alpha2) of Efron & Tibshirani (1993) eq. 14.10, or ``None``
    when undefined (infinite bias correction, no jackknife variation, a non-positive
    denominator, a nan jackknife value).

    z0 = Phi^-1(share of replicates below the estimate, ties counting 1/2) (eq. 14.14);
    a = sum (m - t_i)^3 / (6 [sum (m - t_i)^2]^(3/2)), t_i the leave-one-cluster-out values
    and m their mean (eq. 14.15).
    """
    below = np.count_nonzero(replicates < estimate) + 0.5 * np.count_nonzero(replicates == estimate)
    share = below / replicates.size
    if not 0.0 < share < 1.0 or not np.all(np.isfinite(jackknife)):
        return None
    deviation = jackknife.mean() - jackknife
    squares = float(np.sum(deviation**2))
    if squares == 0.0:
        return None
    z0 = _NORMAL.inv_cdf(share)
    acceleration = float(np.sum(deviation**3)) / (6.0 * squares**1.5)
    levels = []
    for z in (_NORMAL.inv_cdf(alpha), _NORMAL.inv_cdf(1.0 - alpha)):
        denominator = 1.0 - acceleration * (z0 + z)
        if denominator <= 0.0:
            return None
        levels.append(_NORMAL.cdf(z0 + (z0 + z) / denominator))
    return levels[0], levels[1]


def cluster_bootstrap(
    statistic: Callable[[IntArray], float],
    n_clusters: int,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    rng: np.random.Generator,
    level: float = 0.95,
    method: Literal["bca", "percentile"] = "bca",
    batch: Callable[[IntArray], FloatArray] | None = None,
) -> Interval:
    """A two-sided ``level`` confidence interval for ``statistic(np.arange(n_clusters))`` by
    resampling clusters with replacement.

    ``statistic(indices)`` gets the drawn cluster indices (with repetition) and returns a float;
    resamples on which it returns nan are dropped and counted in ``Interval.dropped``.
    ``batch(draws)``, when given, is the statistic of every row of the ``(resamples,
    n_clusters)`` array of draws at once, as an array: it must equal ``statistic`` on each row
    to the bit (a vectorised twin, to spare a Python call per resample); the estimate and the
    jackknife still call ``statistic``.

    * ``method="percentile"``: the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the
      bootstrap replicates (Efron & Tibshirani 1993, ch. 13).
    * ``method="bca"``: the quantiles at the BCa levels (Efron 1987, *JASA* 82(397); Efron &
      Tibshirani 1993, ch. 14), bias correction from the share of replicates below the
      estimate (ties 1/2), acceleration from the jackknife leaving out one cluster at a time.
      Falls back to the percentile interval, recorded as ``method="percentile"``, when BCa is
      undefined: fewer than 3 clusters, all replicates equal, every replicate on one side of
      the estimate, a jackknife value nan or all of them equal.

    Quantiles interpolate linearly between order statistics (``numpy.quantile``'s default).

    Raises:
        ValueError: ``n_clusters`` < 1, ``resamples`` < 1, ``level`` outside (0, 1), an unknown
            ``method``, the statistic nan on the full data or on every resample.
    """
    if n_clusters < 1:
        raise ValueError(f"n_clusters must be at least 1, got {n_clusters}")
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if method not in ("bca", "percentile"):
        raise ValueError(f"method must be 'bca' or 'percentile', got {method!r}")
    full = np.arange(n_clusters)
    estimate = float(statistic(full))
    if math.isnan(estimate):
        raise ValueError("statistic is nan on the full data: nothing to bootstrap")
    draws = rng.integers(0, n_clusters, size=(resamples, n_clusters))
    if batch is not None:
        values = np.asarray(batch(draws), dtype=np.float64).reshape(resamples)
    else:
        values = np.array([float(statistic(row)) for row in draws])
    replicates = values[~np.isnan(values)]
    dropped = resamples - replicates.size
    if replicates.size == 0:
        raise ValueError(f"statistic is nan on all {resamples} resamples")
    alpha = (1.0 - level) / 2.0
    levels: tuple[float, float] | None = None
    if method == "bca" and n_clusters >= MIN_BCA_CLUSTERS and np.ptp(replicates) > 0.0:
        jackknife = np.array([float(statistic(np.delete(full, i))) for i in range(n_clusters)])
        levels = _bca_levels(estimate, replicates, jackknife, alpha)
    used = "bca" if levels is not None else "percentile"
    low, high = np.quantile(replicates, levels if levels is not None else (alpha, 1.0 - alpha))
    return Interval(
        estimate=estimate,
        low=float(low),
        high=float(high),
        method=used,
        resamples=int(replicates.size),
        dropped=int(dropped),
    )
