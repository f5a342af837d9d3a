"""The Monte Carlo engine: ``domain/MODEL.md`` §4, month by month, vectorised over runs.

**Randomness.** Runs are grouped in fixed blocks of :data:`BLOCK` runs. Block ``b`` draws
everything it uses from its own keyed streams, ``SeedSequence(seed, spawn_key=(b, h(key)))``
(:class:`~sanctionsim.coalition.parameters.KeyedStreams`): one stream per uncertain quantity
(:func:`sanctionsim.coalition.parameters.draw_parameters`; ``relations.<A>.<B>.trust``,
``side_deals.<id>.snap_back.widen_by``), one for the target's type (``target.type``) and one for
the months (``engine.months``), from which every month draws one fixed-size matrix of uniforms
(:class:`Layout`). No draw depends on other blocks or on how many blocks are simulated together,
so results are identical whatever the chunk size (a multiple of the block); and no draw depends
on what else the scenario contains, so a policy and its baseline share their random numbers
(common random numbers). The month matrix's layout depends only on the members, their
strategies and the number of side deals, which no policy changes.

**State at the start.** The forecast starts from the scenario as it stood on ``scenario.start``
(:func:`as_of`): measures, changes, deals, levers, trust changes and track-record outcomes dated
after the start are history, not input, and are removed before anything is drawn.

**One month** (:meth:`Kernel.month`), in the order of MODEL §4:

1. the target moves: concedes with hazard h(net pressure); on each side deal with a due stage,
   delivers or reneges by its type (:mod:`sanctionsim.dynamics.target`);
2. members observe each other's levels: an easing member is seen with its detection
   probability q_i, a holding one is wrongly seen easing with the false-alarm probability, and a
   member who saw something shares it with each other member with their trust;
3. members update their belief that the target is reliable (Bayes);
4. payoffs are realised (``coalition.payoffs.member_payoffs``; the leader's penalty is charged
   when the leader detects the easing, side payments in force are paid to holders);
5. members choose next month's levels by their rules (:mod:`sanctionsim.dynamics.rules`);
6. third parties' substitution follows pressure through ``coalition.payoffs.leakage``.

A run stops changing once the target concedes (the episode is over). The kernel also plays the
engine's proof: :func:`play_fixed_game` runs two members with fixed payoffs and no target.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from sanctionsim.coalition.parameters import CoalitionParameters, KeyedStreams, draw_parameters
from sanctionsim.coalition.payoffs import (
    concession_hazard,
    gross_pressure,
    leakage,
    member_payoffs,
)
from sanctionsim.dynamics import target as tgt
from sanctionsim.dynamics.metrics import SimulationResult, Summary, Timing, summarise
from sanctionsim.dynamics.rules import (
    DEFAULT_TRUST,
    EASE,
    HOLD,
    SNAP,
    BestResponse,
    Classic,
    ConditionalCooperation,
    HonouredByBelief,
    Rule,
    StagedReciprocity,
    View,
)
from sanctionsim.dynamics.strategies import STRATEGIES, PDPayoffs
from sanctionsim.errors import InputError
from sanctionsim.scenario.schema import Quantity, Scenario, central

if TYPE_CHECKING:
    from sanctionsim.dynamics.store import ParquetStore

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
Int16Array = npt.NDArray[np.int16]

BLOCK = 1024
"""Runs per random-number block: the unit of reproducibility."""
DEFAULT_CHUNK = 16 * BLOCK
MAX_HORIZON = 600
EASED_BELOW = 1.0 - 1e-9  # a hold fraction below this is an easing


# ---------------------------------------------------------------- the scenario on its start date
def as_of(scenario: Scenario, date: dt.date) -> Scenario:
    """The scenario as it stood on ``date``: every fact dated after it removed.

    Measures imposed later, level changes and liftings after ``date``, deals agreed later, levers
    available later, trust changes after it, track-record outcomes not known by it (undated or
    dated on or after ``date``) and later timeline events.
    """
    measures = []
    for m in scenario.measures:
        if m.imposed > date:
            continue
        changes = [c for c in m.changes if c.date <= date]
        lifted = m.lifted if m.lifted is not None and m.lifted <= date else None
        measures.append(m.model_copy(update={"changes": changes, "lifted": lifted}))
    relations = [
        r.model_copy(update={"changes": [c for c in r.changes if c.date <= date]})
        for r in scenario.relations
    ]
    record = [
        a
        for a in scenario.target.track_record
        if a.outcome_date is not None and a.outcome_date < date
    ]
    return scenario.model_copy(
        update={
            "measures": measures,
            "side_deals": [d for d in scenario.side_deals if d.agreed <= date],
            "levers": [
                lever
                for lever in scenario.levers
                if lever.available_from is None or lever.available_from <= date
            ],
            "relations": relations,
            "target": scenario.target.model_copy(update={"track_record": record}),
            "timeline": [e for e in scenario.timeline if e.date <= date],
        }
    )


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

    scenario: Scenario  # as of its start date
    member_ids: tuple[str, ...]
    strategies: tuple[str, ...]
    leader: int | None
    deals: tuple[DealSpec, ...]
    relations: tuple[tuple[int, int, Quantity], ...]
    layout: Layout


def prepare(scenario: Scenario) -> Setup:
    """Read the scenario on its start date; bad combinations are located input errors."""
    start = as_of(scenario, scenario.start)
    members = start.members
    if not members:
        raise InputError.single(scenario.id, "no coalition members (leader or member) to simulate")
    member_ids = tuple(a.id for a in members)
    strategies = tuple(a.strategy for a in members)
    deals = _deal_specs(start, member_ids)
    relations = []
    for relation in start.relations:
        first, second = relation.between
        if first not in member_ids or second not in member_ids:
            continue
        trust = relation.trust
        for change in relation.changes:  # as_of kept only changes up to the start date
            trust = change.trust
        relations.append((member_ids.index(first), member_ids.index(second), trust))
    stochastic = tuple(
        i for i, s in enumerate(strategies) if s in STRATEGIES and STRATEGIES[s].metadata.stochastic
    )
    leader = next((i for i, a in enumerate(members) if a.role == "leader"), None)
    return Setup(
        scenario=start,
        member_ids=member_ids,
        strategies=strategies,
        leader=leader,
        deals=deals,
        relations=tuple(relations),
        layout=Layout(len(member_ids), len(deals), stochastic),
    )


def _sample(quantity: Quantity, streams: KeyedStreams, key: str, n: int) -> FloatArray:
    if isinstance(quantity, float | int) or quantity.distribution is None:
        return np.full(n, central(quantity))
    return quantity.distribution.sample(streams(key), n)


@dataclass(frozen=True)
class BlockDraws:
    """Everything a block draws before month 1, and its generator for the months."""

    params: CoalitionParameters
    trust: FloatArray  # (n, N, N), symmetric, 1 on the diagonal
    widen: FloatArray  # (n, D) hold-fraction added on snap-back
    reliable: BoolArray
    rng: np.random.Generator


def block_stream(seed: int, block: int) -> np.random.Generator:
    """Block ``block``'s generator: ``SeedSequence(seed, spawn_key=(block,))``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def draw_block(setup: Setup, seed: int, block: int, n: int) -> BlockDraws:
    """Draw block ``block``'s ``n`` runs: parameters, trust, widenings, target types.

    Every quantity draws from its own keyed stream (:class:`KeyedStreams` ``(seed, (block,))``);
    the returned ``rng`` is the block's month stream (key ``engine.months``).
    """
    streams = KeyedStreams(seed, (block,))
    scenario = setup.scenario
    params = draw_parameters(scenario, streams, n, date=scenario.start)
    members = len(setup.member_ids)
    trust = np.full((n, members, members), DEFAULT_TRUST)
    for i, j, quantity in setup.relations:
        pair = f"{setup.member_ids[i]}.{setup.member_ids[j]}"
        value = _sample(quantity, streams, f"relations.{pair}.trust", n)
        trust[:, i, j] = value
        trust[:, j, i] = value
    trust[:, np.arange(members), np.arange(members)] = 1.0
    widen = np.zeros((n, len(setup.deals)))
    for d, deal in enumerate(setup.deals):
        span = params.held_pressure[:, deal.member] - params.eased_pressure[:, deal.member]
        extra = _sample(deal.widen_by, streams, f"side_deals.{deal.id}.snap_back.widen_by", n)
        widen[:, d] = np.where(span > 0, extra / np.where(span > 0, span, 1.0), 0.0)
    reliable = tgt.draw_types(params, streams("target.type").random(n))
    return BlockDraws(params, trust, widen, reliable, streams("engine.months"))


