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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sanctionsim.scenario.distributions import Distribution

SCHEMA_VERSION = 1

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$",
        max_length=80,
        description="a short identifier: letters, digits, '_', '-', '.'",
    ),
]
LegalBasis = Annotated[
    str,
    Field(
        pattern=r"^(unsc:[0-9]{1,5}|regional:[a-z][a-z0-9-]*|unilateral)$",
        description="'unsc:<resolution number>', 'regional:<organisation>' or 'unilateral'",
    ),
]
Confidence = Literal["H", "M", "L"]
Role = Literal["leader", "member", "target", "third_party", "institution"]
MeasureKind = Literal[
    "trade", "finance", "travel", "shipping", "aviation", "arms", "designation", "aid"
]
StrategyName = Literal[
    "best_response",
    "conditional_cooperation",
    "staged_reciprocity",
    "Cooperator",
    "Defector",
    "TitForTat",
    "Grudger",
    "TitFor2Tats",
    "SuspiciousTitForTat",
    "WinStayLoseShift",
    "Alternator",
    "GTFT",
    "Random",
]


class _Model(BaseModel):
    # strict: a string is never silently read as a number or a date.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Estimate(_Model):
    """A number with its provenance: a point value and/or a distribution, sources, a flag."""

    value: float | None = Field(
        default=None, description="point value; defaults to the distribution's central value"
    )
    distribution: Distribution | None = Field(
        default=None, description="uncertainty: normal, lognormal, beta, triangular or uniform"
    )
    sources: list[Identifier] = Field(default_factory=list, description="ids from `sources`")
    analyst_estimate: bool = Field(
        default=False, description="true when no source states this number: a judgement"
    )
    note: str | None = Field(default=None, description="how the number was reached")

    @model_validator(mode="after")
    def _consistent(self) -> Estimate:
        if self.value is None and self.distribution is None:
            raise ValueError("give a value, a distribution, or both")
        if self.analyst_estimate and self.distribution is None:
            raise ValueError("an analyst estimate must carry a distribution (its uncertainty)")
        if self.value is not None and self.distribution is not None:
            low, high = self.distribution.bounds()
            if not low <= self.value <= high:
                raise ValueError(
                    f"value {self.value} lies outside its distribution [{low}, {high}]"
                )
        return self

    def central(self) -> float:
        """The point value (or the distribution's central value)."""
        if self.value is not None:
            return self.value
        assert self.distribution is not None
        return self.distribution.central()

    def bounds(self) -> tuple[float, float]:
        """Smallest interval holding the value and every possible draw."""
        if self.distribution is None:
            assert self.value is not None
            return (self.value, self.value)
        return self.distribution.bounds()


Quantity = float | Estimate


def central(quantity: Quantity) -> float:
    """The point value of a plain number or an estimate.

    >>> central(0.25), central(Estimate(value=0.5))
    (0.25, 0.5)
    """
    return quantity if isinstance(quantity, float | int) else quantity.central()


def bounds(quantity: Quantity) -> tuple[float, float]:
    """The interval a quantity can take."""
    if isinstance(quantity, float | int):
        return (float(quantity), float(quantity))
    return quantity.bounds()


def _within(low: float, high: float, what: str) -> Callable[[Quantity], Quantity]:
    def check(quantity: Quantity) -> Quantity:
        lo, hi = bounds(quantity)
        if lo < low or hi > high:
            shown = f"{lo}" if lo == hi else f"[{lo}, {hi}]"
            raise ValueError(f"{what} must lie in [{low}, {high}], got {shown}")
        return quantity

    return check


Probability = Annotated[Quantity, AfterValidator(_within(0.0, 1.0, "a probability"))]
Share = Annotated[Quantity, AfterValidator(_within(0.0, 1.0, "a share"))]
NonNegative = Annotated[Quantity, AfterValidator(_within(0.0, float("inf"), "this value"))]
Level = Annotated[float, Field(ge=0.0, le=1.0, description="0 = not applied, 1 = full")]


class Source(_Model):
    """Where a fact comes from."""

    id: Identifier
    citation: str = Field(min_length=1, description="author/outlet, title, date")
    date: dt.date | None = Field(default=None, description="publication date")
    confidence: Confidence = Field(description="H several consistent sources; M one; L disputed")
    url: str | None = None
    note: str | None = None


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


class Actor(_Model):
    """A state or organisation."""

    id: Identifier
    name: str = Field(min_length=1)
    role: Role
    trade_share: Share | None = Field(
        default=None, description="w_i: share of the target's recorded external trade"
    )
    payoffs: Payoffs | None = Field(default=None, description="leader and members only")
    strategy: StrategyName = Field(
        default="best_response", description="how the member chooses its levels (dynamics)"
    )
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Demand(_Model):
    """What the coalition asks of the target, and what each member gains if it concedes."""

    description: str = Field(min_length=1)
    value_to: dict[Identifier, NonNegative] = Field(
        description="beta_i: value to each member of the concession, U per month"
    )
    sources: list[Identifier] = Field(default_factory=list)


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

    def level_on(self, date: dt.date) -> float:
        """The level in force on ``date`` (0 before imposition and from the day it is lifted)."""
        if date < self.imposed or (self.lifted is not None and date >= self.lifted):
            return 0.0
        level = self.level
        for change in self.changes:
            if change.date <= date:
                level = change.level
        return level


class Easing(_Model):
    """One measure eased to a level as a side-deal stage."""

    measure: Identifier
    to_level: Level = 0.0


class DealStage(_Model):
    """One step of a side deal: the member eases these measures, the target delivers this."""

    id: Identifier
    member_eases: list[Easing] = Field(default_factory=list)
    target_delivers: str = Field(min_length=1)
    delivery_share: Share = Field(description="share of the private issue's value this delivers")
    due: dt.date | None = None


