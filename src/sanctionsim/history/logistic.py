"""Logistic regression by Newton–Raphson, plain and ridge-penalised.

* :func:`newton_logistic`: maximises the weighted Bernoulli log-likelihood of
  ``logit P(y=1) = offset + X beta``, optionally minus a ridge penalty, by Newton–Raphson
  (iteratively reweighted least squares, McCullagh & Nelder 1989, §4.4) with step halving and
  an iteration cap. The one numeric core shared by the ridge fit below and by the
  logistic recalibration of :func:`sanctionsim.history.scores.calibration` (Cox 1958).
* :func:`fit_ridge_logistic`: ridge (L2-penalised) logistic regression (le Cessie & van
  Houwelingen 1992) on standardised columns, the intercept unpenalised; returns a frozen
  :class:`RidgeLogistic` whose :meth:`~RidgeLogistic.predict` gives probabilities.

The ridge objective, on the standardised scale ``z = (x - mean) / scale``, is

    sum_i w_i [y_i eta_i - log(1 + exp(eta_i))] - (penalty / 2) ||beta||^2,
    eta_i = intercept + z_i . beta.

>>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
>>> model = fit_ridge_logistic(X, np.array([0, 1, 0, 1]), penalty=1.0)
>>> model.converged, [round(float(v), 4) for v in model.predict(np.array([[0.0], [3.0]]))]
(True, [0.3525, 0.6475])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

DEFAULT_MAX_ITER = 100
DEFAULT_TOL = 1e-10
_MAX_HALVINGS = 40


class ConvergenceError(ArithmeticError):
    """Newton–Raphson reached its iteration cap (or a singular Hessian) without converging,
    typically because the outcomes are perfectly separated and the estimate is infinite."""


@dataclass(frozen=True)
class NewtonFit:
    """Result of :func:`newton_logistic`: the coefficients, the Newton steps taken and whether
    the last step was below the tolerance."""

    beta: FloatArray
    iterations: int
    converged: bool


def _eta(beta: FloatArray, design: FloatArray, offset: FloatArray | None) -> FloatArray:
    # No offset: adding zeros could only turn an eta of -0.0 into +0.0, which every use below
    # (exp(-eta), logaddexp(0, eta), y * eta) maps to the same value, so skipping it moves no bit
    eta: FloatArray = design @ beta if offset is None else offset + design @ beta
    return eta


def _weighted(w: FloatArray | None, values: FloatArray) -> FloatArray:
    # Unit weights are skipped: a product by 1.0 is exact, and the recalibration bootstrap
    # fits thousands of unweighted models
    return values if w is None else w * values


def _objective(
    beta: FloatArray,
    design: FloatArray,
    y: FloatArray,
    offset: FloatArray | None,
    w: FloatArray | None,
    ridge: FloatArray,
) -> float:
    eta = _eta(beta, design, offset)
    loglik = np.sum(_weighted(w, y * eta - np.logaddexp(0.0, eta)))
    return float(loglik - 0.5 * np.sum(ridge * beta**2))


def newton_logistic(
    design: FloatArray,
    y: FloatArray,
    *,
    offset: FloatArray | None = None,
    sample_weight: FloatArray | None = None,
    ridge: FloatArray | None = None,
    max_iter: int = DEFAULT_MAX_ITER,
    tol: float = DEFAULT_TOL,
) -> NewtonFit:
    """Maximise ``sum_i w_i [y_i eta_i - log(1 + e^eta_i)] - 1/2 sum_k ridge_k beta_k^2`` with
    ``eta = offset + design @ beta`` by Newton–Raphson from ``beta = 0`` (IRLS, McCullagh &
    Nelder 1989, §4.4).

    Each step solves ``H step = g`` with the gradient ``g = X'w(y - mu) - ridge*beta`` and the
    negative Hessian ``H = X' diag(w mu (1 - mu)) X + diag(ridge)``; the step is halved while it
    lowers the objective (the objective is concave, so a full step is usually taken). Converged
    when the largest step component is at most ``tol * max(1, max|beta|)``. A singular Hessian
    or a non-finite step stops the iteration with ``converged=False``. Inputs are not validated
    here (callers do). A missing offset, weight or ridge is zero, one and zero.
    """
    k = design.shape[1]
    pen = np.zeros(k) if ridge is None else ridge
    beta = np.zeros(k)
    current = _objective(beta, design, y, offset, sample_weight, pen)
    for iteration in range(1, max_iter + 1):
        with np.errstate(over="ignore"):  # exp overflows to inf where mu is 0: the right limit
            mu = 1.0 / (1.0 + np.exp(-_eta(beta, design, offset)))
        gradient = design.T @ _weighted(sample_weight, y - mu) - pen * beta
        hessian = (design.T * _weighted(sample_weight, mu * (1.0 - mu))) @ design + np.diag(pen)
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            return NewtonFit(beta, iteration, False)
        if not np.all(np.isfinite(step)):
            return NewtonFit(beta, iteration, False)
        candidate = None  # the objective at beta + step, once the step is chosen
        for _ in range(_MAX_HALVINGS):
            candidate = _objective(beta + step, design, y, offset, sample_weight, pen)
            if candidate >= current or np.max(np.abs(step)) <= tol:
                break
            step = step / 2.0
            candidate = None  # halved after it was evaluated: no longer beta + step's
        beta = beta + step
        if candidate is None:
            current = _objective(beta, design, y, offset, sample_weight, pen)
        else:
            current = candidate
        if np.max(np.abs(step), initial=0.0) <= tol * max(
            1.0, float(np.max(np.abs(beta), initial=0.0))
        ):
            return NewtonFit(beta, iteration, True)
    return NewtonFit(beta, max_iter, False)


@dataclass(frozen=True)
class RidgeLogistic:
    """A fitted ridge logistic regression (le Cessie & van Houwelingen 1992).

    ``coefficients`` apply to the standardised columns ``(x - means) / scales``; a constant
    training column has scale 1 and coefficient 0. ``iterations`` counts Newton steps and
    ``converged`` says whether the last one was below the tolerance.
    """

    intercept: float
    coefficients: FloatArray
    means: FloatArray
    scales: FloatArray
    iterations: int
    converged: bool

    def linear_predictor(self, X: npt.ArrayLike) -> FloatArray:
        """The log-odds ``intercept + ((X - means) / scales) @ coefficients``."""
        x = _matrix(X, "X")
        if x.shape[1] != self.coefficients.size:
            raise ValueError(
                f"X has {x.shape[1]} columns but the model was fitted on {self.coefficients.size}"
            )
        result: FloatArray = self.intercept + ((x - self.means) / self.scales) @ self.coefficients
        return result

    def predict(self, X: npt.ArrayLike) -> FloatArray:
        """Probabilities ``1 / (1 + exp(-linear_predictor(X)))``, one per row of ``X``."""
        result: FloatArray = 1.0 / (1.0 + np.exp(-self.linear_predictor(X)))
        return result


def _matrix(X: npt.ArrayLike, name: str) -> FloatArray:
    x = np.asarray(X, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array (rows x features), got {x.ndim} dimensions")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite (no nan or inf)")
    return x


def fit_ridge_logistic(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    penalty: float,
    sample_weight: npt.ArrayLike | None = None,
    max_iter: int = DEFAULT_MAX_ITER,
    tol: float = DEFAULT_TOL,
) -> RidgeLogistic:
    """Ridge logistic regression (le Cessie & van Houwelingen 1992) by Newton–Raphson.

    Columns are standardised with the training mean and standard deviation (both weighted by
    ``sample_weight`` when given, so integer weights equal repeated rows; the standard deviation
    divides by the total weight); a constant column gets scale 1 and coefficient 0. Maximises
    the weighted log-likelihood minus ``penalty / 2 * ||beta||^2`` on the standardised scale,
    the intercept unpenalised. With ``penalty = 0`` this is maximum likelihood, which does not
    exist under perfect separation; nor does the unpenalised intercept when ``y`` holds one
    class only. Then the fit stops at ``max_iter`` with ``converged`` False and predictions
    next to 0 or 1.

    Raises:
        ValueError: ``X`` not 2-d or not finite, ``y`` not 0/1 or of another length,
            ``penalty`` negative or not finite, ``sample_weight`` negative, non-finite, of
            another length or summing to 0, no rows, ``max_iter`` below 1.
    """
    x = _matrix(X, "X")
    n = x.shape[0]
    if n == 0:
        raise ValueError("X must have at least one row")
    outcome = np.asarray(y, dtype=np.float64)
    if outcome.shape != (n,):
        raise ValueError(f"y must be 1-d with one entry per row of X ({n}), got {outcome.shape}")
    if not np.all((outcome == 0.0) | (outcome == 1.0)):
        raise ValueError("y must hold only 0 and 1")
    if not (np.isfinite(penalty) and penalty >= 0.0):
        raise ValueError(f"penalty must be finite and non-negative, got {penalty}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter}")
    if sample_weight is None:
        w = np.ones(n)
    else:
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.shape != (n,):
            raise ValueError(f"sample_weight must be 1-d with {n} entries, got {w.shape}")
        if not np.all(np.isfinite(w)) or np.any(w < 0.0) or w.sum() <= 0.0:
            raise ValueError("sample_weight must be finite, non-negative and not all 0")
    means = (w @ x) / w.sum()
    spread = np.sqrt((w @ (x - means) ** 2) / w.sum())
    varying = spread > 1e-12 * np.maximum(1.0, np.abs(means))
    scales = np.where(varying, spread, 1.0)
    z = (x[:, varying] - means[varying]) / scales[varying]
    design = np.column_stack([np.ones(n), z])
    ridge = np.concatenate([[0.0], np.full(z.shape[1], float(penalty))])
    fit = newton_logistic(design, outcome, sample_weight=w, ridge=ridge, max_iter=max_iter, tol=tol)
    coefficients = np.zeros(x.shape[1])
    coefficients[varying] = fit.beta[1:]
    return RidgeLogistic(
        intercept=float(fit.beta[0]),
        coefficients=coefficients,
        means=means,
        scales=scales,
        iterations=fit.iterations,
        converged=fit.converged,
    )
