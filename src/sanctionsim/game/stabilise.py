"""Stabilisation: the least lever that makes holding the line an equilibrium (A5, A6).

A member's incentive gap is ``T − R``: what it gains by easing while the rest hold (row payoffs
``u[EASE, HOLD] − u[HOLD, HOLD]`` in the member-vs-rest game of :mod:`.topology`, action 0 =
HOLD). A lever changes the member's payoffs:

* a side payment ``s``, paid in every period the member holds: holding is worth ``R + s``;
* a penalty ``k`` on a detected defector, detected with probability ``q``: easing is worth
  ``T − q·k`` in expectation.

**Definition.** The lever *stabilises* the member when HOLD is a best response to the rest
holding, i.e. all-hold is a Nash equilibrium as far as the member is concerned:
``R + s ≥ T − q·k + ε``. With ``epsilon = 0`` (the default) the equilibrium is *weak*: the
member may be indifferent, and the least payment is exactly the gap, ``s = max(0, T − R)``. No
least payment makes holding *strictly* better (any ``s > T − R`` does, so the infimum is not
attained); ask for a margin ``epsilon > 0`` to get the least payment with holding better by at
least ``epsilon``. Hence, with ``g = T − R + ε``:

===========================  ==================  ==========================================
lever                        least value         impossible when
===========================  ==================  ==========================================
side payment ``s``           ``max(0, g)``       never
penalty ``k`` (given ``q``)  ``max(0, g/q)``     ``g > 0`` and ``q = 0``
detection ``q`` (given k)    ``max(0, g/k)``     ``g > 0`` and (``k = 0`` or ``g/k > 1``)
===========================  ==================  ==========================================

In an n-member game (payoff tensor of shape ``(m_1, ..., m_n, n)``, action 0 = HOLD for all)
each member's gap is its best deviation gain from all-hold, ``max_a u_i(a, hold_−i) −
u_i(hold)``; payments to different members do not interact (a payment changes only its
recipient's payoffs), so the per-member least payments ``max(0, gap_i + ε)`` together make
all-hold a Nash equilibrium, and lowering any positive one breaks it.

**Least-cost package** (``formal-models.md`` A6, after Martin 1993 and McLean & Whang 2010): the
leader stabilises a set ``C`` of members at cost ``Σ_{i∈C} τ_i`` so that the pressure they keep,
``Σ_{i∈C} w_i``, reaches a threshold ``W*``. Solved exactly (a covering knapsack, NP-hard in
general; Kellerer, Pferschy & Pisinger 2004, *Knapsack Problems*, Springer): members with
``τ_i = 0`` hold anyway and are always counted, members with ``τ_i = ∞`` cannot be bought, the
rest are searched by meet-in-the-middle enumeration of all subsets (Horowitz & Sahni 1974,
*J. ACM* 21(2), 277–292), vectorised with numpy, for up to 40 members.

>>> import numpy as np
>>> pd = np.array([[3.0, 0.0], [5.0, 1.0]])     # row payoffs: R = 3, S = 0, T = 5, P = 1
>>> min_side_payment(pd).value, min_penalty(pd, detection=0.5).value
(2.0, 4.0)
>>> min_detection(pd, penalty=1.0).reason
'impossible: needs detection q = 2 > 1 with penalty 1'
>>> least_cost_package([0.5, 0.3, 0.2], [4.0, 1.0, 1.5], threshold=0.5).members
(1, 2)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sanctionsim.actions import Action
from sanctionsim.errors import SolverLimitError
from sanctionsim.game import stage

__all__ = [
    "CoalitionPayments",
    "InstrumentPackage",
    "LeverRequirement",
    "Package",
    "apply_side_payments",
    "incentive_gap",
    "is_all_hold_equilibrium",
    "least_cost_package",
    "least_cost_package_with_instruments",
    "min_detection",
    "min_payments",
    "min_penalty",
    "min_side_payment",
]

HOLD = Action.HOLD
MAX_PACKAGE_MEMBERS = 40
"""Largest number of members with a positive finite cost the exact package search accepts."""

Lever = Literal["side_payment", "penalty", "detection"]
Instrument = Literal["none", "payment", "penalty", "impossible"]


@dataclass(frozen=True)
class LeverRequirement:
    """The least value of one lever that stabilises a member.

    ``value`` is ``0.0`` when the member already holds, ``math.inf`` when no value works;
    ``gap`` is the member's incentive gap ``T − R`` (before the margin ``epsilon``).
    """

    lever: Lever
    value: float
    gap: float
    epsilon: float
    reason: str

    @property
    def feasible(self) -> bool:
        """True when some value of the lever stabilises the member."""
        return math.isfinite(self.value)


def _row_payoffs(member_game: ArrayLike) -> NDArray[np.float64]:
    array = np.array(member_game, dtype=np.float64)
    if array.shape == (2, 2, 2):
        array = array[:, :, 0]
    if array.shape != (2, 2):
        raise ValueError(
            "a member's game is its 2x2 row payoffs [[R, S], [T, P]] (or a (2, 2, 2) game); "
            f"got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError("payoffs must be finite")
    return array


def _check_epsilon(epsilon: float) -> None:
    if not (math.isfinite(epsilon) and epsilon >= 0.0):
        raise ValueError("epsilon must be a finite margin >= 0")


def incentive_gap(member_game: ArrayLike) -> float:
    """``T − R``: the member's gain from easing while the rest hold (negative: it holds).

    :func:`sanctionsim.game.stage.incentive_gap` on the validated row payoffs.
    """
    return stage.incentive_gap(_row_payoffs(member_game))


def min_side_payment(member_game: ArrayLike, *, epsilon: float = 0.0) -> LeverRequirement:
    """Least side payment ``s`` (paid when holding) with ``R + s ≥ T + epsilon``.

    >>> min_side_payment([[6.0, 0.0], [10.0, 2.0]]).value
    4.0
    >>> min_side_payment([[6.0, 0.0], [5.0, 2.0]]).reason
    'already stable: holding beats easing by 1'
    """
    _check_epsilon(epsilon)
    need, requirement = _requirement(member_game, "side_payment", epsilon)
    if need <= 0.0:
        return requirement(0.0, None)
    return requirement(need, f"pay {need:g} per period of holding")


def min_penalty(
    member_game: ArrayLike, *, detection: float, epsilon: float = 0.0
) -> LeverRequirement:
    """Least penalty ``k`` on a detected defector, detected with probability ``detection``.

    Stabilises when ``R ≥ T − q·k + epsilon``: ``k = (T − R + epsilon)/q``.
    """
    _check_epsilon(epsilon)
    _check_probability(detection, "detection")
    need, requirement = _requirement(member_game, "penalty", epsilon)
    if need <= 0.0:
        return requirement(0.0, None)
    if detection == 0.0:
        return requirement(math.inf, "impossible: easing is never detected (q = 0)")
    k = need / detection
    return requirement(k, f"penalise a detected easing by {k:g} (q = {detection:g})")


def min_detection(
    member_game: ArrayLike, *, penalty: float, epsilon: float = 0.0
) -> LeverRequirement:
    """Least detection probability ``q`` that stabilises the member, given a penalty ``k``.

    Stabilises when ``R ≥ T − q·k + epsilon``: ``q = (T − R + epsilon)/k``, impossible above 1.
    """
    _check_epsilon(epsilon)
    if not (math.isfinite(penalty) and penalty >= 0.0):
        raise ValueError("penalty must be finite and >= 0")
    need, requirement = _requirement(member_game, "detection", epsilon)
    if need <= 0.0:
        return requirement(0.0, None)
    if penalty == 0.0:
        return requirement(math.inf, "impossible: there is no penalty (k = 0)")
    q = need / penalty
    if q > 1.0:
        return requirement(
            math.inf, f"impossible: needs detection q = {q:g} > 1 with penalty {penalty:g}"
        )
    return requirement(q, f"detect easing with probability {q:g}")


def _requirement(
    member_game: ArrayLike, lever: Lever, epsilon: float
) -> tuple[float, Callable[[float, str | None], LeverRequirement]]:
    """What a lever must make up, ``T − R + epsilon`` (nothing when it is <= 0), and the record
    of a requirement of ``lever`` for this member (``None`` as reason: already stable)."""
    gap = incentive_gap(member_game)

    def requirement(value: float, reason: str | None) -> LeverRequirement:
        return LeverRequirement(lever, value, gap, epsilon, reason or _stable_reason(gap))

    return gap + epsilon, requirement


def _stable_reason(gap: float) -> str:
    if gap < 0.0:
        return f"already stable: holding beats easing by {-gap:g}"
    return "already stable: holding is as good as easing (weak equilibrium)"


def _check_probability(value: float, name: str) -> None:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"{name} is a probability: 0 <= {name} <= 1")


# --------------------------------------------------------------------------- n members


def _tensor(payoffs: ArrayLike) -> NDArray[np.float64]:
    array = np.array(payoffs, dtype=np.float64)
    n = array.ndim - 1
    if n < 1 or array.shape[-1] != n:
        raise ValueError(
            f"payoffs must have shape (m_1, ..., m_n, n) with n = number of members; "
            f"got {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError("payoffs must be finite")
    return array


@dataclass(frozen=True)
class CoalitionPayments:
    """Per-member incentive gaps at all-hold and the least side payments closing them."""

    gaps: tuple[float, ...]
    payments: tuple[float, ...]
    epsilon: float

    @property
    def total(self) -> float:
        """Sum of the payments per period."""
        return float(sum(self.payments))


def _gaps(array: NDArray[np.float64]) -> tuple[float, ...]:
    n = array.shape[-1]
    hold = (HOLD,) * n
    gaps: list[float] = []
    for i in range(n):
        line = array[(*hold[:i], slice(None), *hold[i + 1 :], i)]
        deviations = np.delete(line, HOLD)
        gaps.append(float(deviations.max() - line[HOLD]) if deviations.size else -math.inf)
    return tuple(gaps)


def min_payments(payoffs: ArrayLike, *, epsilon: float = 0.0) -> CoalitionPayments:
    """Least per-member side payments making all-hold a Nash equilibrium of an n-member game.

    ``payoffs[a_1, ..., a_n, i]`` is member ``i``'s payoff; action 0 is HOLD for everyone.
    Member ``i``'s gap is the most it gains by any deviation from all-hold; its payment is
    ``max(0, gap_i + epsilon)`` (see the module docstring for the weak/strict convention).

    >>> import numpy as np
    >>> pd = np.array([[[3, 3], [0, 5]], [[5, 0], [1, 1]]], dtype=float)
    >>> min_payments(pd).payments
    (2.0, 2.0)
    """
    _check_epsilon(epsilon)
    gaps = _gaps(_tensor(payoffs))
    payments = tuple(max(0.0, gap + epsilon) for gap in gaps)
    return CoalitionPayments(gaps, payments, epsilon)


def apply_side_payments(payoffs: ArrayLike, payments: ArrayLike) -> NDArray[np.float64]:
    """The game with ``payments[i]`` added to member ``i``'s payoff wherever it holds."""
    array = _tensor(payoffs).copy()
    amounts = np.asarray(payments, dtype=np.float64)
    n = array.shape[-1]
    if amounts.shape != (n,):
        raise ValueError(f"expected {n} payments, got shape {amounts.shape}")
    for i in range(n):
        index = (slice(None),) * i + (HOLD,) + (slice(None),) * (n - i - 1) + (i,)
        array[index] += amounts[i]
    return array


