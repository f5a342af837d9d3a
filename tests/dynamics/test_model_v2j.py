"""Model v2j: the members read the target's prospects, and the leader leaves the peers' ranking
(docs/model-v2.md, "v2j").

J1: π = −ν·clip(log(ψ·h(P_0)/h_G(a)), −3, 3), the same for every member of a run, shifts the
logit's intercept beside v2i's τ_i. J2: τ_i ranks the members without the leader, whose τ is 0.
At ν = 0 and μ = 0 v2j is v2f run by run; at ν = 0 it is v2i in a case without a leader. J3: the
grid, the prior, and calibration files that carry ν for v2j only.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.coalition.payoffs import concession_hazard, net_pressure
from sanctionsim.dynamics.calibration import (
    FittedParameters,
    load_calibration,
)
from sanctionsim.dynamics.choice import PROSPECT_CLIP, prospect_shift, relative_temptation
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.kernel_v2 import choice_terms
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.rules import ChoiceTerms
from sanctionsim.dynamics.setup import prepare
from sanctionsim.history.climatology import conditional_incidence
from sanctionsim.history.grids import PROSPECTS_GRID, grid_of, log_prior
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from support import (
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_searches_v2js_ranges,
    assert_version_flags,
    same_runs,
    same_whatever_the_chunk_size,
)

FIT = FittedParameters(1.0, 0.005, 3.0)
PLAIN = dataclasses.replace(FIT, temptation_weight=0.0, prospect_weight=0.0)
RANKED = dataclasses.replace(FIT, temptation_weight=1.0)
READING = dataclasses.replace(FIT, temptation_weight=1.0, prospect_weight=1.0)
ARGENTINA = load_scenario("argentina-1982")  # a leader (the UK) and five EC members
KENYA = load_scenario("kenya-1991")  # the model's concession hazard well above its group's


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


def shifts_of(terms: tuple[ChoiceTerms, ...]) -> np.ndarray:
    """Each member's τ in the central run."""
    assert all(t.temptation is not None for t in terms)
    return np.array([t.temptation[0] for t in terms if t.temptation is not None])


# -- J1: the target's prospects --------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    hazard=arrays(np.float64, 6, elements=st.floats(1e-8, 1.0, allow_nan=False)),
    group=st.floats(1e-4, 0.2),
    weight=st.sampled_from([0.25, 0.5, 1.0]),
)
def test_the_prospects_shift_falls_as_the_model_expects_more_than_the_base_rate(
    hazard: np.ndarray, group: float, weight: float
) -> None:
    shift = prospect_shift(hazard, group, weight)
    assert np.all(np.abs(shift) <= weight * PROSPECT_CLIP + 1e-12)
    order = np.argsort(hazard, kind="stable")
    assert np.all(np.diff(shift[order]) <= 1e-12)  # more expected of the target: less easing
    moved = np.abs(shift) > 1e-9
    assert np.array_equal((shift < 0)[moved], (hazard > group)[moved])
    assert not prospect_shift(hazard, group, 0.0).any()


def test_the_prospects_shift_is_nu_times_the_clipped_log_ratio() -> None:
    shift = prospect_shift(np.array([0.04, 0.01, 1.0, 1e-12]), 0.01, 0.5)
    assert shift == pytest.approx([-0.5 * math.log(4.0), 0.0, -1.5, 1.5], rel=1e-12)
    with pytest.raises(ValueError, match="must be >= 0"):
        prospect_shift(np.array([0.1]), 0.01, -1.0)
    with pytest.raises(ValueError, match="must be > 0"):
        prospect_shift(np.array([0.1]), 0.0, 1.0)


def test_every_member_reads_the_same_prospects_from_the_models_and_the_groups_hazards() -> None:
    params = central_parameters(KENYA)
    setup = prepare(KENYA, "v2j", choice=READING, omega=1 / 12)
    assert setup.clock is not None
    hazard = concession_hazard(params, net_pressure(params, np.ones((1, params.members))))
    group = conditional_incidence(setup.clock.group, "target_concedes", setup.clock.age_months, 1)
    expected = prospect_shift(np.minimum(1.0, 3.0 * hazard), group, 1.0)
    terms = choice_terms(params, setup.clock)
    for member in terms:
        assert member.prospects is not None
        assert member.prospects == pytest.approx(expected, rel=1e-12)
    assert expected[0] < 0  # Kenya's modelled hazard is above its group's
    assert all(t.prospects is None for t in terms_of(KENYA, "v2i", RANKED))


def test_members_hold_more_where_the_target_is_expected_to_yield_more() -> None:
    without = outcomes(KENYA, "v2j", RANKED).eased_by(36)
    reading = outcomes(KENYA, "v2j", READING).eased_by(36)
    assert reading.mean() < without.mean()