def concat_params(parts: Sequence[CoalitionParameters]) -> CoalitionParameters:
    """The parameters of several blocks, runs concatenated in order."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    changes: dict[str, Any] = {}
    for item in dataclasses.fields(first):
        value = getattr(first, item.name)
        if isinstance(value, np.ndarray) and item.name != "un_level_eased":
            changes[item.name] = np.concatenate([getattr(p, item.name) for p in parts])
    return dataclasses.replace(first, **changes)


class Uniforms:
    """The monthly uniform matrix of a chunk, filled block by block from each block's stream."""

    def __init__(self, streams: Sequence[np.random.Generator], sizes: Sequence[int], width: int):
        self.streams = streams
        self.bounds = np.cumsum([0, *sizes])
        self.values = np.empty((int(self.bounds[-1]), width))

    def draw(self) -> FloatArray:
        """Fill and return this month's ``(runs, width)`` uniforms."""
        for b, stream in enumerate(self.streams):
            lo, hi = self.bounds[b], self.bounds[b + 1]
            self.values[lo:hi] = stream.random((hi - lo, self.values.shape[1]))
        return self.values


class _ColumnSource:
    """A stand-in ``Generator`` for a stochastic classic strategy: its column of the month.

    The strategies draw ``rng.random(n_runs)`` once per move; this hands them their column of the
    block-wise uniforms instead, so they obey the block streams too.
    """

    def __init__(self, uniforms: Uniforms, column: int) -> None:
        self.uniforms = uniforms
        self.column = column

    def random(self, size: int) -> FloatArray:
        values: FloatArray = self.uniforms.values[:size, self.column]
        return values