class SnapBack(_Model):
    """What the member does if the target reneges."""

    on_renege: bool = Field(description="restore the eased measures when the target reneges")
    widen_by: NonNegative = Field(
        default=0.0, description="extra pressure added on snap-back (share of target revenue)"
    )
    lag_months: int = Field(default=0, ge=0, le=120)
    note: str | None = None


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
        default=None, description="the member it is aimed at; empty for every member"
    )
    description: str = Field(min_length=1)
    amount: NonNegative = Field(
        default=0.0, description="side payment s or penalty k, U per month to the member"
    )
    detection: Probability | None = Field(
        default=None, description="monitoring: detection probability q it brings"
    )
    measures: list[Identifier] = Field(
        default_factory=list, description="institutionalisation: measures moved to a UN basis"
    )
    cost_to_holder: NonNegative = Field(default=0.0, description="U per month")
    in_force: bool = Field(default=False, description="applied in the baseline (else an option)")
    available_from: dt.date | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class TrustChange(_Model):
    """A dated change of trust between two members."""

    date: dt.date
    trust: Probability
    note: str | None = None
    sources: list[Identifier] = Field(default_factory=list)


class Relation(_Model):
    """Trust between two members: how much they share what they observe."""

    between: list[Identifier] = Field(min_length=2, max_length=2)
    trust: Probability
    changes: list[TrustChange] = Field(default_factory=list)
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class ThirdParty(_Model):
    """A potential sanctions buster (Early 2015): how much lost trade it can replace."""

    actor: Identifier
    substitution_capacity: Share = Field(
        description="share of the target's sanctioned revenue it can replace at full willingness"
    )
    willingness: Probability = Field(description="share of that capacity used at the start")
    rent_sensitivity: NonNegative = Field(
        default=0.0, description="rise in willingness per unit of pressure (sanctions rents)"
    )
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class TypeProbabilities(_Model):
    """A per-type probability: the reliable and the opportunist target."""

    reliable: Probability
    opportunist: Probability


class ConcessionHazard(_Model):
    """Monthly hazard that the target concedes: h(P) = base + (max - base) * logistic."""

    base: Probability = Field(description="monthly hazard with no pressure")
    maximum: Probability = Field(description="monthly hazard when pressure far exceeds resolve")
    steepness: NonNegative = Field(description="how sharply the hazard rises around the resolve")


class Agreement(_Model):
    """One entry of the target's track record."""

    id: Identifier
    name: str = Field(min_length=1)
    date: dt.date
    commitment: str = Field(min_length=1)
    outcome: Literal["kept", "partial", "broken"]
    outcome_date: dt.date | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class TargetProfile(_Model):
    """How the target behaves: resolve, type, delivery and reneging, its record."""

    actor: Identifier
    resolve: NonNegative = Field(
        description="pressure at which resisting costs as much as conceding"
    )
    concession_hazard: ConcessionHazard
    reliable_prior: Probability | None = Field(
        default=None, description="prior that the target is reliable; empty: from the track record"
    )
    delivery: TypeProbabilities = Field(description="monthly chance of delivering a due stage")
    renege: TypeProbabilities = Field(description="monthly chance of reneging once paid")
    track_record: list[Agreement] = Field(default_factory=list)
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Observation(_Model):
    """How members see each other's moves (Drezner 2000: enforcement under noisy monitoring)."""

    detection: Probability = Field(
        description="q: chance that a member's easing is seen by the others in the same month"
    )
    false_alarm: Probability = Field(
        default=0.0, description="chance that a holding member is wrongly seen as easing"
    )
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Event(_Model):
    """A dated event of the timeline."""

    date: dt.date
    description: str = Field(min_length=1)
    actors: list[Identifier] = Field(default_factory=list)
    sources: list[Identifier] = Field(default_factory=list)
    confidence: Confidence | None = None


EndedBy = Literal["concession", "force", "lifted_without_concession", "target_collapse", "ongoing"]
"""How an episode ended, after TIES's final outcomes (Morgan, Bapat & Kobayashi 2014)."""


class EpisodeBegan(_Model):
    """When the sanctions episode that ``start`` falls in began (the first measure serving the
    demand), for the episode's age on ``start``."""

    date: dt.date
    sources: list[Identifier] = Field(min_length=1)
    note: str | None = None


class Defection(_Model):
    """A recorded defection: a member that eased or left the coalition."""

    member: Identifier
    date: dt.date
    note: str | None = None
    sources: list[Identifier] = Field(default_factory=list)


class RecordedOutcome(_Model):
    """What history recorded after ``start``, for scoring forecasts.

    Forecasting code never reads this block (a test alters it and checks the forecast is
    unchanged); only the history scorer compares it with the forecast.
    """

    end: dt.date = Field(
        description="the day the episode ended (`ended_by` other than ongoing), else the last "
        "day the record covers"
    )
    ended_by: EndedBy | None = Field(
        default=None,
        description="how the episode ended (TIES final outcomes); absent in files written before "
        "protocol 1: read as `concession` when the target conceded, else `ongoing`",
    )
    complete_through: dt.date | None = Field(
        default=None,
        description="the record is complete through this date (default: the end); forecasts "
        "past it are not scored",
    )
    target_conceded: bool
    conceded_on: dt.date | None = None
    coalition_held: bool = Field(description="no coalition member eased before `end`")
    defections: list[Defection] = Field(default_factory=list)
    deal_delivered: bool | None = Field(
        default=None, description="the side deal delivered in full (None: no deal)"
    )
    deal_delivered_on: dt.date | None = Field(
        default=None, description="the day the side deal had delivered in full"
    )
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Scenario(_Model):
    """A whole scenario: the world as data."""

    schema_version: Literal[1] = Field(description="this format's version")
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
