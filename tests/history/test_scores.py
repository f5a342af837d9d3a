"""Forecast statistics against hand computations, peer libraries and exact identities."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from sanctionsim.history.logistic import ConvergenceError
from sanctionsim.history.scores import (
    Calibration,
    Decomposition,
    ReliabilityBin,
    auc,
    brier_decomposition,
    brier_scores,
    c_index,
    calibration,
    log_scores,
    reliability_table,
    sharpness,
)

# Forecasts on a coarse grid so that ties (in forecasts, and between forecasts and bin edges)
# are common, as they are for Monte Carlo frequencies.
probabilities = st.sampled_from([i / 20 for i in range(21)])


@st.composite
def forecasts_and_outcomes(draw: st.DrawFn, min_size: int = 1) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(min_size, 60))
    p = np.array(draw(st.lists(probabilities, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    return p, y


# ---------------------------------------------------------------- Brier and log scores


def test_brier_scores_by_hand() -> None:
    np.testing.assert_allclose(
        brier_scores([0.7, 0.2, 0.5, 1.0], [1, 0, 0, 0]), [0.09, 0.04, 0.25, 1]
    )


def test_log_scores_by_hand_and_clipped() -> None:
    scores = log_scores([0.8, 0.8, 0.0, 1.0], [1, 0, 0, 0])
    np.testing.assert_allclose(
        scores, [-math.log(0.8), -math.log(0.2), -math.log(0.999), -math.log(0.001)]
    )
    assert np.all(np.isfinite(log_scores([0.0, 1.0], [1, 0], clip=1e-9)))
    with pytest.raises(ValueError, match="clip"):
        log_scores([0.5], [1], clip=0.0)


@settings(max_examples=60, deadline=None)
@given(forecasts_and_outcomes())
def test_mean_scores_equal_scikit_learn(data: tuple[np.ndarray, np.ndarray]) -> None:
    p, y = data
    assert brier_scores(p, y).mean() == pytest.approx(
        brier_score_loss(y, p, pos_label=1), abs=1e-12
    )
    clipped = np.clip(p, 0.001, 0.999)
    expected = log_loss(y, clipped, labels=[0, 1])
    assert log_scores(p, y).mean() == pytest.approx(expected, abs=1e-12)


# ---------------------------------------------------------------- AUC


def test_auc_by_hand_with_a_tie() -> None:
    # Positives 0.5, 0.9; negatives 0.1, 0.5: pairs (0.5,0.1)=1, (0.5,0.5)=1/2, (0.9,*)=1+1 -> 3.5/4
    assert auc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1]) == 0.875
    assert auc([0.9, 0.1], [0, 1]) == 0.0
    assert auc([0.3, 0.3, 0.3], [0, 1, 0]) == 0.5


def test_auc_is_none_with_one_class() -> None:
    assert auc([0.1, 0.9], [0, 0]) is None
    assert auc([0.1, 0.9], [1, 1]) is None


@settings(max_examples=100, deadline=None)
@given(forecasts_and_outcomes(min_size=2))
def test_auc_equals_scikit_learn_and_mann_whitney(data: tuple[np.ndarray, np.ndarray]) -> None:
    p, y = data
    value = auc(p, y)
    if y.min() == y.max():
        assert value is None
        return
    assert value == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    positives, negatives = p[y == 1], p[y == 0]
    u = mannwhitneyu(positives, negatives, alternative="two-sided").statistic
    assert value == pytest.approx(u / (positives.size * negatives.size), abs=1e-12)


# ---------------------------------------------------------------- C-index


def brute_force_c_index(risk: list[float], time: list[float], event: list[int]) -> float | None:
    """Harrell's C by enumerating every ordered pair, straight from the definition."""
    concordant = 0.0
    comparable = 0
    for i in range(len(risk)):
        for j in range(len(risk)):
            if event[i] == 1 and time[j] > time[i]:
                comparable += 1
                if risk[i] > risk[j]:
                    concordant += 1.0
                elif risk[i] == risk[j]:
                    concordant += 0.5
    return concordant / comparable if comparable else None