# ---------------------------------------------------------------- the kernel
@dataclass
class Month:
    """What one month produced, per run (handed to the recorder)."""

    month: int
    gross: FloatArray
    net: FloatArray
    cohesion: FloatArray  # gross pressure over the start's
    frac: FloatArray  # (R, N) hold fractions in force
    conceded: BoolArray  # conceded by the end of this month
    position: Int16Array  # (R, D) stages eased
    delivered: Int16Array  # (R, D) stages delivered
    snapped: BoolArray  # (R, D)
    belief: FloatArray  # (R, N)
    payoff: FloatArray  # (R, N)


class Kernel:
    """The engine's step: one month for every run of a chunk.

    Built either on the coalition model (``params`` given: pressure, hazard, payoffs of MODEL
    §2) or on a fixed two-action game (``game`` given: no target, payoffs ``[P, T, S, R]``),
    which is the engine's proof against the iterated prisoner's dilemma.
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        uniforms: Uniforms,
        *,
        layout: Layout,
        detection: FloatArray,
        false_alarm: FloatArray,
        trust: FloatArray,
        leader: int | None = None,
        params: CoalitionParameters | None = None,
        game: PDPayoffs | None = None,
        deals: Sequence[DealSpec] = (),
        widen: FloatArray | None = None,
        reliable: BoolArray | None = None,
    ) -> None:
        if (params is None) == (game is None):
            raise ValueError("give exactly one of params (coalition) or game (fixed payoffs)")
        self.rules = list(rules)
        self.uniforms = uniforms
        self.layout = layout
        self.runs, self.members = detection.shape
        self.detection = detection
        self.false_alarm = false_alarm
        self.trust = trust
        self.leader = leader
        self.params = params
        self.game = game
        self.deals = list(deals)
        self.t = 0
        runs, n, d = self.runs, self.members, len(self.deals)
        self.alive = np.ones(runs, dtype=np.bool_)
        self.frac = np.ones((runs, n))
        self.position = np.zeros((runs, d), dtype=np.int16)
        self.delivered = np.zeros((runs, d), dtype=np.int16)
        self.reneged_at = np.zeros((runs, d), dtype=np.int16)  # month, 0 = not reneged
        self.snapped = np.zeros((runs, d), dtype=np.bool_)
        self.widen = widen if widen is not None else np.zeros((runs, d))
        for k, deal in enumerate(self.deals):
            self.position[:, k] = deal.start_stage
        self.ladder = [np.asarray(deal.ladder) for deal in self.deals]
        self.staged = {deal.member: k for k, deal in enumerate(self.deals)}
        self.eye = np.eye(n, dtype=np.bool_)
        self.rows = np.arange(runs)
        if params is not None:
            assert reliable is not None
            self.belief = np.repeat(params.reliable_prior[:, None], n, axis=1)
            self.deliver_p, self.renege_p = tgt.move_probabilities(params, reliable)
            self.lik_reliable, self.lik_opportunist = tgt.type_likelihoods(params)
            self.honoured = HonouredByBelief(params)
            # constant over months: computed once
            self.report_reliable = tgt.garbled(self.lik_reliable, false_alarm)
            self.report_opportunist = tgt.garbled(self.lik_opportunist, false_alarm)
            self.expected_penalty = params.expected_penalty()
        else:
            self.belief = np.zeros((runs, n))
            self.table = cast(PDPayoffs, game).table()
        self.gross0 = self.gross_pressure()

    # -- pressure and payoffs ----------------------------------------------------------------
    def gross_pressure(self) -> FloatArray:
        """Coalition pressure before leakage at the levels in force (0 without a target)."""
        if self.params is None:
            return np.zeros(self.runs)
        return gross_pressure(self.params, self.frac)

    def payoffs(self, seen_by_leader: BoolArray) -> FloatArray:
        """Realised payoffs: MODEL §2 with the leader's penalty charged on detection."""
        if self.params is None:
            holds = self.frac >= 0.5
            other = holds[:, ::-1]
            result: FloatArray = self.table[2 * holds + other]
            return result
        p = self.params
        q = self.honoured(self.belief)
        u = member_payoffs(p, self.frac, q)
        easing = np.maximum(0.0, 1.0 - self.frac)
        charged = easing * p.penalty * seen_by_leader
        corrected: FloatArray = u + (1.0 - self.frac) * self.expected_penalty - charged
        return corrected

    # -- one month ---------------------------------------------------------------------------
    def first(self) -> None:
        """Month 0: every member's first action (levels in force in month 1)."""
        self.uniforms.draw()
        self.apply([rule.first() for rule in self.rules])

    def month(self) -> Month:
        """Play the next month and return what it produced."""
        self.t += 1
        u = self.uniforms.draw()
        lay, n = self.layout, self.members
        gross = self.gross_pressure()
        if self.params is not None:
            net = gross * (1.0 - leakage(self.params, gross))
            hazard = concession_hazard(self.params, net)
        else:
            net = gross
            hazard = np.zeros(self.runs)
        alive = self.alive

        # 1. the target moves
        conceded_now = alive & tgt.concedes(u[:, lay.concede], hazard)
        moves = []
        for k, deal in enumerate(self.deals):
            owed = np.minimum(self.position[:, k] + deal.lead, deal.stages)
            due = alive & (self.reneged_at[:, k] == 0) & (self.delivered[:, k] < owed)
            move = tgt.deal_moves(u[:, lay.deal(k)], self.deliver_p, self.renege_p, due)
            self.delivered[:, k] += move == tgt.DELIVER
            self.reneged_at[:, k] = np.where(move == tgt.RENEGE, self.t, self.reneged_at[:, k])
            moves.append((move, due))

        # 2. members observe each other (detection, false alarms, sharing by trust)
        eased = self.frac < EASED_BELOW
        direct_u = u[:, lay.direct : lay.direct + n * n].reshape(self.runs, n, n)
        share_u = u[:, lay.share : lay.share + n * n].reshape(self.runs, n, n)
        chance = np.where(eased, self.detection, self.false_alarm[:, None])  # (R, actor)
        direct = direct_u < chance[:, None, :]  # (R, observer, actor): seen easing
        direct &= ~self.eye  # nobody reports on itself
        shares = share_u < self.trust  # (R, from, to)
        seen_easing = direct.copy()  # (R, observer, actor), then what others pass on
        for k in range(n):
            seen_easing |= direct[:, k, None, :] & shares[:, k, :, None]
        seen_easing[:, self.eye] = eased
        seen_holding = ~seen_easing

        # 3. beliefs about the target's type (Bayes)
        if self.params is not None:
            for k, deal in enumerate(self.deals):
                move, due = moves[k]
                self._update_beliefs(u, k, deal, move, due)

        # 4. payoffs, with the leader's penalty on what it detected
        if self.leader is not None:
            by_leader = seen_easing[:, self.leader, :]
        else:
            by_leader = np.zeros((self.runs, n), dtype=np.bool_)
        payoff = self.payoffs(by_leader)

        self.alive = alive & ~conceded_now
        record = Month(
            month=self.t,
            gross=gross,
            net=net,
            cohesion=gross / np.where(self.gross0 > 0, self.gross0, 1.0),
            frac=self.frac.copy(),
            conceded=~self.alive,
            position=self.position.copy(),
            delivered=self.delivered.copy(),
            snapped=self.snapped.copy(),
            belief=self.belief.copy(),
            payoff=payoff,
        )

        # 5. members choose next month's levels
        actions = [
            rule.next(self.view(i, seen_holding, payoff)) for i, rule in enumerate(self.rules)
        ]
        self.apply(actions)
        return record

    def _update_beliefs(
        self, u: FloatArray, k: int, deal: DealSpec, move: npt.NDArray[np.int8], due: BoolArray
    ) -> None:
        lay, n, m = self.layout, self.members, deal.member
        column = lay.deal(k)
        rows = self.rows
        lr = self.lik_reliable[rows, move]
        lo = self.lik_opportunist[rows, move]
        self.belief[:, m] = np.where(
            due, tgt.bayes_update(self.belief[:, m], lr, lo), self.belief[:, m]
        )
        noise = self.false_alarm
        g_r, g_o = self.report_reliable, self.report_opportunist
        for j in range(n):
            if j == m:
                continue
            told = due & (u[:, column + 1 + j] < self.trust[:, m, j])
            said = tgt.report(move, u[:, column + 1 + n + j], noise)
            r = g_r[rows, said]
            o = g_o[rows, said]
            self.belief[:, j] = np.where(
                told, tgt.bayes_update(self.belief[:, j], r, o), self.belief[:, j]
            )

    def view(self, i: int, seen_holding: BoolArray, payoff: FloatArray) -> View:
        """What member ``i`` knows at the end of the month."""
        runs = self.runs
        delivered = np.zeros(runs, dtype=np.bool_)
        reneged = np.zeros(runs, dtype=np.bool_)
        k = self.staged.get(i)
        if k is not None:
            deal = self.deals[k]
            live = (self.reneged_at[:, k] == 0) & ~self.snapped[:, k]
            pos = self.position[:, k]
            delivered = live & (pos < deal.stages) & (self.delivered[:, k] >= pos + deal.lead)
            since = self.t - self.reneged_at[:, k]
            reneged = (self.reneged_at[:, k] > 0) & ~self.snapped[:, k] & (since >= deal.lag)
        return View(
            member=i,
            own_held=self.frac[:, i] >= EASED_BELOW,
            seen_holding=seen_holding[:, i, :],
            payoff=payoff[:, i],
            belief=self.belief[:, i],
            delivered=delivered,
            reneged=reneged,
        )

    def apply(self, actions: Sequence[npt.NDArray[np.int8]]) -> None:
        """Turn actions into hold fractions (runs where the target conceded stay as they were)."""
        alive = self.alive
        for i, action in enumerate(actions):
            k = self.staged.get(i)
            if k is None:
                new = np.where(action == HOLD, 1.0, 0.0)
                self.frac[:, i] = np.where(alive, new, self.frac[:, i])
                continue
            deal = self.deals[k]
            pos = self.position[:, k]
            frozen = ~alive | self.snapped[:, k]
            if self.rules[i].staged:
                step = (action == EASE) & (pos < deal.stages)
                new_pos = np.where(step, pos + 1, pos)
            else:
                new_pos = np.where(action == HOLD, deal.start_stage, deal.stages)
            snap = (action == SNAP) & ~frozen
            new_pos = np.where(frozen | snap, pos, new_pos).astype(np.int16)
            self.position[:, k] = new_pos
            self.snapped[:, k] |= snap
            level = self.ladder[k][new_pos]
            restored = self.ladder[k][0] + self.widen[:, k]
            level = np.where(self.snapped[:, k], restored, level)
            self.frac[:, i] = np.where(~alive, self.frac[:, i], level)


