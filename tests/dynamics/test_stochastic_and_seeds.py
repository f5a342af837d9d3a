"""Stochastic strategies, checked statistically with fixed seeds, and reproducibility.

Rates are checked against a two-sided 99.9 % binomial interval (normal approximation; every
count here is in the tens of thousands), so a correct implementation fails one seed in a
thousand and these fixed seeds were not picked to pass.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sanctionsim.dynamics.strategies import GTFT, STRATEGIES, Random
from sanctionsim.dynamics.tournament import play_match, play_matches, play_tournament

Z_999 = 3.2905  # two-sided 99.9 % normal quantile


def assert_rate_within_999(successes: int, trials: int, p: float) -> None:
    half_width = Z_999 * math.sqrt(p * (1 - p) / trials)
    assert abs(successes / trials - p) <= half_width, (successes / trials, p, half_width)


@pytest.mark.parametrize("p", [0.5, 0.2])
def test_random_holds_at_rate_p(p: float) -> None:
    random = Random(100, np.random.default_rng(11), p=p)
    moves = [random.first()]
    for _ in range(199):
        moves.append(random.next(moves[-1], np.zeros(100, dtype=bool)))
    held = np.array(moves)
    assert_rate_within_999(int(held.sum()), held.size, p)


def test_gtft_forgives_an_observed_ease_at_rate_one_third() -> None:
    gtft = GTFT(100, np.random.default_rng(12))
    moves = gtft.first()
    forgiven = 0
    for _ in range(199):
        moves = gtft.next(moves, np.zeros(100, dtype=bool))
        forgiven += int(moves.sum())
    assert_rate_within_999(forgiven, 100 * 199, 1 / 3)


def test_gtft_forgiveness_rate_through_a_match_against_defector() -> None:
    # Defector earns T for each of GTFT's holds and P otherwise, so its total counts them.
    turns, repetitions = 200, 100
    result = play_match("GTFT", "Defector", turns=turns, repetitions=repetitions, seed=5)
    holds = [(total - turns * 1.0) / (5.0 - 1.0) for total in result.totals_b]
    assert all(h.is_integer() and h >= 1 for h in holds)  # the first move always holds
    forgiven = int(sum(holds)) - repetitions
    assert_rate_within_999(forgiven, repetitions * (turns - 1), 1 / 3)
    assert len(set(result.totals_b)) > 1  # repetitions are independent draws, not copies


def test_runs_draw_independent_streams() -> None:
    random = Random(2, np.random.default_rng(0))
    held = np.zeros(2, dtype=bool)
    moves = [random.first()] + [random.next(held, held) for _ in range(63)]
    run0, run1 = np.array(moves).T
    assert not np.array_equal(run0, run1)


def test_playing_a_match_does_not_consume_its_seed_sequence() -> None:
    # The side streams of a match are SeedSequence.spawn's children, derived without mutating
    # the match's seed, so the same SeedSequence object can be played twice.
    seed = np.random.SeedSequence(9)
    twice = [play_match("Random", "GTFT", turns=20, repetitions=3, seed=seed) for _ in range(2)]
    assert twice[0] == twice[1]
    assert seed.n_children_spawned == 0


ALL = list(STRATEGIES)


def test_same_seed_same_tournament_different_seed_different() -> None:
    one = play_tournament(ALL, turns=50, repetitions=4, seed=123)
    two = play_tournament(ALL, turns=50, repetitions=4, seed=123)
    other = play_tournament(ALL, turns=50, repetitions=4, seed=124)
    assert one == two
    assert one.matches != other.matches


def test_results_do_not_depend_on_how_matches_are_grouped_or_ordered() -> None:
    result = play_tournament(ALL, turns=30, repetitions=5, seed=7)
    pairings = [(m.a, m.b) for m in result.matches]
    seeds = np.random.SeedSequence(7).spawn(len(pairings))

    reversed_batch = play_matches(pairings[::-1], seeds[::-1], turns=30, repetitions=5)
    assert reversed_batch[::-1] == result.matches

    one_by_one = [
        play_match(a, b, turns=30, repetitions=5, seed=seed)
        for (a, b), seed in reversed(list(zip(pairings, seeds, strict=True)))
    ]
    assert one_by_one[::-1] == list(result.matches)


def test_an_unseeded_tournament_records_its_entropy_and_replays() -> None:
    first = play_tournament(["Random", "GTFT"], turns=40, repetitions=3, seed=None)
    replay = play_tournament(["Random", "GTFT"], turns=40, repetitions=3, seed=first.seed)
    assert isinstance(first.seed, int)
    assert replay == first
