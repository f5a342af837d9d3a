"""Mixed Nash equilibria of n-player games, restricted to what can be done exactly.

Equilibria of games with three or more players solve systems of polynomial equations
(McKelvey & McLennan 1996, "Computation of equilibria in finite games", *Handbook of
Computational Economics* 1, ch. 2). Rather than return a partial answer, this solver handles
the cases that reduce to linear algebra and refuses the rest:

1. iterated elimination of strictly dominated pure strategies keeps every equilibrium
   (Osborne & Rubinstein 1994, §4.2), so the game is reduced first;
2. if at most two players still have more than one strategy, the others' strategies are
   fixed and the remaining (at most) two-player game is solved completely: its extreme
   equilibria by vertex enumeration (:mod:`sanctionsim.game.extreme`), or the pure best
   replies of the single remaining player;
3. otherwise :class:`~sanctionsim.errors.SolverLimitError` is raised ("not supported for this
   size"): the full polynomial system is out of scope (use Gambit's ``enumpoly``).

>>> import numpy as np
>>> payoffs = np.zeros((2, 2, 2, 3))
>>> payoffs[..., 2] = [[[1, 0], [1, 0]], [[1, 0], [1, 0]]]   # player 3: strategy 0 dominates
>>> payoffs[0, 0, :, :2] = 1; payoffs[1, 1, :, :2] = 1       # players 1, 2 coordinate
>>> for eq in mixed_equilibria(payoffs):
...     print([p.tolist() for p in eq])
[[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
[[0.5, 0.5], [0.5, 0.5], [1.0, 0.0]]
[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sanctionsim.errors import SolverLimitError
from sanctionsim.game.dominance import iterated_elimination
from sanctionsim.game.extreme import extreme_equilibria

MixedProfile = tuple[NDArray[np.float64], ...]


def _embed(
    shape: tuple[int, ...], alive: list[list[int]], reduced: list[NDArray[np.float64]]
) -> MixedProfile:
    full = []
    for i, k in enumerate(shape):
        sigma = np.zeros(k)
        sigma[alive[i]] = reduced[i]
        full.append(sigma)
    return tuple(full)


def mixed_equilibria(payoffs: NDArray[np.float64]) -> list[MixedProfile]:
    """Extreme Nash equilibria of an n-player game when it reduces to at most two players
    with alternatives; raises :class:`SolverLimitError` otherwise."""
    payoffs = np.asarray(payoffs, dtype=np.float64)
    n = payoffs.shape[-1]
    shape = tuple(int(k) for k in payoffs.shape[:-1])
    if n == 2:
        return extreme_equilibria(payoffs[..., 0], payoffs[..., 1])
    alive = iterated_elimination(payoffs, strict=True)
    reduced = payoffs[np.ix_(*alive, range(n))]
    active = [i for i in range(n) if len(alive[i]) > 1]
    ones = [np.ones(1) for _ in range(n)]
    if len(active) == 0:
        return [_embed(shape, alive, ones)]
    # Drop the axes of players with a single surviving strategy.
    squeezed = reduced.reshape([len(alive[i]) for i in active] + [n])
    if len(active) == 1:
        (i,) = active
        u = squeezed[:, i]
        results = []
        for s in np.nonzero(u == u.max())[0]:
            strategies = list(ones)
            strategies[i] = np.eye(len(alive[i]))[s]
            results.append(_embed(shape, alive, strategies))
        return results
    if len(active) == 2:
        i, j = active
        results = []
        for x, y in extreme_equilibria(squeezed[..., i], squeezed[..., j]):
            strategies = list(ones)
            strategies[i], strategies[j] = x, y
            results.append(_embed(shape, alive, strategies))
        return results
    raise SolverLimitError(
        f"mixed equilibria of a {n}-player game where {len(active)} players keep undominated "
        f"alternatives need a polynomial-system solver: not supported for this size "
        f"(pure equilibria are always available)"
    )
