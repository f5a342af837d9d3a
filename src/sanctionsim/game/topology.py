"""The 2×2 games: Robinson–Goforth topology with Bruns's names, Martin's types, dominance.

Size: over 500 lines because the 144 games' table and their classification belong together.

Conventions (used by every function here and in :mod:`sanctionsim.game.stabilise`):

* A 2×2 game is a float array of shape ``(2, 2, 2)``: ``payoffs[r, c, p]`` is player ``p``'s
  payoff when the row player plays ``r`` and the column player plays ``c`` (the same layout as
  the n-player payoff tensors of :mod:`sanctionsim.game.normal_form`). :func:`bimatrix` builds
  one from two 2×2 matrices.
* In a member's "member vs rest of the coalition" game the row player is the member, the column
  player is the rest, and action ``0`` is :data:`HOLD` (keep the sanctions, cooperate), ``1`` is
  :data:`EASE` (defect).
* Ordinal payoffs rank each player's four outcomes from 1 (worst) to 4 (best).

**Classification.** Every strict ordinal game (each player's payoffs a permutation of 1..4) is
one of 144 classes of the Robinson–Goforth topology (Robinson & Goforth 2005). The quotient is
by *relabelling strategies only*: swapping the row player's two actions, or the column player's,
maps a game to the same class (576 = 144 × 4 labelled games, each orbit of size exactly 4).
Swapping the players is **not** quotiented: it maps class ``(X, Y)`` to its transpose
``(Y, X)``; quotienting it too would give Rapoport & Guyer's (1966) 78 games.

Each class is located, following Bruns (2015), by two coordinates: the row player's payoff
configuration and the column player's, each named after the one of the 12 symmetric games that
has that configuration (:data:`SYMMETRIC_GAMES`). To read them, orient the game so that the row
player's best outcome lies in the right column and the column player's in the top row (Bruns's
convention); the row configuration is then the row player's 2×2 matrix, and the column
configuration is the column player's matrix reflected in the anti-diagonal, which is how the
row player would see it. A game is symmetric exactly when both coordinates name the same game.
The two coordinates also give the *layer*, the alignment of the two players' best outcomes:

=====  ==================  ====================================================================
layer  name                where the two players' best outcomes (their 4s) lie
=====  ==================  ====================================================================
1      ``opposed``         diagonally opposite cells (Prisoner's Dilemma, Chicken, ...)
2      ``same row``        the same row, different columns
3      ``same column``     the same column, different rows
4      ``win-win``         the same cell (Stag Hunt, Harmony, ...)
=====  ==================  ====================================================================

The layer numbers are this module's; the row/column index (1..12) follows Bruns's order of the
symmetric games (Chicken, Battle, Hero, Compromise, Deadlock, Dilemma, Stag Hunt, Assurance,
Coordination, Peace, Harmony, Concord).

**Ties.** A game whose ordinal form has ties is not one of the 144. :func:`classify` then says
so (``"not strict: ..."``), names each player's tie type with Bruns's (2015) categories (low,
middle, high, double, triple, basic, zero) and lists the strict classes *adjacent* to it: the
classes of every strict game obtained by breaking the ties one way or the other. In the
topology a game with ties lies on the common boundary of exactly those strict games (Bruns 2010,
2015: ties are "half-swaps"). Ranks of tied payoffs follow Bruns: a tie takes the higher of the
ranks it spans (payoffs 5, 3, 3, 0 rank 4, 3, 3, 1).

References: Robinson, D. & Goforth, D. (2005) *The Topology of the 2×2 Games: A New Periodic
Table*, Routledge. Bruns, B. R. (2015) "Names for games: locating 2 × 2 games", *Games* 6(4),
495–520, doi:10.3390/g6040495. Bruns, B. (2010) "Navigating the topology of 2x2 games",
arXiv:1010.4727. Rapoport, A. & Guyer, M. (1966) "A taxonomy of 2 × 2 games", *General Systems*
11, 203–214. Martin, L. L. (1992) *Coercive Cooperation*, Princeton University Press.

>>> pd = symmetric_game(R=3, S=0, T=5, P=1)    # HOLD = cooperate, EASE = defect
>>> c = classify(pd)
>>> c.game_class.name, c.game_class.code, c.game_class.coordinates
("Prisoner's Dilemma", 'Pd', (1, 6, 6))
>>> pure_equilibria(pd), defection_incentive(pd)
(((1, 1),), 2.0)
>>> classify(symmetric_game(R=2, S=0, T=1, P=1)).message
'not strict: row player ties (1, 0) and (1, 1) at 1; column player ties (0, 1) and (1, 1) at 1'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sanctionsim.actions import Action
from sanctionsim.game.dominance import dominant_strategy
from sanctionsim.game.stage import incentive_gap

__all__ = [
    "EASE",
    "HOLD",
    "SYMMETRIC_GAMES",
    "Classification",
    "DominantAction",
    "GameClass",
    "MartinType",
    "SymmetricGame",
    "Tie",
    "all_classes",
    "bimatrix",
    "class_of",
    "classify",
    "defection_incentive",
    "dominant_action",
    "is_strict",
    "is_symmetric",
    "martin_type",
    "ordinal_form",
    "payoff_array",
    "pure_equilibria",
    "relabel",
    "strict_ordinal_games",
    "swap_players",
    "symmetric_game",
]

HOLD: Final = Action.HOLD
"""Action index of holding the line (keeping the sanctions; cooperating)."""
EASE: Final = Action.EASE
"""Action index of easing (defecting from the coalition)."""

Cell = tuple[int, int]


# --------------------------------------------------------------------------- the 12 games


@dataclass(frozen=True)
class SymmetricGame:
    """One of the 12 symmetric strict ordinal 2×2 games, the coordinates of Bruns's grid.

    ``ranks`` are the ordinal payoffs ``(R, S, T, P)`` of either player in the usual
    cooperate/defect labelling: ``R`` both cooperate, ``S`` cooperate against defection, ``T``
    defect against cooperation, ``P`` both defect (cooperation is the action whose mutual play
    holds the shared best outcome in the win-win games, and whose exploitation gives ``T = 4``
    in the others).
    """

    index: int
    code: str
    name: str
    ranks: tuple[int, int, int, int]
    aliases: tuple[str, ...] = ()

    @property
    def ordering(self) -> str:
        """The payoff order, best first, e.g. ``'T>R>P>S'`` for the Prisoner's Dilemma."""
        pairs = sorted(zip(self.ranks, "RSTP", strict=True), reverse=True)
        return ">".join(letter for _, letter in pairs)


