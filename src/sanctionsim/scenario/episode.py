"""The episode a scenario belongs to: its age on ``start`` and its large-N group.

Both are read from the scenario as of ``start`` only (never from the record): the evaluation
protocol's clock and grouping (``docs/cases.md``, rules 3 and 5), which model v2 reads too (its
anchored intercept and the target's clock, ``docs/model-v2.md``).

>>> from sanctionsim.scenario.loader import load_scenario
>>> libya = load_scenario("libya-1992")
>>> episode_group(libya), round(episode_age_months(libya), 1)
('io', 0.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from sanctionsim.scenario.schema import Scenario, central

MONTH_DAYS = 365.25 / 12
Group = Literal["io", "multilateral_no_io", "unilateral"]


def measures_in_force(scenario: Scenario) -> list[tuple[str, str, float, float, dt.date]]:
    """(imposer, legal basis, pressure, cost, imposed) of each measure in force on ``start``."""
    result = []
    for measure in scenario.measures:
        level = measure.level_on(scenario.start)
        if level > 0:
            result.append(
                (
                    measure.imposer,
                    measure.legal_basis,
                    level * central(measure.pressure),
                    level * central(measure.cost),
                    measure.imposed,
                )
            )
    return result


def episode_age_months(scenario: Scenario) -> float:
    """Months from the episode's beginning to ``start`` (``episode_began``, else the earliest
    measure in force on ``start``), in months of 365.25/12 days."""
    if scenario.episode_began is not None:
        began = scenario.episode_began.date
    else:
        dates = [imposed for *_, imposed in measures_in_force(scenario)]
        began = min(dates, default=scenario.start)
    return max(0.0, (scenario.start - began).days / MONTH_DAYS)


def measure_age_months(scenario: Scenario, member_ids: Sequence[str]) -> tuple[float, ...]:
    """Per coalition member (in ``member_ids``' order), the months from the earliest ``imposed``
    date of its own measures in force on ``start`` to ``start``: how long ago it chose to act
    (model v2r's a_i on the start, docs/model-v2.md, "v2r", R1). A member with no measure of its
    own in force (one applying an institution's) reads the episode's age.

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> [round(a, 1) for a in measure_age_months(load_scenario("libya-1992"), ["USA"])]
    [0.0]
    """
    earliest: dict[str, dt.date] = {}
    for imposer, *_, imposed in measures_in_force(scenario):
        earliest[imposer] = min(imposed, earliest.get(imposer, imposed))
    fallback = episode_age_months(scenario)
    return tuple(
        max(0.0, (scenario.start - earliest[member]).days / MONTH_DAYS)
        if member in earliest
        else fallback
        for member in member_ids
    )


INSTITUTIONAL_BASES = ("unsc:", "regional:", "ifi:")


def episode_group(scenario: Scenario) -> Group:
    """The large-N group: the file's sourced ``episode_group`` when it gives one; else an
    institution's measure in force on ``start`` (legal basis ``unsc:``, ``regional:`` or
    ``ifi:``) = ``io``; else more than one imposer with a measure in force =
    ``multilateral_no_io``; else ``unilateral`` (pledges and private senders are no institution)."""
    if scenario.episode_group is not None:
        return scenario.episode_group.group
    in_force = measures_in_force(scenario)
    if any(basis.startswith(INSTITUTIONAL_BASES) for _, basis, *_ in in_force):
        return "io"
    return "multilateral_no_io" if len({imposer for imposer, *_ in in_force}) > 1 else "unilateral"


COUP_WINDOW_DAYS = 365
"""How long before ``start`` a coup still makes the episode one that answers it (model v2m,
docs/model-v2.md, "v2m", M1): fixed from the library's gaps between a coup and the first measure,
read without outcomes (all within 230 days; the next, 724 days, answered something else)."""


def answers_coup(scenario: Scenario) -> bool:
    """Whether the episode answers a coup: the target's record holds a provocation of kind
    ``coup`` (a self-coup included) dated on ``start`` or within :data:`COUP_WINDOW_DAYS` before.

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> answers_coup(load_scenario("mali-2012")), answers_coup(load_scenario("libya-1992"))
    (True, False)
    """
    return any(
        provocation.kind == "coup"
        and 0 <= (scenario.start - provocation.date).days <= COUP_WINDOW_DAYS
        for provocation in scenario.target.provocations
    )


COLD_WAR_END = dt.date(1991, 12, 26)
"""The end of the Cold War as model v2n reads it: the Soviet Union's dissolution
(docs/model-v2.md, "v2n", N1), fixed from the literature, not from the library."""


def starts_in_cold_war(scenario: Scenario) -> bool:
    """Whether the episode's ``start`` is before :data:`COLD_WAR_END`.

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> poland, mali = load_scenario("poland-1981"), load_scenario("mali-2012")
    >>> starts_in_cold_war(poland), starts_in_cold_war(mali)
    (True, False)
    """
    return scenario.start < COLD_WAR_END


def allied_with_target(scenario: Scenario, member_ids: Sequence[str]) -> tuple[bool, ...]:
    """Per coalition member (in ``member_ids``' order), whether a defence treaty in force on
    ``start`` binds it to the target (the scenario's ``alliances``, docs/model-v2.md, "v2o", O1;
    a file without the block binds nobody).

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> allied_with_target(load_scenario("turkey-2019"), ["FIN", "USA"])  # NATO binds the US
    (False, True)
    """
    if scenario.alliances is None:
        return tuple(False for _ in member_ids)
    bound = {
        sender
        for alliance in scenario.alliances.with_target
        if alliance.in_force_since <= scenario.start
        for sender in alliance.senders
    }
    return tuple(member in bound for member in member_ids)
