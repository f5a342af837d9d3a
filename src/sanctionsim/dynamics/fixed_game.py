"""The engine's proof: its rules and random streams on a two-member game with fixed payoffs.

With two members, no target, fixed payoffs ``(R, S, T, P)`` and perfect observation (detection
1, no false alarms, no sharing), a month of the engine is a turn of the iterated prisoner's
dilemma. :func:`play_fixed_game` plays it with the engine's :class:`~.rules.Classic` rules, its
month-by-month uniforms (:class:`~.streams.Uniforms`, laid out as the coalition kernel's) and its
block streams, so that its scores are exactly those of ``axelrod.Match`` for deterministic
strategies (``domain/MODEL.md`` §4, "the engine's proof"; the tests check every pairing).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sanctionsim.dynamics.kernel import EASED_BELOW
from sanctionsim.dynamics.plan import block_sizes
from sanctionsim.dynamics.rules import HOLD, ActionArray, Classic, Rule, View
from sanctionsim.dynamics.setup import Layout
from sanctionsim.dynamics.strategies import STRATEGIES
from sanctionsim.dynamics.streams import ColumnSource, Uniforms, block_stream
from sanctionsim.errors import InputError
from sanctionsim.game.stage import PDPayoffs

FloatArray = npt.NDArray[np.float64]


class FixedGameKernel:
    """One turn of a two-member game with fixed payoffs, for every run: no target, no beliefs."""

    def __init__(self, rules: Sequence[Rule], uniforms: Uniforms, game: PDPayoffs) -> None:
        self.rules = list(rules)
        self.uniforms = uniforms
        self.game = game
        self.frac = np.ones((rules[0].runs, 2))
        self.none = np.zeros(rules[0].runs, dtype=np.bool_)

    def first(self) -> None:
        """Turn 0: both members' first moves."""
        self.uniforms.draw()
        self.apply([rule.first() for rule in self.rules])

    def month(self) -> FloatArray:
        """Play one turn; return both members' payoffs ``(runs, 2)``."""
        self.uniforms.draw()
        holds = self.frac >= EASED_BELOW
        payoff = self.game.realised(holds, holds[:, ::-1])
        actions = [
            rule.next(
                View(
                    member=i,
                    own_held=holds[:, i],
                    seen_holding=holds,  # perfect observation
                    payoff=payoff[:, i],
                    belief=np.zeros(len(holds)),
                    delivered=self.none,
                    reneged=self.none,
                )
            )
            for i, rule in enumerate(self.rules)
        ]
        self.apply(actions)
        return payoff

    def apply(self, actions: Sequence[ActionArray]) -> None:
        """Hold fractions from actions: 1 for hold, 0 for ease."""
        for i, action in enumerate(actions):
            self.frac[:, i] = np.where(action == HOLD, 1.0, 0.0)


def play_fixed_game(
    a: str,
    b: str,
    *,
    turns: int,
    game: PDPayoffs | None = None,
    runs: int = 1,
    seed: int = 0,
) -> tuple[FloatArray, FloatArray]:
    """Two members, no target, fixed payoffs: the engine's rules as an iterated PD.

    Perfect observation (detection 1, no false alarms), no sharing, no leader. Returns each
    side's total payoff per run. For deterministic strategies these are exactly the scores of
    ``axelrod.Match`` (MODEL §4, "the engine's proof"); the tests check every pairing.

    >>> play_fixed_game("TitForTat", "Alternator", turns=4)[0].tolist()
    [8.0]
    """
    game = game or PDPayoffs()
    names = (a, b)
    for name in names:
        if name not in STRATEGIES:
            raise InputError.single("strategy", f"unknown strategy {name!r}")
    stochastic = tuple(i for i, s in enumerate(names) if STRATEGIES[s].metadata.stochastic)
    layout = Layout(2, 0, stochastic)
    sizes = block_sizes(runs)
    uniforms = Uniforms([block_stream(seed, k) for k in range(len(sizes))], sizes, layout.width)
    rules: list[Rule] = []
    for i, name in enumerate(names):
        cls = STRATEGIES[name]
        rng = None
        if cls.metadata.stochastic:
            rng = ColumnSource(uniforms, layout.classic(i)).as_generator()
        rules.append(Classic(runs, i, cls(runs, rng, game)))
    kernel = FixedGameKernel(rules, uniforms, game)
    totals = np.zeros((runs, 2))
    kernel.first()
    for _ in range(turns):
        totals += kernel.month()
    return totals[:, 0], totals[:, 1]