SYMMETRIC_GAMES: Final[tuple[SymmetricGame, ...]] = (
    # layer "opposed": T = 4 (each player's best is to defect on a cooperator)
    SymmetricGame(1, "Ch", "Chicken", (3, 2, 4, 1), ("Snowdrift", "Hawk-Dove")),
    SymmetricGame(2, "Bt", "Battle", (2, 3, 4, 1), ("Battle of the Sexes", "Leader")),
    SymmetricGame(3, "Hr", "Hero", (1, 3, 4, 2)),
    SymmetricGame(4, "Co", "Compromise", (1, 2, 4, 3)),
    SymmetricGame(5, "Dl", "Deadlock", (2, 1, 4, 3)),
    SymmetricGame(6, "Pd", "Prisoner's Dilemma", (3, 1, 4, 2), ("Dilemma",)),
    # layer "win-win": R = 4 (mutual cooperation is both players' best)
    SymmetricGame(7, "Sh", "Stag Hunt", (4, 1, 3, 2), ("Hunt",)),
    SymmetricGame(8, "As", "Assurance", (4, 1, 2, 3)),
    SymmetricGame(9, "Cr", "Coordination", (4, 2, 1, 3)),
    SymmetricGame(10, "Pc", "Peace", (4, 3, 1, 2)),
    SymmetricGame(11, "Ha", "Harmony", (4, 3, 2, 1)),
    SymmetricGame(12, "Cc", "Concord", (4, 2, 3, 1)),
)
"""The 12 symmetric games in Bruns's (2015) order, with his names.

"Battle" (T>S>R>P) is Rapoport & Guyer's "Leader"; "Hero" (T>S>P>R) is theirs too. The textbook
"Harmony game" (R>T and S>P, any order) spans Bruns's Harmony, Concord and Peace. Each win-win
game is an "opposed" game with R and T swapped: Dilemma↔Stag Hunt, Chicken↔Concord,
Battle↔Harmony, Hero↔Peace, Compromise↔Coordination, Deadlock↔Assurance.
"""

