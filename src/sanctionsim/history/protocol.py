"""The evaluation protocol: which (event, horizon) pairs are scored, and what was recorded.

``docs/cases.md`` ("The evaluation protocol") states the rules in words; this module is their
only implementation, shared by the model, every reference and any forecaster's file, so that all
are scored on the same pairs. Two functions carry the protocol:

* :func:`case_facts` reads what the scenario says as of ``start`` (members, deals, the episode's
  age and group) and how far its record reaches. It never reads who defected or when.
* :func:`event_pairs` lists every (event, horizon) pair of a case, settles each pair the record
  covers (1 happened, 0 did not) and gives every other pair its reason.

Which pairs are scored depends on the scenario as of ``start`` and on the record's reach
(``ended_by``, ``complete_through``), never on the recorded defections, the concession's date or
any forecast (``tests/history/test_protocol.py`` rewrites the defections and checks the scored
set is unchanged).

>>> from sanctionsim.scenario.loader import load_scenario
>>> facts = case_facts(load_scenario("libya-1992"))
>>> facts.group, facts.ended_by, round(facts.episode_age_months, 1)
('io', 'concession', 0.0)
>>> pairs = event_pairs(load_scenario("libya-1992"), (12, 120))
>>> [(p.event, p.horizon, p.recorded) for p in pairs if p.event == "OAU_eases"]
[('OAU_eases', 12, 0), ('OAU_eases', 120, 1)]
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sanctionsim.scenario.episode import (
    Group,
    episode_age_months,
    episode_group,
    measures_in_force,
)
from sanctionsim.scenario.months import span_months, whole_months
from sanctionsim.scenario.schema import Scenario

PROTOCOL_VERSION = 1
"""The default protocol of ``history``; protocol 2 adds the joiners (:mod:`.joiners`)."""
PROTOCOLS = (1, 2)
DEFAULT_HORIZONS = (12, 36, 60, 120)

EventKind = Literal["concession", "leader_eases", "member_eases", "deal_delivers"]
EVENT_KINDS: tuple[EventKind, ...] = ("concession", "leader_eases", "member_eases", "deal_delivers")

SCORED = "scored"
NOTHING_TO_EASE = "nothing_to_ease"
CENSORED = "censored"
NO_RECORD = "no_record"
DEAL_UNSETTLED = "deal_unsettled"
JOINED_AFTER_RECORD = "joined_after_record"  # protocol 2: a joiner whose day the record misses
TERMINAL_ENDS = ("concession", "force", "lifted_without_concession", "target_collapse")
TARGET_CONCEDES = "target_concedes"


def eases_event(member: str) -> str:
    """The event "this member eases by H"."""
    return f"{member}_eases"


def delivers_event(deal: str) -> str:
    """The event "this side deal delivers in full by H"."""
    return f"{deal}_delivers"


@dataclass(frozen=True)
class Subject:
    """A member (or a deal) of a case as of ``start``, with what the references' features need."""

    id: str
    kind: EventKind
    pressure_share: float  # its measures' share of the coalition's pressure on ``start``
    cost_share: float  # its measures' share of the coalition's cost on ``start``
    easable: bool  # it has a measure of its own in force on ``start``


@dataclass(frozen=True)
class CaseFacts:
    """What the protocol reads of one case: the scenario as of ``start`` and the record's reach.

    ``terminal_on`` is the day a terminal end happened (None when the episode is ongoing or there
    is no record); ``covered_months`` is how many whole months after ``start`` the record covers
    (None: every horizon, because the episode ended terminally within a complete record).
    """

    id: str
    start: dt.date
    target: tuple[str, str]  # (id, name)
    episode_age_months: float
    group: Group
    members: tuple[Subject, ...]
    deals: tuple[Subject, ...]
    has_record: bool
    ended_by: str | None
    terminal_on: dt.date | None
    covered_months: int | None
    record_until: dt.date  # the last day the record speaks for (start when there is none)
    content_hash: str

    def covers(self, horizon: int) -> bool:
        """Whether the record settles pairs at ``horizon`` months."""
        if not self.has_record:
            return False
        return self.covered_months is None or horizon <= self.covered_months


