"""Cross-field checks of the schema-version-2 forms (:mod:`.schema_forms`).

Called by :func:`sanctionsim.scenario.checks.check_scenario`; each finding is a located error.
First the version gate: a file that declares ``schema_version: 1`` may use only version 1's
forms, so an older sanctionsim and this one read it the same way. Then references (every id
names an actor, a measure or a settlement of the right kind) and date order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel

from sanctionsim.scenario.checks import _duplicates, _expect_actor
from sanctionsim.scenario.schema import MEASURE_KINDS_V1, Estimate, Scenario
from sanctionsim.scenario.schema_base import _Model
from sanctionsim.scenario.yaml_source import PathKey

Finding = tuple[PathKey, str]

COALITION = ("leader", "member")
SENDERS = ("leader", "member", "institution", "third_party")
ANYONE = (*SENDERS, "target", "other")
_V2_BASES = ("ifi:", "pledge", "private")


def check_forms(scenario: Scenario) -> Iterator[Finding]:
    """Every problem with the version-2 forms of ``scenario`` (none for a plain v1 file)."""
    if scenario.schema_version < 2:
        yield from version_gate(scenario)
    yield from _actors(scenario)
    yield from _measures(scenario)
    yield from _third_parties(scenario)
    yield from _target(scenario)
    yield from _episode(scenario)
    yield from _alliances(scenario)


def version_gate(scenario: Scenario) -> Iterator[Finding]:
    """Every version-2 form a ``schema_version: 1`` file uses, with its path."""
    hint = "set `schema_version: 2` (or run `sanctionsim migrate FILE`)"
    for path, model in _models(scenario, ()):
        since_v2 = type(model).since_v2 if isinstance(model, _Model) else frozenset()
        for name in sorted(since_v2 & model.model_fields_set):
            yield (*path, name), f"{name!r} is a schema version 2 form; {hint}"
    for index, actor in enumerate(scenario.actors):
        if actor.role == "other":
            yield ("actors", index, "role"), f"role 'other' is a schema version 2 form; {hint}"
    for index, measure in enumerate(scenario.measures):
        if measure.kind not in MEASURE_KINDS_V1:
            yield (
                ("measures", index, "kind"),
                f"kind {measure.kind!r} is a schema version 2 form; {hint}",
            )
        if measure.legal_basis.startswith(_V2_BASES):
            yield (
                ("measures", index, "legal_basis"),
                f"legal basis {measure.legal_basis!r} is a schema version 2 form; {hint}",
            )


def _models(model: BaseModel, path: PathKey) -> Iterator[tuple[PathKey, BaseModel]]:
    yield path, model
    for name in type(model).model_fields:
        if name not in model.model_fields_set:
            continue
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, BaseModel) and not isinstance(item, Estimate):
                where = (*path, name, index) if isinstance(value, list) else (*path, name)
                yield from _models(item, where)


# ------------------------------------------------------------------------------ helpers
def _span(
    first: dt.date | None, last: dt.date | None, path: PathKey, names: tuple[str, str]
) -> Iterator[Finding]:
    if first is not None and last is not None and last < first:
        yield (*path, names[1]), f"{names[1]} {last} is before {names[0]} {first}"


def _in_order(dates: list[dt.date], path: PathKey) -> Iterator[Finding]:
    for index in range(1, len(dates)):
        if dates[index] < dates[index - 1]:
            yield (*path, index), "keep these in date order"


# ------------------------------------------------------------------------------ actors
def _actors(scenario: Scenario) -> Iterator[Finding]:
    for index, actor in enumerate(scenario.actors):
        path: PathKey = ("actors", index)
        for number, tie in enumerate(actor.ties):
            where = (*path, "ties", number)
            yield from _expect_actor(scenario, tie.to, (*where, "to"), ANYONE, "actor")
            if tie.to == actor.id:
                yield (*where, "to"), "an actor cannot be tied to itself"
            yield from _span(tie.since, tie.until, where, ("since", "until"))
        rule = actor.decision_rule
        if rule is None:
            continue
        where = (*path, "decision_rule")
        if actor.role != "institution":
            yield where, f"only an institution has a decision rule ({actor.role})"
        for number, veto in enumerate(rule.veto):
            yield from _expect_actor(scenario, veto, (*where, "veto", number), ANYONE, "actor")
        for voter in rule.vote_shares:
            yield from _expect_actor(
                scenario, voter, (*where, "vote_shares", voter), ANYONE, "actor"
            )
        total = sum(_low(share) for share in rule.vote_shares.values())
        if total > 1.0 + 1e-9:
            yield (*where, "vote_shares"), f"vote shares add up to {total:.3f}, more than 1"


def _low(quantity: float | Estimate) -> float:
    return float(quantity) if isinstance(quantity, float | int) else quantity.bounds()[0]


# ------------------------------------------------------------------------------ measures
def _measures(scenario: Scenario) -> Iterator[Finding]:
    deals = {d.id for d in scenario.side_deals} | {s.id for s in scenario.settlements}
    for index, measure in enumerate(scenario.measures):
        path: PathKey = ("measures", index)
        yield from _span(measure.decided, measure.imposed, path, ("decided", "imposed"))
        for number, change in enumerate(measure.changes):
            where = (*path, "changes", number)
            yield from _span(change.decided, change.date, where, ("decided", "date"))
            if change.under is not None and change.under not in deals:
                yield (*where, "under"), f"unknown settlement or side deal {change.under!r}"
        if measure.on is not None:
            yield from _expect_actor(scenario, measure.on, (*path, "on"), ANYONE, "actor")
            if measure.on == measure.imposer:
                yield (*path, "on"), "a measure bears on someone other than its imposer"
        for number, party in enumerate(measure.secondary_on):
            yield from _expect_actor(
                scenario, party, (*path, "secondary_on", number), ("third_party",), "actor"
            )
        for number, exemption in enumerate(measure.exemptions):
            where = (*path, "exemptions", number)
            # a waiver exempts a buyer, often a third party; an opt-out is a member's own
            roles = (*COALITION, "third_party") if exemption.kind == "waiver" else COALITION
            yield from _expect_actor(scenario, exemption.actor, (*where, "actor"), roles, "actor")
            yield from _span(exemption.since, exemption.until, where, ("since", "until"))
    yield from _possible_measures(scenario)


def _possible_measures(scenario: Scenario) -> Iterator[Finding]:
    yield from _duplicates(
        (m.id for m in scenario.possible_measures), ("possible_measures",), "possible measure"
    )
    dated = {m.id for m in scenario.measures}
    for index, measure in enumerate(scenario.possible_measures):
        path: PathKey = ("possible_measures", index)
        if measure.id in dated:
            yield (*path, "id"), f"{measure.id!r} is already a dated measure's id"
        yield from _expect_actor(scenario, measure.imposer, (*path, "imposer"), SENDERS, "actor")
        for number, veto in enumerate(measure.veto_players):
            yield from _expect_actor(
                scenario, veto, (*path, "veto_players", number), ANYONE, "actor"
            )


# ------------------------------------------------------------------------------ third parties
def _third_parties(scenario: Scenario) -> Iterator[Finding]:
    for index, party in enumerate(scenario.third_parties):
        path: PathKey = ("third_parties", index)
        for number, support in enumerate(party.support):
            yield from _span(
                support.since, support.until, (*path, "support", number), ("since", "until")
            )
        yield from _in_order([c.date for c in party.changes], (*path, "changes"))
        for number, change in enumerate(party.changes):
            where = (*path, "changes", number)
            yield from _span(change.decided, change.date, where, ("decided", "date"))


# ------------------------------------------------------------------------------ the target
def _target(scenario: Scenario) -> Iterator[Finding]:
    target = scenario.target
    path: PathKey = ("target",)
    yield from _in_order([leader.since for leader in target.leaders], (*path, "leaders"))
    for index, offer in enumerate(target.exit_guarantees):
        where = (*path, "exit_guarantees", index)
        for number, sender in enumerate(offer.by):
            yield from _expect_actor(scenario, sender, (*where, "by", number), ANYONE, "actor")
        yield from _span(offer.offered, offer.until, where, ("offered", "until"))
    yield from _in_order([p.date for p in target.provocations], (*path, "provocations"))
    measures = {m.id for m in scenario.measures} | {m.id for m in scenario.possible_measures}
    for index, provocation in enumerate(target.provocations):
        for number, response in enumerate(provocation.responses):
            if response not in measures:
                yield (
                    (*path, "provocations", index, "responses", number),
                    f"unknown measure or possible measure {response!r}",
                )
    yield from _duplicates((i.id for i in target.inducements), (*path, "inducements"), "inducement")
    for index, inducement in enumerate(target.inducements):
        where = (*path, "inducements", index)
        yield from _expect_actor(
            scenario, inducement.to, (*where, "to"), (*COALITION, "third_party"), "actor"
        )
        yield from _span(inducement.offered, inducement.withdrawn, where, ("offered", "withdrawn"))


# ------------------------------------------------------------------------------ the episode
def _episode(scenario: Scenario) -> Iterator[Finding]:
    yield from _demand_changes(scenario)
    yield from _settlements(scenario)
    yield from _duplicates((c.id for c in scenario.coercion), ("coercion",), "coercion")
    for index, act in enumerate(scenario.coercion):
        path: PathKey = ("coercion", index)
        for number, sender in enumerate(act.by):
            yield from _expect_actor(scenario, sender, (*path, "by", number), ANYONE, "actor")
        if act.on is not None:
            yield from _expect_actor(scenario, act.on, (*path, "on"), ANYONE, "actor")
        yield from _span(act.date, act.deadline, path, ("date", "deadline"))
        yield from _span(act.date, act.until, path, ("date", "until"))
    yield from _duplicates((b.id for b in scenario.blocs), ("blocs",), "bloc")
    for index, bloc in enumerate(scenario.blocs):
        path = ("blocs", index)
        for number, member in enumerate(bloc.members):
            yield from _expect_actor(scenario, member, (*path, "members", number), ANYONE, "actor")
        yield from _span(bloc.formed, bloc.dissolved, path, ("formed", "dissolved"))
    for index, mediation in enumerate(scenario.mediation):
        path = ("mediation", index)
        yield from _expect_actor(scenario, mediation.mediator, (*path, "mediator"), ANYONE, "actor")
        yield from _span(mediation.since, mediation.until, path, ("since", "until"))
    yield from _in_order([shock.date for shock in scenario.shocks], ("shocks",))
    for index, shock in enumerate(scenario.shocks):
        for member in shock.value_change:
            where = ("shocks", index, "value_change", member)
            yield from _expect_actor(scenario, member, where, COALITION, "actor")


def _demand_changes(scenario: Scenario) -> Iterator[Finding]:
    changes = scenario.demand.changes
    yield from _in_order([change.date for change in changes], ("demand", "changes"))
    for index, change in enumerate(changes):
        path: PathKey = ("demand", "changes", index)
        yield from _span(change.decided, change.date, path, ("decided", "date"))
        for member in change.value_to:
            yield from _expect_actor(
                scenario, member, (*path, "value_to", member), COALITION, "actor"
            )


def _settlements(scenario: Scenario) -> Iterator[Finding]:
    yield from _duplicates((s.id for s in scenario.settlements), ("settlements",), "settlement")
    measures = {m.id: m for m in scenario.measures}
    for index, settlement in enumerate(scenario.settlements):
        path: PathKey = ("settlements", index)
        for number, party in enumerate(settlement.parties):
            yield from _expect_actor(scenario, party, (*path, "parties", number), SENDERS, "actor")
        yield from _span(settlement.agreed, settlement.due, path, ("agreed", "due"))
        for number, item in enumerate(settlement.suspends):
            where = (*path, "suspends", number, "measure")
            measure = measures.get(item.measure)
            if measure is None:
                yield where, f"unknown measure {item.measure!r}"
            elif settlement.parties and measure.imposer not in settlement.parties:
                yield where, f"{item.measure!r} is imposed by {measure.imposer}, not a party"


def _alliances(scenario: Scenario) -> Iterator[Finding]:
    """Each alliance binds coalition senders, each at most once, by a treaty in force on start."""
    if scenario.alliances is None:
        return
    seen: set[str] = set()
    for index, alliance in enumerate(scenario.alliances.with_target):
        path: PathKey = ("alliances", "with_target", index)
        if alliance.in_force_since > scenario.start:
            yield (
                (*path, "in_force_since"),
                (
                    f"in force from {alliance.in_force_since}, after start ({scenario.start}): "
                    "only a treaty in force on start binds"
                ),
            )
        for number, sender in enumerate(alliance.senders):
            where = (*path, "senders", number)
            yield from _expect_actor(scenario, sender, where, COALITION, "sender")
            if sender in seen:
                yield where, f"sender {sender!r} is named by two alliances: name it once"
            seen.add(sender)
