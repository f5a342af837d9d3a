"""The v2 family's coalition rules: reviewed, costly, stochastic easing (docs/model-v2.md).

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

In v2 (v2a), ``conditional_cooperation`` is played by the same quantal response: it follows the
others' easing when, and only as far as, their easing makes easing pay; ``staged_reciprocity``
and the classic strategies play as in v1. v2b's rules change only ΔV_it: :class:`ForwardLooking`
weighs the shadow of the future (item 6, :mod:`sanctionsim.coalition.shadow`),
:class:`BelievingFollower` reckons the others' easing by Bayes' rule on the reports (item 7) and
:class:`WeighedReciprocity` eases a side deal's next stage only when the deal is worth its cost;
the ablation ``v2-shadow`` plays item 6 alone (:data:`~sanctionsim.dynamics.rules.RULES_BY_MODEL`).
v2c's rules change only the logit's scale: :class:`WholeStakeResponse` divides ΔV_it by the
decision's whole stake Σ_i (the one-off cost included), so the ratio stays in [−1, 1].
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sanctionsim.coalition.payoffs import carve_out_gain, easing_gain, easing_premium
from sanctionsim.coalition.shadow import MAX_DISCOUNT, responders_loss, shadow_value
from sanctionsim.dynamics.choice import carve_out_probabilities, easing_probability, fading_weight
from sanctionsim.dynamics.rules import (
    CARVE,
    EASE,
    HOLD,
    ChoiceTerms,
    Classic,
    HonouredByBelief,
    Rule,
    RuleContext,
    RuleMetadata,
    StagedReciprocity,
    View,
    strategy_for,
)

if TYPE_CHECKING:
    from sanctionsim.coalition.parameters import CoalitionParameters
    from sanctionsim.dynamics.strategies import Strategy

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

    def holding(self, view: View) -> FloatArray:
        """``(runs, N)``: whether each other member holds, as the member reckons it: as seen."""
        result: FloatArray = view.seen_holding.astype(np.float64)
        return result

    def gain(self, view: View) -> FloatArray:
        """ΔV: u_i(ease) − u_i(hold) this month, the others as reckoned, minus A_i; model v2h adds
        η·g_i(P_e), the premium weighed again by the lobby weight (docs/model-v2.md, "v2h", H1)."""
        q_target = self.honoured(view.belief)
        holding = self.holding(view)
        gain = easing_gain(self.params, holding, q_target, self.member)
        result: FloatArray = gain - self.terms.backing_down
        if self.terms.lobby_weight:  # v2h only: every other version adds nothing, bit for bit
            premium = easing_premium(self.params, holding, self.member)
            result = result + self.terms.lobby_weight * premium
        return result

    def intercept(self, theta: float | FloatArray) -> float | FloatArray:
        """θ_t, shifted by τ_i in model v2i (docs/model-v2.md, "v2i", I1), by τ_i + π in
        model v2j (J1), by τ_i + ρ·d_i in model v2l (L1) and by τ_i + τ·a_i in model v2o (O2);
        θ_t elsewhere."""
        terms = self.terms
        for shift in (terms.temptation, terms.prospects, terms.discretion, terms.alliance):
            if shift is not None:
                theta = theta + shift
        return theta

    def probability(self, theta: float | FloatArray, gain: FloatArray) -> FloatArray:
        """The chance of easing at an epoch for the gain ``gain``: Λ(θ + λ·ΔV_i/S_i) (item 4),
        Λ(θ + τ_i + λ·ΔV_i/S_i) in model v2i, Λ(θ + τ_i + π + λ·ΔV_i/S_i) in v2j."""
        return easing_probability(self.intercept(theta), self.terms.slope, gain, self.terms.stake)

    def resolve_weight(self, elapsed: int) -> FloatArray | None:
        """The weight of the case-specific terms in month ``elapsed`` + 1,
        :func:`~sanctionsim.dynamics.choice.fading_weight` of the member's measures' age (model
        v2r, docs/model-v2.md, "v2r", R1); None where the version reads no fading."""
        rate = self.terms.resolve_rate
        return None if rate is None else fading_weight(self.terms.measure_age, elapsed, rate)

    def weighed_probability(
        self, theta: float | FloatArray, gain: FloatArray, weight: FloatArray | None
    ) -> FloatArray:
        """:meth:`probability` with the case-specific part x = τ_i + λ·ΔV_i/S_i weighed by
        ``weight``: Λ(θ + r·x) (model v2r, R1), or Λ(θ + min(x, r·x)) where the weight only lowers
        the odds (v2s, S1); :meth:`probability` itself where None."""
        if weight is None:
            return self.probability(theta, gain)
        shifts, terms = self.intercept(0.0), self.terms
        p = easing_probability(theta + weight * shifts, weight * terms.slope, gain, terms.stake)
        if terms.resolve_one_sided:  # the smaller chance: Λ is increasing
            p = np.minimum(p, self.probability(theta, gain))
        return p

    def first(self) -> ActionArray:
        """Month 1's levels are those in force on the start (the kernel then asks :meth:`next`
        with the start's view for month 1's decision)."""
        return np.full(self.runs, HOLD, dtype=np.int8)

    def next(self, view: View) -> ActionArray:
        """Keep an easing; else ease where the epoch and the choice both fall."""
        epoch = view.epoch
        if epoch is None:
            raise ValueError("model v2's rules decide at epochs (View.epoch)")
        weight = self.resolve_weight(epoch.elapsed)
        chance = self.weighed_probability(epoch.theta, self.gain(view), weight)
        p = np.where(self.terms.easable, chance, 0.0)
        self.hazard = epoch.chance * p
        eases = view.own_held & (epoch.epoch_u < epoch.chance) & (epoch.choice_u < p)
        result: ActionArray = np.where(~view.own_held | eases, EASE, HOLD).astype(np.int8)
        return result


class CarvingResponse(QuantalResponse):
    """``best_response`` in v2g: v2f's quantal response with the carve-out among the choices.

    At an epoch a member still holding holds, eases everything or eases its carve-out alone,
    by the multinomial logit over the three (:func:`~sanctionsim.dynamics.choice.
    carve_out_probabilities`; McFadden 1974, McKelvey & Palfrey 1995): the carve-out's gain is
    ΔV^c_i (:func:`~sanctionsim.coalition.payoffs.carve_out_gain`) minus φ_i·A_i, its intercept
    shifted by ξ. A member that carved keeps its remaining measures for the rest of the run
    (docs/model-v2.md, "v2g", G1-G3). Without a carve-out it is :class:`QuantalResponse`.
    """

    metadata = RuleMetadata(
        uses_payoffs=True, quantal=True, citation="McFadden 1974; McKelvey & Palfrey 1995"
    )

    def __init__(self, context: RuleContext, terms: ChoiceTerms) -> None:
        super().__init__(context, terms)
        share = context.params.carve_share
        if share is None:
            raise ValueError("model v2g's rules need the parameters' carve-outs (carve_outs=True)")
        self.share: FloatArray = share[:, context.member]
        self.carved = np.zeros(context.runs, dtype=np.bool_)

    def carve_gain(self, view: View) -> FloatArray:
        """ΔV^c_i − φ_i·A_i: the carve-out's gain, the others as reckoned (G2)."""
        q_target = self.honoured(view.belief)
        gain = carve_out_gain(self.params, self.holding(view), q_target, self.member)
        result: FloatArray = gain - self.share * self.terms.backing_down
        return result

    def next(self, view: View) -> ActionArray:
        """Keep a carve-out or an easing; else ease or carve where the epoch and the choice
        fall."""
        epoch = view.epoch
        if epoch is None:
            raise ValueError("model v2's rules decide at epochs (View.epoch)")
        terms = self.terms
        p_ease, p_carve = carve_out_probabilities(
            self.intercept(epoch.theta),
            terms.slope,
            self.gain(view),
            self.carve_gain(view),
            terms.stake,
            terms.carve_shift,
            self.share > 0,
        )
        p_ease = np.where(terms.easable, p_ease, 0.0)
        p_carve = np.where(terms.easable, p_carve, 0.0)
        self.hazard = epoch.chance * (p_ease + p_carve)
        decides = view.own_held & ~self.carved & (epoch.epoch_u < epoch.chance)
        eases = decides & (epoch.choice_u < p_ease)
        self.carved |= decides & ~eases & (epoch.choice_u < p_ease + p_carve)
        result: ActionArray = np.where(
            self.carved, CARVE, np.where(~view.own_held | eases, EASE, HOLD)
        ).astype(np.int8)
        return result


