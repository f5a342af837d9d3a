"""The engine's rules as a plain per-run, per-actor Python loop: the reference for benchmarks.

The same model as :mod:`sanctionsim.dynamics.engine`, written the way one would without numpy:
one run at a time, one member at a time, Python floats. It draws the very same random numbers
(each block's parameters through the engine's ``draw_block``, every quantity from its own keyed
stream, then one uniform matrix per month from the block's month stream ``draws.rng``, read
column by column exactly as the engine's ``Layout`` says), so for
the same seed it gives the same per-run outcomes as the engine (``tests/dynamics`` checks that).

Supported rules: the three coalition rules and the deterministic classics Cooperator, Defector,
TitForTat and Grudger (enough for the built-in cases); anything else raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sanctionsim.dynamics.kernel import EASED_BELOW
from sanctionsim.dynamics.plan import BLOCK
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.rules import COOPERATION_THRESHOLD
from sanctionsim.dynamics.setup import Setup, prepare
from sanctionsim.dynamics.streams import BlockDraws, draw_block
from sanctionsim.scenario.schema import Scenario

HOLD, EASE, SNAP = 0, 1, 2
DELIVER, RENEGE, WAIT = 0, 1, 2


@dataclass
class _Run:
    """One run's parameters as Python numbers."""

    fixed: float
    held: list[float]
    eased: list[float]
    un: list[float]
    cost: list[float]
    resolve: float
    h_base: float
    h_max: float
    steep: float
    cap: list[float]
    will: list[float]
    rent: list[float]
    beta: list[float]
    pb: list[float]
    ps: list[float]
    breach: list[float]
    dv: list[float]
    pay: list[float]
    pen: list[float]
    det: list[float]
    fa: float
    prior: float
    q_rel: float  # chance a due stage is delivered first, reliable type
    q_opp: float
    lik_r: list[float]  # move likelihoods, reliable
    lik_o: list[float]
    deliver: float  # this run's true type
    renege: float
    trust: list[list[float]]
    widen: list[float]


def _first_of(a: float, b: float) -> float:
    total = a + b
    return a / total if total > 0 else 0.0


def _likelihoods(d: float, r: float) -> list[float]:
    d = min(d, 1.0)
    r = min(r, 1.0 - d)
    return [d, r, 1.0 - d - r]


def _unpack(draws: BlockDraws, r: int) -> _Run:
    p = draws.params
    rel = bool(draws.reliable[r])
    lik_r = _likelihoods(float(p.delivery_reliable[r]), float(p.renege_reliable[r]))
    lik_o = _likelihoods(float(p.delivery_opportunist[r]), float(p.renege_opportunist[r]))
    true = lik_r if rel else lik_o
    return _Run(
        fixed=float(p.fixed_pressure[r]),
        held=p.held_pressure[r].tolist(),
        eased=p.eased_pressure[r].tolist(),
        un=p.un_level_eased.tolist(),
        cost=p.holding_cost[r].tolist(),
        resolve=float(p.resolve[r]),
        h_base=float(p.hazard_base[r]),
        h_max=float(p.hazard_max[r]),
        steep=float(p.hazard_steepness[r]),
        cap=p.substitution_capacity[r].tolist(),
        will=p.willingness[r].tolist(),
        rent=p.rent_sensitivity[r].tolist(),
        beta=p.concession_value[r].tolist(),
        pb=p.premium_base[r].tolist(),
        ps=p.premium_slope[r].tolist(),
        breach=p.breach_cost[r].tolist(),
        dv=p.deal_value[r].tolist(),
        pay=p.side_payment[r].tolist(),
        pen=p.penalty[r].tolist(),
        det=p.detection[r].tolist(),
        fa=float(p.false_alarm[r]),
        prior=float(p.reliable_prior[r]),
        q_rel=_first_of(float(p.delivery_reliable[r]), float(p.renege_reliable[r])),
        q_opp=_first_of(float(p.delivery_opportunist[r]), float(p.renege_opportunist[r])),
        lik_r=lik_r,
        lik_o=lik_o,
        deliver=true[0],
        renege=true[1],
        trust=draws.trust[r].tolist(),
        widen=draws.widen[r].tolist(),
    )


def _pressure(run: _Run, h: list[float]) -> tuple[float, float]:
    """Gross pressure and net pressure (after leakage), MODEL §2."""
    part = 0.0
    for i in range(len(h)):
        part += h[i] * run.held[i] + (1.0 - h[i]) * run.eased[i]
    gross = run.fixed + part
    supplied = 0.0
    for j in range(len(run.cap)):
        supplied += run.cap[j] * min(1.0, run.will[j] + run.rent[j] * gross)
    return gross, gross * (1.0 - min(1.0, supplied))


def _hazard(run: _Run, net: float) -> float:
    logistic = 1.0 / (1.0 + math.exp(-run.steep * (net - run.resolve)))
    return run.h_base + (run.h_max - run.h_base) * logistic


