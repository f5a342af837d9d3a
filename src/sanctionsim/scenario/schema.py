"""The scenario language: a sourced, validated description of a sanctions coalition.

Every element of ``domain/MODEL.md`` §1 is a frozen pydantic model here; ``docs/scenario-format.md``
documents each field with its unit. The schema checks the *shape* of a scenario (types, ranges,
unknown keys); :mod:`sanctionsim.scenario.checks` checks what spans fields (references, date
order, trade shares). Units used throughout:

* **pressure**: the share of the target's external revenue (trade, remittances, aid) that a
  measure denies at full level, in [0, 1];
* **utility (U) per month**: members' values and costs, on one interval scale per scenario
  (``utility_unit`` says what 1 U is anchored to);
* **probabilities** in [0, 1]; **hazards** are per month; dates are ISO ``YYYY-MM-DD``.

Any number may be a plain number, or an :class:`Estimate` carrying a distribution, its sources
and an ``analyst_estimate`` flag. An analyst estimate must carry a distribution (its uncertainty
range): the project's honesty rule, enforced by the schema.

The building blocks live in :mod:`.schema_base` and the records of schema version 2 (issue 13:
reneging, lock-in, private senders, black knights, escalation, ...) in :mod:`.schema_forms`;
every name is importable from here. A model's ``since_v2`` names the fields version 2 added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from sanctionsim.scenario.display import ScenarioDisplay
from sanctionsim.scenario.schema_base import (
    MEASURE_KINDS_V1,
    SCHEMA_VERSION,
    Channel,
    Confidence,
    Easing,
    Estimate,
    Identifier,
    LegalBasis,
    Level,
    MeasureKind,
    NonNegative,
    Probability,
    Quantity,
    Role,
    Share,
    Signed,
    SnapBack,
    Source,
    StrategyName,
    _Model,
    bounds,
    central,
)
from sanctionsim.scenario.schema_forms import (
    ActorKind,
    Bloc,
    Coercion,
    DecisionRule,
    DemandChange,
    EpisodeGroup,
    Exemption,
    ExitGuarantee,
    Inducement,
    Leadership,
    LockIn,
    Mediation,
    PossibleMeasure,
    Provocation,
    Settlement,
    Shock,
    StanceChange,
    Support,
    Tie,
)
from sanctionsim.scenario.schema_record import (
    Defection,
    EndedBy,
    EpisodeBegan,
    Event,
    RecordedOutcome,
)
from sanctionsim.scenario.schema_relations import (
    Alliance,
    Alliances,
    Relation,
    ThirdParty,
    TrustChange,
)
from sanctionsim.scenario.schema_target import (
    Agreement,
    ConcessionHazard,
    Observation,
    TargetProfile,
    TypeProbabilities,
)

__all__ = [
    "MEASURE_KINDS_V1",
    "SCHEMA_VERSION",
    "ActorKind",
    "Agreement",
    "Alliance",
    "Alliances",
    "Bloc",
    "Channel",
    "Coercion",
    "ConcessionHazard",
    "Confidence",
    "DecisionRule",
    "Defection",
    "DemandChange",
    "Easing",
    "EndedBy",
    "EpisodeBegan",
    "EpisodeGroup",
    "Estimate",
    "Event",
    "Exemption",
    "ExitGuarantee",
    "Identifier",
    "Inducement",
    "Leadership",
    "LegalBasis",
    "Level",
    "LockIn",
    "MeasureKind",
    "Mediation",
    "NonNegative",
    "Observation",
    "PossibleMeasure",
    "Probability",
    "Provocation",
    "Quantity",
    "RecordedOutcome",
    "Relation",
    "Role",
    "Settlement",
    "Share",
    "Shock",
    "Signed",
    "SnapBack",
    "Source",
    "StanceChange",
    "StrategyName",
    "Support",
    "TargetProfile",
    "ThirdParty",
    "Tie",
    "TrustChange",
    "TypeProbabilities",
    "bounds",
    "central",
]


class Payoffs(_Model):
    """A member's payoff terms (MODEL.md §2), in utility units per month."""

    defection_premium_base: NonNegative = Field(
        description="g_i(0): what easing alone earns from the target with no pressure"
    )
    defection_premium_slope: NonNegative = Field(
        description="dg_i/dP: how much the defection premium rises per unit of pressure"
    )
    un_breach_cost: NonNegative = Field(
        default=0.0,
        description="kappa_i: cost of breaching a UN obligation, per unit of UN-based level eased",
    )
    discount_factor: Probability = Field(
        default=0.95, description="delta_i: weight on next month's payoff"
    )
    holding_value: Signed = Field(
        default=0.0,
        description="value of holding for its own sake (norms, audiences), U per month; any sign",
    )

    since_v2 = frozenset({"holding_value"})