_LAYERS: Final = MappingProxyType({1: "opposed", 2: "same row", 3: "same column", 4: "win-win"})


# --------------------------------------------------------------------------- payoff helpers


def payoff_array(payoffs: ArrayLike) -> NDArray[np.float64]:
    """The payoffs as a new float array of shape ``(2, 2, 2)``; raises ``ValueError`` otherwise.

    >>> payoff_array([[[3, 3], [0, 5]], [[5, 0], [1, 1]]]).shape
    (2, 2, 2)
    """
    array = np.array(payoffs, dtype=np.float64)
    if array.shape != (2, 2, 2):
        raise ValueError(f"a 2x2 game has payoffs of shape (2, 2, 2); got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("payoffs must be finite")
    return array


def bimatrix(row: ArrayLike, column: ArrayLike) -> NDArray[np.float64]:
    """Stack the row player's and the column player's 2×2 payoff matrices into ``(2, 2, 2)``.

    >>> bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])[0, 1]
    array([0., 5.])
    """
    return payoff_array(np.stack([np.asarray(row), np.asarray(column)], axis=-1))


def symmetric_game(R: float, S: float, T: float, P: float) -> NDArray[np.float64]:
    """The symmetric 2×2 game with action 0 = cooperate (HOLD) and 1 = defect (EASE).

    Row payoffs ``[[R, S], [T, P]]``; the column player's are their transpose.
    """
    row = np.array([[R, S], [T, P]], dtype=np.float64)
    return bimatrix(row, row.T)


def relabel(
    payoffs: ArrayLike, *, rows: bool = False, columns: bool = False
) -> NDArray[np.float64]:
    """The same game with the row player's and/or the column player's actions renamed."""
    array = payoff_array(payoffs)
    if rows:
        array = array[::-1, :, :]
    if columns:
        array = array[:, ::-1, :]
    return np.ascontiguousarray(array)


def swap_players(payoffs: ArrayLike) -> NDArray[np.float64]:
    """The same game seen with the players' roles exchanged (the old column player is the row)."""
    array = payoff_array(payoffs)
    return np.ascontiguousarray(array.transpose(1, 0, 2)[:, :, ::-1])


def ordinal_form(payoffs: ArrayLike, *, tol: float = 0.0) -> NDArray[np.int64]:
    """Each player's payoffs replaced by ranks 1 (worst) .. 4 (best), shape ``(2, 2, 2)``.

    Payoffs within ``tol`` of each other (chained: sorted neighbours closer than ``tol``) are
    tied; a tie takes the higher of the ranks it spans, Bruns's (2015) convention, so that a
    strict game gets exactly 1, 2, 3, 4 and ties never raise a payoff above a strict rival.

    >>> ordinal_form(symmetric_game(R=2, S=0, T=1, P=1))[:, :, 0]
    array([[4, 1],
           [3, 3]])
    """
    if tol < 0:
        raise ValueError("tol must be >= 0")
    array = payoff_array(payoffs)
    ranks = np.empty((2, 2, 2), dtype=np.int64)
    for player in range(2):
        values = array[:, :, player].ravel()
        order = np.argsort(values, kind="stable")
        sorted_values = values[order]
        # group sorted values into ties, then give each group the highest position it covers
        group_end = np.empty(4, dtype=np.int64)
        end = 3
        for position in range(3, -1, -1):
            if position < 3 and sorted_values[position + 1] - sorted_values[position] > tol:
                end = position
            group_end[position] = end
        flat = np.empty(4, dtype=np.int64)
        flat[order] = group_end + 1
        ranks[:, :, player] = flat.reshape(2, 2)
    return ranks


def is_strict(payoffs: ArrayLike, *, tol: float = 0.0) -> bool:
    """True when neither player is indifferent between any two of its four outcomes."""
    ranks = ordinal_form(payoffs, tol=tol)
    return all(sorted(ranks[:, :, p].ravel().tolist()) == [1, 2, 3, 4] for p in range(2))


def is_symmetric(
    payoffs: ArrayLike,
    *,
    ordinal: bool = False,
    up_to_relabelling: bool = True,
    tol: float = 0.0,
) -> bool:
    """True when the column player's payoffs are the row player's, seen from the other seat.

    Symmetric means ``u_col(r, c) = u_row(c', r')`` for a matching of the two players' actions.
    With ``up_to_relabelling=False`` the matching must be the identity (action ``k`` of one
    player is action ``k`` of the other: ``B = Aᵀ``); otherwise the crossed matching is allowed
    too (``B[r, c] = A[1 - c, 1 - r]``), which is the only other one for 2×2 games. With
    ``ordinal=True`` the test is on ranks (:func:`ordinal_form`), so any strictly increasing
    change of either player's scale keeps a symmetric game symmetric.

    >>> is_symmetric(symmetric_game(3, 0, 5, 1))
    True
    >>> is_symmetric(relabel(symmetric_game(3, 0, 5, 1), rows=True))
    True
    >>> is_symmetric(relabel(symmetric_game(3, 0, 5, 1), rows=True), up_to_relabelling=False)
    False
    """
    array = ordinal_form(payoffs, tol=tol).astype(np.float64) if ordinal else payoff_array(payoffs)
    row, column = array[:, :, 0], array[:, :, 1]
    atol = 0.0 if ordinal else tol
    if np.allclose(column, row.T, rtol=0.0, atol=atol):
        return True
    return up_to_relabelling and bool(np.allclose(column, row[::-1, ::-1].T, rtol=0.0, atol=atol))


# --------------------------------------------------------------------------- classes


@dataclass(frozen=True)
class GameClass:
    """One of the 144 classes: the row player's and the column player's configurations.

    ``coordinates`` is ``(layer, row index, column index)``; ``code`` is Bruns-style: the
    symmetric game's two-letter code (``'Pd'``) or, for an asymmetric game, the row
    configuration's code followed by the column's (``'PdCh'``).
    """

    row: SymmetricGame
    column: SymmetricGame

    @property
    def symmetric(self) -> bool:
        """True for the 12 symmetric games (both coordinates name the same game)."""
        return self.row.index == self.column.index

    @property
    def layer(self) -> int:
        """1 opposed, 2 same row, 3 same column, 4 win-win (see the module docstring)."""
        row_aligned = self.row.index > 6
        column_aligned = self.column.index > 6
        return {(False, False): 1, (True, False): 2, (False, True): 3, (True, True): 4}[
            (row_aligned, column_aligned)
        ]

    @property
    def layer_name(self) -> str:
        """The layer's name: ``'opposed'``, ``'same row'``, ``'same column'`` or ``'win-win'``."""
        return _LAYERS[self.layer]

    @property
    def coordinates(self) -> tuple[int, int, int]:
        """``(layer, row configuration index, column configuration index)``, indices 1..12."""
        return (self.layer, self.row.index, self.column.index)

    @property
    def code(self) -> str:
        """``'Pd'`` for a symmetric game, ``'PdCh'`` (row then column) otherwise."""
        return self.row.code if self.symmetric else self.row.code + self.column.code

    @property
    def name(self) -> str:
        """The symmetric game's name, or ``'row name–column name'`` for a hybrid."""
        return self.row.name if self.symmetric else f"{self.row.name}–{self.column.name}"

    def transposed(self) -> GameClass:
        """The class of the same game with the players swapped."""
        return GameClass(self.column, self.row)

    def representative(self) -> NDArray[np.int64]:
        """A strict ordinal game of this class, in Bruns's orientation (best cells right, top)."""
        row = _CONFIG_MATRICES[self.row.index]
        column = _CONFIG_MATRICES[self.column.index]
        game = np.empty((2, 2, 2), dtype=np.int64)
        game[:, :, 0] = row
        game[:, :, 1] = column[::-1, ::-1].T  # undo the anti-diagonal reflection
        return game


def _orient(ranks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Bruns's orientation: column player's best outcome in row 0, row player's in column 1."""
    oriented = ranks
    best_col = np.unravel_index(int(np.argmax(oriented[:, :, 1])), (2, 2))
    if best_col[0] == 1:
        oriented = oriented[::-1, :, :]
    best_row = np.unravel_index(int(np.argmax(oriented[:, :, 0])), (2, 2))
    if best_row[1] == 0:
        oriented = oriented[:, ::-1, :]
    return oriented


def _config_keys(ranks: NDArray[np.int64]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    oriented = _orient(ranks)
    row_key = tuple(int(v) for v in oriented[:, :, 0].ravel())
    column_seen_as_row = oriented[:, :, 1][::-1, ::-1].T
    column_key = tuple(int(v) for v in column_seen_as_row.ravel())
    return row_key, column_key


def _build_config_tables() -> tuple[
    Mapping[tuple[int, ...], SymmetricGame], Mapping[int, NDArray[np.int64]]
]:
    by_key: dict[tuple[int, ...], SymmetricGame] = {}
    matrices: dict[int, NDArray[np.int64]] = {}
    for game in SYMMETRIC_GAMES:
        r, s, t, p = game.ranks
        ranks = symmetric_game(r, s, t, p).astype(np.int64)
        row_key, column_key = _config_keys(ranks)
        # a symmetric game must read the same from both seats
        assert row_key == column_key, game.name
        by_key[row_key] = game
        matrix = np.array(row_key, dtype=np.int64).reshape(2, 2)
        matrix.flags.writeable = False
        matrices[game.index] = matrix
    assert len(by_key) == 12
    return MappingProxyType(by_key), MappingProxyType(matrices)


_CONFIGS, _CONFIG_MATRICES = _build_config_tables()


@dataclass(frozen=True)
class Tie:
    """Two or more of one player's outcomes with the same payoff (within the tolerance)."""

    player: int
    cells: tuple[Cell, ...]
    value: float

    def __str__(self) -> str:
        who = ("row player", "column player")[self.player]
        cells = " and ".join(str(cell) for cell in self.cells)
        return f"{who} ties {cells} at {self.value:g}"


_TIE_TYPES: Final = MappingProxyType(
    {
        (1, 1, 2): "low",
        (1, 2, 1): "middle",
        (2, 1, 1): "high",
        (2, 2): "double",
        (3, 1): "triple",
        (1, 3): "basic",
        (4,): "zero",
    }
)


@dataclass(frozen=True)
class Classification:
    """What :func:`classify` found: a class for a strict game, a tie report otherwise.

    ``ordinal`` holds the ranks as nested tuples ``[row][col][player]``. ``adjacent`` lists the
    strict classes met by breaking the ties (just ``(game_class,)`` for a strict game), sorted by
    row then column index. ``tie_types`` gives each player's Bruns tie type (``None`` = strict).
    """

    ordinal: tuple[tuple[tuple[int, ...], ...], ...]
    game_class: GameClass | None
    ties: tuple[Tie, ...]
    tie_types: tuple[str | None, str | None]
    adjacent: tuple[GameClass, ...]

    @property
    def strict(self) -> bool:
        """True when the game is one of the 144 strict classes."""
        return self.game_class is not None

    @property
    def message(self) -> str:
        """One line: ``"Chicken (Ch)"`` or ``"not strict: row player ties ..."``."""
        if self.game_class is not None:
            return f"{self.game_class.name} ({self.game_class.code})"
        return "not strict: " + "; ".join(str(tie) for tie in self.ties)


def _class_of_strict_ranks(ranks: NDArray[np.int64]) -> GameClass:
    row_key, column_key = _config_keys(ranks)
    return GameClass(_CONFIGS[row_key], _CONFIGS[column_key])


def _tie_type(ranks: NDArray[np.int64]) -> str | None:
    values = sorted(ranks.ravel().tolist(), reverse=True)
    groups = tuple(len(list(g)) for _, g in itertools.groupby(values))
    return _TIE_TYPES.get(groups)


def _strict_refinements(ranks: NDArray[np.int64]) -> list[NDArray[np.int64]]:
    """Every strict ranking of one player's four cells that keeps the strict preferences."""
    flat_ranks = ranks.ravel()
    out: list[NDArray[np.int64]] = []
    for perm in itertools.permutations(range(1, 5)):
        candidate = np.array(perm, dtype=np.int64)
        ok = all(
            candidate[a] > candidate[b]
            for a in range(4)
            for b in range(4)
            if flat_ranks[a] > flat_ranks[b]
        )
        if ok:
            out.append(candidate.reshape(2, 2))
    return out


def classify(payoffs: ArrayLike, *, tol: float = 0.0) -> Classification:
    """Classify a 2×2 game (cardinal or ordinal) in the Robinson–Goforth topology.

    The payoffs are first ranked (:func:`ordinal_form`, ties within ``tol``). A strict game gets
    its class; a game with ties gets ``game_class=None``, the ties, Bruns's tie types and the
    adjacent strict classes (see the module docstring). Follows Robinson & Goforth (2005) and
    Bruns (2015).

    >>> classify(symmetric_game(R=0, S=-1, T=1, P=-10)).message   # swerve/straight
    'Chicken (Ch)'
    >>> tied = classify(symmetric_game(R=2, S=0, T=1, P=1))     # Rousseau's stag hunt
    >>> tied.tie_types, [c.code for c in tied.adjacent]
    (('middle', 'middle'), ['Sh', 'ShAs', 'AsSh', 'As'])
    """
    array = payoff_array(payoffs)
    ranks = ordinal_form(array, tol=tol)
    ordinal = tuple(
        tuple((int(ranks[r, c, 0]), int(ranks[r, c, 1])) for c in range(2)) for r in range(2)
    )
    ties: list[Tie] = []
    for player in range(2):
        for rank in sorted(set(ranks[:, :, player].ravel().tolist()), reverse=True):
            cells = tuple((r, c) for r in range(2) for c in range(2) if ranks[r, c, player] == rank)
            if len(cells) > 1:
                ties.append(Tie(player, cells, float(array[cells[0][0], cells[0][1], player])))
    tie_types = (_tie_type(ranks[:, :, 0]), _tie_type(ranks[:, :, 1]))
    if not ties:
        game_class = _class_of_strict_ranks(ranks)
        return Classification(ordinal, game_class, (), tie_types, (game_class,))
    options = [_strict_refinements(ranks[:, :, p]) for p in range(2)]
    found: set[tuple[int, int]] = set()
    for row_ranks, column_ranks in itertools.product(*options):
        strict = np.stack([row_ranks, column_ranks], axis=-1)
        cls = _class_of_strict_ranks(strict)
        found.add((cls.row.index, cls.column.index))
    adjacent = tuple(
        GameClass(SYMMETRIC_GAMES[r - 1], SYMMETRIC_GAMES[c - 1]) for r, c in sorted(found)
    )
    return Classification(ordinal, None, tuple(ties), tie_types, adjacent)


def class_of(payoffs: ArrayLike, *, tol: float = 0.0) -> GameClass:
    """The class of a strict game; raises ``ValueError`` with the tie report otherwise."""
    result = classify(payoffs, tol=tol)
    if result.game_class is None:
        raise ValueError(result.message)
    return result.game_class


def all_classes() -> tuple[GameClass, ...]:
    """The 144 classes, row configuration major, in Bruns's order."""
    return tuple(GameClass(r, c) for r in SYMMETRIC_GAMES for c in SYMMETRIC_GAMES)


def strict_ordinal_games() -> Iterator[NDArray[np.int64]]:
    """All 576 labelled strict ordinal 2×2 games (each player's payoffs a permutation of 1..4)."""
    perms = list(itertools.permutations(range(1, 5)))
    for row in perms:
        for column in perms:
            game = np.empty((2, 2, 2), dtype=np.int64)
            game[:, :, 0] = np.array(row).reshape(2, 2)
            game[:, :, 1] = np.array(column).reshape(2, 2)
            yield game


# --------------------------------------------------------------------------- Martin's types

MartinType = Literal["coincidence", "coercion", "coadjustment"]


def martin_type(payoffs: ArrayLike) -> MartinType | None:
    """Martin's (1992) leader–follower game type, or ``None`` for any other game.

    The row player is the leader *L*, the column player the follower *F*; action 0 is S
    (sanction = HOLD), 1 is N (not sanction = EASE). Martin's three ordinal tables
    (``formal-models.md`` A1) are generalised to these patterns, with strict inequalities:

    * ``"coincidence"``: S strictly dominant for both, and (S, S) is each player's best
      outcome (shared interest; Bruns's Concord, Harmony and Peace configurations for both);
    * ``"coercion"`` (suasion): S strictly dominant for L with (S, S) L's best outcome, N
      strictly dominant for F: the equilibrium (S, N) has F free-riding on L's sanctions;
    * ``"coadjustment"``: N strictly dominant for both and each strictly prefers (S, S) to
      (N, N): each player's order is T > R > P > S, the Prisoner's Dilemma.

    The type depends on which action is S, so (unlike the topology) it is not invariant to
    relabelling; it is invariant to strictly increasing changes of either player's scale.

    >>> martin_type(bimatrix([[4, 3], [1, 2]], [[3, 4], [1, 2]]))
    'coercion'
    >>> martin_type(symmetric_game(R=3, S=1, T=4, P=2))
    'coadjustment'
    >>> martin_type(symmetric_game(R=3, S=2, T=4, P=1)) is None    # Chicken
    True
    """
    array = payoff_array(payoffs)
    lead = dominant_action(array, 0)
    follow = dominant_action(array, 1)
    lead_s = lead is not None and lead.strict and lead.action == HOLD
    lead_n = lead is not None and lead.strict and lead.action == EASE
    follow_s = follow is not None and follow.strict and follow.action == HOLD
    follow_n = follow is not None and follow.strict and follow.action == EASE

    def best_at_ss(player: int) -> bool:
        u = array[:, :, player]
        return bool(u[0, 0] > np.delete(u.ravel(), 0).max())

    if lead_s and follow_s and best_at_ss(0) and best_at_ss(1):
        return "coincidence"
    if lead_s and best_at_ss(0) and follow_n:
        return "coercion"
    if lead_n and follow_n and array[0, 0, 0] > array[1, 1, 0] and array[0, 0, 1] > array[1, 1, 1]:
        return "coadjustment"
    return None


# --------------------------------------------------------------------------- dominance & equilibria


@dataclass(frozen=True)
class DominantAction:
    """A dominant action of one player: ``strict`` if better against every opponent action,
    otherwise weakly dominant (never worse, better against at least one)."""

    player: int
    action: int
    strict: bool


def dominant_action(payoffs: ArrayLike, player: int, *, tol: float = 0.0) -> DominantAction | None:
    """The player's dominant action (strict preferred to weak), or ``None`` if neither dominates.

    Payoff differences within ``tol`` count as ties. (Osborne & Rubinstein 1994, def. 18.1.)

    >>> dominant_action(symmetric_game(3, 0, 5, 1), 0)
    DominantAction(player=0, action=1, strict=True)
    >>> dominant_action(symmetric_game(3, 0, 3, 1), 1)     # T = R: EASE only weakly better
    DominantAction(player=1, action=1, strict=False)
    """
    if player not in (0, 1):
        raise ValueError("player must be 0 (row) or 1 (column)")
    found = dominant_strategy(payoff_array(payoffs), player, tol=tol)
    return None if found is None else DominantAction(player, *found)


def pure_equilibria(
    payoffs: ArrayLike, *, strict: bool = False, tol: float = 0.0
) -> tuple[Cell, ...]:
    """All pure Nash equilibria ``(row action, column action)``, by enumeration of the 4 cells.

    With ``strict=True`` only strict equilibria (each player's action the unique best reply).
    """
    array = payoff_array(payoffs)
    found: list[Cell] = []
    for r, c in itertools.product(range(2), range(2)):
        row_gain = array[r, c, 0] - array[1 - r, c, 0]
        column_gain = array[r, c, 1] - array[r, 1 - c, 1]
        if strict:
            ok = row_gain > tol and column_gain > tol
        else:
            ok = row_gain >= -tol and column_gain >= -tol
        if ok:
            found.append((r, c))
    return tuple(found)


def defection_incentive(payoffs: ArrayLike, player: int = 0) -> float:
    """T − R for a player: its gain from easing while the other holds, over all holding.

    Positive means the player would rather ease when everyone else holds; this is the gap the
    stabilising payment of :mod:`sanctionsim.game.stabilise` must close (formal-models A5, A6).
    """
    if player not in (0, 1):
        raise ValueError("player must be 0 (row) or 1 (column)")
    array = payoff_array(payoffs)
    return incentive_gap(array if player == 0 else swap_players(array))