class CarvingFollower(CarvingResponse):
    """``conditional_cooperation`` in v2g: the same response, on what the member saw (as v2a)."""

    name = "conditional_cooperation"
    metadata = RuleMetadata(
        uses_payoffs=True,
        quantal=True,
        citation="Fischbacher, Gachter & Fehr 2001; McFadden 1974",
    )


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


class WholeStakeResponse(QuantalResponse):
    """``best_response`` in v2c: v2a's quantal response on the decision's whole stake (C1).

    x_i = ΔV_i/Σ_i clipped to [−1, 1], Σ_i = S_i + |k_i·q_i| + |d_i| + A_i: every term of ΔV_i
    counted in the scale, the one-off cost of backing down among them, so that λ is the largest
    shift of the log-odds from the anchor θ_t (McKelvey & Palfrey 1995; Signorino 1999;
    docs/model-v2.md, "v2c").
    """

    metadata = RuleMetadata(
        uses_payoffs=True, quantal=True, citation="McKelvey & Palfrey 1995; Signorino 1999"
    )

    def __init__(self, context: RuleContext, terms: ChoiceTerms) -> None:
        super().__init__(context, terms)
        i, params = context.member, context.params
        self.scale: FloatArray = decision_stake(
            terms.stake,
            params.expected_penalty()[:, i],
            params.deal_value[:, i],
            terms.backing_down,
        )

    def probability(self, theta: float | FloatArray, gain: FloatArray) -> FloatArray:
        """Λ(θ + λ·x_i), x_i = ΔV_i/Σ_i clipped to [−1, 1] (C1)."""
        return easing_probability(theta, self.terms.slope, gain, self.scale, bounded=True)


