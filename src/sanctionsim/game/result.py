"""One frozen record per equilibrium computation, and the ``solve`` dispatcher.

Modelled on pygambit's ``NashComputationResult`` (a frozen dataclass holding the game, the
method, its parameters and the equilibria): here the record keeps the game's *identity*
(title and a payoff hash) rather than the game itself, plus the package version and the
wall time, and :meth:`NashResult.to_frame` gives a tidy pandas table (pandas is an extra and
is imported only there).

>>> from sanctionsim.game.normal_form import Game
>>> game = Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], title="Pennies")
>>> result = solve(game, "enummixed", rational=True)
>>> result.method, result.rational, len(result.equilibria)
('enummixed', True, 1)
>>> [[str(p) for p in strategy] for strategy in result.exact[0]]
[['1/2', '1/2'], ['1/2', '1/2']]
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sanctionsim.game.normal_form import Game

FloatProfile = tuple[tuple[float, ...], ...]
ExactProfile = tuple[tuple[Fraction, ...], ...]

METHODS = ("enumpure", "enummixed", "support", "lemke-howson", "nplayer")


@dataclass(frozen=True)
class NashResult:
    """The outcome of one Nash computation (immutable)."""

    game_title: str
    game_hash: str
    shape: tuple[int, ...]
    method: str
    parameters: Mapping[str, Any]
    equilibria: tuple[FloatProfile, ...]
    rational: bool
    version: str
    wall_time: float
    exact: tuple[ExactProfile, ...] | None = field(default=None, repr=False)

    def to_frame(self) -> Any:
        """A tidy ``pandas.DataFrame``: one row per equilibrium, player and strategy."""
        import pandas as pd

        rows = []
        for k, profile in enumerate(self.equilibria):
            for player, strategy in enumerate(profile):
                for s, probability in enumerate(strategy):
                    row: dict[str, Any] = {
                        "game": self.game_title,
                        "game_hash": self.game_hash,
                        "method": self.method,
                        "equilibrium": k,
                        "player": player,
                        "strategy": s,
                        "probability": probability,
                    }
                    if self.exact is not None:
                        row["exact"] = str(self.exact[k][player][s])
                    rows.append(row)
        return pd.DataFrame(rows)


def _pure_as_mixed(shape: tuple[int, ...], profile: tuple[int, ...]) -> FloatProfile:
    return tuple(
        tuple(1.0 if s == chosen else 0.0 for s in range(k))
        for k, chosen in zip(shape, profile, strict=True)
    )


def solve(game: Game, method: str = "auto", **parameters: Any) -> NashResult:
    """Run one solver on ``game`` and wrap the answer in a :class:`NashResult`.

    ``method`` is ``"enumpure"`` (all pure equilibria), ``"enummixed"`` (all extreme
    equilibria, two players; ``rational=True`` for exact fractions), ``"support"`` (support
    enumeration, two players, nondegenerate games), ``"lemke-howson"`` (one equilibrium;
    ``initial_label``, ``max_iter``), ``"nplayer"`` (small n-player games) or ``"auto"``
    (``enummixed`` for two players, else ``nplayer``).
    """
    from sanctionsim import __version__

    if method == "auto":
        method = "enummixed" if game.n_players == 2 else "nplayer"
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    if method in ("enummixed", "support", "lemke-howson") and game.n_players != 2:
        raise ValueError(f"method {method!r} is for two-player games")
    rational = bool(parameters.get("rational", False))
    A = game.payoffs[..., 0]
    B = game.payoffs[..., 1] if game.n_players > 1 else A
    exact: tuple[ExactProfile, ...] | None = None
    start = time.perf_counter()
    floats: list[FloatProfile]
    if method == "enumpure":
        floats = [
            _pure_as_mixed(game.shape, p)
            for p in game.pure_equilibria(tol=float(parameters.get("tol", 0.0)))
        ]
        rational = game.is_rational
        if rational:
            exact = tuple(tuple(tuple(Fraction(p) for p in s) for s in eq) for eq in floats)
    elif method == "enummixed" and rational:
        from sanctionsim.game.extreme import extreme_equilibria_exact

        exact = tuple(extreme_equilibria_exact(game.exact_array(0), game.exact_array(1)))
        floats = [tuple(tuple(float(p) for p in s) for s in eq) for eq in exact]
    else:
        arrays = _float_solver(method, game, A, B, parameters)
        floats = [tuple(tuple(float(p) for p in s) for s in eq) for eq in arrays]
    wall = time.perf_counter() - start
    return NashResult(
        game_title=game.title,
        game_hash=game.payoff_hash(),
        shape=game.shape,
        method=method,
        parameters=dict(parameters),
        equilibria=tuple(floats),
        rational=rational,
        version=__version__,
        wall_time=wall,
        exact=exact,
    )


def _float_solver(
    method: str,
    game: Game,
    A: np.ndarray[Any, Any],
    B: np.ndarray[Any, Any],
    parameters: Mapping[str, Any],
) -> list[tuple[np.ndarray[Any, Any], ...]]:
    if method == "enummixed":
        from sanctionsim.game.extreme import extreme_equilibria

        return extreme_equilibria(A, B)
    if method == "support":
        from sanctionsim.game.support import support_enumeration

        return support_enumeration(A, B)
    if method == "lemke-howson":
        from sanctionsim.game.lemke_howson import lemke_howson

        return [
            lemke_howson(
                A,
                B,
                initial_label=int(parameters.get("initial_label", 0)),
                max_iter=int(parameters.get("max_iter", 10_000)),
            )
        ]
    from sanctionsim.game.nplayer import mixed_equilibria

    return mixed_equilibria(game.payoffs)
