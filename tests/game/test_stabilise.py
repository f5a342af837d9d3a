"""Stabilising levers: applied, they make all-hold an equilibrium; anything less does not."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.typing import NDArray

from sanctionsim.errors import SolverLimitError
from sanctionsim.game.stabilise import (
    apply_side_payments,
    incentive_gap,
    is_all_hold_equilibrium,
    least_cost_package,
    least_cost_package_with_instruments,
    min_detection,
    min_payments,
    min_penalty,
    min_side_payment,
)
from sanctionsim.game.topology import symmetric_game

PD_ROW = np.array([[3.0, 0.0], [5.0, 1.0]])  # R = 3, S = 0, T = 5, P = 1


def hold_is_best_response(row: NDArray[np.float64], *, s: float = 0.0, qk: float = 0.0) -> bool:
    """Does HOLD (row 0) do at least as well as EASE against the rest holding (column 0)?"""
    return bool(row[0, 0] + s >= row[1, 0] - qk)


# --------------------------------------------------------------------------- one member


def test_textbook_prisoners_dilemma() -> None:
    assert incentive_gap(PD_ROW) == 2.0
    assert min_side_payment(PD_ROW).value == 2.0
    assert min_side_payment(PD_ROW, epsilon=0.5).value == 2.5
    assert min_penalty(PD_ROW, detection=0.5).value == 4.0
    assert min_penalty(PD_ROW, detection=1.0).value == 2.0
    assert min_detection(PD_ROW, penalty=4.0).value == 0.5
    # the same numbers from the full (2, 2, 2) game
    assert min_side_payment(symmetric_game(3, 0, 5, 1)).value == 2.0


def test_already_stable_members_need_nothing() -> None:
    stag_hunt = np.array([[4.0, 0.0], [3.0, 2.0]])
    for requirement in (
        min_side_payment(stag_hunt),
        min_penalty(stag_hunt, detection=0.0),
        min_detection(stag_hunt, penalty=0.0),
    ):
        assert requirement.value == 0.0
        assert requirement.feasible
        assert requirement.reason == "already stable: holding beats easing by 1"
    tie = np.array([[4.0, 0.0], [4.0, 2.0]])
    assert min_side_payment(tie).value == 0.0
    assert "weak equilibrium" in min_side_payment(tie).reason
    assert min_side_payment(tie, epsilon=0.1).value == pytest.approx(0.1)


def test_impossible_levers_say_why() -> None:
    never_detected = min_penalty(PD_ROW, detection=0.0)
    assert math.isinf(never_detected.value)
    assert not never_detected.feasible
    assert "never detected" in never_detected.reason
    too_small = min_detection(PD_ROW, penalty=1.0)
    assert math.isinf(too_small.value)
    assert too_small.reason == "impossible: needs detection q = 2 > 1 with penalty 1"
    assert math.isinf(min_detection(PD_ROW, penalty=0.0).value)
    assert min_detection(PD_ROW, penalty=2.0).value == 1.0  # exactly certain detection


def test_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="row payoffs"):
        min_side_payment(np.zeros(3))
    with pytest.raises(ValueError, match="epsilon"):
        min_side_payment(PD_ROW, epsilon=-1.0)
    with pytest.raises(ValueError, match="probability"):
        min_penalty(PD_ROW, detection=1.5)
    with pytest.raises(ValueError, match="penalty"):
        min_detection(PD_ROW, penalty=-1.0)


# Subnormal payoffs are left out: a gap of 5e-324 U has no representable "hair less", so "exactly
# enough" cannot hold there (hypothesis found it; payoffs in U are never below 1e-300).
payoff_values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, allow_subnormal=False)
row_games = arrays(np.float64, (2, 2), elements=payoff_values)


@settings(max_examples=300, deadline=None)
@given(row_games, st.sampled_from([0.0, 0.0, 0.5]))
def test_property_side_payment_is_exactly_enough(row: NDArray[np.float64], epsilon: float) -> None:
    s = min_side_payment(row, epsilon=epsilon).value
    assert s >= 0.0
    tol = 1e-12 * (1 + np.abs(row).max())
    assert row[0, 0] + s >= row[1, 0] + epsilon - tol
    if s > 0.0:
        # any smaller payment fails: a hair less, and a fraction
        for less in (s - 1e-9 * (1 + s), 0.5 * s):
            assert row[0, 0] + less < row[1, 0] + epsilon
    else:
        assert hold_is_best_response(row)


@settings(max_examples=300, deadline=None)
@given(row_games, st.floats(0.01, 1.0))
def test_property_penalty_and_detection_are_exactly_enough(
    row: NDArray[np.float64], q: float
) -> None:
    tol = 1e-12 * (1 + np.abs(row).max())
    k = min_penalty(row, detection=q).value
    assert math.isfinite(k)
    assert row[0, 0] >= row[1, 0] - q * k - tol
    if k > 0.0:
        assert row[0, 0] < row[1, 0] - q * (k - 1e-9 * (1 + k))
        assert row[0, 0] < row[1, 0] - q * 0.5 * k
    # the least detection for that penalty is q itself (up to rounding), when it is needed
    if k > 0.0:
        needed = min_detection(row, penalty=k)
        assert needed.value == pytest.approx(q, rel=1e-9)


# --------------------------------------------------------------------------- n members


@st.composite
def coalition_games(draw: st.DrawFn) -> NDArray[np.float64]:
    n = draw(st.integers(1, 4))
    actions = tuple(draw(st.integers(2, 3)) for _ in range(n))
    return draw(arrays(np.float64, (*actions, n), elements=payoff_values))


@settings(max_examples=200, deadline=None)
@given(coalition_games(), st.sampled_from([0.0, 0.25]))
def test_property_payments_make_all_hold_an_equilibrium_and_less_does_not(
    game: NDArray[np.float64], epsilon: float
) -> None:
    result = min_payments(game, epsilon=epsilon)
    n = game.shape[-1]
    assert len(result.payments) == len(result.gaps) == n
    tol = 1e-12 * (1 + np.abs(game).max())
    paid = apply_side_payments(game, result.payments)
    assert is_all_hold_equilibrium(paid, tol=tol)
    for i, payment in enumerate(result.payments):
        if payment > 0.0:
            less = np.array(result.payments)
            less[i] = payment - 1e-7 * (1 + payment)
            # member i's best deviation now gains more than -epsilon: the margin is broken
            # (and with epsilon = 0 all-hold is no longer an equilibrium at all)
            assert min_payments(apply_side_payments(game, less)).gaps[i] > -epsilon
            if epsilon == 0.0:
                assert not is_all_hold_equilibrium(apply_side_payments(game, less))
    if epsilon > 0:
        # with a margin, every deviation from all-hold loses at least epsilon (up to rounding)
        hold = (0,) * n
        for i in range(n):
            for action in range(1, game.shape[i]):
                profile = (*hold[:i], action, *hold[i + 1 :])
                assert paid[(*hold, i)] >= paid[(*profile, i)] + epsilon - tol


def test_payments_in_a_three_member_public_goods_game() -> None:
    # each holder pays cost 3; pressure benefit 2 per holder goes to every member
    game = np.zeros((2, 2, 2, 3))
    for profile in itertools.product((0, 1), repeat=3):
        holders = sum(1 for a in profile if a == 0)
        for i in range(3):
            game[(*profile, i)] = 2.0 * holders - (3.0 if profile[i] == 0 else 0.0)
    result = min_payments(game)
    assert result.gaps == (1.0, 1.0, 1.0)
    assert result.payments == (1.0, 1.0, 1.0)
    assert result.total == 3.0
    assert not is_all_hold_equilibrium(game)
    assert is_all_hold_equilibrium(apply_side_payments(game, result.payments))


def test_apply_side_payments_adds_only_where_the_member_holds() -> None:
    game = np.zeros((2, 2, 2))
    paid = apply_side_payments(game, [1.0, 10.0])
    assert paid[:, :, 0].tolist() == [[1.0, 1.0], [0.0, 0.0]]
    assert paid[:, :, 1].tolist() == [[10.0, 0.0], [10.0, 0.0]]
    with pytest.raises(ValueError, match="payments"):
        apply_side_payments(game, [1.0])


# --------------------------------------------------------------------------- least-cost package


def brute_force(
    weights: list[float], costs: list[float], threshold: float, tol: float = 1e-12
) -> float | None:
    """Cheapest total cost over all subsets reaching the threshold (None: none does)."""
    best: float | None = None
    for size in range(len(weights) + 1):
        for subset in itertools.combinations(range(len(weights)), size):
            if sum(weights[i] for i in subset) >= threshold - tol:
                cost = sum(costs[i] for i in subset)
                if best is None or cost < best:
                    best = cost
    return best


costs_strategy = st.one_of(st.just(0.0), st.just(math.inf), st.floats(0.01, 100, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1, allow_nan=False), costs_strategy), max_size=10),
    st.floats(-0.5, 5, allow_nan=False),
)
def test_property_package_matches_brute_force(
    members: list[tuple[float, float]], threshold: float
) -> None:
    weights = [w for w, _ in members]
    costs = [c for _, c in members]
    package = least_cost_package(weights, costs, threshold)
    expected = brute_force(weights, costs, threshold)
    if expected is None or math.isinf(expected):
        assert not package.feasible
        assert package.members == tuple(i for i, c in enumerate(costs) if math.isfinite(c))
        return
    assert package.feasible
    assert package.total_cost == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert package.total_cost == pytest.approx(sum(costs[i] for i in package.members))
    assert package.achieved_weight == pytest.approx(sum(weights[i] for i in package.members))
    assert package.achieved_weight >= threshold - 1e-12
    # members that hold anyway are always counted
    assert {i for i, c in enumerate(costs) if c == 0.0} <= set(package.members)


def test_package_matches_brute_force_on_random_coalitions() -> None:
    # generic real weights and costs, where the cheapest heavy enough half-subset matters
    rng = np.random.default_rng(1990)
    for _ in range(400):
        n = int(rng.integers(2, 10))
        weights = rng.random(n).tolist()
        costs = (rng.random(n) * 10).tolist()
        threshold = float(rng.random() * sum(weights))
        expected = brute_force(weights, costs, threshold)
        assert expected is not None
        package = least_cost_package(weights, costs, threshold)
        assert package.total_cost == pytest.approx(expected, rel=1e-12)


def test_package_for_many_members_matches_vectorised_enumeration() -> None:
    rng = np.random.default_rng(2014)
    n = 16
    weights = rng.random(n)
    costs = rng.random(n) * 10
    threshold = 0.55 * weights.sum()
    # all 2^16 subsets at once: a 0/1 matrix times the weights and the costs
    mask = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    ok = mask @ weights >= threshold - 1e-12
    expected = float((mask @ costs)[ok].min())
    package = least_cost_package(weights, costs, threshold)
    assert package.total_cost == pytest.approx(expected)


def test_package_examples() -> None:
    package = least_cost_package([0.5, 0.3, 0.2], [4.0, 1.0, 1.5], threshold=0.5)
    assert package.members == (1, 2)
    assert package.total_cost == 2.5
    assert package.feasible
    nothing_needed = least_cost_package([0.5, 0.5], [0.0, 3.0], threshold=0.4)
    assert nothing_needed.members == (0,)
    assert nothing_needed.total_cost == 0.0
    infeasible = least_cost_package([0.2, 0.3, 0.4], [1.0, math.inf, 2.0], threshold=0.9)
    assert not infeasible.feasible
    assert infeasible.members == (0, 2)
    assert infeasible.achieved_weight == pytest.approx(0.6)
    assert infeasible.reason.startswith("infeasible")


def test_package_size_limit_is_a_typed_error() -> None:
    with pytest.raises(SolverLimitError, match="40"):
        least_cost_package(np.ones(41), np.ones(41), threshold=10)
    # members that hold anyway or cannot be bought do not count against the limit
    costs = np.concatenate([np.ones(30), np.zeros(20), np.full(20, np.inf)])
    package = least_cost_package(np.ones(70), costs, threshold=25)
    assert package.total_cost == 5.0


def test_package_input_validation() -> None:
    with pytest.raises(ValueError, match="same length"):
        least_cost_package([0.5], [1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match="weights"):
        least_cost_package([-0.5], [1.0], 0.5)
    with pytest.raises(ValueError, match="costs"):
        least_cost_package([0.5], [-1.0], 0.5)


def test_instruments_take_the_cheaper_lever() -> None:
    result = least_cost_package_with_instruments(
        [0.5, 0.3, 0.2, 0.1],
        [2.0, 2.0, -1.0, 3.0],
        threshold=0.75,
        detection=[1.0, 0.25, 0.5, 0.0],
        payment_unit_cost=[1.0, 1.0, 1.0, math.inf],
        penalty_unit_cost=0.5,
    )
    assert result.instruments == ("penalty", "payment", "none", "impossible")
    assert result.amounts == (2.0, 2.0, 0.0, math.inf)
    assert result.member_costs == (1.0, 2.0, 0.0, math.inf)
    assert result.package == least_cost_package([0.5, 0.3, 0.2, 0.1], result.member_costs, 0.75)
    assert result.package.members == (0, 1, 2)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 1, allow_nan=False),
            st.floats(-5, 5, allow_nan=False),
            st.floats(0, 1, allow_nan=False),
        ),
        min_size=1,
        max_size=8,
    ),
    st.floats(0.1, 3),
    st.floats(0.1, 3),
)
def test_property_instrument_costs_are_the_cheaper_lever(
    members: list[tuple[float, float, float]], pay_unit: float, pen_unit: float
) -> None:
    weights = [m[0] for m in members]
    gaps = [m[1] for m in members]
    q = [m[2] for m in members]
    result = least_cost_package_with_instruments(
        weights, gaps, 0.5, detection=q, payment_unit_cost=pay_unit, penalty_unit_cost=pen_unit
    )
    for i, gap in enumerate(gaps):
        payment = min_side_payment(np.array([[0.0, 0.0], [gap, 0.0]]))
        penalty = min_penalty(np.array([[0.0, 0.0], [gap, 0.0]]), detection=q[i])
        expected = min(pay_unit * payment.value, pen_unit * penalty.value)
        assert result.member_costs[i] == pytest.approx(expected)
    assert result.package == least_cost_package(weights, result.member_costs, 0.5)
