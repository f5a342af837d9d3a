"""The target's inside in model ``v2-elite``: its leader may leave office, the successor's resolve
is redrawn, and elite measures and exit guarantees raise the chance that the leader goes
(docs/model-v2.md, "Mechanism: leadership change and elite pressure", L1-L4 and E).

* **L1, the leader on the date.** The last ``target.leaders`` entry whose ``since`` is on or
  before the forecast's date; its tenure on the date in months of 365.25/12 days. Entries dated
  after the date are history and are not read.
* **L2, the exit hazard.** Leaders' tenure is a Weibull of median :data:`TENURE_MEDIAN_MONTHS`
  and shape :data:`TENURE_SHAPE` (Márquez 2012 on Cheibub, Gandhi & Vreeland's DD data,
  1946-2008; the hazard falls with time in office, Bienen & van de Walle 1991). A leader with
  tenure τ at the start of a month leaves in it with probability
  1 − exp(−φ·[((τ + 1)/λ)^k − (τ/λ)^k]) (:func:`exit_probability`).
* **L3, the successor.** Its resolve is a new draw from the target's ``resolve`` as the file
  states it (:func:`successor_resolve`), its tenure starts at 0; nothing else of the target
  changes, and the episode goes on.
* **L4, exit guarantees** in force on the date, offered to the leader then in office, multiply
  that leader's hazard by :data:`GUARANTEE_FACTOR`; a guarantee lapses with that leader.
* **E, elite pressure.** While a measure of channel ``elite`` or ``status`` bearing on the target
  is in force (an imposer outside the coalition: always; a member's: while the member holds
  something, its hold fraction above 0), the hazard is multiplied by :data:`ELITE_FACTOR`.

Its random numbers come from a new child stream per block (``engine.elite.months``): every month
one ``(runs, 2)`` matrix, the exit uniform and the successor's resolve quantile. Every stream the
other versions draw is drawn as before.

>>> round(TENURE_SCALE, 1)
136.9
>>> [round(float(p), 4) for p in exit_probability(np.array([0.0, 120.0]), np.array([1.0, 2.0]))]
[0.0247, 0.0112]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sanctionsim.dynamics.kernel_v2 import KernelV2
from sanctionsim.scenario.episode import MONTH_DAYS
from sanctionsim.scenario.schema import central

if TYPE_CHECKING:
    from sanctionsim.dynamics.rules import Rule
    from sanctionsim.dynamics.streams import Uniforms
    from sanctionsim.scenario.schema import Leadership as LeaderEntry
    from sanctionsim.scenario.schema import Quantity, Scenario

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

TENURE_MEDIAN_MONTHS = 84.0
"""Median tenure of an autocrat, months: "a bit less than 7" years (Márquez 2012, on Cheibub,
Gandhi & Vreeland's DD data of effective heads of government, 1946-2008)."""
TENURE_SHAPE = 0.75
"""Weibull shape of tenure: under half of all leaders last 4 years, under 10% 20 years (same
source), S(48) = 0.5 and S(240) = 0.1, k = ln(ln 10/ln 2)/ln 5 = 0.746."""
TENURE_SCALE = TENURE_MEDIAN_MONTHS / math.log(2.0) ** (1.0 / TENURE_SHAPE)
"""λ_L, months: the scale that puts the Weibull's median at :data:`TENURE_MEDIAN_MONTHS`."""
ELITE_FACTOR = 2.0
"""φ_E: the exit hazard's multiplier while elite or status measures are in force (fixed in
docs/model-v2.md; the sign from Marinov 2005 and Escribà-Folch & Wright 2010, not the size)."""
GUARANTEE_FACTOR = 2.0
"""φ_X: the multiplier while an exit guarantee stands (fixed in docs/model-v2.md; the sign from
Escribà-Folch & Krcmaric 2017, not the size)."""
ELITE_CHANNELS = frozenset({"elite", "status"})
"""The channels that press on the regime's elite (visa bans, asset freezes; suspension,
non-recognition, isolation)."""
RESOLVE_KEY = "target.resolve"
"""The scenario quantity a successor's resolve is drawn from."""


@dataclass(frozen=True)
class Leadership:
    """What model ``v2-elite`` reads of the target's inside on the date (L1, L4, E).

    ``tenure`` is the leader in office's months in office on the date (None: the file names no
    leader in office, and nothing of this mechanism acts); ``guarantee`` whether an exit
    guarantee offered to that leader stands; ``elite_fixed`` whether an actor outside the
    coalition imposes an elite or status measure in force; ``elite_members`` per member (in
    ``member_ids`` order), whether it does; ``resolve`` the target's resolve as the file states
    it (the successor's draw).
    """

    leader: str | None
    tenure: float | None
    guarantee: bool
    elite_fixed: bool
    elite_members: tuple[bool, ...]
    resolve: Quantity


def leader_in_office(scenario: Scenario, date: dt.date) -> LeaderEntry | None:
    """The ``target.leaders`` entry in office on ``date``: the latest ``since`` on or before it
    (ties: the later entry in the file); None when none is dated by then (L1)."""
    current = None
    for entry in scenario.target.leaders:
        if entry.since <= date and (current is None or entry.since >= current.since):
            current = entry
    return current


def bears_on_elite(scenario: Scenario, measure: Any) -> bool:
    """Whether ``measure`` presses on the target's elite: channel ``elite`` or ``status``, and
    bearing on the target (``on`` empty or the target's actor), E."""
    return bool(
        measure.channel in ELITE_CHANNELS
        and (measure.on is None or measure.on == scenario.target.actor)
    )


def leadership_on(scenario: Scenario, member_ids: Sequence[str], date: dt.date) -> Leadership:
    """The target's inside on ``date`` as model ``v2-elite`` reads it (only facts dated on or
    before ``date``: a later leader, guarantee or measure is history).

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> niger = load_scenario("niger-2023")
    >>> inside = leadership_on(niger, ("ECW",), niger.start)
    >>> inside.leader, round(inside.tenure or 0.0, 3), inside.guarantee, inside.elite_members
    ('Gen. Abdourahamane Tiani', 0.066, False, (True,))
    >>> leadership_on(niger, ("ECW",), dt.date(2023, 7, 27)).leader  # before the coup
    'Mohamed Bazoum'
    """
    leader = leader_in_office(scenario, date)
    tenure = None if leader is None else (date - leader.since).days / MONTH_DAYS
    guarantee = leader is not None and any(
        leader.since <= offer.offered <= date and (offer.until is None or offer.until > date)
        for offer in scenario.target.exit_guarantees
    )
    members = dict.fromkeys(member_ids, False)
    fixed = False
    for measure in scenario.measures:
        if measure.level_on(date) <= 0.0 or not bears_on_elite(scenario, measure):
            continue
        if measure.imposer in members:
            members[measure.imposer] = True
        else:
            fixed = True
    return Leadership(
        leader=None if leader is None else leader.name,
        tenure=tenure,
        guarantee=guarantee,
        elite_fixed=fixed,
        elite_members=tuple(members.values()),
        resolve=scenario.target.resolve,
    )


def exit_probability(tenure: FloatArray, factor: FloatArray) -> FloatArray:
    """The chance that a leader with ``tenure`` months in office at a month's start leaves in
    that month, its hazard multiplied by ``factor`` (L2):
    1 − exp(−φ·[((τ + 1)/λ)^k − (τ/λ)^k])."""
    before = (tenure / TENURE_SCALE) ** TENURE_SHAPE
    after = ((tenure + 1.0) / TENURE_SCALE) ** TENURE_SHAPE
    result: FloatArray = -np.expm1(-factor * (after - before))
    return result


def successor_resolve(resolve: Quantity, quantile: FloatArray) -> FloatArray:
    """A successor's resolve at ``quantile`` of the target's resolve as the file states it: its
    distribution's inverse CDF, or the plain number itself (L3)."""
    if isinstance(resolve, float | int) or resolve.distribution is None:
        return np.full(quantile.shape, float(central(resolve)))
    return resolve.distribution.ppf(quantile)


class KernelElite(KernelV2):
    """Model v2's month with the target's leader liable to leave office (module docstring).

    At the start of each month, before the target moves, the leader in office leaves with its
    exit probability in every run still in force; a successor's resolve is written into the
    chunk's parameters, which the kernel and the members' rules share, so the month's concession
    hazard and the members' payoffs read it from that month on.
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        uniforms: Uniforms,
        *,
        elite: Uniforms,
        leadership: Leadership,
        **v2: Any,
    ) -> None:
        """Model v2's kernel on ``v2`` (its own and v1's arguments), plus the elite stream's
        uniforms and what was read of the target's inside on the start."""
        super().__init__(rules, uniforms, **v2)
        self.elite = elite
        self.leadership = leadership
        named = leadership.tenure is not None
        self.in_office = np.full(self.runs, named)
        self.tenure = np.full(self.runs, leadership.tenure or 0.0)
        self.guaranteed = np.full(self.runs, named and leadership.guarantee)
        self.elite_members = np.asarray(leadership.elite_members, dtype=np.bool_)
        self.exits = np.zeros(self.runs, dtype=np.int16)  # leaders gone, per run

    def elite_pressure(self) -> BoolArray:
        """Runs where an elite or status measure bearing on the target is in force this month."""
        held: BoolArray = np.any(self.frac[:, self.elite_members] > 0.0, axis=1)
        if self.leadership.elite_fixed:
            return np.ones(self.runs, dtype=np.bool_)
        return held

    def draw_month(self) -> FloatArray:
        """This month's v1 and v2 uniforms; then the elite stream's, and the leader's move."""
        u = super().draw_month()
        draws = self.elite.draw()
        self.succession(draws[:, 0], draws[:, 1])
        return u

    def succession(self, exit_u: FloatArray, quantile: FloatArray) -> None:
        """Leaders leave where ``exit_u`` falls under their exit probability (runs in force);
        their successors' resolve is the target's at ``quantile``, their tenure 0."""
        factor = np.where(self.elite_pressure(), ELITE_FACTOR, 1.0) * np.where(
            self.guaranteed, GUARANTEE_FACTOR, 1.0
        )
        leaves = self.alive & self.in_office & (exit_u < exit_probability(self.tenure, factor))
        if leaves.any():
            self.params.resolve[leaves] = successor_resolve(
                self.leadership.resolve, quantile[leaves]
            )
        self.tenure = np.where(leaves, 0.0, self.tenure + 1.0)
        self.guaranteed = self.guaranteed & ~leaves
        self.exits += leaves