def test_c_index_by_hand_with_censoring_and_inf() -> None:
    # a: event at 2, risk 0.8   b: censored at 3, risk 0.9   c: event at 5, risk 0.4
    # d: never at risk (inf), risk 0.4   e: censored at 1, risk 0.1 (before every event: no pair)
    risk = [0.8, 0.9, 0.4, 0.4, 0.1]
    time = [2.0, 3.0, 5.0, math.inf, 1.0]
    event = [1, 0, 1, 0, 0]
    # comparable: (a,b) discordant 0; (a,c) 1; (a,d) 1; (c,d) tie 1/2 -> 2.5 / 4
    assert c_index(risk, time, event) == 0.625
    assert brute_force_c_index(risk, time, event) == 0.625


def test_c_index_pairs_tied_in_time_are_not_comparable() -> None:
    assert c_index([0.9, 0.1], [3.0, 3.0], [1, 1]) is None
    assert c_index([0.9, 0.1], [3.0, 3.0], [1, 0]) is None
    assert c_index([0.2, 0.9], [1.0, 2.0], [0, 0]) is None


def test_c_index_with_one_time_and_inf_is_the_auc() -> None:
    # Events all at one time, everyone else never at risk: the comparable pairs are exactly the
    # (positive, negative) pairs of the AUC.
    risk = np.array([0.1, 0.5, 0.5, 0.9, 0.3, 0.7])
    event = np.array([0, 0, 1, 1, 1, 0])
    time = np.where(event == 1, 12.0, np.inf)
    assert c_index(risk, time, event) == pytest.approx(auc(risk, event), abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
            st.sampled_from([1.0, 2.0, 3.0, 4.0, math.inf]),
            st.integers(0, 1),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_c_index_equals_brute_force(rows: list[tuple[float, float, int]]) -> None:
    risk = [r for r, _, _ in rows]
    time = [t for _, t, _ in rows]
    event = [e if math.isfinite(t) else 0 for _, t, e in rows]
    expected = brute_force_c_index(risk, time, event)
    value = c_index(risk, time, event)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("risk", "time", "event", "name"),
    [
        ([0.1], [math.inf], [1], "event"),
        ([0.1, 0.2], [1.0], [1, 0], "time"),
        ([0.1, np.nan], [1.0, 2.0], [1, 0], "risk"),
        ([0.1, 0.2], [1.0, np.nan], [1, 0], "time"),
        ([0.1, 0.2], [1.0, -math.inf], [1, 0], "time"),
        ([0.1, 0.2], [1.0, 2.0], [1, 2], "event"),
        ([], [], [], "risk"),
    ],
)
def test_c_index_rejects_bad_input(
    risk: list[float], time: list[float], event: list[int], name: str
) -> None:
    with pytest.raises(ValueError, match=name):
        c_index(risk, time, event)


# ---------------------------------------------------------------- reliability table


def test_reliability_table_by_hand() -> None:
    table = reliability_table([0.05, 0.15, 0.35, 0.95, 1.0], [0, 0, 1, 1, 1], bins=5)
    assert [(b.low, b.high, b.count) for b in table] == [
        (0.0, 0.2, 2),
        (0.2, 0.4, 1),
        (0.4, 0.6, 0),
        (0.6, 0.8, 0),
        (0.8, 1.0, 2),
    ]
    assert table[0].mean_forecast == pytest.approx(0.1)
    assert table[0].observed_frequency == 0.0
    assert table[2] == ReliabilityBin(0.4, 0.6, 0, None, None)
    assert table[4].mean_forecast == pytest.approx(0.975)
    assert table[4].to_dict() == {
        "low": 0.8,
        "high": 1.0,
        "count": 2,
        "mean_forecast": table[4].mean_forecast,
        "observed_frequency": 1.0,
    }


