"""Ridge logistic regression against statsmodels, and its properties."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.history.logistic import fit_ridge_logistic, newton_logistic

pytestmark = pytest.mark.oracle


def _data(seed: int, n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Three features on different scales and locations, outcomes from a known logistic model."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 3.0, 0.5] + [0.0, 2.0, -1.0]
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ [1.0, -0.3, 0.8])))).astype(float)
    return X, y


def _standardised(X: np.ndarray) -> np.ndarray:
    return sm.add_constant((X - X.mean(axis=0)) / X.std(axis=0))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_penalty_zero_is_maximum_likelihood_as_statsmodels_logit(seed: int) -> None:
    X, y = _data(seed)
    model = fit_ridge_logistic(X, y, penalty=0.0)
    oracle = sm.Logit(y, _standardised(X)).fit(disp=0, tol=1e-12)
    assert model.converged
    np.testing.assert_allclose(model.intercept, oracle.params[0], atol=1e-8)
    np.testing.assert_allclose(model.coefficients, oracle.params[1:], atol=1e-8)
    np.testing.assert_allclose(model.predict(X), oracle.predict(_standardised(X)), atol=1e-10)


@pytest.mark.parametrize(("seed", "penalty"), [(0, 0.5), (1, 5.0), (2, 40.0)])
def test_ridge_equals_statsmodels_elastic_net_with_no_l1(seed: int, penalty: float) -> None:
    # statsmodels minimises -loglike/n + alpha/2 ||params||^2, ours -loglike + penalty/2 ||beta||^2:
    # alpha = penalty / n, and 0 for the intercept. Its ridge path uses scipy.optimize (newton-cg
    # reaches about 1e-7 here; the default BFGS stops near 3e-5), hence the 1e-5 tolerance.
    X, y = _data(seed)
    n = y.size
    model = fit_ridge_logistic(X, y, penalty=penalty)
    alpha = np.r_[0.0, np.full(3, penalty / n)]
    oracle = sm.GLM(y, _standardised(X), family=sm.families.Binomial()).fit_regularized(
        method="elastic_net", alpha=alpha, L1_wt=0.0, opt_method="newton-cg"
    )
    assert model.converged
    np.testing.assert_allclose(model.intercept, oracle.params[0], atol=1e-5)
    np.testing.assert_allclose(model.coefficients, oracle.params[1:], atol=1e-5)


def test_ridge_solution_zeroes_the_penalised_gradient() -> None:
    # The optimality condition, exact to rounding: Z'(y - mu) = penalty * beta, intercept 0.
    X, y = _data(3)
    model = fit_ridge_logistic(X, y, penalty=2.0)
    Z = (X - model.means) / model.scales
    residual = y - model.predict(X)
    np.testing.assert_allclose(residual.sum(), 0.0, atol=1e-9)
    np.testing.assert_allclose(Z.T @ residual, 2.0 * model.coefficients, atol=1e-9)


def test_integer_weights_equal_repeated_rows() -> None:
    X, y = _data(4, n=30)
    weights = np.random.default_rng(5).integers(1, 4, size=30)
    weighted = fit_ridge_logistic(X, y, penalty=1.5, sample_weight=weights)
    repeated = fit_ridge_logistic(np.repeat(X, weights, axis=0), np.repeat(y, weights), penalty=1.5)
    np.testing.assert_allclose(weighted.means, repeated.means, atol=1e-12)
    np.testing.assert_allclose(weighted.scales, repeated.scales, atol=1e-12)
    np.testing.assert_allclose(weighted.coefficients, repeated.coefficients, atol=1e-9)
    np.testing.assert_allclose(weighted.intercept, repeated.intercept, atol=1e-9)


def test_constant_column_gets_scale_one_and_zero_coefficient() -> None:
    X, y = _data(6)
    with_constant = np.column_stack([X[:, 0], np.full(y.size, 7.0), X[:, 1:]])
    model = fit_ridge_logistic(with_constant, y, penalty=0.0)
    without = fit_ridge_logistic(X, y, penalty=0.0)
    assert model.scales[1] == 1.0
    assert model.coefficients[1] == 0.0
    np.testing.assert_allclose(model.coefficients[[0, 2, 3]], without.coefficients, atol=1e-10)
    np.testing.assert_allclose(model.predict(with_constant), without.predict(X), atol=1e-12)


def test_separated_data_without_penalty_does_not_converge_and_ridge_does() -> None:
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    assert not fit_ridge_logistic(X, y, penalty=0.0).converged
    assert fit_ridge_logistic(X, y, penalty=1.0).converged


def test_one_class_only_does_not_converge_and_predicts_that_class() -> None:
    X, _ = _data(9, n=10)
    model = fit_ridge_logistic(X, np.zeros(10), penalty=1.0)
    assert not model.converged
    assert np.all(model.predict(X) < 1e-10)


def test_newton_with_offset_matches_statsmodels_glm_offset() -> None:
    X, y = _data(7)
    offset = 0.3 * X[:, 0]
    fit = newton_logistic(np.ones((y.size, 1)), y, offset=offset)
    oracle = sm.GLM(y, np.ones(y.size), family=sm.families.Binomial(), offset=offset).fit(tol=1e-12)
    assert fit.converged
    np.testing.assert_allclose(fit.beta, oracle.params, atol=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"X": np.ones(3), "y": [0, 1, 0]}, "X"),
        ({"X": [[np.nan], [1.0]], "y": [0, 1]}, "X"),
        ({"X": [[0.0], [1.0]], "y": [0, 2]}, "y"),
        ({"X": [[0.0], [1.0]], "y": [0, 1, 1]}, "y"),
        ({"X": [[0.0], [1.0]], "y": [0, 1], "penalty": -1.0}, "penalty"),
        ({"X": [[0.0], [1.0]], "y": [0, 1], "sample_weight": [1.0, -1.0]}, "sample_weight"),
        ({"X": np.empty((0, 2)), "y": []}, "X"),
    ],
)
def test_invalid_input_names_the_argument(kwargs: dict[str, object], name: str) -> None:
    arguments: dict[str, object] = {"penalty": 1.0, **kwargs}
    with pytest.raises(ValueError, match=name):
        fit_ridge_logistic(**arguments)  # type: ignore[arg-type]


def test_predict_checks_the_column_count() -> None:
    X, y = _data(8)
    with pytest.raises(ValueError, match="columns"):
        fit_ridge_logistic(X, y, penalty=1.0).predict(X[:, :2])


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(6, 40),
    penalty=st.floats(0.01, 50.0),
    factor=st.floats(1.5, 20.0),
)
def test_properties_predictions_are_probabilities_and_penalty_shrinks(
    seed: int, n: int, penalty: float, factor: float
) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * rng.uniform(0.1, 10.0, size=2)
    y = rng.integers(0, 2, size=n)
    y[:2] = [0, 1]  # both classes, else the unpenalised intercept has no finite maximum
    weak = fit_ridge_logistic(X, y, penalty=penalty)
    strong = fit_ridge_logistic(X, y, penalty=penalty * factor)
    assert weak.converged
    assert strong.converged
    probabilities = weak.predict(X)
    assert np.all((probabilities > 0.0) & (probabilities < 1.0))
    # The ridge path: the coefficient norm strictly shrinks as the penalty grows, unless the
    # coefficients are already (numerically) 0.
    weak_norm = float(np.linalg.norm(weak.coefficients))
    assert np.linalg.norm(strong.coefficients) < weak_norm or weak_norm < 1e-9


def test_an_offset_far_out_in_the_tail_fits_without_a_warning() -> None:
    # a bootstrap resample's calibration fit can meet offsets beyond exp's range; mu is then
    # exactly 0 or 1, and `history` used to print numpy's overflow warning on stderr
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = newton_logistic(
            np.ones((2, 1)), np.array([0.0, 1.0]), offset=np.array([-800.0, 800.0])
        )
    assert np.all(np.isfinite(fit.beta))
