"""The table of the model's quantities: each declared once, with its key, path and on-date rule.

Every number the model reads from a scenario on a date is one row of :data:`TABLE`, a family of
quantities with

* its **key** (``measures.<id>.pressure``, ``target.resolve``, ``relations.<A>.<B>.trust``, ...):
  the name of its random stream (:class:`~sanctionsim.coalition.parameters.KeyedStreams`) and of
  the input an experiment may fix or vary;
* its **path** in the scenario's data (``("measures", 3, "pressure")``), where
  :func:`sanctionsim.experiments.inputs.fix_inputs` writes a fixed value (``None``: read but not
  fixable, e.g. a trust that changed before the date, whose value is the last change's);
* its **on-date rule**: which items count on the date (a measure in force at a positive level, a
  lever in force and available, a deal agreed with a coalition member, ...);
* its **reader**: the attribute path of the value in the item.

:func:`quantities` iterates the table in scenario order; the parameter builder
(:mod:`sanctionsim.coalition.parameters`), the engine's draws (:mod:`sanctionsim.dynamics.streams`)
and the experiment inputs (:mod:`sanctionsim.experiments.inputs`) all read it. Adding an uncertain
quantity is one row here and its use in the model.

>>> from sanctionsim.scenario.loader import load_scenario
>>> s = load_scenario("dprk-2014")
>>> found = {q.key: q for q in quantities(s, s.start)}
>>> found["target.resolve"].path
('target', 'resolve')
>>> MEASURES.key("un-2270", "pressure")
'measures.un-2270.pressure'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sanctionsim.scenario.schema import (
    Bloc,
    Lever,
    Measure,
    Quantity,
    Scenario,
    SideDeal,
    Support,
    ThirdParty,
    central,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from sanctionsim.coalition.parameters import KeyedStreams

    Array = NDArray[np.float64]

DataPath = tuple[str | int, ...]


# ---------------------------------------------------------------- on-date rules
def measure_read(measure: Measure, date: dt.date) -> bool:
    """A measure counts on ``date`` when it is in force at a positive level."""
    return measure.level_on(date) > 0.0


def lever_read(lever: Lever, date: dt.date) -> bool:
    """A lever counts when it is in force and available on ``date``."""
    return lever.in_force and not (lever.available_from and lever.available_from > date)


def deal_read(deal: SideDeal, members: set[str] | tuple[str, ...], date: dt.date) -> bool:
    """A side deal counts when it was agreed by ``date`` with a coalition member."""
    return deal.agreed <= date and deal.member in members


def support_read(support: Support, date: dt.date) -> bool:
    """A black knight's support counts when it began by ``date`` and had not ended by then (an
    end dated after ``date`` is history: not known on the date)."""
    return support.since <= date and (support.until is None or support.until > date)


def bloc_read(bloc: Bloc, date: dt.date) -> bool:
    """A bloc counts when formed by ``date`` (or undated) and not dissolved by then."""
    formed = bloc.formed is None or bloc.formed <= date
    return formed and (bloc.dissolved is None or bloc.dissolved > date)


@dataclass(frozen=True)
class Stance:
    """A third party's stance on a date: capacity, willingness and motive in force then."""

    substitution_capacity: Quantity
    willingness: Quantity
    motive: str


def stance_on(party: ThirdParty, date: dt.date) -> Stance:
    """The stance of ``party`` on ``date``: each field's last dated change on or before ``date``,
    else the stated value (a change dated later is history, even if decided earlier).

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> knight = load_scenario("examples/forms-v2.yaml").third_parties[0]
    >>> central(stance_on(knight, dt.date(2021, 10, 31)).willingness)
    0.5
    >>> central(stance_on(knight, dt.date(2021, 11, 1)).willingness)
    0.1
    """
    capacity, willingness, motive = party.substitution_capacity, party.willingness, party.motive
    for change in party.changes:
        if change.date > date:
            break  # in date order (checked)
        if change.substitution_capacity is not None:
            capacity = change.substitution_capacity
        if change.willingness is not None:
            willingness = change.willingness
        if change.motive is not None:
            motive = change.motive
    return Stance(capacity, willingness, motive)