def content_hash(scenario: Scenario) -> str:
    """A hash of everything but the record: two files with the same hash are the same episode."""
    blind = scenario.model_copy(update={"recorded_outcome": None})
    return hashlib.sha256(blind.model_dump_json().encode()).hexdigest()[:16]


def case_facts(scenario: Scenario) -> CaseFacts:
    """The protocol's reading of ``scenario`` (never the recorded defections or concession date)."""
    in_force = measures_in_force(scenario)
    pressure = {a.id: 0.0 for a in scenario.members}
    cost = dict(pressure)
    for imposer, _, p, c, _ in in_force:
        if imposer in pressure:
            pressure[imposer] += p
            cost[imposer] += c
    total_p, total_c = sum(pressure.values()), sum(cost.values())
    members = tuple(
        Subject(
            a.id,
            "leader_eases" if a.role == "leader" else "member_eases",
            pressure[a.id] / total_p if total_p > 0 else 0.0,
            cost[a.id] / total_c if total_c > 0 else 0.0,
            any(imposer == a.id for imposer, *_ in in_force),
        )
        for a in scenario.members
    )
    deals = tuple(
        Subject(d.id, "deal_delivers", 0.0, 0.0, True)
        for d in scenario.side_deals
        if d.agreed <= scenario.start
    )
    target = scenario.actor(scenario.target.actor)
    outcome = scenario.recorded_outcome
    ended_by: str | None = None
    terminal_on: dt.date | None = None
    covered: int | None = None
    record_until = scenario.start
    if outcome is not None:
        ended_by = outcome.ended_by or ("concession" if outcome.target_conceded else "ongoing")
        if ended_by == "concession":
            terminal_on = outcome.conceded_on or outcome.end
        elif ended_by in TERMINAL_ENDS:
            terminal_on = outcome.end
        complete = outcome.complete_through or outcome.end
        record_until = complete
        if terminal_on is None or complete < terminal_on:
            covered = whole_months(scenario.start, complete)
    return CaseFacts(
        id=scenario.id,
        start=scenario.start,
        target=(target.id, target.name),
        episode_age_months=episode_age_months(scenario),
        group=episode_group(scenario),
        members=members,
        deals=deals,
        has_record=outcome is not None,
        ended_by=ended_by,
        terminal_on=terminal_on,
        covered_months=covered,
        record_until=record_until,
        content_hash=content_hash(scenario),
    )


@dataclass(frozen=True)
class EventPair:
    """One (event, horizon) pair of one case: scored with ``recorded`` 0/1, or not, with why."""

    case: str
    event: str
    kind: EventKind
    subject: str | None  # the member or deal, None for the concession
    horizon: int
    recorded: int | None
    reason: str  # "scored" or why not

    @property
    def scored(self) -> bool:
        """Whether this pair enters the scores."""
        return self.reason == SCORED


def month_of(start: dt.date, date: dt.date | None, before: dt.date | None) -> int | None:
    """The month (1-based, a part month counts) of a recorded date; None if none or too late."""
    if date is None or (before is not None and date >= before):
        return None
    return span_months(start, date)


def recorded_months(scenario: Scenario, facts: CaseFacts) -> dict[str, int | None]:
    """Each event's recorded month (None: did not happen within the record, or unsettled).

    Member easings count only before a terminal end (easing after a concession is the coalition
    lifting its measures); a deal that delivered needs ``deal_delivered_on``.
    """
    outcome = scenario.recorded_outcome
    if outcome is None:
        return {}
    start, until = scenario.start, facts.terminal_on
    months: dict[str, int | None] = {TARGET_CONCEDES: None}
    if outcome.target_conceded and outcome.conceded_on is not None:
        months[TARGET_CONCEDES] = span_months(start, outcome.conceded_on)
    for member in facts.members:
        dates = [d.date for d in outcome.defections if d.member == member.id]
        months[eases_event(member.id)] = month_of(start, min(dates, default=None), until)
    for deal in facts.deals:
        delivered_on = outcome.deal_delivered_on if outcome.deal_delivered else None
        months[delivers_event(deal.id)] = month_of(start, delivered_on, until)
    return months


