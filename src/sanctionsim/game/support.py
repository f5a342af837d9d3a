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

import itertools

import numpy as np
from numpy.typing import NDArray

MixedProfile = tuple[NDArray[np.float64], ...]

CHUNK = 20_000
# relative slack when checking that no pure strategy beats the candidate's payoff
BEST_REPLY_TOL = 1e-12


def _indifference(
    payoff: NDArray[np.float64], rows: NDArray[np.intp], cols: NDArray[np.intp]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Solve ``payoff[I, J] p = w 1, sum p = 1`` for each (I, J) pair in the stack.

    Returns the probabilities on ``J`` (shape ``(P, k)``) and which systems were regular.
    """
    count, k = rows.shape
    system = np.zeros((count, k + 1, k + 1))
    system[:, :k, :k] = payoff[rows[:, :, None], cols[:, None, :]]
    system[:, :k, k] = -1.0
    system[:, k, :k] = 1.0
    regular = np.abs(np.linalg.det(system)) > 1e-12
    solution = np.zeros((count, k))
    if regular.any():
        rhs = np.zeros((int(regular.sum()), k + 1, 1))
        rhs[:, k, 0] = 1.0
        solution[regular] = np.linalg.solve(system[regular], rhs)[:, :k, 0]
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
        row_sets = np.array(list(itertools.combinations(range(m), k)), dtype=np.intp)
        col_sets = np.array(list(itertools.combinations(range(n), k)), dtype=np.intp)
        pairs = (
            np.array(np.meshgrid(np.arange(len(row_sets)), np.arange(len(col_sets)), indexing="ij"))
            .reshape(2, -1)
            .T
        )
        for start in range(0, len(pairs), CHUNK):
            chunk = pairs[start : start + CHUNK]
            rows, cols = row_sets[chunk[:, 0]], col_sets[chunk[:, 1]]
            y_on, ok_y = _indifference(A, rows, cols)
            x_on, ok_x = _indifference(B.T, cols, rows)
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
