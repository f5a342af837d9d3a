"""Model v2's coalition rules (v2a): reviewed, costly, stochastic easing (docs/model-v2.md).

A v2 member does not reconsider its measures every month. At a *decision epoch* (a renewal date
of its own measures, else with probability ω a month: :mod:`sanctionsim.dynamics.epochs`) a
member still holding eases with probability

    p_it = Λ(θ_t + λ·ΔV_it / S_it)

(:func:`~sanctionsim.dynamics.choice.easing_probability`; McKelvey & Palfrey 1995, Signorino
1999), where θ_t is anchored on the TIES capitulation hazard of the episode's group at its age,
S_i the member's monthly stake and, in v2a, ΔV_it the one-month payoff of easing over holding
(``domain/MODEL.md`` §2, with the others at the levels the member saw and the side deal at its
belief) minus the one-off cost of backing down A_i (:mod:`sanctionsim.coalition.commitment`).
A member with nothing to ease never eases. Easing is kept: a v2 member that backed down does not
reimpose in the run (the cost A_i is paid once; reimposition is a later model's question).

Each rule also exposes :attr:`QuantalResponse.hazard`, its chance e_t·p_it of easing at this
decision whatever it drew, evaluated as if it still held, from which the kernel carries the
smooth chance of easing along each path (docs/model-v2.md, item 4).

In v2a, ``conditional_cooperation`` is played by the same quantal response: it follows the
others' easing when, and only as far as, their easing makes easing pay (v2b's belief-based
reciprocity, item 7, is not built). ``staged_reciprocity`` and the classic strategies play as in
v1.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sanctionsim.coalition.payoffs import easing_gain
from sanctionsim.dynamics.choice import easing_probability
from sanctionsim.dynamics.rules import (
    EASE,
    HOLD,
    ChoiceTerms,
    HonouredByBelief,
    Rule,
    RuleContext,
    RuleMetadata,
    View,
)

FloatArray = npt.NDArray[np.float64]
ActionArray = npt.NDArray[np.int8]


class QuantalResponse(Rule):
    """Ease at a decision epoch with the anchored logit probability of the one-month gain.

    McKelvey & Palfrey 1995 (*Games and Economic Behavior* 10(1)), logit quantal response;
    Signorino 1999 (*APSR* 93(2)) for strategic choice in international relations; the cost of
    backing down after Fearon 1994 and Tomz 2007.
    """

    name = "best_response"
    metadata = RuleMetadata(
        uses_payoffs=True, quantal=True, citation="McKelvey & Palfrey 1995; Signorino 1999"
    )

    def __init__(self, context: RuleContext, terms: ChoiceTerms) -> None:
        super().__init__(context.runs, context.member)
        self.params = context.params
        self.honoured = HonouredByBelief(context.params)
        self.terms = terms
        self.hazard: FloatArray = np.zeros(context.runs)

    @classmethod
    def build(cls, context: RuleContext) -> QuantalResponse:
        """The rule on the chunk's parameters and the member's choice terms."""
        if context.choice is None:
            raise ValueError("model v2's rules need choice terms (RuleContext.choice)")
        return cls(context, context.choice)

    def gain(self, view: View) -> FloatArray:
        """ΔV: u_i(ease) − u_i(hold) this month, the others as seen, minus A_i."""
        profile = view.seen_holding.astype(np.float64)
        q_target = self.honoured(view.belief)
        gain = easing_gain(self.params, profile, q_target, self.member)
        result: FloatArray = gain - self.terms.backing_down
        return result

    def first(self) -> ActionArray:
        """Month 1's levels are those in force on the start (the kernel then asks :meth:`next`
        with the start's view for month 1's decision)."""
        return np.full(self.runs, HOLD, dtype=np.int8)

    def next(self, view: View) -> ActionArray:
        """Keep an easing; else ease where the epoch and the choice both fall."""
        epoch = view.epoch
        if epoch is None:
            raise ValueError("model v2's rules decide at epochs (View.epoch)")
        terms = self.terms
        p = easing_probability(epoch.theta, terms.slope, self.gain(view), terms.stake)
        p = np.where(terms.easable, p, 0.0)
        self.hazard = epoch.chance * p
        eases = view.own_held & (epoch.epoch_u < epoch.chance) & (epoch.choice_u < p)
        result: ActionArray = np.where(~view.own_held | eases, EASE, HOLD).astype(np.int8)
        return result


class QuantalFollower(QuantalResponse):
    """``conditional_cooperation`` in v2a: the quantal response to what the member saw.

    It follows the others' easing only as far as their easing makes its own pay (their
    pressure lost lowers the concession it holds for), not at the first report (Fischbacher,
    Gachter & Fehr 2001 on conditional cooperation; docs/model-v2.md item 7 for v2b's belief).
    """

    name = "conditional_cooperation"
    metadata = RuleMetadata(
        uses_payoffs=True,
        quantal=True,
        citation="Fischbacher, Gachter & Fehr 2001; McKelvey & Palfrey 1995",
    )


def monthly_stake(params_terms: tuple[FloatArray, ...]) -> FloatArray:
    """S_i: the sum of the magnitudes of the payoff's terms at all-hold (docs/model-v2.md, 4).

    ``params_terms`` are the terms' values per run, each ``(runs,)``.

    >>> monthly_stake((np.array([1.0, -2.0]), np.array([0.5, 0.5]))).tolist()
    [1.5, 2.5]
    """
    result: FloatArray = np.sum(np.abs(np.stack(params_terms)), axis=0)
    return result
