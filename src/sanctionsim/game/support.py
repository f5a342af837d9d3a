"""Support enumeration for two-player games, batched over all supports of one size.

For every pair of supports ``I`` (rows) and ``J`` (columns) of equal size ``k``, solve the
indifference equations ``A[I, J] y = u``, ``x^T B[I, J] = v`` with probabilities summing to
one, and keep the solutions that are nonnegative and best replies (Nisan, Roughgarden, Tardos
& Vazirani 2007, *Algorithmic Game Theory*, Algorithm 3.4; the method of Nashpy's
``support_enumeration``). All pairs of one size form a single stack of linear systems solved
by numpy at once, instead of one ``solve`` per pair.

Only equal-size supports are tried, so this finds every equilibrium of a *nondegenerate*
game and can miss equilibria of degenerate ones (Nashpy issue #82); use
:func:`sanctionsim.game.extreme.extreme_equilibria` there.

>>> import numpy as np
>>> A = np.array([[1.0, -1.0], [-1.0, 1.0]])          # matching pennies
>>> [[p.tolist() for p in eq] for eq in support_enumeration(A, -A)]
[[[0.5, 0.5], [0.5, 0.5]]]
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
from numpy.typing import NDArray

MixedProfile = tuple[NDArray[np.float64], ...]

CHUNK = 20_000
# relative slack when checking that no pure strategy beats the candidate's payoff
BEST_REPLY_TOL = 1e-12


@functools.lru_cache(maxsize=128)
def _support_pairs(m: int, n: int, k: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Every (row support, column support) pair of size ``k``, as two index arrays."""
    row_sets = np.array(list(itertools.combinations(range(m), k)), dtype=np.intp)
    col_sets = np.array(list(itertools.combinations(range(n), k)), dtype=np.intp)
    rows = np.repeat(row_sets, len(col_sets), axis=0)
    cols = np.tile(col_sets, (len(row_sets), 1))
    return rows, cols


def _indifference(
    payoffs: list[NDArray[np.float64]], rows: list[NDArray[np.intp]], cols: list[NDArray[np.intp]]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Solve ``payoff[I, J] p = w 1, sum p = 1`` for every (I, J) pair, all in one stack.

    Several (payoff, rows, cols) groups of the same support size are stacked together.
    Returns the probabilities on ``J`` (shape ``(P, k)``) and which systems were regular.
    """
    k = rows[0].shape[1]
    blocks = [p[r[:, :, None], c[:, None, :]] for p, r, c in zip(payoffs, rows, cols, strict=True)]
    block = np.concatenate(blocks)
    count = len(block)
    system = np.empty((count, k + 1, k + 1))
    system[:, :k, :k] = block
    system[:, :k, k] = -1.0
    system[:, k, :k] = 1.0
    system[:, k, k] = 0.0
    rhs = np.zeros((count, k + 1, 1))
    rhs[:, k, 0] = 1.0
    try:  # generic games: every system regular, one call
        return np.linalg.solve(system, rhs)[:, :k, 0], np.ones(count, dtype=bool)
    except np.linalg.LinAlgError:
        pass
    with np.errstate(divide="ignore", invalid="ignore"):  # singular systems are expected
        regular = np.abs(np.linalg.det(system)) > 1e-12
    solution = np.zeros((count, k))
    if regular.any():
        solution[regular] = np.linalg.solve(system[regular], rhs[regular])[:, :k, 0]
    return solution, regular


def support_enumeration(
    A: NDArray[np.float64], B: NDArray[np.float64], tol: float = 1e-12
) -> list[MixedProfile]:
    """Nash equilibria of ``(A, B)`` with supports of equal size, sorted."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    m, n = A.shape
    found: list[tuple[tuple[float, ...], tuple[float, ...]]] = []
    for k in range(1, min(m, n) + 1):
        all_rows, all_cols = _support_pairs(m, n, k)
        for start in range(0, len(all_rows), CHUNK):
            rows, cols = all_rows[start : start + CHUNK], all_cols[start : start + CHUNK]
            # y from the row player's indifference, x from the column player's: one stack
            solved, regular = _indifference([A, B.T], [rows, cols], [cols, rows])
            half = len(rows)
            y_on, x_on = solved[:half], solved[half:]
            ok_y, ok_x = regular[:half], regular[half:]
            ok = ok_x & ok_y & (x_on >= -tol).all(axis=1) & (y_on >= -tol).all(axis=1)
            if not ok.any():
                continue
            x = np.zeros((int(ok.sum()), m))
            y = np.zeros((int(ok.sum()), n))
            np.put_along_axis(x, rows[ok], x_on[ok], axis=1)
            np.put_along_axis(y, cols[ok], y_on[ok], axis=1)
            # Best-reply check against every pure strategy, not only those in the support.
            row_values = y @ A.T
            col_values = x @ B
            own_row = (x * row_values).sum(axis=1, keepdims=True)
            own_col = (y * col_values).sum(axis=1, keepdims=True)
            scale = 1.0 + np.abs(A).max() + np.abs(B).max()
            good = (row_values <= own_row + BEST_REPLY_TOL * scale).all(axis=1) & (
                col_values <= own_col + BEST_REPLY_TOL * scale
            ).all(axis=1)
            found.extend(
                zip(map(tuple, x[good].tolist()), map(tuple, y[good].tolist()), strict=True)
            )
    return [(np.array(x), np.array(y)) for x, y in sorted(set(found))]
