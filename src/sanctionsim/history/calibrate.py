"""Fit model v2's λ and α on a case library, leaving one cluster out (docs/model-v2.md).

The search is the design note's, fixed before any v2 score: each version's grid
(:mod:`sanctionsim.history.grids`: λ × α for v2, ψ × λ × α for v2f, one more parameter for each of
v2g to v2p, v2r and v2s, each fixed in its design note; v2q's grid drops one), every case forecast
once at every grid point with :data:`SEARCH_RUNS` runs (:func:`case_grid`, one task per case, so a
case's set-up and the target's clock are read once, its points played together in stacks, each
point's runs identical to its playing alone: :func:`~sanctionsim.dynamics.engine.grid_outcomes`),
then reused across folds. For each cluster, the point that maximises the objective on the *other*
clusters is its fold's parameters; the point that maximises it on every cluster is the global fit.
``history --model v2`` then forecasts each case at its fold's point with the full run count: the
leave-one-cluster-out (LOCO) score.

**The objective** (the design note's posterior; its weighting written down here, 2026-12-01,
before any fitted v2 score): the log-likelihood of the protocol's scored pairs, each case's
pairs averaged, cases averaged within their cluster and clusters averaged (the headline's
weights: :meth:`~sanctionsim.history.evaluation.HistoryEvaluation.log_score`), scaled by the
number of distinct scored events (case, event) so that the likelihood counts each event once,
not once per horizon (the four horizons read one event's month: an interval-censored
likelihood), plus the log priors (:func:`~sanctionsim.history.grids.log_prior`): λ half-normal
with scale :data:`~sanctionsim.history.grids.SLOPE_PRIOR_SCALE`, α
log-uniform on [0.001, 0.1] (flat on the grid's log scale, so its log prior is a constant); ψ
log-normal about 1 (v2f), ξ normal about 0 (v2g), η half-normal (v2h), μ half-normal (v2i) and
ν half-normal (v2j), ζ flat on [0, 1] (v2k), ρ half-normal (v2l), T flat on its grid (v2r, v2s), χ
(v2m to v2q) and ε (v2n,
v2o) log-normal about 1, and τ half-normal (v2o, v2p).

Every case's grid is written to a work folder as it completes (``<case>.json``, atomically);
a calibration run after a kill reuses every part whose inputs (content hash, grid, runs, seed,
horizons, ω and the model's code) match, and recomputes the rest.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sanctionsim.dynamics.calibration import Calibration, FittedParameters
from sanctionsim.history.grids import (
    GRID,
    PRIOR_TEXTS,
    SLOPE_PRIOR_SCALE,
    grid_axes,
    grid_of,
    grid_slice,
    log_prior,
)
from sanctionsim.history.protocol import case_facts, clusters, event_pairs
from sanctionsim.scenario.schema import Scenario

SEARCH_RUNS = 512
FINAL_RUNS = 2048
LOG_CLIP = 0.001  # as the headline's log score

_MODEL_SOURCES = (
    "dynamics/kernel.py",
    "dynamics/kernel_v2.py",
    "dynamics/rules.py",
    "dynamics/rules_v2.py",
    "coalition/shadow.py",
    "versions.py",
    "dynamics/choice.py",
    "dynamics/clock.py",
    "dynamics/epochs.py",
    "dynamics/target.py",
    "coalition/commitment.py",
    "coalition/payoffs.py",
    "coalition/parameters.py",
    "coalition/carve_outs.py",
    "coalition/quantities.py",
    "dynamics/setup.py",
    "scenario/episode.py",
)


def model_code_hash() -> str:
    """SHA-256 of model v2's source files: a stored grid from other code is never reused."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in _MODEL_SOURCES:
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class GridTask:
    """One case's grid: everything a worker needs (picklable)."""

    reference: str  # a built-in case id or a scenario file's path
    runs: int
    seed: int
    horizons: tuple[int, ...]
    omega: float
    model: str = "v2"


