"""All pure-strategy Nash equilibria of an n-player game, vectorised with numpy.

A pure profile is a Nash equilibrium when every player's strategy is a best response to the
others' (Nash 1951; Osborne & Rubinstein 1994, def. 14.1). For player ``i`` the best-response
payoff against every opponent profile is the maximum of ``u_i`` along axis ``i``; a profile is
an equilibrium when, for every ``i``, its payoff reaches that maximum. This is the same test as
Gambit's ``enumpure``, done for all profiles at once: a 20-player, 2-action game
(about a million profiles) takes well under a second.

Ties: exact ties are best responses. With ``tol=0`` (the default) the comparison is exact on
the float64 payoffs, which is exact for integer payoffs and for rationals whose floats are
distinct; ``tol > 0`` accepts a strategy within ``tol`` of the best reply (for payoffs computed
in floating point). :meth:`Game.pure_equilibria` re-checks the candidates with exact fractions
when the game carries them.

>>> import numpy as np
>>> coordination = np.zeros((2, 2, 2))
>>> coordination[0, 0] = coordination[1, 1] = 1
>>> pure_equilibria(coordination)
[(0, 0), (1, 1)]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

Profile = tuple[int, ...]


def best_response_mask(payoffs: NDArray[np.float64], tol: float = 0.0) -> NDArray[np.bool_]:
    """Boolean array of shape ``shape``: True where every player is best-responding."""
    n = payoffs.shape[-1]
    mask: NDArray[np.bool_] | None = None
    for i in range(n):
        # A contiguous copy of one player's payoffs: the reductions below then stream through
        # memory instead of striding over the other players' payoffs (5-10x faster for 20 players).
        u = np.ascontiguousarray(payoffs[..., i])
        # max along the player's own axis is her best-response value for each opponent profile
        best = u.max(axis=i, keepdims=True)
        ok = u >= best - tol if tol > 0 else u >= best
        mask = ok if mask is None else np.logical_and(mask, ok, out=mask)
    assert mask is not None
    return mask


def pure_equilibria(payoffs: NDArray[np.float64], tol: float = 0.0) -> list[Profile]:
    """All pure Nash equilibria, as sorted 0-based strategy-index tuples.

    ``payoffs`` has shape ``(*shape, n_players)``. ``tol`` is the tolerance for float ties
    (0 means exact comparison).
    """
    if tol < 0:
        raise ValueError("tol must be >= 0")
    mask = best_response_mask(np.asarray(payoffs, dtype=np.float64), tol)
    # argwhere walks the array in C order, so the profiles come out lexicographically sorted.
    # (tolist() builds Python ints in C, much faster than converting entry by entry)
    return list(map(tuple, np.argwhere(mask).tolist()))


def is_pure_equilibrium_exact(exact: NDArray[Any], profile: Profile) -> bool:
    """Exact check (Fractions, shape ``(*shape, n)``) that ``profile`` is a Nash equilibrium."""
    n = exact.shape[-1]
    for i in range(n):
        here: Fraction = exact[(*profile, i)]
        for alt in range(exact.shape[i]):
            deviation = list(profile)
            deviation[i] = alt
            if exact[(*deviation, i)] > here:
                return False
    return True
