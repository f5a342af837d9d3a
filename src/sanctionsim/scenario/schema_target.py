"""The scenario language: the target's profile and how members observe each other.

Split from :mod:`sanctionsim.scenario.schema`, which re-exports every name here.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from sanctionsim.scenario.schema_base import Identifier, NonNegative, Probability, _Model
from sanctionsim.scenario.schema_forms import ExitGuarantee, Inducement, Leadership, Provocation


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
    leaders: list[Leadership] = Field(default_factory=list, description="in date order")
    exit_guarantees: list[ExitGuarantee] = Field(default_factory=list)
    provocations: list[Provocation] = Field(default_factory=list, description="in date order")
    inducements: list[Inducement] = Field(default_factory=list, description="offers to members")

    since_v2 = frozenset({"leaders", "exit_guarantees", "provocations", "inducements"})


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