class WholeStakeFollower(WholeStakeResponse):
    """``conditional_cooperation`` in v2c: the same response, on what the member saw (as v2a)."""

    name = "conditional_cooperation"
    metadata = RuleMetadata(
        uses_payoffs=True,
        quantal=True,
        citation="Fischbacher, Gachter & Fehr 2001; McKelvey & Palfrey 1995",
    )


def decision_stake(
    stake: FloatArray, penalty: FloatArray, deal: FloatArray, backing_down: FloatArray
) -> FloatArray:
    """Σ_i = S_i + |k_i·q_i| + |d_i| + A_i: everything at stake in member i's decision (v2c, C1).

    >>> decision_stake(*(np.array([v]) for v in (2.0, -0.5, 1.0, 30.0))).tolist()
    [33.5]
    """
    result: FloatArray = stake + np.abs(penalty) + np.abs(deal) + np.abs(backing_down)
    return result


class ForwardLooking(QuantalResponse):
    """``best_response`` in v2b: the quantal response to the shadow of the future (item 6).

    ΔV_i compares a permanent easing with holding (:func:`~sanctionsim.coalition.shadow.
    shadow_value`): the gain until detected, then the leader's penalty and the pressure lost when
    the members who follow an easing ease in turn, discounted by δ_i and the episode's survival,
    minus A_i. Fudenberg & Tirole 1991, ch. 5 (one-shot deviation); McKelvey & Palfrey 1995.
    """

    metadata = RuleMetadata(
        uses_payoffs=True,
        quantal=True,
        citation="Fudenberg & Tirole 1991, ch. 5; McKelvey & Palfrey 1995",
    )

    def gain(self, view: View) -> FloatArray:
        """ΔV_i of item 6, the others as the member reckons them."""
        if view.end_hazard is None:
            raise ValueError("model v2b's rules read the episode's end hazard (View.end_hazard)")
        i, params = self.member, self.params
        holding = self.holding(view)
        q_target = self.honoured(view.belief)
        gain = easing_gain(params, holding, q_target, i, expected_penalty=False)
        followers = responders_loss(params, holding, i, self.terms.responders)
        loss = params.penalty[:, i] + followers - gain
        discount = params.discount_factor[:, i] * (1.0 - view.end_hazard)
        return shadow_value(gain, loss, discount, params.detection[:, i], self.terms.backing_down)


