"""The engine's set-up: what it reads from a scenario once, before drawing anything.

The forecast starts from the scenario as it stood on ``scenario.start``
(:func:`sanctionsim.scenario.views.as_of`): measures, changes, deals, levers, trust changes and
track-record outcomes dated after the start are history, not input. :func:`prepare` reads the
members and their strategies (the coalition rules of a model version,
:func:`sanctionsim.dynamics.rules.coalition_rules`), the side deals as the engine plays them
(:class:`DealSpec`), trust between members, and the layout of the monthly uniforms
(:class:`Layout`), which depends only on the members, their strategies and the number of side
deals, which no policy changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sanctionsim.coalition.quantities import trust_on
from sanctionsim.dynamics.rules import MODEL, coalition_rules
from sanctionsim.dynamics.strategies import STRATEGIES
from sanctionsim.errors import InputError
from sanctionsim.scenario.schema import Quantity, Scenario, central
from sanctionsim.scenario.views import as_of
from sanctionsim.versions import model_version

if TYPE_CHECKING:
    from sanctionsim.dynamics.calibration import FittedParameters
    from sanctionsim.dynamics.escalation import EscalationInputs
    from sanctionsim.dynamics.kernel_v2 import EpisodeClock
    from sanctionsim.dynamics.leadership import Leadership

MAX_HORIZON = 600


@dataclass(frozen=True)
class DealSpec:
    """A side deal as the engine plays it.

    ``ladder[k]`` is the member's hold fraction once stages ``1..k`` are eased: 1 at the start
    position, 0 fully eased, above 1 before the deal (pre-deal levels). Stage shares come from
    the measures' central pressures; each run's own held and eased pressures scale them.
    """

    id: str
    member: int
    stages: int
    start_stage: int
    lead: int  # 1 when the target moves first on each stage
    ladder: tuple[float, ...]
    snap_back: bool
    widen_by: Quantity
    lag: int


def _deal_specs(scenario: Scenario, member_ids: tuple[str, ...]) -> tuple[DealSpec, ...]:
    specs = []
    seen: set[str] = set()
    for deal in scenario.side_deals:
        if deal.member not in member_ids:
            continue
        if deal.member in seen:
            raise InputError.single(
                scenario.id,
                f"{deal.member} has more than one side deal; the engine plays one per member",
                path="side_deals",
            )
        seen.add(deal.member)
        before = deal.agreed - dt.timedelta(days=1)
        start = scenario.start
        # in stage order, not a set: sums below must not depend on the string hash seed
        measures = list(dict.fromkeys(e.measure for s in deal.stages for e in s.member_eases))
        pressure = {m: central(scenario.measure(m).pressure) for m in measures}
        pre = {m: scenario.measure(m).level_on(before) for m in measures}
        now = {m: scenario.measure(m).level_on(start) for m in measures}
        final = dict(pre)
        for stage in deal.stages:
            for e in stage.member_eases:
                final[e.measure] = min(final[e.measure], e.to_level)
        held = sum(now[m] * pressure[m] for m in measures)
        eased = sum(min(now[m], final[m]) * pressure[m] for m in measures)
        levels = dict(pre)
        ladder = []
        start_stage = 0
        counting = True
        for k in range(len(deal.stages) + 1):
            if k > 0:
                stage = deal.stages[k - 1]
                for e in stage.member_eases:
                    levels[e.measure] = min(levels[e.measure], e.to_level)
                done = all(now[e.measure] <= e.to_level + 1e-12 for e in stage.member_eases)
                if counting and done:
                    start_stage = k
                else:
                    counting = False
            value = sum(levels[m] * pressure[m] for m in measures)
            ladder.append((value - eased) / (held - eased) if held > eased else 1.0)
        specs.append(
            DealSpec(
                id=deal.id,
                member=member_ids.index(deal.member),
                stages=len(deal.stages),
                start_stage=start_stage,
                lead=1 if deal.first_mover == "target" else 0,
                ladder=tuple(ladder),
                snap_back=deal.snap_back.on_renege,
                widen_by=deal.snap_back.widen_by,
                lag=deal.snap_back.lag_months,
            )
        )
    return tuple(specs)


@dataclass(frozen=True)
class Layout:
    """Columns of the monthly uniform matrix (fixed size, so every block draws the same count).

    ``concede``; per deal ``deal + 0`` (the target's move), ``+1..N`` (share with each member),
    ``+N+1..2N`` (report noise per member); ``direct`` N x N (observer, actor); ``share`` N x N
    (from, to); one column per member playing a stochastic classic strategy.
    """

    members: int
    deals: int
    stochastic: tuple[int, ...]

    @property
    def concede(self) -> int:
        return 0

    def deal(self, d: int) -> int:
        """First column of deal ``d``."""
        return 1 + d * (1 + 2 * self.members)

    @property
    def direct(self) -> int:
        return 1 + self.deals * (1 + 2 * self.members)

    @property
    def share(self) -> int:
        return self.direct + self.members * self.members

    def classic(self, member: int) -> int:
        """The column of a stochastic classic strategy played by ``member``."""
        return self.share + self.members * self.members + self.stochastic.index(member)

    @property
    def width(self) -> int:
        return self.share + self.members * self.members + len(self.stochastic)


@dataclass(frozen=True)
class Setup:
    """What the engine reads from a scenario once: members, rules, deals, relations."""

    model: str  # the model version whose coalition rules the members play
    scenario: Scenario  # as of its start date
    member_ids: tuple[str, ...]
    strategies: tuple[str, ...]
    leader: int | None
    deals: tuple[DealSpec, ...]
    relations: tuple[tuple[int, int, Quantity], ...]
    layout: Layout
    clock: EpisodeClock | None = None  # model v2's reading of the episode (None in v1)
    leadership: Leadership | None = None  # model v2-elite's reading of the target's inside
    escalation: EscalationInputs | None = None  # v2-escalation's (None: no provocation read)

    @property
    def followers(self) -> list[bool]:
        """Which members play conditional cooperation (those who answer an easing they see)."""
        return [name == "conditional_cooperation" for name in self.strategies]


def _episode_clock(
    scenario: Scenario,
    member_ids: tuple[str, ...],
    choice: FittedParameters,
    omega: float,
    model: str,
    leader: int | None,
) -> EpisodeClock:
    """Model v2's reading of the episode on the start: group, age, renewals, commitment, and
    what ``model``'s design reads besides (v2e's persistent shock, the leader v2j leaves out of the
    ranking or v2k weighs, v2l's share of aid and diplomatic measures, whether v2m's episode
    answers a coup, whether v2n's starts in the Cold War, where χ does not act, which senders
    v2o reads as bound to the target by a defence treaty, whether v2p's tie acts, and how long ago
    each member imposed its measures, which v2r and v2s read, and whether the weight is
    one-sided, v2s's)."""
    import numpy as np

    from sanctionsim.coalition.commitment import discretionary_share, institutional_commitment
    from sanctionsim.dynamics.choice import INCLINATION_SCALE
    from sanctionsim.dynamics.epochs import renewal_calendar
    from sanctionsim.dynamics.kernel_v2 import EpisodeClock
    from sanctionsim.scenario.episode import (
        allied_with_target,
        answers_coup,
        episode_age_months,
        episode_group,
        measure_age_months,
        starts_in_cold_war,
    )

    calendar = renewal_calendar(scenario, member_ids, MAX_HORIZON + 1)
    calendar.setflags(write=False)
    commitment = np.asarray(institutional_commitment(scenario, member_ids))
    version = model_version(model)
    cold_war = version.era_read and starts_in_cold_war(scenario)
    return EpisodeClock(
        group=episode_group(scenario),
        age_months=round(episode_age_months(scenario), 6),
        renewal=calendar,
        commitment=commitment,
        choice=choice,
        omega=omega,
        inclination_scale=INCLINATION_SCALE if version.persistent_inclination else 0.0,
        unranked=None if version.leader_ranked else leader,
        weighted=leader if version.leader_weighted else None,
        discretion=discretionary_share(scenario, member_ids) if version.discretion_read else None,
        answers_coup=version.coup_scaled and not cold_war and answers_coup(scenario),
        cold_war=cold_war,
        allied=(
            np.asarray(allied_with_target(scenario, member_ids), dtype=float)
            if version.alliance_read
            else None
        ),
        tie_acts=cold_war or not version.tie_in_cold_war_only,
        measure_age=(
            np.asarray(measure_age_months(scenario, member_ids), dtype=float)
            if version.resolve_revealed
            else None
        ),
        resolve_one_sided=version.resolve_one_sided,
    )


def prepare(
    scenario: Scenario,
    model: str = MODEL,
    *,
    choice: FittedParameters | None = None,
    omega: float | None = None,
) -> Setup:
    """Read the scenario on its start date for model version ``model``.

    Model v2 also reads the episode's clock (:class:`~sanctionsim.dynamics.kernel_v2.EpisodeClock`)
    and plays ``choice`` (λ and α) with epoch rate ``omega``; both default to the shipped
    calibration's (:func:`~sanctionsim.dynamics.calibration.load_calibration`). v1 reads neither.
    Model v2-elite also reads the target's inside
    (:func:`~sanctionsim.dynamics.leadership.leadership_on`).
    ``v2-escalation`` also reads the provocations and possible measures
    (:func:`~sanctionsim.dynamics.escalation.read_escalation`).

    Raises:
        InputError: an unknown model version (naming ``model``), no coalition member, a member
            with two side deals, or a strategy the model version does not play.
    """
    rules = coalition_rules(model)
    start = as_of(scenario, scenario.start)
    members = start.members
    if not members:
        raise InputError.single(scenario.id, "no coalition members (leader or member) to simulate")
    member_ids = tuple(a.id for a in members)
    strategies = tuple(a.strategy for a in members)
    deals = _deal_specs(start, member_ids)
    for name in strategies:
        if name not in rules and name not in STRATEGIES:  # the schema admits no other name
            raise InputError.single(scenario.id, f"model {model} plays no strategy {name!r}")
    relations = []
    for relation in start.relations:
        first, second = relation.between
        if first in member_ids and second in member_ids:
            trust = trust_on(relation, scenario.start)
            relations.append((member_ids.index(first), member_ids.index(second), trust))
    stochastic = tuple(
        i for i, s in enumerate(strategies) if s in STRATEGIES and STRATEGIES[s].metadata.stochastic
    )
    leader = next((i for i, a in enumerate(members) if a.role == "leader"), None)
    clock = None
    if model_version(model).calibrated:
        if choice is None or omega is None:
            from sanctionsim.dynamics.calibration import load_calibration

            shipped = load_calibration(model=model)
            choice = shipped.fitted if choice is None else choice
            omega = shipped.omega if omega is None else omega
        clock = _episode_clock(start, member_ids, choice, omega, model, leader)
    leadership = None
    if model_version(model).leadership:
        from sanctionsim.dynamics.leadership import leadership_on

        leadership = leadership_on(start, member_ids, scenario.start)
    escalation = None
    if model_version(model).escalation:
        from sanctionsim.dynamics.escalation import read_escalation

        escalation = read_escalation(start, member_ids)
    return Setup(
        model=model,
        scenario=start,
        member_ids=member_ids,
        strategies=strategies,
        leader=leader,
        deals=deals,
        relations=tuple(relations),
        layout=Layout(len(member_ids), len(deals), stochastic),
        clock=clock,
        leadership=leadership,
        escalation=escalation,
    )
