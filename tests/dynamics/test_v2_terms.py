"""Model v2's terms, each on its own (docs/model-v2.md): commitment, epochs, choice, clock."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.coalition.commitment import backing_down_cost, institutional_commitment
from sanctionsim.dynamics.choice import (
    anchored_intercept,
    easing_probability,
    logistic,
    monthly_capitulation,
    smooth_cumulative,
)
from sanctionsim.dynamics.clock import concession_age_weight, other_end_hazard
from sanctionsim.dynamics.epochs import OMEGA, epoch_probability, renewal_calendar
from sanctionsim.history.climatology import conditional_incidence, survival
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import LockIn

GROUPS = ("io", "multilateral_no_io", "unilateral")


def test_commitment_weighs_legal_bases_and_lock_in() -> None:
    russia = load_scenario("russia-2014")
    assert institutional_commitment(russia, ("USA", "DEU", "HUN")).tolist() == [0.0, 1.0, 1.0]
    locked = [
        m.model_copy(update={"lock_in": LockIn(by="statute", instrument="an act")})
        if m.imposer == "USA"
        else m
        for m in russia.measures
    ]
    russia_locked = russia.model_copy(update={"measures": locked})
    assert institutional_commitment(russia_locked, ("USA",)).tolist() == [1.0]
    iraq = load_scenario("iraq-1990")  # every member applies resolution 661
    assert set(institutional_commitment(iraq, ("FRA", "JOR")).tolist()) == {0.5}
    # a member with no measure of its own in force commits nothing
    assert institutional_commitment(load_scenario("iran-2006"), ("JPN",)).tolist() == [0.0]


def test_backing_down_cost_is_alpha_beta_one_plus_gamma() -> None:
    beta = np.array([[10.0, 2.0], [5.0, 0.0]])
    cost = backing_down_cost(0.02, beta, np.array([0.5, 1.0]))
    np.testing.assert_allclose(cost, [[0.3, 0.08], [0.15, 0.0]], rtol=1e-12)
    with pytest.raises(ValueError, match="alpha"):
        backing_down_cost(-0.1, beta, np.zeros(2))


def test_renewal_dates_by_default_basis_and_by_field() -> None:
    argentina = load_scenario("argentina-1982")  # EC import ban from 16 April 1982
    # the case gives the ban its one-month term (2026-12-01, issue 13 part 1 item 4); the
    # default by legal basis is read from the same measures without it
    argentina = argentina.model_copy(
        update={
            "measures": [m.model_copy(update={"renewal_months": None}) for m in argentina.measures]
        }
    )
    members = ("GBR", "ITA")
    default = renewal_calendar(argentina, members, 14)
    assert [t + 1 for t in range(14) if default[t, 1]] == [6, 12]
    monthly = [
        m.model_copy(update={"renewal_months": 1}) if m.imposer == "ITA" else m
        for m in argentina.measures
    ]
    every = renewal_calendar(argentina.model_copy(update={"measures": monthly}), members, 4)
    assert every[:, 1].tolist() == [True, True, True, True]
    # a measure imposed after the start, or unilateral without a period, gives no date
    assert not renewal_calendar(load_scenario("iran-1979"), ("USA",), 24).any()
    probability = epoch_probability(every)
    assert set(probability[:, 1].tolist()) == {1.0}
    assert set(epoch_probability(default)[~default].tolist()) == {OMEGA}
    assert set(epoch_probability(default)[default].tolist()) == {1.0}
    with pytest.raises(ValueError, match="omega"):
        epoch_probability(default, 0.0)


def test_a_renewal_date_past_the_start_counts_in_its_month() -> None:
    russia = load_scenario("russia-2014")
    # the case gives the decision of 31 July 2014 its twelve-month term (2026-12-01, issue 13
    # part 1 item 4); the six-month default by legal basis is read without it
    russia = russia.model_copy(
        update={
            "measures": [m.model_copy(update={"renewal_months": None}) for m in russia.measures]
        }
    )
    later = russia.model_copy(update={"start": dt.date(2014, 9, 15)})
    marks = renewal_calendar(later, ("DEU",), 12)
    # renewals on 31 Jan 2015 (month 5: 15 Jan .. 15 Feb) and 31 Jul 2015 (month 11)
    assert [t + 1 for t in range(12) if marks[t, 0]] == [5, 11]


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("age", [0.0, 24.0, 96.0])
def test_an_indifferent_member_eases_at_the_ties_capitulation_rate(group: str, age: float) -> None:
    theta = anchored_intercept(group, age, 24, OMEGA)
    hazard = monthly_capitulation(group, age, 24)
    per_epoch = logistic(theta)
    uncapped = hazard / OMEGA < 0.5
    assert np.allclose((per_epoch * OMEGA)[uncapped], hazard[uncapped], rtol=1e-9)
    assert np.all(per_epoch <= 0.5 + 1e-12)


def test_indifference_is_capped_at_one_half() -> None:
    theta = anchored_intercept("unilateral", 0.0, 2, omega=0.001)
    assert logistic(theta).tolist() == pytest.approx([0.5, 0.5])


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-5, 5),
    st.floats(0, 10),
    st.floats(-100, 100),
    st.floats(-100, 100),
    st.floats(0.01, 50),
)
def test_more_gain_never_makes_easing_less_likely(
    theta: float, slope: float, gain_a: float, gain_b: float, stake: float
) -> None:
    low, high = sorted((gain_a, gain_b))
    p = easing_probability(theta, slope, np.array([low, high]), np.array([stake, stake]))
    assert 0.0 <= p[0] <= p[1] <= 1.0


def test_a_negative_slope_is_refused() -> None:
    with pytest.raises(ValueError, match="slope"):
        easing_probability(0.0, -1.0, np.zeros(1), np.ones(1))


def test_smooth_cumulative_is_one_minus_the_product() -> None:
    hazards = np.array([[0.1, 0.0], [0.2, 1.0], [0.5, 0.3]])
    expected = [[0.1, 0.0], [1 - 0.9 * 0.8, 1.0], [1 - 0.9 * 0.8 * 0.5, 1.0]]
    np.testing.assert_allclose(smooth_cumulative(hazards), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="hazards"):
        smooth_cumulative(np.array([1.5]))


@pytest.mark.parametrize("group", GROUPS)
def test_the_concession_weight_starts_at_one_and_declines(group: str) -> None:
    for age in (0.0, 96.0):
        weight = concession_age_weight(group, age, 36)
        assert weight[0] == 1.0
        assert np.all(np.diff(weight) < 0)  # every concession shape is below 1
    # an old episode's weight declines more slowly than a new one's
    assert concession_age_weight(group, 96.0, 36)[-1] > concession_age_weight(group, 0.0, 36)[-1]
    with pytest.raises(ValueError, match="age"):
        concession_age_weight(group, -1.0, 3)


@pytest.mark.parametrize("group", GROUPS)
def test_the_three_ends_add_up_to_the_all_cause_hazard(group: str) -> None:
    for age in (1.0, 30.0):
        other = other_end_hazard(group, age, 3)
        assert np.all((other >= 0) & (other <= 1))
        for t in range(3):
            before = age + t
            any_end = 1 - survival(group, before + 1) / survival(group, before)
            causes = sum(
                conditional_incidence(group, c, before, 1.0)
                for c in ("target_concedes", "sender_capitulates")
            )
            assert other[t] + causes == pytest.approx(max(any_end, causes), abs=1e-12)