class ForwardLookingFollower(ForwardLooking):
    """``conditional_cooperation`` in the v2-shadow ablation: item 6 on what the member saw,
    without item 7's belief (so the ablation isolates the shadow of the future)."""

    name = "conditional_cooperation"


class BelievingFollower(ForwardLooking):
    """``conditional_cooperation`` in v2b: item 6 on a posterior of who has eased (item 7).

    Each month the member's belief that member j has eased starts from last month's and the
    chance e_t·Λ(θ_t) that j eased since (an indifferent member's rate), then is updated by
    Bayes' rule on the month's report: an easing is seen with j's detection q_j, a holding wrongly
    seen easing with the false-alarm rate f. The member reckons the others' holding as 1 minus
    the posterior, so one false alarm moves it only as far as the report is informative
    (Fischbacher, Gachter & Fehr 2001 on conditional cooperation on beliefs; Drezner 2000 on
    doubt about the others' compliance).
    """

    name = "conditional_cooperation"
    metadata = RuleMetadata(
        uses_payoffs=True,
        quantal=True,
        citation="Fischbacher, Gachter & Fehr 2001; Drezner 2000; Fudenberg & Tirole 1991",
    )

    def __init__(self, context: RuleContext, terms: ChoiceTerms) -> None:
        super().__init__(context, terms)
        self.eased_belief: FloatArray = np.zeros((context.runs, context.params.members))

    def holding(self, view: View) -> FloatArray:
        """1 − the posterior that each other member has eased."""
        result: FloatArray = 1.0 - self.eased_belief
        return result

    def next(self, view: View) -> ActionArray:
        """Update the belief on this month's report, then decide as :class:`ForwardLooking`."""
        if view.epoch is None:
            raise ValueError("model v2's rules decide at epochs (View.epoch)")
        self.eased_belief = eased_posterior(
            self.eased_belief,
            view.epoch.others_rate,
            ~view.seen_holding,
            self.params.detection,
            self.params.false_alarm,
        )
        return super().next(view)


class BelievingClassic(Classic):
    """A classic strategy in v2d: it sees the others through item 7's belief (D1).

    Each month its posterior that each other member has eased is updated by Bayes' rule on the
    month's report (:func:`eased_posterior`); the strategy is told that a member held where that
    posterior is below :data:`BELIEVED_BELOW`, so one false alarm does not move it (Axelrod 1984;
    Downs & Rocke 1990 on tacit bargaining under imperfect monitoring; docs/model-v2.md, "v2d").
    """

    def __init__(self, runs: int, member: int, strategy: Strategy, params: CoalitionParameters):
        super().__init__(runs, member, strategy)
        self.params = params
        self.eased_belief: FloatArray = np.zeros((runs, params.members))

    @classmethod
    def playing(cls, name: str, context: RuleContext) -> BelievingClassic:
        """The classic strategy ``name`` on the chunk's parameters, believing no one eased."""
        return cls(context.runs, context.member, strategy_for(name, context), context.params)

    def next(self, view: View) -> ActionArray:
        """Update the belief on this month's report; play the strategy on what it believes."""
        if view.others_rate is None:
            raise ValueError("model v2d's classic strategies read the month's prior rate")
        self.eased_belief = eased_posterior(
            self.eased_belief,
            view.others_rate,
            ~view.seen_holding,
            self.params.detection,
            self.params.false_alarm,
        )
        believed = self.eased_belief < BELIEVED_BELOW
        believed[:, self.member] = view.seen_holding[:, self.member]
        return super().next(dataclasses.replace(view, seen_holding=believed))


