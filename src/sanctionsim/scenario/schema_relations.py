"""The scenario language: how members trust each other, and the third parties that may bust
sanctions.

Split from :mod:`sanctionsim.scenario.schema`, which re-exports every name here.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from sanctionsim.scenario.schema_base import (
    Identifier,
    NonNegative,
    Probability,
    Share,
    _Model,
)
from sanctionsim.scenario.schema_forms import StanceChange, Support


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
    motive: Literal["commercial", "political", "mixed"] = Field(
        default="commercial", description="political: a black knight, busting for its own ends"
    )
    support: list[Support] = Field(default_factory=list, description="aid, credit, arms, ...")
    changes: list[StanceChange] = Field(default_factory=list, description="dated, in date order")

    since_v2 = frozenset({"motive", "support", "changes"})


class Alliance(_Model):
    """A written treaty in force on ``start`` that obliges senders and the target to defend each
    other (Leeds, Ritter, Mitchell & Long 2002, ATOP's defence obligation): bilateral, or the
    senders and the target parties to the same collective-defence treaty (docs/model-v2.md,
    "v2o", O1)."""

    treaty: str = Field(min_length=1, description="the treaty, as its parties named it")
    in_force_since: dt.date = Field(description="its entry into force, on or before `start`")
    senders: list[Identifier] = Field(
        min_length=1, description="the coalition's senders (leader, members) bound by it"
    )
    sources: list[Identifier] = Field(min_length=1)
    note: str | None = None


class Alliances(_Model):
    """Which of the coalition's senders are bound to the target by a defence treaty on ``start``
    (``with_target: []``: none is); a fact of record, read by models v2o and v2p (docs/model-v2.md,
    O1 and P1)."""

    with_target: list[Alliance] = Field(default_factory=list)
    note: str | None = None