def is_all_hold_equilibrium(payoffs: ArrayLike, *, tol: float = 0.0) -> bool:
    """True when no member gains more than ``tol`` by deviating from all-hold."""
    return all(gap <= tol for gap in _gaps(_tensor(payoffs)))


# --------------------------------------------------------------------------- least-cost package


@dataclass(frozen=True)
class Package:
    """The leader's least-cost stabilising package (A6).

    ``members`` are the indices of the members that hold under the package (including the free
    ones, ``τ_i = 0``); ``total_cost`` is ``Σ τ_i`` over them and ``achieved_weight`` ``Σ w_i``.
    When the threshold cannot be reached (``feasible`` False) the package is the heaviest one
    the leader can buy: every member with a finite cost.
    """

    members: tuple[int, ...]
    total_cost: float
    achieved_weight: float
    threshold: float
    feasible: bool
    reason: str


def _subset_sums(
    weights: NDArray[np.float64], costs: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Weight and cost of every subset; bit ``j`` of the index says whether item ``j`` is in."""
    w = np.zeros(1)
    c = np.zeros(1)
    for wj, cj in zip(weights, costs, strict=True):
        w = np.concatenate([w, w + wj])
        c = np.concatenate([c, c + cj])
    return w, c


def _bits(index: int, items: list[int]) -> list[int]:
    return [item for j, item in enumerate(items) if index >> j & 1]


def _checked(
    weights: ArrayLike, costs: ArrayLike, threshold: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The weights and costs of :func:`least_cost_package` as arrays, or ``ValueError``."""
    w = np.asarray(weights, dtype=np.float64)
    c = np.asarray(costs, dtype=np.float64)
    if w.ndim != 1 or c.shape != w.shape:
        raise ValueError("weights and costs must be 1-D arrays of the same length")
    if not (np.all(np.isfinite(w)) and np.all(w >= 0.0)):
        raise ValueError("weights must be finite and >= 0")
    if np.any(np.isnan(c)) or np.any(c < 0.0):
        raise ValueError("costs must be >= 0 (inf allowed: cannot be stabilised)")
    if not math.isfinite(threshold):
        raise ValueError("threshold must be finite")
    return w, c


def _cheapest_subset(
    w: NDArray[np.float64], c: NDArray[np.float64], paid: list[int], need: float, tol: float
) -> list[int]:
    """The cheapest subset of ``paid`` weighing at least ``need - tol``, by meeting in the
    middle (Horowitz and Sahni 1974): every subset of each half, the right half's sorted by
    weight with its cheapest heavier subset, then one search per left subset."""
    half = len(paid) // 2
    left, right = paid[:half], paid[half:]
    w_left, c_left = _subset_sums(w[left], c[left])
    w_right, c_right = _subset_sums(w[right], c[right])
    order = np.argsort(w_right, kind="stable")
    w_sorted = w_right[order]
    # cheapest right-half subset among those at least as heavy as each sorted position
    reversed_cost = c_right[order][::-1]
    running_min = np.minimum.accumulate(reversed_cost)
    steps = np.arange(order.size)
    last_min = np.maximum.accumulate(np.where(reversed_cost <= running_min, steps, 0))
    suffix_cost = running_min[::-1]
    suffix_arg = order[(order.size - 1 - last_min)[::-1]]
    position = np.searchsorted(w_sorted, need - w_left - tol, side="left")
    reachable = position < order.size
    totals = np.full(w_left.size, math.inf)
    totals[reachable] = c_left[reachable] + suffix_cost[position[reachable]]
    chosen_left = int(np.argmin(totals))
    chosen_right = int(suffix_arg[position[chosen_left]])
    return _bits(chosen_left, left) + _bits(chosen_right, right)


def least_cost_package(
    weights: ArrayLike, costs: ArrayLike, threshold: float, *, tol: float = 1e-12
) -> Package:
    """Exact ``min Σ_{i∈C} τ_i`` subject to ``Σ_{i∈C} w_i ≥ W*`` (A6).

    ``weights`` ``w_i ≥ 0`` (e.g. shares of the target's trade), ``costs`` ``τ_i ≥ 0`` (e.g.
    incentive gaps; ``inf`` = cannot be stabilised), ``threshold`` ``W*``. The weight constraint
    is checked as ``Σ w_i ≥ W* − tol`` (``tol`` absorbs rounding in sums of shares). Ties in cost
    are broken deterministically but arbitrarily. Raises
    :class:`~sanctionsim.errors.SolverLimitError` for more than 40 members with positive finite
    costs.

    >>> p = least_cost_package([0.4, 0.35, 0.25], [3.0, 0.0, 1.0], threshold=0.6)
    >>> p.members, p.total_cost, round(p.achieved_weight, 2)
    ((1, 2), 1.0, 0.6)
    """
    w, c = _checked(weights, costs, threshold)
    free = [i for i in range(w.size) if c[i] == 0.0]
    paid = [i for i in range(w.size) if 0.0 < c[i] < math.inf]
    if len(paid) > MAX_PACKAGE_MEMBERS:
        raise SolverLimitError(
            f"least_cost_package is exact up to {MAX_PACKAGE_MEMBERS} members with a positive "
            f"finite cost; got {len(paid)}"
        )
    free_weight = float(w[free].sum())
    available = free_weight + float(w[paid].sum())
    if available < threshold - tol:
        reason = f"infeasible: all members that can be stabilised weigh {available:g}"
        members, cost = tuple(sorted(free + paid)), float(c[paid].sum())
        return Package(members, cost, available, threshold, False, f"{reason} < {threshold:g}")
    need = threshold - free_weight
    if need <= tol:
        return Package(
            tuple(free), 0.0, free_weight, threshold, True, "the members that hold anyway suffice"
        )

    chosen = sorted(free + _cheapest_subset(w, c, paid, need, tol))
    achieved = float(w[chosen].sum())
    cost = float(c[chosen].sum())
    reason = f"least cost {cost:g} reaches weight {achieved:g} >= {threshold:g}"
    return Package(tuple(chosen), cost, achieved, threshold, True, reason)


@dataclass(frozen=True)
class InstrumentPackage:
    """A least-cost package where each member is stabilised by a payment or a penalty.

    Per member: ``instruments[i]`` is ``"none"`` (already stable), ``"payment"``, ``"penalty"``
    (the cheaper for the leader; a payment on ties) or ``"impossible"``; ``amounts[i]`` the
    least side payment or penalty; ``member_costs[i]`` its cost to the leader.
    """

    package: Package
    instruments: tuple[Instrument, ...]
    amounts: tuple[float, ...]
    member_costs: tuple[float, ...]


def least_cost_package_with_instruments(
    weights: ArrayLike,
    gaps: ArrayLike,
    threshold: float,
    *,
    detection: ArrayLike,
    payment_unit_cost: ArrayLike = 1.0,
    penalty_unit_cost: ArrayLike = 1.0,
    epsilon: float = 0.0,
    tol: float = 1e-12,
) -> InstrumentPackage:
    """Least-cost package when each member may be stabilised by payment or penalty (A6).

    Member ``i`` with gap ``g_i`` (plus ``epsilon``) costs the leader
    ``payment_unit_cost_i · g_i`` by side payment or ``penalty_unit_cost_i · g_i / q_i`` by
    penalty (detection ``q_i``); the cheaper is used, then :func:`least_cost_package` picks the
    members. Unit costs and detection may be scalars or per-member arrays.

    >>> r = least_cost_package_with_instruments(
    ...     [0.5, 0.5], [2.0, 2.0], 1.0, detection=[1.0, 0.25], penalty_unit_cost=0.5)
    >>> r.instruments, r.amounts, r.member_costs
    (('penalty', 'payment'), (2.0, 2.0), (1.0, 2.0))
    """
    _check_epsilon(epsilon)
    g = np.asarray(gaps, dtype=np.float64)
    if g.ndim != 1 or not np.all(np.isfinite(g)):
        raise ValueError("gaps must be a finite 1-D array")
    n = g.size
    q = np.broadcast_to(np.asarray(detection, dtype=np.float64), (n,))
    pay_unit = np.broadcast_to(np.asarray(payment_unit_cost, dtype=np.float64), (n,))
    pen_unit = np.broadcast_to(np.asarray(penalty_unit_cost, dtype=np.float64), (n,))
    if np.any(~np.isfinite(q)) or np.any(q < 0.0) or np.any(q > 1.0):
        raise ValueError("detection probabilities must lie in [0, 1]")
    for name, unit in (("payment_unit_cost", pay_unit), ("penalty_unit_cost", pen_unit)):
        if np.any(np.isnan(unit)) or np.any(unit < 0.0):
            raise ValueError(f"{name} must be >= 0 (inf: instrument unavailable)")
    instruments: list[Instrument] = []
    amounts: list[float] = []
    member_costs: list[float] = []
    for i, gap in enumerate(g):
        need = float(gap) + epsilon
        if need <= 0.0:
            instruments.append("none")
            amounts.append(0.0)
            member_costs.append(0.0)
            continue
        pay_cost = float(pay_unit[i]) * need
        k = need / float(q[i]) if q[i] > 0.0 else math.inf
        pen_cost = float(pen_unit[i]) * k if math.isfinite(k) else math.inf
        if math.isinf(pay_cost) and math.isinf(pen_cost):
            instruments.append("impossible")
            amounts.append(math.inf)
            member_costs.append(math.inf)
        elif pay_cost <= pen_cost:
            instruments.append("payment")
            amounts.append(need)
            member_costs.append(pay_cost)
        else:
            instruments.append("penalty")
            amounts.append(k)
            member_costs.append(pen_cost)
    package = least_cost_package(weights, member_costs, threshold, tol=tol)
    return InstrumentPackage(package, tuple(instruments), tuple(amounts), tuple(member_costs))