@settings(max_examples=60, deadline=None)
@given(forecasts_and_outcomes(), st.integers(1, 12))
def test_reliability_table_counts_every_forecast_in_its_bin(
    data: tuple[np.ndarray, np.ndarray], bins: int
) -> None:
    p, y = data
    table = reliability_table(p, y, bins=bins)
    assert sum(b.count for b in table) == p.size
    for b in table:
        if b.count:
            # a mean of equal forecasts may land an ulp outside the bin (0.7 -> 0.6999999999999998)
            assert b.low - 1e-12 <= b.mean_forecast <= b.high + 1e-12  # type: ignore[operator]


def test_reliability_table_rejects_bad_bins() -> None:
    for bins in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="bins"):
            reliability_table([0.5], [1], bins=bins)  # type: ignore[arg-type]


# ---------------------------------------------------------------- calibration


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 0.001, 0.999)
    return np.log(q / (1 - q))


@pytest.mark.oracle
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_calibration_equals_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.0, 1.0, size=50)
    p[:2] = [0.0, 1.0]  # clipped to 0.001 and 0.999
    y = (rng.random(50) < 0.3 + 0.4 * p).astype(float)
    result = calibration(p, y)
    x = _logit(p)
    slope = sm.Logit(y, sm.add_constant(x)).fit(disp=0, tol=1e-12).params[1]
    large = sm.GLM(y, np.ones(50), family=sm.families.Binomial(), offset=x).fit(tol=1e-12).params[0]
    assert result.slope == pytest.approx(slope, abs=1e-8)
    assert result.in_the_large == pytest.approx(large, abs=1e-8)


def test_calibration_slope_undoes_a_known_distortion() -> None:
    # If p' = expit(c + d logit p), the fitted logit a + b logit p equals a - bc/d + (b/d) logit p':
    # the slope of p' is exactly the slope of p divided by d (no clipping in this range).
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, size=200)
    y = (rng.random(200) < p).astype(float)
    distorted = 1.0 / (1.0 + np.exp(-(0.4 + 2.0 * _logit(p))))
    assert calibration(distorted, y).slope == pytest.approx(calibration(p, y).slope / 2.0, rel=1e-8)


def test_calibration_of_honest_forecasts_is_near_zero_and_one() -> None:
    # 20,000 outcomes drawn with the forecast probabilities: the standard errors are about 0.02
    # (slope) and 0.017 (intercept); 0.1 is five of them, and the seed is fixed.
    rng = np.random.default_rng(11)
    p = rng.uniform(0.02, 0.98, size=20_000)
    y = (rng.random(20_000) < p).astype(float)
    result = calibration(p, y)
    assert abs(result.in_the_large) < 0.1
    assert abs(result.slope - 1.0) < 0.1


def test_calibration_undefined_cases_are_nan() -> None:
    all_zero = calibration([0.2, 0.7, 0.4], [0, 0, 0])
    assert math.isnan(all_zero.in_the_large)
    assert math.isnan(all_zero.slope)
    assert all_zero.to_dict() == {"in_the_large": None, "slope": None}
    assert math.isnan(calibration([0.2, 0.7], [1, 1]).slope)
    constant = calibration([1 / 3] * 4, [0, 1, 0, 0])
    # logit P = a0 + logit(1/3) with P = 1/4: a0 = logit(1/4) - logit(1/3)
    assert constant.in_the_large == pytest.approx(math.log(1 / 3) - math.log(1 / 2), abs=1e-10)
    assert math.isnan(constant.slope)


def test_calibration_raises_when_separation_makes_the_slope_infinite() -> None:
    with pytest.raises(ConvergenceError, match="slope"):
        calibration([0.2, 0.3, 0.6, 0.8], [0, 0, 1, 1])


