"""Model v2g (docs/model-v2.md, "v2g"): v2f with carve-outs, a member easing one measure rather
than all.

What must hold: the carve-out is the measure G1 names (a property over random draws); its value
is G2's, the full easing's when the carve-out is everything; the three-way choice is G3's, the
binary logit exactly where no carve-out exists and in the limit ξ → −∞; a member that carved
keeps its level and never decides again (a transcript); v2g is v2f run by run where no member
has a carve-out; reproducibility whatever the chunk size; the grid and prior ``calibrate``
searches (G4); calibration files that carry ξ for v2g only; the shipped calibration and the
command line.
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

from sanctionsim.coalition.carve_outs import carve_out
from sanctionsim.coalition.parameters import central_parameters, draw_parameters
from sanctionsim.coalition.payoffs import carve_out_gain, easing_gain
from sanctionsim.dynamics.calibration import (
    FittedParameters,
    load_calibration,
    parse_calibration,
)
from sanctionsim.dynamics.choice import carve_out_probabilities, easing_probability
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.rules import CARVE, EASE, HOLD, ChoiceTerms, Epoch, RuleContext, View
from sanctionsim.dynamics.rules_v2 import CarvingResponse
from sanctionsim.errors import InputError
from sanctionsim.history.grids import CARVED_GRID, SCALED_GRID, grid_of, log_prior
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS, model_version
from support import assert_built_on_v2f, run_sanctionsim, same_runs, same_whatever_the_chunk_size

FIT = FittedParameters(1.0, 0.01, 2.0)  # v2f's shipped fit
CARVING = dataclasses.replace(FIT, carve_out_shift=0.0)
NEVER = dataclasses.replace(FIT, carve_out_shift=-50.0)
CHINA = load_scenario("china-1989")  # the USA and the EC12 have carve-outs
IRAQ = load_scenario("iraq-1990")  # no member has two easable measures


def outcomes(world: object, model: str, choice: FittedParameters, runs: int = 1024) -> object:
    return run_outcomes(
        world, runs=runs, horizon=36, seed=5, model=model, choice=choice, omega=1 / 12
    )


# -- G1: which measure is the carve-out ------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    removed=arrays(np.float64, (4, 3), elements=st.sampled_from([0.0, 0.001, 0.01, 0.05, 0.2])),
    saved=arrays(np.float64, (4, 3), elements=st.sampled_from([0.0, 0.1, 1.0, 3.0])),
)
def test_the_carve_out_is_the_measure_saving_most_for_the_least_pressure(
    removed: np.ndarray, saved: np.ndarray
) -> None:
    share, cost = carve_out(removed, saved)
    for run in range(removed.shape[0]):
        live = np.flatnonzero(removed[run] > 0)
        if len(live) < 2:  # one measure or none: the carve-out would be everything
            assert (share[run], cost[run]) == (0.0, 0.0)
            continue
        total_d, total_c = removed[run].sum(), saved[run].sum()
        score = [
            (saved[run, m] / total_c if total_c > 0 else 0.0) - removed[run, m] / total_d
            for m in live
        ]
        best = live[int(np.argmax(score))]  # the first of equals, in file order
        assert share[run] == pytest.approx(removed[run, best] / total_d)
        assert cost[run] == saved[run, best]
        assert 0.0 < share[run] < 1.0


def test_carve_outs_are_computed_only_for_v2g_and_draw_nothing_new() -> None:
    plain = draw_parameters(CHINA, np.random.default_rng(4), 64, accounting="v2", holding=True)
    carved = draw_parameters(
        CHINA, np.random.default_rng(4), 64, accounting="v2", holding=True, carve_outs=True
    )
    assert plain.carve_share is None
    assert carved.carve_share is not None
    for field in dataclasses.fields(plain):
        if field.name not in ("carve_share", "carve_cost"):
            value = getattr(plain, field.name)
            if isinstance(value, np.ndarray):
                assert np.array_equal(value, getattr(carved, field.name)), field.name
    usa, japan = carved.member_ids.index("USA"), carved.member_ids.index("JPN")
    assert np.all(carved.carve_share[:, usa] > 0)  # several measures: a carve-out in every run
    assert np.all(carved.carve_share[:, japan] == 0)  # one measure: none


# -- G2: the carve-out's value ---------------------------------------------------------------------
def test_a_carve_out_of_everything_is_worth_the_full_easing() -> None:
    params = central_parameters(CHINA, accounting="v2", holding=True, carve_outs=True)
    whole = dataclasses.replace(
        params,
        carve_share=np.ones_like(params.holding_cost),
        carve_cost=params.holding_cost.copy(),
    )
    seen, q = np.ones((1, params.members)), params.deal_honoured()
    for member in range(params.members):
        assert carve_out_gain(whole, seen, q, member) == pytest.approx(
            easing_gain(whole, seen, q, member), rel=1e-12, abs=1e-12
        )


def test_a_member_without_a_carve_out_gains_nothing_from_one_and_other_versions_have_none() -> None:
    params = central_parameters(CHINA, accounting="v2", holding=True, carve_outs=True)
    seen, q = np.ones((1, params.members)), params.deal_honoured()
    japan = params.member_ids.index("JPN")
    assert carve_out_gain(params, seen, q, japan).tolist() == [0.0]
    usa = params.member_ids.index("USA")
    partial = carve_out_gain(params, seen, q, usa)[0]
    assert partial != 0.0
    with pytest.raises(ValueError, match="v2g"):
        carve_out_gain(central_parameters(CHINA, accounting="v2"), seen, q, usa)


# -- G3: the choice --------------------------------------------------------------------------------
@settings(max_examples=80, deadline=None)
@given(
    theta=st.floats(-6.0, 1.0),
    slope=st.floats(0.0, 8.0),
    gain=st.floats(-50.0, 50.0),
    carve=st.floats(-50.0, 50.0),
    stake=st.one_of(st.just(0.0), st.floats(1e-3, 20.0)),
    shift=st.floats(-3.0, 3.0),
)
def test_the_three_way_logit_is_a_distribution_and_the_binary_one_without_a_carve_out(
    theta: float, slope: float, gain: float, carve: float, stake: float, shift: float
) -> None:
    args = (np.array([gain, gain]), np.array([carve, carve]), np.array([stake, stake]))
    p_ease, p_carve = carve_out_probabilities(theta, slope, *args, shift, np.array([True, False]))
    binary = easing_probability(theta, slope, args[0], args[2])
    assert np.all((p_ease >= 0) & (p_carve >= 0) & (p_ease + p_carve <= 1 + 1e-12))
    assert p_ease[1] == binary[1]  # no carve-out: v2f's choice, exactly
    assert p_carve[1] == 0.0
    assert p_ease[0] <= binary[0] + 1e-12  # a third option takes from both others
    # ξ → −∞ (beyond any clipped λ·ΔV/S): the carve-out vanishes and the choice is v2f's
    never, _ = carve_out_probabilities(theta, slope, *args, -1e13, np.array([True, True]))
    assert never[0] == pytest.approx(binary[0], rel=1e-9, abs=1e-12)


def test_a_member_that_carved_keeps_its_level_and_decides_no_more() -> None:
    """A transcript of one member (two runs): month 1 run 0 carves, run 1 holds; month 2 both
    draw an easing, but run 0 keeps its carve-out; month 3 run 1 eases."""
    params = central_parameters(CHINA, accounting="v2", holding=True, carve_outs=True)
    params = params.take(np.array([0, 0]))
    usa = params.member_ids.index("USA")
    terms = ChoiceTerms(
        slope=1.0,
        backing_down=np.zeros(2),
        stake=np.ones(2),
        easable=np.ones(2, dtype=np.bool_),
        responders=np.zeros(params.members, dtype=np.bool_),
    )
    context = RuleContext(
        runs=2,
        member=usa,
        params=params,
        trust=np.ones((2, params.members)),
        snap_back=None,
        rng=None,
        choice=terms,
    )
    rule = CarvingResponse.build(context)
    seen = np.ones((2, params.members), dtype=np.bool_)

    def month(own_held: list[bool], choice_u: list[float]) -> list[int]:
        view = View(
            member=usa,
            own_held=np.array(own_held),
            seen_holding=seen,
            payoff=np.zeros(2),
            belief=np.full(2, 0.5),
            delivered=np.zeros(2, dtype=np.bool_),
            reneged=np.zeros(2, dtype=np.bool_),
        )
        view.epoch = Epoch(
            chance=np.ones(2),
            theta=0.0,
            epoch_u=np.zeros(2),
            choice_u=np.array(choice_u),
            others_rate=np.zeros(params.members),
        )
        return [int(a) for a in rule.next(view)]

    first_ease, first_carve = carve_out_probabilities(
        0.0,
        1.0,
        rule.gain(_dummy_view(usa, seen))[:1],
        rule.carve_gain(_dummy_view(usa, seen))[:1],
        np.ones(1),
        0.0,
        np.array([True]),
    )
    between = float(first_ease[0] + 0.5 * first_carve[0])  # a carve-out's draw
    above = float(first_ease[0] + first_carve[0] + 1e-6)  # a hold's draw
    assert month([True, True], [between, min(above, 1.0)]) == [CARVE, HOLD]
    assert month([False, True], [0.0, 1.0]) == [CARVE, HOLD]  # run 0 keeps its carve-out
    assert month([False, True], [0.0, 0.0]) == [CARVE, EASE]  # run 1 eases everything


def _dummy_view(member: int, seen: np.ndarray) -> View:
    return View(
        member=member,
        own_held=np.ones(2, dtype=np.bool_),
        seen_holding=seen,
        payoff=np.zeros(2),
        belief=np.full(2, 0.5),
        delivered=np.zeros(2, dtype=np.bool_),
        reneged=np.zeros(2, dtype=np.bool_),
    )


# -- G5: everything else is v2f --------------------------------------------------------------------
def test_where_no_member_has_a_carve_out_v2g_is_v2f_run_by_run() -> None:
    drawn = draw_parameters(
        IRAQ, np.random.default_rng(0), 256, accounting="v2", holding=True, carve_outs=True
    )
    assert drawn.carve_share is not None
    assert not np.any(drawn.carve_share > 0)  # the comparison is of a case without carve-outs
    assert same_runs(outcomes(IRAQ, "v2g", CARVING), outcomes(IRAQ, "v2f", FIT))


def test_carve_outs_raise_easing_and_vanish_as_their_shift_falls() -> None:
    v2f = outcomes(CHINA, "v2f", FIT)
    carving = outcomes(CHINA, "v2g", CARVING)
    never = outcomes(CHINA, "v2g", NEVER)
    usa = 0  # the leader, with a carve-out in every run
    assert carving.eased_by(36)[:, usa].mean() > 1.5 * v2f.eased_by(36)[:, usa].mean()
    assert np.array_equal(never.eased_month, v2f.eased_month)
    assert np.allclose(never.eased_chance, v2f.eased_chance, rtol=1e-9, atol=1e-12)
    assert np.array_equal(never.conceded_month, v2f.conceded_month)


def test_v2g_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(CHINA, "v2g", CARVING)


def test_v2g_is_v2f_with_carve_outs_and_fits_its_own() -> None:
    assert_built_on_v2f("v2g")
    version = model_version("v2g")
    assert version.carve_outs
    assert [name for name, v in VERSIONS.items() if v.carve_outs] == ["v2g"]


# -- G4: the grid, the prior and the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2g() -> None:
    assert grid_of("v2g") is CARVED_GRID
    assert grid_of("v2f") is SCALED_GRID
    assert len(CARVED_GRID) == 48
    assert sorted({p.carve_out_shift for p in CARVED_GRID}) == [-2.0, -1.0, 0.0, 1.0]
    assert sorted({p.concession_scale for p in CARVED_GRID}) == [1.5, 2.0, 3.0]
    assert sorted({p.slope for p in CARVED_GRID}) == [1.0, 2.0]
    assert sorted({p.backing_down for p in CARVED_GRID}) == [0.005, 0.01]
    assert {p.carve_out_shift for p in SCALED_GRID} == {0.0}


def test_the_shifts_prior_is_normal_about_zero() -> None:
    for shift in (-2.0, 1.0):
        point = dataclasses.replace(FIT, carve_out_shift=shift)
        assert log_prior(point) == pytest.approx(log_prior(FIT) - 0.5 * shift**2)


def test_a_calibration_carries_the_shift_for_v2g_only() -> None:
    shipped = load_calibration(model="v2g")
    assert shipped.model == "v2g"
    assert "carve_out_shift" in shipped.details["grid"]
    document = shipped.to_dict()
    document["fitted"] = dataclasses.replace(FIT, carve_out_shift=-1.0).to_dict()
    assert parse_calibration(json.dumps(document), "x.json").fitted.carve_out_shift == -1.0
    document["model"] = "v2f"
    with pytest.raises(InputError, match="model v2f does not fit carve_out_shift"):
        parse_calibration(json.dumps(document), "v2f.json")
    with pytest.raises(ValueError, match="carve_out_shift must be a finite number"):
        FittedParameters(1.0, 0.01, 2.0, math.nan)


def test_simulate_with_model_v2g_names_its_version_and_calibration() -> None:
    done = run_sanctionsim(
        "simulate", "china-1989", "--model", "v2g", "--runs", "1024", "--horizon", "6", "--json"
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["model_version"] == "v2g"
    assert document["calibration"]["calibration_sha256"] == load_calibration(model="v2g").sha256
    sets = document["fold_range"]["parameter_sets"]
    assert all("concession_scale" in s for s in sets)


def test_analyze_with_model_v2g_gives_each_members_carve_out() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2g").fitted
    choice = sanctionsim.analyze("dprk-2014", model="v2g").to_dict()["v2_choice"]
    usa, japan = choice["USA"], choice["JPN"]  # the US holds several easable measures, Japan one
    assert 0 < usa["carve_out_share"] < 1
    assert usa["carve_out_saving"] > 0
    p_ease, p_carve = usa["chance_per_epoch"], usa["carve_out_chance_per_epoch"]
    assert p_carve > 0
    assert p_ease + p_carve < 1
    # the three-way logit: the log-odds of carving against easing everything is
    # ξ + λ·(ΔV^c − ΔV)/S (docs/model-v2.md, "v2g", G3)
    odds = (
        fitted.carve_out_shift
        + fitted.slope * (usa["gain_of_carve_out"] - usa["gain_of_easing"]) / usa["monthly_stake"]
    )
    assert math.log(p_carve) - math.log(p_ease) == pytest.approx(odds, rel=1e-6)
    assert japan["carve_out_share"] == 0
    assert japan["carve_out_chance_per_epoch"] == 0
    assert japan["gain_of_carve_out"] == 0
    v2f = sanctionsim.analyze("dprk-2014", model="v2f").to_dict()["v2_choice"]
    assert "carve_out_share" not in v2f["USA"]
