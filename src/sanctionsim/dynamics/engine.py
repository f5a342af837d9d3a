"""The Monte Carlo engine's driver: plan the chunks, draw each block, play the months, summarise.

``domain/MODEL.md`` §4, vectorised over runs. The rooms it drives:

* :mod:`~sanctionsim.dynamics.plan`: block arithmetic (runs -> blocks -> chunks);
* :mod:`~sanctionsim.dynamics.setup`: what is read from the scenario once, on its start date
  (:func:`sanctionsim.scenario.views.as_of`), for a model version;
* :mod:`~sanctionsim.dynamics.streams`: each block's keyed random streams and draws;
* :mod:`~sanctionsim.dynamics.kernel`: one month for every run of a chunk;
* :mod:`~sanctionsim.dynamics.metrics`: summaries over runs, combined block by block.

:func:`simulate_chunks` is the one seam every caller runs through: :func:`simulate` (the
forecast), :func:`run_outcomes` (per-run outcomes for history and tests), and the experiment
runner's chunk tasks. Results are identical whatever the chunk size, because every block draws
from its own streams and is reduced on its own.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sanctionsim.dynamics.escalation import EscalationDraws, EscalationKernel, writable
from sanctionsim.dynamics.folds import FoldCollector
from sanctionsim.dynamics.kernel import EASED_BELOW, Kernel, Month
from sanctionsim.dynamics.kernel_v2 import KernelV2, choice_terms, stack_choice_terms
from sanctionsim.dynamics.leadership import KernelElite
from sanctionsim.dynamics.metrics import Summary, histogram_counts, summarise
from sanctionsim.dynamics.plan import BLOCK, DEFAULT_CHUNK, ChunkSpec, Plan, check_seed
from sanctionsim.dynamics.records import RunOutcomes, SimulationResult, Timing
from sanctionsim.dynamics.rules import MODEL, ChoiceTerms, Rule, RuleContext, build_rule
from sanctionsim.dynamics.setup import Setup, prepare
from sanctionsim.dynamics.strategies import STRATEGIES
from sanctionsim.dynamics.streams import (
    BlockDraws,
    ColumnSource,
    Uniforms,
    concat_params,
    draw_block,
)
from sanctionsim.versions import model_version

if TYPE_CHECKING:
    from sanctionsim.coalition.parameters import CoalitionParameters
    from sanctionsim.dynamics.calibration import Calibration, FittedParameters
    from sanctionsim.dynamics.store import ParquetStore
    from sanctionsim.scenario.schema import Scenario

FloatArray = npt.NDArray[np.float64]
Int16Array = npt.NDArray[np.int16]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Chunk:
    """What one chunk produced: per-run outcomes and the monthly distributions of its runs.

    ``cohesion_hist`` and ``pressure_hist`` count the runs' cohesion and net pressure per month
    (:func:`~sanctionsim.dynamics.metrics.histogram_counts`); ``belief_sums`` is ``(blocks, H,
    N)``, each block's sum of the members' beliefs; ``months`` the months themselves when asked
    (for the Parquet store).
    """

    spec: ChunkSpec
    outcomes: RunOutcomes
    cohesion_hist: npt.NDArray[np.int64]
    pressure_hist: npt.NDArray[np.int64]
    belief_sums: FloatArray
    months: tuple[Month, ...] | None


def build_rules(
    setup: Setup,
    params: CoalitionParameters,
    trust: FloatArray,
    uniforms: Uniforms,
    terms: Sequence[ChoiceTerms] | None = None,
) -> list[Rule]:
    """One rule object per member for a chunk of ``params.runs`` runs (the setup's model); model
    v2's choice terms are the setup's clock's unless ``terms`` gives them
    (:func:`grid_outcomes`)."""
    snap_back = {deal.member: deal.snap_back for deal in setup.deals}
    if terms is None and setup.clock is not None:
        terms = choice_terms(params, setup.clock, setup.followers)
    rules = []
    for i, name in enumerate(setup.strategies):
        stochastic = name in STRATEGIES and STRATEGIES[name].metadata.stochastic
        column = ColumnSource(uniforms, setup.layout.classic(i)) if stochastic else None
        context = RuleContext(
            runs=params.runs,
            member=i,
            params=params,
            trust=trust[:, i, :],
            snap_back=snap_back.get(i),
            rng=None if column is None else column.as_generator(),
            choice=None if terms is None else terms[i],
        )
        rules.append(build_rule(name, context, setup.model))
    return rules


class _Recorder:
    """Folds a chunk's months into per-run first-event months and monthly distributions."""

    def __init__(self, setup: Setup, runs: int, horizon: int, sizes: Sequence[int]) -> None:
        n, d = len(setup.member_ids), len(setup.deals)
        self.bounds = np.cumsum([0, *sizes])
        self.stages = np.array([deal.stages for deal in setup.deals], dtype=np.int16)
        self.eased = np.zeros((runs, n), dtype=np.int16)
        self.conceded = np.zeros(runs, dtype=np.int16)
        self.ended = np.zeros(runs, dtype=np.int16)
        self.delivered = np.zeros((runs, d), dtype=np.int16)
        self.snapped = np.zeros((runs, d), dtype=np.int16)
        self.payoff_total = np.zeros((runs, n))
        self.cohesion = np.ones(runs)
        self.belief_sums = np.zeros((len(sizes), horizon, n))
        self.chances: list[FloatArray] = []  # model v2: (R, N) per month
        self.cohesion_hist: list[npt.NDArray[np.int64]] = []
        self.pressure_hist: list[npt.NDArray[np.int64]] = []

    @staticmethod
    def _first(months: Int16Array, happened: npt.NDArray[np.bool_], t: int) -> Int16Array:
        return np.where((months == 0) & happened, t, months).astype(np.int16)

    def add(self, t: int, month: Month) -> None:
        """Fold in month ``t``."""
        live = ~month.conceded | (self.conceded == 0)  # this month still counts
        self.eased = self._first(self.eased, (month.frac < EASED_BELOW) & live[:, None], t)
        self.conceded = self._first(self.conceded, month.conceded, t)
        if month.ended is not None:
            self.ended = self._first(self.ended, month.ended, t)
        self.delivered = self._first(self.delivered, month.delivered >= self.stages, t)
        self.snapped = self._first(self.snapped, month.snapped, t)
        self.payoff_total += month.payoff
        self.cohesion = month.cohesion
        self.cohesion_hist.append(histogram_counts(month.cohesion))
        self.pressure_hist.append(histogram_counts(month.net))
        if month.chance is not None:
            self.chances.append(month.chance)
        for b in range(len(self.belief_sums)):
            lo, hi = self.bounds[b], self.bounds[b + 1]
            self.belief_sums[b, t - 1] = month.belief[lo:hi].sum(axis=0)

    def outcomes(self, horizon: int) -> RunOutcomes:
        """The runs' outcomes once every month is in."""
        return RunOutcomes(
            self.eased,
            self.conceded,
            self.delivered,
            self.snapped,
            self.cohesion,
            self.payoff_total / horizon,
            np.stack(self.chances, axis=1).astype(np.float32) if self.chances else None,
            self.ended,
        )

    def chunk(self, spec: ChunkSpec, horizon: int, months: tuple[Month, ...] | None) -> Chunk:
        """The chunk's record once every month is in."""
        return Chunk(
            spec,
            self.outcomes(horizon),
            np.stack(self.cohesion_hist),
            np.stack(self.pressure_hist),
            self.belief_sums,
            months,
        )


def run_chunk(setup: Setup, seed: int, spec: ChunkSpec, horizon: int, months: bool) -> Chunk:
    """Simulate the runs of one chunk's blocks together, month by month."""
    draws = [draw_block(setup, seed, b, n) for b, n in zip(spec.blocks, spec.sizes, strict=True)]
    kernel, params = _chunk_kernel(setup, draws, spec.sizes, horizon)
    recorder, kept = _play(setup, kernel, params.runs, spec.sizes, horizon, months)
    return recorder.chunk(spec, horizon, kept)


def _play(
    setup: Setup, kernel: Kernel, runs: int, sizes: Sequence[int], horizon: int, months: bool
) -> tuple[_Recorder, tuple[Month, ...] | None]:
    """Play the kernel's months into a recorder; the months themselves too when asked."""
    recorder = _Recorder(setup, runs, horizon, sizes)
    kept: list[Month] = []
    kernel.first()
    for t in range(1, horizon + 1):
        month = kernel.month()
        recorder.add(t, month)
        if months:
            kept.append(month)
    return recorder, tuple(kept) if months else None


def _chunk_kernel(
    setup: Setup,
    draws: Sequence[BlockDraws],
    sizes: Sequence[int],
    horizon: int,
    terms: Sequence[ChoiceTerms] | None = None,
    concession_scale: FloatArray | None = None,
) -> tuple[Kernel, CoalitionParameters]:
    """The month kernel of a chunk's drawn blocks (``sizes`` runs each), and their parameters;
    model v2's choice terms and ψ per run where given (:func:`grid_outcomes`), else the setup's."""
    params = concat_params([d.params for d in draws])
    if setup.escalation is not None:
        params = writable(params)  # the kernel moves the fixed pressure and beta
    trust = np.concatenate([d.trust for d in draws])
    uniforms = Uniforms([d.rng for d in draws], sizes, setup.layout.width)
    rules = build_rules(setup, params, trust, uniforms, terms)
    widen = np.concatenate([d.widen for d in draws])
    reliable = np.concatenate([d.reliable for d in draws])
    kernel: Kernel
    common: dict[str, Any] = {
        "setup": setup, "params": params, "trust": trust, "widen": widen, "reliable": reliable
    }  # fmt: skip
    if setup.clock is None:
        kernel = Kernel(rules, uniforms, **common)
    else:
        members = len(setup.member_ids)
        choices = Uniforms([d.choices for d in draws if d.choices], sizes, 2 * members + 1)
        clock = setup.clock.months(horizon)
        if concession_scale is not None:  # calibrate's stacked grid points, each its own ψ
            clock = dataclasses.replace(clock, concession_scale=concession_scale)
        if setup.clock.inclination_scale > 0:  # model v2e: each member's σ·z_i (model-v2.md E1)
            drawn = [d.inclination for d in draws if d.inclination is not None]
            common["inclination"] = setup.clock.inclination_scale * np.concatenate(drawn)
        if setup.leadership is not None:  # model v2-elite: the target's leader may leave office
            elite = Uniforms([d.elite for d in draws if d.elite is not None], sizes, 2)
            kernel = KernelElite(
                rules,
                uniforms,
                choices=choices,
                clock=clock,
                elite=elite,
                leadership=setup.leadership,
                **common,
            )
        elif setup.escalation is not None:  # model v2-escalation
            found = EscalationDraws.concat(
                [d.escalation for d in draws if d.escalation is not None]
            )
            steps = Uniforms(found.months, sizes, setup.escalation.width)
            kernel = EscalationKernel(
                rules, uniforms, choices=choices, clock=clock, escalation=setup.escalation,
                draws=found, months=steps, **common,
            )  # fmt: skip
        else:
            kernel = KernelV2(rules, uniforms, choices=choices, clock=clock, **common)
    return kernel, params


def simulate_chunks(
    setup: Setup, seed: int, plan: Plan, *, months: bool = False
) -> Iterator[Chunk]:
    """Every chunk of ``plan``, in run order: the one way the engine is run.

    ``months=True`` keeps each chunk's months (for the Parquet store; memory grows with the
    chunk size times the horizon).

    Raises:
        ArgumentError: a negative ``seed``.
    """
    check_seed(seed)
    for spec in plan.chunks():
        yield run_chunk(setup, seed, spec, plan.horizon, months)


def _calibrated(model: str, calibration: Calibration | None) -> dict[str, Any]:
    """``prepare``'s v2 arguments from a calibration: its global fit (None: the shipped one's)."""
    if calibration is None or not model_version(model).calibrated:
        return {}
    return {"choice": calibration.fitted, "omega": calibration.omega}


def simulate(
    scenario: Scenario,
    *,
    runs: int = 10_000,
    horizon: int | None = None,
    seed: int = 0,
    chunk_size: int = DEFAULT_CHUNK,
    store: ParquetStore | None = None,
    progress: Progress | None = None,
    model: str = MODEL,
    calibration: Calibration | None = None,
    fold_range: bool = True,
) -> SimulationResult:
    """Simulate ``runs`` runs of ``horizon`` months (default: the scenario's) from its start.

    Model v2 plays the parameters ``calibration`` fitted on every case (default: the shipped
    calibration); v1 reads no calibration. With ``fold_range`` (v2 only), the headline
    probabilities' range across the calibration's distinct fold parameter sets is computed too
    (:mod:`sanctionsim.dynamics.folds`: paired runs, at most
    :data:`~sanctionsim.dynamics.folds.FOLD_RUNS` a set; ``progress`` counts those runs too,
    :func:`planned_runs`).

    Raises:
        ArgumentError: bad sizes (``runs < 1``, horizon outside 1..600, chunk size not a
            multiple of :data:`~sanctionsim.dynamics.plan.BLOCK`), a negative seed, an unknown
            model version.
        InputError: a scenario the engine cannot play.
    """
    from sanctionsim import __version__

    if model_version(model).calibrated and calibration is None:
        from sanctionsim.dynamics.calibration import load_calibration

        calibration = load_calibration(model=model)
    plan = Plan(runs, scenario.horizon_months if horizon is None else horizon, chunk_size)
    check_seed(seed)
    setup = prepare(scenario, model, **_calibrated(model, calibration))
    deal_ids = tuple(d.id for d in setup.deals)
    summary = Summary(plan.horizon, setup.member_ids, deal_ids)
    folds = None
    if model_version(model).calibrated and fold_range and calibration is not None:
        folds = FoldCollector(calibration, plan.runs, setup, plan.horizon)
    started = time.perf_counter()
    write_seconds = 0.0
    for chunk in simulate_chunks(setup, seed, plan, months=store is not None):
        summary.add_chunk(chunk)
        if folds is not None:
            folds.take(chunk)
        if store is not None and chunk.months is not None:
            before = time.perf_counter()
            store.write_chunk(chunk.spec.first_run, chunk.months, setup.member_ids, deal_ids)
            write_seconds += time.perf_counter() - before
        if progress is not None:
            progress(chunk.spec.runs)
    across = None if folds is None else folds.finish(seed, chunk_size, simulate_chunks, progress)
    elapsed = time.perf_counter() - started
    metrics, curves = summarise(summary)
    return SimulationResult(
        scenario_id=scenario.id,
        start=scenario.start.isoformat(),
        runs=plan.runs,
        horizon=plan.horizon,
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
        model=model,
        calibration=None if calibration is None else calibration.identity(),
        fold_range=across,
    )


def planned_runs(
    runs: int, model: str = MODEL, calibration: Calibration | None = None, fold_range: bool = True
) -> int:
    """Runs :func:`simulate` plays for a forecast of ``runs`` runs: its own, and for model v2
    with ``fold_range`` those of the fold parameter sets it simulates (a progress bar's total)."""
    if not model_version(model).calibrated or not fold_range:
        return runs
    from sanctionsim.dynamics.calibration import load_calibration
    from sanctionsim.dynamics.folds import extra_runs

    chosen = load_calibration(model=model) if calibration is None else calibration
    return runs + extra_runs(chosen, runs)


STACKED_RUNS = 8 * BLOCK
"""At most this many runs are stacked in one simulation by :func:`grid_outcomes` (grid points
times runs): the per-month work of a few hundred runs is mostly fixed cost, so stacking points
plays them at the speed of a large chunk, within a chunk's memory."""


def grid_outcomes(
    scenario: Scenario,
    choices: Sequence[FittedParameters],
    *,
    runs: int,
    horizon: int,
    seed: int,
    model: str,
    omega: float | None = None,
) -> list[RunOutcomes]:
    """:func:`run_outcomes` at each of ``choices`` (calibrate's grid points), identical to it
    run by run and bit for bit, but played together: the points' runs are stacked, up to
    :data:`STACKED_RUNS` at a time, each point's blocks drawing from the same streams as when it
    is played alone (common random numbers across points), with its own choice terms and ψ per
    run. Points whose carve-out shift ξ or lobby weight η differ are played in separate stacks.

    Raises:
        ArgumentError: a model version outside the v2 family, or one whose target or third
            parties have kernels of their own (v2-elite, v2-escalation); bad sizes or seed.
    """
    from sanctionsim.errors import ArgumentError

    if not choices:
        return []
    plan = Plan(runs, horizon, DEFAULT_CHUNK)
    check_seed(seed)
    setup = prepare(scenario, model, choice=choices[0], omega=omega)
    if setup.clock is None or setup.leadership is not None or setup.escalation is not None:
        raise ArgumentError.of("model", f"model {model} has no stacked grid (a v2 fit only)")
    clocks = [dataclasses.replace(setup.clock, choice=choice) for choice in choices]
    lanes = [dataclasses.replace(setup, clock=clock) for clock in clocks]
    per_point: list[list[RunOutcomes]] = [[] for _ in choices]
    for stack in _stacks(choices, plan.runs):
        for spec in plan.chunks():
            drawn = [
                [
                    draw_block(lanes[k], seed, b, n)
                    for b, n in zip(spec.blocks, spec.sizes, strict=True)
                ]
                for k in stack
            ]
            terms = [
                choice_terms(concat_params([d.params for d in blocks]), clocks[k],
                             setup.followers)
                for k, blocks in zip(stack, drawn, strict=True)
            ]  # fmt: skip
            sizes = list(spec.sizes) * len(stack)
            scale = np.repeat([clocks[k].concession_factor for k in stack], spec.runs)
            kernel, params = _chunk_kernel(
                setup,
                [d for blocks in drawn for d in blocks],
                sizes,
                horizon,
                [stack_choice_terms(member) for member in zip(*terms, strict=True)],
                scale,
            )
            recorder, _ = _play(setup, kernel, params.runs, sizes, horizon, months=False)
            outcomes = recorder.outcomes(horizon)
            for j, k in enumerate(stack):
                per_point[k].append(outcomes.rows(slice(j * spec.runs, (j + 1) * spec.runs)))
    return [RunOutcomes.concat(parts) for parts in per_point]


def _stacks(choices: Sequence[FittedParameters], runs: int) -> list[list[int]]:
    """The points played together: those sharing ξ and η, in grid order, at most
    :data:`STACKED_RUNS` runs a stack (at least one point)."""
    width = max(1, STACKED_RUNS // runs)
    groups: dict[tuple[float, float], list[int]] = {}
    for k, choice in enumerate(choices):
        groups.setdefault((choice.carve_out_shift, choice.lobby_weight), []).append(k)
    return [
        members[i : i + width] for members in groups.values() for i in range(0, len(members), width)
    ]


def run_outcomes(
    scenario: Scenario,
    *,
    runs: int,
    horizon: int,
    seed: int,
    chunk_size: int = DEFAULT_CHUNK,
    model: str = MODEL,
    choice: FittedParameters | None = None,
    omega: float | None = None,
) -> RunOutcomes:
    """Every run's outcomes, in run order (history's forecasts, tests and benchmarks).

    Model v2 plays ``choice`` with epoch rate ``omega`` (default: the shipped calibration's).
    """
    plan = Plan(runs, horizon, chunk_size)
    setup = prepare(scenario, model, choice=choice, omega=omega)
    return RunOutcomes.concat([c.outcomes for c in simulate_chunks(setup, seed, plan)])