def _deal_settled(scenario: Scenario, facts: CaseFacts) -> bool:
    outcome = scenario.recorded_outcome
    if outcome is None or outcome.deal_delivered is None or len(facts.deals) != 1:
        return False
    return not outcome.deal_delivered or outcome.deal_delivered_on is not None


Subjects = Sequence[tuple[str, EventKind, str | None, str | None]]
"""(event, kind, member or deal, the reason it is never scored or None) of each event."""


def event_pairs(scenario: Scenario, horizons: Sequence[int] = DEFAULT_HORIZONS) -> list[EventPair]:
    """Every (event, horizon) pair of ``scenario``, in a fixed order, settled where the record
    covers it (docs/cases.md, protocol rule 2)."""
    facts = case_facts(scenario)
    months = recorded_months(scenario, facts)
    settled_deal = _deal_settled(scenario, facts)
    subjects: list[tuple[str, EventKind, str | None, str | None]] = [
        (TARGET_CONCEDES, "concession", None, None)
    ]
    for member in facts.members:
        blind_reason = None if member.easable else NOTHING_TO_EASE
        subjects.append((eases_event(member.id), member.kind, member.id, blind_reason))
    for deal in facts.deals:
        subjects.append((delivers_event(deal.id), "deal_delivers", deal.id, None))
    return settle(facts, months, subjects, horizons, settled_deal=settled_deal)


def settle(
    facts: CaseFacts,
    months: dict[str, int | None],
    subjects: Subjects,
    horizons: Sequence[int],
    *,
    settled_deal: bool,
) -> list[EventPair]:
    """Each subject's pair at each horizon: scored with what was recorded by the horizon
    (``months``, counted from ``facts.start``), or not, with why (protocol rule 2)."""
    pairs = []
    for event, kind, subject, blind_reason in subjects:
        for horizon in horizons:
            reason = blind_reason or SCORED
            if reason == SCORED and not facts.has_record:
                reason = NO_RECORD
            elif reason == SCORED and kind == "deal_delivers" and not settled_deal:
                reason = DEAL_UNSETTLED
            elif reason == SCORED and not facts.covers(horizon):
                reason = CENSORED
            recorded = None
            if reason == SCORED:
                month = months.get(event)
                recorded = int(month is not None and month <= horizon)
            pairs.append(EventPair(facts.id, event, kind, subject, horizon, recorded, reason))
    return pairs


def derived_recorded(scenario: Scenario, facts: CaseFacts, horizon: int) -> dict[str, int | None]:
    """``cascade`` (two or more members eased by ``horizon``) and ``coalition_holds`` (none did),
    as recorded; None where the record does not cover the horizon."""
    if not facts.covers(horizon):
        return {"cascade": None, "coalition_holds": None}
    months = recorded_months(scenario, facts)
    eased = sum(
        1 for m in facts.members if (month := months.get(eases_event(m.id))) and month <= horizon
    )
    return {"cascade": int(eased >= 2), "coalition_holds": int(eased == 0)}


def clusters(facts: Sequence[CaseFacts]) -> list[int]:
    """A cluster number per case: cases with the same forecast-read content, or with the same
    target (id or name) and overlapping records, are one episode and share a cluster."""

    def same_target(a: CaseFacts, b: CaseFacts) -> bool:
        return a.target[0] == b.target[0] or a.target[1].casefold() == b.target[1].casefold()

    def overlap(a: CaseFacts, b: CaseFacts) -> bool:
        return a.start <= b.record_until and b.start <= a.record_until

    parent = list(range(len(facts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(facts):
        for j in range(i):
            b = facts[j]
            if a.content_hash == b.content_hash or (same_target(a, b) and overlap(a, b)):
                parent[root(i)] = root(j)
    roots: dict[int, int] = {}
    return [roots.setdefault(root(i), len(roots)) for i in range(len(facts))]
