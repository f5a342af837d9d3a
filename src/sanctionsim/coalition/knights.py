"""Third parties read as black knights (model v2-knights; docs/model-v2.md, "Mechanism: black
knights and counter-blocs"): their stance on the date, political busting, support and
counter-blocs, as the arrays :func:`~sanctionsim.coalition.payoffs.leakage` reads.

Early 2015 (*Busted Sanctions*) tells commercial from aid-based and political busting; Hufbauer
et al. 2007 name the black knights. Every other model version reads third parties as
:func:`sanctionsim.coalition.parameters.draw_parameters` always has (commercial busting).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from sanctionsim.coalition.quantities import (
    THIRD_PARTIES,
    Draws,
    bloc_read,
    draw_quantity,
    stance_on,
    support_read,
)
from sanctionsim.scenario.schema import Scenario


def support_key(actor: str, kind: str, since: dt.date, repeat: int = 0) -> str:
    """The stream of a support's ``amount``: named by its giver, kind and start (not by its
    place in the list, which the forecast's view of the start date may shorten)."""
    key = f"third_parties.{actor}.support.{kind}.{since.isoformat()}.amount"
    return key if repeat == 0 else f"{key}.{repeat}"


def shielding_parties(scenario: Scenario, date: dt.date) -> frozenset[str]:
    """The third parties that belong to a counter-bloc in force on ``date`` (model v2-knights,
    K4: they bust at full capacity)."""
    parties = {p.actor for p in scenario.third_parties}
    return frozenset(
        member
        for bloc in scenario.blocs
        if bloc.stance == "counter" and bloc_read(bloc, date)
        for member in bloc.members
        if member in parties
    )


def third_party_supply(scenario: Scenario, date: dt.date, draw: Draws) -> dict[str, Any]:
    """Third parties read as black knights on ``date`` (docs/model-v2.md, "Mechanism: black
    knights and counter-blocs", K1-K4), as the arrays :func:`~sanctionsim.coalition.payoffs.
    leakage` reads: j supplies ``capacity_j * min(1, willingness_j + rent_j * P)`` of the
    sanctioned revenue, and ``support`` of the external revenue whatever P.

    * K1: capacity, willingness and motive are each the last change dated on or before ``date``
      (:func:`~sanctionsim.coalition.quantities.stance_on`), drawn from the field's stream;
    * K2: a political knight's rent sensitivity is 0 (w_j·ρ_j whatever the rents); commercial
      and mixed third parties keep theirs;
    * K4: a member of a counter-bloc in force busts at full willingness (w_j);
    * K3: ``support`` sums the ``amount`` of every support in force on ``date`` (None when no
      amount is read, so that the leakage is exactly the commercial one).

    >>> import datetime as dt
    >>> from sanctionsim.coalition.parameters import central_parameters
    >>> from sanctionsim.scenario.loader import load_scenario
    >>> forms = load_scenario("examples/forms-v2.yaml")
    >>> knight = central_parameters(forms, dt.date(2021, 6, 1), busting="knights")
    >>> knight.willingness.tolist(), knight.rent_sensitivity.tolist(), knight.support.tolist()
    ([[0.5]], [[0.0]], [0.03])
    """
    shields = shielding_parties(scenario, date)
    runs, streams = draw.runs, draw.streams
    capacity, willingness, rent = [], [], []
    supplied = np.zeros(runs)
    read_support = False
    for party in scenario.third_parties:
        stance = stance_on(party, date)
        key = THIRD_PARTIES.key
        capacity_key = key(party.actor, "substitution_capacity")
        capacity.append(draw_quantity(stance.substitution_capacity, streams, capacity_key, runs))
        if party.actor in shields:
            willingness.append(np.ones(runs))
            rent.append(np.zeros(runs))
        else:
            willing_key = key(party.actor, "willingness")
            willingness.append(draw_quantity(stance.willingness, streams, willing_key, runs))
            political = stance.motive == "political"
            rent_key = key(party.actor, "rent_sensitivity")
            rent.append(np.zeros(runs) if political else draw(rent_key))
        seen: dict[tuple[str, dt.date], int] = {}
        for support in party.support:
            repeat = seen.get((support.kind, support.since), 0)
            seen[(support.kind, support.since)] = repeat + 1
            if support.amount is None or not support_read(support, date):
                continue
            stream = support_key(party.actor, support.kind, support.since, repeat)
            supplied = supplied + draw_quantity(support.amount, streams, stream, runs)
            read_support = True
    empty = [np.zeros(runs)]
    return {
        "substitution_capacity": np.column_stack(capacity or empty),
        "willingness": np.column_stack(willingness or empty),
        "rent_sensitivity": np.column_stack(rent or empty),
        "support": supplied if read_support else None,
    }