# ---------------------------------------------------------------- building rules
def build_rules(
    setup: Setup, params: CoalitionParameters, trust: FloatArray, uniforms: Uniforms
) -> list[Rule]:
    """One rule object per member for a chunk of ``params.runs`` runs."""
    runs = params.runs
    rules: list[Rule] = []
    deal_of = {deal.member: deal for deal in setup.deals}
    for i, name in enumerate(setup.strategies):
        if name in STRATEGIES:
            cls = STRATEGIES[name]
            rng = None
            if cls.metadata.stochastic:
                rng = cast(np.random.Generator, _ColumnSource(uniforms, setup.layout.classic(i)))
            rules.append(Classic(runs, i, cls(runs, rng)))
        elif name == "best_response":
            rules.append(BestResponse(runs, i, params, HonouredByBelief(params)))
        elif name == "conditional_cooperation":
            rules.append(ConditionalCooperation(runs, i, trust[:, i, :]))
        elif name == "staged_reciprocity":
            deal = deal_of.get(i)
            if deal is None:
                rules.append(Classic(runs, i, STRATEGIES["Cooperator"](runs)))
            else:
                rules.append(StagedReciprocity(runs, i, deal.snap_back))
        else:  # the schema admits no other name
            raise InputError.single(setup.scenario.id, f"unknown strategy {name!r}")
    return rules


