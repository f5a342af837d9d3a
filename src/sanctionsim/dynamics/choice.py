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

INCLINATION_SCALE = float(np.pi / np.sqrt(3.0))
"""σ of model v2e (docs/model-v2.md, E1): the persistent shock z_i ~ N(0, 1) enters the logit as
σ·z_i, with the variance of the logistic shock (an intraclass correlation of 1/2). Fixed, not
fitted."""

UTILITY_BOUND = 1e300
"""Model v2g's three-way choice clips its utilities to ±1e300: an infinite one (a gain over a
vanishing stake) is a certain choice, and exp(u − max u) stays defined."""

QUADRATURE_NODES = 48
"""Gauss-Hermite nodes for the averages over the persistent shock (exact to far below the Monte
Carlo error for the smooth integrands here)."""


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


def persistent_intercept(theta: FloatArray, omega: float, scale: float) -> FloatArray:
    """θ'_t for model v2e (docs/model-v2.md, E2): month by month, the intercept at which an
    indifferent member with a persistent shock σ·z (z ~ N(0, 1), σ = ``scale``), among those of
    its kind who have not yet eased, eases with v2a's per-epoch chance Λ(θ_t):

        E_z[S_{t−1}(z)·Λ(θ'_t + σz)] / E_z[S_{t−1}(z)] = Λ(θ_t),
        S_t(z) = Π_{s ≤ t}(1 − ω·Λ(θ'_s + σz)),

    so the indifferent member's chance of having eased by each month, averaged over z, is v2a's
    (epochs at rate ω; renewal dates aside). Solved by bisection on each month (64 halvings of
    [−60, 60]: far below any figure reported); Gauss-Hermite quadrature over z (Vaupel, Manton &
    Stallard 1979 on frailty; Box-Steffensmeier & Jones 2004, ch. 9).

    >>> theta = np.full(3, logit(0.036))
    >>> bool(np.allclose(persistent_intercept(theta, 1 / 12, 0.0), theta))  # no shock: θ itself
    True
    >>> shifted = persistent_intercept(theta, 1 / 12, INCLINATION_SCALE)
    >>> # below θ, and rising as the members inclined to ease leave:
    >>> bool(np.all(shifted < theta)), bool(shifted[2] > shifted[0])
    (True, True)

    Raises:
        ValueError: ``omega`` outside (0, 1] or a negative ``scale``.
    """
    if not 0.0 < omega <= 1.0:
        raise ValueError(f"omega must lie in (0, 1], got {omega}")
    if scale < 0:
        raise ValueError(f"scale must be >= 0, got {scale}")
    theta = np.asarray(theta, dtype=np.float64)
    if scale == 0:
        return theta.copy()
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    shock = scale * nodes
    survivors = weights.copy()  # E_z weights times S_{t-1}(z), unnormalised
    result = np.empty_like(theta)
    for t, goal in enumerate(logistic(theta)):
        share = survivors / survivors.sum()
        low, high = -60.0, 60.0
        for _ in range(64):
            mid = 0.5 * (low + high)
            if float(share @ logistic(mid + shock)) < goal:
                low = mid
            else:
                high = mid
        result[t] = 0.5 * (low + high)
        survivors = survivors * (1.0 - omega * logistic(result[t] + shock))
    return result


def fading_weight(age_on_start: float, elapsed: int, rate: FloatArray) -> FloatArray:
    """r = 1 − exp(−a/T), a = ``age_on_start`` + ``elapsed`` + 1 months (the member's measures'
    age at the end of the month decided, ``elapsed`` months after the start), ``rate`` = 1/T per
    run: the weight of a member's case-specific easing terms in model v2r (docs/model-v2.md,
    "v2r", R1; Samuelson 1948 on revealed preference). An infinite rate (T = 0) weighs them by
    exactly 1.

    >>> fading_weight(0.0, 0, np.array([1 / 12, np.inf])).round(4)
    array([0.08, 1.  ])
    >>> fading_weight(0.0, 11, np.array([1 / 12])).round(4)  # a year on: 1 − 1/e
    array([0.6321])
    """
    weight: FloatArray = -np.expm1(-(age_on_start + elapsed + 1.0) * rate)
    return weight


