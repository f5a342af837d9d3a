"""The forms of schema version 2: what real episodes did that version 1 could not say (issue 13).

Each record here is optional where it is used, with a default that keeps version 1's meaning,
and carries units and sources like every other field. Model ``v1`` reads none of them (see
:mod:`sanctionsim.scenario.reading`, which ``check`` uses to warn); they exist so that cases are
encoded in them before later model versions read them. ``docs/scenario-format.md`` documents
each with an example, and :mod:`sanctionsim.scenario.checks_forms` checks what spans fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from sanctionsim.scenario.schema_base import (
    Channel,
    Confidence,
    Easing,
    Identifier,
    LegalBasis,
    MeasureKind,
    NonNegative,
    Probability,
    Share,
    Signed,
    SnapBack,
    _Model,
)

ActorKind = Literal[
    "state",
    "states",
    "organisation",
    "ifi",
    "firm",
    "bank",
    "armed_group",
    "territory",
    "government",
    "individual",
]
"""What an actor is: a state, an aggregate of states, an organisation, an international
financial institution, a firm, a bank, a non-state armed group, a territory, a government (e.g. a
recognised rival government), an individual."""


# ---------------------------------------------------------------------------- actors
class Tie(_Model):
    """A dated tie of one actor to another: whose law binds a firm, who holds a territory."""

    to: Identifier = Field(description="the other actor's id")
    tie: Literal["jurisdiction", "held_by", "rival_government_of", "member_of"] = Field(
        description="jurisdiction: the state whose law binds this firm or bank; held_by: the "
        "group holding this territory; rival_government_of: a recognised rival government of "
        "the target; member_of: a member of this organisation or bloc"
    )
    since: dt.date | None = None
    until: dt.date | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class DecisionRule(_Model):
    """How an institution decides: the rule, who can veto, the vote shares (IFIs' votes)."""

    rule: Literal["unanimity", "consensus", "majority", "qualified_majority", "weighted_vote"]
    veto: list[Identifier] = Field(
        default_factory=list, description="actors whose assent a decision needs (veto players)"
    )
    vote_shares: dict[Identifier, Share] = Field(
        default_factory=dict, description="actor -> share of the votes (add up to at most 1)"
    )
    threshold: Share | None = Field(default=None, description="share of votes a decision needs")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


# ---------------------------------------------------------------------------- measures
class LockIn(_Model):
    """What it takes to lift a measure: statutory lock-in and its kin."""

    by: Literal["statute", "treaty", "unsc_resolution", "constitution", "executive", "court"] = (
        Field(description="the instrument that fixes the measure")
    )
    instrument: str = Field(min_length=1, description="e.g. the LIBERTAD Act (1996)")
    since: dt.date | None = Field(default=None, description="date the lock-in took effect")
    lifting_requires: str | None = Field(
        default=None, description="who must act to lift it, e.g. an act of Congress"
    )
    review: str | None = Field(default=None, description="e.g. a 30-day congressional review")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Exemption(_Model):
    """An actor that does not apply a measure in full: a member's reservation, carve-out, notice
    period or non-application (leakage), or a waiver the imposer grants a buyer (US waivers
    for Iran's oil buyers, 2012 and 2018)."""

    actor: Identifier = Field(description="the member opting out, or the party waived")
    kind: Literal["reservation", "carve_out", "notice", "non_application", "waiver"]
    since: dt.date
    until: dt.date | None = None
    extent: Share = Field(default=1.0, description="share of the measure's level not applied")
    notice_months: int | None = Field(default=None, ge=0, le=120)
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class PossibleMeasure(_Model):
    """A measure that may be adopted during the episode (escalation), if its veto players let it.

    Unlike a dated measure, it is not history: it is an option on ``start``, for later model
    versions' adoption hazard. ``veto_players`` default to the imposer's decision rule's veto."""

    id: Identifier
    name: str = Field(min_length=1)
    imposer: Identifier
    kind: MeasureKind
    legal_basis: LegalBasis
    channel: Channel = "revenue"
    pressure: Share = Field(description="share of the target's external revenue denied at level 1")
    cost: NonNegative = Field(default=0.0, description="cost to the imposer at level 1, U/month")
    veto_players: list[Identifier] = Field(default_factory=list)
    available_from: dt.date | None = None
    adopted_if: str | None = Field(default=None, description="e.g. after a nuclear test")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


# ---------------------------------------------------------------------------- the demand
class DemandChange(_Model):
    """The senders change their demand on a date (Libya: the neutral-venue trial, 1998)."""

    date: dt.date
    decided: dt.date | None = None
    description: str = Field(min_length=1, description="the demand from this date")
    value_to: dict[Identifier, NonNegative] = Field(
        default_factory=dict, description="members whose value of the concession changes, U"
    )
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


# ---------------------------------------------------------------------------- third parties
class Support(_Model):
    """Political support a black knight gives the target: aid, credit, arms, energy, a veto."""

    kind: Literal["aid", "credit", "arms", "energy", "food", "trade", "diplomatic", "veto"]
    amount: Share | None = Field(
        default=None, description="share of the target's external revenue it supplies"
    )
    value: NonNegative | None = Field(default=None, description="its cost to the giver, U/month")
    since: dt.date
    until: dt.date | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class StanceChange(_Model):
    """A third party's dated change of stance (China suspends coal imports, February 2017)."""

    date: dt.date
    decided: dt.date | None = None
    willingness: Probability | None = None
    substitution_capacity: Share | None = None
    motive: Literal["commercial", "political", "mixed"] | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


# ---------------------------------------------------------------------------- the target
class Leadership(_Model):
    """Who led the target from when, and how power changed hands."""

    name: str = Field(min_length=1)
    since: dt.date
    change: (
        Literal["coup", "death", "election", "succession", "revolution", "negotiated_exit", "other"]
        | None
    ) = Field(default=None, description="how this leader came to power")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class ExitGuarantee(_Model):
    """Safe exit offered to the target's leader (asylum, immunity)."""

    offered: dt.date
    by: list[Identifier] = Field(min_length=1)
    terms: str = Field(min_length=1)
    until: dt.date | None = None
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Provocation(_Model):
    """A target provocation (a nuclear or missile test, an attack) and what followed it."""

    date: dt.date
    kind: Literal[
        "nuclear_test", "missile_test", "attack", "coup", "election_fraud", "repression", "other"
    ]
    description: str = Field(min_length=1)
    responses: list[Identifier] = Field(
        default_factory=list, description="measures or possible measures adopted in response"
    )
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Inducement(_Model):
    """The target courts a member or third party: oil vouchers, contracts, debt relief."""

    id: Identifier
    to: Identifier = Field(description="the actor courted")
    kind: Literal["oil", "contracts", "debt", "vouchers", "aid", "trade", "investment", "other"]
    value: NonNegative = Field(description="value to the recipient, U per month")
    offered: dt.date
    withdrawn: dt.date | None = None
    condition: str | None = Field(default=None, description="what the target asks in return")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


# ---------------------------------------------------------------------------- the episode
class Settlement(_Model):
    """A coalition-wide settlement: the target delivers, the coalition suspends its measures,
    and brings them back if the target reneges (Iran 2015-18; Venezuela 2023-24)."""

    id: Identifier
    name: str = Field(min_length=1)
    agreed: dt.date
    parties: list[Identifier] = Field(
        default_factory=list, description="senders that suspend; empty: every member"
    )
    target_delivers: str = Field(min_length=1)
    suspends: list[Easing] = Field(min_length=1, description="measures suspended, to level")
    due: dt.date | None = None
    reimpose: SnapBack = Field(description="re-imposition if the target reneges")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Coercion(_Model):
    """Coercion beside the measures: a threat of force, force, an ultimatum with a deadline."""

    id: Identifier
    kind: Literal["threat_of_force", "use_of_force", "ultimatum"]
    by: list[Identifier] = Field(min_length=1)
    on: Identifier | None = Field(default=None, description="default: the target")
    date: dt.date = Field(description="made (a threat, an ultimatum) or begun (force)")
    deadline: dt.date | None = None
    until: dt.date | None = Field(default=None, description="withdrawn, expired or ended")
    demand: str | None = None
    credibility: Probability | None = Field(
        default=None, description="chance the threat is carried out if defied"
    )
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Bloc(_Model):
    """A group of actors acting together: a counter-bloc shielding the target, or a coalition."""

    id: Identifier
    name: str = Field(min_length=1)
    members: list[Identifier] = Field(min_length=1)
    stance: Literal["coalition", "counter", "neutral"] = Field(
        description="counter: opposes the sanctions and shields the target"
    )
    formed: dt.date | None = None
    dissolved: dt.date | None = None
    shields: str | None = Field(default=None, description="how it shields the target")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Mediation(_Model):
    """A mediator (possibly also a sender) and the forum where decisions are taken."""

    mediator: Identifier
    forum: str | None = Field(default=None, description="e.g. an ECOWAS summit")
    since: dt.date
    until: dt.date | None = None
    roadmap: str | None = Field(default=None, description="what the mediator brokered")
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


class Shock(_Model):
    """An outside shock that changes stakes on a date: an attack abroad, an oil-price swing."""

    date: dt.date
    kind: Literal["attack", "price", "war", "disaster", "political", "other"]
    description: str = Field(min_length=1)
    pressure_change: Signed | None = Field(
        default=None, description="change in pressure on the target, share of its revenue"
    )
    value_change: dict[Identifier, Signed] = Field(
        default_factory=dict, description="change in members' value of the concession, U"
    )
    sources: list[Identifier] = Field(default_factory=list)
    confidence: Confidence | None = None
    note: str | None = None


class EpisodeGroup(_Model):
    """The episode's group for the large-N references, when the derived one is wrong."""

    group: Literal["io", "multilateral_no_io", "unilateral"]
    sources: list[Identifier] = Field(min_length=1)
    note: str | None = None