class Actor(_Model):
    """A state, an organisation, a firm, a group: any party to the episode."""

    id: Identifier
    name: str = Field(min_length=1)
    role: Role
    kind: ActorKind | None = Field(
        default=None, description="state, firm, bank, ifi, territory, ...; empty: unspecified"
    )
    trade_share: Share | None = Field(
        default=None, description="w_i: share of the target's recorded external trade"
    )
    payoffs: Payoffs | None = Field(default=None, description="leader and members only")
    strategy: StrategyName = Field(
        default="best_response", description="how the member chooses its levels (dynamics)"
    )
    ties: list[Tie] = Field(default_factory=list, description="jurisdiction, holder, rival, ...")
    decision_rule: DecisionRule | None = Field(
        default=None, description="institutions: rule, veto players, vote shares"
    )
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None

    since_v2 = frozenset({"kind", "ties", "decision_rule"})


class Demand(_Model):
    """What the coalition asks of the target, and what each member gains if it concedes."""

    description: str = Field(min_length=1)
    value_to: dict[Identifier, NonNegative] = Field(
        description="beta_i: value to each member of the concession, U per month"
    )
    changes: list[DemandChange] = Field(
        default_factory=list, description="dated changes of the demand, in date order"
    )
    sources: list[Identifier] = Field(default_factory=list)

    since_v2 = frozenset({"changes"})


class PrivateIssue(_Model):
    """Something only one member cares about (Japan: the abductions)."""

    id: Identifier
    owner: Identifier
    description: str = Field(min_length=1)
    value: NonNegative = Field(description="d_i: value to the owner if delivered, U per month")
    sources: list[Identifier] = Field(default_factory=list)


class LevelChange(_Model):
    """A dated change of a measure's level (easing, restoring, widening)."""

    date: dt.date
    level: Level
    note: str | None = None
    sources: list[Identifier] = Field(default_factory=list)
    decided: dt.date | None = Field(
        default=None, description="date decided, when `date` is the date it was enforced"
    )
    cause: (
        Literal["settlement", "reimposition", "escalation", "defection", "review", "other"] | None
    ) = Field(default=None, description="why the level changed")
    under: Identifier | None = Field(
        default=None, description="the settlement or side deal the change was made under"
    )

    since_v2 = frozenset({"decided", "cause", "under"})


class Measure(_Model):
    """One sanctions instrument of one imposer."""

    id: Identifier
    name: str = Field(min_length=1)
    imposer: Identifier
    kind: MeasureKind
    legal_basis: LegalBasis
    imposed: dt.date
    lifted: dt.date | None = Field(default=None, description="ended for good on this date")
    level: Level = Field(default=1.0, description="level when imposed")
    changes: list[LevelChange] = Field(default_factory=list, description="in date order")
    pressure: Share = Field(description="share of the target's external revenue denied at level 1")
    cost: NonNegative = Field(default=0.0, description="c: cost to the imposer at level 1, U/month")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None
    decided: dt.date | None = Field(
        default=None, description="date decided, when `imposed` is the date it was enforced"
    )
    channel: Channel = Field(default="revenue", description="how the measure bears on the target")
    on: Identifier | None = Field(
        default=None, description="the actor it bears on (a territory, a group); empty: the target"
    )
    secondary_on: list[Identifier] = Field(
        default_factory=list, description="third parties whose firms it penalises for dealing"
    )
    enforcement: Share = Field(default=1.0, description="share of the level actually enforced")
    saving: NonNegative = Field(
        default=0.0, description="what the imposer saves at level 1 (aid not paid), U per month"
    )
    lock_in: LockIn | None = Field(default=None, description="what it takes to lift it")
    exemptions: list[Exemption] = Field(
        default_factory=list, description="opt-outs, carve-outs, notice periods, waivers"
    )
    renewal_months: int | None = Field(
        default=None,
        ge=1,
        le=120,
        description="months between the dates it must be renewed or lapses (default by legal "
        "basis: EU/EC decisions 6, otherwise none)",
    )

    since_v2 = frozenset(
        {
            "renewal_months",
            "decided",
            "channel",
            "on",
            "secondary_on",
            "enforcement",
            "saving",
            "lock_in",
            "exemptions",
        }
    )

    def level_on(self, date: dt.date) -> float:
        """The level in force on ``date`` (0 before imposition and from the day it is lifted)."""
        if date < self.imposed or (self.lifted is not None and date >= self.lifted):
            return 0.0
        level = self.level
        for change in self.changes:
            if change.date <= date:
                level = change.level
        return level