BELIEVED_BELOW = 0.5
"""A v2d classic strategy counts a member as holding while its posterior of easing is below this:
it acts on what it believes more likely than not (fixed by the design, not by a score)."""


class WeighedReciprocity(StagedReciprocity):
    """``staged_reciprocity`` in v2b: the next stage is eased only when the deal is worth it.

    After the target delivered every stage eased so far, the member eases the next stage when
    the deal's expected value at its belief that the target is reliable, q_T·d_i / (1 − d_i)
    (d_i the effective discount of item 6), exceeds the stage's cost of backing down, A_i
    prorated by the stage's share of its easable pressure (docs/model-v2.md, item 7).
    Snap-back is v1's.
    """

    metadata = RuleMetadata(
        staged=True,
        uses_deal=True,
        citation="Axelrod 1984; Osgood 1962 (GRIT); docs/model-v2.md item 7",
    )

    def __init__(self, context: RuleContext, terms: ChoiceTerms, snap_on_renege: bool) -> None:
        super().__init__(context.runs, context.member, snap_on_renege)
        self.params = context.params
        self.honoured = HonouredByBelief(context.params)
        self.terms = terms

    @classmethod
    def build(cls, context: RuleContext) -> Rule:
        """Weighed reciprocity on the member's deal; a member without a deal holds."""
        if context.snap_back is None or context.choice is None:
            return StagedReciprocity.build(context)
        return cls(context, context.choice, context.snap_back)

    def next(self, view: View) -> ActionArray:
        """v1's staged move, holding a due stage the deal is not worth."""
        action = super().next(view)
        if view.end_hazard is None or view.stage_share is None:
            raise ValueError("model v2b's staged rule reads View.end_hazard and stage_share")
        i = self.member
        discount = np.clip(
            self.params.discount_factor[:, i] * (1.0 - view.end_hazard), 0.0, MAX_DISCOUNT
        )
        worth = self.honoured(view.belief) * self.params.deal_value[:, i] / (1.0 - discount)
        cost = self.terms.backing_down * view.stage_share
        action[(action == EASE) & ~(worth > cost)] = HOLD
        return action


def eased_posterior(
    belief: FloatArray,
    rate: FloatArray,
    seen_easing: npt.NDArray[np.bool_],
    detection: FloatArray,
    false_alarm: FloatArray,
) -> FloatArray:
    """Each member's posterior that each other has eased, after one month's report (item 7).

    ``belief`` and ``seen_easing`` are ``(runs, N)``; ``rate`` ``(N,)`` the prior chance of
    easing in the month; ``detection`` ``(runs, N)``; ``false_alarm`` ``(runs,)``.

    >>> b = np.zeros((1, 2)); rate = np.array([0.01, 0.01])
    >>> q, f = np.array([[0.9, 0.9]]), np.array([0.05])
    >>> np.round(eased_posterior(b, rate, np.array([[True, False]]), q, f), 4).tolist()
    [[0.1538, 0.0011]]
    """
    prior = belief + (1.0 - belief) * rate[None, :]
    f = false_alarm[:, None]
    if_eased = np.where(seen_easing, detection, 1.0 - detection)
    if_held = np.where(seen_easing, f, 1.0 - f)
    joint = prior * if_eased
    total = joint + (1.0 - prior) * if_held
    result: FloatArray = np.where(total > 0, joint / np.where(total > 0, total, 1.0), prior)
    return result


def monthly_stake(params_terms: tuple[FloatArray, ...]) -> FloatArray:
    """S_i: the sum of the magnitudes of the payoff's terms at all-hold (docs/model-v2.md, 4).

    ``params_terms`` are the terms' values per run, each ``(runs,)``.

    >>> monthly_stake((np.array([1.0, -2.0]), np.array([0.5, 0.5]))).tolist()
    [1.5, 2.5]
    """
    result: FloatArray = np.sum(np.abs(np.stack(params_terms)), axis=0)
    return result
