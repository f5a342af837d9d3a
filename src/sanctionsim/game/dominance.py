"""Dominance between pure strategies, iterated elimination, and Pareto optimality.

Definitions follow Osborne & Rubinstein 1994, *A Course in Game Theory*, §4.2 (iterated
elimination of strictly dominated actions) and Fudenberg & Tirole 1991, *Game Theory*, §2.1.
Strategy ``t`` of player ``i`` *strictly* dominates ``s`` when it pays strictly more against
every profile of the others; *weakly* when it pays at least as much everywhere and strictly
more somewhere. Only domination by pure strategies is tested (domination by mixed strategies
needs a linear program; it is available through :func:`dominated_by_mixed` when SciPy is
installed, which is not a core dependency).

Iterated elimination of strictly dominated strategies keeps every Nash equilibrium and its
result does not depend on the order of elimination; iterated *weak* elimination can remove
equilibria and depends on the order (here: all weakly dominated strategies of all players at
once, each round).

>>> import numpy as np
>>> pd = np.zeros((2, 2, 2))
>>> pd[..., 0] = [[3, 0], [5, 1]]; pd[..., 1] = [[3, 5], [0, 1]]
>>> dominated_strategies(pd, player=0)
[0]
>>> iterated_elimination(pd)
[[1], [1]]
>>> pareto_optimal(pd)
[(0, 0), (0, 1), (1, 0)]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Profile = tuple[int, ...]


def _by_strategy(payoffs: NDArray[np.float64], player: int) -> NDArray[np.float64]:
    """Player's payoffs as (own strategies, opponent profiles)."""
    u = np.moveaxis(payoffs[..., player], player, 0)
    return u.reshape(u.shape[0], -1)


def dominant_strategy(
    payoffs: NDArray[np.float64], player: int, *, tol: float = 0.0
) -> tuple[int, bool] | None:
    """``player``'s dominant pure strategy and whether strictly, or ``None``.

    Strict: better than every other strategy against every profile of the others; weak: never
    worse and better against some (Osborne & Rubinstein 1994, def. 18.1). Differences within
    ``tol`` count as ties; a strict one is preferred to a weak one. Any number of players: the
    one dominance test of the 2x2 topology and the n-member coalition game.

    >>> pd = np.array([[[3, 3], [0, 5]], [[5, 0], [1, 1]]], dtype=float)
    >>> dominant_strategy(pd, 0)
    (1, True)
    """
    u = _by_strategy(np.asarray(payoffs, dtype=np.float64), player)
    diff = u[:, None, :] - u[None, :, :]  # diff[t, s, r] = u[t, r] - u[s, r]
    others = ~np.eye(len(u), dtype=np.bool_)
    for strict in (True, False):
        for action in range(len(u)):
            d = diff[action][others[action]]
            if strict and np.all(d > tol):
                return action, True
            if not strict and np.all(d >= -tol) and np.all(np.any(d > tol, axis=1)):
                return action, False
    return None


def dominated_strategies(
    payoffs: NDArray[np.float64], player: int, strict: bool = True
) -> list[int]:
    """Strategies of ``player`` dominated by another pure strategy (strictly or weakly)."""
    u = _by_strategy(np.asarray(payoffs, dtype=np.float64), player)
    # diff[t, s, r] = u[t, r] - u[s, r]: does t beat s against opponent profile r?
    diff = u[:, None, :] - u[None, :, :]
    if strict:
        dominates = (diff > 0).all(axis=2)
    else:
        dominates = (diff >= 0).all(axis=2) & (diff > 0).any(axis=2)
    return [int(s) for s in np.nonzero(dominates.any(axis=0))[0]]


def iterated_elimination(payoffs: NDArray[np.float64], strict: bool = True) -> list[list[int]]:
    """Surviving strategy indices of every player after iterated elimination of dominated
    pure strategies (all players at once each round, until nothing changes)."""
    payoffs = np.asarray(payoffs, dtype=np.float64)
    n = payoffs.shape[-1]
    alive = [list(range(k)) for k in payoffs.shape[:-1]]
    while True:
        sub = payoffs[np.ix_(*alive, range(n))]
        removed = False
        for i in range(n):
            if len(alive[i]) == 1:
                continue
            drop = dominated_strategies(sub, i, strict)
            if drop:
                alive[i] = [s for k, s in enumerate(alive[i]) if k not in drop]
                removed = True
        if not removed:
            return alive


def pareto_optimal(payoffs: NDArray[np.float64]) -> list[Profile]:
    """Pure profiles whose payoff vector no other pure profile Pareto-dominates (at least as
    good for everyone, strictly better for someone), sorted."""
    payoffs = np.asarray(payoffs, dtype=np.float64)
    shape = payoffs.shape[:-1]
    flat = payoffs.reshape(-1, payoffs.shape[-1])
    keep = np.ones(len(flat), dtype=bool)
    # Block over candidates so memory stays O(block x profiles).
    block = max(1, 2_000_000 // max(1, flat.size))
    for start in range(0, len(flat), block):
        cand = flat[start : start + block]
        weakly = (flat[None, :, :] >= cand[:, None, :]).all(axis=2)
        strictly = (flat[None, :, :] > cand[:, None, :]).any(axis=2)
        keep[start : start + block] = ~np.any(weakly & strictly, axis=1)
    return [tuple(int(k) for k in np.unravel_index(idx, shape)) for idx in np.nonzero(keep)[0]]


def dominated_by_mixed(payoffs: NDArray[np.float64], player: int) -> list[int]:
    """Strategies of ``player`` strictly dominated by some *mixed* strategy (needs SciPy).

    For each ``s`` solve ``max eps`` s.t. ``sum_t p_t u[t, r] >= u[s, r] + eps`` for all
    opponent profiles ``r``, ``p`` in the simplex; ``s`` is dominated when ``eps > 0``
    (Fudenberg & Tirole 1991, §2.1; a standard linear program).
    """
    try:
        from scipy.optimize import linprog
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("dominated_by_mixed needs SciPy (pip install scipy)") from exc
    u = _by_strategy(np.asarray(payoffs, dtype=np.float64), player)
    k, r = u.shape
    dominated: list[int] = []
    for s in range(k):
        # variables: p (k), eps; minimise -eps
        cost = np.zeros(k + 1)
        cost[-1] = -1.0
        a_ub = np.hstack([-u.T, np.ones((r, 1))])
        b_ub = -u[s]
        a_eq = np.hstack([np.ones((1, k)), np.zeros((1, 1))])
        bounds = [(0.0, 1.0)] * k + [(None, None)]
        res = linprog(
            cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs"
        )
        if res.status == 0 and -res.fun > 1e-9:
            dominated.append(s)
    return dominated
