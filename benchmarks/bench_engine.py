"""Benchmark the Monte Carlo engine on dprk-2014: actor-steps per second and peak memory.

An actor-step is one member in one run for one month. Compared, on the same model:

* the engine (``sanctionsim.dynamics.engine.simulate``, default chunk of 16,384 runs);
* ``reference_loop.py``: the same rules as a plain per-run, per-member Python loop (it gives the
  same per-run outcomes as the engine for the same seed);
* ``mesa_model.py``: the same model in Mesa (one model per run, agents per member);
* a bare numpy loop (below): the same month's arithmetic on whole arrays with nothing else (no
  rule objects, views, records or summaries), the practical ceiling for numpy.

Each is timed over repeats and the median reported. Then the peak memory (max RSS) of a
summary-only simulation of 1,000,000 runs x 120 months is measured in a fresh process.

Run: ``.venv/bin/python benchmarks/bench_engine.py`` (about 10 minutes; needs ``pip install
mesa`` for the Mesa line, skipped with a note otherwise). ``--quick`` uses small sizes;
``--skip-memory`` leaves out the 1,000,000-run measurement (about 6 minutes).
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reference_loop import reference_outcomes  # noqa: E402
from sanctionsim.coalition.parameters import CoalitionParameters  # noqa: E402
from sanctionsim.dynamics.engine import simulate  # noqa: E402
from sanctionsim.dynamics.kernel import EASED_BELOW  # noqa: E402
from sanctionsim.dynamics.plan import BLOCK  # noqa: E402
from sanctionsim.dynamics.rules import COOPERATION_THRESHOLD  # noqa: E402
from sanctionsim.dynamics.setup import Setup, prepare  # noqa: E402
from sanctionsim.dynamics.streams import concat_params, draw_block  # noqa: E402
from sanctionsim.scenario.loader import load_scenario  # noqa: E402


def bare_numpy(setup: Setup, params: CoalitionParameters, trust: np.ndarray, horizon: int) -> int:
    """The engine's monthly arithmetic for the three coalition rules, inlined on whole arrays.

    Same operations (pressure, leakage, hazard, concession, deal moves, detection and sharing,
    Bayes for every member, payoffs, the best response's two payoff evaluations, conditional
    cooperation, staged reciprocity, levels), one generator, no bookkeeping. Returns the number
    of runs that conceded (so the work cannot be optimised away).
    """
    p = params
    runs, n = p.held_pressure.shape
    (deal,) = setup.deals
    m, stages, ladder = deal.member, deal.stages, np.asarray(deal.ladder)
    rng = np.random.default_rng(0)
    width = setup.layout.width
    rules = setup.strategies
    rows = np.arange(runs)
    eye = np.eye(n, dtype=bool)
    frac = np.ones((runs, n))
    pos = np.full(runs, deal.start_stage)
    dlv = np.zeros(runs, dtype=np.int64)
    reneged = np.zeros(runs, dtype=bool)
    snapped = np.zeros(runs, dtype=bool)
    alive = np.ones(runs, dtype=bool)
    belief = np.repeat(p.reliable_prior[:, None], n, axis=1)
    reliable = rng.random(runs) < p.reliable_prior
    d = np.where(reliable, p.delivery_reliable, p.delivery_opportunist)
    r = np.where(reliable, p.renege_reliable, p.renege_opportunist)
    lik_r = np.stack(
        [p.delivery_reliable, p.renege_reliable, 1 - p.delivery_reliable - p.renege_reliable], 1
    )
    lik_o = np.stack(
        [
            p.delivery_opportunist,
            p.renege_opportunist,
            1 - p.delivery_opportunist - p.renege_opportunist,
        ],
        1,
    )
    f = p.false_alarm[:, None]
    rep_r, rep_o = (1 - f) * lik_r + f * (1 - lik_r) / 2, (1 - f) * lik_o + f * (1 - lik_o) / 2
    q_rel = p.delivery_reliable / (p.delivery_reliable + p.renege_reliable)
    q_opp = p.delivery_opportunist / (p.delivery_opportunist + p.renege_opportunist)
    loss = p.breach_cost * p.un_level_eased + p.penalty * p.detection
    w = trust.copy()
    w[:, eye] = 0
    w /= w.sum(axis=2, keepdims=True)

    def pressure_and_hazard(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        gross = p.fixed_pressure + (h * p.held_pressure + (1 - h) * p.eased_pressure).sum(1)
        leak = np.minimum(
            1,
            (
                p.substitution_capacity
                * np.minimum(1, p.willingness + p.rent_sensitivity * gross[:, None])
            ).sum(1),
        )
        net = gross * (1 - leak)
        hz = p.hazard_base + (p.hazard_max - p.hazard_base) / (
            1 + np.exp(-p.hazard_steepness * (net - p.resolve))
        )
        return net, hz

    def pay(h: np.ndarray, q: np.ndarray) -> np.ndarray:
        net, hz = pressure_and_hazard(h)
        gain = p.premium_base + p.premium_slope * net[:, None] + q * p.deal_value
        return (
            p.concession_value * hz[:, None]
            - p.holding_cost * h
            + (1 - h) * (gain - loss)
            + h * p.side_payment
        )

    conceded = 0
    for _ in range(horizon):
        u = rng.random((runs, width))
        _, hz = pressure_and_hazard(frac)
        now = alive & (u[:, 0] < hz)
        due = alive & ~reneged & (dlv < np.minimum(pos + deal.lead, stages))
        move = np.where(due & (u[:, 1] < d), 0, np.where(due & (u[:, 1] < d + r), 1, 2))
        dlv += move == 0
        reneged |= move == 1
        eased = frac < EASED_BELOW
        base = 1 + (1 + 2 * n)
        direct = (
            u[:, base : base + n * n].reshape(runs, n, n)
            < np.where(eased, p.detection, f)[:, None, :]
        )
        direct &= ~eye
        shares = u[:, base + n * n : base + 2 * n * n].reshape(runs, n, n) < trust
        seen = direct.copy()
        for k in range(n):
            seen |= direct[:, k, None, :] & shares[:, k, :, None]
        seen[:, eye] = eased
        belief[:, m] = np.where(
            due,
            belief[:, m]
            * lik_r[rows, move]
            / (belief[:, m] * lik_r[rows, move] + (1 - belief[:, m]) * lik_o[rows, move]),
            belief[:, m],
        )
        for j in range(n):
            if j != m:
                told = due & (u[:, 2 + j] < trust[:, m, j])
                v = u[:, 2 + n + j]
                said = np.where(v < f[:, 0], (move + np.where(v < f[:, 0] / 2, 1, 2)) % 3, move)
                top = belief[:, j] * rep_r[rows, said]
                belief[:, j] = np.where(
                    told, top / (top + (1 - belief[:, j]) * rep_o[rows, said]), belief[:, j]
                )
        q = belief * q_rel[:, None] + (1 - belief) * q_opp[:, None]
        pay(frac, q)
        alive &= ~now
        conceded += int(now.sum())
        holding = ~seen
        for i, rule in enumerate(rules):
            if rule == "best_response":
                h = holding[:, i, :].astype(float)
                h[:, i] = 1
                hold = pay(h, q[:, i : i + 1])[:, i]
                h[:, i] = 0
                ease = pay(h, q[:, i : i + 1])[:, i]
                frac[:, i] = np.where(alive, np.where(ease > hold, 0.0, 1.0), frac[:, i])
            elif rule == "conditional_cooperation":
                share = (w[:, i, :] * holding[:, i, :]).sum(1)
                frac[:, i] = np.where(
                    alive, (share >= COOPERATION_THRESHOLD).astype(float), frac[:, i]
                )
            else:
                step = alive & ~snapped & ~reneged & (pos < stages) & (dlv >= pos + deal.lead)
                pos = np.where(step, pos + 1, pos)
                snapped |= alive & reneged
                frac[:, i] = np.where(alive, np.where(snapped, ladder[0], ladder[pos]), frac[:, i])
    return conceded


def timed(function: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def peak_memory(runs: int, horizon: int) -> tuple[float, float]:
    """Max RSS (MiB) and wall time of a summary-only simulation in a fresh process."""
    code = (
        "import resource, time\n"
        "from sanctionsim.scenario.loader import load_scenario\n"
        "from sanctionsim.dynamics.engine import simulate\n"
        "t = time.perf_counter()\n"
        f"simulate(load_scenario('dprk-2014'), runs={runs}, horizon={horizon}, seed=0)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[1]) / 1024, float(out[0])


def main() -> None:
    quick = "--quick" in sys.argv
    scenario = load_scenario("dprk-2014")
    setup = prepare(scenario)
    members = len(setup.member_ids)
    horizon = 36
    sizes = {
        "engine": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2b": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2c": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2e": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2f": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2g": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2h": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2i": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2j": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2k": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2n": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2p": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2r": 4 * BLOCK if quick else 64 * BLOCK,
        "engine_v2s": 4 * BLOCK if quick else 64 * BLOCK,
        "bare": 4 * BLOCK if quick else 64 * BLOCK,
        "reference": 256 if quick else BLOCK,
        "mesa": 128 if quick else 512,
    }
    rounds = 3 if quick else 7
    simulate(scenario, runs=BLOCK, horizon=2)  # warm imports and caches

    nb = sizes["bare"]
    draws = [draw_block(setup, 0, b, BLOCK) for b in range(nb // BLOCK)]
    params = concat_params([d.params for d in draws])
    trust = np.concatenate([d.trust for d in draws])

    def engine_of(model: str) -> Callable[[], object]:
        """The engine under ``model``, without the folds' extra simulation (docs/cli.md)."""
        job = f"engine_{model}"
        return lambda: simulate(
            scenario, runs=sizes[job], horizon=horizon, seed=0, model=model, fold_range=False
        )

    jobs: dict[str, Callable[[], object]] = {
        "engine": lambda: simulate(scenario, runs=sizes["engine"], horizon=horizon, seed=0),
        # the engine's speed alone: without the folds' extra simulation (docs/cli.md)
        "engine_v2": lambda: simulate(
            scenario, runs=sizes["engine_v2"], horizon=horizon, seed=0, model="v2", fold_range=False
        ),
        "engine_v2b": engine_of("v2b"),
        # v2c's rules (v2c-hold and v2d play the same ones): v2's on the decision's whole stake
        "engine_v2c": engine_of("v2c"),
        # v2e: v2a's rules with each member's persistent shock and the shifted intercept
        "engine_v2e": engine_of("v2e"),
        # v2f: v2-hold's rules with the target's hazard scaled by its fitted factor ψ
        "engine_v2f": engine_of("v2f"),
        # v2g: v2f with carve-outs, a three-way choice where a member has one
        "engine_v2g": engine_of("v2g"),
        # v2h: v2f with the lobby weight on the premium in the choice (one more premium a month)
        "engine_v2h": engine_of("v2h"),
        # v2i: v2f with each member's relative temptation, a shift of its intercept fixed per run
        "engine_v2i": engine_of("v2i"),
        # v2j: v2i with the target's prospects, one more shift of the intercept fixed per run
        "engine_v2j": engine_of("v2j"),
        # v2k: v2i with the leader's slope and shift weighed by ζ, fixed per run (no new work)
        "engine_v2k": engine_of("v2k"),
        # v2n, the default since 2026-12-04: v2i with the target's factor read from the era and a
        # coup, one number per episode (no new work per month)
        "engine_v2n": engine_of("v2n"),
        # v2p: v2n with the defence tie's shift, one more per-member array in the logit (v2o too)
        "engine_v2p": engine_of("v2p"),
        # v2r: v2q (v2n at ε 1) with each member's weight on its case-specific terms computed at
        # every epoch from its measures' age (one exp per member a month)
        "engine_v2r": engine_of("v2r"),
        # v2s: v2r's weight on one side only, the smaller of two chances (one more logistic)
        "engine_v2s": engine_of("v2s"),
        "bare": lambda: bare_numpy(setup, params, trust, horizon),
        "reference": lambda: reference_outcomes(
            scenario, runs=sizes["reference"], horizon=horizon, seed=0
        ),
    }
    mesa_version = None
    try:
        import mesa

        from mesa_model import mesa_outcomes

        mesa_version = mesa.__version__
        jobs["mesa"] = lambda: mesa_outcomes(scenario, runs=sizes["mesa"], horizon=horizon, seed=0)
    except ImportError:
        print("mesa is not installed: pip install mesa", flush=True)

    # The machine is shared and noisy: the implementations are timed in interleaved rounds, so
    # that a busy spell slows all of them, and ratios are taken within each round.
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(rounds):
        for name, job in jobs.items():
            times[name].extend(timed(job, 1))

    def speed(name: str, k: int) -> float:
        return sizes[name] * horizon * members / times[name][k]

    results: dict[str, dict[str, float]] = {}
    for name, values in times.items():
        median = statistics.median(values)
        results[name] = {
            "runs": sizes[name],
            "median_s": median,
            "min_s": min(values),
            "max_s": max(values),
            "repeats": len(values),
            "actor_steps_per_s": sizes[name] * horizon * members / median,
        }
        print(
            f"{name:10s} {sizes[name]:7d} runs  median {median:8.3f} s  "
            f"{results[name]['actor_steps_per_s']:>14,.0f} actor-steps/s",
            flush=True,
        )
    pairs = {
        "engine_over_reference": ("engine", "reference"),
        "bare_over_engine": ("bare", "engine"),
        "engine_over_mesa": ("engine", "mesa"),
        "engine_v2_over_engine": ("engine_v2", "engine"),
        "engine_v2_over_mesa": ("engine_v2", "mesa"),
        "engine_v2b_over_engine_v2": ("engine_v2b", "engine_v2"),
        "engine_v2b_over_mesa": ("engine_v2b", "mesa"),
        "engine_v2c_over_engine_v2": ("engine_v2c", "engine_v2"),
        "engine_v2c_over_mesa": ("engine_v2c", "mesa"),
        "engine_v2e_over_engine_v2": ("engine_v2e", "engine_v2"),
        "engine_v2e_over_mesa": ("engine_v2e", "mesa"),
        "engine_v2f_over_engine_v2": ("engine_v2f", "engine_v2"),
        "engine_v2f_over_mesa": ("engine_v2f", "mesa"),
        "engine_v2g_over_engine_v2f": ("engine_v2g", "engine_v2f"),
        "engine_v2g_over_mesa": ("engine_v2g", "mesa"),
        "engine_v2h_over_engine_v2f": ("engine_v2h", "engine_v2f"),
        "engine_v2h_over_mesa": ("engine_v2h", "mesa"),
        "engine_v2i_over_engine_v2f": ("engine_v2i", "engine_v2f"),
        "engine_v2i_over_mesa": ("engine_v2i", "mesa"),
        "engine_v2j_over_engine_v2i": ("engine_v2j", "engine_v2i"),
        "engine_v2j_over_mesa": ("engine_v2j", "mesa"),
        "engine_v2k_over_engine_v2i": ("engine_v2k", "engine_v2i"),
        "engine_v2k_over_mesa": ("engine_v2k", "mesa"),
        "engine_v2n_over_engine_v2i": ("engine_v2n", "engine_v2i"),
        "engine_v2n_over_mesa": ("engine_v2n", "mesa"),
        "engine_v2n_over_engine": ("engine_v2n", "engine"),
        "engine_v2n_over_bare": ("engine_v2n", "bare"),
        "engine_v2p_over_engine_v2n": ("engine_v2p", "engine_v2n"),
        "engine_v2p_over_mesa": ("engine_v2p", "mesa"),
        "engine_v2r_over_engine_v2n": ("engine_v2r", "engine_v2n"),
        "engine_v2r_over_mesa": ("engine_v2r", "mesa"),
        "engine_v2s_over_engine_v2n": ("engine_v2s", "engine_v2n"),
        "engine_v2s_over_mesa": ("engine_v2s", "mesa"),
    }
    ratios: dict[str, dict[str, float]] = {}
    for key, (a, b) in pairs.items():
        if a in times and b in times:
            per_round = [speed(a, k) / speed(b, k) for k in range(rounds)]
            ratios[key] = {
                "median": statistics.median(per_round),
                "min": min(per_round),
                "max": max(per_round),
            }
            print(
                f"{key}: median {ratios[key]['median']:.1f}x "
                f"(rounds {ratios[key]['min']:.1f}-{ratios[key]['max']:.1f}x)",
                flush=True,
            )

    memory = None
    if not quick and "--skip-memory" not in sys.argv:
        rss, seconds = peak_memory(1_000_000, 120)
        memory = {"runs": 1_000_000, "horizon": 120, "max_rss_mib": rss, "seconds": seconds}
        print(f"1,000,000 runs x 120 months: max RSS {rss:.0f} MiB, {seconds:.0f} s", flush=True)

    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "numpy": np.__version__,
                "mesa": mesa_version,
                "results": results,
                "ratios": ratios,
                "memory": memory,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
