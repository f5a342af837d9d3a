"""The cluster bootstrap: a BCa computed independently, scipy's BCa, coverage, reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import ndtr, ndtri

from sanctionsim.history.bootstrap import Interval, cluster_bootstrap


def _mean_of(data: np.ndarray):  # type: ignore[no-untyped-def]
    return lambda indices: float(data[indices].mean())


def reference_bca(data: np.ndarray, seed: int, resamples: int, level: float) -> tuple[float, float]:
    """BCa written from Efron & Tibshirani (1993) eqs. 14.10, 14.14, 14.15 for the mean, using the
    documented draw (one rng.integers call of shape (resamples, n)) and scipy's normal functions."""
    n = data.size
    theta = data.mean()
    draws = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    replicates = data[draws].mean(axis=1)
    z0 = ndtri((np.sum(replicates < theta) + 0.5 * np.sum(replicates == theta)) / resamples)
    jack = np.array([np.delete(data, i).mean() for i in range(n)])
    d = jack.mean() - jack
    a = np.sum(d**3) / (6.0 * np.sum(d**2) ** 1.5)
    z = ndtri([(1 - level) / 2, (1 + level) / 2])
    levels = ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
    low, high = np.quantile(replicates, levels)
    return float(low), float(high)


def test_bca_equals_an_independent_computation_on_a_tiny_skewed_example() -> None:
    data = np.array([0.2, 0.5, 0.9, 1.4, 3.0, 7.5])
    interval = cluster_bootstrap(
        _mean_of(data), 6, resamples=300, rng=np.random.default_rng(42), level=0.9
    )
    low, high = reference_bca(data, 42, 300, 0.9)
    assert interval.method == "bca"
    assert interval.estimate == pytest.approx(data.mean(), abs=1e-15)
    assert interval.low == pytest.approx(low, abs=1e-12)
    assert interval.high == pytest.approx(high, abs=1e-12)
    # The skew matters: BCa is not the percentile interval of the same resamples.
    percentile = cluster_bootstrap(
        _mean_of(data),
        6,
        resamples=300,
        rng=np.random.default_rng(42),
        level=0.9,
        method="percentile",
    )
    assert (percentile.low, percentile.high) != (interval.low, interval.high)


@pytest.mark.oracle
@pytest.mark.parametrize("seed", [1, 2])
def test_bca_agrees_with_scipy_within_monte_carlo_error(seed: int) -> None:
    # With B = 10,000 resamples, a 2.5% quantile of the bootstrap distribution has a Monte Carlo
    # standard error of sqrt(0.025 * 0.975 / B) / phi(1.96) = 0.027 standard errors (SE) of the
    # mean; two independent estimates differ by sqrt(2) * 0.027 = 0.038 SE, and the estimated
    # bias correction adds about as much again. 0.2 SE is more than three times the combined
    # error. (scipy draws its resamples with the same single rng.integers call, so with the same
    # seed the two usually agree to rounding; the test does not rely on it.)
    data = np.random.default_rng(100 + seed).lognormal(size=25)
    ours = cluster_bootstrap(_mean_of(data), 25, resamples=10_000, rng=np.random.default_rng(seed))
    theirs = stats.bootstrap(
        (data,), np.mean, n_resamples=10_000, method="BCa", rng=np.random.default_rng(seed)
    ).confidence_interval
    se = data.std(ddof=1) / math.sqrt(data.size)
    assert ours.method == "bca"
    assert abs(ours.low - theirs.low) < 0.2 * se
    assert abs(ours.high - theirs.high) < 0.2 * se


def test_bca_covers_the_true_mean_at_about_the_nominal_rate() -> None:
    # 400 samples of 30 normal observations, a 95% BCa interval for the mean each. For the mean
    # of normal data BCa is close to mean +/- 1.96 * s * sqrt((n - 1) / n) / sqrt(n), whose exact
    # coverage is P(|t_29| < 1.96 * sqrt(29 / 30)) = 0.937. The observed rate has a binomial
    # standard deviation of sqrt(0.937 * 0.063 / 400) = 0.012; [0.90, 0.975] is +/- 3 of them.
    rng = np.random.default_rng(2024)
    covered = 0
    repetitions = 400
    for _ in range(repetitions):
        data = rng.normal(loc=5.0, scale=2.0, size=30)
        interval = cluster_bootstrap(_mean_of(data), 30, resamples=1000, rng=rng)
        covered += interval.low <= 5.0 <= interval.high
    assert 0.90 <= covered / repetitions <= 0.975


