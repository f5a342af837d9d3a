"""A scenario's uncertain inputs by stable key, fixed values for them, and inverse CDFs.

The keys are the names under which the engine draws each quantity from its own stream
(:class:`sanctionsim.coalition.parameters.KeyedStreams`): ``measures.<id>.pressure``,
``measures.<id>.cost``, ``target.resolve``, ``target.concession_hazard.base``,
``target.delivery.reliable``, ``actors.<id>.payoffs.discount_factor``, ``actors.<id>.trade_share``,
``demand.value_to.<id>``, ``third_parties.<actor>.willingness``, ``private_issues.<id>.value``,
``side_deals.<id>.stages.<stage>.delivery_share``, ``side_deals.<id>.snap_back.widen_by``,
``levers.<id>.amount``, ``observation.detection``, ``relations.<A>.<B>.trust``, ... Experiments use
them to fix a quantity at a value (a parameter grid) and as the inputs of a sensitivity analysis.

Only quantities the engine reads on the scenario's start are listed: measures in force with a
positive level, levers in force, deals already agreed, members' own numbers.

>>> from sanctionsim.scenario.loader import load_scenario
>>> keys = uncertain_inputs(load_scenario("dprk-2014"))
>>> "target.resolve" in keys
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from sanctionsim.errors import InputError
from sanctionsim.scenario.distributions import Beta, LogNormal, Normal, Triangular, Uniform
from sanctionsim.scenario.schema import Estimate, Quantity, Scenario

FloatArray = npt.NDArray[np.float64]
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Input:
    """One quantity: where it sits in the scenario's data, and its value (number or estimate)."""

    key: str
    path: Path
    quantity: Quantity

    @property
    def uncertain(self) -> bool:
        """True when the quantity carries a distribution."""
        return isinstance(self.quantity, Estimate) and self.quantity.distribution is not None


def all_inputs(scenario: Scenario) -> dict[str, Input]:
    """Every quantity the engine reads on the scenario's start, by key (certain or not)."""
    start = scenario.start
    found: dict[str, Input] = {}

    def add(key: str, path: Path, quantity: Quantity | None) -> None:
        if quantity is not None:
            found[key] = Input(key, path, quantity)

    members = {a.id for a in scenario.members}
    for m, measure in enumerate(scenario.measures):
        if measure.level_on(start) <= 0.0:
            continue
        add(f"measures.{measure.id}.pressure", ("measures", m, "pressure"), measure.pressure)
        add(f"measures.{measure.id}.cost", ("measures", m, "cost"), measure.cost)
    target = scenario.target
    for name in ("resolve", "reliable_prior"):
        add(f"target.{name}", ("target", name), getattr(target, name))
    for name in ("base", "maximum", "steepness"):
        add(
            f"target.concession_hazard.{name}",
            ("target", "concession_hazard", name),
            getattr(target.concession_hazard, name),
        )
    for group in ("delivery", "renege"):
        for kind in ("reliable", "opportunist"):
            add(
                f"target.{group}.{kind}",
                ("target", group, kind),
                getattr(getattr(target, group), kind),
            )
    for p, party in enumerate(scenario.third_parties):
        for name in ("substitution_capacity", "willingness", "rent_sensitivity"):
            add(
                f"third_parties.{party.actor}.{name}",
                ("third_parties", p, name),
                getattr(party, name),
            )
    for member, value in scenario.demand.value_to.items():
        if member in members:
            add(f"demand.value_to.{member}", ("demand", "value_to", member), value)
    for a, actor in enumerate(scenario.actors):
        if actor.id not in members:
            continue
        add(f"actors.{actor.id}.trade_share", ("actors", a, "trade_share"), actor.trade_share)
        if actor.payoffs is not None:
            for name in (
                "defection_premium_base",
                "defection_premium_slope",
                "un_breach_cost",
                "discount_factor",
            ):
                add(
                    f"actors.{actor.id}.payoffs.{name}",
                    ("actors", a, "payoffs", name),
                    getattr(actor.payoffs, name),
                )
    issues = {issue.id: i for i, issue in enumerate(scenario.private_issues)}
    for d, deal in enumerate(scenario.side_deals):
        if deal.agreed > start or deal.member not in members:
            continue
        for s, stage in enumerate(deal.stages):
            add(
                f"side_deals.{deal.id}.stages.{stage.id}.delivery_share",
                ("side_deals", d, "stages", s, "delivery_share"),
                stage.delivery_share,
            )
        add(
            f"side_deals.{deal.id}.snap_back.widen_by",
            ("side_deals", d, "snap_back", "widen_by"),
            deal.snap_back.widen_by,
        )
        issue = scenario.private_issues[issues[deal.issue]]
        add(
            f"private_issues.{issue.id}.value",
            ("private_issues", issues[deal.issue], "value"),
            issue.value,
        )
    for name in ("detection", "false_alarm"):
        add(f"observation.{name}", ("observation", name), getattr(scenario.observation, name))
    for v, lever in enumerate(scenario.levers):
        if not lever.in_force or (lever.available_from and lever.available_from > start):
            continue
        add(f"levers.{lever.id}.amount", ("levers", v, "amount"), lever.amount)
        add(f"levers.{lever.id}.detection", ("levers", v, "detection"), lever.detection)
    for r, relation in enumerate(scenario.relations):
        first, second = relation.between
        if first in members and second in members and not relation.changes:
            add(f"relations.{first}.{second}.trust", ("relations", r, "trust"), relation.trust)
    return found


