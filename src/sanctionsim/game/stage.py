"""Stage games of one member: the 2x2 prisoner's-dilemma payoffs and the incentive gap T − R.

A member's game is its row payoffs ``[[R, S], [T, P]]`` indexed by ``[own action, the others'
action]`` with :class:`~sanctionsim.actions.Action` (``HOLD = 0``: cooperate, ``EASE = 1``:
defect). :func:`incentive_gap` (``T − R``) is the one definition of what a member gains by easing
while the rest hold, read by the topology, the stabilising levers, the coalition analysis and the
strategies (Axelrod 1984; formal-models A5, A6).

>>> incentive_gap([[3.0, 0.0], [5.0, 1.0]])
2.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from sanctionsim.actions import Action

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


def incentive_gap(member_game: ArrayLike) -> float:
    """``T − R``: a member's gain from easing while the rest hold (negative: it holds).

    ``member_game`` is the member's row payoffs ``[[R, S], [T, P]]``, or a ``(2, 2, 2)`` bimatrix
    game whose row player is the member.
    """
    array = np.asarray(member_game, dtype=np.float64)
    row = array[:, :, 0] if array.ndim == 3 else array
    return float(row[Action.EASE, Action.HOLD] - row[Action.HOLD, Action.HOLD])


@dataclass(frozen=True)
class PDPayoffs:
    """Payoffs of the two-action stage game, named as in the prisoner's dilemma.

    ``R`` (reward) when both hold, ``P`` (punishment) when both ease, ``S`` (sucker) to the one
    who holds while the other eases, ``T`` (temptation) to the one who eases while the other
    holds. The defaults are Axelrod's (1984) tournament values, also ``axelrod.Game()``'s.

    >>> PDPayoffs().payoff(own_holds=True, other_holds=False)
    0.0
    """

    R: float = 3.0
    P: float = 1.0
    S: float = 0.0
    T: float = 5.0

    def __post_init__(self) -> None:
        for name in ("R", "P", "S", "T"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ValueError(f"payoff {name} must be a finite number, got {value!r}")
            # Stored as float so that totals and JSON are float whatever the caller passed.
            object.__setattr__(self, name, float(value))

    def payoff(self, own_holds: bool, other_holds: bool) -> float:
        """The payoff to a player who held or eased, given what the other side did."""
        return float(self.realised(np.array(own_holds), np.array(other_holds)))

    def matrix(self) -> FloatArray:
        """The row player's payoffs by ``[own action, other's action]``: ``[[R, S], [T, P]]``.

        Indexed by :class:`~sanctionsim.actions.Action` (``HOLD = 0``, ``EASE = 1``), the layout of
        a member's game in :mod:`sanctionsim.game.stabilise`.
        """
        return np.array([[self.R, self.S], [self.T, self.P]], dtype=np.float64)

    def realised(self, own_holds: BoolArray, other_holds: BoolArray) -> FloatArray:
        """Payoffs of whole arrays of outcomes in one indexing step (``True`` = holds)."""
        own = np.where(own_holds, Action.HOLD, Action.EASE)
        other = np.where(other_holds, Action.HOLD, Action.EASE)
        result: FloatArray = self.matrix()[own, other]
        return result

    @property
    def incentive_gap(self) -> float:
        """``T − R``: the gain from easing while the other holds (:func:`incentive_gap`)."""
        return incentive_gap(self.matrix())
