"""Model v2l: what a measure is sets how lightly it is lifted (docs/model-v2.md, "v2l").

L1: a member's logit is v2i's plus ρ·d_i, d_i the share of its measures in force on the start
that are aid or diplomatic. At ρ = 0 v2l is v2i run by run; a member with d_i = 0 keeps v2i's
terms at any ρ; a member's chance rises with ρ where d_i > 0. L3: the grid, the half-normal
prior, and calibration files that carry ρ for v2l only.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sanctionsim.coalition.commitment import DISCRETIONARY_KINDS, discretionary_share
from sanctionsim.dynamics.calibration import (
    FittedParameters,
    fitted_by,
    load_calibration,
)
from sanctionsim.dynamics.choice import easing_probability
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.setup import prepare
from sanctionsim.history.grids import DISCRETION_GRID, grid_of, log_prior
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from support import (
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_same_member_terms,
    assert_searches_v2js_ranges,
    assert_version_flags,
    same_runs,
    same_whatever_the_chunk_size,
    terms_of,
)

RANKED = FittedParameters(1.0, 0.005, 3.0, temptation_weight=1.0)
DISCRETE = dataclasses.replace(RANKED, discretion_weight=1.0)
FIJI = load_scenario("fiji-1987")  # Australia: arms and aid; New Zealand: aid; India: nothing yet
ARGENTINA = load_scenario("argentina-1982")  # trade and arms embargoes: no aid, no contacts cut


def outcomes(
    world: Scenario, model: str, choice: FittedParameters, runs: int = 1024
) -> RunOutcomes:
    return run_outcomes(
        world, runs=runs, horizon=36, seed=5, model=model, choice=choice, omega=1 / 12
    )


def members_of(world: Scenario) -> tuple[str, ...]:
    return tuple(a.id for a in world.actors if a.role in ("leader", "member"))


# -- L1: the share and the shift -------------------------------------------------------------------
def test_the_share_counts_aid_and_diplomatic_measures_in_force_on_the_start() -> None:
    assert {"aid", "diplomatic"} == DISCRETIONARY_KINDS
    share = discretionary_share(FIJI, members_of(FIJI))
    assert share.tolist() == [0.5, 1.0, 0.0, 0.0]  # India's diplomatic measure comes later
    india_cuts_ties = next(m.imposed for m in FIJI.measures if m.imposer == "IND")
    later = discretionary_share(FIJI, ("IND",), date=india_cuts_ties)
    assert later.tolist() == [1.0]
    assert not discretionary_share(ARGENTINA, members_of(ARGENTINA)).any()


def test_the_shift_is_rho_times_the_share_and_every_other_term_is_v2is() -> None:
    setup = prepare(FIJI, "v2l", choice=DISCRETE, omega=1 / 12)
    assert setup.clock is not None
    assert setup.clock.discretion is not None
    shares = setup.clock.discretion
    tilted, plain = terms_of(FIJI, "v2l", DISCRETE), terms_of(FIJI, "v2i", RANKED)
    for i, (l_terms, i_terms) in enumerate(zip(tilted, plain, strict=True)):
        assert l_terms.discretion is not None
        assert np.all(l_terms.discretion == 1.0 * shares[i])
        assert l_terms.slope == i_terms.slope
        assert_same_member_terms(l_terms, i_terms)
    assert tilted[1].discretion is not None
    assert tilted[1].discretion[0] == 1.0  # New Zealand holds aid alone on the start
    untilted = terms_of(FIJI, "v2l", RANKED)  # ρ = 0: no shift is carried at all
    assert all(t.discretion is None for t in untilted)


@settings(max_examples=60, deadline=None)
@given(
    gain=arrays(np.float64, 5, elements=st.floats(-50.0, 50.0, allow_nan=False)),
    theta=st.floats(-6.0, 0.0),
    low=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_a_larger_rho_raises_the_chance_of_a_member_holding_aid_and_leaves_the_others(
    gain: np.ndarray, theta: float, low: float
) -> None:
    def chance(rho: float, member: int) -> np.ndarray:
        terms = terms_of(FIJI, "v2l", dataclasses.replace(RANKED, discretion_weight=rho))
        own = terms[member]
        assert own.temptation is not None
        shift = 0.0 if own.discretion is None else own.discretion[0]
        stake = np.full(gain.shape, own.stake[0])
        intercept = theta + own.temptation[0] + shift
        return easing_probability(intercept, own.slope, gain, stake)

    for member in (0, 1):  # Australia (half aid) and New Zealand (all aid)
        assert np.all(chance(2.0, member) >= chance(low, member))
    india = 2  # nothing in force on the start, d = 0: no shift at any ρ
    assert np.array_equal(chance(2.0, india), chance(low, india))


def test_at_rho_zero_v2l_is_v2i_run_by_run() -> None:
    assert same_runs(outcomes(FIJI, "v2l", RANKED), outcomes(FIJI, "v2i", RANKED))


def test_a_case_without_aid_or_contacts_is_v2is_at_any_rho() -> None:
    assert same_runs(outcomes(ARGENTINA, "v2l", DISCRETE), outcomes(ARGENTINA, "v2i", RANKED))


def test_with_rho_the_members_holding_aid_ease_more_often() -> None:
    v2i = outcomes(FIJI, "v2i", RANKED).eased_by(36).mean(axis=0)
    v2l = outcomes(FIJI, "v2l", DISCRETE).eased_by(36).mean(axis=0)
    assert v2l[0] > v2i[0]
    assert v2l[1] > v2i[1]
    assert v2l[1] - v2i[1] > v2l[0] - v2i[0]  # New Zealand's share is twice Australia's


def test_v2l_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(FIJI, "v2l", DISCRETE)


def test_v2l_is_v2i_with_the_kind_read_and_fits_its_own() -> None:
    assert_built_on_v2f("v2l")
    assert_version_flags(
        "v2l",
        {"discretion_read": True},
        temptation_ranked=True,
        leader_ranked=True,
        leader_weighted=False,
        prospects_read=False,
        carve_outs=False,
        lobby_weighted=False,
    )


# -- L3: the grid, the prior and the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2l() -> None:
    assert grid_of("v2l") is DISCRETION_GRID
    assert_searches_v2js_ranges("v2l", "discretion_weight", [0.0, 0.5, 1.0, 2.0], held=0.0)
    assert fitted_by("v2l") == ("concession_scale", "temptation_weight", "discretion_weight")


def test_the_discretion_weights_prior_is_half_normal_with_scale_one() -> None:
    for rho in (0.5, 1.0, 2.0):
        tilted = dataclasses.replace(RANKED, discretion_weight=rho)
        assert log_prior(tilted) - log_prior(RANKED) == pytest.approx(-0.5 * rho**2)


def test_a_calibration_carries_the_discretion_weight_for_v2l_only() -> None:
    assert DISCRETE.discretion_weight == 1.0
    assert_calibration_carries("v2l", DISCRETE, "discretion_weight", "rho half-normal, scale 1")


def test_analyze_with_model_v2l_gives_each_members_shift_inside_its_chance() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2l").fitted
    v2l = sanctionsim.analyze("fiji-1987", model="v2l").to_dict()["v2_choice"]
    shares = dict(zip(members_of(FIJI), discretionary_share(FIJI, members_of(FIJI)), strict=True))
    easable = {name: t for name, t in v2l.items() if t["chance_per_epoch"] > 0}
    assert set(easable) == {"AUS", "NZL"}
    for name, t in v2l.items():
        assert t.get("discretion_shift", 0.0) == pytest.approx(
            fitted.discretion_weight * shares[name]
        )
    # logit(p_i) − τ_i − ρ·d_i − λ·ΔV_i/S_i is the one intercept θ the members share (L1)
    intercepts = [
        math.log(t["chance_per_epoch"] / (1 - t["chance_per_epoch"]))
        - t.get("temptation_shift", 0.0)
        - t.get("discretion_shift", 0.0)
        - fitted.slope * t["gain_of_easing"] / t["monthly_stake"]
        for t in easable.values()
    ]
    assert max(intercepts) - min(intercepts) == pytest.approx(0.0, abs=1e-9)
