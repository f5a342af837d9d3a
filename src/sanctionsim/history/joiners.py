"""Protocol 2: a joiner scored from its own start (docs/cases.md, "Protocol 2").

Under protocol 1 a member (or leader) with no measure of its own in force on ``start`` has
``nothing_to_ease`` and is never scored. Protocol 2 adds one rule: such a member whose own
measure is first in force on a later day ``d`` (the first day after ``start`` on which any of its
measures has a level above 0: an imposition, or a level change from 0) is a *joiner*, and its
event "eases by H" is scored as protocol 1 would score it on the scenario with ``start`` set to
``d`` (:func:`joining_view`): horizons, the recorded month, a terminal end and a cut-off counted
from ``d``. A joiner whose day is on or after the terminal end, or after the day the record is
complete through, is ``joined_after_record`` and not scored. Every other pair is protocol 1's.

Which pairs are scored depends on dated measures and the record's reach only, never on a
recorded defection (``tests/history/test_protocol2.py`` rewrites the defections).

>>> from sanctionsim.scenario.loader import load_scenario
>>> thailand = load_scenario("thailand-2014")
>>> [(j.member, j.day.isoformat(), j.after_record) for j in joiners(thailand)]
[('AUS', '2014-05-31', False), ('NZL', '2014-06-30', False), ('EUX', '2014-06-23', False)]
>>> pairs = protocol_pairs(thailand, (12, 36), protocol=2)
>>> [(p.horizon, p.recorded, p.reason) for p in pairs if p.event == "NZL_eases"]
[(12, 0, 'scored'), (36, 1, 'scored')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sanctionsim.history.protocol import (
    DEFAULT_HORIZONS,
    JOINED_AFTER_RECORD,
    PROTOCOLS,
    CaseFacts,
    EventPair,
    case_facts,
    eases_event,
    event_pairs,
    month_of,
    settle,
)
from sanctionsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Joiner:
    """A member with nothing to ease on ``start`` whose own measure is first in force on ``day``.

    ``facts`` is the protocol's reading of the scenario as of ``day`` (:func:`joining_view`):
    its age, group and shares on ``day``, the record's reach counted from ``day``.
    ``after_record``: the day is on or after the terminal end, or after the day the record is
    complete through (the joiner is listed ``joined_after_record`` and not scored).
    """

    member: str
    day: dt.date
    facts: CaseFacts
    after_record: bool

    @property
    def event(self) -> str:
        """Its event, named as protocol 1 names it (``<member>_eases``)."""
        return eases_event(self.member)


def check_protocol(protocol: int) -> None:
    """Refuse a protocol that does not exist.

    >>> check_protocol(3)
    Traceback (most recent call last):
    ...
    sanctionsim.errors.InputError: --protocol: unknown protocol 3 (known: 1, 2)

    Raises:
        InputError: ``protocol`` is not one of :data:`~sanctionsim.history.protocol.PROTOCOLS`.
    """
    from sanctionsim.errors import InputError

    if protocol not in PROTOCOLS:
        known = ", ".join(str(p) for p in PROTOCOLS)
        raise InputError.single("--protocol", f"unknown protocol {protocol} (known: {known})")


def joining_day(scenario: Scenario, member: str) -> dt.date | None:
    """The first day after ``start`` on which a measure imposed by ``member`` has a level above
    0 (a level only rises on an imposition or a change), or None if there is none."""
    own = [m for m in scenario.measures if m.imposer == member]
    days = sorted({m.imposed for m in own} | {c.date for m in own for c in m.changes})
    return next(
        (d for d in days if d > scenario.start and any(m.level_on(d) > 0 for m in own)), None
    )


def joining_view(scenario: Scenario, day: dt.date) -> Scenario:
    """The scenario with ``start`` set to ``day``: the as-of view every reader of ``start``
    takes (nothing dated after ``day`` is read), the record kept for the protocol to settle."""
    return scenario.model_copy(update={"start": day})


def joiners(scenario: Scenario, facts: CaseFacts | None = None) -> tuple[Joiner, ...]:
    """The joiners of ``scenario`` in the order of its members (``facts``: its
    :func:`~sanctionsim.history.protocol.case_facts`, when already read)."""
    facts = case_facts(scenario) if facts is None else facts
    found = []
    for member in facts.members:
        day = None if member.easable else joining_day(scenario, member.id)
        if day is None:
            continue
        ended = facts.terminal_on is not None and day >= facts.terminal_on
        after = facts.has_record and (ended or day > facts.record_until)
        found.append(Joiner(member.id, day, case_facts(joining_view(scenario, day)), after))
    return tuple(found)


def joining_days(scenario: Scenario) -> dict[dt.date, tuple[str, ...]]:
    """Each day the model forecasts joiners from, with those joiners, in order of day: every
    joiner not after the record (one simulation per day).

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> {d.isoformat(): ids for d, ids in joining_days(load_scenario("thailand-2014")).items()}
    {'2014-05-31': ('AUS',), '2014-06-23': ('EUX',), '2014-06-30': ('NZL',)}
    """
    days: dict[dt.date, tuple[str, ...]] = {}
    for joiner in sorted(joiners(scenario), key=lambda j: j.day):
        if not joiner.after_record:
            days[joiner.day] = (*days.get(joiner.day, ()), joiner.member)
    return days


def joiner_month(scenario: Scenario, joiner: Joiner) -> int | None:
    """The joiner's recorded easing month counted from its day: its first recorded defection on
    or after the day and before a terminal end (a defection dated before the day cannot ease a
    measure first in force on it, and is not read), None if there is none."""
    outcome = scenario.recorded_outcome
    if outcome is None:
        return None
    dates = [
        d.date for d in outcome.defections if d.member == joiner.member and d.date >= joiner.day
    ]
    return month_of(joiner.day, min(dates, default=None), joiner.facts.terminal_on)


def joiner_pairs(
    scenario: Scenario, joiner: Joiner, horizons: Sequence[int] = DEFAULT_HORIZONS
) -> list[EventPair]:
    """The joiner's pairs: protocol 1's rules on the scenario as of its day, or
    ``joined_after_record`` at every horizon when the day is past the record."""
    kind = next(m.kind for m in joiner.facts.members if m.id == joiner.member)
    if joiner.after_record:
        reason = JOINED_AFTER_RECORD
        return [
            EventPair(scenario.id, joiner.event, kind, joiner.member, h, None, reason)
            for h in horizons
        ]
    months = {joiner.event: joiner_month(scenario, joiner)}
    subjects = [(joiner.event, kind, joiner.member, None)]
    return settle(joiner.facts, months, subjects, horizons, settled_deal=False)


def protocol_pairs(
    scenario: Scenario,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    protocol: int = 1,
    found: Sequence[Joiner] | None = None,
) -> list[EventPair]:
    """The case's pairs under ``protocol``: protocol 1's
    (:func:`~sanctionsim.history.protocol.event_pairs`), with, under protocol 2, each joiner's
    pairs in place of its ``nothing_to_ease`` ones (the list keeps its order and length).
    ``found``: the case's :func:`joiners`, when already read."""
    check_protocol(protocol)
    pairs = event_pairs(scenario, horizons)
    if protocol == 1:
        return pairs
    own = {
        (p.event, p.horizon): p
        for joiner in (joiners(scenario) if found is None else found)
        for p in joiner_pairs(scenario, joiner, horizons)
    }
    return [own.get((p.event, p.horizon), p) for p in pairs]


def forecast_facts(found: Sequence[Joiner]) -> dict[str, CaseFacts]:
    """The facts each joiner is forecast from (its day's), by member: every joiner not after
    the record (one after it keeps ``start``'s, like a member with nothing to ease)."""
    return {j.member: j.facts for j in found if not j.after_record}


def facts_of(facts: CaseFacts, joined: Mapping[str, CaseFacts], pair: EventPair) -> CaseFacts:
    """The facts ``pair`` is forecast from: its joiner's on the joining day, else the case's."""
    if pair.kind in ("leader_eases", "member_eases") and pair.subject is not None:
        return joined.get(pair.subject, facts)
    return facts