# ---------------------------------------------------------------- the table
@dataclass(frozen=True)
class Found:
    """One quantity the model reads on the date: key, path (``None``: not fixable), value."""

    key: str
    path: DataPath | None
    quantity: Quantity | None


@dataclass(frozen=True)
class Site:
    """An item of the scenario holding quantities: key and path prefixes, the fields it holds.

    A field's key is ``<key>.<field>``; its path is ``(*path, *field.split("."))``.
    """

    key: str
    path: DataPath | None
    item: Any
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Family:
    """A family of quantities: the items that count on a date and the fields read from each."""

    name: str
    template: str  # a field's key, with ``{id}`` (the item) and ``{field}`` to fill in
    sites: Callable[[Scenario, dt.date], Iterator[Site]]

    def key(self, id: str, field: str) -> str:
        """The key of ``field`` of item ``id`` (the stream's and the input's name)."""
        return self.template.format(id=id, field=field)


def _read(item: Any, field: str) -> Quantity | None:
    """The value at the dotted attribute path ``field`` of ``item`` (``None`` when absent)."""
    value = item
    for part in field.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
    return value  # type: ignore[no-any-return]


def _members(scenario: Scenario) -> tuple[str, ...]:
    return tuple(a.id for a in scenario.members)


def _measure_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    for m, measure in enumerate(scenario.measures):
        if measure_read(measure, date):
            yield Site(f"measures.{measure.id}", ("measures", m), measure, ("pressure", "cost"))


TARGET_FIELDS = (
    "resolve",
    "reliable_prior",
    "concession_hazard.base",
    "concession_hazard.maximum",
    "concession_hazard.steepness",
    "delivery.reliable",
    "delivery.opportunist",
    "renege.reliable",
    "renege.opportunist",
)


def _target_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    yield Site("target", ("target",), scenario.target, TARGET_FIELDS)


def _party_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    fields = ("substitution_capacity", "willingness", "rent_sensitivity")
    for p, party in enumerate(scenario.third_parties):
        yield Site(f"third_parties.{party.actor}", ("third_parties", p), party, fields)


def _demand_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    members = _members(scenario)
    for member, value in scenario.demand.value_to.items():
        if member in members:
            yield Site("demand.value_to", ("demand", "value_to"), {member: value}, (member,))


ACTOR_FIELDS = (
    "trade_share",
    "payoffs.defection_premium_base",
    "payoffs.defection_premium_slope",
    "payoffs.un_breach_cost",
    "payoffs.discount_factor",
    "payoffs.holding_value",  # read by model v2-hold only (docs/model-v2.md, H3)
)


def _actor_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    members = _members(scenario)
    for a, actor in enumerate(scenario.actors):
        if actor.id in members:
            yield Site(f"actors.{actor.id}", ("actors", a), actor, ACTOR_FIELDS)


def _deal_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    """Per deal, in this order: its stages' delivery shares, its snap-back, its issue's value."""
    members = _members(scenario)
    issues = {issue.id: i for i, issue in enumerate(scenario.private_issues)}
    for d, deal in enumerate(scenario.side_deals):
        if not deal_read(deal, members, date):
            continue
        for s, stage in enumerate(deal.stages):
            path = ("side_deals", d, "stages", s)
            yield Site(f"side_deals.{deal.id}.stages.{stage.id}", path, stage, ("delivery_share",))
        snap = ("side_deals", d, "snap_back")
        yield Site(f"side_deals.{deal.id}.snap_back", snap, deal.snap_back, ("widen_by",))
        k = issues[deal.issue]
        issue = scenario.private_issues[k]
        yield Site(f"private_issues.{issue.id}", ("private_issues", k), issue, ("value",))


