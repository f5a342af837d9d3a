"""Model v2-escalation: the target provokes, the members harden, possible measures are adopted.

docs/model-v2.md, "Mechanism: escalation and provocations", fixes the structure (E1-E4) before
the version was first scored; this module is it, term by term, on model v2's kernel:

* **E1, provocations** (:func:`read_escalation`, :func:`draw_escalation`): the target provokes
  each month, while the episode is in force, with a hazard drawn once per run from the Jeffreys
  posterior of a Poisson rate, Gamma(n + 1/2, rate W), n the provocations recorded in the
  :data:`WINDOW_MONTHS` months up to ``start`` (Jeffreys 1946; Gelman et al. 2013, §2.6, §2.8).
  A case that records no provocation on or before ``start`` has none: the mechanism is off and
  the forecast is v2's, run by run;
* **E2, hardening**: after k provocations every member's value of the concession is
  β_i·(1 + φ·k), φ = :data:`HARDENING`, from the decisions made at the end of the provoking month;
* **E3, escalation**: in a provoking month each open possible measure is adopted with
  probability ρ·max(0, 1 − P_t/v_T) (:func:`adoption_chance`), ρ the case's response share drawn
  from Beta(r + 1/2, n_all − r + 1/2) (r of the n_all provocations recorded by ``start`` had a
  response imposed by then); its pressure joins the fixed pressure from the next month;
* **E4, veto players** (:func:`vetoed`): a possible measure whose veto player is against it on
  ``start`` (the target, a political or supporting third party, a counter-bloc's member) is never
  adopted.

Its random numbers come from new keyed streams only (``target.provocations.rate``,
``target.provocations.response``, ``possible_measures.<id>.pressure`` and the months' stream
``engine.escalation.months``, one uniform for the provocation and one per possible measure each
month, whatever happens), so every other version's draws, and v2-escalation's draws of what v2
reads, are v2's.

>>> from sanctionsim.scenario.loader import load_scenario
>>> from sanctionsim.scenario.views import as_of
>>> sudan = load_scenario("sudan-1996")
>>> inputs = read_escalation(as_of(sudan, sudan.start), tuple(a.id for a in sudan.members))
>>> inputs.window, inputs.recorded, inputs.answered
(1, 1, 1)
>>> round(inputs.mean_rate, 4), inputs.mean_response
(0.025, 0.75)
>>> [(m.id, m.opens, m.vetoed, m.imposer) for m in inputs.measures]
[('unsc-further-measures', 2, False, None)]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sanctionsim.coalition.payoffs import leakage
from sanctionsim.coalition.quantities import bloc_read, draw_quantity, stance_on, support_read
from sanctionsim.dynamics.kernel import EASED_BELOW
from sanctionsim.dynamics.kernel_v2 import KernelV2
from sanctionsim.scenario.months import add_months, span_months

if TYPE_CHECKING:
    import datetime as dt

    from sanctionsim.coalition.parameters import CoalitionParameters, KeyedStreams
    from sanctionsim.dynamics.rules import Rule
    from sanctionsim.dynamics.streams import Uniforms
    from sanctionsim.scenario.schema import PossibleMeasure, Quantity, Scenario

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

WINDOW_MONTHS = 60
"""W: the months up to ``start`` whose recorded provocations set the target's hazard (fixed in
docs/model-v2.md, E1)."""
HARDENING = 0.5
"""φ: each provocation raises every member's β_i by this share of its value on ``start`` (fixed in
docs/model-v2.md, E2; 0.25 and 1 are its sensitivity, never chosen by score)."""
JEFFREYS = 0.5
"""The Jeffreys prior's pseudo-count: Gamma(1/2, 0) for a Poisson rate, Beta(1/2, 1/2) for a
share (Jeffreys 1946; Gelman et al. 2013, §2.8)."""
RATE_KEY = "target.provocations.rate"
RESPONSE_KEY = "target.provocations.response"
MONTHS_KEY = "engine.escalation.months"


@dataclass(frozen=True)
class PossibleSpec:
    """A possible measure as the engine plays it: its pressure, the first month it may be
    adopted (1-based), whether a veto player blocks it, and its imposer's member index (None:
    not a leader or member)."""

    id: str
    pressure: Quantity
    opens: int
    vetoed: bool
    imposer: int | None


@dataclass(frozen=True)
class EscalationInputs:
    """What v2-escalation reads on ``start``: the provocations recorded in the window (``window``)
    and in all (``recorded``), those answered by a measure imposed by ``start`` (``answered``),
    and the possible measures."""

    window: int
    recorded: int
    answered: int
    measures: tuple[PossibleSpec, ...]

    @property
    def mean_rate(self) -> float:
        """The posterior mean of the monthly provocation hazard, (n + 1/2)/W."""
        return (self.window + JEFFREYS) / WINDOW_MONTHS

    @property
    def mean_response(self) -> float:
        """The posterior mean of the response share, (r + 1/2)/(n_all + 1)."""
        return (self.answered + JEFFREYS) / (self.recorded + 2 * JEFFREYS)

    @property
    def width(self) -> int:
        """Columns of the months' uniforms: the provocation, then one per possible measure."""
        return 1 + len(self.measures)


