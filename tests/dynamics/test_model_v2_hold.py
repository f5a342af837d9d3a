"""Model v2-hold (docs/model-v2.md, "Mechanism: holding for its own sake"): each member gains its
holding value H_i for every month it holds; v2's forecast where no file sets it, and every other
version's forecasts unchanged.

qatar-2017 sets H_i on four of its members (flagged analyst estimates); dprk-2014 on the US.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from sanctionsim.coalition.parameters import KeyedStreams, central_parameters, draw_parameters
from sanctionsim.coalition.payoffs import easing_gain, member_payoffs
from sanctionsim.dynamics.calibration import FittedParameters
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.kernel_v2 import EpisodeClock, choice_terms
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.game.coalition import analyze
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.reading import reads, unread_inputs
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import VERSIONS, model_version
from support import assert_reads_v2s_fit, with_holding
from support import same_runs as same

QATAR = load_scenario("qatar-2017")
CHOICE = FittedParameters(slope=2.0, backing_down=0.01)
# v2c-hold, v2d, v2e and v2f: test_model_v2c.py, test_model_v2d.py, test_model_v2e.py, …v2f.py
HOLDING = ("v2-hold", "v2c-hold", "v2d", "v2e", *(f"v2{letter}" for letter in "fghijklmnopqrs"))
OTHERS = tuple(name for name in VERSIONS if name not in HOLDING)


def outcomes(world: Scenario, model: str = "v2-hold", runs: int = 256, **kw: Any) -> RunOutcomes:
    extra: dict[str, Any] = {} if model == "v1" else {"choice": CHOICE, "omega": 1 / 12}
    return run_outcomes(world, runs=runs, horizon=24, seed=5, model=model, **extra, **kw)


def held_values(world: Scenario) -> np.ndarray:
    return central_parameters(world, accounting="v2", holding=True).holding_value  # type: ignore[return-value]


# -- H1: the payoff of holding ------------------------------------------------------------------
def test_the_holding_values_read_are_the_files_central_values() -> None:
    read = held_values(QATAR)[0]
    assert read.shape == (len(QATAR.members),)
    assert np.count_nonzero(read) == 4  # the four members whose file sets it
    assert np.all(read >= 0.0)
    assert central_parameters(QATAR, accounting="v2").holding_value is None  # v2 reads none


def test_the_gain_of_easing_is_v2s_less_the_holding_value() -> None:
    plain = central_parameters(QATAR, accounting="v2")
    held = central_parameters(QATAR, accounting="v2", holding=True)
    seen, q = np.ones((1, plain.members)), plain.deal_honoured()
    assert held.holding_value is not None
    for i in range(plain.members):
        expected = easing_gain(plain, seen, q, i) - held.holding_value[:, i]
        assert np.allclose(easing_gain(held, seen, q, i), expected, rtol=0, atol=1e-12)
        # the one-member shortcut equals the payoffs differenced, holding value included
        eased = seen.copy()
        eased[0, i] = 0.0
        direct = member_payoffs(held, eased, q)[0, i] - member_payoffs(held, seen, q)[0, i]
        assert np.isclose(easing_gain(held, seen, q, i)[0], direct, rtol=0, atol=1e-12)


def test_a_negative_holding_value_makes_easing_pay_more() -> None:
    pushed = central_parameters(with_holding(QATAR, -1.0), accounting="v2", holding=True)
    plain = central_parameters(QATAR, accounting="v2")
    seen, q = np.ones((1, plain.members)), plain.deal_honoured()
    assert np.allclose(easing_gain(pushed, seen, q, 0), easing_gain(plain, seen, q, 0) + 1.0)


# -- H2: the stake ------------------------------------------------------------------------------
def test_the_stake_gains_the_holding_values_magnitude_and_nothing_else_changes() -> None:
    world = with_holding(QATAR, -0.7)
    plain = draw_parameters(world, KeyedStreams(3, (0,)), 64, accounting="v2")
    held = draw_parameters(world, KeyedStreams(3, (0,)), 64, accounting="v2", holding=True)
    for item in dataclasses.fields(plain):
        if item.name != "holding_value":  # every other draw is the same (its own stream)
            first, second = getattr(plain, item.name), getattr(held, item.name)
            if isinstance(first, np.ndarray):
                assert np.array_equal(first, second), item.name
            else:
                assert first == second, item.name
    renewal = np.zeros((600, plain.members), dtype=np.bool_)
    clock = EpisodeClock("io", 0.0, renewal, np.zeros(plain.members), CHOICE, 1 / 12)
    for bare, with_h in zip(choice_terms(plain, clock), choice_terms(held, clock), strict=True):
        assert np.allclose(with_h.stake, bare.stake + 0.7, rtol=0, atol=1e-12)
        assert np.array_equal(with_h.backing_down, bare.backing_down)  # A_i unchanged


# -- the forecast --------------------------------------------------------------------------------
def test_v2_hold_is_v2_where_no_holding_value_is_set_and_differs_where_one_is() -> None:
    # dprk-2014 sets the US's since its re-encoding (issue 13 part 1 item 4): without it
    dprk = with_holding(load_scenario("dprk-2014"), None)
    assert same(outcomes(dprk, "v2"), outcomes(dprk))
    assert not same(
        outcomes(load_scenario("dprk-2014"), "v2"), outcomes(load_scenario("dprk-2014"))
    )
    assert not same(outcomes(QATAR, "v2", 128), outcomes(QATAR, runs=128))


def test_holding_for_its_own_sake_lowers_every_members_chance_of_easing() -> None:
    none = outcomes(with_holding(QATAR, None), runs=512).eased_by(None).mean(axis=0)
    held = outcomes(with_holding(QATAR, 2.0), runs=512).eased_by(None).mean(axis=0)
    pushed = outcomes(with_holding(QATAR, -2.0), runs=512).eased_by(None).mean(axis=0)
    can_ease = none > 0
    assert can_ease.any()
    assert np.all(held[can_ease] < none[can_ease])
    assert np.all(pushed[can_ease] > none[can_ease])


def test_v2_hold_is_reproducible_whatever_the_chunk_size() -> None:
    first = outcomes(QATAR, runs=2048, chunk_size=1024)
    assert same(first, outcomes(QATAR, runs=2048, chunk_size=2048))
    assert not same(first, run_outcomes(QATAR, runs=2048, horizon=24, seed=6, model="v2-hold"))


@pytest.mark.parametrize("model", OTHERS)
def test_the_other_versions_read_no_holding_value(model: str) -> None:
    assert same(outcomes(QATAR, model, 128), outcomes(with_holding(QATAR, None), model, 128))


def test_analyze_reads_the_holding_value_under_v2_hold_only() -> None:
    plain = analyze(QATAR, model="v2")
    held = analyze(QATAR, model="v2-hold")
    unset = analyze(with_holding(QATAR, None), model="v2-hold")
    assert [m.member_game for m in plain.members] == [m.member_game for m in unset.members]
    assert [m.member_game for m in plain.members] != [m.member_game for m in held.members]


# -- the version: its calibration and its reading -----------------------------------------------
def test_v2_hold_reads_v2s_fit_and_fits_nothing() -> None:
    version = model_version("v2-hold")
    assert (version.kernel, version.holding, version.fit_of, version.fits) == (
        "v2",
        True,
        "v2",
        False,
    )
    assert tuple(name for name in VERSIONS if model_version(name).holding) == HOLDING
    assert_reads_v2s_fit("v2-hold")


def test_the_registry_says_v2_hold_reads_the_holding_value() -> None:
    field = "actors[].payoffs.holding_value"
    assert reads("v2-hold", field)
    assert not any(reads(name, field) for name in OTHERS)
    unread = {(path[0], *path[2:]) for path, _ in unread_inputs(QATAR, "v2")}
    assert ("actors", "payoffs", "holding_value") in unread
    unread_hold = {(path[0], *path[2:]) for path, _ in unread_inputs(QATAR, "v2-hold")}
    assert ("actors", "payoffs", "holding_value") not in unread_hold
