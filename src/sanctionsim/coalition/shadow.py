"""The shadow of the future: what a permanent easing is worth against holding (model v2b, item 6).

A member that eases gains G_i = u_i(ease) − u_i(hold) each month until its easing is detected
(chance q_i a month), and from then on loses L_i a month against holding: the leader's penalty
k_i and the pressure lost when the members who follow an easing they see ease in turn, net of
the gain it keeps. One step of reasoning deep (Fudenberg & Tirole 1991, *Game Theory*, ch. 5,
on the one-shot deviation principle): the member weighs its own deviation and the others'
immediate answer, not answers to answers. Future months are discounted by the effective
discount d_i = δ_i·(1 − h_end), h_end the monthly chance that the episode ends (after which
nothing is gained or lost by either choice):

    ΔV_i = G_i / (1 − d_i(1 − q_i)) − d_i·q_i·L_i / ((1 − d_i)(1 − d_i(1 − q_i))) − A_i

with A_i the one-off cost of backing down (:mod:`sanctionsim.coalition.commitment`). The first
term sums the gain over the months before detection; the second the loss over the months after
(the chance that detection has come by month t is 1 − (1 − q)^t). In Deadlock (G_i > 0 whatever
the others do, L_i ≤ 0) ΔV_i > 0 but for A_i: only the cost of backing down and the levers keep
the member in.

>>> import numpy as np
>>> g, loss, d, q, a = (np.array([v]) for v in (1.0, 3.0, 0.9, 0.5, 0.0))
>>> round(float(shadow_value(g, loss, d, q, a)[0]), 4)  # 1/0.55 - 0.45*3/(0.1*0.55)
-22.7273
>>> round(float(shadow_value(g, loss, np.array([0.0]), q, a)[0]), 4)  # no future: one month
1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sanctionsim.coalition.payoffs import concession_hazard, net_pressure

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from sanctionsim.coalition.parameters import CoalitionParameters

    Array = NDArray[np.float64]

MAX_DISCOUNT = 1.0 - 1.0 / 1200.0
"""The effective monthly discount is capped below 1 (a horizon of a century), so that a member
with δ_i = 1 in an episode that cannot end still has a finite value of easing."""


def shadow_value(
    gain: Array, loss: Array, discount: Array, detection: Array, backing_down: Array
) -> Array:
    """ΔV_i of a permanent easing against holding (module docstring), per run."""
    d = np.clip(discount, 0.0, MAX_DISCOUNT)
    undetected = 1.0 - d * (1.0 - detection)
    result: Array = (
        gain / undetected - d * detection * loss / ((1.0 - d) * undetected) - backing_down
    )
    return result


def responders_loss(
    params: CoalitionParameters, holding: Array, member: int, responders: NDArray[np.bool_]
) -> Array:
    """F_i: what member ``i`` loses, once eased, when the ``responders`` ease after it.

    β_i·(h(P_i) − h(P_i,R)) + g'_i·(P_i − P_i,R)·[i has something to ease]: the concession it
    holds out for grows less likely, and the rents its easing earns shrink with the pressure
    (the defection premium g_i(P) = g_i(0) + g'_i·P), with P_i the net pressure once ``i`` has
    eased (the others at ``holding``, the chance each holds) and P_i,R the same with the
    responders eased too. The other terms of u_i do not depend on the others' levels.

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> from sanctionsim.coalition.parameters import central_parameters
    >>> p = central_parameters(load_scenario("dprk-2014"), accounting="v2")
    >>> everyone = np.ones((1, p.members))
    >>> none = np.zeros(p.members, dtype=bool)
    >>> float(responders_loss(p, everyone, 1, none)[0])
    0.0
    >>> bool(responders_loss(p, everyone, 1, np.array([True, False, True]))[0] > 0)
    True
    """
    eased = holding.copy()
    eased[:, member] = 0.0
    answered = eased * ~responders
    before, after = net_pressure(params, eased), net_pressure(params, answered)
    hazard_lost = concession_hazard(params, before) - concession_hazard(params, after)
    rents_lost = params.premium_slope[:, member] * (before - after)
    if params.accounting == "v2":  # the premium is earned on what is eased only
        rents_lost = rents_lost * params.has_something_to_ease()[:, member]
    result: Array = params.concession_value[:, member] * hazard_lost + rents_lost
    return result