def veto_players(scenario: Scenario, measure: PossibleMeasure) -> list[str]:
    """Its ``veto_players``, else its imposer's decision rule's ``veto`` (none without one)."""
    if measure.veto_players:
        return list(measure.veto_players)
    imposer = next((a for a in scenario.actors if a.id == measure.imposer), None)
    if imposer is None or imposer.decision_rule is None:
        return []
    return list(imposer.decision_rule.veto)


def against(scenario: Scenario, actor: str, date: dt.date) -> bool:
    """Whether ``actor``'s stance on ``date`` is against the sanctions (E4): the target; a third
    party political on the date or giving support in force on it; a counter-bloc's member."""
    if actor == scenario.target.actor:
        return True
    for party in scenario.third_parties:
        if party.actor != actor:
            continue
        if stance_on(party, date).motive == "political":
            return True
        if any(support_read(s, date) for s in party.support):
            return True
    return any(
        bloc.stance == "counter" and bloc_read(bloc, date) and actor in bloc.members
        for bloc in scenario.blocs
    )


def vetoed(scenario: Scenario, measure: PossibleMeasure, date: dt.date) -> bool:
    """Whether a veto player of ``measure`` is against it on ``date`` (it is then never adopted).

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> fiji = load_scenario("fiji-2006")  # the Forum's suspension needs Fiji's assent
    >>> [(m.id, vetoed(fiji, m, fiji.start)) for m in fiji.possible_measures]
    [('eu-article96', False), ('pif-suspension', True)]
    """
    return any(against(scenario, player, date) for player in veto_players(scenario, measure))


def opening_month(start: dt.date, available: dt.date | None) -> int:
    """The first month t (1-based) whose last day, ``start`` plus t months, is on or after
    ``available`` (1 when it is absent or not after ``start``).

    >>> import datetime as dt
    >>> opening_month(dt.date(1996, 5, 10), dt.date(1996, 7, 9))
    2
    >>> opening_month(dt.date(1996, 5, 10), dt.date(1996, 7, 11)), opening_month(
    ...     dt.date(1996, 5, 10), None)
    (3, 1)
    """
    if available is None or available <= start:
        return 1
    month = span_months(start, available)
    return month if add_months(start, month) >= available else month + 1


def read_escalation(scenario: Scenario, member_ids: Sequence[str]) -> EscalationInputs | None:
    """E1, E3 and E4's inputs from ``scenario`` on its ``start`` (None: no provocation recorded
    on or before it, the mechanism off).

    Provocations dated after ``start`` are history; a response counts when it names a measure
    imposed on or before ``start`` (a later one, or a possible measure, does not)."""
    start = scenario.start
    recorded = [p for p in scenario.target.provocations if p.date <= start]
    if not recorded:
        return None
    first = add_months(start, -WINDOW_MONTHS)
    window = sum(1 for p in recorded if p.date > first)
    imposed = {m.id for m in scenario.measures if m.imposed <= start}
    answered = sum(1 for p in recorded if any(r in imposed for r in p.responses))
    measures = tuple(
        PossibleSpec(
            id=m.id,
            pressure=m.pressure,
            opens=opening_month(start, m.available_from),
            vetoed=vetoed(scenario, m, start),
            imposer=list(member_ids).index(m.imposer) if m.imposer in member_ids else None,
        )
        for m in scenario.possible_measures
    )
    return EscalationInputs(window, len(recorded), answered, measures)


def pressure_key(measure: str) -> str:
    """The stream of a possible measure's pressure."""
    return f"possible_measures.{measure}.pressure"


@dataclass(frozen=True)
class EscalationDraws:
    """A block's (or a chunk's) per-run draws: the provocation hazard π_T, the response share ρ,
    each possible measure's pressure ``(runs, M)``, and the months' streams."""

    rate: FloatArray
    response: FloatArray
    pressure: FloatArray
    months: tuple[np.random.Generator, ...]

    @staticmethod
    def concat(parts: Sequence[EscalationDraws]) -> EscalationDraws:
        """Several blocks' draws, runs in order."""
        return EscalationDraws(
            np.concatenate([p.rate for p in parts]),
            np.concatenate([p.response for p in parts]),
            np.concatenate([p.pressure for p in parts]),
            tuple(g for p in parts for g in p.months),
        )