def case_grid(task: GridTask) -> dict[str, Any]:
    """Forecast one case at every grid point: ``{"case", "content_hash", "forecasts"}`` with
    ``forecasts[k]`` the probabilities of grid point k, keyed ``"event@horizon"``."""
    from sanctionsim.history.forecast import grid_forecasts
    from sanctionsim.history.protocol import content_hash
    from sanctionsim.scenario.loader import load_scenario

    scenario = load_scenario(task.reference)
    played = grid_forecasts(
        scenario,
        task.horizons,
        grid_of(task.model),
        runs=task.runs,
        seed=task.seed,
        model=task.model,
        omega=task.omega,
    )  # the points played together, each as model_forecast plays it alone
    forecasts = [
        {f"{e}@{h}": p for (e, h), p in sorted(forecast.probabilities.items())}
        for forecast in played
    ]
    return {
        "reference": task.reference,
        "case": scenario.id,
        "content_hash": content_hash(scenario),
        "forecasts": forecasts,
    }


@dataclass(frozen=True)
class CaseData:
    """A case's scored pairs (event@horizon, recorded) and its cluster."""

    case: str
    cluster: int
    pairs: tuple[tuple[str, int], ...]

    @property
    def events(self) -> int:
        """Distinct scored events."""
        return len({key.rsplit("@", 1)[0] for key, _ in self.pairs})


def case_data(scenarios: Sequence[Scenario], horizons: Sequence[int]) -> list[CaseData]:
    """Each case's scored pairs and its cluster among the given cases (protocol rules)."""
    facts = [case_facts(s) for s in scenarios]
    cluster_of = clusters(facts)
    result = []
    for scenario, cluster in zip(scenarios, cluster_of, strict=True):
        pairs = tuple(
            (f"{p.event}@{p.horizon}", int(p.recorded or 0))
            for p in event_pairs(scenario, horizons)
            if p.scored
        )
        if pairs:
            result.append(CaseData(scenario.id, cluster, pairs))
    return result


