"""The coalition model's parameters and payoffs (MODEL.md §2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.coalition.parameters import (
    CoalitionParameters,
    central_parameters,
    draw_parameters,
    easable_measures,
    reliable_prior_from_record,
)
from sanctionsim.coalition.payoffs import (
    concession_hazard,
    gross_pressure,
    leakage,
    member_payoffs,
    net_pressure,
    payoff_tensor,
)
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario


@pytest.fixture(scope="module")
def dprk() -> Scenario:
    return load_scenario("dprk-2014")


def test_track_record_prior_reads_only_what_was_known(dprk: Scenario) -> None:
    record = dprk.target.track_record
    # six agreements settled before July 2014: four broken, two partly kept
    assert reliable_prior_from_record(record, dt.date(2014, 7, 4)) == (2.0, 6.0)
    # by 2017 the Stockholm agreement had been broken too
    assert reliable_prior_from_record(record, dt.date(2017, 1, 1)) == (2.0, 7.0)
    assert reliable_prior_from_record(record, dt.date(1990, 1, 1)) == (1.0, 1.0)


def test_japan_easable_set_is_its_side_deal(dprk: Scenario) -> None:
    japan = easable_measures(dprk, "JPN")
    assert japan["jpn-entry-ban"] == 0.0
    assert japan["jpn-dprk-ship-port-ban"] == 0.0  # stage 3 eases it fully
    assert "jpn-un-asset-freeze" not in japan  # UN-based, not in the deal
    korea = easable_measures(dprk, "KOR")
    assert set(korea) == {"kor-may24-measures", "kor-kaesong-suspension"}


def test_draws_repeat_with_the_seed_and_respect_bounds(dprk: Scenario) -> None:
    first = draw_parameters(dprk, np.random.default_rng(3), 500)
    again = draw_parameters(dprk, np.random.default_rng(3), 500)
    other = draw_parameters(dprk, np.random.default_rng(4), 500)
    for item in dataclasses.fields(first):
        a, b = getattr(first, item.name), getattr(again, item.name)
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b), item.name
    assert not np.array_equal(first.resolve, other.resolve)
    assert first.resolve.shape == (500,)
    assert first.held_pressure.shape == (500, 3)
    assert ((first.resolve >= 0.35) & (first.resolve <= 0.9)).all()
    assert ((first.reliable_prior > 0) & (first.reliable_prior < 1)).all()
    # the prior's draws centre on the Beta(2, 6) mean
    assert abs(first.reliable_prior.mean() - 0.25) < 0.03


def test_central_parameters_are_the_central_values(dprk: Scenario) -> None:
    p = central_parameters(dprk)
    assert p.runs == 1
    assert p.member_ids == ("USA", "JPN", "KOR")
    assert p.resolve[0] == pytest.approx(0.6)
    assert p.reliable_prior[0] == pytest.approx(0.25)
    japan = p.member_ids.index("JPN")
    assert p.deal_value[0, japan] == pytest.approx(5.0 * (0.05 + 0.35 + 0.6))
    assert p.penalty[0, japan] == pytest.approx(0.2)  # US displeasure is in force
    assert p.side_payment[0, japan] == 0.0  # relisting is only an option


def test_payoff_tensor_agrees_with_member_payoffs(dprk: Scenario) -> None:
    p = central_parameters(dprk)
    tensor = payoff_tensor(p)
    assert tensor.shape == (2, 2, 2, 3)
    for profile in np.ndindex(2, 2, 2):
        holds = 1.0 - np.array([profile], dtype=float)
        assert np.allclose(tensor[profile], member_payoffs(p, holds)[0])


@functools.cache
def fifty_runs() -> CoalitionParameters:
    return draw_parameters(load_scenario("dprk-2014"), np.random.default_rng(0), 50)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=3, max_size=3),
    st.integers(0, 2),
    st.floats(0.01, 1.0),
)
def test_holding_more_never_lowers_pressure(levels: list[float], who: int, more: float) -> None:
    p = fifty_runs()
    holds = np.tile(levels, (50, 1))
    raised = holds.copy()
    raised[:, who] = np.minimum(1.0, raised[:, who] + more)
    assert (gross_pressure(p, raised) >= gross_pressure(p, holds) - 1e-12).all()
    lost = leakage(p, gross_pressure(p, holds))
    assert ((lost >= 0) & (lost <= 1)).all()
    assert (net_pressure(p, holds) <= gross_pressure(p, holds) + 1e-12).all()


def test_hazard_rises_with_pressure_between_base_and_maximum(dprk: Scenario) -> None:
    p = draw_parameters(dprk, np.random.default_rng(1), 200)
    grid = np.linspace(0, 1.5, 31)
    hazards = np.array([concession_hazard(p, np.full(200, x)) for x in grid])
    assert (np.diff(hazards, axis=0) >= 0).all()
    assert (hazards >= p.hazard_base - 1e-15).all()
    assert (hazards <= p.hazard_max + 1e-15).all()


def test_payoff_terms_move_the_right_way(dprk: Scenario) -> None:
    p = central_parameters(dprk)
    japan = p.member_ids.index("JPN")
    others_hold = np.ones((1, 3))
    japan_eases = others_hold.copy()
    japan_eases[0, japan] = 0.0
    gap = member_payoffs(p, japan_eases)[0, japan] - member_payoffs(p, others_hold)[0, japan]
    paid = dataclasses.replace(p, side_payment=p.side_payment + np.eye(3)[japan] * 1.5)
    paid_gap = (
        member_payoffs(paid, japan_eases)[0, japan] - member_payoffs(paid, others_hold)[0, japan]
    )
    assert paid_gap == pytest.approx(gap - 1.5)  # a side payment to holders narrows the gap
    trusting = member_payoffs(p, japan_eases, deal_honoured=np.array([1.0]))[0, japan]
    sceptical = member_payoffs(p, japan_eases, deal_honoured=np.array([0.0]))[0, japan]
    assert trusting - sceptical == pytest.approx(p.deal_value[0, japan])