def _with_their_deals(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    """Private issues are listed with the deals that value them (:data:`SIDE_DEALS`)."""
    yield from ()


def _observation_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    yield Site("observation", ("observation",), scenario.observation, ("detection", "false_alarm"))


def _lever_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    for v, lever in enumerate(scenario.levers):
        if lever_read(lever, date):
            yield Site(f"levers.{lever.id}", ("levers", v), lever, ("amount", "detection"))


def trust_on(relation: Any, date: dt.date) -> Quantity:
    """A relation's trust on ``date``: its last change by then, else its stated trust."""
    trust: Quantity = relation.trust
    for change in relation.changes:
        if change.date <= date:
            trust = change.trust
    return trust


def _relation_sites(scenario: Scenario, date: dt.date) -> Iterator[Site]:
    """Trust between two members; fixable only when it never changes (one value to write)."""
    members = _members(scenario)
    for r, relation in enumerate(scenario.relations):
        first, second = relation.between
        if first in members and second in members:
            path = None if relation.changes else ("relations", r)
            value = {"trust": trust_on(relation, date)}
            yield Site(f"relations.{first}.{second}", path, value, ("trust",))


MEASURES = Family("measures", "measures.{id}.{field}", _measure_sites)
TARGET = Family("target", "target.{field}", _target_sites)
THIRD_PARTIES = Family("third_parties", "third_parties.{id}.{field}", _party_sites)
DEMAND = Family("demand", "demand.value_to.{id}", _demand_sites)
ACTORS = Family("actors", "actors.{id}.{field}", _actor_sites)
SIDE_DEALS = Family("side_deals", "side_deals.{id}.{field}", _deal_sites)
ISSUES = Family("private_issues", "private_issues.{id}.{field}", _with_their_deals)
OBSERVATION = Family("observation", "observation.{field}", _observation_sites)
LEVERS = Family("levers", "levers.{id}.{field}", _lever_sites)
RELATIONS = Family("relations", "relations.{id}.{field}", _relation_sites)

TABLE: tuple[Family, ...] = (
    MEASURES,
    TARGET,
    THIRD_PARTIES,
    DEMAND,
    ACTORS,
    SIDE_DEALS,
    OBSERVATION,
    LEVERS,
    RELATIONS,
)
"""Every family of quantities, in the order :func:`quantities` lists them."""


def quantities(scenario: Scenario, date: dt.date) -> Iterator[Found]:
    """Every quantity the model reads on ``date``, in table then scenario order.

    A field left empty (an actor without ``payoffs``, a lever without ``detection``) is listed
    with ``quantity=None``.
    """
    for family in TABLE:
        for site in family.sites(scenario, date):
            for field in site.fields:
                path = None if site.path is None else (*site.path, *field.split("."))
                yield Found(f"{site.key}.{field}", path, _read(site.item, field))


# ---------------------------------------------------------------- drawing
def draw_quantity(
    quantity: Quantity | None,
    streams: KeyedStreams | None,
    key: str,
    runs: int,
    default: float = 0.0,
) -> Array:
    """``runs`` values of a quantity: draws from its keyed stream, or its central value.

    ``None`` (a field left empty) is ``default`` in every run; a plain number, an estimate
    without a distribution, or no streams (the central analysis) give the central value.
    """
    if quantity is None:
        return np.full(runs, default)
    if isinstance(quantity, float | int) or streams is None or quantity.distribution is None:
        return np.full(runs, float(central(quantity)))
    return quantity.distribution.sample(streams(key), runs)


class Draws:
    """The quantities of a scenario on a date, drawn on demand by key."""

    def __init__(
        self, scenario: Scenario, date: dt.date, runs: int, streams: KeyedStreams | None
    ) -> None:
        self.found = {q.key: q.quantity for q in quantities(scenario, date)}
        self.runs = runs
        self.streams = streams

    def __call__(self, key: str, default: float = 0.0) -> Array:
        """The values of ``key`` in every run (``default`` when the model does not read it)."""
        return draw_quantity(self.found.get(key), self.streams, key, self.runs, default)
