"""The scenario language: the dated record (timeline, the episode's start, what happened after).

Split from :mod:`sanctionsim.scenario.schema`, which re-exports every name here.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from sanctionsim.scenario.schema_base import Confidence, Identifier, _Model


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
