"""Oracle tests on Gambit's own game corpus: our answers equal pygambit's (expected.json)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sanctionsim.game.extreme import extreme_equilibria, extreme_equilibria_exact
from sanctionsim.game.nfg import parse_nfg, read_nfg, write_nfg
from sanctionsim.game.pure import pure_equilibria

from .conftest import corpus_params

pytestmark = [pytest.mark.oracle, pytest.mark.shared_data]


def _distinct(equilibria: list[Any], tol: float) -> list[Any]:
    """Equilibria as flat float vectors, duplicates (within ``tol``) removed: Gambit's
    enummixed lists a degenerate vertex once per basis, so compare as sets."""
    kept: list[Any] = []
    for eq in equilibria:
        vector = np.array([float(p) for strategy in eq for p in strategy])
        if not any(np.allclose(vector, k, atol=tol, rtol=0) for k in kept):
            kept.append(vector)
    return kept


def same_set(ours: list[Any], theirs: list[Any], tol: float = 1e-9) -> bool:
    """Whether two lists of mixed profiles are equal as sets, entries within ``tol``."""
    a, b = _distinct(ours, tol), _distinct(theirs, tol)
    return len(a) == len(b) and all(any(np.allclose(x, y, atol=tol, rtol=0) for y in b) for x in a)


@pytest.mark.parametrize("path", corpus_params())
def test_reads_and_round_trips(path: Path, expected: dict[str, Any]) -> None:
    game = read_nfg(path)
    assert list(game.shape) == expected[path.name]["shape"]
    assert game.n_players == expected[path.name]["players"]
    assert parse_nfg(write_nfg(game)) == game


@pytest.mark.parametrize("path", corpus_params())
def test_pure_equals_gambit(path: Path, expected: dict[str, Any]) -> None:
    game = read_nfg(path)
    want = expected[path.name]["pure"]
    assert [list(p) for p in pure_equilibria(game.payoffs)] == want
    assert [list(p) for p in game.pure_equilibria()] == want


@pytest.mark.parametrize("path", corpus_params())
def test_extreme_equals_gambit(path: Path, expected: dict[str, Any]) -> None:
    game = read_nfg(path)
    if game.n_players != 2:
        assert "extreme_mixed" not in expected[path.name]
        return
    want = [
        [[Fraction(p) for p in strategy] for strategy in eq]
        for eq in expected[path.name]["extreme_mixed"]
    ]
    ours = extreme_equilibria(game.payoffs[..., 0], game.payoffs[..., 1])
    assert same_set(ours, want)
    exact = extreme_equilibria_exact(game.exact_array(0), game.exact_array(1))
    assert {tuple(map(tuple, eq)) for eq in want} == set(exact)
