"""Oracle tests: our strategies and tournament against the axelrod library (4.13.1).

``domain/MODEL.md`` §4: with two members, no target and fixed payoffs, the dynamics reduce to the
iterated prisoner's dilemma, and for deterministic strategies every match must give exactly
axelrod's scores. Axelrod's strategies carry the same class names as ours.
"""

from __future__ import annotations

import itertools
from types import ModuleType

import numpy as np
import pytest

from sanctionsim.dynamics.strategies import GTFT, STRATEGIES, strategy_names
from sanctionsim.dynamics.tournament import play_match, play_tournament
from sanctionsim.game.stage import PDPayoffs

pytestmark = pytest.mark.oracle

DETERMINISTIC = strategy_names(stochastic=False)
PAIRS = list(itertools.combinations_with_replacement(DETERMINISTIC, 2))
TURNS = 200


def our_actions(a: str, b: str, turns: int) -> list[tuple[str, str]]:
    """The moves of a match, played turn by turn through the strategy interface."""
    pa, pb = STRATEGIES[a](1), STRATEGIES[b](1)
    ma, mb = pa.first(), pb.first()
    rounds = []
    for _ in range(turns):
        rounds.append(("C" if ma[0] else "D", "C" if mb[0] else "D"))
        ma, mb = pa.next(ma, mb), pb.next(mb, ma)
    return rounds


def test_the_deterministic_set_is_the_eight_expected() -> None:
    assert len(DETERMINISTIC) == 8
    assert len(PAIRS) == 36


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_match_scores_and_moves_equal_axelrod(axl: ModuleType, a: str, b: str) -> None:
    match = axl.Match((getattr(axl, a)(), getattr(axl, b)()), turns=TURNS)
    expected_moves = [(x.name, y.name) for x, y in match.play()]
    expected_scores = match.final_score()

    assert our_actions(a, b, TURNS) == expected_moves
    result = play_match(a, b, turns=TURNS, repetitions=3)
    assert (result.totals_a[0], result.totals_b[0]) == expected_scores
    assert result.totals_a == (expected_scores[0],) * 3


@pytest.mark.parametrize(
    ("a", "b"),
    [("TitForTat", "Alternator"), ("WinStayLoseShift", "Defector"), ("Grudger", "Alternator")],
)
def test_match_scores_equal_axelrod_with_other_payoffs(axl: ModuleType, a: str, b: str) -> None:
    game = PDPayoffs(R=4, P=2, S=1, T=6)
    match = axl.Match(
        (getattr(axl, a)(), getattr(axl, b)()), turns=57, game=axl.Game(r=4, s=1, t=6, p=2)
    )
    match.play()
    result = play_match(a, b, turns=57, game=game)
    assert (result.totals_a[0], result.totals_b[0]) == match.final_score()


def test_gtft_generosity_equals_axelrod_for_the_default_game(axl: ModuleType) -> None:
    player = axl.GTFT()
    axl.Match((player, axl.Cooperator()), turns=1)
    assert GTFT(1, np.random.default_rng(0)).generosity == player.p


def test_gtft_follows_the_game_where_axelrod_keeps_its_default(axl: ModuleType) -> None:
    # A deliberate divergence, documented in docs/strategies.md: axelrod 4.13.1's Player.__init__
    # already computes p from the default game, and GTFT never recomputes it once set, so a
    # match's own game is ignored. Ours applies the same formula to the game it is given.
    game = PDPayoffs(R=5, P=1, S=0, T=6)
    player = axl.GTFT()
    axl.Match((player, axl.Cooperator()), turns=1, game=axl.Game(r=5, s=0, t=6, p=1))
    assert player.p == pytest.approx(1 / 3)
    assert GTFT(1, np.random.default_rng(0), game).generosity == pytest.approx(0.8)


def test_tournament_ranking_equals_axelrod(axl: ModuleType) -> None:
    players = [getattr(axl, name)() for name in DETERMINISTIC]
    # processes=None (the default) is axelrod's serial path; other values may mean "all cores".
    expected = axl.Tournament(players, turns=TURNS, repetitions=10, seed=0).play(progress_bar=False)
    label_to_name = {STRATEGIES[name].label: name for name in DETERMINISTIC}

    ours = play_tournament(DETERMINISTIC, turns=TURNS, repetitions=10, seed=0)

    assert list(ours.ranking) == [label_to_name[label] for label in expected.ranked_names]
    for index, name in enumerate(DETERMINISTIC):
        assert ours.normalised_scores[name] == pytest.approx(expected.normalised_scores[index])
        assert ours.median_scores[name] == pytest.approx(
            np.median(expected.normalised_scores[index])
        )
