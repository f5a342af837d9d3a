"""Model v2c (docs/model-v2.md, "v2c"): v2a's choice read on the decision's whole stake,
x_i = ΔV_i/Σ_i clipped to [−1, 1] with Σ_i = S_i + |k_i·q_i| + |d_i| + A_i, and λ and α refitted;
and v2c-hold, v2c with v2-hold's holding value H_i, reading v2c's fit.

What must hold: the ratio needs no clip on any built-in case (every term of ΔV_i is bounded by its
term in Σ_i), λ bounds the shift of the log-odds from the anchor, v2c is v2 wherever the payoffs
weigh nothing (λ = 0), and it has its own fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.coalition.parameters import KeyedStreams, central_parameters, draw_parameters
from sanctionsim.coalition.payoffs import easing_gain
from sanctionsim.dynamics.calibration import FittedParameters, load_calibration
from sanctionsim.dynamics.choice import easing_probability, logistic
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.kernel_v2 import choice_terms
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.rules import RuleContext, coalition_rules
from sanctionsim.dynamics.rules_v2 import QuantalResponse, WholeStakeResponse
from sanctionsim.dynamics.setup import prepare
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import model_version
from support import run_sanctionsim, same_whatever_the_chunk_size, with_holding
from support import same_runs as same

CHOICE = FittedParameters(slope=2.0, backing_down=0.01)
DPRK_2006 = load_scenario("dprk-2006")


def outcomes(world: Scenario, model: str, choice: FittedParameters = CHOICE) -> RunOutcomes:
    extra: dict[str, Any] = {"choice": choice, "omega": 1 / 12}
    return run_outcomes(world, runs=256, horizon=36, seed=5, model=model, **extra)


def rules_of(world: Scenario, model: str, runs: int = 64) -> list[QuantalResponse]:
    """Each member's best-response rule under ``model`` on drawn parameters (seed 2)."""
    setup = prepare(world, model, choice=CHOICE, omega=1 / 12)
    assert setup.clock is not None
    holding = model_version(model).holding
    params = draw_parameters(world, KeyedStreams(2, (0,)), runs, accounting="v2", holding=holding)
    belief = np.full((runs, params.members), 0.5)
    rule = coalition_rules(model)["best_response"]
    result = []
    for i, terms in enumerate(choice_terms(params, setup.clock)):
        built = rule.build(RuleContext(runs, i, params, belief, None, None, terms))
        assert isinstance(built, QuantalResponse)
        result.append(built)
    return result


# -- C1: the scale ------------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["v2c", "v2c-hold"])
@pytest.mark.parametrize("case", case_ids())
def test_the_ratio_needs_no_clip_on_any_built_in_case(case: str, model: str) -> None:
    """|ΔV_i| ≤ Σ_i for every member, run and profile of the others' holding (all hold, all
    eased, and random profiles): the clip of C1 guards rounding only."""
    world = load_scenario(case)
    rules = rules_of(world, model)
    params = rules[0].params
    q = params.deal_honoured()
    rng = np.random.default_rng(11)
    profiles = [np.ones((64, params.members)), np.zeros((64, params.members))]
    profiles += [rng.integers(0, 2, (64, params.members)).astype(float) for _ in range(4)]
    for i, rule in enumerate(rules):
        assert isinstance(rule, WholeStakeResponse)
        for seen in profiles:
            gain = easing_gain(params, seen, q, i) - rule.terms.backing_down
            assert np.all(np.abs(gain) <= rule.scale * (1 + 1e-9) + 1e-12), (case, i)