def easing_probability(
    theta: FloatArray | float,
    slope: float | FloatArray,
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
    if np.any(np.asarray(slope) < 0):
        raise ValueError(f"slope (lambda) must be >= 0, got {slope}")
    safe = np.where(stake > 0, stake, 1.0)
    with np.errstate(over="ignore"):  # a gain over a tiny stake: ±inf, which the clip bounds
        ratio = np.where(stake > 0, gain / safe, 0.0)
    if bounded:
        ratio = np.clip(ratio, -1.0, 1.0)
    return logistic(np.asarray(theta) + slope * ratio)


TEMPTATION_FLOOR = 0.01
"""ε of model v2i (docs/model-v2.md, I1), as a share of the premiums' arithmetic mean: a member
with no premium gets a large negative shift, not −∞."""


def relative_temptation(
    premium: FloatArray, easable: npt.NDArray[np.bool_], weight: float
) -> FloatArray:
    """τ_i = μ·log((g_i + ε)/ḡ), model v2i's shift of each member's easing log-odds
    (docs/model-v2.md, I1): ``premium`` ``(runs, N)`` the members' premiums g_i on the start,
    ``easable`` ``(runs, N)`` whether each has anything to ease, ``weight`` μ.

    ḡ is the geometric mean of g_j + ε over the members with something to ease in the run, ε
    :data:`TEMPTATION_FLOOR` times their arithmetic mean; so the shifts of those members sum to
    0 (the term moves who eases, not how much the case eases). τ is 0 for a member with nothing
    to ease, in a run where fewer than two members have something to ease, and where their
    premiums are all 0. The member most tempted relative to its peers eases first: the target's
    wedge goes where it is cheapest (Crawford 2011, *International Security* 35(4); Kaempfer &
    Lowenberg 1988, *AER* 78(4)).

    >>> tau = relative_temptation(np.array([[4.0, 1.0, 0.25]]), np.ones((1, 3), bool), 1.0)
    >>> [round(float(t), 3) for t in tau[0]], round(float(tau.sum()), 12)
    ([1.361, -0.012, -1.348], 0.0)
    >>> relative_temptation(np.array([[4.0, 1.0]]), np.array([[True, False]]), 1.0).tolist()
    [[0.0, 0.0]]
    """
    if weight < 0:
        raise ValueError(f"the temptation weight (mu) must be >= 0, got {weight}")
    peers = easable.sum(axis=1, keepdims=True)
    chosen = np.where(easable, premium, 0.0)
    mean = chosen.sum(axis=1, keepdims=True) / np.maximum(peers, 1)
    floor = TEMPTATION_FLOOR * mean
    ranked = easable & (peers >= 2) & (mean > 0)
    logs = np.log(np.where(ranked, premium + floor, 1.0))
    centre = logs.sum(axis=1, keepdims=True) / np.maximum(peers, 1)
    result: FloatArray = np.where(ranked, weight * (logs - centre), 0.0)
    return result


PROSPECT_CLIP = 3.0
"""The bound on |ρ| in model v2j's π = −ν·clip(ρ, −3, 3) (docs/model-v2.md, J1): a factor of
e³ ≈ 20 between the model's concession hazard and the group's, fixed by the design, not by
score."""


def prospect_shift(model_hazard: FloatArray, group_hazard: float, weight: float) -> FloatArray:
    """π = −ν·clip(log(h_model/h_G), −3, 3), model v2j's shift of every member's easing
    log-odds by the target's prospects (docs/model-v2.md, "v2j", J1): ``model_hazard``
    ``(runs,)`` the model's month-1 concession hazard ψ·h(P_0), ``group_hazard`` h_G(a) the
    group's one-month conditional incidence of a concession at the episode's age, ``weight`` ν.

    Members hold more where the target is expected to yield more readily than its kind of
    episode does, and drift where less (Dorussen & Mo 2001, *JCR* 45(4); McGillivray & Stam
    2004, *JCR* 48(2); Early 2015, *Busted Sanctions*).

    >>> [round(float(p), 3) for p in prospect_shift(np.array([0.02, 0.01, 0.005]), 0.01, 1.0)]
    [-0.693, 0.0, 0.693]
    >>> prospect_shift(np.array([1.0, 1e-9]), 0.01, 0.5).tolist()
    [-1.5, 1.5]
    """
    if weight < 0:
        raise ValueError(f"the prospect weight (nu) must be >= 0, got {weight}")
    if not group_hazard > 0:
        raise ValueError(f"the group's concession hazard must be > 0, got {group_hazard}")
    ratio = np.log(np.maximum(model_hazard, 1e-300) / group_hazard)
    # + 0.0 turns the −0.0 of a ratio of exactly 1 into 0.0 (the same sum in the logit)
    result: FloatArray = -weight * np.clip(ratio, -PROSPECT_CLIP, PROSPECT_CLIP) + 0.0
    return result


def carve_out_probabilities(
    theta: FloatArray | float,
    slope: float | FloatArray,
    gain: FloatArray,
    carve_gain: FloatArray,
    stake: FloatArray,
    shift: float,
    available: npt.NDArray[np.bool_],
) -> tuple[FloatArray, FloatArray]:
    """Model v2g's choice at an epoch among holding, easing everything and easing the
    carve-out (docs/model-v2.md, "v2g", G3): the multinomial logit (McFadden 1974; McKelvey &
    Palfrey 1995) with u_h = 0, u_e = θ + λ·ΔV/S, u_c = θ + ξ + λ·ΔV^c/S:

        P(ease) = e^{u_e} / (1 + e^{u_e} + e^{u_c}),  P(carve) = e^{u_c} / (1 + e^{u_e} + e^{u_c}).

    Where no carve-out is ``available`` it is :func:`easing_probability`'s Λ(u_e) exactly, and
    P(carve) = 0.

    >>> p_ease, p_carve = carve_out_probabilities(
    ...     0.0, 1.0, np.array([0.0, 0.0]), np.array([0.0, 0.0]), np.ones(2), 0.0,
    ...     np.array([True, False]))
    >>> [round(float(x), 4) for x in p_ease], [round(float(x), 4) for x in p_carve]
    ([0.3333, 0.5], [0.3333, 0.0])
    """
    binary = easing_probability(theta, slope, gain, stake)
    safe = np.where(stake > 0, stake, 1.0)
    with np.errstate(over="ignore"):  # a gain over a tiny stake: ±inf, bounded below
        ratio_e = np.where(stake > 0, gain / safe, 0.0)
        ratio_c = np.where(stake > 0, carve_gain / safe, 0.0)
        u_e = np.asarray(theta + slope * ratio_e, dtype=np.float64)
        u_c = np.asarray(theta + shift + slope * ratio_c, dtype=np.float64)
    # an infinite utility is a certain choice: kept finite so that the weights below are 0 or 1
    u_e = np.clip(u_e, -UTILITY_BOUND, UTILITY_BOUND)
    u_c = np.clip(u_c, -UTILITY_BOUND, UTILITY_BOUND)
    top = np.maximum(0.0, np.maximum(u_e, u_c))  # subtracted before exp: no overflow
    w_h, w_e, w_c = np.exp(-top), np.exp(u_e - top), np.exp(u_c - top)
    total = w_h + w_e + w_c  # >= 1: the largest of the three weights is exp(0)
    p_ease = np.where(available, w_e / total, binary)
    p_carve = np.where(available, w_c / total, 0.0)
    return p_ease, p_carve


def smooth_cumulative(hazards: FloatArray) -> FloatArray:
    """1 − Π_{s ≤ t}(1 − h_s) along the first axis (months): the chance of easing by month t.

    >>> smooth_cumulative(np.array([0.5, 0.5, 0.0])).tolist()
    [0.5, 0.75, 0.75]
    """
    if np.any((hazards < 0) | (hazards > 1)):
        raise ValueError("hazards must lie in [0, 1]")
    return np.asarray(1.0 - np.cumprod(1.0 - hazards, axis=0), dtype=np.float64)