def objective(
    data: Sequence[CaseData],
    grids: dict[str, list[dict[str, float]]],
    point: int,
    grid: Sequence[FittedParameters] = GRID,
) -> float:
    """The posterior of grid point ``point`` on ``data`` (module docstring): headline-weighted
    mean log-likelihood × distinct scored events + log prior."""
    per_cluster: dict[int, list[float]] = {}
    for case in data:
        forecast = grids[case.case][point]
        p = np.clip([forecast[key] for key, _ in case.pairs], LOG_CLIP, 1 - LOG_CLIP)
        y = np.array([y for _, y in case.pairs], dtype=np.float64)
        loglik = float(np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
        per_cluster.setdefault(case.cluster, []).append(loglik)
    if not per_cluster:
        return log_prior(grid[point])
    mean = float(np.mean([np.mean(v) for v in per_cluster.values()]))
    return mean * sum(case.events for case in data) + log_prior(grid[point])


def best_point(
    data: Sequence[CaseData],
    grids: dict[str, list[dict[str, float]]],
    grid: Sequence[FittedParameters] = GRID,
    points: Sequence[int] | None = None,
) -> int:
    """The grid point with the highest objective among ``points`` (default: every point; the
    first, in grid order, on a tie)."""
    candidates = range(len(grid)) if points is None else points
    scores = [objective(data, grids, k, grid) for k in candidates]
    return int(candidates[int(np.argmax(scores))])


def _part_key(task: GridTask, content: str, code: str) -> dict[str, Any]:
    return {
        "content_hash": content,
        "runs": task.runs,
        "seed": task.seed,
        "horizons": list(task.horizons),
        "omega": task.omega,
        "grid": [p.to_dict() for p in grid_of(task.model)],
        "model": task.model,
        "model_code": code,
    }


def run_grids(
    scenarios: Sequence[Scenario],
    references: Sequence[str],
    work: Path,
    *,
    runs: int,
    seed: int,
    horizons: Sequence[int],
    omega: float,
    map_unordered: Callable[[Callable[[GridTask], dict[str, Any]], list[GridTask]], Iterator[Any]],
    progress: Callable[[str], None] | None = None,
    model: str = "v2",
) -> tuple[dict[str, list[dict[str, float]]], int]:
    """Every case's grid, from the work folder where its part matches, else computed (and
    written as it completes). Returns the grids and how many parts were reused."""
    from sanctionsim.files import write_text_atomically
    from sanctionsim.history.protocol import content_hash

    code = model_code_hash()
    work.mkdir(parents=True, exist_ok=True)
    grids: dict[str, list[dict[str, float]]] = {}
    todo = []
    for scenario, reference in zip(scenarios, references, strict=True):
        task = GridTask(reference, runs, seed, tuple(horizons), omega, model)
        key = _part_key(task, content_hash(scenario), code)
        part = work / f"{scenario.id}.json"
        stored = _read_part(part, len(grid_of(model)))
        if stored is not None and stored.get("key") == key:
            grids[scenario.id] = stored["forecasts"]
            if progress is not None:
                progress(scenario.id)
        else:
            todo.append((task, key))
    keys = {task.reference: key for task, key in todo}
    for result in map_unordered(case_grid, [task for task, _ in todo]):
        key = keys[result["reference"]]
        document = {"key": key, "case": result["case"], "forecasts": result["forecasts"]}
        write_text_atomically(work / f"{result['case']}.json", json.dumps(document) + "\n")
        grids[result["case"]] = result["forecasts"]
        if progress is not None:
            progress(result["case"])
    return grids, len(scenarios) - len(todo)


def _read_part(path: Path, points: int) -> dict[str, Any] | None:
    """A stored part, or None when absent or unreadable (then it is recomputed, never trusted)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("forecasts"), list):
        return None
    if len(data["forecasts"]) != points:
        return None
    return data


def fit(
    scenarios: Sequence[Scenario],
    grids: dict[str, list[dict[str, float]]],
    *,
    horizons: Sequence[int],
    omega: float,
    details: dict[str, Any],
    model: str = "v2",
    fixed: Mapping[str, float] | None = None,
) -> Calibration:
    """The global fit and each case's fold (its cluster left out) from the stored grids; with
    ``fixed``, on the grid's slice where those parameters hold those values (an ablation,
    recorded as ``details["fixed"]``)."""
    from sanctionsim.history.protocol import content_hash

    data = case_data(scenarios, horizons)
    grid = grid_of(model)
    points = None if not fixed else grid_slice(grid, fixed)
    chosen = best_point(data, grids, grid, points)
    folds: dict[str, FittedParameters] = {}
    fold_points: dict[str, int] = {}
    for cluster in sorted({case.cluster for case in data}):
        training = [case for case in data if case.cluster != cluster]
        point = best_point(training, grids, grid, points)
        for case in data:
            if case.cluster == cluster:
                folds[case.case] = grid[point]
                fold_points[case.case] = point
    objectives = [round(objective(data, grids, k, grid), 6) for k in range(len(grid))]
    return Calibration(
        fitted=grid[chosen],
        folds=folds,
        cases={s.id: content_hash(s) for s in scenarios},
        omega=omega,
        model=model,
        details={
            **details,
            "grid": grid_axes(grid),
            "objective": "headline-weighted mean log-likelihood x distinct scored events "
            f"+ log prior (lambda half-normal, scale {SLOPE_PRIOR_SCALE}; alpha log-uniform"
            + "".join(f"; {text}" for name, text in PRIOR_TEXTS.items() if name in grid_axes(grid))
            + ")",
            "objective_by_point": objectives,
            "clusters": len({case.cluster for case in data}),
            "scored_events": sum(case.events for case in data),
            "fold_points": fold_points,
            "model_code": model_code_hash(),
            **({"fixed": dict(fixed)} if fixed else {}),
        },
    )


def with_loco_score(
    calibration: Calibration,
    scenarios: Sequence[Scenario],
    *,
    runs: int,
    seed: int,
    progress: Callable[[], None] | None = None,
) -> Calibration:
    """The calibration with its leave-one-cluster-out score in ``details["loco"]``: every case
    forecast at its fold's parameters with ``runs`` runs and scored as ``history`` scores it."""
    import dataclasses

    from sanctionsim.history.assemble import evaluate

    loco = evaluate(
        scenarios,
        runs=runs,
        seed=seed,
        model=calibration.model,
        calibration=calibration,
        progress=None if progress is None else lambda _case: progress(),
    ).to_dict()
    model = loco["model"] or {}
    best = min(loco["references"].items(), key=lambda kv: kv[1]["brier"] or math.inf)
    scores = {
        "brier": model.get("brier"),
        "log_score": model.get("log_score"),
        "best_reference": best[0],
        "best_reference_brier": best[1]["brier"],
    }
    return dataclasses.replace(calibration, details={**calibration.details, "loco": scores})
