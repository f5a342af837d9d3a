"""The engine's model as a Mesa agent-based model, for the speed comparison only.

One ``mesa.Model`` per run, with one agent per coalition member and one for the target, stepped
month by month the way Mesa models usually are (``model.agents_by_type[...].do(...)``). The
arithmetic of each rule is the reference loop's (``reference_loop.py``), so the model is the same;
the per-month random numbers come from each model's own ``random`` (Mesa's per-model stdlib
generator), so results agree with the engine in distribution, not run by run. Each run's
parameters are the engine's draws for that run (``draw_block``).

Needs ``pip install mesa`` (measured with Mesa 3.3.1, the newest release for Python 3.11).
"""

from __future__ import annotations

import mesa
import numpy as np

from reference_loop import (
    DELIVER,
    EASE,
    HOLD,
    RENEGE,
    SNAP,
    WAIT,
    _bayes,
    _best_response,
    _hazard,
    _payoff,
    _pressure,
    _Run,
    _unpack,
)
from sanctionsim.dynamics.kernel import EASED_BELOW
from sanctionsim.dynamics.plan import BLOCK
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.rules import COOPERATION_THRESHOLD
from sanctionsim.dynamics.setup import DealSpec, Setup, prepare
from sanctionsim.dynamics.streams import draw_block
from sanctionsim.scenario.schema import Scenario


class TargetAgent(mesa.Agent):  # type: ignore[misc]
    """The target: concedes with the hazard; delivers or reneges on due stages."""

    def step(self) -> None:
        model: CoalitionModel = self.model
        run = model.run
        if not model.alive:
            model.moves = [(WAIT, False)] * len(model.deals)
            return
        _, net = _pressure(run, model.levels())
        model.conceded_now = self.random.random() < _hazard(run, net)
        moves = []
        for k, deal in enumerate(model.deals):
            owed = min(model.pos[k] + deal.lead, deal.stages)
            due = model.reneged_at[k] == 0 and model.delivered[k] < owed
            move = WAIT
            if due:
                x = self.random.random()
                if x < run.deliver:
                    move = DELIVER
                elif x < run.deliver + run.renege:
                    move = RENEGE
            if move == DELIVER:
                model.delivered[k] += 1
            elif move == RENEGE:
                model.reneged_at[k] = model.month
            moves.append((move, due))
        model.moves = moves


class MemberAgent(mesa.Agent):  # type: ignore[misc]
    """A coalition member: observes, updates its belief, is paid, chooses its level."""

    def __init__(self, model: CoalitionModel, index: int, rule: str) -> None:
        super().__init__(model)
        self.index = index
        self.rule = rule
        self.level = 1.0
        self.belief = model.run.prior
        self.seen_easing: list[bool] = []
        self.action = HOLD
        self.payoff_total = 0.0
        self.deal: int | None = model.staged.get(index)

    def eased(self) -> bool:
        return self.level < EASED_BELOW

    def observe(self) -> None:
        """Direct detection of every other member, then what trusted members pass on."""
        model: CoalitionModel = self.model
        run = model.run
        self.direct = []
        for other in model.members:
            if other is self:
                self.direct.append(False)
                continue
            chance = run.det[other.index] if other.eased() else run.fa
            self.direct.append(self.random.random() < chance)

    def hear(self) -> None:
        model: CoalitionModel = self.model
        run = model.run
        n = len(model.members)
        heard = [False] * n
        for sender in model.members:
            if sender is self or self.random.random() >= run.trust[sender.index][self.index]:
                continue
            for i in range(n):
                heard[i] = heard[i] or sender.direct[i]
        self.seen_easing = [self.direct[i] or heard[i] for i in range(n)]
        self.seen_easing[self.index] = self.eased()

    def update_belief(self) -> None:
        model: CoalitionModel = self.model
        run = model.run
        for k, deal in enumerate(model.deals):
            move, due = model.moves[k]
            if not due:
                continue
            if deal.member == self.index:
                self.belief = _bayes(self.belief, run.lik_r[move], run.lik_o[move])
                continue
            if self.random.random() >= run.trust[deal.member][self.index]:
                continue
            f = run.fa
            said = move
            v = self.random.random()
            if v < f:
                said = (move + (1 if v < f / 2.0 else 2)) % 3
            g_r = (1.0 - f) * run.lik_r[said] + f * (1.0 - run.lik_r[said]) / 2.0
            g_o = (1.0 - f) * run.lik_o[said] + f * (1.0 - run.lik_o[said]) / 2.0
            self.belief = _bayes(self.belief, g_r, g_o)

    def collect(self) -> None:
        model: CoalitionModel = self.model
        run = model.run
        i = self.index
        q = self.belief * run.q_rel + (1.0 - self.belief) * run.q_opp
        value = _payoff(run, model.levels(), i, q)
        leader = model.leader
        detected = leader is not None and model.members[leader].seen_easing[i]
        easing = 1.0 - self.level
        charged = max(0.0, easing) * run.pen[i] * (1.0 if detected else 0.0)
        self.payoff_total += value + easing * (run.pen[i] * run.det[i]) - charged

    def decide(self) -> None:
        model: CoalitionModel = self.model
        run = model.run
        seen_holding = [not s for s in self.seen_easing]
        if self.rule == "best_response":
            self.action = _best_response(run, self.index, seen_holding, self.belief)
        elif self.rule == "conditional_cooperation":
            weights = list(run.trust[self.index])
            weights[self.index] = 0.0
            total = sum(weights)
            share = sum(w / total * s for w, s in zip(weights, seen_holding, strict=True))
            self.action = HOLD if total <= 0 or share >= COOPERATION_THRESHOLD else EASE
        elif self.rule == "staged_reciprocity" and self.deal is not None:
            k = self.deal
            deal = model.deals[k]
            if model.reneged_at[k] and not model.snapped[k]:
                ready = model.month - model.reneged_at[k] >= deal.lag
                self.action = (SNAP if deal.snap_back else HOLD) if ready else HOLD
            elif (
                not model.snapped[k]
                and model.pos[k] < deal.stages
                and model.delivered[k] >= model.pos[k] + deal.lead
            ):
                self.action = EASE
            else:
                self.action = HOLD
        else:  # Cooperator, or staged reciprocity without a deal
            self.action = HOLD

    def act(self) -> None:
        model: CoalitionModel = self.model
        if not model.alive:
            return
        if self.deal is None:
            self.level = 1.0 if self.action == HOLD else 0.0
            return
        k, deal = self.deal, model.deals[self.deal]
        if model.snapped[k]:
            return
        if self.action == SNAP:
            model.snapped[k] = True
            self.level = deal.ladder[0] + model.run.widen[k]
        elif self.action == EASE and model.pos[k] < deal.stages:
            model.pos[k] += 1
            self.level = deal.ladder[model.pos[k]]


