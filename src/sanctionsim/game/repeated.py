"""Critical discount factors for grim trigger in a member's repeated stage game (A5).

The member's stage game (``formal-models.md`` A5): ``T`` it eases while the rest hold, ``R``
everyone holds, ``P`` the coalition has collapsed (everyone eases), ``S`` it holds while the rest
ease; the textbook case is ``T > R > P > S``. The rest of the coalition plays grim trigger: hold
until an easing by the member is *detected*, then ease for ever. Levers of the leader:

* ``q`` detection probability: each period the member eases, it is detected with probability
  ``q`` (independently); only a detected easing triggers the collapse or the penalty;
* ``s`` side payment per period, paid to the member in every period it holds;
* ``k`` penalty per period, charged to the member for every *detected* period of easing.

**Derivation (one-shot deviation principle).** Against grim trigger the member faces a
two-state decision problem: "not caught" (the rest hold) and "caught" (the rest ease for ever).
Once caught, it takes its best stage payoff for ever, ``P_eff = max(P − q·k, S + s)`` per period
(it eases, or holds alone if that pays more; ``S`` unknown is taken as ``S + s ≤ P − q·k``).
Holding for ever is worth ``V_H = (R + s)/(1 − δ)``. Easing once and then holding again if not
caught is worth ``T − q·k + δ[q·P_eff/(1 − δ) + (1 − q)·V_H]``; easing until caught gives the
same condition, and by the one-shot deviation principle (Fudenberg & Tirole 1991, thm 4.2) no
other plan does better. Holding is optimal iff::

    δ·q·L ≥ (1 − δ)·G,  where  G = T − R − s − q·k   (the one-period gain from easing)
                          and  L = R + s − P_eff      (the loss per period once caught)

so ``δ* = G / (G + q·L)``. Special cases (``S`` small enough that the member eases after a
collapse):

===========================  ====================================  ==============================
lever                        δ*                                    A5 example (T=10, R=6, P=2)
===========================  ====================================  ==============================
none                         ``(T − R)/(T − P)``                   0.50
detection ``q``              ``(T − R)/[(T − R) + q(R − P)]``      q = 0.5: 0.667
side payment ``s``           ``(T − R − s)/(T − P)``               s = 2: 0.25
penalty ``k`` (this period)  ``(T − R − k)/(T − P)``               k = 2: **0.25** (note: 0.40)
penalty ``k`` (next period)  ``(T − R)/(T − P + k)``               k = 2: 0.40
===========================  ====================================  ==============================

The research note's detection and side-payment formulas agree with this derivation (the side
payment one needs ``S + s ≤ P``: otherwise a member holding alone after a collapse would still
collect ``s``, and ``δ* = (T − R − s)/(T − S − s)``). Its penalty formula
``(T − R)/(T − P + k)`` is right only if the penalty for a period's easing is charged one period
*later*: the deviation period then goes unpenalised (``T``) and every later period costs
``P − k``. With the penalty charged in the period of the easing, as in the member payoff of
``MODEL.md`` §2 (``− (1 − hold_i)·k_i``) and in the simulation (the leader applies levers within
the month), the deviation yields ``T − k`` and ``δ* = (T − R − k)/(T − P)``: 0.25, not 0.40, in
the worked example. Both timings are available (``penalty_timing``); with the late penalty its
present value at the time of the easing is ``δ·q·k``, which makes the condition quadratic in ``δ``
when ``0 < q < 1`` and ``k > 0`` (solved exactly).

Edge cases: ``δ* ≤ 0`` (holding already pays in the stage game, ``G ≤ 0``) returns ``0``; when no
``δ < 1`` sustains holding (``q = 0``, or a collapse costs the member nothing, ``L ≤ 0``) the
threshold is ``math.inf`` with the reason. Holding at exactly ``δ*`` is (weakly) optimal. With
``T > R > P > S`` and ``q > 0`` a finite threshold always exists; for other stage games the
discount factors that sustain holding may form an interval stopping short of 1, and then there
is no threshold ``δ*`` above which holding is *always* sustained: that is reported as
``math.inf`` too.

References: Friedman, J. W. (1971) "A non-cooperative equilibrium for supergames", *Review of
Economic Studies* 38(1), 1–12. Fudenberg, D. & Tirole, J. (1991) *Game Theory*, MIT Press, §4.2,
§5.1. Axelrod, R. (1984) *The Evolution of Cooperation*, Basic Books.

>>> critical_discount_factor(10, 6, 2).delta_star
0.5
>>> round(critical_discount_factor(10, 6, 2, q=0.5).delta_star, 4)
0.6667
>>> critical_discount_factor(10, 6, 2, s=2).delta_star
0.25
>>> critical_discount_factor(10, 6, 2, k=2).delta_star
0.25
>>> critical_discount_factor(10, 6, 2, k=2, penalty_timing="next_period").delta_star
0.4
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = ["GrimTriggerThreshold", "PenaltyTiming", "critical_discount_factor"]

PenaltyTiming = Literal["same_period", "next_period"]


@dataclass(frozen=True)
class GrimTriggerThreshold:
    """The critical discount factor and why.

    ``delta_star`` is in ``[0, 1)`` when holding is sustainable for every ``δ ≥ delta_star``
    (``δ < 1``), and ``math.inf`` when no ``δ < 1`` sustains it. ``punishment_payoff`` is the
    member's per-period payoff once caught (``P_eff``, at ``delta_star`` for the late penalty);
    ``holds_after_collapse`` says whether it would then hold alone (``S + s > P − q·k``).
    """

    delta_star: float
    reason: str
    gain: float
    punishment_payoff: float
    holds_after_collapse: bool
    q: float
    s: float
    k: float
    penalty_timing: PenaltyTiming

    @property
    def sustainable(self) -> bool:
        """True when some discount factor below 1 sustains holding."""
        return math.isfinite(self.delta_star)


def _threshold(a: float, b: float, c: float) -> float:
    """Smallest δ in [0, 1) with a·δ² + b·δ + c ≥ 0 on all of [δ, 1), for a ≤ 0; else inf.

    A concave (or linear) function is non-negative on an interval; holding is sustainable "for
    all δ ≥ δ*" only if that interval reaches up to 1.
    """
    if a == 0.0:
        if b > 0.0:
            root = -c / b
            return max(0.0, root) if root < 1.0 else math.inf
        if b == 0.0:
            return 0.0 if c >= 0.0 else math.inf
        # decreasing: non-negative on (-inf, -c/b]
        return 0.0 if -c / b >= 1.0 else math.inf
    disc = b * b - 4.0 * a * c
    if disc < 0.0:
        return math.inf
    root_disc = math.sqrt(disc)
    # numerically stable roots of a·x² + b·x + c (Press et al., Numerical Recipes §5.6)
    half = -0.5 * (b + math.copysign(root_disc, b)) if b != 0.0 else -0.5 * root_disc
    roots = sorted([half / a, c / half] if half != 0.0 else [0.0, 0.0])
    low, high = roots
    if high < 1.0 or low >= 1.0:
        return math.inf
    return max(0.0, low)


def critical_discount_factor(
    T: float,
    R: float,
    P: float,
    S: float | None = None,
    *,
    q: float = 1.0,
    s: float = 0.0,
    k: float = 0.0,
    penalty_timing: PenaltyTiming = "same_period",
) -> GrimTriggerThreshold:
    """Critical discount factor δ* for holding against grim trigger, with levers q, s, k.

    Derived in the module docstring (one-shot deviation principle); the levers combine freely.
    ``S`` is optional: without it the member is assumed to keep easing after a collapse.

    >>> critical_discount_factor(10, 6, 2, q=0.5, s=1, k=2).delta_star   # G = 2, L = 6: 2/(2 + 3)
    0.4
    >>> r = critical_discount_factor(10, 6, 2, S=1, s=2)   # S + s > P: (T - R - s)/(T - S - s)
    >>> round(r.delta_star, 4), r.holds_after_collapse
    (0.2857, True)
    >>> critical_discount_factor(5, 6, 2).reason
    'holding is already a best response to the rest holding (T - R - s - q*k = -1 <= 0)'
    >>> r = critical_discount_factor(10, 6, 2, q=0)
    >>> r.delta_star, r.sustainable
    (inf, False)
    """
    _check_levers(T, R, P, S, q=q, s=s, k=k, penalty_timing=penalty_timing)
    g0 = T - R - s  # gain before any penalty
    delta_star = max(
        _threshold(a, b, c) for a, b, c in _branches(R, P, S, g0, q, s, k, penalty_timing)
    )
    at = delta_star if math.isfinite(delta_star) else 1.0
    pen_now = q * k if penalty_timing == "same_period" else at * q * k
    gain = g0 - pen_now
    p_eff = P - pen_now
    holds_alone = S is not None and S + s > p_eff
    if holds_alone:
        assert S is not None
        p_eff = S + s
    reason = _reason(delta_star, gain, R + s - p_eff, q)
    return GrimTriggerThreshold(
        delta_star=delta_star,
        reason=reason,
        gain=float(gain),
        punishment_payoff=float(p_eff),
        holds_after_collapse=holds_alone,
        q=float(q),
        s=float(s),
        k=float(k),
        penalty_timing=penalty_timing,
    )


def _check_levers(
    T: float,
    R: float,
    P: float,
    S: float | None,
    *,
    q: float,
    s: float,
    k: float,
    penalty_timing: str,
) -> None:
    """Raise ``ValueError`` for a payoff or lever that :func:`critical_discount_factor` refuses."""
    for name, value in (("T", T), ("R", R), ("P", P), ("q", q), ("s", s), ("k", k)):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite")
    if S is not None and not math.isfinite(S):
        raise ValueError("S must be finite")
    if not 0.0 <= q <= 1.0:
        raise ValueError("q is a probability: 0 <= q <= 1")
    if s < 0.0 or k < 0.0:
        raise ValueError("the side payment s and the penalty k must be >= 0")
    if penalty_timing not in ("same_period", "next_period"):
        raise ValueError("penalty_timing must be 'same_period' or 'next_period'")


def _branches(
    R: float,
    P: float,
    S: float | None,
    g0: float,
    q: float,
    s: float,
    k: float,
    penalty_timing: str,
) -> list[tuple[float, float, float]]:
    """The quadratic conditions ``a δ² + b δ + c >= 0`` of the module docstring: one for the
    punishment path after a collapse, one more when the member may hold alone (``S`` given)."""
    if penalty_timing == "same_period":
        pen = q * k  # expected penalty for one period of easing, paid now
        branches = [(0.0, q * (R + s - P + pen) + g0 - pen, -(g0 - pen))]
        if S is not None:
            branches.append((0.0, q * (R - S) + g0 - pen, -(g0 - pen)))
        return branches
    # the penalty for this period's easing is paid next period: present value δ·q·k
    branches = [(-q * k * (1.0 - q), q * (R + s - P) + q * k + g0, -g0)]
    if S is not None:
        branches.append((-q * k, q * (R - S) + q * k + g0, -g0))
    return branches


def _reason(delta_star: float, gain: float, caught_cost: float, q: float) -> str:
    """Why δ* is what it is, in words (``caught_cost``: R + s - P_eff per period)."""
    if delta_star == 0.0:
        return (
            "holding is already a best response to the rest holding "
            f"(T - R - s - q*k = {gain:g} <= 0)"
        )
    if math.isinf(delta_star):
        if q == 0.0:
            return "no discount factor below 1 sustains holding: easing is never detected (q = 0)"
        return (
            "no discount factor below 1 sustains holding: being caught costs the member "
            f"too little (R + s - P_eff = {caught_cost:g} per period against a gain of "
            f"{gain:g})"
        )
    return f"holding is sustainable for delta >= {delta_star:.6g}"
