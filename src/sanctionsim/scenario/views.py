"""The state of a scenario on a date: measures in force, deals, levers, trust.

These are the "as of DATE" views behind ``sanctionsim show``. They read the scenario's dated
facts only; nothing is simulated.

>>> import datetime as dt
>>> from sanctionsim.scenario.loader import load_scenario
>>> view = snapshot(load_scenario("dprk-2014"), dt.date(2014, 7, 5))
>>> [m.measure.id for m in view.measures if m.since == dt.date(2014, 7, 4)][:2]
['jpn-dprk-ship-port-ban', 'jpn-entry-ban']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from sanctionsim.scenario.schema import (
    Coercion,
    Lever,
    Measure,
    Mediation,
    Scenario,
    SideDeal,
    Support,
    ThirdParty,
    central,
)

Status = Literal["in force", "eased", "suspended", "lifted"]
"""``in force`` only at a positive level; ``suspended`` at level 0; ``eased`` below the peak."""


@dataclass(frozen=True)
class MeasureStatus:
    """One measure's standing on a date."""

    measure: Measure
    level: float
    status: Status
    since: dt.date
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        m = self.measure
        return {
            "id": m.id,
            "name": m.name,
            "imposer": m.imposer,
            "kind": m.kind,
            "legal_basis": m.legal_basis,
            "level": self.level,
            "status": self.status,
            "since": self.since.isoformat(),
            "note": self.note,
            "sources": list(m.sources),
        }


def measure_status(measure: Measure, date: dt.date) -> MeasureStatus | None:
    """The standing of ``measure`` on ``date``; None before it was imposed."""
    if date < measure.imposed:
        return None
    if measure.lifted is not None and date >= measure.lifted:
        return MeasureStatus(measure, 0.0, "lifted", measure.lifted, measure.note)
    level, since, note = measure.level, measure.imposed, measure.note
    peak = measure.level
    # a measure at level 0 is never "in force" (imposed at 0: decided but not yet applied)
    status: Status = "in force" if measure.level > 0 else "suspended"
    for change in measure.changes:
        if change.date > date:
            break
        if change.level == 0.0:
            status = "suspended"
        elif change.level < peak:
            status = "eased"
        else:
            status = "in force"
        peak = max(peak, change.level)
        level, since, note = change.level, change.date, change.note
    return MeasureStatus(measure, level, status, since, note)


@dataclass(frozen=True)
class DealStatus:
    """A side deal on a date: agreed or not yet."""

    deal: SideDeal
    agreed: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        d = self.deal
        return {
            "id": d.id,
            "name": d.name,
            "member": d.member,
            "target": d.target,
            "agreed": d.agreed.isoformat(),
            "in_effect": self.agreed,
            "scope": d.scope,
            "first_mover": d.first_mover,
            "snap_back": d.snap_back.on_renege,
            "stages": [
                {
                    "id": s.id,
                    "target_delivers": s.target_delivers,
                    "member_eases": [e.measure for e in s.member_eases],
                    "due": s.due.isoformat() if s.due else None,
                }
                for s in d.stages
            ],
        }