def test_the_one_off_cost_no_longer_decides_dprk_2006s_united_states() -> None:
    """The design's example: A_i is ten times S_i, so v2a's ratio reaches −10; v2c's cannot pass
    −1, and its chance of easing at an epoch is at least Λ(θ − λ)."""
    setup = prepare(DPRK_2006, "v2c", choice=CHOICE, omega=1 / 12)
    assert setup.clock is not None
    theta = float(setup.clock.months(1).theta[0])
    usa = setup.member_ids.index("USA")
    v2a, v2c = rules_of(DPRK_2006, "v2")[usa], rules_of(DPRK_2006, "v2c")[usa]
    assert float(np.median(v2a.terms.backing_down / v2a.terms.stake)) > 5
    everyone = np.ones((64, v2a.params.members))
    gain = easing_gain(v2a.params, everyone, v2a.params.deal_honoured(), usa)
    gain = gain - v2a.terms.backing_down
    old, new = v2a.probability(theta, gain), v2c.probability(theta, gain)
    assert np.all(new >= logistic(theta - CHOICE.slope) - 1e-12)
    assert np.all(old < logistic(theta - CHOICE.slope))  # v2a's: beyond what λ says
    assert np.all(new > old)


@settings(max_examples=200, deadline=None)
@given(
    theta=st.floats(-8, 2),
    slope=st.floats(0, 16),
    gain=st.floats(-1e6, 1e6),
    scale=st.floats(0, 1e6),
)
def test_lambda_bounds_the_shift_of_the_log_odds(
    theta: float, slope: float, gain: float, scale: float
) -> None:
    p = easing_probability(theta, slope, np.array([gain]), np.array([scale]), bounded=True)[0]
    assert logistic(theta - slope) - 1e-12 <= p <= logistic(theta + slope) + 1e-12
    if scale == 0:
        assert p == pytest.approx(logistic(theta))


# -- C2: nothing else changes ------------------------------------------------------------------
@pytest.mark.parametrize("case", ["dprk-2006", "qatar-2017", "iraq-1990"])
def test_v2c_is_v2_where_the_payoffs_weigh_nothing_and_differs_where_they_do(case: str) -> None:
    world = load_scenario(case)
    flat = FittedParameters(slope=0.0, backing_down=0.01)
    assert same(outcomes(world, "v2", flat), outcomes(world, "v2c", flat))
    assert not same(outcomes(world, "v2"), outcomes(world, "v2c"))


def test_v2c_is_reproducible_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(DPRK_2006, "v2c", CHOICE)


# -- C3: its own fit ----------------------------------------------------------------------------
def test_v2c_is_fitted_and_reads_its_own_calibration() -> None:
    version = model_version("v2c")
    assert (version.kernel, version.fit_of, version.fits) == ("v2", None, True)
    shipped = load_calibration(model="v2c")
    assert shipped.model == "v2c"
    assert shipped.sha256 != load_calibration(model="v2").sha256


# -- v2c-hold ---------------------------------------------------------------------------------
def test_v2c_hold_is_v2c_where_no_holding_value_is_set_and_differs_where_one_is() -> None:
    qatar = load_scenario("qatar-2017")  # sets H_i on four members
    unset = with_holding(qatar, None)
    assert same(outcomes(unset, "v2c"), outcomes(unset, "v2c-hold"))
    assert not same(outcomes(qatar, "v2c"), outcomes(qatar, "v2c-hold"))
    held = outcomes(qatar, "v2c-hold").eased_by(None).mean(axis=0)
    plain = outcomes(qatar, "v2c").eased_by(None).mean(axis=0)
    values = central_parameters(qatar, accounting="v2", holding=True).holding_value
    assert values is not None
    holders = (values[0] > 0) & (plain > 0)
    assert holders.sum() == 4
    assert np.all(held[holders] < plain[holders])  # the design's expected direction


def test_v2c_hold_reads_v2cs_fit_and_fits_nothing() -> None:
    version = model_version("v2c-hold")
    assert (version.kernel, version.fit_of, version.fits, version.holding) == (
        "v2",
        "v2c",
        False,
        True,
    )
    assert load_calibration(model="v2c-hold").sha256 == load_calibration(model="v2c").sha256
    assert coalition_rules("v2c-hold") is coalition_rules("v2c")
    done = run_sanctionsim("calibrate", "--model", "v2c-hold")
    assert done.returncode == 2
