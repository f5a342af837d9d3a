"""Running an experiment: chunks of cells on a backend, into the store, then paired comparisons.

Each cell's runs are cut into chunks of ``chunk_size`` runs (whole blocks of the engine). A chunk
is one task, ``run_chunk_task``: it simulates its blocks with the engine's keyed streams, so a
chunk's rows depend only on (cell, seed, its blocks): the same whatever the backend, the number
of workers or the chunk size. The driver writes each finished chunk to the store atomically; the
summaries are computed afterwards from the stored rows in run order, so the JSON is byte for
byte the same across backends, worker counts and chunk sizes.

**Paired differences.** Every cell shares the random numbers of its baseline run by run (common
random numbers, :mod:`sanctionsim.coalition.parameters`), so for a metric ``x`` the per-run
difference ``d_r = x_r(policy) - x_r(baseline)`` has a small variance; the 95% interval of the
mean difference is ``mean(d) +- 1.96 sd(d) / sqrt(n)`` (normal approximation for a mean of
``n`` paired differences; Law, *Simulation Modeling and Analysis*, 5th ed., §10.2.1).
Baseline rows carry the interval of the metric itself: Wilson for probabilities, normal for means.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sanctionsim.dynamics.plan import Plan, check_horizon
from sanctionsim.dynamics.records import Interval, normal_interval
from sanctionsim.errors import ArgumentError, InputError
from sanctionsim.experiments.backends import Backend, DaskBackend, LocalBackend, make_backend
from sanctionsim.experiments.models import ModelTerms, model_terms
from sanctionsim.experiments.samples import SampleStore
from sanctionsim.experiments.spec import BASELINE, Cell, ExperimentSpec, build_cells, check_sizes
from sanctionsim.experiments.store import (
    RESULTS,
    ResultStore,
    outcome_columns,
    outcomes_from_columns,
    tidy_comparison,
)
from sanctionsim.files import write_text_atomically
from sanctionsim.scenario.schema import Scenario
from sanctionsim.tables import Row, TidyRecord, write_table

FloatArray = npt.NDArray[np.float64]


# ---------------------------------------------------------------- tasks (run in workers)
@dataclass(frozen=True)
class ChunkTask:
    """Runs ``first_run .. first_run + runs`` of one cell (whole engine blocks)."""

    cell: int
    first_run: int
    runs: int
    horizon: int
    seed: int
    scenario: Scenario
    model: ModelTerms = field(default_factory=lambda: ModelTerms())


def run_chunk_task(task: ChunkTask) -> tuple[int, int, dict[str, np.ndarray]]:
    """Simulate one chunk through the engine's seam; return (cell, first run, per-run columns)."""
    from sanctionsim.dynamics.engine import simulate_chunks
    from sanctionsim.dynamics.plan import Plan

    setup = task.model.prepare(task.scenario)
    plan = Plan.one_chunk(task.runs, task.horizon, task.first_run)
    (chunk,) = simulate_chunks(setup, task.seed, plan)
    columns = outcome_columns(
        chunk.outcomes, task.first_run, setup.member_ids, [d.id for d in setup.deals]
    )
    return task.cell, task.first_run, columns


@dataclass(frozen=True)
class SampleTask:
    """One point of a sensitivity design: the scenario with inputs fixed, ``runs`` runs."""

    index: int
    scenario: Scenario
    values: tuple[tuple[str, float], ...]
    runs: int
    horizon: int
    seed: int
    metric: str
    model: ModelTerms = field(default_factory=lambda: ModelTerms())


def run_sample_task(task: SampleTask) -> tuple[int, float]:
    """The metric's mean over the runs of one sensitivity sample."""
    from sanctionsim.dynamics.engine import run_outcomes
    from sanctionsim.dynamics.records import per_run_values
    from sanctionsim.dynamics.setup import prepare
    from sanctionsim.experiments.inputs import fix_inputs

    scenario = fix_inputs(task.scenario, dict(task.values), where="sensitivity")
    setup = prepare(scenario)
    outcomes = run_outcomes(
        scenario,
        runs=task.runs,
        horizon=task.horizon,
        seed=task.seed,
        model=task.model.version,
        choice=task.model.choice,
        omega=task.model.omega,
    )
    deal_ids = [d.id for d in setup.deals]
    for name, _, values in per_run_values(outcomes, setup.member_ids, deal_ids):
        if name == task.metric:
            return task.index, float(values.mean())
    raise InputError.single("sensitivity", f"no metric {task.metric!r}", "metric")