# -- J2: the leader outside the ranking ------------------------------------------------------------
def test_the_leader_has_no_shift_and_the_others_shifts_sum_to_zero() -> None:
    setup = prepare(ARGENTINA, "v2j", choice=RANKED, omega=1 / 12)
    leader = setup.leader
    assert leader is not None
    assert setup.clock is not None
    assert setup.clock.unranked == leader
    terms = terms_of(ARGENTINA, "v2j", RANKED)
    shifts = shifts_of(terms)
    assert shifts[leader] == 0.0
    assert shifts.sum() == pytest.approx(0.0, abs=1e-9)
    # the others' shifts are v2i's ranking of them alone
    params = central_parameters(ARGENTINA)
    premium = (
        params.premium_base
        + params.premium_slope * net_pressure(params, np.ones((1, params.members)))[:, None]
    )
    ranked = params.has_something_to_ease().copy()
    ranked[:, leader] = False
    assert shifts == pytest.approx(relative_temptation(premium, ranked, 1.0)[0], abs=1e-12)
    assert shifts_of(terms_of(ARGENTINA, "v2i", RANKED))[leader] != 0.0  # v2i ranks its leader
    v2i_clock = prepare(ARGENTINA, "v2i", choice=RANKED, omega=1 / 12).clock
    assert v2i_clock is not None
    assert v2i_clock.unranked is None


# -- what v2j nests --------------------------------------------------------------------------------
def test_with_no_weights_v2j_is_v2f_run_by_run() -> None:
    assert same_runs(outcomes(ARGENTINA, "v2j", PLAIN), outcomes(ARGENTINA, "v2f", PLAIN))


def test_with_no_prospects_and_no_leader_v2j_is_v2i_run_by_run() -> None:
    leaderless = ARGENTINA.model_copy(
        update={
            "actors": [
                a.model_copy(update={"role": "member"}) if a.role == "leader" else a
                for a in ARGENTINA.actors
            ]
        }
    )
    assert same_runs(outcomes(leaderless, "v2j", RANKED), outcomes(leaderless, "v2i", RANKED))
    # with its leader, v2j's members are ranked without it, so the runs differ
    assert not same_runs(outcomes(ARGENTINA, "v2j", RANKED), outcomes(ARGENTINA, "v2i", RANKED))


def test_v2j_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(KENYA, "v2j", READING)


def test_v2j_is_v2i_with_the_prospects_read_and_fits_its_own() -> None:
    assert_built_on_v2f("v2j")
    assert_version_flags(
        "v2j",
        {"prospects_read": True, "leader_ranked": False},
        temptation_ranked=True,
        carve_outs=False,
        lobby_weighted=False,
    )


# -- J3: the grid, the prior and the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2j() -> None:
    assert grid_of("v2j") is PROSPECTS_GRID
    assert_searches_v2js_ranges("v2j", "prospect_weight", [0.0, 0.25, 0.5, 1.0], held=0.0)


def test_the_prospect_weights_prior_is_half_normal_with_scale_one() -> None:
    for weight in (0.25, 1.0):
        point = dataclasses.replace(RANKED, prospect_weight=weight)
        assert log_prior(point) == pytest.approx(log_prior(RANKED) - 0.5 * weight**2)


def test_a_calibration_carries_the_prospect_weight_for_v2j_only() -> None:
    assert READING.prospect_weight == 1.0
    assert_calibration_carries("v2j", READING, "prospect_weight", "nu half-normal, scale 1", bad=())
    with pytest.raises(ValueError, match="prospect_weight must be a finite number >= 0"):
        FittedParameters(1.0, 0.01, 2.0, prospect_weight=-0.5)


def test_analyze_with_model_v2j_gives_each_members_shifts_inside_its_chance() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2j").fitted
    v2j = sanctionsim.analyze("argentina-1982", model="v2j").to_dict()["v2_choice"]
    if fitted.prospect_weight:
        prospects = {t["prospect_shift"] for t in v2j.values()}
        assert len(prospects) == 1  # the same for every member
    # logit(p_i) − τ_i − π − λ·ΔV_i/S_i is the one intercept θ every member shares (J1)
    intercepts = [
        math.log(t["chance_per_epoch"] / (1 - t["chance_per_epoch"]))
        - t.get("temptation_shift", 0.0)
        - t.get("prospect_shift", 0.0)
        - fitted.slope * t["gain_of_easing"] / t["monthly_stake"]
        for t in v2j.values()
    ]
    assert max(intercepts) - min(intercepts) == pytest.approx(0.0, abs=1e-9)
    assert v2j["GBR"]["temptation_shift"] == 0.0  # the leader is not ranked (J2)