def test_same_seed_same_interval_other_seed_other_interval() -> None:
    data = np.random.default_rng(7).exponential(size=12)
    first = cluster_bootstrap(_mean_of(data), 12, resamples=500, rng=np.random.default_rng(3))
    again = cluster_bootstrap(_mean_of(data), 12, resamples=500, rng=np.random.default_rng(3))
    other = cluster_bootstrap(_mean_of(data), 12, resamples=500, rng=np.random.default_rng(4))
    assert first == again
    assert (first.low, first.high) != (other.low, other.high)


def test_percentile_method_is_the_quantiles_of_the_replicates() -> None:
    data = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    interval = cluster_bootstrap(
        _mean_of(data), 8, resamples=400, rng=np.random.default_rng(5), method="percentile"
    )
    draws = np.random.default_rng(5).integers(0, 8, size=(400, 8))
    expected = np.quantile(data[draws].mean(axis=1), [0.025, 0.975])
    assert interval.method == "percentile"
    assert (interval.low, interval.high) == (expected[0], expected[1])


def test_falls_back_to_percentile_with_fewer_than_three_clusters() -> None:
    data = np.array([1.0, 3.0])
    interval = cluster_bootstrap(_mean_of(data), 2, resamples=200, rng=np.random.default_rng(0))
    draws = np.random.default_rng(0).integers(0, 2, size=(200, 2))
    expected = np.quantile(data[draws].mean(axis=1), [0.025, 0.975])
    assert interval.method == "percentile"
    assert (interval.low, interval.high) == (expected[0], expected[1])


def test_falls_back_to_percentile_when_every_resample_is_equal() -> None:
    interval = cluster_bootstrap(lambda _: 0.5, 10, resamples=100, rng=np.random.default_rng(0))
    assert interval == Interval(0.5, 0.5, 0.5, "percentile", 100, 0)


def test_nan_resamples_are_dropped_and_counted() -> None:
    # Undefined (nan) whenever cluster 0 is missing from the resample, like an AUC with no
    # positive case.
    data = np.arange(6, dtype=float)

    def statistic(indices: np.ndarray) -> float:
        return float(data[indices].mean()) if 0 in indices else math.nan

    interval = cluster_bootstrap(statistic, 6, resamples=500, rng=np.random.default_rng(9))
    draws = np.random.default_rng(9).integers(0, 6, size=(500, 6))
    missing = int(np.sum(~np.any(draws == 0, axis=1)))
    assert missing > 0
    assert interval.dropped == missing
    assert interval.resamples == 500 - missing
    assert math.isfinite(interval.low)
    assert math.isfinite(interval.high)
    assert interval.low <= interval.high


def test_to_dict() -> None:
    assert Interval(1.0, 0.5, 1.5, "bca", 2000, 3).to_dict() == {
        "estimate": 1.0,
        "low": 0.5,
        "high": 1.5,
        "method": "bca",
        "resamples": 2000,
        "dropped": 3,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_clusters": 0}, "n_clusters"),
        ({"resamples": 0}, "resamples"),
        ({"level": 1.0}, "level"),
        ({"method": "t"}, "method"),
        ({"statistic": lambda _: math.nan}, "full data"),
    ],
)
def test_invalid_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "statistic": lambda i: float(i.mean()),
        "n_clusters": 5,
        "resamples": 10,
        "rng": np.random.default_rng(0),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        cluster_bootstrap(**arguments)  # type: ignore[arg-type]


def test_nan_on_every_resample_is_refused() -> None:
    def statistic(indices: np.ndarray) -> float:
        return 1.0 if np.array_equal(indices, np.arange(4)) else math.nan

    with pytest.raises(ValueError, match="all 10 resamples"):
        cluster_bootstrap(statistic, 4, resamples=10, rng=np.random.default_rng(0))
