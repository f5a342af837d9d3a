"""The monthly kernel on the coalition model: ``domain/MODEL.md`` §4, vectorised over runs.

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

A run stops changing once the target concedes (the episode is over). The hooks between
``month``'s steps (:meth:`Kernel.target_hazard`, :meth:`Kernel.other_end`,
:meth:`Kernel.decide`, ...) are v1's here; model v2 overrides them in
:mod:`sanctionsim.dynamics.kernel_v2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sanctionsim.coalition.payoffs import (
    concession_hazard,
    gross_pressure,
    leakage,
    member_payoffs,
)
from sanctionsim.dynamics import target as tgt
from sanctionsim.dynamics.rules import CARVE, EASE, HOLD, SNAP, HonouredByBelief, Rule, View

if TYPE_CHECKING:
    from sanctionsim.coalition.parameters import CoalitionParameters
    from sanctionsim.dynamics.setup import DealSpec, Setup
    from sanctionsim.dynamics.streams import Uniforms

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
Int16Array = npt.NDArray[np.int16]

EASED_BELOW = 1.0 - 1e-9  # a hold fraction below this is an easing


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
    chance: FloatArray | None = None  # (R, N) model v2: each member's chance of easing by now
    ended: BoolArray | None = None  # the episode had ended (by any end) by the end of this month


class Kernel:
    """The engine's step on the coalition model: one month for every run of a chunk.

    Pressure, hazard and payoffs are those of ``domain/MODEL.md`` §2 on the chunk's parameters;
    :mod:`sanctionsim.dynamics.fixed_game` is the small kernel of the two-member game with fixed
    payoffs (the engine's proof).
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        uniforms: Uniforms,
        *,
        setup: Setup,
        params: CoalitionParameters,
        trust: FloatArray,
        widen: FloatArray,
        reliable: BoolArray,
    ) -> None:
        self.rules = list(rules)
        self.uniforms = uniforms
        self.layout = setup.layout
        self.runs, self.members = params.detection.shape
        self.detection = params.detection
        self.false_alarm = params.false_alarm
        self.trust = trust
        self.leader = setup.leader
        self.params = params
        self.deals = list(setup.deals)
        self.t = 0
        runs, n, d = self.runs, self.members, len(self.deals)
        self.alive = np.ones(runs, dtype=np.bool_)
        self.conceded = np.zeros(runs, dtype=np.bool_)
        self.conceded_before = np.zeros(runs, dtype=np.bool_)  # by the end of last month
        self.frac = np.ones((runs, n))
        self.position = np.zeros((runs, d), dtype=np.int16)
        self.delivered = np.zeros((runs, d), dtype=np.int16)
        self.reneged_at = np.zeros((runs, d), dtype=np.int16)  # month, 0 = not reneged
        self.snapped = np.zeros((runs, d), dtype=np.bool_)
        self.widen = widen
        for k, deal in enumerate(self.deals):
            self.position[:, k] = deal.start_stage
        self.ladder = [np.asarray(deal.ladder) for deal in self.deals]
        self.staged = {deal.member: k for k, deal in enumerate(self.deals)}
        self.eye = np.eye(n, dtype=np.bool_)
        self.rows = np.arange(runs)
        self.belief = np.repeat(params.reliable_prior[:, None], n, axis=1)
        self.deliver_p, self.renege_p = tgt.move_probabilities(params, reliable)
        self.lik_reliable, self.lik_opportunist = tgt.type_likelihoods(params)
        self.honoured = HonouredByBelief(params)
        # constant over months: computed once
        self.report_reliable = tgt.garbled(self.lik_reliable, self.false_alarm)
        self.report_opportunist = tgt.garbled(self.lik_opportunist, self.false_alarm)
        self.expected_penalty = params.expected_penalty()
        self.gross0 = self.gross_pressure()

    # -- pressure and payoffs ----------------------------------------------------------------
    def gross_pressure(self) -> FloatArray:
        """Coalition pressure before leakage at the levels in force."""
        return gross_pressure(self.params, self.frac)

    def payoffs(self, seen_by_leader: BoolArray) -> FloatArray:
        """Realised payoffs: MODEL §2 with the leader's penalty charged on detection."""
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

    # -- what model versions change (v1's here; model v2's in kernel_v2) -------------------------
    def draw_month(self) -> FloatArray:
        """This month's uniforms."""
        return self.uniforms.draw()

    def target_hazard(self, hazard: FloatArray) -> FloatArray:
        """The target's concession hazard this month: h(P) as the analyst states it."""
        return hazard

    def other_end(self, alive: BoolArray) -> BoolArray:
        """Runs that end this month otherwise than by a concession: none in v1."""
        return np.zeros_like(alive)

    def chance(self) -> FloatArray | None:
        """Each member's smooth chance of having eased by now: not carried in v1."""
        return None

    def decide(self, seen_holding: BoolArray, payoff: FloatArray) -> list[npt.NDArray[np.int8]]:
        """Next month's actions, each member by its rule."""
        return [rule.next(self.view(i, seen_holding, payoff)) for i, rule in enumerate(self.rules)]

    def month(self) -> Month:
        """Play the next month and return what it produced."""
        self.t += 1
        u = self.draw_month()
        lay, n = self.layout, self.members
        gross = self.gross_pressure()
        net = gross * (1.0 - leakage(self.params, gross))
        hazard = self.target_hazard(concession_hazard(self.params, net))
        alive = self.alive
        self.conceded_before = self.conceded.copy()

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
        seen_easing = self.observe(u)
        seen_holding = ~seen_easing

        # 3. beliefs about the target's type (Bayes)
        for k, deal in enumerate(self.deals):
            move, due = moves[k]
            self._update_beliefs(u, k, deal, move, due)

        # 4. payoffs, with the leader's penalty on what it detected
        if self.leader is not None:
            by_leader = seen_easing[:, self.leader, :]
        else:
            by_leader = np.zeros((self.runs, n), dtype=np.bool_)
        payoff = self.payoffs(by_leader)

        self.alive = alive & ~conceded_now & ~self.other_end(alive & ~conceded_now)
        self.conceded |= conceded_now
        record = Month(
            month=self.t,
            gross=gross,
            net=net,
            cohesion=gross / np.where(self.gross0 > 0, self.gross0, 1.0),
            frac=self.frac.copy(),
            conceded=self.conceded.copy(),
            position=self.position.copy(),
            delivered=self.delivered.copy(),
            snapped=self.snapped.copy(),
            belief=self.belief.copy(),
            payoff=payoff,
            chance=self.chance(),
            ended=~self.alive,
        )

        # 5. members choose next month's levels
        self.apply(self.decide(seen_holding, payoff))
        return record

    def observe(self, u: FloatArray) -> BoolArray:
        """Who saw whom easing, ``(R, observer, actor)``: detection, false alarms, sharing.

        An easing member is seen with its detection probability q_i, a holding one is wrongly
        seen easing with the false-alarm probability; a member who saw something shares it with
        each other member with their trust. A member knows its own level.
        """
        lay, n = self.layout, self.members
        eased = self.frac < EASED_BELOW
        direct_u = u[:, lay.direct : lay.direct + n * n].reshape(self.runs, n, n)
        share_u = u[:, lay.share : lay.share + n * n].reshape(self.runs, n, n)
        chance = np.where(eased, self.detection, self.false_alarm[:, None])  # (R, actor)
        direct = direct_u < chance[:, None, :]  # (R, observer, actor): seen easing
        direct &= ~self.eye  # nobody reports on itself
        shares = share_u < self.trust  # (R, from, to)
        # What others pass on: observer o hears of actor a when some k saw a and shares with o,
        # an OR over k, i.e. a boolean matrix product, done as a count in float32 (exact: at
        # most n ones are added). One batched matmul instead of n boolean passes over R n^2
        # cells: 14x faster at 18 members, the largest coalitions in the library.
        passed_on = np.matmul(
            shares.transpose(0, 2, 1).astype(np.float32), direct.astype(np.float32)
        )
        seen_easing: BoolArray = direct | (passed_on > 0)  # (R, observer, actor)
        seen_easing[:, self.eye] = eased
        return seen_easing

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
                if self.params.carve_share is not None:  # model v2g: a carve-out's level
                    new = np.where(action == CARVE, 1.0 - self.params.carve_share[:, i], new)
                self.frac[:, i] = np.where(alive, new, self.frac[:, i])
                continue
            deal = self.deals[k]
            pos = self.position[:, k]
            frozen = ~alive | self.snapped[:, k]
            if self.rules[i].metadata.staged:
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
