"""The target's clock: model v2's age-dependent concession and competing ends (docs/model-v2.md,
item 5).

In TIES the hazard of every end falls with the episode's age (every Weibull shape is below 1,
docs/climatology.md). Model v2 keeps the analyst's pressure-driven concession hazard h(P) as
stated on ``start`` and lets it decline from there with the Weibull shape k_T of concessions in
the episode's group:

    h_T(P, t) = h(P) · w_t,    w_t = ((a + t) / (a + 1))^(k_T − 1)

so w_1 = 1 (month 1 reads as the analyst stated) and the decline is slower for an old episode
(large a) than for a new one. The **other ends** (force, the senders giving up, the target's
collapse, stalemates: TIES's any end minus concession minus capitulation) end a run with the
group's monthly hazard at the episode's age (:func:`other_end_hazard`); after any end no member
eases (protocol rule 2).

>>> [round(float(w), 3) for w in concession_age_weight("io", 0.0, 3)]
[1.0, 0.753, 0.637]
>>> [round(float(w), 3) for w in concession_age_weight("io", 96.0, 3)]
[1.0, 0.996, 0.992]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def concession_age_weight(group: str, age_months: float, horizon: int) -> FloatArray:
    """w_t = ((a + t)/(a + 1))^(k_T − 1) for t = 1..horizon, k_T the group's concession shape.

    Raises:
        ValueError: a negative age or an unknown group.
    """
    from sanctionsim.history.climatology import TARGET_CONCEDES, load_weibull

    if age_months < 0:
        raise ValueError(f"age_months must be >= 0, got {age_months}")
    fits = load_weibull()
    if (group, TARGET_CONCEDES) not in fits:
        raise ValueError(f"group must be one of io, multilateral_no_io, unilateral, got {group!r}")
    shape = fits[group, TARGET_CONCEDES].shape
    t = np.arange(1, horizon + 1, dtype=np.float64)
    return np.asarray(((age_months + t) / (age_months + 1.0)) ** (shape - 1.0), dtype=np.float64)


def other_end_hazard(group: str, age_months: float, horizon: int) -> FloatArray:
    """The chance, month t = 1..horizon, that the episode ends otherwise than by a concession or
    a sender's capitulation, given it is in force: (1 − S(a+t)/S(a+t−1)) minus both causes'
    one-month conditional incidence, floored at 0."""
    from sanctionsim.history.climatology import conditional_incidence, survival

    result = np.zeros(horizon)
    for t in range(1, horizon + 1):
        before, after = age_months + t - 1, age_months + t
        any_end = 1.0 - survival(group, after) / survival(group, before)
        causes = sum(
            conditional_incidence(group, cause, before, 1.0)
            for cause in ("target_concedes", "sender_capitulates")
        )
        result[t - 1] = max(0.0, any_end - causes)
    return result
