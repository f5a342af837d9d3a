"""The Lemke–Howson algorithm: one Nash equilibrium of a two-player game.

Complementary pivoting on the two best-response polytopes (Lemke & Howson 1964, "Equilibrium
points of bimatrix games", *J. SIAM* 12; presentation of Nisan, Roughgarden, Tardos &
Vazirani 2007, *Algorithmic Game Theory*, ch. 3.4 and von Stengel 2002, "Computing equilibria
for two-person games", *Handbook of Game Theory* 3, ch. 45). Dropping label ``k`` from the
artificial equilibrium ``(0, 0)`` and pivoting alternately in the two tableaux until ``k`` is
picked up again ends at an equilibrium.

Robustness, where Nashpy's implementation cycles on some 10x10 float games (Nashpy #83):

- payoffs are scaled onto ``[1, 2]`` and every pivot divides the pivot row, so entries stay
  of order one (no unnormalised integer-style pivoting in floating point);
- the leaving variable is chosen by the *lexicographic* minimum-ratio rule, comparing rows of
  ``(rhs | B^-1)`` divided by the pivot column, which makes the path unique and finite even on
  degenerate games;
- a hard ``max_iter`` cap raises :class:`~sanctionsim.errors.SolverLimitError` instead of
  looping;
- the final point is recomputed from its labels on the original payoffs
  (:func:`sanctionsim.game.extreme.polish`).

>>> import numpy as np
>>> A = np.array([[3.0, 0.0], [0.0, 2.0]])
>>> x, y = lemke_howson(A, A, initial_label=0)
>>> x.tolist(), y.tolist()
([1.0, 0.0], [1.0, 0.0])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sanctionsim.errors import SolverLimitError
from sanctionsim.game.extreme import COND_LIMIT, polish, scale_positive

MixedProfile = tuple[NDArray[np.float64], ...]

TOL = 1e-12


class _Tableau:
    """``slack + C v = 1`` in dictionary form.

    Columns are the original variables, then the slacks, then the right-hand side; each
    column carries its label. The ratio test runs on Python floats (a handful of rows: numpy's
    per-call overhead would dominate) and the row update is one numpy outer product.
    """

    def __init__(
        self, C: NDArray[np.float64], var_labels: list[int], slack_labels: list[int]
    ) -> None:
        rows, cols = C.shape
        self.matrix = np.zeros((rows, cols + rows + 1))
        self.matrix[:, :cols] = C
        self.matrix[:, cols : cols + rows] = np.eye(rows)
        self.matrix[:, -1] = 1.0
        self.labels = var_labels + slack_labels  # column index -> label
        self.column_of = {label: c for c, label in enumerate(self.labels)}
        self.basis = list(range(cols, cols + rows))  # row -> basic column (the slacks)
        self.n_vars = cols

    def pivot_in(self, label: int) -> int:
        """Bring the variable with ``label`` into the basis; return the label that leaves."""
        column = self.column_of[label]
        matrix = self.matrix
        entries = matrix[:, column].tolist()
        candidates = [r for r, v in enumerate(entries) if v > TOL]
        if not candidates:  # pragma: no cover - impossible for a bounded polytope
            raise SolverLimitError("Lemke-Howson: unbounded ray (numerical breakdown)")
        # Lexicographic ratio test on (rhs, B^-1 columns) / pivot entry; B^-1 sits in the
        # slack columns because the slack basis started as the identity. The later levels
        # are needed only to break ties (degenerate games).
        for level in [-1, *range(self.n_vars, self.n_vars + len(entries))]:
            values = matrix[:, level].tolist()
            ratios = [values[r] / entries[r] for r in candidates]
            best = min(ratios)
            slack = TOL * max(1.0, abs(best))
            candidates = [r for r, q in zip(candidates, ratios, strict=True) if q <= best + slack]
            if len(candidates) == 1:
                break
        row = candidates[0]
        matrix[row] /= entries[row]
        factors = matrix[:, column].copy()
        factors[row] = 0.0
        matrix -= np.outer(factors, matrix[row])
        leaving = self.basis[row]
        self.basis[row] = column
        return self.labels[leaving]

    def point(self) -> NDArray[np.float64]:
        """The current basic solution's original variables, normalised to probabilities."""
        values = np.zeros(len(self.labels))
        values[self.basis] = self.matrix[:, -1]
        v: NDArray[np.float64] = np.clip(values[: self.n_vars], 0.0, None)
        total = float(v.sum())
        return v / total

    def condition(self) -> float:
        """``max |B^-1|``: a bound on the round-off the basic values may carry."""
        return float(np.abs(self.matrix[:, self.n_vars : -1]).max())

    def strategy(self) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """Basic original variables (the support) and nonbasic slacks (tight constraints)."""
        basic = np.zeros(len(self.labels), dtype=bool)
        basic[self.basis] = True
        return basic[: self.n_vars], ~basic[self.n_vars :]


