"""Model v2g's carve-out: which of a member's measures it would ease alone (docs/model-v2.md,
"v2g", G1).

Of the library's 29 scored easings, 23 eased part of a sender's measures (a licence, a waiver, a
sector), so a v2g member may ease one measure rather than all. Which one is read off the
analyst's own numbers for each measure, drawn in every run: the measure whose share of the
member's own cost most exceeds its share of the pressure the member can give up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[np.float64]


def carve_out(removed: Array, saved: Array) -> tuple[Array, Array]:
    """A member's carve-out in each run (docs/model-v2.md, "v2g", G1): ``(φ, c_m*)`` from each of
    its easable measures' pressure removed d_m and own cost saved c_m, shape ``(runs, K)``.

    m* maximises c_m/c_i − d_m/d_i over the measures with d_m > 0 (ties: the first); a run with
    fewer than two such measures has none (φ = 0, c = 0).

    >>> removed = np.array([[0.1, 0.02, 0.0], [0.1, 0.0, 0.0]])
    >>> saved = np.array([[1.0, 1.0, 5.0], [1.0, 1.0, 0.0]])
    >>> share, cost = carve_out(removed, saved)
    >>> [round(float(x), 4) for x in share], cost.tolist()  # the second run has one measure
    ([0.1667, 0.0], [1.0, 0.0])
    """
    total_removed = removed.sum(axis=1, keepdims=True)
    total_saved = saved.sum(axis=1, keepdims=True)
    live = removed > 0
    cost_share = np.divide(saved, total_saved, out=np.zeros_like(saved), where=total_saved > 0)
    pressure_share = np.divide(
        removed, total_removed, out=np.zeros_like(removed), where=total_removed > 0
    )
    score = np.where(live, cost_share - pressure_share, -np.inf)
    chosen = np.argmax(score, axis=1)
    rows = np.arange(removed.shape[0])
    available = live.sum(axis=1) >= 2
    share: Array = np.where(available, pressure_share[rows, chosen], 0.0)
    cost: Array = np.where(available, saved[rows, chosen], 0.0)
    return share, cost