class CoalitionModel(mesa.Model):  # type: ignore[misc]
    """One run of the coalition model."""

    def __init__(self, setup: Setup, run: _Run, seed: int) -> None:
        super().__init__(seed=seed)
        self.run = run
        self.deals: tuple[DealSpec, ...] = setup.deals
        self.staged = {deal.member: k for k, deal in enumerate(setup.deals)}
        self.leader = setup.leader
        self.pos = [deal.start_stage for deal in self.deals]
        self.delivered = [0] * len(self.deals)
        self.reneged_at = [0] * len(self.deals)
        self.snapped = [False] * len(self.deals)
        self.alive = True
        self.conceded_now = False
        self.month = 0
        self.moves: list[tuple[int, bool]] = []
        self.target = TargetAgent(self)
        self.members = [MemberAgent(self, i, rule) for i, rule in enumerate(setup.strategies)]
        n = len(self.members)
        self.gross0 = _pressure(run, [1.0] * n)[0]
        self.eased_month = [0] * n
        self.conceded_month = 0
        self.delivered_month = [0] * len(self.deals)
        self.snapped_month = [0] * len(self.deals)
        self.cohesion = 1.0
        for member in self.members:  # month 0: first moves (best response to a holding coalition)
            member.seen_easing = [False] * n
            member.decide()
            member.act()

    def levels(self) -> list[float]:
        return [m.level for m in self.members]

    def step(self) -> None:
        self.month += 1
        t = self.month
        gross, _ = _pressure(self.run, self.levels())
        self.target.step()
        members = self.agents_by_type[MemberAgent]
        members.do("observe")
        members.do("hear")
        members.do("update_belief")
        members.do("collect")
        was_alive = self.alive
        self.alive = was_alive and not self.conceded_now
        self.conceded_now = False
        for m in self.members:
            if (
                m.eased()
                and not self.eased_month[m.index]
                and (self.alive or not self.conceded_month)
            ):
                self.eased_month[m.index] = t
        if not self.alive and not self.conceded_month:
            self.conceded_month = t
        for k, deal in enumerate(self.deals):
            if self.delivered[k] >= deal.stages and not self.delivered_month[k]:
                self.delivered_month[k] = t
            if self.snapped[k] and not self.snapped_month[k]:
                self.snapped_month[k] = t
        self.cohesion = gross / self.gross0 if self.gross0 > 0 else gross
        members.do("decide")
        members.do("act")


def mesa_outcomes(scenario: Scenario, *, runs: int, horizon: int, seed: int) -> RunOutcomes:
    """Every run's outcomes, one Mesa model per run."""
    setup = prepare(scenario)
    for rule in setup.strategies:
        if rule not in (
            "best_response",
            "conditional_cooperation",
            "staged_reciprocity",
            "Cooperator",
        ):
            raise NotImplementedError(f"the Mesa model does not play {rule}")
    n, d = len(setup.member_ids), len(setup.deals)
    eased = np.zeros((runs, n), dtype=np.int16)
    conceded = np.zeros(runs, dtype=np.int16)
    delivered = np.zeros((runs, d), dtype=np.int16)
    snapped = np.zeros((runs, d), dtype=np.int16)
    cohesion = np.zeros(runs)
    payoff = np.zeros((runs, n))
    r = 0
    for block in range(-(-runs // BLOCK)):
        size = min(BLOCK, runs - block * BLOCK)
        draws = draw_block(setup, seed, block, size)
        for k in range(size):
            model = CoalitionModel(setup, _unpack(draws, k), seed=seed * 1_000_003 + r)
            for _ in range(horizon):
                model.step()
            eased[r] = model.eased_month
            conceded[r] = model.conceded_month
            delivered[r] = model.delivered_month
            snapped[r] = model.snapped_month
            cohesion[r] = model.cohesion
            payoff[r] = [m.payoff_total / horizon for m in model.members]
            r += 1
    return RunOutcomes(eased, conceded, delivered, snapped, cohesion, payoff)
