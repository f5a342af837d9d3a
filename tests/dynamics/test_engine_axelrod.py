"""The engine's proof (MODEL.md §4): two members, no target, fixed payoffs = the iterated PD.

The engine's own kernel (:class:`sanctionsim.dynamics.fixed_game.FixedGameKernel`, through
:func:`play_fixed_game`) must give exactly axelrod 4.13.1's match scores for every pairing of
deterministic strategies, and the same scores as the vectorised tournament.
"""

from __future__ import annotations

import itertools
from types import ModuleType

import numpy as np
import pytest

from sanctionsim.dynamics.fixed_game import play_fixed_game
from sanctionsim.dynamics.strategies import strategy_names
from sanctionsim.dynamics.tournament import play_match
from sanctionsim.game.stage import PDPayoffs

pytestmark = pytest.mark.oracle

DETERMINISTIC = strategy_names(stochastic=False)
PAIRS = list(itertools.product(DETERMINISTIC, repeat=2))
TURNS = 200


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_kernel_scores_equal_axelrod(axl: ModuleType, a: str, b: str) -> None:
    match = axl.Match((getattr(axl, a)(), getattr(axl, b)()), turns=TURNS)
    match.play()
    expected = match.final_score()
    ours = play_fixed_game(a, b, turns=TURNS, runs=3)
    assert (ours[0][0], ours[1][0]) == expected
    assert ours[0].tolist() == [expected[0]] * 3  # every run of a deterministic pairing


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("TitForTat", "Alternator"),
        ("WinStayLoseShift", "Defector"),
        ("Grudger", "SuspiciousTitForTat"),
    ],
)
@pytest.mark.parametrize("turns", [1, 2, 37])
def test_kernel_scores_equal_axelrod_with_other_payoffs(
    axl: ModuleType, a: str, b: str, turns: int
) -> None:
    game = PDPayoffs(R=4, P=2, S=1, T=6)
    match = axl.Match(
        (getattr(axl, a)(), getattr(axl, b)()),
        turns=turns,
        game=axl.Game(r=4, s=1, t=6, p=2),
    )
    match.play()
    ours = play_fixed_game(a, b, turns=turns, game=game)
    assert (ours[0][0], ours[1][0]) == match.final_score()


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_kernel_scores_equal_the_tournament(a: str, b: str) -> None:
    result = play_match(a, b, turns=50)
    ours = play_fixed_game(a, b, turns=50)
    assert (ours[0][0], ours[1][0]) == (result.totals_a[0], result.totals_b[0])


@pytest.mark.parametrize(("a", "b"), [("GTFT", "Defector"), ("Random", "TitForTat")])
def test_stochastic_pairings_match_the_tournament_in_distribution(a: str, b: str) -> None:
    # The random streams differ (engine blocks vs match streams), so compare means with a
    # 5-standard-error tolerance on 3000 runs each.
    ours = play_fixed_game(a, b, turns=40, runs=3000, seed=1)[0]
    theirs = np.asarray(play_match(a, b, turns=40, repetitions=3000, seed=1).totals_a)
    error = np.sqrt(ours.var() / ours.size + theirs.var() / theirs.size)
    assert abs(ours.mean() - theirs.mean()) < 5 * error
    assert ours.std() > 0
