"""Model v2k: the leader weighs its case less, its base rate more (docs/model-v2.md, "v2k").

K1: the leader's logit is θ_t + ζ·(τ_L + λ·ΔV_L/S_L), every other member's v2i's. At ζ = 1 v2k is
v2i run by run; at ζ = 0 the leader eases at the anchored rate whatever its case's terms; without
a leader v2k is v2i at any ζ. K2: the grid, the flat prior, and calibration files that carry ζ
for v2k only.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.dynamics.calibration import (
    FittedParameters,
    load_calibration,
)
from sanctionsim.dynamics.choice import easing_probability, logistic
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.kernel_v2 import choice_terms
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.rules import ChoiceTerms
from sanctionsim.dynamics.setup import prepare
from sanctionsim.history.grids import LEADER_GRID, grid_of, log_prior
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from support import (
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_searches_v2js_ranges,
    assert_version_flags,
    run_sanctionsim,
    same_runs,
    same_whatever_the_chunk_size,
)

RANKED = FittedParameters(1.0, 0.005, 3.0, temptation_weight=1.0)
HALF = dataclasses.replace(RANKED, leader_weight=0.5)
BASE_RATE = dataclasses.replace(RANKED, leader_weight=0.0)
ARGENTINA = load_scenario("argentina-1982")  # a leader (the UK) and five EC members
LEADERLESS = ARGENTINA.model_copy(
    update={
        "actors": [
            a.model_copy(update={"role": "member"}) if a.role == "leader" else a
            for a in ARGENTINA.actors
        ]
    }
)


def outcomes(
    world: Scenario, model: str, choice: FittedParameters, runs: int = 1024
) -> RunOutcomes:
    return run_outcomes(
        world, runs=runs, horizon=36, seed=5, model=model, choice=choice, omega=1 / 12
    )


def terms_of(world: Scenario, model: str, choice: FittedParameters) -> tuple[ChoiceTerms, ...]:
    setup = prepare(world, model, choice=choice, omega=1 / 12)
    assert setup.clock is not None
    return choice_terms(central_parameters(world), setup.clock)


def leader_of(world: Scenario) -> int:
    leader = prepare(world, "v2k", choice=HALF, omega=1 / 12).leader
    assert leader is not None
    return leader


# -- K1: the leader's weight -----------------------------------------------------------------------
def test_the_leaders_slope_and_shift_are_zeta_times_v2is_and_the_others_are_v2is() -> None:
    leader = leader_of(ARGENTINA)
    setup = prepare(ARGENTINA, "v2k", choice=HALF, omega=1 / 12)
    assert setup.clock is not None
    assert setup.clock.weighted == leader
    assert setup.clock.unranked is None  # the leader stays ranked, as in v2i
    weighed, plain = terms_of(ARGENTINA, "v2k", HALF), terms_of(ARGENTINA, "v2i", RANKED)
    for i, (k, i_terms) in enumerate(zip(weighed, plain, strict=True)):
        assert k.temptation is not None
        assert i_terms.temptation is not None
        zeta = 0.5 if i == leader else 1.0
        assert k.slope == zeta * i_terms.slope
        assert np.array_equal(k.temptation, zeta * i_terms.temptation)
        assert np.array_equal(k.stake, i_terms.stake)
        assert np.array_equal(k.backing_down, i_terms.backing_down)
    shift = weighed[leader].temptation
    assert shift is not None
    assert shift[0] != 0.0  # a shift there is to halve


@settings(max_examples=60, deadline=None)
@given(
    gain=arrays(np.float64, 5, elements=st.floats(-50.0, 50.0, allow_nan=False)),
    theta=st.floats(-6.0, 0.0),
    low=st.sampled_from([0.0, 0.25, 0.5]),
)
def test_a_smaller_zeta_draws_the_leaders_chance_toward_the_anchored_rate(
    gain: np.ndarray, theta: float, low: float
) -> None:
    leader = leader_of(ARGENTINA)

    def chance(zeta: float) -> np.ndarray:
        terms = terms_of(ARGENTINA, "v2k", dataclasses.replace(RANKED, leader_weight=zeta))
        own = terms[leader]
        assert own.temptation is not None
        stake = np.full(gain.shape, own.stake[0])
        return easing_probability(theta + own.temptation[0], own.slope, gain, stake)

    anchored = float(logistic(theta))
    assert np.all(np.abs(chance(low) - anchored) <= np.abs(chance(1.0) - anchored) + 1e-12)
    # between the anchored rate and v2i's, on the side v2i's case terms put it
    assert np.all((chance(low) - anchored) * (chance(1.0) - chance(low)) >= -1e-12)
    assert np.allclose(chance(0.0), anchored, rtol=0, atol=1e-15)


def test_at_zeta_one_v2k_is_v2i_run_by_run() -> None:
    assert same_runs(outcomes(ARGENTINA, "v2k", RANKED), outcomes(ARGENTINA, "v2i", RANKED))


def test_below_one_the_leaders_runs_change_and_without_a_leader_nothing_does() -> None:
    assert not same_runs(outcomes(ARGENTINA, "v2k", HALF), outcomes(ARGENTINA, "v2i", RANKED))
    assert same_runs(outcomes(LEADERLESS, "v2k", BASE_RATE), outcomes(LEADERLESS, "v2i", RANKED))


def test_at_zeta_zero_the_leader_eases_about_as_often_as_its_anchored_rate_says() -> None:
    """Argentina's UK: v2i's case terms keep it in far below its group's rate; at ζ = 0 it eases
    at that rate, month by month (its smooth chance, as the kernel carries it)."""
    leader = leader_of(ARGENTINA)
    base = outcomes(ARGENTINA, "v2k", BASE_RATE).eased_by(12)[:, leader].mean()
    v2i = outcomes(ARGENTINA, "v2i", RANKED).eased_by(12)[:, leader].mean()
    setup = prepare(ARGENTINA, "v2k", choice=BASE_RATE, omega=1 / 12)
    assert setup.clock is not None
    months = setup.clock.months(12)
    monthly = months.epoch_chance[:12, leader] * logistic(months.theta[:12])
    bound = 1.0 - np.prod(1.0 - monthly)  # no end of the episode: an upper bound
    assert 0.0 < base <= bound + 1e-12
    assert base != pytest.approx(v2i, rel=0.05)


def test_v2k_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(ARGENTINA, "v2k", HALF)


def test_v2k_is_v2i_with_its_leader_weighed_and_fits_its_own() -> None:
    assert_built_on_v2f("v2k")
    assert_version_flags(
        "v2k",
        {"leader_weighted": True},
        temptation_ranked=True,
        leader_ranked=True,
        prospects_read=False,
        carve_outs=False,
        lobby_weighted=False,
    )


# -- K2: the grid, the prior and the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2k() -> None:
    assert grid_of("v2k") is LEADER_GRID
    assert_searches_v2js_ranges("v2k", "leader_weight", [0.0, 0.25, 0.5, 1.0], held=1.0)


def test_the_leader_weights_prior_is_flat() -> None:
    assert {log_prior(dataclasses.replace(RANKED, leader_weight=z)) for z in (0, 0.5, 1)} == {
        log_prior(RANKED)
    }


def test_a_calibration_carries_the_leader_weight_for_v2k_only() -> None:
    assert HALF.leader_weight == 0.5
    assert_calibration_carries("v2k", HALF, "leader_weight", "zeta flat on [0, 1]", (-0.5, 1.5))


def test_analyze_with_model_v2k_gives_the_leaders_weight_inside_its_chance() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2k").fitted
    v2k = sanctionsim.analyze("argentina-1982", model="v2k").to_dict()["v2_choice"]
    assert v2k["GBR"]["leader_weight"] == fitted.leader_weight
    assert all("leader_weight" not in t for name, t in v2k.items() if name != "GBR")
    # logit(p_i) − τ_i − λ_i·ΔV_i/S_i is the one intercept θ every member shares, the leader's
    # τ and λ weighed by ζ (K1)
    intercepts = [
        math.log(t["chance_per_epoch"] / (1 - t["chance_per_epoch"]))
        - t.get("temptation_shift", 0.0)
        - fitted.slope * t.get("leader_weight", 1.0) * t["gain_of_easing"] / t["monthly_stake"]
        for t in v2k.values()
    ]
    assert max(intercepts) - min(intercepts) == pytest.approx(0.0, abs=1e-9)


# -- the ablation: calibrate on the grid's slice ---------------------------------------------------
def test_calibrate_fits_an_ablation_on_the_grids_slice_reusing_the_fits_parts(
    tmp_path: Path,
) -> None:
    small = ["argentina-1982", "--runs", "8", "--final-runs", "16", "--workers", "1"]
    full, ablation = tmp_path / "v2k.json", tmp_path / "ablation.json"
    first = run_sanctionsim("calibrate", *small, "--model", "v2k", "--out", str(full))
    assert first.returncode == 0, first.stderr
    work = tmp_path / "v2k.json.work"
    second = run_sanctionsim(
        "calibrate", *small, "--model", "v2k", "--fix", "leader_weight=1",
        "--work", str(work), "--out", str(ablation),
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert f"cases reused from {work}: 1" in second.stdout  # no grid recomputed
    assert "zeta 1" in second.stdout
    written = json.loads(ablation.read_text(encoding="utf-8"))
    assert written["details"]["fixed"] == {"leader_weight": 1.0}
    assert "fixed" not in json.loads(full.read_text(encoding="utf-8"))["details"]
    # every fold on the slice (ζ = 1 is what every other version holds, so it is left out)
    assert all("leader_weight" not in p for p in (written["fitted"], *written["folds"].values()))
    objectives = written["details"]["objective_by_point"]
    assert objectives == json.loads(full.read_text())["details"]["objective_by_point"]
    on_slice = [k for k, p in enumerate(LEADER_GRID) if p.leader_weight == 1.0]
    chosen = next(k for k, p in enumerate(LEADER_GRID) if p.to_dict() == written["fitted"])
    assert chosen in on_slice
    assert objectives[chosen] == max(objectives[k] for k in on_slice)


def test_calibrate_refuses_a_fix_off_the_grid_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "never.json"
    for fix, message in (
        ("leader_weight", "must be NAME=VALUE with a number"),
        ("leader_weight=2", "leader_weight=2 is not on the grid (0, 0.25, 0.5, 1)"),
        ("prospect_weight=0", "'prospect_weight' is not searched by this grid"),
    ):
        result = run_sanctionsim(
            "calibrate", "argentina-1982", "--model", "v2k", "--fix", fix, "--out", str(out)
        )
        assert result.returncode == 2
        assert f"error: --fix: {message}" in result.stderr
        assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not (tmp_path / "never.json.work").exists()
