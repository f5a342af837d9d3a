"""How a coalition member chooses its level each month: one small class per rule.

Every rule sees the same :class:`View` of the month just played, per run, and returns an action
per run (``HOLD``, ``EASE`` or ``SNAP``; see below). Rules keep any per-run state in numpy arrays,
so one object plays a member in every run of a chunk at once. The engine
(:mod:`sanctionsim.dynamics.engine`) turns actions into levels:

* ``HOLD``: keep the level (a binary rule's hold means "back at the level of the start date");
* ``EASE``: a binary rule eases its whole easable set; staged reciprocity eases the next stage;
* ``SNAP``: restore the measures a side deal eased, plus the deal's ``widen_by`` (snap-back).

The classic repeated-game strategies of :mod:`sanctionsim.dynamics.strategies` (Axelrod 1984)
play through :class:`Classic`, which feeds them ``observed_other_last`` = "every other member was
observed holding last month". The coalition rules of ``domain/MODEL.md`` §4 are
:class:`BestResponse`, :class:`ConditionalCooperation` and :class:`StagedReciprocity`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import numpy.typing as npt

from sanctionsim.actions import Action
from sanctionsim.coalition.payoffs import member_payoffs
from sanctionsim.dynamics.strategies import STRATEGIES, Strategy
from sanctionsim.versions import DEFAULT, VERSIONS, model_version

if TYPE_CHECKING:
    from sanctionsim.coalition.parameters import CoalitionParameters

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
ActionArray = npt.NDArray[np.int8]

HOLD, EASE = np.int8(Action.HOLD), np.int8(Action.EASE)
SNAP = np.int8(2)
"""Restore what a side deal eased, plus its ``widen_by`` (a staged rule's third action)."""
CARVE = np.int8(3)
"""Ease the member's carve-out alone, its hold fraction 1 − φ_i (model v2g: docs/model-v2.md,
"v2g", G3)."""

MODEL = DEFAULT
"""The model version played when none is named."""

# A member that no relation describes is weighed (and shares) at this trust: neither trusted
# nor distrusted. An engine convention, not a fact of any case (docs/model-dynamics.md).
DEFAULT_TRUST = 0.5
# Conditional cooperators hold while the trust-weighted share of the others seen holding is at
# least this (Fischbacher, Gachter & Fehr 2001 find contributions matching beliefs about others'
# one for one on average; holding on a majority is the binary reading of that).
COOPERATION_THRESHOLD = 0.5


@dataclass(frozen=True)
class ChoiceTerms:
    """What model v2's logit choice reads for one member (docs/model-v2.md, items 3 and 4).

    ``slope`` is λ (per run where calibrate's grid points are played together:
    :func:`~sanctionsim.dynamics.kernel_v2.stack_choice_terms`);
    ``backing_down`` the one-off cost A_i per run ``(runs,)``; ``stake`` S_i per
    run; ``easable`` whether the member has anything to ease in each run; ``responders`` ``(N,)``
    the other members who follow an easing they see (those playing conditional cooperation:
    v2b's one step of reasoning, item 6); ``carve_shift`` ξ, the shift of a carve-out's
    intercept (model v2g; 0 elsewhere, where no rule reads it); ``lobby_weight`` η, the weight the
    choice puts on the premium beyond ΔV_i (model v2h, H1; 0 elsewhere: nothing is added);
    ``temptation`` τ_i per run, the shift of the easing log-odds by the member's premium
    relative to its case's peers (models v2i, I1, and v2j); ``prospects`` π per run, the shift
    of every member's easing log-odds by the target's prospects (model v2j, J1); ``discretion``
    δ_i = ρ·d_i per run, the shift by the member's share of aid and diplomatic measures (model
    v2l, L1); ``alliance`` τ·a_i per run, the shift of a sender bound to the target by a defence
    treaty (model v2o, O2) (``None`` elsewhere: nothing is added); ``resolve_rate`` 1/T per run,
    the rate at which the resolve the member revealed by imposing its measures fades, and
    ``measure_age`` how many months before the start it imposed them (model v2r, R1: its logit's
    case-specific part is weighed by 1 − exp(−(age + t)/T) in month t; ``None``: not weighed; an
    infinite rate, T = 0, weighs it by 1; ``resolve_one_sided``: it only lowers, v2s, S1).
    """

    slope: float | FloatArray
    backing_down: FloatArray
    stake: FloatArray
    easable: BoolArray
    responders: BoolArray
    carve_shift: float = 0.0
    lobby_weight: float = 0.0
    temptation: FloatArray | None = None
    prospects: FloatArray | None = None
    discretion: FloatArray | None = None
    alliance: FloatArray | None = None
    resolve_rate: FloatArray | None = None
    measure_age: float = 0.0
    resolve_one_sided: bool = False


@dataclass(frozen=True)
class Epoch:
    """A decision month of model v2, per run: ``chance`` e_t (1 at a renewal date, ω elsewhere),
    ``theta`` the anchored intercept θ_t (model v2e: per run, θ'_t + σ·z_i), and the two
    uniforms that decide whether the member reconsiders (``epoch_u < chance``) and whether it
    eases (``choice_u < p``). ``others_rate``
    ``(N,)`` is each member's chance of easing this month were it indifferent (e_t·Λ(θ_t)): the
    prior a v2b follower's belief starts each month from (item 7). ``elapsed`` is the months
    since the start before the decided month (0 for month 1's decision), which model v2r's weight
    on a fresh measure reads (R1)."""

    chance: FloatArray
    theta: float | FloatArray
    epoch_u: FloatArray
    choice_u: FloatArray
    others_rate: FloatArray
    elapsed: int = 0


@dataclass
class View:
    """What one member knows at the end of a month, per run (arrays of length ``runs``).

    Attributes:
        member: the member's index (leader first, then members in file order).
        own_held: whether the member itself held (did not ease below its start level).
        seen_holding: ``(runs, members)``: which members it saw holding (itself: the truth).
        payoff: its realised payoff this month (U).
        belief: its probability that the target is the reliable type.
        delivered: for a member with a side deal, whether the target has delivered every stage
            the member has eased (the member may ease the next one); else all False.
        reneged: for a member with a side deal, whether the target has reneged; else all False.
        epoch: model v2's decision month (None in v1).
        end_hazard: model v2's monthly chance that the episode ends (the target's concession at
            the pressure in force, and the other ends), per run (None in v1).
        stage_share: model v2: for a member with a side deal, the share of its easable set its
            next stage would ease, per run (None otherwise).
        others_rate: model v2: ``(N,)`` each member's chance of easing in the coming month were
            it indifferent, e_t·Λ(θ_t) (the prior of a belief about who has eased; None in v1).
    """

    member: int
    own_held: BoolArray
    seen_holding: BoolArray
    payoff: FloatArray
    belief: FloatArray
    delivered: BoolArray
    reneged: BoolArray
    epoch: Epoch | None = None
    end_hazard: FloatArray | None = None
    stage_share: FloatArray | None = None
    others_rate: FloatArray | None = None


@dataclass(frozen=True)
class RuleMetadata:
    """What a coalition rule reads and does (the counterpart of a strategy's metadata).

    Attributes:
        staged: moves along a side deal's stages (``EASE`` eases the next stage, ``SNAP``
            restores); otherwise ``HOLD``/``EASE`` set the whole easable set.
        uses_payoffs: reads the coalition model's payoffs (``domain/MODEL.md`` §2).
        uses_trust: weighs the other members by the trust between them.
        uses_deal: reads its side deal's deliveries and reneging.
        quantal: decides at decision epochs by the logit choice of model v2 and carries its
            easing hazard (:mod:`sanctionsim.dynamics.rules_v2`).
        citation: the work the rule follows.
    """

    staged: bool = False
    uses_payoffs: bool = False
    uses_trust: bool = False
    uses_deal: bool = False
    quantal: bool = False
    citation: str = ""


@dataclass(frozen=True)
class RuleContext:
    """What building a member's rule for a chunk may read.

    ``trust`` is the member's trust toward each member ``(runs, N)``; ``snap_back`` is its side
    deal's term (``None``: no deal); ``choice`` model v2's choice terms (``None`` in v1);
    ``rng`` the column of the month's uniforms a stochastic
    classic strategy draws from.
    """

    runs: int
    member: int
    params: CoalitionParameters
    trust: FloatArray
    snap_back: bool | None
    rng: np.random.Generator | None
    choice: ChoiceTerms | None = None


class Rule:
    """A member's rule in ``runs`` runs; :attr:`metadata` says what it reads and does."""

    name: ClassVar[str]
    metadata: ClassVar[RuleMetadata] = RuleMetadata()

    def __init__(self, runs: int, member: int) -> None:
        self.runs = runs
        self.member = member

    @classmethod
    def build(cls, context: RuleContext) -> Rule:
        """The rule for one member of a chunk."""
        raise NotImplementedError

    def first(self) -> ActionArray:
        """The action for the first month (default: hold everywhere)."""
        return np.zeros(self.runs, dtype=np.int8)

    def next(self, view: View) -> ActionArray:
        """The action for the next month, from what the member saw this month."""
        raise NotImplementedError


def _actions(hold: BoolArray) -> ActionArray:
    result: ActionArray = (~hold).astype(np.int8)
    return result


def others_seen_holding(view: View) -> BoolArray:
    """Whether every *other* member was seen holding (the classic strategies' observation)."""
    seen = view.seen_holding.copy()
    seen[:, view.member] = True
    result: BoolArray = np.all(seen, axis=1)
    return result


def strategy_for(name: str, context: RuleContext) -> Strategy:
    """The classic strategy ``name`` for the chunk's runs (its rng only if it draws)."""
    strategy = STRATEGIES[name]
    return strategy(context.runs, context.rng if strategy.metadata.stochastic else None)


class Classic(Rule):
    """A classic repeated-game strategy (Axelrod 1984) playing against "the rest of the coalition".

    The wrapped :class:`~sanctionsim.dynamics.strategies.Strategy` sees the member's own last
    move and whether every other member was observed holding, and its realised payoff.
    """

    name = "classic"

    def __init__(self, runs: int, member: int, strategy: Strategy) -> None:
        super().__init__(runs, member)
        self.strategy = strategy

    @classmethod
    def playing(cls, name: str, context: RuleContext) -> Classic:
        """The classic strategy ``name`` (:data:`~sanctionsim.dynamics.strategies.STRATEGIES`)."""
        return cls(context.runs, context.member, strategy_for(name, context))

    def first(self) -> ActionArray:
        """The strategy's first move."""
        return _actions(self.strategy.first())

    def next(self, view: View) -> ActionArray:
        """The strategy's next move given the observation of the others."""
        move = self.strategy.next(view.own_held, others_seen_holding(view), view.payoff)
        return _actions(move)


class BestResponse(Rule):
    """Myopic expected-utility best response on the payoffs of ``domain/MODEL.md`` §2.

    Each month the member compares ``u_i(hold)`` and ``u_i(ease)`` from
    :func:`sanctionsim.coalition.payoffs.member_payoffs`, taking the others' levels to be what it
    saw (seen holding: their start level; seen easing: eased) and the chance that the target
    honours a side deal from its own belief about the target's type. It eases only when easing
    pays strictly more. Myopic best reply as in fictitious-play and best-response dynamics
    (Fudenberg & Levine 1998, *The Theory of Learning in Games*, ch. 1-2); the payoff is the A0
    skeleton of ``formal-models.md``. It ignores the future (the discount factor is unused).
    """

    name = "best_response"
    metadata = RuleMetadata(uses_payoffs=True, citation="Fudenberg & Levine 1998, ch. 1-2")

    def __init__(
        self, runs: int, member: int, params: CoalitionParameters, honoured: HonouredByBelief
    ) -> None:
        super().__init__(runs, member)
        self.params = params
        self.honoured = honoured

    @classmethod
    def build(cls, context: RuleContext) -> BestResponse:
        """Best response on the chunk's parameters, q_T from the member's belief."""
        params = context.params
        return cls(context.runs, context.member, params, HonouredByBelief(params))

    def choose(self, seen_holding: BoolArray, belief: FloatArray) -> ActionArray:
        """Ease where easing pays strictly more than holding, given what was seen."""
        profile = seen_holding.astype(np.float64)
        profile[:, self.member] = 1.0
        q_target = self.honoured(belief)
        hold = member_payoffs(self.params, profile, q_target)[:, self.member]
        profile[:, self.member] = 0.0
        ease = member_payoffs(self.params, profile, q_target)[:, self.member]
        return _actions(~(ease > hold))

    def first(self) -> ActionArray:
        """Best response to a coalition believed to hold, with the prior belief."""
        everyone = np.ones((self.runs, self.params.members), dtype=np.bool_)
        return self.choose(everyone, self.params.reliable_prior)

    def next(self, view: View) -> ActionArray:
        """Best response to what was seen this month."""
        return self.choose(view.seen_holding, view.belief)


class ConditionalCooperation(Rule):
    """Hold while enough of the coalition is seen holding, weighted by trust.

    Conditional cooperation (Fischbacher, Gachter & Fehr 2001, *Economics Letters* 71; Keser &
    van Winden 2000): contribute when others are believed to contribute. Drezner (2000, *IO*
    54(1)) makes doubt about the others' compliance the driver of backsliding in sanctions
    coalitions. The member holds next month when the trust-weighted share of the other members
    it saw holding is at least :data:`COOPERATION_THRESHOLD`; trust comes from the scenario's
    relations on the start date.
    """

    name = "conditional_cooperation"
    metadata = RuleMetadata(uses_trust=True, citation="Fischbacher, Gachter & Fehr 2001")

    @classmethod
    def build(cls, context: RuleContext) -> ConditionalCooperation:
        """Weights: the member's trust toward each other member."""
        return cls(context.runs, context.member, context.trust)

    def __init__(self, runs: int, member: int, weights: FloatArray) -> None:
        super().__init__(runs, member)
        w = weights.copy()
        w[:, member] = 0.0
        total = w.sum(axis=1, keepdims=True)
        self.weights = np.where(total > 0, w / np.where(total > 0, total, 1.0), 0.0)
        self.alone = total[:, 0] <= 0

    def next(self, view: View) -> ActionArray:
        """Hold where the weighted share seen holding reaches the threshold."""
        share = (self.weights * view.seen_holding).sum(axis=1)
        return _actions(self.alone | (share >= COOPERATION_THRESHOLD))


class StagedReciprocity(Rule):
    """Staged reciprocity on a side deal, with snap-back ("action for action").

    Ease the next stage only once the target has delivered every stage eased so far; snap back
    (restore what the deal eased) once the target is seen reneging, if the deal's terms say so.
    Reciprocity in stages follows Axelrod (1984) applied to sequential exchange, and the
    "graduated reciprocation" of Osgood (1962), *An Alternative to War or Surrender*; snap-back
    is the deal's own term (``snap_back.on_renege``). A member with no side deal holds.
    """

    name = "staged_reciprocity"
    metadata = RuleMetadata(
        staged=True, uses_deal=True, citation="Axelrod 1984; Osgood 1962 (GRIT)"
    )

    def __init__(self, runs: int, member: int, snap_on_renege: bool) -> None:
        super().__init__(runs, member)
        self.snap_on_renege = snap_on_renege

    @classmethod
    def build(cls, context: RuleContext) -> Rule:
        """Staged reciprocity on the member's deal; a member without a deal holds."""
        if context.snap_back is None:
            return Classic.playing("Cooperator", context)
        return cls(context.runs, context.member, context.snap_back)

    def next(self, view: View) -> ActionArray:
        """EASE after full delivery, SNAP after reneging, else HOLD."""
        action = np.where(view.delivered, EASE, HOLD).astype(np.int8)
        if self.snap_on_renege:
            action[view.reneged] = SNAP
        else:
            action[view.reneged] = HOLD
        return action


class HonouredByBelief:
    """q_T as a member believes it: the chance a due stage is delivered before a renege.

    :meth:`CoalitionParameters.deal_honoured` mixes the two types' chances with the prior; here
    the member's belief takes the prior's place: ``b * q_reliable + (1 - b) * q_opportunist``,
    with both types' chances computed once by ``deal_honoured`` itself (prior 1 and prior 0).
    """

    def __init__(self, params: CoalitionParameters) -> None:
        ones = np.ones(params.runs)
        self.reliable = dataclasses.replace(params, reliable_prior=ones).deal_honoured()
        self.opportunist = dataclasses.replace(params, reliable_prior=0 * ones).deal_honoured()

    def __call__(self, belief: FloatArray) -> FloatArray:
        """q_T per run for beliefs of shape ``(runs,)``, or per run and member ``(runs, N)``."""
        if belief.ndim == 2:
            result: FloatArray = (
                belief * self.reliable[:, None] + (1 - belief) * self.opportunist[:, None]
            )
            return result
        single: FloatArray = belief * self.reliable + (1 - belief) * self.opportunist
        return single


# model v2's rules build on the classes above (imported here, after them, to avoid a cycle)
from sanctionsim.dynamics.rules_v2 import (  # noqa: E402
    BelievingClassic,
    BelievingFollower,
    CarvingFollower,
    CarvingResponse,
    ForwardLooking,
    ForwardLookingFollower,
    QuantalFollower,
    QuantalResponse,
    WeighedReciprocity,
    WholeStakeFollower,
    WholeStakeResponse,
)


def _rule_set(*rules: type[Rule]) -> MappingProxyType[str, type[Rule]]:
    return MappingProxyType({rule.name: rule for rule in rules})


RULE_SETS = MappingProxyType(
    {
        "v1": _rule_set(BestResponse, ConditionalCooperation, StagedReciprocity),
        "v2": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        "v2-shadow": _rule_set(ForwardLooking, ForwardLookingFollower, StagedReciprocity),
        "v2b": _rule_set(ForwardLooking, BelievingFollower, WeighedReciprocity),
        "v2c": _rule_set(WholeStakeResponse, WholeStakeFollower, StagedReciprocity),
        # v2e plays v2a's rules; its persistent inclination is the kernel's (E1)
        "v2e": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2f plays v2a's rules; its factor ψ is the target's clock's (F1)
        "v2f": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2g: v2a's rules with the carve-out among the choices (G3)
        "v2g": _rule_set(CarvingResponse, CarvingFollower, StagedReciprocity),
        # v2h plays v2a's rules; its lobby weight η is in the choice terms (H1)
        "v2h": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2i plays v2a's rules; its relative temptation τ_i is in the choice terms (I1)
        "v2i": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2j too; the target's prospects π join τ_i in the choice terms (J1)
        "v2j": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2k too; its leader's λ and τ_L are weighed by ζ in the choice terms (K1)
        "v2k": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2l too; the shift ρ·d_i joins τ_i in the choice terms (L1)
        "v2l": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2m and v2n too; χ (M1) and ε (N1) act on the target's concession alone
        "v2m": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        "v2n": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2o and v2p too; τ·a_i enters the choice's terms (O2), in v2p in the Cold War only (P1)
        "v2o": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        "v2p": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        # v2q: v2n's rules, ε held at 1 by its grid (Q1); in v2r r_i(t) weighs the case-specific
        # terms (R1), in v2s only downward (S1)
        "v2q": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        "v2r": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
        "v2s": _rule_set(QuantalResponse, QuantalFollower, StagedReciprocity),
    }
)
"""The members' rules of each version that has rules of its own."""

# A version that reads another's fit plays that version's rules: λ and α were fitted for them
# (v2-knights, v2-elite and v2-escalation change the target or the third parties, not choices).
RULES_BY_MODEL: MappingProxyType[str, MappingProxyType[str, type[Rule]]] = MappingProxyType(
    {name: RULE_SETS[version.fit_of or name] for name, version in VERSIONS.items()}
)
"""The coalition rules of each model version (:data:`sanctionsim.versions.VERSIONS`), by the
name a scenario gives (read-only).

A member may also play any classic strategy of
:data:`~sanctionsim.dynamics.strategies.STRATEGIES`, in every model version."""


def coalition_rules(model: str = MODEL) -> MappingProxyType[str, type[Rule]]:
    """The coalition rules of model version ``model``.

    >>> sorted(coalition_rules("v1"))
    ['best_response', 'conditional_cooperation', 'staged_reciprocity']
    >>> coalition_rules("v2")["best_response"].__name__
    'QuantalResponse'
    """
    return RULES_BY_MODEL[model_version(model).name]


def strategy_names(model: str = MODEL) -> tuple[str, ...]:
    """Every name a member's ``strategy`` may take under ``model``: its rules, then the classics."""
    return (*coalition_rules(model), *STRATEGIES)


def build_rule(name: str, context: RuleContext, model: str = MODEL) -> Rule:
    """Member ``context.member``'s rule ``name`` under model version ``model``."""
    rules = coalition_rules(model)
    if name in rules:
        return rules[name].build(context)
    if model_version(model).classics_believe:
        return BelievingClassic.playing(name, context)
    return Classic.playing(name, context)
