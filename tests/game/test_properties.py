"""Hypothesis properties: every equilibrium any solver returns is a best reply to itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.typing import NDArray

from sanctionsim.errors import SolverLimitError
from sanctionsim.game.dominance import iterated_elimination
from sanctionsim.game.extreme import extreme_equilibria
from sanctionsim.game.lemke_howson import lemke_howson
from sanctionsim.game.nplayer import mixed_equilibria
from sanctionsim.game.pure import pure_equilibria
from sanctionsim.game.support import support_enumeration

TOL = 1e-9


def max_regret(payoffs: NDArray[np.float64], profile: tuple[NDArray[np.float64], ...]) -> float:
    """Largest gain any player gets from a pure deviation (0 at a Nash equilibrium)."""
    n = payoffs.shape[-1]
    worst = 0.0
    for i in range(n):
        # contract every other player's axis, from the last to the first
        values = payoffs[..., i]
        for j in reversed(range(n)):
            if j != i:
                values = np.moveaxis(values, j, -1) @ profile[j]
        worst = max(worst, float(values.max() - values @ profile[i]))
    return worst


def _scale(payoffs: NDArray[np.float64]) -> float:
    return 1.0 + float(np.abs(payoffs).max())


small_ints = st.integers(-3, 3).map(float)
games_2p = st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(
    lambda mn: st.one_of(
        arrays(np.float64, (*mn, 2), elements=small_ints),
        arrays(np.float64, (*mn, 2), elements=st.floats(-10, 10, allow_nan=False)),
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games_2p)
def test_two_player_solvers_return_equilibria(payoffs: NDArray[np.float64]) -> None:
    A, B = payoffs[..., 0], payoffs[..., 1]
    scale = _scale(payoffs)
    extremes = extreme_equilibria(A, B)
    assert extremes, "every finite game has an equilibrium"
    for eq in extremes + support_enumeration(A, B):
        assert all(abs(p.sum() - 1) < TOL and (p >= -TOL).all() for p in eq)
        assert max_regret(payoffs, eq) <= TOL * scale
    m, n = A.shape
    for label in range(m + n):
        assert max_regret(payoffs, lemke_howson(A, B, initial_label=label)) <= TOL * scale
    for profile in pure_equilibria(payoffs):
        pure = tuple(np.eye(k)[s] for k, s in zip(A.shape, profile, strict=True))
        assert max_regret(payoffs, pure) == 0.0


games_np = st.lists(st.integers(1, 3), min_size=3, max_size=4).flatmap(
    lambda shape: arrays(np.float64, (*shape, len(shape)), elements=small_ints)
)


@settings(max_examples=150, deadline=None)
@given(games_np)
def test_n_player_solvers_return_equilibria_or_refuse(payoffs: NDArray[np.float64]) -> None:
    for profile in pure_equilibria(payoffs):
        pure = tuple(np.eye(k)[s] for k, s in zip(payoffs.shape[:-1], profile, strict=True))
        assert max_regret(payoffs, pure) == 0.0
    active = [len(a) for a in iterated_elimination(payoffs) if len(a) > 1]
    if len(active) > 2:
        with pytest.raises(SolverLimitError, match="not supported for this size"):
            mixed_equilibria(payoffs)
        return
    equilibria = mixed_equilibria(payoffs)
    assert equilibria
    for eq in equilibria:
        assert max_regret(payoffs, eq) <= TOL * _scale(payoffs)
    # every pure equilibrium is an extreme equilibrium too
    for profile in pure_equilibria(payoffs):
        assert any(all(eq[i][s] == 1.0 for i, s in enumerate(profile)) for eq in equilibria)


@pytest.mark.parametrize("players", [20])
def test_twenty_player_pure_enumeration(players: int) -> None:
    """A 20-player, 2-action game (~1M profiles): a public-goods threshold game."""
    shape = (2,) * players
    # own[i] is player i's action broadcast along her axis (0 = keep, 1 = contribute)
    own = [
        np.arange(2.0).reshape([2 if k == i else 1 for k in range(players)]) for i in range(players)
    ]
    contributions = sum(own, start=np.zeros(shape))
    payoffs = np.empty((*shape, players))
    for i in range(players):
        # benefit 2 for everyone once 10 contribute; contributing costs 1
        payoffs[..., i] = 2.0 * (contributions >= 10) - own[i]
    found = pure_equilibria(payoffs)
    # equilibria: nobody contributes, or exactly 10 contribute (each pivotal)
    assert found[0] == (0,) * players
    assert len(found) == 1 + 184756
    assert all(sum(p) in (0, 10) for p in found)
