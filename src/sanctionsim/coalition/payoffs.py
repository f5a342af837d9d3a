"""Pressure, third-party leakage, the concession hazard and each member's payoff per month.

All functions are pure and vectorised: ``holds`` has shape ``(runs, members)`` with 1 = the
member holds its easable measures at their current level and 0 = it eases them fully (values in
between are graded easing). ``docs/model.md`` derives each formula; the skeleton is
``domain/formal-models.md`` A0 and ``domain/MODEL.md`` §2:

    u_i = beta_i * h(P) - c_i * hold_i + (1 - hold_i) * (g_i(P) + q_T * d_i)
          - (1 - hold_i) * (kappa_i * UN_i + k_i * q_i) + hold_i * s_i

>>> import numpy as np
>>> from sanctionsim.scenario.loader import load_scenario
>>> from sanctionsim.coalition.parameters import central_parameters
>>> p = central_parameters(load_scenario("dprk-2014"))
>>> all_hold = np.ones((1, p.members))
>>> bool(net_pressure(p, all_hold)[0] > net_pressure(p, np.zeros((1, p.members)))[0])
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from sanctionsim.coalition.parameters import CoalitionParameters

    Array = NDArray[np.float64]


def gross_pressure(params: CoalitionParameters, holds: Array) -> Array:
    """Pressure before leakage: fixed measures plus each member's held or eased measures.

    P_gross = fixed + sum_i [hold_i * held_i + (1 - hold_i) * eased_i]   (shape ``(runs,)``)
    """
    member_part = holds * params.held_pressure + (1.0 - holds) * params.eased_pressure
    result: Array = params.fixed_pressure + member_part.sum(axis=-1)
    return result


def leakage(params: CoalitionParameters, pressure: Array) -> Array:
    """Share of the pressure that third parties replace (Early 2015, *Busted Sanctions*).

    Each third party j supplies ``capacity_j * min(1, willingness_j + rent_j * P)`` of the
    target's sanctioned revenue: willingness rises with the sanctions rents that pressure
    creates. The total is capped at 1 (no third party can more than undo the sanctions).

    Model v2-knights (docs/model-v2.md, "Mechanism: black knights and counter-blocs") reads a
    political knight with ``rent_j = 0`` and a counter-bloc's member with ``willingness_j = 1``
    (:func:`~sanctionsim.coalition.knights.third_party_supply`), and adds the support A that
    black knights give whatever the pressure, a share of the target's external revenue (the unit
    of P): ``min(1, sum_j supply_j + A/P)``, so that the target feels max(0, P(1 − ℓ) − A).

    >>> import dataclasses
    >>> from sanctionsim.scenario.loader import load_scenario
    >>> from sanctionsim.coalition.parameters import central_parameters
    >>> p = central_parameters(load_scenario("dprk-2014"))
    >>> aided = dataclasses.replace(p, support=np.array([0.05]))
    >>> pressure = np.array([0.2])
    >>> bool(np.isclose(leakage(aided, pressure)[0], leakage(p, pressure)[0] + 0.05 / 0.2))
    True
    """
    willing = np.minimum(1.0, params.willingness + params.rent_sensitivity * pressure[..., None])
    supplied = (params.substitution_capacity * willing).sum(axis=-1)
    if params.support is not None:  # v2-knights: support, whatever the pressure
        share = np.divide(
            params.support, pressure, out=np.zeros_like(supplied), where=pressure > 0.0
        )
        supplied = supplied + share
    result: Array = np.minimum(1.0, supplied)
    return result


def net_pressure(params: CoalitionParameters, holds: Array) -> Array:
    """Pressure the target feels: gross pressure less third-party leakage."""
    return _net(params, gross_pressure(params, holds))


def _net(params: CoalitionParameters, gross: Array) -> Array:
    """The net pressure of a gross one, its leakage taken off."""
    result: Array = gross * (1.0 - leakage(params, gross))
    return result


def concession_hazard(params: CoalitionParameters, pressure: Array) -> Array:
    """Monthly chance that the target concedes, rising with pressure relative to resolve.

    h(P) = base + (max - base) * logistic(steepness * (P - resolve)): the TIES logic (Morgan,
    Bapat & Kobayashi 2014) that a target gives in once resisting costs more than its resolve,
    smoothed because the target's cost and resolve are known only roughly.
    """
    logistic = 1.0 / (1.0 + np.exp(-params.hazard_steepness * (pressure - params.resolve)))
    result: Array = params.hazard_base + (params.hazard_max - params.hazard_base) * logistic
    return result


def member_payoffs(
    params: CoalitionParameters, holds: Array, deal_honoured: Array | None = None
) -> Array:
    """u_i for every member and run at the profile ``holds`` (shape ``(runs, members)``).

    ``deal_honoured`` is q_T per run (default: the prior mix of types, see
    :meth:`CoalitionParameters.deal_honoured`), or per run and member (shape of ``holds``) when
    each member has its own belief about the target, as in the engine.
    """
    pressure = net_pressure(params, holds)
    hazard = concession_hazard(params, pressure)
    q_target = params.deal_honoured() if deal_honoured is None else deal_honoured
    if q_target.ndim < holds.ndim:
        q_target = q_target[..., None]
    easing = 1.0 - holds
    premium = params.premium_base + params.premium_slope * pressure[..., None]
    gain = premium + q_target * params.deal_value
    if params.accounting == "v2":  # the premium is earned on what is actually eased only
        gain = gain * params.has_something_to_ease()
    loss = params.breach_cost * params.un_level_eased + params.expected_penalty()
    result: Array = (
        params.concession_value * hazard[..., None]
        - params.holding_cost * holds
        + easing * (gain - loss)
        + holds * params.side_payment
    )
    if params.holding_value is not None:  # model v2-hold: H_i for each month held
        result = result + holds * params.holding_value
    return result


def _rest_and_held(
    params: CoalitionParameters, seen_holding: Array, member: int
) -> tuple[Array, Array]:
    """The gross pressure of everything but member ``member``'s measures (the others at
    ``seen_holding``), and the gross pressure with the member holding: the common start of
    :func:`easing_gain` and :func:`carve_out_gain`."""
    others = seen_holding * params.held_pressure + (1.0 - seen_holding) * params.eased_pressure
    rest = params.fixed_pressure + others.sum(axis=-1) - others[:, member]
    return rest, rest + params.held_pressure[:, member]


def easing_gain(
    params: CoalitionParameters,
    seen_holding: Array,
    deal_honoured: Array,
    member: int,
    *,
    expected_penalty: bool = True,
) -> Array:
    """u_i(ease) − u_i(hold) per run for member ``i``, the others at ``seen_holding`` (0/1, or
    the chance each holds).

    The same number as two :func:`member_payoffs` calls differenced, computed for one member
    only (model v2 asks it of every quantal member every month):
    β_i·(h(P_e) − h(P_h)) + c_i + (g_i(P_e) + q_T·d_i)·[has something to ease, v2]
    − κ_i·UN_i − k_i·q_i − s_i [− H_i, model v2-hold], with P_h and P_e the net pressures with i
    holding and easing.
    ``expected_penalty=False`` leaves out k_i·q_i: the gain of an easing not yet detected
    (model v2b's shadow of the future charges the penalty from detection on).

    >>> import numpy as np
    >>> from sanctionsim.scenario.loader import load_scenario
    >>> from sanctionsim.coalition.parameters import central_parameters
    >>> p = central_parameters(load_scenario("dprk-2014"))
    >>> seen, q = np.ones((1, p.members)), p.deal_honoured()
    >>> eased = seen.copy(); eased[0, 2] = 0.0
    >>> direct = member_payoffs(p, eased, q)[0, 2] - member_payoffs(p, seen, q)[0, 2]
    >>> bool(np.isclose(easing_gain(p, seen, q, 2)[0], direct))
    True
    """
    i = member
    rest, gross_hold = _rest_and_held(params, seen_holding, i)
    pressure_ease = _net(params, rest + params.eased_pressure[:, i])
    hazard_gap = concession_hazard(params, pressure_ease) - concession_hazard(
        params, _net(params, gross_hold)
    )
    premium = params.premium_base[:, i] + params.premium_slope[:, i] * pressure_ease
    earned = premium + deal_honoured * params.deal_value[:, i]
    if params.accounting == "v2":
        earned = earned * params.has_something_to_ease()[:, i]
    loss = params.breach_cost[:, i] * params.un_level_eased[i]
    if expected_penalty:
        loss = loss + params.expected_penalty()[:, i]
    result: Array = (
        params.concession_value[:, i] * hazard_gap
        + params.holding_cost[:, i]
        + earned
        - loss
        - params.side_payment[:, i]
    )
    if params.holding_value is not None:  # model v2-hold: easing forgoes H_i
        result = result - params.holding_value[:, i]
    return result


def easing_premium(params: CoalitionParameters, seen_holding: Array, member: int) -> Array:
    """g_i(P_e)·1[something to ease] per run: the premium member ``member`` would earn a month by
    easing, the others at ``seen_holding``, at the net pressure with it eased: the premium
    :func:`easing_gain` counts (model v2h's choice weighs it again by its lobby weight η,
    docs/model-v2.md, "v2h", H1)."""
    i = member
    rest, _ = _rest_and_held(params, seen_holding, i)
    pressure_ease = _net(params, rest + params.eased_pressure[:, i])
    premium = params.premium_base[:, i] + params.premium_slope[:, i] * pressure_ease
    result: Array = premium * params.has_something_to_ease()[:, i]
    return result


def carve_out_gain(
    params: CoalitionParameters, seen_holding: Array, deal_honoured: Array, member: int
) -> Array:
    """ΔV^c_i per run: easing member ``i``'s carve-out alone against holding everything, the
    others at ``seen_holding`` (docs/model-v2.md, "v2g", G2), before the share φ_i·A_i of the
    backing-down cost:

    β_i·(h(P_c) − h(P_h)) + c_m* + φ_i·[(g_i(P_c) + q_T·d_i)·1[something to ease] − κ_i·UN_i
    − k_i·q_i − s_i − H_i]

    with P_c the net pressure with i's pressure lowered by its carve-out's d_m* = φ_i·d_i only.
    With φ_i = 1 and c_m* = c_i it is :func:`easing_gain` (tested); a run without a carve-out
    (φ_i = 0) gives 0.

    Raises:
        ValueError: parameters without carve-outs (a version other than v2g).
    """
    if params.carve_share is None or params.carve_cost is None:
        raise ValueError("carve-outs are model v2g's: the parameters carry none")
    i, share = member, params.carve_share[:, member]
    _, gross_hold = _rest_and_held(params, seen_holding, i)
    removed = share * (params.held_pressure[:, i] - params.eased_pressure[:, i])
    pressure_carved = _net(params, gross_hold - removed)
    hazard_gap = concession_hazard(params, pressure_carved) - concession_hazard(
        params, _net(params, gross_hold)
    )
    premium = params.premium_base[:, i] + params.premium_slope[:, i] * pressure_carved
    earned = (premium + deal_honoured * params.deal_value[:, i]) * params.has_something_to_ease()[
        :, i
    ]
    forgone = (
        params.breach_cost[:, i] * params.un_level_eased[i]
        + params.expected_penalty()[:, i]
        + params.side_payment[:, i]
    )
    if params.holding_value is not None:
        forgone = forgone + params.holding_value[:, i]
    result: Array = np.where(
        share > 0,
        params.concession_value[:, i] * hazard_gap
        + params.carve_cost[:, i]
        + share * (earned - forgone),
        0.0,
    )
    return result


def payoff_tensor(params: CoalitionParameters, run: int = 0) -> Array:
    """The n-member stage game of one run: shape ``(2,) * n + (n,)``, action 0 = hold, 1 = ease.

    Every one of the 2^n profiles is evaluated in one vectorised call.
    """
    n = params.members
    profiles = np.array(np.unravel_index(np.arange(2**n), (2,) * n)).T  # (2^n, n), 1 = ease
    holds = 1.0 - profiles.astype(float)
    single = params.take(np.full(len(holds), run))
    values = member_payoffs(single, holds)
    result: Array = values.reshape((2,) * n + (n,))
    return result
