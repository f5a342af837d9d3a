"""Unit tests: textbook games for each solver, limits, dominance, and the result record."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from sanctionsim.errors import SolverLimitError
from sanctionsim.game.dominance import (
    dominated_by_mixed,
    dominated_strategies,
    iterated_elimination,
    pareto_optimal,
)
from sanctionsim.game.extreme import extreme_equilibria, polytope_vertices
from sanctionsim.game.lemke_howson import lemke_howson
from sanctionsim.game.normal_form import Game
from sanctionsim.game.nplayer import mixed_equilibria
from sanctionsim.game.result import NashResult, solve
from sanctionsim.game.support import support_enumeration


def test_degenerate_game_where_support_enumeration_misses_equilibria() -> None:
    """Nashpy #82-style: column player indifferent, a continuum of equilibria."""
    A = np.array([[1.0, 1.0], [0.0, 2.0]])
    B = np.array([[1.0, 1.0], [1.0, 1.0]])
    extremes = extreme_equilibria(A, B)
    found = {tuple(np.round(np.concatenate(eq), 12)) for eq in extremes}
    # row 1 with y in [0, 1/2] and row 2 with y in [1/2, 1]: four extreme points
    assert found == {
        (1.0, 0.0, 1.0, 0.0),
        (1.0, 0.0, 0.5, 0.5),
        (0.0, 1.0, 0.5, 0.5),
        (0.0, 1.0, 0.0, 1.0),
    }
    assert len(support_enumeration(A, B)) < len(found)


def test_vertex_enumeration_methods_agree() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        C = rng.integers(0, 3, (4, 4)).astype(float)
        a = polytope_vertices(C, method="bases")
        b = polytope_vertices(C, method="bfs")
        assert sorted(map(tuple, a.round(12))) == sorted(map(tuple, b.round(12)))


def test_lemke_howson_iteration_cap_raises_typed_error() -> None:
    A = np.random.default_rng(0).random((10, 10))
    with pytest.raises(SolverLimitError, match="max_iter=1"):
        lemke_howson(A, A.T, max_iter=1)
    with pytest.raises(ValueError, match="initial_label"):
        lemke_howson(A, A.T, initial_label=20)


def test_lemke_howson_on_nashpy_cycling_size_games_terminates() -> None:
    rng = np.random.default_rng(83)
    for _ in range(10):
        A, B = rng.random((10, 10)), rng.random((10, 10))
        for label in range(20):
            x, y = lemke_howson(A, B, initial_label=label)
            assert (A @ y).max() <= x @ A @ y + 1e-9
            assert (x @ B).max() <= x @ B @ y + 1e-9


def test_n_player_refuses_rather_than_answers_partially() -> None:
    rng = np.random.default_rng(1)
    # McKelvey-McLennan style 2x2x2 with no dominated strategies: all three players active
    payoffs = np.zeros((2, 2, 2, 3))
    payoffs[0, 0, 0] = [9, 8, 12]
    payoffs[1, 1, 0] = [9, 8, 2]
    payoffs[0, 1, 1] = [3, 4, 6]
    payoffs[1, 0, 1] = [3, 4, 6]
    with pytest.raises(SolverLimitError, match="not supported for this size"):
        mixed_equilibria(payoffs)
    # a dominant strategy for player 3 reduces the game to two players
    payoffs = rng.random((2, 2, 2, 3))
    payoffs[:, :, 0, 2] += 10
    assert mixed_equilibria(payoffs)


def test_dominance_and_pareto() -> None:
    u = np.zeros((3, 2, 2))
    u[..., 0] = [[3, 1], [2, 1], [1, 0]]
    u[..., 1] = [[1, 0], [1, 2], [0, 0]]
    assert dominated_strategies(u, 0) == [2]
    assert dominated_strategies(u, 0, strict=False) == [1, 2]
    assert iterated_elimination(u) == [[0, 1], [0, 1]]
    assert iterated_elimination(u, strict=False) == [[0], [0]]
    assert pareto_optimal(u) == [(0, 0), (1, 1)]
    # the middle strategy is dominated by a 50-50 mix of the others, by no pure strategy
    v = np.zeros((3, 2, 2))
    v[..., 0] = [[3, 0], [1, 1], [0, 3]]
    assert dominated_strategies(v, 0) == []
    import scipy  # noqa: F401  (the mixed-dominance LP needs it; installed with the extras)

    assert dominated_by_mixed(v, 0) == [1]


def test_result_record_and_frame() -> None:
    game = Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], title="Battle")
    result = solve(game, "enummixed", rational=True)
    assert isinstance(result, NashResult)
    assert result.game_hash == game.payoff_hash()
    assert result.exact is not None
    assert ((Fraction(2, 3), Fraction(1, 3)), (Fraction(1, 3), Fraction(2, 3))) in result.exact
    with pytest.raises(AttributeError):
        result.method = "x"  # type: ignore[misc]
    import pandas as pd

    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert set(frame.columns) >= {"equilibrium", "player", "strategy", "probability", "exact"}
    assert len(frame) == 3 * 2 * 2
    for method in ("enumpure", "support", "lemke-howson", "nplayer", "auto"):
        assert solve(game, method).equilibria
    with pytest.raises(ValueError, match="unknown method"):
        solve(game, "simplex")


def test_game_validation_and_equality() -> None:
    game = Game.from_arrays([[1, 2]], [[3, 4]])
    assert game.is_rational
    assert game == Game.from_arrays([[1, 2]], [[3, 4]])
    assert game != Game.from_arrays([[1, 2]], [[3, 5]])
    with pytest.raises(ValueError, match="shape"):
        Game(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="finite"):
        Game(np.full((1, 1, 2), np.nan))
    assert game.payoffs.flags.writeable is False
