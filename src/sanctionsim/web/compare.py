"""Policies against the baseline in the app: paired, bounded runs of the experiment machinery.

The app builds the cells of a one-scenario experiment in memory (the baseline, then each policy
applied to the scenario), runs each cell's chunks with the experiment's own task
(:func:`~sanctionsim.experiments.runner.run_chunk_task`), and pairs every policy with the
baseline run by run with :func:`~sanctionsim.experiments.runner.compare` (common random
numbers; the 95% interval of the mean paired difference, Law 2015, §10.2.1). Nothing is written:
no store, no results file.

Bounds: at most :attr:`Limits.max_runs <sanctionsim.web.app.Limits>` runs per policy and
:attr:`Limits.max_horizon` months; the whole comparison stops past
:attr:`Limits.time_limit_seconds` (checked between blocks of 1,024 runs). A policy that does not
apply to the scenario (a lever it does not have) is listed with the reason; a policy that leaves
the scenario as it is, or whose runs come out identical to the baseline's, is marked "no effect
in this scenario" (every paired difference is exactly zero).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sanctionsim.errors import InputError

if TYPE_CHECKING:
    from sanctionsim.experiments.policies import Policy
    from sanctionsim.experiments.spec import Cell
    from sanctionsim.scenario.schema import Scenario

Source = Literal["built-in", "uploaded"]
#: The metrics the pages show (every metric is in the JSON).
SHOWN = ("p_target_concedes", "p_cascade", "p_member_eases", "cohesion_final")


class CompareOptions(BaseModel):
    """The built-in policies to compare, and the bounded runs (paired with the baseline)."""

    model_config = ConfigDict(extra="forbid")

    policies: list[str] = Field(
        default_factory=list, max_length=8, description="built-in policy ids (see /api/policies)"
    )
    runs: int = Field(default=2048, ge=1, le=4096, description="paired runs per policy")
    horizon: int | None = Field(
        default=None, ge=1, le=60, description="months (default: the scenario's horizon, capped)"
    )
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


@dataclass(frozen=True)
class Candidate:
    """A policy and what it makes of the scenario: the changed scenario, or why not."""

    policy: Policy
    source: Source
    scenario: Scenario | None
    problem: str | None
    unchanged: bool


def builtin_policies(ids: Sequence[str]) -> list[Policy]:
    """The built-in policies named, each once, in the order given.

    Raises:
        InputError: an unknown id (the message lists the built-in ones).
    """
    from sanctionsim.experiments.policies import builtin_policy

    return [builtin_policy(policy_id) for policy_id in dict.fromkeys(ids)]


def candidates(scenario: Scenario, policies: Sequence[tuple[Policy, Source]]) -> list[Candidate]:
    """Apply each policy to the scenario; one that cannot apply keeps its located reason."""
    from sanctionsim.experiments.policies import apply_policy

    base = _content(scenario)
    found: list[Candidate] = []
    for policy, source in policies:
        try:
            changed = apply_policy(scenario, policy)
        except InputError as error:
            found.append(Candidate(policy, source, None, str(error), False))
            continue
        found.append(Candidate(policy, source, changed, None, _content(changed) == base))
    return found


def _content(scenario: Scenario) -> dict[str, Any]:
    data = scenario.model_dump()
    data.pop("id", None)
    return data


def compare_policies(
    scenario: Scenario,
    found: Sequence[Candidate],
    *,
    runs: int,
    horizon: int,
    seed: int,
    check_time: Callable[[], None],
) -> dict[str, Any]:
    """Each policy's paired difference from the baseline, per metric, with its 95% interval.

    ``check_time`` is called before every block of runs and raises to stop the comparison.
    """
    from sanctionsim.experiments.spec import BASELINE, Cell

    cells = [Cell(0, scenario.id, BASELINE, (), scenario)]
    for candidate in found:
        if candidate.scenario is not None and not candidate.unchanged:
            cell = Cell(len(cells), scenario.id, candidate.policy.id, (), candidate.scenario)
            cells.append(cell)
    rows = _paired_rows(cells, runs, horizon, seed, check_time)
    baseline = [r for r in rows if r["policy"] == BASELINE]
    policies = []
    for candidate in found:
        differences = _differences(candidate, rows, baseline)
        policies.append(
            {
                "policy": candidate.policy.id,
                "source": candidate.source,
                "description": candidate.policy.description,
                "applies": candidate.problem is None,
                "problem": candidate.problem,
                "no_effect": candidate.problem is None
                and all(d["diff_vs_baseline"] == 0 and d["ci95"] == [0, 0] for d in differences),
                "differences": differences,
            }
        )
    return {
        "scenario": scenario.id,
        "title": scenario.title,
        "start": scenario.start.isoformat(),
        "runs": runs,
        "horizon": horizon,
        "seed": seed,
        "baseline": [
            {"metric": r["metric"], "mean": r["mean"], "ci95": r["mean_ci95"]} for r in baseline
        ],
        "policies": policies,
    }


def _differences(
    candidate: Candidate, rows: list[dict[str, Any]], baseline: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The candidate's rows: simulated, or the baseline's with a zero difference when the
    policy leaves the scenario as it is (its runs would be the baseline's, run by run)."""
    if candidate.problem is not None:
        return []
    if candidate.unchanged:
        return [
            {
                "metric": r["metric"],
                "mean": r["mean"],
                "mean_ci95": r["mean_ci95"],
                "diff_vs_baseline": 0.0,
                "ci95": [0.0, 0.0],
            }
            for r in baseline
        ]
    keys = ("metric", "mean", "mean_ci95", "diff_vs_baseline", "ci95")
    return [{k: r[k] for k in keys} for r in rows if r["policy"] == candidate.policy.id]


def _paired_rows(
    cells: list[Cell], runs: int, horizon: int, seed: int, check_time: Callable[[], None]
) -> list[dict[str, Any]]:
    """Run every cell block by block (the same rows as one chunk: keyed streams), then pair."""
    from sanctionsim.dynamics.plan import BLOCK
    from sanctionsim.dynamics.setup import prepare
    from sanctionsim.experiments.runner import ChunkTask, compare, run_chunk_task

    tables: dict[int, dict[str, np.ndarray]] = {}
    members: dict[int, list[str]] = {}
    deals: dict[int, list[str]] = {}
    for cell in cells:
        parts: list[dict[str, np.ndarray]] = []
        for first in range(0, runs, BLOCK):
            check_time()
            task = ChunkTask(
                cell.index, first, min(BLOCK, runs - first), horizon, seed, cell.scenario
            )
            parts.append(run_chunk_task(task)[2])
        tables[cell.index] = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        setup = prepare(cell.scenario)
        members[cell.index] = list(setup.member_ids)
        deals[cell.index] = [d.id for d in setup.deals]
    return compare(cells, tables, members, deals)


def deadline_after(seconds: float, error: Callable[[], Exception]) -> Callable[[], None]:
    """A check that raises ``error()`` once ``seconds`` have passed since this call."""
    deadline = time.monotonic() + seconds

    def check_time() -> None:
        if time.monotonic() > deadline:
            raise error()

    return check_time


def shown_rows(differences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows a page shows: :data:`SHOWN` metrics (a member's easing per member)."""
    return [d for d in differences if d["metric"].split(".", 1)[0] in SHOWN]