def uncertain_inputs(scenario: Scenario) -> dict[str, Estimate]:
    """The quantities the engine draws (those with a distribution), by key, in scenario order."""
    result: dict[str, Estimate] = {}
    for key, item in all_inputs(scenario).items():
        if item.uncertain and isinstance(item.quantity, Estimate):
            result[key] = item.quantity
    return result


def fix_inputs(scenario: Scenario, values: Mapping[str, float], where: str = "grid") -> Scenario:
    """The scenario with each named quantity fixed at a value in every run (no uncertainty).

    Raises:
        InputError: an unknown key, or a value the quantity does not admit.
    """
    if not values:
        return scenario
    known = all_inputs(scenario)
    data: dict[str, Any] = scenario.model_dump()
    for key, value in values.items():
        if key not in known:
            raise InputError.single(
                where, f"{scenario.id} has no input {key!r} read on its start date", key
            )
        node: Any = data
        path = known[key].path
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = float(value)
    try:
        return Scenario.model_validate(data, strict=False)
    except ValidationError as error:
        first = error.errors()[0]
        raise InputError.single(where, f"invalid value: {first['msg']}", ".".join(values)) from None


def inverse_cdf(estimate: Estimate, u: FloatArray) -> FloatArray:
    """Map points of the unit interval to the estimate's distribution by its inverse CDF.

    normal and lognormal: ``Phi^-1`` of ``u`` rescaled into ``[Phi(a), Phi(b)]`` (truncation to
    the bounds ``a, b``, standardised; log scale for the lognormal); beta: scipy's ``beta.ppf``
    rescaled to ``[low, high]``; triangular: the closed form ``low + sqrt(u (high-low)(mode-low))``
    below ``F(mode)`` and ``high - sqrt((1-u)(high-low)(high-mode))`` above; uniform:
    ``low + u (high - low)``.

    >>> from sanctionsim.scenario.schema import Estimate
    >>> e = Estimate.model_validate({"distribution": {"dist": "uniform", "low": 1, "high": 3}})
    >>> inverse_cdf(e, np.array([0.0, 0.5, 1.0])).tolist()
    [1.0, 2.0, 3.0]
    """
    from scipy import stats

    dist = estimate.distribution
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    if isinstance(dist, Uniform):
        return dist.low + u * (dist.high - dist.low)
    if isinstance(dist, Triangular):
        low, mode, high = dist.low, dist.mode, dist.high
        cut = (mode - low) / (high - low)
        left = low + np.sqrt(u * (high - low) * (mode - low))
        right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
        result: FloatArray = np.where(u < cut, left, right)
        return result
    if isinstance(dist, Beta):
        values: FloatArray = dist.low + (dist.high - dist.low) * stats.beta.ppf(
            u, dist.alpha, dist.beta
        )
        return values
    if isinstance(dist, Normal | LogNormal):
        low, high = dist.bounds()
        if isinstance(dist, Normal):
            centre, scale = dist.mean, dist.sd
            a = -math.inf if math.isinf(low) else (low - centre) / scale
            b = math.inf if math.isinf(high) else (high - centre) / scale
        else:
            centre, scale = math.log(dist.median), dist.sigma
            a = -math.inf if low <= 0 else (math.log(low) - centre) / scale
            b = math.inf if math.isinf(high) else (math.log(high) - centre) / scale
        lo, hi = stats.norm.cdf(a), stats.norm.cdf(b)
        z = stats.norm.ppf(lo + u * (hi - lo))
        # keep the end points finite: the unit cube's corners map to the bounds (or +-8 sd)
        z = np.clip(z, max(a, -8.0), min(b, 8.0))
        x = centre + scale * z
        mapped: FloatArray = np.exp(x) if isinstance(dist, LogNormal) else x
        return np.clip(mapped, low, high)
    raise InputError.single("sensitivity", "input has no distribution")
