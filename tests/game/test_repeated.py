"""Grim-trigger thresholds, checked against discounted sums of explicit payoff streams."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sanctionsim.game.repeated import PenaltyTiming, critical_discount_factor


def stream_values(
    T: float,
    R: float,
    P: float,
    S: float | None,
    *,
    q: float,
    s: float,
    k: float,
    timing: PenaltyTiming,
    delta: float,
) -> tuple[float, float]:
    """(value of holding for ever, value of the member's best deviation plan), by summation.

    The rest hold until an easing is detected (probability q each period the member eases),
    then ease for ever. Deviation plans: ease once then hold while undetected, or ease until
    caught; once caught, ease for ever or hold alone for ever. Penalties k are charged on
    detection, in the period of the easing or the next one. Expected flows are summed period
    by period over a horizon after which delta**t is negligible.
    """
    horizon = max(10, math.ceil(math.log(1e-15) / math.log(delta))) if delta > 0 else 1
    t = np.arange(horizon)
    discount = delta**t
    hold = float(np.sum(discount * (R + s)))
    best = -math.inf
    for plan in ("once", "until_caught"):
        if plan == "until_caught":
            free = (1.0 - q) ** t  # probability of not being caught yet at the start of t
            eases_when_free = np.ones(horizon, dtype=bool)
        else:
            free = np.where(t == 0, 1.0, 1.0 - q)
            eases_when_free = t == 0
        caught = 1.0 - free
        for after in ("ease", "hold"):
            if after == "hold" and S is None:
                continue
            flow = free * np.where(eases_when_free, T, R + s)
            penalised = free * eases_when_free * q
            if after == "ease":
                flow = flow + caught * P
                penalised = penalised + caught * q
            else:
                assert S is not None
                flow = flow + caught * (S + s)
            # a penalty charged one period later is worth delta times less
            delay = 1.0 if timing == "same_period" else delta
            flow = flow - delay * penalised * k
            best = max(best, float(np.sum(discount * flow)))
    return hold, best


def test_worked_example_of_a5() -> None:
    assert critical_discount_factor(10, 6, 2).delta_star == pytest.approx(0.5)
    assert critical_discount_factor(10, 6, 2, q=0.5).delta_star == pytest.approx(2 / 3)
    assert critical_discount_factor(10, 6, 2, s=2).delta_star == pytest.approx(0.25)
    # the note's 0.40 needs the penalty charged a period late; charged at once it is 0.25
    assert critical_discount_factor(10, 6, 2, k=2).delta_star == pytest.approx(0.25)
    late = critical_discount_factor(10, 6, 2, k=2, penalty_timing="next_period")
    assert late.delta_star == pytest.approx(0.40)


@pytest.mark.parametrize(
    ("q", "s", "k", "timing", "expected"),
    [
        (1.0, 0.0, 0.0, "same_period", 0.5),
        (0.5, 0.0, 0.0, "same_period", 2 / 3),
        (1.0, 2.0, 0.0, "same_period", 0.25),
        (1.0, 0.0, 2.0, "same_period", 0.25),
        (1.0, 0.0, 2.0, "next_period", 0.40),
    ],
)
def test_worked_example_by_summation(
    q: float, s: float, k: float, timing: PenaltyTiming, expected: float
) -> None:
    result = critical_discount_factor(10, 6, 2, q=q, s=s, k=k, penalty_timing=timing)
    assert result.delta_star == pytest.approx(expected)
    for delta, sustained in ((expected + 1e-3, True), (expected - 1e-3, False)):
        hold, deviate = stream_values(10, 6, 2, 0.0, q=q, s=s, k=k, timing=timing, delta=delta)
        assert (hold >= deviate) is sustained


def test_special_cases_match_the_closed_forms() -> None:
    T, R, P = 9.0, 5.0, 1.5
    for q in (0.1, 0.5, 1.0):
        expected = (T - R) / ((T - R) + q * (R - P))
        assert critical_discount_factor(T, R, P, q=q).delta_star == pytest.approx(expected)
    for s in (0.5, 1.0, 3.0):
        expected = (T - R - s) / (T - P)
        assert critical_discount_factor(T, R, P, S=-5, s=s).delta_star == pytest.approx(expected)
    for k in (0.5, 1.0, 3.0):
        same = (T - R - k) / (T - P)
        late = (T - R) / (T - P + k)
        assert critical_discount_factor(T, R, P, S=-5, k=k).delta_star == pytest.approx(same)
        assert critical_discount_factor(
            T, R, P, S=-5, k=k, penalty_timing="next_period"
        ).delta_star == pytest.approx(late)


def test_edge_cases_are_explicit() -> None:
    already = critical_discount_factor(5, 6, 2)
    assert already.delta_star == 0.0
    assert already.sustainable
    assert "already a best response" in already.reason
    assert critical_discount_factor(10, 6, 2, s=4).delta_star == 0.0  # gap closed exactly
    never = critical_discount_factor(10, 6, 2, q=0.0)
    assert math.isinf(never.delta_star)
    assert not never.sustainable
    assert "never detected" in never.reason
    toothless = critical_discount_factor(10, 6, 7)  # P > R: collapse costs nothing
    assert math.isinf(toothless.delta_star)
    assert "costs the member too little" in toothless.reason
    for delta in (0.5, 0.9, 0.99):
        hold, deviate = stream_values(
            10, 6, 7, None, q=1.0, s=0.0, k=0.0, timing="same_period", delta=delta
        )
        assert hold < deviate


@pytest.mark.parametrize(
    "kwargs",
    [{"q": 1.5}, {"q": -0.1}, {"s": -1.0}, {"k": -1.0}, {"penalty_timing": "later"}],
)
def test_bad_levers_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"probability|must be >= 0|penalty_timing"):
        critical_discount_factor(10, 6, 2, **kwargs)  # type: ignore[arg-type]


def test_side_payment_with_a_member_that_holds_alone_after_collapse() -> None:
    # S + s > P: after a collapse the member keeps holding and collecting s
    result = critical_discount_factor(10, 6, 2, S=1, s=2)
    assert result.holds_after_collapse
    assert result.punishment_payoff == 3.0
    assert result.delta_star == pytest.approx((10 - 6 - 2) / (10 - 1 - 2))


stage_games = st.tuples(
    st.integers(-20, 20), st.integers(1, 10), st.integers(1, 10), st.integers(1, 10)
).map(
    lambda v: (
        float(v[0] + v[1] + v[2] + v[3]),
        float(v[0] + v[2] + v[3]),
        float(v[0] + v[3]),
        float(v[0]),
    )
)
# (T, R, P, S) with T > R > P > S


@settings(max_examples=120, deadline=None)
@given(
    stage_games,
    st.sampled_from([0.05, 0.2, 0.5, 0.8, 1.0]),
    st.integers(0, 12).map(lambda v: v / 4),
    st.integers(0, 12).map(lambda v: v / 4),
    st.sampled_from(["same_period", "next_period"]),
    st.booleans(),
)
def test_property_threshold_separates_holding_from_easing(
    stage: tuple[float, float, float, float],
    q: float,
    s: float,
    k: float,
    timing: PenaltyTiming,
    know_s: bool,
) -> None:
    T, R, P, S_value = stage
    S = S_value if know_s else None
    if S is None:
        # without S the member is assumed to ease after a collapse: keep that assumption true
        assume(S_value + s <= P - q * k)
    result = critical_discount_factor(T, R, P, S, q=q, s=s, k=k, penalty_timing=timing)
    delta_star = result.delta_star
    assert math.isfinite(delta_star)  # q > 0 and T > R > P > S: some delta sustains holding
    scale = abs(T) + abs(R) + abs(P) + abs(S_value) + s + k + 1
    if delta_star == 0.0:
        for delta in (0.01, 0.5, 0.95):
            hold, deviate = stream_values(
                T, R, P, S_value, q=q, s=s, k=k, timing=timing, delta=delta
            )
            assert hold >= deviate - 1e-9 * scale / (1 - delta)
        return
    assume(0.02 < delta_star < 0.97)
    eta = 1e-4
    above_hold, above_dev = stream_values(
        T, R, P, S_value, q=q, s=s, k=k, timing=timing, delta=delta_star + eta
    )
    below_hold, below_dev = stream_values(
        T, R, P, S_value, q=q, s=s, k=k, timing=timing, delta=delta_star - eta
    )
    assert above_hold >= above_dev
    assert below_hold < below_dev