def _payoff(run: _Run, h: list[float], i: int, q: float) -> float:
    """u_i of MODEL §2 at the profile ``h`` with the honour probability ``q``."""
    _, net = _pressure(run, h)
    hazard = _hazard(run, net)
    premium = run.pb[i] + run.ps[i] * net
    gain = premium + q * run.dv[i]
    loss = run.breach[i] * run.un[i] + run.pen[i] * run.det[i]
    return (
        run.beta[i] * hazard - run.cost[i] * h[i] + (1.0 - h[i]) * (gain - loss) + h[i] * run.pay[i]
    )


def _bayes(b: float, lr: float, lo: float) -> float:
    top = b * lr
    bottom = top + (1.0 - b) * lo
    return top / bottom if bottom > 0 else b


def _simulate_block(setup: Setup, draws: BlockDraws, n: int, horizon: int) -> RunOutcomes:
    members = len(setup.member_ids)
    lay = setup.layout
    deals = setup.deals
    staged = {deal.member: k for k, deal in enumerate(deals)}
    names = setup.strategies
    for name in names:
        if name not in (
            "best_response",
            "conditional_cooperation",
            "staged_reciprocity",
            "Cooperator",
            "Defector",
            "TitForTat",
            "Grudger",
        ):
            raise NotImplementedError(f"the reference loop does not play {name}")
    runs = [_unpack(draws, r) for r in range(n)]
    rng = draws.rng
    rng.random((n, lay.width))  # the engine's month-0 matrix (read only by stochastic classics)

    # state, per run
    h = [[1.0] * members for _ in range(n)]
    pos = [[deal.start_stage for deal in deals] for _ in range(n)]
    dlv = [[0] * len(deals) for _ in range(n)]
    reneged_at = [[0] * len(deals) for _ in range(n)]
    snapped = [[False] * len(deals) for _ in range(n)]
    belief = [[run.prior] * members for run in runs]
    alive = [True] * n
    grudge = [[False] * members for _ in range(n)]
    gross0 = [_pressure(run, [1.0] * members)[0] for run in runs]
    # outcomes
    eased_month = np.zeros((n, members), dtype=np.int16)
    conceded_month = np.zeros(n, dtype=np.int16)
    delivered_month = np.zeros((n, len(deals)), dtype=np.int16)
    snapped_month = np.zeros((n, len(deals)), dtype=np.int16)
    payoff_total = np.zeros((n, members))
    cohesion = np.ones(n)

    def choose_first(r: int) -> list[int]:
        actions = []
        for i, name in enumerate(names):
            if name == "best_response":
                actions.append(_best_response(runs[r], i, [True] * members, runs[r].prior))
            elif name == "Defector":
                actions.append(EASE)
            else:
                actions.append(HOLD)
        return actions

    def apply(r: int, actions: list[int]) -> None:
        for i, action in enumerate(actions):
            k = staged.get(i)
            if k is None:
                if alive[r]:
                    h[r][i] = 1.0 if action == HOLD else 0.0
                continue
            deal = deals[k]
            p = pos[r][k]
            frozen = (not alive[r]) or snapped[r][k]
            if names[i] == "staged_reciprocity":
                new_pos = p + 1 if action == EASE and p < deal.stages else p
            else:
                new_pos = deal.start_stage if action == HOLD else deal.stages
            snap = action == SNAP and not frozen
            if frozen or snap:
                new_pos = p
            pos[r][k] = new_pos
            snapped[r][k] = snapped[r][k] or snap
            level = deal.ladder[new_pos]
            if snapped[r][k]:
                level = deal.ladder[0] + runs[r].widen[k]
            if alive[r]:
                h[r][i] = level

    for r in range(n):
        apply(r, choose_first(r))

    for t in range(1, horizon + 1):
        uniforms = rng.random((n, lay.width)).tolist()
        for r in range(n):
            run, u, hr = runs[r], uniforms[r], h[r]
            was_alive = alive[r]
            gross, net = _pressure(run, hr)
            # 1. the target moves
            conceded_now = was_alive and u[lay.concede] < _hazard(run, net)
            moves = []
            for k, deal in enumerate(deals):
                owed = min(pos[r][k] + deal.lead, deal.stages)
                due = was_alive and reneged_at[r][k] == 0 and dlv[r][k] < owed
                move = WAIT
                x = u[lay.deal(k)]
                if due and x < run.deliver:
                    move = DELIVER
                elif due and run.deliver <= x < run.deliver + run.renege:
                    move = RENEGE
                if move == DELIVER:
                    dlv[r][k] += 1
                if move == RENEGE:
                    reneged_at[r][k] = t
                moves.append((move, due))
            # 2. observation
            eased = [hr[i] < EASED_BELOW for i in range(members)]
            direct = [[False] * members for _ in range(members)]  # [observer][actor]
            for j in range(members):
                for i in range(members):
                    if i != j:
                        chance = run.det[i] if eased[i] else run.fa
                        direct[j][i] = u[lay.direct + j * members + i] < chance
            seen_easing = [[False] * members for _ in range(members)]
            for j in range(members):
                for i in range(members):
                    heard = False
                    for k2 in range(members):
                        shares = u[lay.share + k2 * members + j] < run.trust[k2][j]
                        heard = heard or (direct[k2][i] and shares)
                    seen_easing[j][i] = direct[j][i] or heard
                seen_easing[j][j] = eased[j]
            # 3. beliefs
            for k, deal in enumerate(deals):
                move, due = moves[k]
                if not due:
                    continue
                m = deal.member
                column = lay.deal(k)
                belief[r][m] = _bayes(belief[r][m], run.lik_r[move], run.lik_o[move])
                f = run.fa
                for j in range(members):
                    if j == m or not u[column + 1 + j] < run.trust[m][j]:
                        continue
                    v = u[column + 1 + members + j]
                    said = move
                    if v < f:
                        said = (move + (1 if v < f / 2.0 else 2)) % 3
                    g_r = (1.0 - f) * run.lik_r[said] + f * (1.0 - run.lik_r[said]) / 2.0
                    g_o = (1.0 - f) * run.lik_o[said] + f * (1.0 - run.lik_o[said]) / 2.0
                    belief[r][j] = _bayes(belief[r][j], g_r, g_o)
            # 4. payoffs with the leader's penalty on detection
            leader = setup.leader
            for i in range(members):
                q = belief[r][i] * run.q_rel + (1.0 - belief[r][i]) * run.q_opp
                value = _payoff(run, hr, i, q)
                detected = leader is not None and seen_easing[leader][i]
                charged = max(0.0, 1.0 - hr[i]) * run.pen[i] * (1.0 if detected else 0.0)
                payoff_total[r, i] += value + (1.0 - hr[i]) * (run.pen[i] * run.det[i]) - charged
            alive[r] = was_alive and not conceded_now
            # outcomes of the month
            for i in range(members):
                if eased[i] and eased_month[r, i] == 0 and (alive[r] or conceded_month[r] == 0):
                    eased_month[r, i] = t
            if not alive[r] and conceded_month[r] == 0:
                conceded_month[r] = t
            for k, deal in enumerate(deals):
                if dlv[r][k] >= deal.stages and delivered_month[r, k] == 0:
                    delivered_month[r, k] = t
                if snapped[r][k] and snapped_month[r, k] == 0:
                    snapped_month[r, k] = t
            cohesion[r] = gross / gross0[r] if gross0[r] > 0 else gross
            # 5. decisions
            actions = []
            for i, name in enumerate(names):
                seen_holding = [not seen_easing[i][x] for x in range(members)]
                others = all(seen_holding[x] for x in range(members) if x != i)
                if name == "best_response":
                    actions.append(_best_response(run, i, seen_holding, belief[r][i]))
                elif name == "conditional_cooperation":
                    w = list(run.trust[i])
                    w[i] = 0.0
                    total = w[0]
                    for x in range(1, members):
                        total += w[x]
                    if total <= 0:
                        actions.append(HOLD)
                        continue
                    share = (w[0] / total) * seen_holding[0]
                    for x in range(1, members):
                        share += (w[x] / total) * seen_holding[x]
                    actions.append(HOLD if share >= COOPERATION_THRESHOLD else EASE)
                elif name == "staged_reciprocity":
                    k = staged.get(i)
                    if k is None:
                        actions.append(HOLD)
                        continue
                    deal = deals[k]
                    live = reneged_at[r][k] == 0 and not snapped[r][k]
                    p = pos[r][k]
                    if (
                        reneged_at[r][k] > 0
                        and not snapped[r][k]
                        and t - reneged_at[r][k] >= deal.lag
                    ):
                        actions.append(SNAP if deal.snap_back else HOLD)
                    elif live and p < deal.stages and dlv[r][k] >= p + deal.lead:
                        actions.append(EASE)
                    else:
                        actions.append(HOLD)
                elif name == "TitForTat":
                    actions.append(HOLD if others else EASE)
                elif name == "Grudger":
                    grudge[r][i] = grudge[r][i] or not others
                    actions.append(EASE if grudge[r][i] else HOLD)
                elif name == "Cooperator":
                    actions.append(HOLD)
                else:
                    actions.append(EASE)
            apply(r, actions)
    return RunOutcomes(
        eased_month,
        conceded_month,
        delivered_month,
        snapped_month,
        cohesion,
        payoff_total / horizon,
    )


def _best_response(run: _Run, i: int, seen_holding: list[bool], belief: float) -> int:
    profile = [1.0 if s else 0.0 for s in seen_holding]
    q = belief * run.q_rel + (1.0 - belief) * run.q_opp
    profile[i] = 1.0
    hold = _payoff(run, profile, i, q)
    profile[i] = 0.0
    ease = _payoff(run, profile, i, q)
    return EASE if ease > hold else HOLD


def reference_outcomes(scenario: Scenario, *, runs: int, horizon: int, seed: int) -> RunOutcomes:
    """Every run's outcomes, simulated one run and one member at a time."""
    setup = prepare(scenario)
    parts = []
    for block in range(-(-runs // BLOCK)):
        n = min(BLOCK, runs - block * BLOCK)
        parts.append(_simulate_block(setup, draw_block(setup, seed, block, n), n, horizon))
    return RunOutcomes.concat(parts)
