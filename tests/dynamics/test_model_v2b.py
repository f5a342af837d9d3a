"""Model v2b (docs/model-v2.md, items 6 and 7): the shadow of the future, reciprocity as
belief, the deal weighed; the registry of versions; Deadlock in ``analyze``."""

from __future__ import annotations

import dataclasses
from typing import get_args

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionsim.coalition.parameters import CoalitionParameters, central_parameters
from sanctionsim.coalition.payoffs import member_payoffs
from sanctionsim.coalition.shadow import responders_loss, shadow_value
from sanctionsim.dynamics.calibration import (
    FittedParameters,
    calibration_for,
    load_calibration,
)
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.rules import (
    EASE,
    HOLD,
    RULES_BY_MODEL,
    ChoiceTerms,
    Epoch,
    RuleContext,
    View,
)
from sanctionsim.dynamics.rules_v2 import (
    BelievingFollower,
    ForwardLooking,
    QuantalFollower,
    WeighedReciprocity,
    eased_posterior,
)
from sanctionsim.errors import ArgumentError
from sanctionsim.game.coalition import analyze
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS, ModelName
from support import run_sanctionsim

unit = st.floats(0.0, 1.0, allow_nan=False)
money = st.floats(-50.0, 50.0, allow_nan=False)


def one(value: float) -> np.ndarray:
    return np.array([value])


def test_every_version_has_its_rules_and_its_type_name() -> None:
    assert tuple(RULES_BY_MODEL) == tuple(VERSIONS)
    assert set(get_args(ModelName)) == set(VERSIONS)
    for name, version in VERSIONS.items():
        assert version.calibrated == (version.kernel == "v2"), name


# -- item 6: the shadow of the future ------------------------------------------------------------
@given(money, money, st.floats(0.0, 0.99), unit, st.floats(0.0, 20.0))
def test_the_shadow_value_falls_with_the_loss_and_the_cost(
    gain: float, loss: float, d: float, q: float, cost: float
) -> None:
    base = shadow_value(one(gain), one(loss), one(d), one(q), one(cost))[0]
    assert shadow_value(one(gain), one(loss + 1.0), one(d), one(q), one(cost))[0] <= base
    assert shadow_value(one(gain), one(loss), one(d), one(q), one(cost + 1.0))[0] < base


@given(money, money, st.floats(0.0, 0.99), st.floats(0.0, 20.0))
def test_the_shadow_value_reduces_to_its_limits(
    gain: float, loss: float, d: float, cost: float
) -> None:
    # no future: one month's gain; never detected: the gain for ever
    no_future = shadow_value(one(gain), one(loss), one(0.0), one(0.5), one(cost))[0]
    assert no_future == pytest.approx(gain - cost)
    unseen = shadow_value(one(gain), one(loss), one(d), one(0.0), one(cost))[0]
    assert unseen == pytest.approx(gain / (1.0 - d) - cost, rel=1e-9, abs=1e-9)


def test_the_shadow_value_is_the_sum_over_months_it_claims() -> None:
    gain, loss, d, q, cost = 1.5, 4.0, 0.93, 0.3, 2.0
    months = np.arange(2000)
    detected_by = 1.0 - (1.0 - q) ** months  # detection by the start of month t
    flows = (1.0 - detected_by) * gain - detected_by * loss
    direct = float((d**months * flows).sum()) - cost
    assert shadow_value(one(gain), one(loss), one(d), one(q), one(cost))[0] == pytest.approx(direct)


def dprk() -> CoalitionParameters:
    return central_parameters(load_scenario("dprk-2014"), accounting="v2")


def test_followers_answering_an_easing_cost_the_member_concession_value() -> None:
    params = dprk()
    everyone = np.ones((1, params.members))
    nobody = np.zeros(params.members, dtype=np.bool_)
    others = np.array([True, False, True])
    lost = responders_loss(params, everyone, 1, others)[0]
    # the same number from two member_payoffs calls (only the pressure-dependent terms differ)
    eased = everyone.copy()
    eased[0, 1] = 0.0
    answered = eased.copy()
    answered[0, [0, 2]] = 0.0
    q = params.deal_honoured()
    direct = member_payoffs(params, eased, q)[0, 1] - member_payoffs(params, answered, q)[0, 1]
    assert lost == pytest.approx(direct)
    assert lost > 0
    assert responders_loss(params, everyone, 1, nobody)[0] == 0.0


