"""Experiment specs: scenarios x policies x a parameter grid, validated with located errors.

A spec is a small YAML file (``docs/experiments.md``)::

    scenarios: [dprk-2014]            # built-in case ids or scenario files
    policies: [baseline, relist-sst]  # built-in ids or policy files; baseline = no policy
    grid:                             # optional: fix named inputs at each listed value
      target.resolve: [0.2, 0.3]
    runs: 10240                       # runs per cell (the command's --runs overrides it)
    horizon: 36                       # months (default: each scenario's horizon)
    seed: 0
    chunk_size: 4096                  # runs per chunk file (a multiple of 1024)
    sensitivity: {method: morris, metric: p_target_concedes, samples: 8, runs_per_sample: 256}

A cell is one (scenario, grid point, policy). The baseline is always run (added first when the
spec does not list it): every other cell's differences are paired with it run by run.
Relative paths in the spec are read relative to the spec's folder.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sanctionsim.dynamics.plan import BLOCK, check_runs, is_chunk_size
from sanctionsim.errors import InputError, Problem, ScenarioError
from sanctionsim.scenario.schema import Scenario
from sanctionsim.scenario.yaml_source import Located, parse_yaml, read_text
from sanctionsim.versions import DEFAULT, ModelName

BASELINE = "baseline"


class SensitivitySpec(BaseModel):
    """Sobol or Morris indices of one metric over the baseline's uncertain inputs."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    method: Literal["sobol", "morris"]
    metric: str = Field(default="p_target_concedes", min_length=1)
    samples: int = Field(
        default=8,
        ge=2,
        le=4096,
        description="sobol: base samples N (N (D + 2) points); morris: trajectories (r (D + 1))",
    )
    runs_per_sample: int = Field(default=256, ge=1, le=1_000_000)
    inputs: list[str] = Field(default_factory=list, description="input keys; empty: every estimate")


class ExperimentSpec(BaseModel):
    """What an experiment runs (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    scenarios: list[str] = Field(min_length=1)
    policies: list[str] = Field(default_factory=lambda: [BASELINE])
    grid: dict[str, list[float]] = Field(default_factory=dict)
    runs: int = Field(default=10_240, ge=1, le=100_000_000)
    horizon: int | None = Field(default=None, ge=1, le=600)
    seed: int = Field(default=0, ge=0)
    chunk_size: int = Field(default=4 * BLOCK, ge=BLOCK, le=1024 * BLOCK)
    sensitivity: SensitivitySpec | None = None
    description: str | None = None
    model: ModelName = DEFAULT
    calibration: str | None = Field(
        default=None,
        description="the v2 family's calibration file (relative to the spec; default: shipped)",
    )


@dataclass(frozen=True)
class Cell:
    """One (scenario, grid point, policy) to simulate, with its scenario already changed."""

    index: int
    scenario_label: str
    policy: str
    grid: tuple[tuple[str, float], ...]
    scenario: Scenario

    @property
    def grid_label(self) -> str:
        """``key=value, ...`` or empty."""
        return ", ".join(f"{k}={v:g}" for k, v in self.grid)

    @property
    def baseline_key(self) -> tuple[str, tuple[tuple[str, float], ...]]:
        """The (scenario, grid point) this cell is paired within."""
        return (self.scenario_label, self.grid)


def load_spec(path: Path) -> ExperimentSpec:
    """Read and validate a spec file; every problem located ``FILE:LINE:COL: field: message``."""
    from sanctionsim.scenario.loader import validate_as

    located: Located = parse_yaml(read_text(path, str(path)), str(path))
    spec, too_large = validate_as(ExperimentSpec, located, "a spec", under=("grid",))
    problems: list[Problem] = list(too_large)
    if not is_chunk_size(spec.chunk_size):
        problems.append(
            located.problem(
                ("chunk_size",), f"must be a multiple of {BLOCK}, got {spec.chunk_size}"
            )
        )
    for key, values in spec.grid.items():
        if not values:
            problems.append(located.problem(("grid", key), "give at least one value"))
    for name, items in (("scenarios", spec.scenarios), ("policies", spec.policies)):
        for i, item in enumerate(items):
            if items.index(item) != i:
                problems.append(located.problem((name, i), f"{item!r} is listed twice"))
    if problems:
        raise ScenarioError(problems)
    return spec


def resolve_reference(reference: str, base: Path) -> str:
    """A file reference relative to the spec's folder, or the id unchanged."""
    candidate = base / reference
    looks_like_file = "/" in reference or reference.endswith((".yaml", ".yml"))
    if looks_like_file and not Path(reference).is_absolute():
        return str(candidate)
    return reference


def build_cells(spec: ExperimentSpec, base: Path, located: str = "spec") -> list[Cell]:
    """Every cell of the spec, baseline first within each (scenario, grid point).

    Raises:
        InputError: an unknown case or policy, a policy that does not apply to a scenario, or a
            grid key that names no input of the scenario.
    """
    from sanctionsim.experiments.inputs import fix_inputs
    from sanctionsim.experiments.policies import apply_policy, load_policy
    from sanctionsim.scenario.loader import load_scenario

    policies = [BASELINE, *[p for p in spec.policies if p != BASELINE]]
    loaded_policies = {
        p: load_policy(resolve_reference(p, base)) for p in policies if p != BASELINE
    }
    keys = list(spec.grid)
    points = list(itertools.product(*(spec.grid[k] for k in keys)))
    cells: list[Cell] = []
    for reference in spec.scenarios:
        scenario = load_scenario(resolve_reference(reference, base))
        label = reference if "/" not in reference else scenario.id
        for point in points:
            grid = tuple(zip(keys, (float(v) for v in point), strict=True))
            fixed = fix_inputs(scenario, dict(grid), where=located)
            for policy in policies:
                changed = (
                    fixed if policy == BASELINE else apply_policy(fixed, loaded_policies[policy])
                )
                cells.append(Cell(len(cells), label, policy, grid, changed))
    return cells


def grid_dict(grid: tuple[tuple[str, float], ...]) -> Mapping[str, float]:
    """A grid point as a mapping."""
    return dict(grid)


def check_sizes(runs: int, chunk_size: int) -> None:
    """Reject impossible sizes, naming the argument (``runs``) or the spec's field."""
    check_runs(runs)
    if not is_chunk_size(chunk_size):
        raise InputError.single("chunk_size", f"must be a positive multiple of {BLOCK}")