# ---------------------------------------------------------------- simulation
Progress = Callable[[int], None]


def check_run_size(runs: int, horizon: int, chunk_size: int) -> None:
    """Reject impossible sizes as located input errors naming the flag."""
    if runs < 1:
        raise InputError.single("--runs", f"must be at least 1, got {runs}")
    if not 1 <= horizon <= MAX_HORIZON:
        raise InputError.single("--horizon", f"must lie in 1..{MAX_HORIZON} months, got {horizon}")
    if chunk_size < BLOCK or chunk_size % BLOCK:
        raise InputError.single(
            "--chunk-size", f"must be a positive multiple of {BLOCK} runs, got {chunk_size}"
        )


def simulate(
    scenario: Scenario,
    *,
    runs: int = 10_000,
    horizon: int | None = None,
    seed: int = 0,
    chunk_size: int = DEFAULT_CHUNK,
    store: ParquetStore | None = None,
    progress: Progress | None = None,
) -> SimulationResult:
    """Simulate ``runs`` runs of ``horizon`` months (default: the scenario's) from its start.

    Raises:
        InputError: bad sizes (``runs < 1``, horizon outside 1..600, chunk size not a multiple
            of :data:`BLOCK`), a negative seed, or a scenario the engine cannot play.
    """
    from sanctionsim import __version__

    horizon = scenario.horizon_months if horizon is None else horizon
    check_run_size(runs, horizon, chunk_size)
    if seed < 0:
        raise InputError.single("--seed", f"must be >= 0, got {seed}")
    setup = prepare(scenario)
    summary = Summary(horizon, len(setup.member_ids), len(setup.deals))
    started = time.perf_counter()
    write_seconds = 0.0
    n_blocks = -(-runs // BLOCK)
    per_chunk = chunk_size // BLOCK
    for first_block in range(0, n_blocks, per_chunk):
        blocks = range(first_block, min(n_blocks, first_block + per_chunk))
        sizes = [min(BLOCK, runs - b * BLOCK) for b in blocks]
        records = run_chunk(setup, seed, list(blocks), sizes, horizon, summary, store is not None)
        if store is not None and records is not None:
            before = time.perf_counter()
            store.write_chunk(
                first_block * BLOCK, records, setup.member_ids, [d.id for d in setup.deals]
            )
            write_seconds += time.perf_counter() - before
        if progress is not None:
            progress(sum(sizes))
    elapsed = time.perf_counter() - started
    deal_ids = tuple(d.id for d in setup.deals)
    metrics, curves = summarise(summary, setup.member_ids, deal_ids)
    return SimulationResult(
        scenario_id=scenario.id,
        start=scenario.start.isoformat(),
        runs=runs,
        horizon=horizon,
        seed=seed,
        chunk_size=chunk_size,
        block_size=BLOCK,
        version=__version__,
        members=setup.member_ids,
        strategies=setup.strategies,
        deals=deal_ids,
        metrics=metrics,
        curves=curves,
        timings=Timing(simulate_seconds=elapsed - write_seconds, write_seconds=write_seconds),
    )


@dataclass(frozen=True)
class RunOutcomes:
    """Per-run outcomes (months are 1-based, 0 = never): what the summaries are made of."""

    eased_month: Int16Array  # (R, N) first month each member eased
    conceded_month: Int16Array  # (R,)
    delivered_month: Int16Array  # (R, D) month every stage had been delivered
    snapped_month: Int16Array  # (R, D)
    cohesion_final: FloatArray  # (R,)
    payoff_mean: FloatArray  # (R, N) realised payoff per month

    @staticmethod
    def concat(parts: Sequence[RunOutcomes]) -> RunOutcomes:
        """Runs of several chunks, in order."""
        return RunOutcomes(
            *(
                np.concatenate([getattr(p, f.name) for p in parts])
                for f in dataclasses.fields(RunOutcomes)
            )
        )


def run_outcomes(
    scenario: Scenario, *, runs: int, horizon: int, seed: int, chunk_size: int = DEFAULT_CHUNK
) -> RunOutcomes:
    """Every run's outcomes (for tests and benchmarks that compare engines run by run)."""
    check_run_size(runs, horizon, chunk_size)
    setup = prepare(scenario)
    summary = Summary(horizon, len(setup.member_ids), len(setup.deals))
    parts: list[RunOutcomes] = []
    n_blocks = -(-runs // BLOCK)
    per_chunk = chunk_size // BLOCK
    for first_block in range(0, n_blocks, per_chunk):
        blocks = list(range(first_block, min(n_blocks, first_block + per_chunk)))
        sizes = [min(BLOCK, runs - b * BLOCK) for b in blocks]
        run_chunk(setup, seed, blocks, sizes, horizon, summary, keep=False, collect=parts)
    return RunOutcomes.concat(parts)


def run_chunk(
    setup: Setup,
    seed: int,
    blocks: list[int],
    sizes: list[int],
    horizon: int,
    summary: Summary,
    keep: bool,
    collect: list[RunOutcomes] | None = None,
) -> list[Month] | None:
    """Simulate the runs of ``blocks`` together and fold their outcomes into ``summary``.

    Returns the months when ``keep`` (for the Parquet store); appends the per-run outcomes to
    ``collect`` when given.
    """
    draws = [draw_block(setup, seed, b, n) for b, n in zip(blocks, sizes, strict=True)]
    params = concat_params([d.params for d in draws])
    trust = np.concatenate([d.trust for d in draws])
    uniforms = Uniforms([d.rng for d in draws], sizes, setup.layout.width)
    kernel = Kernel(
        build_rules(setup, params, trust, uniforms),
        uniforms,
        layout=setup.layout,
        detection=params.detection,
        false_alarm=params.false_alarm,
        trust=trust,
        leader=setup.leader,
        params=params,
        deals=setup.deals,
        widen=np.concatenate([d.widen for d in draws]),
        reliable=np.concatenate([d.reliable for d in draws]),
    )
    runs, n, d = params.runs, len(setup.member_ids), len(setup.deals)
    bounds = np.cumsum([0, *sizes])
    eased_month = np.zeros((runs, n), dtype=np.int16)
    conceded_month = np.zeros(runs, dtype=np.int16)
    delivered_month = np.zeros((runs, d), dtype=np.int16)
    snapped_month = np.zeros((runs, d), dtype=np.int16)
    payoff_total = np.zeros((runs, n))
    belief_sums = np.zeros((len(blocks), horizon, n))
    stages = np.array([deal.stages for deal in setup.deals], dtype=np.int16)
    cohesion = np.ones(runs)
    records: list[Month] = []
    kernel.first()
    for t in range(1, horizon + 1):
        month = kernel.month()
        live = ~month.conceded | (conceded_month == 0)  # this month still counts
        eased = (month.frac < EASED_BELOW) & live[:, None]
        eased_month = np.where((eased_month == 0) & eased, t, eased_month).astype(np.int16)
        conceded_month = np.where((conceded_month == 0) & month.conceded, t, conceded_month).astype(
            np.int16
        )
        full = month.delivered >= stages
        delivered_month = np.where((delivered_month == 0) & full, t, delivered_month).astype(
            np.int16
        )
        snapped_month = np.where((snapped_month == 0) & month.snapped, t, snapped_month).astype(
            np.int16
        )
        payoff_total += month.payoff
        cohesion = month.cohesion
        summary.add_month_distributions(t, cohesion, month.net)
        for b in range(len(blocks)):
            belief_sums[b, t - 1] = month.belief[bounds[b] : bounds[b + 1]].sum(axis=0)
        if keep:
            records.append(month)
    payoff_mean = payoff_total / horizon
    if collect is not None:
        collect.append(
            RunOutcomes(
                eased_month, conceded_month, delivered_month, snapped_month, cohesion, payoff_mean
            )
        )
    for b in range(len(blocks)):
        s = slice(bounds[b], bounds[b + 1])
        summary.add_block(
            eased_month=eased_month[s],
            conceded_month=conceded_month[s],
            delivered_month=delivered_month[s],
            snapped_month=snapped_month[s],
            cohesion_final=cohesion[s],
            payoff_mean=payoff_mean[s],
            belief_sums=belief_sums[b],
        )
    return records if keep else None


# ---------------------------------------------------------------- the engine's proof
def play_fixed_game(
    a: str,
    b: str,
    *,
    turns: int,
    game: PDPayoffs | None = None,
    runs: int = 1,
    seed: int = 0,
) -> tuple[FloatArray, FloatArray]:
    """Two members, no target, fixed payoffs: the engine's kernel as an iterated PD.

    Perfect observation (detection 1, no false alarms), no sharing, no leader. Returns each
    side's total payoff per run. For deterministic strategies these are exactly the scores of
    ``axelrod.Match`` (MODEL §4, "the engine's proof"); the tests check every pairing.

    >>> play_fixed_game("TitForTat", "Alternator", turns=4)[0].tolist()
    [8.0]
    """
    game = game or PDPayoffs()
    names = (a, b)
    for name in names:
        if name not in STRATEGIES:
            raise InputError.single("strategy", f"unknown strategy {name!r}")
    stochastic = tuple(i for i, s in enumerate(names) if STRATEGIES[s].metadata.stochastic)
    layout = Layout(2, 0, stochastic)
    sizes = [min(BLOCK, runs - k * BLOCK) for k in range(-(-runs // BLOCK))]
    uniforms = Uniforms([block_stream(seed, k) for k in range(len(sizes))], sizes, layout.width)
    rules: list[Rule] = []
    for i, name in enumerate(names):
        cls = STRATEGIES[name]
        rng = None
        if cls.metadata.stochastic:
            rng = cast(np.random.Generator, _ColumnSource(uniforms, layout.classic(i)))
        rules.append(Classic(runs, i, cls(runs, rng, game)))
    kernel = Kernel(
        rules,
        uniforms,
        layout=layout,
        detection=np.ones((runs, 2)),
        false_alarm=np.zeros(runs),
        trust=np.zeros((runs, 2, 2)),
        game=game,
    )
    totals = np.zeros((runs, 2))
    kernel.first()
    for _ in range(turns):
        totals += kernel.month().payoff
    return totals[:, 0], totals[:, 1]