def terms_for(params: CoalitionParameters, responders: np.ndarray, cost: float) -> ChoiceTerms:
    runs = params.runs
    return ChoiceTerms(
        slope=1.0,
        backing_down=np.full(runs, cost),
        stake=np.ones(runs),
        easable=np.ones(runs, dtype=np.bool_),
        responders=responders,
    )


def context(params: CoalitionParameters, member: int, terms: ChoiceTerms) -> RuleContext:
    trust = np.full((params.runs, params.members), 0.5)
    return RuleContext(params.runs, member, params, trust, None, None, terms)


def view_of(params: CoalitionParameters, member: int, seen: list[bool], end: float) -> View:
    n = params.members
    return View(
        member=member,
        own_held=np.ones(1, dtype=np.bool_),
        seen_holding=np.array([seen]),
        payoff=np.zeros(1),
        belief=params.reliable_prior,
        delivered=np.zeros(1, dtype=np.bool_),
        reneged=np.zeros(1, dtype=np.bool_),
        epoch=Epoch(one(1.0), 0.0, one(0.0), one(0.99), np.full(n, 0.003)),
        end_hazard=one(end),
    )


def test_a_member_answered_by_followers_values_easing_less() -> None:
    params = dprk()
    alone = ForwardLooking.build(context(params, 2, terms_for(params, np.zeros(3, bool), 0.0)))
    answered = ForwardLooking.build(
        context(params, 2, terms_for(params, np.array([True, True, False]), 0.0))
    )
    view = view_of(params, 2, [True, True, True], 0.01)
    assert answered.gain(view)[0] < alone.gain(view)[0]


def test_an_episode_likely_to_end_shortens_the_shadow() -> None:
    params = dataclasses.replace(dprk(), penalty=np.array([[0.0, 0.0, 50.0]]))
    rule = ForwardLooking.build(context(params, 2, terms_for(params, np.zeros(3, bool), 0.0)))
    # a penalty after detection weighs less when the episode is likely to be over by then
    lasting = rule.gain(view_of(params, 2, [True, True, True], 0.0))[0]
    ending = rule.gain(view_of(params, 2, [True, True, True], 0.5))[0]
    assert lasting < ending


# -- item 7: reciprocity as belief ---------------------------------------------------------------
def test_one_false_alarm_moves_the_belief_little_and_repeated_reports_a_lot() -> None:
    rate = np.full(3, 0.003)
    q, f = np.full((1, 3), 0.85), np.array([0.02])
    seen = np.array([[False, True, False]])
    belief = eased_posterior(np.zeros((1, 3)), rate, seen, q, f)
    assert belief[0, 1] < 0.2
    for _ in range(3):
        belief = eased_posterior(belief, rate, seen, q, f)
    assert belief[0, 1] > 0.99
    assert belief[0, 0] < 0.01  # seen holding: still believed to hold


def test_the_believing_follower_does_not_act_on_one_false_alarm() -> None:
    params = dprk()
    terms = terms_for(params, np.zeros(3, bool), 0.0)
    literal = QuantalFollower.build(context(params, 2, terms))
    believing = BelievingFollower.build(context(params, 2, terms))
    alarm = view_of(params, 2, [False, True, True], 0.01)  # the USA seen easing, once
    calm = view_of(params, 2, [True, True, True], 0.01)
    # v2a's follower takes the report at its word; v2b's reckons the USA most likely holds
    assert literal.holding(alarm)[0, 0] == 0.0
    believing.next(alarm)
    assert believing.holding(alarm)[0, 0] > 0.8
    fresh = BelievingFollower.build(context(params, 2, terms))
    fresh.next(calm)
    assert believing.eased_belief[0, 0] > fresh.eased_belief[0, 0]


