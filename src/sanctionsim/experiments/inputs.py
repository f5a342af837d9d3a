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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from sanctionsim.coalition.quantities import DataPath, quantities
from sanctionsim.errors import InputError
from sanctionsim.scenario.schema import Estimate, Quantity, Scenario

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Input:
    """One quantity: where it sits in the scenario's data, and its value (number or estimate)."""

    key: str
    path: DataPath
    quantity: Quantity

    @property
    def uncertain(self) -> bool:
        """True when the quantity carries a distribution."""
        return isinstance(self.quantity, Estimate) and self.quantity.distribution is not None


def all_inputs(scenario: Scenario) -> dict[str, Input]:
    """Every quantity the engine reads on the scenario's start that an input can fix, by key.

    The quantity table (:func:`sanctionsim.coalition.quantities.quantities`) in its order; a
    quantity with no single place to write (a trust that changed before the start) is left out.
    """
    return {
        q.key: Input(q.key, q.path, q.quantity)
        for q in quantities(scenario, scenario.start)
        if q.quantity is not None and q.path is not None
    }


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

    Each distribution computes its own (``ppf``, :mod:`sanctionsim.scenario.distributions`).

    >>> from sanctionsim.scenario.schema import Estimate
    >>> e = Estimate.model_validate({"distribution": {"dist": "uniform", "low": 1, "high": 3}})
    >>> inverse_cdf(e, np.array([0.0, 0.5, 1.0])).tolist()
    [1.0, 2.0, 3.0]
    """
    if estimate.distribution is None:
        raise InputError.single("sensitivity", "input has no distribution")
    return estimate.distribution.ppf(np.clip(np.asarray(u, dtype=float), 0.0, 1.0))
