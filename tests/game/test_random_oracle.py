"""Oracle tests on random games against the peers: pygambit (enummixed, enumpure, lcp) and
Nashpy (vertex enumeration). Degenerate games come from small integer payoff ranges."""

from __future__ import annotations

import warnings
from fractions import Fraction
from typing import Any

import nashpy
import numpy as np
import pygambit as gbt
import pytest
from numpy.typing import NDArray

from sanctionsim.game.extreme import extreme_equilibria, extreme_equilibria_exact
from sanctionsim.game.lemke_howson import lemke_howson
from sanctionsim.game.pure import pure_equilibria
from sanctionsim.game.support import support_enumeration

from .test_corpus_oracle import same_set

pytestmark = pytest.mark.oracle

SIZES = [(2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (5, 3), (5, 5), (6, 6)]


def _random_bimatrix(
    rng: np.random.Generator, m: int, n: int, kind: str
) -> tuple[NDArray[np.int64] | NDArray[np.float64], NDArray[np.int64] | NDArray[np.float64]]:
    """``kind``: 'float' (generic), 'int2'/'int4' (integers 0..1 / 0..3: degenerate)."""
    if kind == "float":
        return rng.random((m, n)), rng.random((m, n))
    high = {"int2": 2, "int4": 4}[kind]
    return rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n))


def _gambit_game(*arrays: Any) -> Any:
    converted = [
        np.vectorize(
            lambda v: Fraction(int(v)) if float(v).is_integer() else float(v), otypes=[object]
        )(a)
        for a in arrays
    ]
    return gbt.StrategicGame.from_arrays(*converted)


def _gambit_profiles(result: Any) -> list[list[list[Any]]]:
    """pygambit 17 profiles: iterating one gives each player's (label, probability) pairs."""
    return [
        [[Fraction(str(p)) if not isinstance(p, float) else p for _, p in mixed] for mixed in eq]
        for eq in result.equilibria
    ]


# 5 sizes x 3 kinds x 12 seeds + 3 sizes x 3 kinds x 4 seeds = 216 games against
# pygambit's enummixed.
@pytest.mark.parametrize("size", SIZES, ids=[f"{m}x{n}" for m, n in SIZES])
@pytest.mark.parametrize("kind", ["float", "int2", "int4"])
def test_extreme_equilibria_match_pygambit_enummixed(size: tuple[int, int], kind: str) -> None:
    m, n = size
    rng = np.random.default_rng([m, n, len(kind), 11])
    count = 12 if m * n <= 16 else 4
    for _ in range(count):
        A, B = _random_bimatrix(rng, m, n, kind)
        game = _gambit_game(A, B)
        # Exact arithmetic for integer games (degenerate ones need it); floats otherwise.
        theirs = _gambit_profiles(gbt.nash.enummixed_solve(game, rational=kind != "float"))
        ours = extreme_equilibria(np.asarray(A, float), np.asarray(B, float))
        assert same_set(ours, theirs), (A.tolist(), B.tolist())
        if kind != "float":
            exact = extreme_equilibria_exact(
                np.asarray(A, dtype=object).astype(object) * Fraction(1),
                np.asarray(B, dtype=object) * Fraction(1),
            )
            assert same_set(exact, theirs, tol=0.0)


# 440 n-player games against pygambit's enumpure.
@pytest.mark.parametrize(
    "shape", [(2, 2, 2), (3, 2, 2), (3, 3, 3), (2, 2, 2, 2), (4, 3), (2, 2, 2, 2, 2)]
)
def test_pure_equilibria_match_pygambit_enumpure(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(list(shape))
    for trial in range(80 if len(shape) < 5 else 40):
        high = 3 if trial % 2 else 100  # small ranges give ties, large ranges do not
        arrays = [rng.integers(0, high, shape) for _ in shape]
        theirs = sorted(
            tuple(int(np.argmax([float(p) for p in strategy])) for strategy in eq)
            for eq in _gambit_profiles(gbt.nash.enumpure_solve(_gambit_game(*arrays)))
        )
        ours = pure_equilibria(np.stack(arrays, axis=-1).astype(float))
        assert ours == theirs


# 140 nondegenerate games: Nashpy's vertex enumeration, our support enumeration and ours.
@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_nondegenerate_games_match_nashpy(n: int) -> None:
    rng = np.random.default_rng([n, 5])
    for _ in range({2: 50, 3: 50, 4: 30, 5: 10}[n]):
        A, B = rng.random((n, n)), rng.random((n, n))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = [[list(x), list(y)] for x, y in nashpy.Game(A, B).vertex_enumeration()]
        ours = extreme_equilibria(A, B)
        assert same_set(ours, theirs, tol=1e-8)
        assert same_set(support_enumeration(A, B), ours)


# 300 games: Lemke-Howson from every label ends at an extreme equilibrium; pygambit's lcp
# answer is one of ours.
@pytest.mark.parametrize("kind", ["float", "int2", "int4"])
def test_lemke_howson_and_pygambit_lcp(kind: str) -> None:
    rng = np.random.default_rng([len(kind), 7])
    for trial in range(100):
        m, n = SIZES[trial % len(SIZES)]
        A, B = _random_bimatrix(rng, m, n, kind)
        A, B = np.asarray(A, float), np.asarray(B, float)
        extremes = extreme_equilibria(A, B)
        for label in range(m + n):
            x, y = lemke_howson(A, B, initial_label=label)
            assert same_set(
                [[x, y]],
                extremes[:0]
                + [
                    e
                    for e in extremes
                    if np.allclose(e[0], x, atol=1e-9) and np.allclose(e[1], y, atol=1e-9)
                ],
            )
        lcp = gbt.nash.lcp_solve(_gambit_game(A, B), rational=False, stop_after=1)
        for eq in _gambit_profiles(lcp):
            assert any(
                np.allclose(
                    np.concatenate(e), np.concatenate([np.asarray(s, float) for s in eq]), atol=1e-9
                )
                for e in extremes
            )