class DealStage(_Model):
    """One step of a side deal: the member eases these measures, the target delivers this."""

    id: Identifier
    member_eases: list[Easing] = Field(default_factory=list)
    target_delivers: str = Field(min_length=1)
    delivery_share: Share = Field(description="share of the private issue's value this delivers")
    due: dt.date | None = None


class SideDeal(_Model):
    """A bilateral bargain between the target and one member, in ordered stages."""

    id: Identifier
    name: str = Field(min_length=1)
    member: Identifier
    target: Identifier
    issue: Identifier = Field(description="the private issue the target would deliver")
    agreed: dt.date
    first_mover: Literal["member", "target", "simultaneous"]
    scope: Literal["unilateral_only", "any"] = Field(
        default="any", description="unilateral_only: the deal may not touch UN-based measures"
    )
    stages: list[DealStage] = Field(min_length=1)
    snap_back: SnapBack
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Lever(_Model):
    """An instrument of the leader or an institution to keep members in."""

    id: Identifier
    kind: Literal["side_payment", "penalty", "monitoring", "institutionalisation", "threat"]
    holder: Identifier
    beneficiary: Identifier | None = Field(
        default=None,
        description="the member it is aimed at; empty for every member",
    )
    description: str = Field(min_length=1)
    amount: NonNegative = Field(
        default=0.0, description="side payment s or penalty k, U per month to the member"
    )
    detection: Probability | None = Field(
        default=None, description="monitoring: detection probability q it brings"
    )
    measures: list[Identifier] = Field(
        default_factory=list,
        description="institutionalisation: measures moved to a UN basis",
    )
    cost_to_holder: NonNegative = Field(default=0.0, description="U per month")
    in_force: bool = Field(default=False, description="applied in the baseline (else an option)")
    available_from: dt.date | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None
    until: dt.date | None = Field(default=None, description="the lever lapses on this date")

    since_v2 = frozenset({"until"})


class Scenario(ScenarioDisplay, _Model):
    """A whole scenario: the world as data."""

    schema_version: Literal[1, 2] = Field(
        description="the format's version: 1, or 2 for files using version 2's forms"
    )
    id: Identifier
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    start: dt.date = Field(description="the date forecasts start from ('as of')")
    horizon_months: int = Field(default=36, ge=1, le=600)
    episode_began: EpisodeBegan | None = Field(
        default=None,
        description="when the episode began, if not with the earliest measure in force on `start`",
    )
    utility_unit: str = Field(min_length=1, description="what 1 U per month is anchored to")
    actors: list[Actor] = Field(min_length=2)
    demand: Demand
    private_issues: list[PrivateIssue] = Field(default_factory=list)
    measures: list[Measure] = Field(min_length=1)
    side_deals: list[SideDeal] = Field(default_factory=list)
    levers: list[Lever] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    third_parties: list[ThirdParty] = Field(default_factory=list)
    target: TargetProfile
    observation: Observation
    timeline: list[Event] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    assumptions: list[str] = Field(
        default_factory=list, description="the analyst's key assumptions, in plain words"
    )
    recorded_outcome: RecordedOutcome | None = Field(
        default=None, description="what happened after `start` (never read by forecasts)"
    )
    settlements: list[Settlement] = Field(
        default_factory=list, description="coalition-wide settlements with re-imposition terms"
    )
    possible_measures: list[PossibleMeasure] = Field(
        default_factory=list, description="escalation options on `start`, with veto players"
    )
    coercion: list[Coercion] = Field(
        default_factory=list, description="threats of force, force, ultimatums"
    )
    blocs: list[Bloc] = Field(default_factory=list, description="counter-blocs and coalitions")
    mediation: list[Mediation] = Field(default_factory=list)
    shocks: list[Shock] = Field(default_factory=list, description="outside shocks, in date order")
    episode_group: EpisodeGroup | None = Field(
        default=None, description="the large-N group, when the derived one is wrong"
    )
    alliances: Alliances | None = Field(
        default=None, description="senders bound to the target by a defence treaty on `start`"
    )

    since_v2 = frozenset(
        {
            "settlements",
            "possible_measures",
            "coercion",
            "blocs",
            "mediation",
            "shocks",
            "episode_group",
            "alliances",
        }
    )

    # -- lookups ---------------------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        """The actor with this id."""
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id."""
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)

    @property
    def members(self) -> list[Actor]:
        """The coalition: the leader first, then the members, in file order."""
        return [a for a in self.actors if a.role == "leader"] + [
            a for a in self.actors if a.role == "member"
        ]

    @property
    def leader(self) -> Actor | None:
        """The leading sender, if any."""
        return next((a for a in self.actors if a.role == "leader"), None)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors' autocompletion."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sanctionsim scenario"
    return schema
