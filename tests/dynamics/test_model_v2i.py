"""Model v2i: relative temptation, the member's premium against its case's peers shifting its
easing odds by a fitted weight μ (docs/model-v2.md, "v2i").

I1: τ_i = μ·log((g_i + ε)/ḡ) over the members with something to ease, summing to zero; it shifts
the logit's intercept. I2: μ = 0 is v2f run by run; a larger μ raises the chance of a member above
its peers' mean and lowers it below; the run does not depend on the chunk size. I3: the grid, the
prior, and calibration files that carry μ for v2i only.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.dynamics.calibration import (
    FittedParameters,
    load_calibration,
    parse_calibration,
)
from sanctionsim.dynamics.choice import easing_probability, relative_temptation
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.rules import ChoiceTerms, RuleContext
from sanctionsim.dynamics.rules_v2 import QuantalResponse
from sanctionsim.errors import InputError
from sanctionsim.history.grids import LOBBIED_GRID, TEMPTED_GRID, grid_of, log_prior
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS, model_version
from support import assert_built_on_v2f, run_sanctionsim, same_runs, same_whatever_the_chunk_size

FIT = FittedParameters(1.0, 0.01, 2.0)  # v2f's shipped fit
UNRANKED = dataclasses.replace(FIT, temptation_weight=0.0)
RANKED = dataclasses.replace(FIT, temptation_weight=2.0)
ARGENTINA = load_scenario("argentina-1982")  # the EC members' premiums differ


def outcomes(model: str, choice: FittedParameters, runs: int = 1024) -> object:
    return run_outcomes(
        ARGENTINA, runs=runs, horizon=36, seed=5, model=model, choice=choice, omega=1 / 12
    )


# -- I1: the shift --------------------------------------------------------------------------------
premiums = arrays(np.float64, (3, 5), elements=st.floats(0.0, 50.0, allow_nan=False))
masks = arrays(np.bool_, (3, 5))


@settings(max_examples=60, deadline=None)
@given(premium=premiums, easable=masks, weight=st.sampled_from([0.5, 1.0, 2.0]))
def test_the_shifts_of_a_runs_members_with_something_to_ease_sum_to_zero(
    premium: np.ndarray, easable: np.ndarray, weight: float
) -> None:
    tau = relative_temptation(premium, easable, weight)
    assert np.all(np.isfinite(tau))
    assert np.all(tau[~easable] == 0.0)  # nothing to ease: no shift
    assert np.allclose(tau.sum(axis=1), 0.0, atol=1e-9)
    # the order of the shifts among a run's members with something to ease is their premiums'
    for run in range(premium.shape[0]):
        chosen = np.flatnonzero(easable[run])
        if len(chosen) >= 2 and premium[run, chosen].mean() > 0:
            g, t = premium[run, chosen], tau[run, chosen]
            above, below = np.argmax(g), np.argmin(g)
            assert t[above] >= t[below]
            assert (t[above] > t[below]) == (g[above] > g[below])


def test_the_shift_is_mu_times_the_log_ratio_to_the_geometric_mean() -> None:
    premium = np.array([[3.0, 1.0, 0.0, 9.0]])
    easable = np.array([[True, True, True, False]])  # the fourth has nothing to ease
    tau = relative_temptation(premium, easable, 2.0)
    floor = 0.01 * (3.0 + 1.0 + 0.0) / 3
    logs = np.log(np.array([3.0, 1.0, 0.0]) + floor)
    assert tau[0, :3] == pytest.approx(2.0 * (logs - logs.mean()), rel=1e-12)
    assert tau[0, 3] == 0.0
    # alone, or with peers that all have no premium, a member has no shift
    assert not relative_temptation(premium, np.array([[True, False, False, False]]), 2.0).any()
    assert not relative_temptation(np.zeros((1, 4)), np.ones((1, 4), bool), 2.0).any()
    with pytest.raises(ValueError, match="must be >= 0"):
        relative_temptation(premium, easable, -1.0)


def _probability(member: int, shift: float | None, theta: float = -2.0) -> float:
    params = central_parameters(ARGENTINA)
    n = params.members
    terms = ChoiceTerms(
        slope=2.0,
        backing_down=np.array([0.1]),
        stake=np.array([1.0]),
        easable=np.array([True]),
        responders=np.zeros(n, dtype=np.bool_),
        temptation=None if shift is None else np.array([shift]),
    )
    context = RuleContext(1, member, params, np.full((1, n), 0.5), None, None, terms)
    rule = QuantalResponse(context, terms)
    return float(rule.probability(theta, np.array([0.3]))[0])


@settings(max_examples=30, deadline=None)
@given(shift=st.floats(-5.0, 5.0), theta=st.floats(-6.0, 0.0))
def test_the_shift_moves_the_logits_intercept_and_nothing_else(shift: float, theta: float) -> None:
    expected = easing_probability(theta + shift, 2.0, np.array([0.3]), np.array([1.0]))[0]
    assert _probability(0, shift, theta) == pytest.approx(expected, rel=1e-12)
    assert _probability(0, None, theta) == _probability(0, 0.0, theta)
    # a member above its peers (τ > 0) eases more often than at τ = 0, one below less often
    if shift > 1e-9:
        assert _probability(0, shift, theta) > _probability(0, 0.0, theta)
    if shift < -1e-9:
        assert _probability(0, shift, theta) < _probability(0, 0.0, theta)


# -- I2: everything else is v2f -------------------------------------------------------------------
def test_with_no_temptation_weight_v2i_is_v2f_run_by_run() -> None:
    assert same_runs(outcomes("v2i", UNRANKED), outcomes("v2f", FIT))


def test_the_weight_moves_easing_towards_the_most_tempted_member() -> None:
    params = central_parameters(ARGENTINA)
    easable = params.has_something_to_ease()[0]
    premium = np.where(easable, params.premium_base[0], np.nan)
    top, bottom = int(np.nanargmax(premium)), int(np.nanargmin(premium))
    assert premium[top] > premium[bottom]
    unranked = outcomes("v2i", UNRANKED).eased_by(36)
    ranked = outcomes("v2i", RANKED).eased_by(36)
    assert ranked[:, top].mean() > unranked[:, top].mean()
    assert ranked[:, bottom].mean() < unranked[:, bottom].mean()


def test_v2i_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(ARGENTINA, "v2i", RANKED)


def test_v2i_is_v2f_with_relative_temptation_and_fits_its_own() -> None:
    assert_built_on_v2f("v2i")
    version = model_version("v2i")
    assert version.temptation_ranked
    assert not version.carve_outs
    assert not version.lobby_weighted
    # v2j to v2s (docs/model-v2.md, "v2j" to "v2s") are built on v2i and rank the premiums too
    ranked = [name for name, v in VERSIONS.items() if v.temptation_ranked]
    assert ranked == ["v2i", "v2j", "v2k", "v2l", "v2m", "v2n", "v2o", "v2p", "v2q", "v2r", "v2s"]
    assert version.leader_ranked
    assert not version.prospects_read


# -- I3: the grid, the prior and the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2i() -> None:
    assert grid_of("v2i") is TEMPTED_GRID
    assert len(TEMPTED_GRID) == 48
    assert sorted({p.temptation_weight for p in TEMPTED_GRID}) == [0.0, 0.5, 1.0, 2.0]
    # ψ, λ and α on v2g's and v2h's sub-grid, so the three are fitted on the same one
    assert {(p.concession_scale, p.slope, p.backing_down) for p in TEMPTED_GRID} == {
        (p.concession_scale, p.slope, p.backing_down) for p in LOBBIED_GRID
    }
    assert {(p.carve_out_shift, p.lobby_weight) for p in TEMPTED_GRID} == {(0.0, 0.0)}
    assert {p.temptation_weight for p in LOBBIED_GRID} == {0.0}


def test_the_temptation_weights_prior_is_half_normal_with_scale_one() -> None:
    for weight in (0.5, 2.0):
        point = dataclasses.replace(FIT, temptation_weight=weight)
        assert log_prior(point) == pytest.approx(log_prior(FIT) - 0.5 * weight**2)


def test_a_calibration_carries_the_temptation_weight_for_v2i_to_v2n_only() -> None:
    shipped = load_calibration(model="v2i")
    assert shipped.model == "v2i"
    assert "temptation_weight" in shipped.details["grid"]
    assert "mu half-normal, scale 1" in shipped.details["objective"]
    document = shipped.to_dict()
    document["fitted"] = dataclasses.replace(FIT, temptation_weight=0.5).to_dict()
    assert parse_calibration(json.dumps(document), "x.json").fitted.temptation_weight == 0.5
    document["model"] = "v2h"
    with pytest.raises(InputError, match="model v2h does not fit temptation_weight"):
        parse_calibration(json.dumps(document), "v2h.json")
    with pytest.raises(ValueError, match="temptation_weight must be a finite number >= 0"):
        FittedParameters(1.0, 0.01, 2.0, temptation_weight=-0.5)
    with pytest.raises(ValueError, match="temptation_weight must be a finite number >= 0"):
        FittedParameters(1.0, 0.01, 2.0, temptation_weight=math.nan)


@pytest.mark.parametrize("model", [f"v2{letter}" for letter in "ijklmnopqr"])
def test_simulate_with_model_v2i_to_v2n_names_its_version_and_calibration(model: str) -> None:
    done = run_sanctionsim(
        "simulate", "argentina-1982", "--model", model, "--runs", "1024", "--horizon", "6", "--json"
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["model_version"] == model
    assert document["calibration"]["calibration_sha256"] == load_calibration(model=model).sha256


def test_analyze_with_model_v2i_gives_each_members_shift_inside_its_chance() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2i").fitted
    v2i = sanctionsim.analyze("argentina-1982", model="v2i").to_dict()["v2_choice"]
    v2f = sanctionsim.analyze("argentina-1982", model="v2f").to_dict()["v2_choice"]
    shifts = {member: terms["temptation_shift"] for member, terms in v2i.items()}
    assert sum(shifts.values()) == pytest.approx(0.0, abs=1e-9)  # every member has a measure
    assert max(shifts, key=lambda m: shifts[m]) == "ITA"  # the largest premium of the six
    assert "temptation_shift" not in v2f["ITA"]
    # logit(p_i) − τ_i − λ·ΔV_i/S_i is the one intercept θ every member shares (I1)
    intercepts = [
        math.log(t["chance_per_epoch"] / (1 - t["chance_per_epoch"]))
        - t["temptation_shift"]
        - fitted.slope * t["gain_of_easing"] / t["monthly_stake"]
        for t in v2i.values()
    ]
    assert max(intercepts) - min(intercepts) == pytest.approx(0.0, abs=1e-9)
