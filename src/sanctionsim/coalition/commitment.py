"""What backing down costs a member: model v2's one-off cost of easing (docs/model-v2.md, item 3).

A sender that lifts its measures without the target's concession pays at home and in its later
coercion (audience costs: Fearon 1994, *APSR* 88(3); Tomz 2007, *IO* 61(4); reputation: Peterson
2013, *ISQ* 57(4)), and more when it committed through an institution (Martin 1993, *World
Politics* 45(3)). Model v2 charges a member a one-off

    A_i = α · β_i · (1 + γ_i)

in the month it eases, where β_i is the value it puts on the concession, α the one fitted scale
(docs/model-v2.md: log-uniform prior on [0.001, 0.1]) and γ_i its **institutional commitment**:
the pressure-weighted mean, over the member's own measures in force on the date, of a weight by
legal basis (:data:`BASIS_WEIGHT`: regional organisations 1, the Security Council 0.5, since the
UN does not stop its members from busting where smaller institutions do, Early & Spice 2015,
*Foreign Policy Analysis* 11(3); IFIs 1; unilateral measures, pledges and private senders 0),
plus :data:`LOCK_IN_WEIGHT` for a measure only a statute or treaty can lift. These weights are
fixed in the design note, never fitted.

>>> from sanctionsim.scenario.loader import load_scenario
>>> russia = load_scenario("russia-2014")
>>> commitment = institutional_commitment(russia, ("USA", "DEU"))
>>> [round(float(c), 2) for c in commitment]
[0.0, 1.0]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sanctionsim.scenario.schema import Measure, Scenario, central

FloatArray = npt.NDArray[np.float64]

BASIS_WEIGHT = {"regional": 1.0, "unsc": 0.5, "ifi": 1.0}
"""γ by legal basis prefix (docs/model-v2.md); any other basis weighs 0."""
LOCK_IN_WEIGHT = 1.0
"""Added for a measure whose lifting needs a statute, treaty or resolution (``lock_in``)."""
LOCKED_BY = ("statute", "treaty", "unsc_resolution", "constitution")


def basis_weight(measure: Measure) -> float:
    """The commitment weight of one measure: its legal basis, plus a statutory lock-in."""
    prefix = measure.legal_basis.split(":", 1)[0]
    weight = BASIS_WEIGHT.get(prefix, 0.0)
    if measure.lock_in is not None and measure.lock_in.by in LOCKED_BY:
        weight += LOCK_IN_WEIGHT
    return weight


def institutional_commitment(
    scenario: Scenario, member_ids: Sequence[str], date: dt.date | None = None
) -> FloatArray:
    """γ_i per member: the pressure-weighted commitment of its own measures in force on ``date``
    (default the start); a member with no pressure of its own gets the plain mean, or 0."""
    on = scenario.start if date is None else date
    result = np.zeros(len(member_ids))
    for i, member in enumerate(member_ids):
        own = [m for m in scenario.measures if m.imposer == member and m.level_on(on) > 0]
        weights = np.array([m.level_on(on) * central(m.pressure) for m in own])
        values = np.array([basis_weight(m) for m in own])
        if own and weights.sum() > 0:
            result[i] = float(np.average(values, weights=weights))
        elif own:
            result[i] = float(values.mean())
    return result


DISCRETIONARY_KINDS = frozenset({"aid", "diplomatic"})
"""The kinds of measure model v2l reads as lifted at the executive's discretion: the sender's own
outlay and its own contacts, restricting no commerce of its firms (docs/model-v2.md, "v2l", L1)."""


def discretionary_share(
    scenario: Scenario, member_ids: Sequence[str], date: dt.date | None = None
) -> FloatArray:
    """d_i per member: the share of its own measures in force on ``date`` (default the start)
    whose kind is aid or diplomatic, counted, not weighed by pressure (a diplomatic measure
    denies no revenue); 0 for a member holding none (model v2l, L1).

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> [float(d) for d in discretionary_share(load_scenario("fiji-1987"), ("AUS", "NZL", "IND"))]
    [0.5, 1.0, 0.0]
    """
    on = scenario.start if date is None else date
    result = np.zeros(len(member_ids))
    for i, member in enumerate(member_ids):
        kinds = [m.kind for m in scenario.measures if m.imposer == member and m.level_on(on) > 0]
        if kinds:
            result[i] = sum(kind in DISCRETIONARY_KINDS for kind in kinds) / len(kinds)
    return result


def backing_down_cost(
    alpha: float | FloatArray, concession_value: FloatArray, commitment: FloatArray
) -> FloatArray:
    """A_i = α·β_i·(1 + γ_i), one array entry per run and member.

    Raises:
        ValueError: a negative ``alpha``.

    >>> backing_down_cost(0.01, np.array([[10.0, 4.0]]), np.array([0.0, 1.0])).tolist()
    [[0.1, 0.08]]
    """
    if np.any(np.asarray(alpha) < 0):
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    return np.asarray(alpha) * concession_value * (1.0 + commitment)
