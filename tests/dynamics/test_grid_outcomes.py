"""calibrate's stacked grid: every point's runs exactly as when the point is played alone.

``engine.grid_outcomes`` plays a case's grid points together (their runs stacked, each point's
blocks drawing from the streams it draws from alone, its own choice terms and ψ per run), so that
``calibrate`` pays the month's fixed cost once a stack rather than once a point. These tests hold
it to :func:`~sanctionsim.dynamics.engine.run_outcomes`, run by run and bit for bit, on every
fitted version's grid, across blocks and across stacks.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sanctionsim.dynamics.calibration import FittedParameters
from sanctionsim.dynamics.engine import STACKED_RUNS, grid_outcomes, run_outcomes
from sanctionsim.dynamics.kernel_v2 import stack_choice_terms
from sanctionsim.dynamics.rules import ChoiceTerms
from sanctionsim.errors import ArgumentError
from sanctionsim.history.calibrate import GridTask, case_grid
from sanctionsim.history.forecast import model_forecast
from sanctionsim.history.grids import grid_of
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS
from support import same_runs

FITTED = [name for name, version in VERSIONS.items() if version.fits]
ARGENTINA = load_scenario("argentina-1982")  # a leader, five EC members, a renewal date (and
# a Cold War start: v2n's epsilon acts)
KENYA = load_scenario("kenya-1991")  # many donors, an institution
MALI = load_scenario("mali-2012")  # an episode answering a coup (v2m's chi acts)


@pytest.mark.parametrize("model", FITTED)
def test_every_fitted_versions_grid_plays_each_point_as_alone(model: str) -> None:
    # 1,100 runs: two blocks, seven points a stack, so a grid of nine points takes two stacks
    points = grid_of(model)[:: max(1, len(grid_of(model)) // 9)][:9]
    runs = 1100
    assert len(points) > STACKED_RUNS // runs
    world = KENYA if model in ("v2g", "v2k", "v2l") else ARGENTINA  # carve-outs, a leader, aid
    world = MALI if model == "v2m" else world
    stacked = grid_outcomes(world, points, runs=runs, horizon=30, seed=7, model=model, omega=0.1)
    assert len(stacked) == len(points)
    for point, outcomes in zip(points, stacked, strict=True):
        alone = run_outcomes(
            world, runs=runs, horizon=30, seed=7, model=model, choice=point, omega=0.1
        )
        assert same_runs(outcomes, alone), point


def test_points_with_another_carve_out_shift_or_lobby_weight_are_stacked_apart() -> None:
    base = FittedParameters(1.0, 0.005, 2.0)
    points = [
        base,
        dataclasses.replace(base, lobby_weight=2.0),
        dataclasses.replace(base, slope=2.0),
    ]
    stacked = grid_outcomes(ARGENTINA, points, runs=200, horizon=24, seed=1, model="v2h")
    for point, outcomes in zip(points, stacked, strict=True):
        alone = run_outcomes(ARGENTINA, runs=200, horizon=24, seed=1, model="v2h", choice=point)
        assert same_runs(outcomes, alone)
    one = ChoiceTerms(1.0, np.zeros(2), np.ones(2), np.ones(2, bool), np.zeros(3, bool))
    with pytest.raises(ValueError, match="share the carve-out shift and lobby"):
        stack_choice_terms([one, dataclasses.replace(one, lobby_weight=1.0)])
    joined = stack_choice_terms([one, dataclasses.replace(one, slope=2.0)])
    assert np.array_equal(joined.slope, [1.0, 1.0, 2.0, 2.0])
    assert stack_choice_terms([one, one]).slope == 1.0  # one λ stays a number


@pytest.mark.parametrize("model", ["v1", "v2-elite", "v2-escalation"])
def test_a_version_without_a_stacked_grid_is_refused(model: str) -> None:
    with pytest.raises(ArgumentError, match="has no stacked grid"):
        grid_outcomes(ARGENTINA, [FittedParameters(1.0, 0.005)], runs=8, horizon=2, seed=0,
                      model=model)  # fmt: skip


def test_a_cases_grid_is_each_points_model_forecast() -> None:
    task = GridTask("argentina-1982", 64, 3, (12, 36), 1 / 12, "v2k")
    grid = case_grid(task)["forecasts"]
    assert len(grid) == len(grid_of("v2k"))
    for point, stored in zip(grid_of("v2k"), grid, strict=True):
        alone = model_forecast(
            ARGENTINA, (12, 36), runs=64, seed=3, model="v2k", choice=point, omega=1 / 12
        )
        assert stored == {f"{e}@{h}": p for (e, h), p in sorted(alone.probabilities.items())}