def test_calibration_to_dict() -> None:
    assert Calibration(0.25, 0.5).to_dict() == {"in_the_large": 0.25, "slope": 0.5}


# ---------------------------------------------------------------- sharpness and decomposition


def test_sharpness_is_the_population_variance() -> None:
    assert sharpness([0.2, 0.4, 0.9]) == pytest.approx(np.var([0.2, 0.4, 0.9]), abs=1e-15)
    assert sharpness([0.3] * 5) == 0.0
    assert sharpness([0.0, 1.0]) == 0.25


def test_decomposition_by_hand() -> None:
    # Bins: {0.1, 0.1} with outcomes {0, 1}, {0.7} with {1}; overall frequency 2/3.
    d = brier_decomposition([0.1, 0.1, 0.7], [0, 1, 1], bins=5)
    assert d.reliability == pytest.approx((2 * 0.4**2 + 0.3**2) / 3)
    assert d.resolution == pytest.approx((2 * (0.5 - 2 / 3) ** 2 + (1 / 3) ** 2) / 3)
    assert d.uncertainty == pytest.approx(2 / 9)
    assert d.within_bin == 0.0
    assert d.to_dict() == {
        "reliability": d.reliability,
        "resolution": d.resolution,
        "uncertainty": d.uncertainty,
        "within_bin": 0.0,
    }


@settings(max_examples=150, deadline=None)
@given(forecasts_and_outcomes(), st.integers(1, 10))
def test_decomposition_is_an_identity(data: tuple[np.ndarray, np.ndarray], bins: int) -> None:
    p, y = data
    d = brier_decomposition(p, y, bins=bins)
    brier = brier_scores(p, y).mean()
    assert d.reliability - d.resolution + d.uncertainty + d.within_bin == pytest.approx(
        brier, abs=1e-12
    )
    assert d.reliability >= 0.0
    assert d.resolution >= 0.0
    assert d.uncertainty == pytest.approx(y.mean() * (1 - y.mean()), abs=1e-15)


def test_within_bin_term_is_zero_when_bins_hold_equal_forecasts_and_not_otherwise() -> None:
    y = np.array([0, 1, 1, 0, 1])
    assert brier_decomposition([0.1, 0.1, 0.5, 0.5, 0.5], y, bins=5).within_bin == 0.0
    assert brier_decomposition([0.0, 0.19, 0.5, 0.5, 0.5], y, bins=5).within_bin != 0.0


def test_decomposition_of_a_perfect_forecaster() -> None:
    d = brier_decomposition([0.0, 1.0, 1.0, 0.0], [0, 1, 1, 0], bins=5)
    assert d == Decomposition(reliability=0.0, resolution=0.25, uncertainty=0.25, within_bin=0.0)


# ---------------------------------------------------------------- validation

TWO_ARGUMENT: list[Callable[..., object]] = [
    brier_scores,
    log_scores,
    auc,
    reliability_table,
    calibration,
    brier_decomposition,
]


@pytest.mark.parametrize("function", TWO_ARGUMENT, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("p", "y", "name"),
    [
        ([], [], "p"),
        ([0.5, np.nan], [1, 0], "p"),
        ([0.5, 1.2], [1, 0], "p"),
        ([-0.1, 0.5], [1, 0], "p"),
        ([[0.5, 0.5]], [1, 0], "p"),
        ([0.5, 0.5], [1, 2], "y"),
        ([0.5, 0.5], [1, np.nan], "y"),
        ([0.5, 0.5], [1, 0, 1], "y"),
    ],
)
def test_invalid_input_names_the_argument(
    function: Callable[..., object], p: list[float], y: list[float], name: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{name} "):
        function(p, y)


@pytest.mark.parametrize("p", [[], [np.nan], [1.5]])
def test_sharpness_rejects_bad_forecasts(p: list[float]) -> None:
    with pytest.raises(ValueError, match=r"^p "):
        sharpness(p)
