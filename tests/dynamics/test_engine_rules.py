"""Unit tests of the coalition rules, the target's behaviour, beliefs and the summaries."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.dynamics import target as tgt
from sanctionsim.dynamics.metrics import Moments, histogram_quantile
from sanctionsim.dynamics.records import wilson
from sanctionsim.dynamics.rules import (
    EASE,
    HOLD,
    SNAP,
    BestResponse,
    ConditionalCooperation,
    HonouredByBelief,
    StagedReciprocity,
    View,
)
from sanctionsim.scenario.loader import load_scenario


def view(member: int, seen: list[list[bool]], **kw: object) -> View:
    runs = len(seen)
    base = {
        "member": member,
        "own_held": np.ones(runs, dtype=bool),
        "seen_holding": np.array(seen),
        "payoff": np.zeros(runs),
        "belief": np.full(runs, 0.5),
        "delivered": np.zeros(runs, dtype=bool),
        "reneged": np.zeros(runs, dtype=bool),
    }
    base.update(kw)
    return View(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------- rules
def test_staged_reciprocity_eases_after_delivery_and_snaps_back_after_reneging() -> None:
    rule = StagedReciprocity(3, member=1, snap_on_renege=True)
    assert rule.first().tolist() == [HOLD] * 3
    v = view(
        1,
        [[True] * 3] * 3,
        delivered=np.array([True, False, False]),
        reneged=np.array([False, True, False]),
    )
    assert rule.next(v).tolist() == [EASE, SNAP, HOLD]
    no_snap = StagedReciprocity(3, member=1, snap_on_renege=False)
    assert no_snap.next(v).tolist() == [EASE, HOLD, HOLD]


def test_conditional_cooperation_weighs_what_it_saw_by_trust() -> None:
    trust = np.array([[0.8, 1.0, 0.3]] * 4)  # member 1 trusts member 0 more than member 2
    rule = ConditionalCooperation(4, member=1, weights=trust)
    seen = [
        [True, True, True],  # everyone holds: hold
        [False, True, True],  # the trusted member eases: 0.3/1.1 < 1/2, ease
        [True, True, False],  # the distrusted member eases: 0.8/1.1 >= 1/2, hold
        [False, True, False],  # both ease
    ]
    assert rule.first().tolist() == [HOLD] * 4
    assert rule.next(view(1, seen)).tolist() == [HOLD, EASE, HOLD, EASE]


def test_best_response_eases_only_when_easing_pays() -> None:
    params = central_parameters(load_scenario("dprk-2014"))
    tempted = dataclasses.replace(params, premium_base=params.premium_base + 100.0)
    loyal = dataclasses.replace(params, side_payment=params.side_payment + 100.0)
    everyone = np.ones((1, params.members), dtype=bool)
    for member in range(params.members):
        assert BestResponse(1, member, tempted, HonouredByBelief(tempted)).choose(
            everyone, np.array([0.5])
        ).tolist() == [EASE]
        assert BestResponse(1, member, loyal, HonouredByBelief(loyal)).choose(
            everyone, np.array([0.5])
        ).tolist() == [HOLD]


def test_honoured_by_belief_mixes_the_types_like_the_prior() -> None:
    params = central_parameters(load_scenario("dprk-2014"))
    honoured = HonouredByBelief(params)
    assert honoured(params.reliable_prior) == pytest.approx(params.deal_honoured())
    both = honoured(np.array([[0.0, 1.0]]))
    assert both.shape == (1, 2)
    assert both[0, 0] < both[0, 1]  # a reliable target honours more often


# ---------------------------------------------------------------- target
def test_deal_moves_follow_their_probabilities() -> None:
    rng = np.random.default_rng(0)
    n = 200_000
    move = tgt.deal_moves(rng.random(n), np.full(n, 0.2), np.full(n, 0.1), np.ones(n, dtype=bool))
    counts = np.bincount(move, minlength=3) / n
    assert counts == pytest.approx([0.2, 0.1, 0.7], abs=0.005)
    idle = tgt.deal_moves(rng.random(5), np.full(5, 0.9), np.full(5, 0.1), np.zeros(5, dtype=bool))
    assert idle.tolist() == [tgt.WAIT] * 5


@settings(max_examples=60, deadline=None)
@given(
    belief=st.floats(0.0, 1.0),
    d=st.floats(0.0, 0.5),
    r=st.floats(0.0, 0.5),
    noise=st.floats(0.0, 1.0),
)
def test_garbled_reports_are_a_distribution_and_bayes_stays_a_probability(
    belief: float, d: float, r: float, noise: float
) -> None:
    lik = tgt.move_likelihoods(np.array([d]), np.array([r]))
    g = tgt.garbled(lik, np.array([noise]))
    assert g.sum() == pytest.approx(1.0)
    for x in range(3):
        post = tgt.bayes_update(np.array([belief]), g[:, x], g[:, x] * 0.5)
        assert 0.0 <= post[0] <= 1.0


def test_reports_are_wrong_at_the_noise_rate() -> None:
    rng = np.random.default_rng(1)
    n = 100_000
    move = np.zeros(n, dtype=np.int8)
    said = tgt.report(move, rng.random(n), np.full(n, 0.2))
    counts = np.bincount(said, minlength=3) / n
    assert counts == pytest.approx([0.8, 0.1, 0.1], abs=0.006)


def test_bayes_update_moves_toward_the_type_that_explains_the_move() -> None:
    belief = np.array([0.25])
    assert tgt.bayes_update(belief, np.array([0.15]), np.array([0.03]))[0] > 0.25  # delivery
    assert tgt.bayes_update(belief, np.array([0.005]), np.array([0.08]))[0] < 0.25  # renege
    assert tgt.bayes_update(belief, np.array([0.0]), np.array([0.0]))[0] == 0.25  # impossible


# ---------------------------------------------------------------- summaries
def test_wilson_interval_known_values() -> None:
    # Brown, Cai & DasGupta (2001) style check: 0/10 and 10/10 are bounded away from 0 and 1.
    assert wilson(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-5)
    low, high = wilson(10, 10)
    assert high == 1.0
    assert low == pytest.approx(0.72247, abs=1e-5)
    low, high = wilson(50, 100)
    assert (low, high) == pytest.approx((0.40383, 0.59617), abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=1, max_size=6), st.integers(0, 10_000))
def test_block_moments_equal_the_whole(sizes: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    blocks = [rng.normal(3.0, 2.0, n) for n in sizes]
    moments = Moments()
    for block in blocks:
        moments.add_block(block)
    whole = np.concatenate(blocks)
    assert moments.n == whole.size
    assert moments.mean == pytest.approx(whole.mean())
    assert moments.m2 == pytest.approx(((whole - whole.mean()) ** 2).sum())
    interval = moments.interval()
    assert interval.low <= interval.mean <= interval.high


def test_histogram_quantiles() -> None:
    counts = np.zeros(4001, dtype=np.int64)
    counts[500] = 50  # value ~0.5
    counts[1000] = 50  # value ~1.0
    assert histogram_quantile(counts, 0.25) == 0.5005
    assert histogram_quantile(counts, 0.75) == 1.0005


def test_member_payoffs_take_one_belief_per_member() -> None:
    # The smallest fix made in coalition/payoffs.py for the engine: q_T of shape (runs, members).
    from sanctionsim.coalition.payoffs import member_payoffs

    params = central_parameters(load_scenario("dprk-2014"))
    holds = np.array([[1.0, 0.0, 1.0]])
    q = np.array([[0.1, 0.7, 0.4]])
    together = member_payoffs(params, holds, q)
    for member in range(3):
        alone = member_payoffs(params, holds, q[:, member])
        assert together[0, member] == alone[0, member]
    assert (
        member_payoffs(params, holds, q[:, 1])[0, 1] != member_payoffs(params, holds, q[:, 0])[0, 1]
    )