def staged_view(params: CoalitionParameters, share: float) -> View:
    view = view_of(params, 1, [True, True, True], 0.01)
    view.delivered = np.ones(1, dtype=np.bool_)
    view.stage_share = one(share)
    return view


def test_weighed_reciprocity_eases_a_due_stage_only_when_the_deal_is_worth_it() -> None:
    params = dataclasses.replace(dprk(), deal_value=np.array([[0.0, 2.0, 0.0]]))
    cheap = terms_for(params, np.zeros(3, bool), 0.0)
    dear = terms_for(params, np.zeros(3, bool), 1e6)
    make = lambda t: WeighedReciprocity.build(  # noqa: E731
        dataclasses.replace(context(params, 1, t), snap_back=True)
    )
    assert make(cheap).next(staged_view(params, 0.5))[0] == EASE
    assert make(dear).next(staged_view(params, 0.5))[0] == HOLD
    assert make(dear).next(staged_view(params, 0.0))[0] == EASE  # a free stage


# -- the engine and the commands -----------------------------------------------------------------
def test_v2b_runs_reproducibly_and_paired_with_v2() -> None:
    scenario = load_scenario("dprk-2014")
    choice = FittedParameters(slope=1.0, backing_down=0.01)
    runs = {
        model: run_outcomes(
            scenario, runs=256, horizon=24, seed=3, model=model, choice=choice, omega=1 / 12
        )
        for model in ("v2", "v2b")
    }
    again = run_outcomes(
        scenario, runs=256, horizon=24, seed=3, model="v2b", choice=choice, omega=1 / 12
    )
    assert np.array_equal(runs["v2b"].eased_chance, again.eased_chance)
    # the target's draws are shared: where nobody eased, concessions fall in the same months
    calm = (runs["v2"].eased_month == 0).all(axis=1) & (runs["v2b"].eased_month == 0).all(axis=1)
    assert calm.sum() > 50
    assert np.array_equal(runs["v2"].conceded_month[calm], runs["v2b"].conceded_month[calm])


def test_a_calibration_serves_only_the_version_it_was_fitted_for() -> None:
    shipped = load_calibration(model="v2")
    with pytest.raises(ArgumentError, match="fitted for model v2, not for model v2b"):
        calibration_for("v2b", shipped)
    with pytest.raises(ArgumentError, match="reads no calibration"):
        load_calibration(model="v1")
    assert calibration_for("v2b", dataclasses.replace(shipped, model="v2b")) is not None


def test_calibrate_refuses_a_version_it_cannot_fit() -> None:
    done = run_sanctionsim("calibrate", "--model", "v1")
    assert done.returncode == 2
    assert "--model" in done.stderr
    assert "v2b" in done.stderr


def test_analyze_names_deadlock_where_easing_pays_whatever_the_others_do() -> None:
    scenario = load_scenario("dprk-2014")
    result = analyze(scenario, model="v2")
    params = central_parameters(scenario, accounting="v2")
    assert result.v2_terms is not None
    q = params.deal_honoured()
    followers = np.array([a.strategy == "conditional_cooperation" for a in scenario.members])
    flagged = 0
    for i, member in enumerate(params.member_ids):
        gains = []
        for others in (1.0, 0.0):
            holds = np.full((1, params.members), others)
            holds[0, i] = 1.0
            hold = member_payoffs(params, holds, q)[0, i]
            holds[0, i] = 0.0
            ease = member_payoffs(params, holds, q)[0, i] + params.expected_penalty()[0, i]
            gains.append(ease - hold)
        dominant = all(g > 0 for g in gains)
        answers = followers.copy()
        answers[i] = False
        everyone = np.ones((1, params.members))
        loss = params.penalty[0, i] + responders_loss(params, everyone, i, answers)[0]
        assert result.v2_terms[member]["deadlock"] == (dominant and loss <= gains[0])
        flagged += dominant
    assert flagged >= 1  # dprk-2014 has members in Deadlock at central values