class _ListTableau(_Tableau):
    """The same tableau held in Python lists, for small games (up to about 5x5), where even
    one numpy call per pivot costs more than the arithmetic itself."""

    def __init__(
        self, C: NDArray[np.float64], var_labels: list[int], slack_labels: list[int]
    ) -> None:
        rows, cols = C.shape
        self.rows = []
        for r, row in enumerate(C.tolist()):
            unit = [0.0] * rows
            unit[r] = 1.0
            self.rows.append([*row, *unit, 1.0])
        self.labels = var_labels + slack_labels
        self.column_of = {label: c for c, label in enumerate(self.labels)}
        self.basis = list(range(cols, cols + rows))
        self.n_vars = cols

    def pivot_in(self, label: int) -> int:
        column = self.column_of[label]
        rows = self.rows
        candidates = [r for r in range(len(rows)) if rows[r][column] > TOL]
        if not candidates:  # pragma: no cover - impossible for a bounded polytope
            raise SolverLimitError("Lemke-Howson: unbounded ray (numerical breakdown)")
        for level in [-1, *range(self.n_vars, self.n_vars + len(rows))]:
            ratios = [rows[r][level] / rows[r][column] for r in candidates]
            best = min(ratios)
            slack = TOL * max(1.0, abs(best))
            candidates = [r for r, q in zip(candidates, ratios, strict=True) if q <= best + slack]
            if len(candidates) == 1:
                break
        pivot_row = rows[candidates[0]]
        pivot = pivot_row[column]
        pivot_row[:] = [v / pivot for v in pivot_row]
        for row in rows:
            factor = row[column]
            if row is not pivot_row and factor != 0.0:
                row[:] = [v - factor * w for v, w in zip(row, pivot_row, strict=True)]
        leaving = self.basis[candidates[0]]
        self.basis[candidates[0]] = column
        return self.labels[leaving]

    def point(self) -> NDArray[np.float64]:
        values = [0.0] * len(self.labels)
        for r, column in enumerate(self.basis):
            values[column] = max(self.rows[r][-1], 0.0)
        total = sum(values[: self.n_vars])
        return np.array([v / total for v in values[: self.n_vars]])

    def condition(self) -> float:
        return float(max(max(map(abs, row[self.n_vars : -1])) for row in self.rows))


SMALL = 10  # m + n up to which the list tableau is faster (measured on 3x3 .. 10x10)


def lemke_howson(
    A: NDArray[np.float64], B: NDArray[np.float64], initial_label: int = 0, max_iter: int = 10_000
) -> MixedProfile:
    """One Nash equilibrium of ``(A, B)`` by Lemke–Howson, dropping ``initial_label``.

    Labels ``0..m-1`` are the row player's strategies, ``m..m+n-1`` the column player's.
    Raises :class:`SolverLimitError` after ``max_iter`` pivots.
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    m, n = A.shape
    if not 0 <= initial_label < m + n:
        raise ValueError(f"initial_label must be in 0..{m + n - 1}")
    rows_labels = list(range(m))
    cols_labels = list(range(m, m + n))
    # P: s + B'^T x = 1 (x carries row labels, s column labels); Q: r + A' y = 1.
    kind = _ListTableau if m + n <= SMALL else _Tableau
    p_side = kind(scale_positive(B).T, rows_labels, cols_labels)
    q_side = kind(scale_positive(A), cols_labels, rows_labels)
    tableau, other = (p_side, q_side) if initial_label < m else (q_side, p_side)
    entering = initial_label
    for _ in range(max_iter):
        leaving = tableau.pivot_in(entering)
        if leaving == initial_label:
            break
        entering = leaving
        tableau, other = other, tableau
    else:
        raise SolverLimitError(f"Lemke-Howson did not finish within max_iter={max_iter} pivots")
    x, y = p_side.point(), q_side.point()
    # Recompute from the labels on the original payoffs only when the final basis is
    # ill-conditioned: otherwise the tableau values are already accurate to ~1e-13.
    if p_side.condition() > COND_LIMIT:
        support_x, best_cols = p_side.strategy()
        x = polish(B.T, support_x[None, :], best_cols[None, :], x[None, :])[0]
    if q_side.condition() > COND_LIMIT:
        support_y, best_rows = q_side.strategy()
        y = polish(A, support_y[None, :], best_rows[None, :], y[None, :])[0]
    return x, y
