"""Repeated-game strategies, vectorised over independent runs.

In every period each coalition member either *holds* its measures (cooperates, ``C``) or *eases*
them (defects, ``D``). A strategy object plays one rule in ``n_runs`` independent runs at once and
keeps its per-run state in numpy arrays, so that the Monte Carlo engine and the tournament call
it once per period, not once per run.

The protocol, for one game (one match, one simulated history) in every run:

* ``Strategy(n_runs, rng=None, game=None)`` builds the player. ``rng`` is the only source of
  randomness (stochastic strategies refuse to be built without one); ``game`` holds the
  stage-game payoffs, read by the strategies whose metadata say ``uses_game``.
* ``first()`` starts a new game in every run (it resets all per-run state) and returns the first
  moves: a boolean array of shape ``(n_runs,)``, ``True`` meaning hold / cooperate.
* ``next(own_last, observed_other_last, own_payoff_last=None)`` returns the following moves from
  what happened in the last period, per run: the player's own last move, the *observed* last move
  of the other side, and, for strategies that learn from payoffs, the player's last payoff. In the
  two-player game the observation is the opponent's move; in an n-member coalition the engine
  passes whether the rest of the coalition was observed holding. Strategies never see an opponent
  object, only observations, which is what makes them usable in both settings.

Arrays passed to ``next`` are read, never modified, and may be views; arrays returned may be
read-only and must be copied before being written to.

The rules follow ``axelrod`` 4.13.1's strategies of the same names exactly (the test suite checks
every deterministic pairing against ``axelrod.Match`` scores). The class names are axelrod's
class names; ``label`` is axelrod's display name.

>>> import numpy as np
>>> tft = TitForTat(n_runs=3)
>>> tft.first()
array([ True,  True,  True])
>>> tft.next(np.array([True, True, True]), np.array([True, False, True]))
array([ True, False,  True])
>>> sorted(strategy_names(stochastic=True))
['GTFT', 'Random']
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from sanctionsim.errors import InputError
from sanctionsim.game.stage import PDPayoffs

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class StrategyMetadata:
    """What a strategy needs and does, for filtering sets and choosing fast paths.

    The typed counterpart of axelrod's ``classifier`` dictionary.

    Attributes:
        memory_depth: how many past periods the rule reads (``math.inf``: unbounded history).
        stochastic: whether moves are drawn from the ``rng`` (deterministic strategies make every
            run of a pairing identical, so engines may play one run and copy it).
        uses_game: whether the rule is computed from the stage-game payoffs at construction.
        uses_payoffs: whether ``next`` reads the realised ``own_payoff_last``.
    """

    memory_depth: float
    stochastic: bool
    uses_game: bool = False
    uses_payoffs: bool = False


class Strategy(ABC):
    """Base class: one rule played in ``n_runs`` independent runs.

    The protocol (see the module docstring) lives here once; a subclass states only what is its
    own, as an axelrod strategy does:

    * ``metadata``, and ``label`` (axelrod's display name) where it differs from the class name,
      which is the registry key ``name``;
    * ``opening``, its first move in every run (hold unless it says otherwise);
    * ``_respond``, its rule: the next moves from the last period's own move, observation and
      payoff, per run;
    * ``_reset``, if it has memory: create (or clear) its per-run state, which ``first`` calls.

    A rule whose first move is not a constant (a random one, a shared array) overrides ``first``.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    metadata: ClassVar[StrategyMetadata]
    opening: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = cls.__name__
        if "label" not in vars(cls):
            cls.label = cls.name

    def __init__(
        self,
        n_runs: int,
        rng: np.random.Generator | None = None,
        game: PDPayoffs | None = None,
    ) -> None:
        if n_runs < 1:
            raise ValueError(f"n_runs must be at least 1, got {n_runs}")
        if self.metadata.stochastic and rng is None:
            raise ValueError(
                f"{self.name} is stochastic: pass an explicit numpy.random.Generator as rng"
            )
        self.n_runs = n_runs
        self.rng = rng
        self.game = game if game is not None else PDPayoffs()
        self._reset()

    def _reset(self) -> None:  # noqa: B027 - a hook: only rules with memory have state
        """Create (or clear) the per-run state; rules with memory override it."""

    def first(self) -> BoolArray:
        """Start a new game in every run (clear the per-run state); return the first moves
        (``True`` = hold): the ``opening`` move in every run."""
        self._reset()
        return np.full(self.n_runs, self.opening, dtype=np.bool_)

    def next(
        self,
        own_last: BoolArray,
        observed_other_last: BoolArray,
        own_payoff_last: FloatArray | None = None,
    ) -> BoolArray:
        """Return the next moves, per run, from the last period's own move and observation."""
        return self._respond(own_last, observed_other_last, own_payoff_last)

    @abstractmethod
    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        """The rule: ``next``'s moves from its arguments, in the same order."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_runs={self.n_runs})"

    def _probability(self, what: str, value: float) -> float:
        """``value``, checked to be a probability (the parameter ``what`` of this strategy)."""
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{self.name}'s {what} must lie in [0, 1], got {value}")
        return value

    def _draw(self, p_hold: float) -> BoolArray:
        """Hold with probability ``p_hold`` in each run, independently.

        Like axelrod's ``random_choice``, no number is drawn when ``p_hold`` is 0 or 1, so a
        degenerate rule consumes no randomness. ``random() < p`` is axelrod's comparison too.
        """
        if p_hold <= 0.0:
            return np.zeros(self.n_runs, dtype=np.bool_)
        if p_hold >= 1.0:
            return np.ones(self.n_runs, dtype=np.bool_)
        assert self.rng is not None  # guaranteed by __init__ for stochastic strategies
        moves: BoolArray = self.rng.random(self.n_runs) < p_hold
        return moves


class _Constant(Strategy):
    """A rule that ignores the past: its ``opening`` move in every run and period."""

    def _reset(self) -> None:
        # One shared read-only array: constant rules allocate nothing per period.
        self._moves = np.full(self.n_runs, self.opening, dtype=np.bool_)
        self._moves.flags.writeable = False

    def first(self) -> BoolArray:
        """The constant move in every run."""
        return self._moves

    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        return self._moves


class Cooperator(_Constant):
    """Always holds (ALLC). Axelrod (1984), *The Evolution of Cooperation*."""

    metadata = StrategyMetadata(memory_depth=0, stochastic=False)


class Defector(_Constant):
    """Always eases (ALLD). Axelrod (1984), *The Evolution of Cooperation*."""

    metadata = StrategyMetadata(memory_depth=0, stochastic=False)
    opening = False


class TitForTat(Strategy):
    """Hold first, then copy the other side's last observed move.

    Rapoport's entry, winner of Axelrod's first tournament: Axelrod (1980), "Effective choice in
    the prisoner's dilemma", *J. Conflict Resolution* 24(1).
    """

    label = "Tit For Tat"
    metadata = StrategyMetadata(memory_depth=1, stochastic=False)

    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        """Do what the other side was observed doing."""
        return other.copy()


class Grudger(Strategy):
    """Hold until the other side is first observed easing, then ease for ever (grim trigger).

    Friedman's entry in Axelrod's first tournament: Axelrod (1980); Friedman (1971), "A
    non-cooperative equilibrium for supergames", *Review of Economic Studies* 38(1).
    """

    metadata = StrategyMetadata(memory_depth=math.inf, stochastic=False)

    def _reset(self) -> None:
        self._grudge = np.zeros(self.n_runs, dtype=np.bool_)

    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        """Hold only in the runs where the other side has never been observed easing."""
        self._grudge |= ~other
        return ~self._grudge


class TitFor2Tats(Strategy):
    """Hold unless the other side was observed easing in each of the last two periods.

    John Maynard Smith's entry in Axelrod's second tournament: Axelrod (1980b), "More effective
    choice in the prisoner's dilemma", *J. Conflict Resolution* 24(3); Axelrod (1984).
    """

    label = "Tit For 2 Tats"
    metadata = StrategyMetadata(memory_depth=2, stochastic=False)

    def _reset(self) -> None:
        self._other_eased_before = np.zeros(self.n_runs, dtype=np.bool_)

    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        """Ease only where the other side eased in the last two periods."""
        eased_now = ~other
        retaliate = eased_now & self._other_eased_before
        self._other_eased_before = eased_now
        return ~retaliate


class SuspiciousTitForTat(TitForTat):
    """Ease first, then copy the other side's last observed move (Mistrust).

    Beaufils, Delahaye & Mathieu (1997), "Our meeting with gradual", *Artificial Life V*; Hilbe,
    Nowak & Sigmund (2013), *PNAS* 110(17).
    """

    label = "Suspicious Tit For Tat"
    metadata = StrategyMetadata(memory_depth=1, stochastic=False)
    opening = False


class WinStayLoseShift(Strategy):
    """Win-Stay Lose-Shift (Pavlov): repeat the last move after a win, switch after a loss.

    Nowak & Sigmund (1993), "A strategy of win-stay, lose-shift that outperforms tit-for-tat in
    the Prisoner's Dilemma game", *Nature* 364; Kraines & Kraines (1989), *Theory and Decision*
    26. With the prisoner's dilemma ordering a win is ``T`` or ``R`` (the other side held), so the
    rule needs no payoffs: hold exactly when both sides did the same last period (axelrod's
    memory-one vector ``(1, 0, 0, 1)``). It holds first, as axelrod's does.
    """

    label = "Win-Stay Lose-Shift"
    metadata = StrategyMetadata(memory_depth=1, stochastic=False)

    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        """Hold after mutual holding or mutual easing; ease otherwise."""
        same: BoolArray = own == other
        return same


class Alternator(Strategy):
    """Hold, ease, hold, ease, ... whatever the other side does.

    Axelrod (1984), *The Evolution of Cooperation*; "periodic player CD" in Mittal & Deb (2009),
    *IEEE Trans. Evolutionary Computation* 13(3).
    """

    metadata = StrategyMetadata(memory_depth=1, stochastic=False)

    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        """Do the opposite of the own last move."""
        return ~own


class GTFT(Strategy):
    """Generous Tit For Tat: copy a hold; forgive an observed ease with probability ``p``.

    Molander (1985), "The optimal level of generosity in a selfish, uncertain environment",
    *J. Conflict Resolution* 29(4); Nowak & Sigmund (1992), "Tit for tat in heterogeneous
    populations", *Nature* 355. Unless given, the generosity is computed from the stage game as
    axelrod does: ``p = min(1 - (T - R) / (R - S), (R - P) / (T - P))``, which is 1/3 for the
    default payoffs. Holds first.

    >>> round(GTFT(1, rng=np.random.default_rng(0)).generosity, 6)
    0.333333
    """

    metadata = StrategyMetadata(memory_depth=1, stochastic=True, uses_game=True)

    def __init__(
        self,
        n_runs: int,
        rng: np.random.Generator | None = None,
        game: PDPayoffs | None = None,
        *,
        generosity: float | None = None,
    ) -> None:
        super().__init__(n_runs, rng, game)
        if generosity is None:
            g = self.game
            if g.R == g.S or g.T == g.P:
                raise ValueError("GTFT's generosity is undefined when R == S or T == P")
            generosity = min(1 - g.incentive_gap / (g.R - g.S), (g.R - g.P) / (g.T - g.P))
        self.generosity = self._probability("generosity", generosity)

    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        """Hold where the other side held; elsewhere hold with probability ``generosity``.

        One number is drawn per run every period, whatever was observed, so that run ``i``'s
        random stream does not depend on what happens in the other runs.
        """
        return other | self._draw(self.generosity)


class Random(Strategy):
    """Hold with probability ``p`` (0.5 unless given) in every period, independently.

    Axelrod (1980): the RANDOM entry of the first tournament; "Lunatic" in Tzafestas (2000).
    """

    metadata = StrategyMetadata(memory_depth=0, stochastic=True)

    def __init__(
        self,
        n_runs: int,
        rng: np.random.Generator | None = None,
        game: PDPayoffs | None = None,
        *,
        p: float = 0.5,
    ) -> None:
        super().__init__(n_runs, rng, game)
        self.p = self._probability("p", p)

    def first(self) -> BoolArray:
        """Hold with probability ``p`` in each run: the first move is drawn too."""
        return self._draw(self.p)

    def _respond(self, own: BoolArray, other: BoolArray, payoff: FloatArray | None) -> BoolArray:
        """Hold with probability ``p`` in each run, ignoring the past."""
        return self._draw(self.p)


STRATEGIES: Mapping[str, type[Strategy]] = MappingProxyType(
    {
        cls.name: cls
        for cls in (
            Cooperator,
            Defector,
            TitForTat,
            Grudger,
            TitFor2Tats,
            SuspiciousTitForTat,
            WinStayLoseShift,
            Alternator,
            GTFT,
            Random,
        )
    }
)
"""Every strategy by name (axelrod's class name), in a fixed documented order. Read-only."""


def strategy_names(
    *,
    stochastic: bool | None = None,
    max_memory_depth: float | None = None,
    uses_game: bool | None = None,
    uses_payoffs: bool | None = None,
) -> tuple[str, ...]:
    """Names of the registered strategies whose metadata match every given filter.

    ``None`` leaves a field unfiltered; ``max_memory_depth`` keeps depths ``<=`` it.

    >>> strategy_names(stochastic=False, max_memory_depth=0)
    ('Cooperator', 'Defector')
    """
    names = []
    for name, cls in STRATEGIES.items():
        meta = cls.metadata
        if stochastic is not None and meta.stochastic != stochastic:
            continue
        if max_memory_depth is not None and meta.memory_depth > max_memory_depth:
            continue
        if uses_game is not None and meta.uses_game != uses_game:
            continue
        if uses_payoffs is not None and meta.uses_payoffs != uses_payoffs:
            continue
        names.append(name)
    return tuple(names)


def get_strategy(name: str) -> type[Strategy]:
    """The strategy class registered as ``name``.

    Raises:
        InputError: ``name`` is not a registered strategy (the message lists the known ones).
    """
    try:
        return STRATEGIES[name]
    except KeyError:
        known = ", ".join(STRATEGIES)
        raise InputError.single(
            "strategy", f"unknown strategy {name!r}; choose from {known}"
        ) from None
