"""All extreme Nash equilibria of a two-player game, by vertex enumeration of the
best-response polytopes (also correct on degenerate games).

Size: over 500 lines because it is one algorithm with its exact-arithmetic fallback.

After shifting and scaling the payoffs so that ``A, B > 0`` (equilibria are invariant under
positive affine maps of each player's payoffs), the best-response polytopes are

    P = {x in R^m : x >= 0, B^T x <= 1},        Q = {y in R^n : A y <= 1, y >= 0}

(Nisan, Roughgarden, Tardos & Vazirani 2007, *Algorithmic Game Theory*, ch. 3.5; Avis,
Rosenberg, Savani & von Stengel 2010, "Enumeration of Nash equilibria for two-player games",
*Economic Theory* 42). A point carries label ``i`` (row strategy ``i``) when ``x_i = 0`` or
row ``i`` is a best reply to ``y``, and label ``m + j`` when ``y_j = 0`` or column ``j`` is a
best reply to ``x``. The *extreme* equilibria are exactly the completely labelled vertex pairs
``(x, y) != (0, 0)``, normalised to probabilities; in a degenerate game they are the vertices
of the equilibrium components, which is what Gambit's ``enummixed`` reports and what support
enumeration can miss (Nashpy issue #82).

Vertex enumeration is vectorised in one of two ways. Small polytopes (at most
``BRUTE_FORCE_BASES`` bases) have every basis solved in one numpy batch (both polytopes of a
square game together). Larger ones are searched breadth-first over their *feasible bases*,
pivoting on every tied leaving variable so that the search also crosses degenerate vertices
(the feasible-basis graph is connected: any feasible basis reaches the slack basis by the
simplex method with Bland's rule; Avis & Fukuda 1992, "A pivoting algorithm for convex hulls
and vertex enumeration", *Discrete Comput. Geom.* 8); each BFS layer is one batch, and every
basis is solved from scratch from the original matrix (no accumulated pivoting error).

Numerics: zero tests use an absolute tolerance ``tol`` on payoffs scaled to ``[1, 2]``. A
decision that falls between ``tol`` and ``GREY`` (or a singular basis met while pivoting) is
not guessed: the enumeration is redone in exact rational arithmetic when the game is small
enough, else :class:`SolverLimitError` is raised. Vertices from ill-conditioned bases are
recomputed from their labels on the original payoffs (:func:`polish`). ``rational=True``
recomputes each equilibrium exactly with fractions from its labels and verifies it exactly (an
inconsistency raises :class:`SolverLimitError` rather than returning a doubtful answer).

>>> import numpy as np
>>> A = np.array([[1.0, 0.0], [0.0, 1.0]])   # coordination game
>>> eqs = extreme_equilibria(A, A)
>>> [[p.tolist() for p in eq] for eq in eqs]
[[[0.0, 1.0], [0.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0], [1.0, 0.0]]]
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sanctionsim.errors import SolverLimitError

MixedProfile = tuple[NDArray[np.float64], ...]
ExactProfile = tuple[tuple[Fraction, ...], ...]

DEFAULT_TOL = 1e-9
MAX_BASES = 2_000_000
BRUTE_FORCE_BASES = 300
SINGULAR_TOL = 1e-13
REGULAR_TOL = 1e-8
GREY = 1e-7
COND_LIMIT = 1e4
EXACT_BASES = 5000


def scale_positive(M: NDArray[np.float64]) -> NDArray[np.float64]:
    """Map payoffs affinely onto ``[1, 2]`` (all ones for a constant matrix)."""
    lo, hi = float(M.min()), float(M.max())
    if hi - lo <= 0:
        return np.ones_like(M, dtype=np.float64)
    return 1.0 + (M - lo) / (hi - lo)


@functools.lru_cache(maxsize=64)
def _all_bases(width: int, k: int) -> NDArray[np.intp]:
    return np.array(list(itertools.combinations(range(width), k)), dtype=np.intp).reshape(-1, k)


Vertices = tuple[NDArray[np.float64], NDArray[np.float64]]


def _dedupe_vertices(vertices: NDArray[np.float64], cond: NDArray[np.float64]) -> Vertices:
    # A vertex is determined by its set of tight constraints, so deduplicate on that pattern.
    tight = vertices == 0.0
    if tight.shape[1] <= 62:
        keys = tight @ (1 << np.arange(tight.shape[1], dtype=np.int64))
        _, first = np.unique(keys, return_index=True)
    else:
        _, first = np.unique(np.packbits(tight, axis=1), axis=0, return_index=True)
    keep = np.sort(first)
    return vertices[keep], cond[keep]


class _AmbiguousError(Exception):
    """A floating-point decision fell between the zero tolerance and ``GREY``."""


def polytope_vertices(
    C: NDArray[np.float64],
    tol: float = DEFAULT_TOL,
    max_bases: int = MAX_BASES,
    method: str = "auto",
) -> NDArray[np.float64]:
    """All vertices of ``{v >= 0 : C' v <= 1}``, ``C'`` being ``C`` scaled onto ``[1, 2]``.

    Returns an array of shape ``(V, d + k)`` for ``C`` of shape ``(k, d)``: the ``d``
    coordinates then the ``k`` slacks ``1 - C' v`` of each vertex (exact zeros where tight).
    ``method`` is ``"bases"`` (solve every basis in one batch: fastest for small games),
    ``"bfs"`` (pivot from the slack basis through feasible bases only) or ``"auto"``.

    Floating-point decisions that are too close to call (a pivot, ratio or coordinate between
    ``tol`` and ``GREY``, or a singular basis) switch to exact rational arithmetic on the
    original payoffs, if the game is small enough (at most ``EXACT_BASES`` bases); otherwise
    :class:`SolverLimitError` is raised. The answer is never a guess.
    """
    return _vertices_with_condition(C, tol, max_bases, method)[0]


def _vertices_with_condition(
    C: NDArray[np.float64], tol: float, max_bases: int, method: str = "auto"
) -> Vertices:
    """Vertices plus, for each, ``max |basis inverse|``: a cheap bound on how much round-off
    its coordinates may carry (1 for exactly computed vertices)."""
    k, d = C.shape
    scaled = scale_positive(C)
    if method == "auto":
        method = "bases" if math.comb(d + k, k) <= BRUTE_FORCE_BASES else "bfs"
    if method not in ("bases", "bfs"):
        raise ValueError(f"unknown vertex enumeration method {method!r}")
    try:
        if method == "bases":
            vertices = _vertices_by_bases(scaled, tol)
            if vertices is not None:
                return vertices
        return _vertices_by_bfs(scaled, tol, max_bases)
    except _AmbiguousError:
        if math.comb(d + k, k) > EXACT_BASES:
            raise SolverLimitError(
                "vertex enumeration is numerically ambiguous for this game (payoff differences "
                "near the floating-point tolerance) and too large for the exact fallback: "
                "not supported for this size"
            ) from None
        return _vertices_exact(C)


def _vertices_exact(C: NDArray[np.float64]) -> Vertices:
    """Every basis solved in exact rational arithmetic (floats are exact rationals)."""
    k, d = C.shape
    raw = [[Fraction(float(v)) for v in row] for row in C]
    lo = min(min(row) for row in raw)
    span = max(max(row) for row in raw) - lo
    scaled = [[1 + (v - lo) / span if span else Fraction(1) for v in row] for row in raw]
    columns = [[scaled[r][c] for r in range(k)] for c in range(d)]
    columns += [[Fraction(int(r == c)) for r in range(k)] for c in range(k)]
    found = []
    for basis in _all_bases(d + k, k):
        rows = [[columns[c][r] for c in basis] for r in range(k)]
        solution = solve_exact(rows, [Fraction(1)] * k)
        if solution is None or any(v < 0 for v in solution):
            continue
        vertex = np.zeros(d + k)
        vertex[basis] = [float(v) for v in solution]
        found.append(vertex)
    return _dedupe_vertices(np.array(found), np.ones(len(found)))


def _vertices_by_bases(C: NDArray[np.float64], tol: float) -> Vertices | None:
    """Every basis solved at once; singular ones dropped, infeasible ones filtered out.

    Singularity is judged by the Hadamard ratio ``|det| / prod(column norms)`` (1 for
    orthogonal columns, round-off ~1e-16 for exactly singular ones). When some basis falls in
    the grey zone between ``SINGULAR_TOL`` and ``REGULAR_TOL`` the decision would be a guess,
    so ``None`` is returned and the caller pivots instead.
    """
    both = _vertices_by_bases_stacked(C[None], tol)
    return None if both is None else both[0]


def _regular_inverses(
    matrices: NDArray[np.float64],
) -> tuple[NDArray[np.float64] | None, NDArray[np.bool_]]:
    """Inverses of the regular matrices of a stack, and which ones are regular.

    Generic games have no singular basis: one batched ``inv`` then suffices, accepted when
    every inverse is moderate (``max |inv| < 1 / REGULAR_TOL``, so all are well away from
    singular). Otherwise singularity is judged by the Hadamard ratio
    ``|det| / prod(row norms)`` (1 for orthogonal rows, round-off ~1e-16 for exactly singular
    ones); if some matrix falls between ``SINGULAR_TOL`` and ``REGULAR_TOL`` the decision would
    be a guess, and ``(None, ...)`` tells the caller to pivot instead.
    """
    with contextlib.suppress(np.linalg.LinAlgError):
        inverse = np.asarray(np.linalg.inv(matrices), dtype=np.float64)
        if np.abs(inverse).max() < 1.0 / REGULAR_TOL:
            everyone: NDArray[np.bool_] = np.ones(len(matrices), dtype=bool)
            return inverse, everyone
    norms = np.sqrt((matrices * matrices).sum(axis=2)).prod(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):  # singular bases are expected
        ratio = np.abs(np.linalg.det(matrices)) / norms
    regular = ratio > REGULAR_TOL
    if np.any((ratio > SINGULAR_TOL) & ~regular):
        return None, regular
    return np.asarray(np.linalg.inv(matrices[regular]), dtype=np.float64), regular


@functools.lru_cache(maxsize=64)
def _stack_layout(
    count: int, k: int, d: int
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Constant parts of a stacked all-bases solve: the identity block, every basis of every
    polytope, which polytope owns it, and the bit weights of the tight-constraint keys."""
    bases = _all_bases(d + k, k)
    eye = np.broadcast_to(np.eye(k), (count, k, k))
    which = np.tile(bases, (count, 1))
    owner = np.repeat(np.arange(count), len(bases))
    return eye, bases, which, owner


def _vertices_by_bases_stacked(Cs: NDArray[np.float64], tol: float) -> list[Vertices] | None:
    """:func:`_vertices_by_bases` for several polytopes of one shape in a single batch (the
    two best-response polytopes of a square game), so numpy's per-call cost is paid once."""
    count, k, d = Cs.shape
    width = d + k
    eye, bases, which, owner = _stack_layout(count, k, d)
    M = np.concatenate([Cs, eye], axis=2)
    # Transposed basis matrices (rows are the basic columns): same determinant, and the
    # basic solution inv(M_b) @ 1 is the column sums of inv(M_b^T).
    transposed = np.swapaxes(M, 1, 2)[:, bases].reshape(-1, k, k)
    inverse, regular = _regular_inverses(transposed)
    if inverse is None:
        return None
    rhs = inverse.sum(axis=1)
    magnitude = np.abs(rhs)
    if np.any((magnitude > tol) & (magnitude < GREY)):
        raise _AmbiguousError
    feasible = (rhs >= -tol).all(axis=1)
    rhs = rhs[feasible]
    rhs[rhs < tol] = 0.0
    cond = np.abs(inverse[feasible]).max(axis=(1, 2))
    owner = owner[regular][feasible]
    vertices = np.zeros((len(rhs), width))
    np.put_along_axis(vertices, which[regular][feasible], rhs, axis=1)
    if width + count.bit_length() > 62:
        return [_dedupe_vertices(vertices[owner == c], cond[owner == c]) for c in range(count)]
    # One deduplication for all polytopes: the key is the tight pattern plus the owner.
    keys = (vertices == 0.0) @ (1 << np.arange(width, dtype=np.int64)) + (owner << width)
    _, first = np.unique(keys, return_index=True)
    first.sort()
    vertices, cond, owner = vertices[first], cond[first], owner[first]
    return [(vertices[owner == c], cond[owner == c]) for c in range(count)]


def _vertices_by_bfs(C: NDArray[np.float64], tol: float, max_bases: int) -> Vertices:
    """Breadth-first search over feasible bases, one numpy batch per layer."""
    k, d = C.shape
    width = d + k
    M = np.hstack([C, np.eye(k)])
    start = np.zeros((1, width), dtype=bool)
    start[0, d:] = True
    seen: set[bytes] = {np.packbits(start[0]).tobytes()}
    frontier = start
    layers: list[NDArray[np.float64]] = []
    conds: list[NDArray[np.float64]] = []
    while len(frontier):
        count = len(frontier)
        basis = np.nonzero(frontier)[1].reshape(count, k)
        # M[:, basis] has shape (k, count, k); one (k x k) basis matrix per frontier entry.
        try:
            inverse = np.linalg.inv(np.moveaxis(M[:, basis], 1, 0))
        except np.linalg.LinAlgError:
            # Pivots keep bases regular; a singular one means round-off took a wrong turn.
            raise _AmbiguousError from None
        rhs = inverse.sum(axis=2)
        if np.any((np.abs(rhs) > tol) & (np.abs(rhs) < GREY)):
            raise _AmbiguousError
        rhs[rhs < tol] = 0.0  # round-off around degenerate zeros; feasibility is kept by BFS
        z = np.zeros((count, width))
        np.put_along_axis(z, basis, rhs, axis=1)
        layers.append(z)
        conds.append(np.abs(inverse).max(axis=(1, 2)))
        tableau = inverse @ M
        # Entering columns must be nonbasic; a pivot needs a positive entry (ratio test).
        nonbasic = ~frontier[:, None, :]
        magnitude = np.abs(tableau)
        if np.any((magnitude > tol) & (magnitude < GREY) & nonbasic):
            raise _AmbiguousError
        positive = (tableau > tol) & nonbasic
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(positive, rhs[:, :, None] / np.where(positive, tableau, 1.0), np.inf)
        best = ratio.min(axis=1, keepdims=True)
        if np.any(positive & (ratio > best + tol) & (ratio < best + GREY)):
            raise _AmbiguousError
        # Every row tied for the minimum ratio is a valid leaving variable: taking them all is
        # what lets the search walk through the bases of a degenerate vertex.
        which, row, entering = np.nonzero(positive & (ratio <= best + tol))
        if len(which) == 0:
            break
        new = frontier[which].copy()
        new[np.arange(len(which)), basis[which, row]] = False
        new[np.arange(len(which)), entering] = True
        packed = np.packbits(new, axis=1)
        fresh: list[int] = []
        for index, key in enumerate(map(bytes, packed)):
            if key not in seen:
                seen.add(key)
                fresh.append(index)
        if len(seen) > max_bases:
            raise SolverLimitError(
                f"vertex enumeration visited more than {max_bases:,} feasible bases "
                f"(a highly degenerate or large game); not supported for this size"
            )
        frontier = new[fresh]
    return _dedupe_vertices(np.concatenate(layers), np.concatenate(conds))


def _label_bytes(labels: NDArray[np.bool_]) -> NDArray[np.uint8]:
    return np.packbits(labels, axis=1)


def extreme_vertex_pairs(
    A: NDArray[np.float64], B: NDArray[np.float64], tol: float = DEFAULT_TOL
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Completely labelled vertex pairs, unnormalised: ``(VP, VQ)`` with one row per extreme
    equilibrium; ``VP[e] = (x, 1 - B'^T x)`` and ``VQ[e] = (y, 1 - A' y)`` (slacks are exact
    zeros where the corresponding strategy is a best reply)."""
    VP, VQ, _, _ = _pairs(A, B, tol)
    return VP, VQ


def _pairs(
    A: NDArray[np.float64], B: NDArray[np.float64], tol: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """:func:`extreme_vertex_pairs` plus each vertex's conditioning bound."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    m, n = A.shape
    stacked = None
    if m == n and math.comb(m + n, m) <= BRUTE_FORCE_BASES:
        # Square game: both polytopes have the same shape, solve them in one batch.
        with contextlib.suppress(_AmbiguousError):
            stacked = _vertices_by_bases_stacked(
                np.stack([scale_positive(B.T), scale_positive(A)]), tol
            )
    if stacked is not None:
        (vp, cp), (vq, cq) = stacked
    else:
        vp, cp = _vertices_with_condition(B.T, tol, MAX_BASES)  # x (m), column slacks (n)
        vq, cq = _vertices_with_condition(A, tol, MAX_BASES)  # y (n), row slacks (m)
    # Drop the origin: it is the artificial equilibrium of the polytopes.
    nonzero_p = vp[:, :m].sum(axis=1) > 0
    nonzero_q = vq[:, :n].sum(axis=1) > 0
    vp, cp, vq, cq = vp[nonzero_p], cp[nonzero_p], vq[nonzero_q], cq[nonzero_q]
    # Global labels 0..m-1 (rows), m..m+n-1 (columns).
    if m + n <= 62:
        # Labels as integer bit masks: a pair is completely labelled when the OR is all ones.
        weights = 1 << np.arange(m + n, dtype=np.int64)
        kp = (vp == 0.0) @ weights
        kq = (vq[:, n:] == 0.0) @ weights[:m] + (vq[:, :n] == 0.0) @ weights[m:]
        i, j = np.nonzero((kp[:, None] | kq[None, :]) == (1 << (m + n)) - 1)
        return vp[i], vq[j], cp[i], cq[j]
    bp = _label_bytes(vp == 0.0)
    bq = _label_bytes(np.concatenate([vq[:, n:], vq[:, :n]], axis=1) == 0.0)
    full = _label_bytes(np.ones((1, m + n), dtype=bool))[0]
    xs: list[int] = []
    ys: list[int] = []
    chunk = max(1, 4_000_000 // max(1, len(vq) * bp.shape[1]))
    for start in range(0, len(vp), chunk):
        union = bp[start : start + chunk, None, :] | bq[None, :, :]
        i, j = np.nonzero((union == full).all(axis=2))
        xs.extend((i + start).tolist())
        ys.extend(j.tolist())
    return vp[xs], vq[ys], cp[xs], cq[ys]


def polish(
    payoff_t: NDArray[np.float64],
    support: NDArray[np.bool_],
    best: NDArray[np.bool_],
    fallback: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Recompute mixed strategies from their labels on the original payoffs.

    Row ``e`` of ``support`` marks the strategies played at equilibrium ``e`` and row ``e`` of
    ``best`` the opponent's best replies, which must be indifferent:
    ``(payoff_t[j] - payoff_t[j0]) . sigma = 0`` for best replies ``j``, and
    ``sum(sigma) = 1``. Eliminating the value and normalising rows keeps ill-conditioned
    games (payoffs ~1e6, nearly parallel columns) accurate to ~1e-11 where the scaled
    polytope coordinates are only good to ~1e-9. Systems of the same shape are solved in one
    batch (a pseudo-inverse, since degenerate vertices give overdetermined, consistent
    systems). Where the system is inconsistent (payoff differences below the tolerance were
    treated as ties) the row of ``fallback`` (already normalised) is kept instead.
    """
    count, size = support.shape
    result = np.zeros((count, size))
    k_of = support.sum(axis=1)
    r_of = best.sum(axis=1)
    for k, r in {(int(a), int(b)) for a, b in zip(k_of, r_of, strict=True)}:
        rows = np.nonzero((k_of == k) & (r_of == r))[0]
        cols = np.nonzero(support[rows])[1].reshape(len(rows), k)
        replies = np.nonzero(best[rows])[1].reshape(len(rows), r)
        block = payoff_t[replies[:, :, None], cols[:, None, :]]  # (E, r, k)
        system = np.concatenate([np.ones((len(rows), 1, k)), block[:, 1:] - block[:, :1]], 1)
        norms = np.linalg.norm(system, axis=2, keepdims=True)
        norms[norms == 0] = 1.0
        system = system / norms
        rhs = np.zeros((len(rows), r, 1))
        rhs[:, 0, 0] = 1.0 / norms[:, 0, 0]
        try:
            if r != k:
                raise np.linalg.LinAlgError("overdetermined")
            # the nondegenerate case: square and regular, solve directly
            solution = np.linalg.solve(system, rhs)[:, :, 0]
        except np.linalg.LinAlgError:
            solution = (np.linalg.pinv(system) @ rhs)[:, :, 0]
        residual = np.abs(system @ solution[:, :, None] - rhs).max(axis=(1, 2))
        if fallback is not None and np.any(residual > 1e-9):
            bad = residual > 1e-9
            result[rows[bad]] = fallback[rows[bad]]
            rows, cols, solution = rows[~bad], cols[~bad], solution[~bad]
        result[rows[:, None], cols] = solution
    return result


def extreme_equilibria(
    A: NDArray[np.float64], B: NDArray[np.float64], tol: float = DEFAULT_TOL
) -> list[MixedProfile]:
    """All extreme Nash equilibria of the bimatrix game ``(A, B)`` as float probability
    vectors, sorted lexicographically (row player's strategy first)."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    m, n = A.shape
    VP, VQ, cp, cq = _pairs(A, B, tol)
    X = VP[:, :m] / VP[:, :m].sum(axis=1, keepdims=True)
    Y = VQ[:, :n] / VQ[:, :n].sum(axis=1, keepdims=True)
    # Coordinates carry about (max |basis inverse|) x 1e-16 of round-off; only vertices from
    # ill-conditioned bases are worth recomputing on the original payoffs.
    rough = cp > COND_LIMIT
    if rough.any():
        X[rough] = polish(B.T, VP[rough, :m] > 0, VP[rough, m:] == 0, X[rough])
    rough = cq > COND_LIMIT
    if rough.any():
        Y[rough] = polish(A, VQ[rough, :n] > 0, VQ[rough, n:] == 0, Y[rough])
    pairs = sorted(zip(X.tolist(), Y.tolist(), strict=True))
    return [(np.array(x), np.array(y)) for x, y in pairs]


# ----------------------------------------------------------------------------- exact


def solve_exact(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """The unique solution of a consistent linear system over the rationals, else ``None``.

    Gauss–Jordan elimination with exact fractions; overdetermined consistent systems (which
    degenerate vertices produce) are accepted.
    """
    n_vars = len(rows[0]) if rows else 0
    matrix = [[*r, b] for r, b in zip(rows, rhs, strict=True)]
    pivot_row = 0
    pivots: list[int] = []
    for col in range(n_vars):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            return None  # not determined: the labels do not pin down a vertex
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        pivot = matrix[pivot_row][col]
        matrix[pivot_row] = [v / pivot for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivots.append(col)
        pivot_row += 1
    if any(matrix[r][-1] != 0 for r in range(pivot_row, len(matrix))):
        return None
    return [matrix[r][-1] for r in range(n_vars)]


def _exact_strategy(
    payoff_t: NDArray[Any], support: list[int], best: list[int]
) -> tuple[Fraction, ...] | None:
    """Mixed strategy with the given support making every column in ``best`` indifferent.

    ``payoff_t[j][i]`` is the opponent's payoff for her strategy ``j`` against our ``i``.
    Unknowns: the probabilities on ``support`` and the opponent's value ``v``.
    """
    rows = [[Fraction(1)] * len(support) + [Fraction(0)]]
    rhs = [Fraction(1)]
    for j in best:
        rows.append([payoff_t[j][i] for i in support] + [Fraction(-1)])
        rhs.append(Fraction(0))
    solution = solve_exact(rows, rhs)
    if solution is None:
        return None
    size = len(payoff_t[0])
    sigma = [Fraction(0)] * size
    for i, p in zip(support, solution, strict=False):
        sigma[i] = p
    return tuple(sigma)


def is_equilibrium_exact(
    A: NDArray[Any], B: NDArray[Any], x: tuple[Fraction, ...], y: tuple[Fraction, ...]
) -> bool:
    """Exact test that ``(x, y)`` is a Nash equilibrium of ``(A, B)`` (Fraction arrays)."""
    m, n = len(x), len(y)
    if any(p < 0 for p in x + y) or sum(x) != 1 or sum(y) != 1:
        return False
    row_values = [sum((A[i][j] * y[j] for j in range(n)), Fraction(0)) for i in range(m)]
    col_values = [sum((B[i][j] * x[i] for i in range(m)), Fraction(0)) for j in range(n)]
    best_row, best_col = max(row_values), max(col_values)
    return all(row_values[i] == best_row for i in range(m) if x[i] > 0) and all(
        col_values[j] == best_col for j in range(n) if y[j] > 0
    )


def extreme_equilibria_exact(
    A_exact: NDArray[Any], B_exact: NDArray[Any], tol: float = DEFAULT_TOL
) -> list[ExactProfile]:
    """Extreme equilibria as exact fractions (payoffs given as Fraction object arrays).

    The vertices are found in floating point; each equilibrium is then recomputed exactly from
    its supports and best-reply sets (its labels) and verified exactly. If that fails, a
    tolerance decision was wrong and :class:`SolverLimitError` is raised.
    """
    m, n = A_exact.shape
    A = np.array([[float(v) for v in r] for r in A_exact])
    B = np.array([[float(v) for v in r] for r in B_exact])
    VP, VQ = extreme_vertex_pairs(A, B, tol)
    B_t = np.array([[B_exact[i][j] for i in range(m)] for j in range(n)], dtype=object)
    results: set[ExactProfile] = set()
    for vp, vq in zip(VP, VQ, strict=True):
        support_x = [i for i in range(m) if vp[i] > 0]
        best_cols = [j for j in range(n) if vp[m + j] == 0]
        support_y = [j for j in range(n) if vq[j] > 0]
        best_rows = [i for i in range(m) if vq[n + i] == 0]
        xe = _exact_strategy(B_t, support_x, best_cols)
        ye = _exact_strategy(A_exact, support_y, best_rows)
        if xe is None or ye is None or not is_equilibrium_exact(A_exact, B_exact, xe, ye):
            raise SolverLimitError(
                "could not confirm an extreme equilibrium exactly (a floating-point tolerance "
                "decision failed); use rational=False for the float answer"
            )
        results.add((xe, ye))
    return sorted(results)
