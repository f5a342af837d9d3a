"""How a member decides at an epoch: model v2's anchored logit choice (docs/model-v2.md, item 4).

At an epoch (:mod:`sanctionsim.dynamics.epochs`) member i eases with probability

    p_it = Λ(θ_t + λ · ΔV_it / S_it),    Λ(x) = 1 / (1 + exp(−x))

the logit quantal response (McKelvey & Palfrey 1995, *Games and Economic Behavior* 10(1);
Signorino 1999, *APSR* 93(2) for strategic choice in international relations). ΔV_it is the
value of easing minus holding, S_it the member's monthly stake (a scale, so λ is dimensionless
and comparable across cases on different utility units), λ the one fitted slope.

**θ is anchored, not fitted** (:func:`anchored_intercept`): a member indifferent between easing
and holding (ΔV = 0) eases at the monthly rate at which senders of its episode's group
capitulate at the episode's age in TIES (docs/climatology.md). With epochs at rate ω, the chance
per epoch is that monthly hazard over ω, capped at 1/2 (indifference never makes easing more
likely than holding).

A member's easing is also carried smoothly along each path, as 1 − Π_t(1 − e_t·p_t) with e_t
the epoch probability (:func:`smooth_cumulative`), so the forecast is smooth in λ and α and
never exactly 0 or 1 for the log score.

>>> theta = anchored_intercept("io", age_months=0.0, horizon=3, omega=1 / 12)
>>> [round(float(p), 4) for p in logistic(theta)]  # per epoch, when indifferent
[0.0363, 0.0275, 0.0248]
>>> bool(np.allclose(logistic(theta) / 12, monthly_capitulation("io", 0.0, 3)))  # per month
True
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MAX_INDIFFERENT = 0.5
"""The per-epoch easing probability of an indifferent member never exceeds 1/2."""


def logistic(x: npt.ArrayLike) -> FloatArray:
    """Λ(x) = 1/(1 + e^(−x)), computed without overflow."""
    values = np.asarray(x, dtype=np.float64)
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * values)), dtype=np.float64)


def logit(p: npt.ArrayLike) -> FloatArray:
    """The inverse of :func:`logistic` on (0, 1)."""
    values = np.asarray(p, dtype=np.float64)
    return np.asarray(np.log(values) - np.log1p(-values), dtype=np.float64)


def monthly_capitulation(group: str, age_months: float, horizon: int) -> FloatArray:
    """The TIES chance that a sender of ``group`` capitulates in month t (t = 1..horizon) of a
    case that starts ``age_months`` into its episode, given the episode is still in force."""
    from sanctionsim.history.climatology import conditional_incidence

    return np.array(
        [
            conditional_incidence(group, "sender_capitulates", age_months + t - 1, 1.0)
            for t in range(1, horizon + 1)
        ]
    )


def anchored_intercept(group: str, age_months: float, horizon: int, omega: float) -> FloatArray:
    """θ_t = logit(min(1/2, h_cap(a + t) / ω)) for t = 1..horizon.

    Raises:
        ValueError: ``omega`` outside (0, 1], or a bad group or age (from the climatology).
    """
    if not 0.0 < omega <= 1.0:
        raise ValueError(f"omega must lie in (0, 1], got {omega}")
    per_epoch = np.minimum(
        MAX_INDIFFERENT, monthly_capitulation(group, age_months, horizon) / omega
    )
    return logit(np.clip(per_epoch, 1e-12, MAX_INDIFFERENT))


def easing_probability(
    theta: FloatArray | float,
    slope: float,
    gain: FloatArray,
    stake: FloatArray,
    *,
    bounded: bool = False,
) -> FloatArray:
    """p = Λ(θ + λ·ΔV/S); a member with no stake (S = 0) is indifferent.

    ``bounded`` (model v2c, docs/model-v2.md C1): the ratio is clipped to [−1, 1], S being then
    everything at stake in the decision, so λ is the largest shift of the log-odds from θ.

    Raises:
        ValueError: a negative slope (more gain from easing must never make it less likely).

    >>> easing_probability(0.0, 2.0, np.array([0.0, 1.0, -1.0]), np.array([1.0, 1.0, 0.0]))
    array([0.5       , 0.88079708, 0.5       ])
    >>> easing_probability(0.0, 2.0, np.array([3.0, -1.0, 1.0]), np.array([1.0, 2.0, 0.0]),
    ...                    bounded=True)
    array([0.88079708, 0.26894142, 0.5       ])
    """
    if slope < 0:
        raise ValueError(f"slope (lambda) must be >= 0, got {slope}")
    safe = np.where(stake > 0, stake, 1.0)
    with np.errstate(over="ignore"):  # a gain over a tiny stake: ±inf, which the clip bounds
        ratio = np.where(stake > 0, gain / safe, 0.0)
    if bounded:
        ratio = np.clip(ratio, -1.0, 1.0)
    return logistic(np.asarray(theta) + slope * ratio)


def smooth_cumulative(hazards: FloatArray) -> FloatArray:
    """1 − Π_{s ≤ t}(1 − h_s) along the first axis (months): the chance of easing by month t.

    >>> smooth_cumulative(np.array([0.5, 0.5, 0.0])).tolist()
    [0.5, 0.75, 0.75]
    """
    if np.any((hazards < 0) | (hazards > 1)):
        raise ValueError("hazards must lie in [0, 1]")
    return np.asarray(1.0 - np.cumprod(1.0 - hazards, axis=0), dtype=np.float64)