# ---------------------------------------------------------------- metrics
def per_run_metrics(
    columns: dict[str, np.ndarray], member_ids: Iterable[str], deal_ids: Iterable[str]
) -> tuple[dict[str, FloatArray], dict[str, bool]]:
    """Each metric's value in every run (:data:`~sanctionsim.dynamics.records.METRICS`), and
    whether it is a proportion."""
    from sanctionsim.dynamics.records import per_run_values

    members, deals = list(member_ids), list(deal_ids)
    outcomes = outcomes_from_columns(columns, members, deals)
    values: dict[str, FloatArray] = {}
    proportion: dict[str, bool] = {}
    for name, metric, array in per_run_values(outcomes, members, deals):
        values[name] = np.ascontiguousarray(array)
        proportion[name] = metric.proportion
    return values, proportion


def compare(
    cells: list[Cell],
    tables: dict[int, dict[str, np.ndarray]],
    members: dict[int, list[str]],
    deals: dict[int, list[str]],
) -> list[dict[str, Any]]:
    """One row per (scenario, grid point, policy, metric), paired with the cell's baseline."""
    baselines = {c.baseline_key: c.index for c in cells if c.policy == BASELINE}
    rows: list[dict[str, Any]] = []
    cache: dict[int, tuple[dict[str, FloatArray], dict[str, bool]]] = {}

    def metrics(index: int) -> tuple[dict[str, FloatArray], dict[str, bool]]:
        if index not in cache:
            cache[index] = per_run_metrics(tables[index], members[index], deals[index])
        return cache[index]

    for cell in cells:
        values, proportion = metrics(cell.index)
        base_values, _ = metrics(baselines[cell.baseline_key])
        for name, x in values.items():
            interval = Interval.of_values(x, proportion[name])
            row: dict[str, Any] = {
                "scenario": cell.scenario_label,
                "grid": dict(cell.grid),
                "policy": cell.policy,
                "metric": name,
                "mean": interval.mean,
                "mean_ci95": [interval.low, interval.high],
            }
            if cell.policy == BASELINE:
                row["diff_vs_baseline"] = 0.0
                row["ci95"] = [interval.low, interval.high]
            else:
                d = x - base_values[name]
                row["diff_vs_baseline"] = float(d.mean())
                row["ci95"] = list(normal_interval(d))
            rows.append(row)
    return rows


__all__ = [  # the backends live in experiments/backends.py; these names stay importable here
    "Backend",
    "DaskBackend",
    "ExperimentResult",
    "LocalBackend",
    "make_backend",
    "run_experiment",
]


# ---------------------------------------------------------------- the experiment
Progress = Callable[[int, int], None]  # (chunks or samples done, runs done)


