"""The two actions of a coalition member, shared by the game, the dynamics and the coalition model.

A member **holds** its measures (keeps the sanctions: cooperates, ``C``) or **eases** them
(defects from the coalition, ``D``). As array indices, ``HOLD = 0`` and ``EASE = 1`` everywhere:
in a payoff tensor's action axes (``game/``), in the engine's action arrays (``dynamics/``) and in
a member's 2x2 game ``[[R, S], [T, P]]`` (row: own action, column: the others').

>>> int(Action.HOLD), int(Action.EASE), Action.EASE.label
(0, 1, 'ease')
"""

from __future__ import annotations

from enum import IntEnum


class Action(IntEnum):
    """Hold (0) or ease (1): usable wherever an action index is."""

    HOLD = 0
    EASE = 1

    @property
    def label(self) -> str:
        """``"hold"`` or ``"ease"``: the word the JSON documents use."""
        return self.name.lower()
