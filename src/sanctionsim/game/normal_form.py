"""A finite game in strategic (normal) form: an immutable payoff table plus labels.

The :class:`Game` is a thin façade in the style of Nashpy: it stores the payoff tensor and the
labels, and each convenience method hands the arrays to a pure solver function in its own
module (``pure``, ``extreme``, ``support``, ``lemke_howson``, ``nplayer``, ``dominance``).
Payoffs are a float64 array of shape ``(*shape, n_players)`` where ``shape[i]`` is the number of
strategies of player ``i`` (Osborne & Rubinstein 1994, *A Course in Game Theory*, ch. 2).
When a game is read from a Gambit file that declares rational payoffs, the exact
:class:`fractions.Fraction` values are kept as well, so that exact answers can be checked.

>>> import numpy as np
>>> pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="Prisoner's dilemma")
>>> pd.shape, pd.n_players
((2, 2), 2)
>>> pd.pure_equilibria()
[(1, 1)]
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from sanctionsim.game.result import NashResult

Profile = tuple[int, ...]


def _freeze(array: NDArray[np.float64]) -> NDArray[np.float64]:
    frozen = np.array(array, dtype=np.float64, copy=True, order="C")
    frozen.flags.writeable = False
    return frozen


@dataclass(frozen=True, eq=False)
class Game:
    """An n-player finite game in strategic form (immutable).

    ``payoffs[s_1, ..., s_n, i]`` is player ``i``'s payoff when player ``k`` plays strategy
    ``s_k``. ``exact`` optionally holds the same payoffs as exact fractions, flattened in C order
    of ``payoffs`` (it is ``None`` for games built from floats).
    """

    payoffs: NDArray[np.float64]
    players: tuple[str, ...] = ()
    strategies: tuple[tuple[str, ...], ...] = ()
    title: str = ""
    comment: str = ""
    exact: tuple[Fraction, ...] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        payoffs = np.asarray(self.payoffs, dtype=np.float64)
        if payoffs.ndim < 2 or payoffs.shape[-1] != payoffs.ndim - 1:
            raise ValueError(
                f"payoffs must have shape (*shape, n_players) with n_players = len(shape); "
                f"got {payoffs.shape}"
            )
        if 0 in payoffs.shape:
            raise ValueError("every player needs at least one strategy")
        if not np.all(np.isfinite(payoffs)):
            raise ValueError("payoffs must be finite")
        n = payoffs.shape[-1]
        shape = payoffs.shape[:-1]
        object.__setattr__(self, "payoffs", _freeze(payoffs))
        players = tuple(self.players) or tuple(f"Player {i + 1}" for i in range(n))
        if len(players) != n:
            raise ValueError(f"expected {n} player labels, got {len(players)}")
        object.__setattr__(self, "players", players)
        strategies = tuple(tuple(s) for s in self.strategies) or tuple(
            tuple(str(k + 1) for k in range(count)) for count in shape
        )
        if tuple(len(s) for s in strategies) != shape:
            raise ValueError(f"strategy labels {strategies} do not match shape {shape}")
        object.__setattr__(self, "strategies", strategies)
        if self.exact is not None:
            exact = tuple(Fraction(v) for v in self.exact)
            if len(exact) != payoffs.size:
                raise ValueError("exact payoffs must have one value per payoff entry")
            object.__setattr__(self, "exact", exact)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(cls, *arrays: ArrayLike, title: str = "", players: Sequence[str] = ()) -> Game:
        """Build a game from one payoff array per player, each of shape ``shape``.

        Integer or :class:`~fractions.Fraction` entries are kept exactly as well.
        """
        if not arrays:
            raise ValueError("need at least one payoff array")
        raw = [np.asarray(a, dtype=object) for a in arrays]
        shape = raw[0].shape
        if any(a.shape != shape for a in raw) or len(shape) != len(raw):
            raise ValueError("need one payoff array per player, each with one axis per player")
        stacked = np.stack(raw, axis=-1)
        exact: tuple[Fraction, ...] | None = None
        if all(isinstance(v, int | np.integer | Fraction) for v in stacked.flat):
            exact = tuple(
                Fraction(int(v)) if not isinstance(v, Fraction) else v for v in stacked.flat
            )
        return cls(
            np.asarray(stacked, dtype=np.float64),
            players=tuple(players),
            title=title,
            exact=exact,
        )

    @classmethod
    def from_bimatrix(cls, A: ArrayLike, B: ArrayLike, title: str = "") -> Game:
        """A two-player game: ``A`` holds the row player's payoffs, ``B`` the column player's."""
        return cls.from_arrays(A, B, title=title)

    # ------------------------------------------------------------------ properties
    @property
    def n_players(self) -> int:
        """Number of players."""
        return int(self.payoffs.shape[-1])

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of strategies of each player."""
        return tuple(int(k) for k in self.payoffs.shape[:-1])

    @property
    def n_profiles(self) -> int:
        """Number of pure-strategy profiles."""
        return int(np.prod(self.shape))

    @property
    def is_rational(self) -> bool:
        """Whether exact rational payoffs are available."""
        return self.exact is not None

    def payoff_array(self, player: int) -> NDArray[np.float64]:
        """Payoffs of ``player`` as an array of shape ``shape`` (read-only view)."""
        return self.payoffs[..., player]

    def exact_array(self, player: int) -> NDArray[Any]:
        """Exact payoffs of ``player`` as an object array of Fractions (floats if not exact)."""
        if self.exact is None:
            flat = np.array([Fraction(v) for v in self.payoffs.ravel()], dtype=object)
        else:
            flat = np.empty(len(self.exact), dtype=object)
            flat[:] = self.exact
        return flat.reshape(self.payoffs.shape)[..., player]

    def payoff_hash(self) -> str:
        """A short SHA-256 fingerprint of the shape and payoffs (the game's identity)."""
        digest = hashlib.sha256(repr(self.payoffs.shape).encode())
        if self.exact is not None:
            digest.update("|".join(str(v) for v in self.exact).encode())
        else:
            digest.update(self.payoffs.tobytes())
        return digest.hexdigest()[:16]

    # ------------------------------------------------------------------ equality
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Game):
            return NotImplemented
        return (
            self.players == other.players
            and self.strategies == other.strategies
            and self.title == other.title
            and self.comment == other.comment
            and self.payoffs.shape == other.payoffs.shape
            and bool(np.array_equal(self.payoffs, other.payoffs))
            and self.exact == other.exact
        )

    def __hash__(self) -> int:
        return hash((self.title, self.players, self.strategies, self.payoff_hash()))

    # ------------------------------------------------------------------ solvers (façade)
    def pure_equilibria(self, tol: float = 0.0) -> list[Profile]:
        """All pure Nash equilibria (see :func:`sanctionsim.game.pure.pure_equilibria`).

        With exact payoffs the float candidates (a superset, since rounding is monotone) are
        re-checked with fractions, so distinct rationals that round to one float are not ties.
        """
        from sanctionsim.game.pure import is_pure_equilibrium_exact, pure_equilibria

        found = pure_equilibria(self.payoffs, tol=tol)
        if self.exact is None or tol > 0:
            return found
        exact = self.exact_array_all()
        return [p for p in found if is_pure_equilibrium_exact(exact, p)]

    def exact_array_all(self) -> NDArray[Any]:
        """All exact payoffs as an object array of shape ``(*shape, n_players)``."""
        return np.stack([self.exact_array(i) for i in range(self.n_players)], axis=-1)

    def extreme_equilibria(
        self, rational: bool = False
    ) -> list[tuple[NDArray[np.float64], ...]] | list[tuple[tuple[Fraction, ...], ...]]:
        """All extreme Nash equilibria of a two-player game (vertex enumeration, see
        :mod:`sanctionsim.game.extreme`); exact fractions when ``rational``."""
        from sanctionsim.game.extreme import extreme_equilibria, extreme_equilibria_exact

        if self.n_players != 2:
            raise ValueError("extreme-equilibrium enumeration is for two-player games")
        if rational:
            return extreme_equilibria_exact(self.exact_array(0), self.exact_array(1))
        return extreme_equilibria(self.payoffs[..., 0], self.payoffs[..., 1])

    def solve(self, method: str = "auto", **parameters: Any) -> NashResult:
        """Run a Nash solver and return a :class:`~sanctionsim.game.result.NashResult`."""
        from sanctionsim.game.result import solve

        return solve(self, method, **parameters)