@dataclass(frozen=True, repr=False)
class ExperimentResult(TidyRecord):
    """What an experiment produced: the comparison rows and sensitivity, and how it ran.

    ``to_frame()`` is the comparison as a tidy table (:meth:`tidy_rows`), which the store also
    holds as ``results.csv`` and ``results.parquet``.
    """

    document: dict[str, Any]
    cells: list[Cell]
    chunks_total: int
    chunks_run: int
    seconds: float
    folder: Path

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The comparison rows."""
        rows: list[dict[str, Any]] = self.document["rows"]
        return rows

    def caption(self) -> str:
        """``golden.yaml: 2 scenarios x 3 policies, 2,048 paired runs, seed 0, store out/x``."""
        meta = self.document["experiment"]
        return (
            f"{meta['spec']}: {len(meta['scenarios'])} scenarios x {len(meta['policies'])} "
            f"policies, {meta['runs']:,} paired runs, seed {meta['seed']}, store {self.folder}"
        )

    def tidy_rows(self) -> list[Row]:
        """:func:`tidy_comparison` of the rows."""
        return tidy_comparison(self.rows)


def _manifest(
    spec: ExperimentSpec, cells: list[Cell], runs: int, chunk_size: int, model: ModelTerms
) -> dict[str, Any]:
    from sanctionsim import __version__

    return {
        "version": __version__,
        "model_version": model.version,
        "calibration": model.calibration,  # v2: source and SHA-256; a resume must match
        "runs": runs,
        "horizon": spec.horizon,
        "seed": spec.seed,
        "chunk_size": chunk_size,
        "cells": [
            {
                "cell": c.index,
                "scenario": c.scenario_label,
                "policy": c.policy,
                "grid": json.dumps(dict(c.grid), sort_keys=True),
                "scenario_sha256": hashlib.sha256(
                    c.scenario.model_dump_json().encode()
                ).hexdigest(),
            }
            for c in cells
        ],
    }


def plan(spec: ExperimentSpec, base: Path, runs: int | None = None) -> tuple[list[Cell], int]:
    """The cells and the runs per cell (``runs`` overrides the spec's)."""
    cells = build_cells(spec, base)
    total = spec.runs if runs is None else runs
    check_sizes(total, spec.chunk_size)
    return cells, total


def run_experiment(
    spec: ExperimentSpec,
    *,
    base: Path,
    out: Path,
    backend: Backend,
    runs: int | None = None,
    resume: bool = False,
    progress: Callable[[int, int, int, int], None] | None = None,
    started: Callable[[int, int, int], None] | None = None,
    spec_name: str = "spec",
) -> ExperimentResult:
    """Run every missing chunk of every cell, then compare policies with their baseline.

    ``started(chunks_total, chunks_pending, sample_tasks)`` is called once the work is known;
    ``progress(chunks_done, runs_done, samples_done, sample_runs_done)`` after each task.

    Raises:
        InputError: a bad spec, store or backend (see :class:`ResultStore`, :func:`make_backend`).
    """
    clock = time.perf_counter()
    cells, total_runs = plan(spec, base, runs)
    horizons = {c.index: spec.horizon or c.scenario.horizon_months for c in cells}
    for c in cells:
        try:
            check_horizon(horizons[c.index])
        except ArgumentError as error:  # the spec's field (or the scenario's), not a flag
            raise InputError(error.problems) from None
    model = model_terms(spec, base)
    analyses, samples = _sample_tasks(spec, cells, horizons, model)  # checks the inputs first
    store = ResultStore(out)
    store.prepare(_manifest(spec, cells, total_runs, spec.chunk_size, model), resume)
    try:
        return _run_in_store(
            spec,
            cells,
            total_runs,
            horizons,
            analyses,
            samples,
            store,
            backend,
            resume,
            progress,
            started,
            spec_name,
            clock,
            model,
        )
    finally:
        store.unlock()


def _run_in_store(
    spec: ExperimentSpec,
    cells: list[Cell],
    total_runs: int,
    horizons: dict[int, int],
    analyses: list[_Analysis],
    samples: list[SampleTask],
    store: ResultStore,
    backend: Backend,
    resume: bool,
    progress: Callable[[int, int, int, int], None] | None,
    started: Callable[[int, int, int], None] | None,
    spec_name: str,
    clock: float,
    model: ModelTerms,
) -> ExperimentResult:
    """The part of :func:`run_experiment` that runs while it holds the store's lock."""
    out = store.folder
    pending: list[ChunkTask] = []
    chunks_total = 0
    for cell in cells:
        horizon = horizons[cell.index]
        for chunk in Plan(total_runs, horizon, spec.chunk_size).chunks():
            chunks_total += 1
            if resume and store.chunk_is_complete(cell.index, chunk.first_run, chunk.runs):
                continue
            task = ChunkTask(
                cell.index, chunk.first_run, chunk.runs, horizon, spec.seed, cell.scenario, model
            )
            pending.append(task)
    sample_store = SampleStore(out, resume)  # samples a resumed run already has are reused
    if started is not None:
        started(chunks_total, len(pending), len(sample_store.missing(samples)))
    labels = {c.index: c for c in cells}
    done_chunks = done_runs = 0
    for cell_index, first, columns in backend.map_unordered(run_chunk_task, pending):
        identity = store.chunk_identity(cell_index, first, int(columns["run"].size))
        assert identity is not None  # every cell is in the manifest
        store.write_chunk(cell_index, first, _table(labels[cell_index], columns), identity)
        done_chunks += 1
        done_runs += columns["run"].size
        if progress is not None:
            progress(done_chunks, done_runs, 0, 0)
    rows = compare(cells, *_read_cells(store, cells, total_runs))
    sensitivity = None
    if spec.sensitivity is not None:
        sensitivity = _run_sensitivity(
            spec, analyses, samples, backend, progress, done_chunks, done_runs, sample_store
        )
    document: dict[str, Any] = {
        "experiment": {
            "spec": spec_name,
            "runs": total_runs,
            "horizon": spec.horizon,
            "seed": spec.seed,
            "scenarios": list(dict.fromkeys(c.scenario_label for c in cells)),
            "policies": list(dict.fromkeys(c.policy for c in cells)),
            "grid": {k: list(v) for k, v in spec.grid.items()},
        },
        "rows": rows,
        "sensitivity": sensitivity,
    }
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    write_text_atomically(out / RESULTS, text)
    write_table(tidy_comparison(rows), out, RESULTS.removesuffix(".json"))
    store.write_catalog(rows)
    seconds = time.perf_counter() - clock
    info = {
        "backend": type(backend).__name__,
        "workers": backend.workers,
        "chunks_total": chunks_total,
        "chunks_run": len(pending),
        "seconds": seconds,
    }
    write_text_atomically(out / "run-info.json", json.dumps(info, indent=2) + "\n")
    return ExperimentResult(document, cells, chunks_total, len(pending), seconds, out)


def _read_cells(
    store: ResultStore, cells: list[Cell], total_runs: int
) -> tuple[dict[int, dict[str, np.ndarray]], dict[int, list[str]], dict[int, list[str]]]:
    """Every cell's stored columns, members and deals, for :func:`compare`."""
    from sanctionsim.dynamics.setup import prepare

    tables: dict[int, dict[str, np.ndarray]] = {}
    members: dict[int, list[str]] = {}
    deals: dict[int, list[str]] = {}
    for cell in cells:
        table = store.read_cell(cell.index)
        if table.num_rows != total_runs:  # pragma: no cover - guarded by the chunk checks
            raise RuntimeError(f"cell {cell.index} holds {table.num_rows} runs, not {total_runs}")
        tables[cell.index] = {name: table.column(name).to_numpy() for name in table.column_names}
        setup = prepare(cell.scenario)
        members[cell.index] = list(setup.member_ids)
        deals[cell.index] = [d.id for d in setup.deals]
    return tables, members, deals


def _table(cell: Cell, columns: dict[str, np.ndarray]) -> Any:
    import pyarrow as pa

    n = columns["run"].size
    labels = {
        "cell": pa.array(np.full(n, cell.index, dtype=np.int32)),
        "scenario": pa.array([cell.scenario_label] * n, pa.string()),
        "policy": pa.array([cell.policy] * n, pa.string()),
        "grid": pa.array([json.dumps(dict(cell.grid), sort_keys=True)] * n, pa.string()),
    }
    return pa.table({**labels, **{k: pa.array(v) for k, v in columns.items()}})


# ---------------------------------------------------------------- sensitivity
@dataclass(frozen=True)
class _Analysis:
    cell: Cell
    design: Any  # sensitivity.Design
    offset: int


def _sample_tasks(
    spec: ExperimentSpec, cells: list[Cell], horizons: dict[int, int], model: ModelTerms
) -> tuple[list[_Analysis], list[SampleTask]]:
    """One analysis per baseline cell (scenario x grid point), its points as tasks."""
    from sanctionsim.experiments.sensitivity import design

    sensitivity = spec.sensitivity
    if sensitivity is None:
        return [], []
    analyses: list[_Analysis] = []
    tasks: list[SampleTask] = []
    for cell in cells:
        if cell.policy != BASELINE:
            continue
        points = design(cell.scenario, sensitivity, spec.seed)
        analyses.append(_Analysis(cell, points, len(tasks)))
        for values in points.values:
            tasks.append(
                SampleTask(
                    len(tasks),
                    cell.scenario,
                    values,
                    sensitivity.runs_per_sample,
                    horizons[cell.index],
                    spec.seed,
                    sensitivity.metric,
                    model,
                )
            )
    return analyses, tasks


def _run_sensitivity(
    spec: ExperimentSpec,
    analyses: list[_Analysis],
    tasks: list[SampleTask],
    backend: Backend,
    progress: Callable[[int, int, int, int], None] | None,
    chunks: int,
    runs: int,
    stored: SampleStore,
) -> list[dict[str, Any]]:
    """Every design's analysis; only the samples ``stored`` lacks are simulated (and stored)."""
    from sanctionsim.experiments.sensitivity import analyse

    sensitivity = spec.sensitivity
    assert sensitivity is not None
    results = np.empty(len(tasks))
    for task in tasks:
        value = stored.value(task)
        if value is not None:
            results[task.index] = value
    missing = stored.missing(tasks)
    for done, (index, value) in enumerate(backend.map_unordered(run_sample_task, missing), 1):
        results[index] = value
        stored.record(tasks[index], value)
        if progress is not None:
            progress(chunks, runs, done, done * sensitivity.runs_per_sample)
    stored.save()
    out = []
    for analysis in analyses:
        count = len(analysis.design.values)
        y = results[analysis.offset : analysis.offset + count]
        report = analyse(analysis.design, y, sensitivity, analysis.cell.scenario_label, spec.seed)
        report["grid"] = dict(analysis.cell.grid)
        out.append(report)
    return out