@dataclass(frozen=True)
class Snapshot:
    """Everything ``show`` reports for one date."""

    scenario: Scenario
    date: dt.date
    measures: list[MeasureStatus]
    deals: list[DealStatus]
    levers: list[Lever]
    trust: dict[tuple[str, str], float]

    def in_force(self) -> list[MeasureStatus]:
        """Measures with a positive level on the date."""
        return [m for m in self.measures if m.level > 0]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``sanctionsim show --json``."""
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "date": self.date.isoformat(),
            "actors": [{"id": a.id, "name": a.name, "role": a.role} for a in self.scenario.actors],
            "measures": [m.to_dict() for m in self.measures],
            "side_deals": [d.to_dict() for d in self.deals],
            "levers": [lever_record(lever) for lever in self.levers],
            "relations": [
                {"between": list(pair), "trust": value} for pair, value in self.trust.items()
            ],
        }


def lever_record(lever: Lever) -> dict[str, Any]:
    """A JSON-ready summary of one lever."""
    return {
        "id": lever.id,
        "kind": lever.kind,
        "holder": lever.holder,
        "beneficiary": lever.beneficiary,
        "in_force": lever.in_force,
        "description": lever.description,
    }


def trust_on(scenario: Scenario, date: dt.date) -> dict[tuple[str, str], float]:
    """Central trust between each related pair on ``date``."""
    result: dict[tuple[str, str], float] = {}
    for relation in scenario.relations:
        value = central(relation.trust)
        for change in relation.changes:
            if change.date <= date:
                value = central(change.trust)
        first, second = relation.between
        result[(first, second)] = value
    return result


def snapshot(scenario: Scenario, date: dt.date) -> Snapshot:
    """The state of ``scenario`` on ``date``: measures imposed by then, deals, levers, trust."""
    statuses = [s for m in scenario.measures if (s := measure_status(m, date)) is not None]
    deals = [DealStatus(d, d.agreed <= date) for d in scenario.side_deals]
    levers = [
        lever
        for lever in scenario.levers
        if lever.available_from is None or lever.available_from <= date
    ]
    return Snapshot(scenario, date, statuses, deals, levers, trust_on(scenario, date))


def as_of(scenario: Scenario, date: dt.date) -> Scenario:
    """The scenario as it stood on ``date``: every fact dated after it removed.

    Measures imposed later, level changes and liftings after ``date``, deals agreed later, levers
    available later, trust changes after it, track-record outcomes not known by it (undated or
    dated on or after ``date``) and later timeline events; third parties' changes of stance
    dated after it, support begun after it (and an end dated after it: not yet known), blocs
    formed after it (and a dissolution dated after it); the target's provocations and leaders
    (by ``since``) dated after it, and the demand's changes dated after it (an encoder's record
    commit could not add these without changing what the forecast reads: the encoders of the
    fifth batch, session 11); outside shocks, settlements, coercion and mediation begun after it
    (a later end of coercion or mediation not yet known: the encoders of the sixth batch,
    session 12). A record with nothing dated after ``date`` is kept as it is, and a
    version-2 list the view empties reads as never set (:func:`_copied`).
    """
    measures = []
    for m in scenario.measures:
        if m.imposed > date:
            continue
        changes = [c for c in m.changes if c.date <= date]
        lifted = m.lifted if m.lifted is not None and m.lifted <= date else None
        measures.append(m.model_copy(update={"changes": changes, "lifted": lifted}))
    relations = [
        r.model_copy(update={"changes": [c for c in r.changes if c.date <= date]})
        for r in scenario.relations
    ]
    record = [
        a
        for a in scenario.target.track_record
        if a.outcome_date is not None and a.outcome_date < date
    ]
    later: dict[str, Any] = {}  # only what changed: a file's fields set stay as they were
    parties = [_party_as_of(party, date) for party in scenario.third_parties]
    if _changed(parties, scenario.third_parties):
        later["third_parties"] = parties
    blocs = [
        bloc
        if bloc.dissolved is None or bloc.dissolved <= date
        else bloc.model_copy(update={"dissolved": None})
        for bloc in scenario.blocs
        if bloc.formed is None or bloc.formed <= date
    ]
    if _changed(blocs, scenario.blocs):
        later["blocs"] = blocs
    target: dict[str, Any] = {"track_record": record}
    provocations = [p for p in scenario.target.provocations if p.date <= date]
    if _changed(provocations, scenario.target.provocations):
        target["provocations"] = provocations
    leaders = [entry for entry in scenario.target.leaders if entry.since <= date]
    if _changed(leaders, scenario.target.leaders):
        target["leaders"] = leaders
    demand_changes = [c for c in scenario.demand.changes if c.date <= date]
    if _changed(demand_changes, scenario.demand.changes):
        later["demand"] = _copied(scenario.demand, {"changes": demand_changes})
    episode: dict[str, list[Any]] = {
        "shocks": [shock for shock in scenario.shocks if shock.date <= date],
        "settlements": [s for s in scenario.settlements if s.agreed <= date],
        "coercion": [_unknown_end(c, date) for c in scenario.coercion if c.date <= date],
        "mediation": [_unknown_end(m, date) for m in scenario.mediation if m.since <= date],
    }
    for name, kept in episode.items():
        if _changed(kept, getattr(scenario, name)):
            later[name] = kept
    return _copied(
        scenario,
        {
            **later,
            "measures": measures,
            "side_deals": [d for d in scenario.side_deals if d.agreed <= date],
            "levers": [
                lever
                for lever in scenario.levers
                if lever.available_from is None or lever.available_from <= date
            ],
            "relations": relations,
            "target": _copied(scenario.target, target),
            "timeline": [e for e in scenario.timeline if e.date <= date],
        },
    )


_E = TypeVar("_E", Coercion, Mediation, Support)


def _unknown_end(entry: _E, date: dt.date) -> _E:
    """``entry`` with an end (``until``) dated after ``date`` not yet known."""
    if entry.until is None or entry.until <= date:
        return entry
    return entry.model_copy(update={"until": None})


def _party_as_of(party: ThirdParty, date: dt.date) -> ThirdParty:
    """A third party as it stood on ``date``: later changes and support dropped, a later end of
    support unknown; the party itself when nothing of it is dated after ``date``."""
    update: dict[str, Any] = {}
    changes = [c for c in party.changes if c.date <= date]
    if _changed(changes, party.changes):
        update["changes"] = changes
    support = [_unknown_end(s, date) for s in party.support if s.since <= date]
    if _changed(support, party.support):
        update["support"] = support
    return _copied(party, update) if update else party


_M = TypeVar("_M", bound=BaseModel)


def _copied(model: _M, update: dict[str, Any]) -> _M:
    """``model`` with ``update``, where a version-2 list the view empties (every entry dated
    later) reads as never set, as in a file without it: the view of a file whose later facts are
    all dropped then serialises exactly as the file without them, which the blind-encoding
    comparison of a case's two commits relies on (a file that does not set a version-2 field
    serialises without it: ``schema_base._Model``)."""
    copy = model.model_copy(update=update)
    version_2: frozenset[str] = getattr(model, "since_v2", frozenset())
    for name in version_2 & update.keys():
        if update[name] == [] and getattr(model, name):
            copy.model_fields_set.discard(name)
    return copy


def _changed(kept: list[Any], items: list[Any]) -> bool:
    """Whether filtering and copying ``items`` changed anything (items are kept by identity)."""
    return len(kept) != len(items) or any(a is not b for a, b in zip(kept, items, strict=True))


def episode_began(scenario: Scenario) -> dt.date | None:
    """When the scenario's episode began: its ``episode_began``, else the earliest measure in
    force on its start (docs/scenario-format.md)."""
    if scenario.episode_began is not None:
        return scenario.episode_began.date
    in_force = [
        m.imposed
        for m in scenario.measures
        if m.imposed <= scenario.start and (m.lifted is None or m.lifted > scenario.start)
    ]
    return min(in_force, default=None)


def before_measures(scenario: Scenario, date: dt.date) -> str | None:
    """A warning when ``date`` precedes every measure of ``scenario`` (nothing in force: an
    analysis or forecast of a coalition with nothing to hold) or the episode's beginning (only
    measures of another episode in force); None when neither.

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> dprk = load_scenario("dprk-2014")
    >>> print(before_measures(dprk, dt.date(1980, 1, 1)))  # doctest: +ELLIPSIS
    1980-01-01 precedes every measure of dprk-2014 (the first, ...): no sanction is in force, ...
    >>> before_measures(dprk, dprk.start) is None
    True
    """
    if not scenario.measures:
        return None
    first = min(scenario.measures, key=lambda m: m.imposed)
    if date < first.imposed:
        return (
            f"{date} precedes every measure of {scenario.id} (the first, {first.id!r}, is "
            f"imposed on {first.imposed}): no sanction is in force, so what follows describes a "
            "coalition with nothing to hold."
        )
    began = episode_began(scenario)
    if began is None or date >= began:
        return None
    in_force = [
        m.id
        for m in scenario.measures
        if m.imposed <= date and (m.lifted is None or m.lifted > date)
    ]
    return (
        f"{date} precedes the episode of {scenario.id}, which began on {began}: of its "
        f"{len(scenario.measures)} measures only {len(in_force)} "
        f"{'is' if len(in_force) == 1 else 'are'} in force then "
        f"({', '.join(in_force)}), so what follows is not this episode's coalition."
    )


def forecast_from(scenario: Scenario, date: dt.date) -> Scenario:
    """The scenario to forecast from ``date`` instead of its start: the same file with ``start``
    moved to ``date`` (the engine reads it :func:`as_of` that day, so every later fact is
    left out) and no recorded outcome (what happened after is never read by a forecast).

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> later = forecast_from(load_scenario("dprk-2014"), dt.date(2016, 3, 2))
    >>> later.start, later.recorded_outcome
    (datetime.date(2016, 3, 2), None)
    """
    return scenario.model_copy(update={"start": date, "recorded_outcome": None})