def draw_escalation(inputs: EscalationInputs, streams: KeyedStreams, runs: int) -> EscalationDraws:
    """One block's draws, each from its own keyed stream (E1, E3)."""
    rate = streams(RATE_KEY).gamma(inputs.window + JEFFREYS, 1.0 / WINDOW_MONTHS, runs)
    unanswered = inputs.recorded - inputs.answered
    response = streams(RESPONSE_KEY).beta(inputs.answered + JEFFREYS, unanswered + JEFFREYS, runs)
    columns = [
        draw_quantity(m.pressure, streams, pressure_key(m.id), runs) for m in inputs.measures
    ]
    pressure = np.column_stack(columns) if columns else np.zeros((runs, 0))
    return EscalationDraws(rate, response, pressure, (streams(MONTHS_KEY),))


def adoption_chance(response: FloatArray, pressure: FloatArray, resolve: FloatArray) -> FloatArray:
    """ρ·max(0, 1 − P/v_T): the chance a provocation brings an open measure in (E3); 0 where the
    resolve is not positive.

    >>> import numpy as np
    >>> adoption_chance(np.array([0.75, 0.75, 0.5]), np.array([0.1, 0.5, 0.0]),
    ...                 np.array([0.4, 0.4, 0.0])).tolist()
    [0.5625, 0.0, 0.0]
    """
    safe = np.where(resolve > 0.0, resolve, 1.0)
    shortfall = np.where(resolve > 0.0, np.clip(1.0 - pressure / safe, 0.0, 1.0), 0.0)
    result: FloatArray = response * shortfall
    return result


def writable(params: CoalitionParameters) -> CoalitionParameters:
    """``params`` with its own copies of the two arrays the mechanism moves during a run (the
    fixed pressure and β), so that nothing else holding the draws sees them move."""
    return dataclasses.replace(
        params,
        fixed_pressure=params.fixed_pressure.copy(),
        concession_value=params.concession_value.copy(),
    )


class EscalationKernel(KernelV2):
    """Model v2's month with E1-E4 at its end: the target provokes, members harden, possible
    measures are adopted, before the members choose next month's levels.

    The chunk's parameters (``params``, shared with the members' rules) must be
    :func:`writable`: the kernel moves their fixed pressure and β in place, so that the rules'
    payoffs see the adopted pressure and the hardened values."""

    def __init__(
        self,
        rules: Sequence[Rule],
        uniforms: Uniforms,
        *,
        escalation: EscalationInputs,
        draws: EscalationDraws,
        months: Uniforms,
        **v2: Any,
    ) -> None:
        super().__init__(rules, uniforms, **v2)
        self.inputs = escalation
        self.draws = draws
        self.escalation_uniforms = months
        self.start_value = self.params.concession_value.copy()
        self.provocations = np.zeros(self.runs)  # k: provocations so far, per run
        self.adopted = np.zeros((self.runs, len(escalation.measures)), dtype=np.bool_)
        self.eu = np.zeros((self.runs, escalation.width))

    def draw_month(self) -> FloatArray:
        """This month's uniforms: the mechanism's own matrix, then v2's and v1's."""
        self.eu = self.escalation_uniforms.draw()
        return super().draw_month()

    def decide(self, seen_holding: BoolArray, payoff: FloatArray) -> list[npt.NDArray[np.int8]]:
        """E1-E4 at the end of the month, then v2's choices for next month."""
        self.escalate()
        return super().decide(seen_holding, payoff)

    def escalate(self) -> None:
        """The month's provocations, hardening and adoptions (runs still in force only)."""
        params = self.params
        gross = self.gross_pressure()
        net = gross * (1.0 - leakage(params, gross))
        provoked = self.alive & (self.eu[:, 0] < self.draws.rate)
        chance = adoption_chance(self.draws.response, net, params.resolve)
        fixed = params.fixed_pressure
        for m, spec in enumerate(self.inputs.measures):
            if spec.vetoed or self.t < spec.opens:
                continue
            open_ = provoked & ~self.adopted[:, m]
            if spec.imposer is not None:
                open_ &= self.frac[:, spec.imposer] >= EASED_BELOW
            adopt = open_ & (self.eu[:, 1 + m] < chance)
            self.adopted[:, m] |= adopt
            fixed += np.where(adopt, self.draws.pressure[:, m], 0.0)
        self.provocations += provoked
        params.concession_value[:] = self.start_value * (
            1.0 + HARDENING * self.provocations[:, None]
        )
