"""Iterated prisoner's dilemma matches and round-robin tournaments, vectorised over runs.

The two-member special case of the coalition dynamics (``domain/MODEL.md`` §4): two players, no
target, fixed payoffs ``(R, P, S, T)``. It follows Axelrod's (1980, 1984) round robin as the
``axelrod`` library implements it: every pairing is played, self-play included, for ``turns``
periods and ``repetitions`` times; a strategy's *normalised score* in a repetition is its mean
payoff per turn against the *other* strategies (self-play is played and reported but, as in
axelrod's ``ResultSet``, left out of the score), and strategies are ranked by the median of
their normalised scores over repetitions, ties keeping the input order. ``scores`` is the mean of
the same normalised scores, i.e. the mean payoff per turn over all repetitions and opponents.

How it is fast: the repetitions of a pairing are runs of the vectorised strategies, and all
pairings are played in the same loop over turns. A deterministic strategy plays all its matches
through one strategy object (its runs are independent, so batching changes nothing), and a match
between two deterministic strategies is played once and copied to every repetition, since all
repetitions are then identical. A stochastic strategy gets its own object and random stream per
match and side, so a match's result depends only on the seed of that match.

Seeds: ``SeedSequence(seed).spawn(n_matches)`` gives match ``k`` (pairings in the round-robin
order ``(0, 0), (0, 1), ..., (1, 1), ...``) its own stream, spawned again into one stream per
side. Results are therefore identical however the matches are grouped or ordered when played;
the tests check that a tournament equals its matches played one by one in reverse order.

>>> result = play_tournament(["TitForTat", "Defector", "Cooperator"], turns=10, repetitions=2)
>>> result.ranking
('Defector', 'TitForTat', 'Cooperator')
>>> result.scores["TitForTat"]  # (0.9 against Defector + 3.0 against Cooperator) / 2
1.95
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sanctionsim.dynamics.strategies import STRATEGIES, Strategy, get_strategy
from sanctionsim.errors import InputError
from sanctionsim.game.stage import PDPayoffs

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class MatchResult:
    """Total payoffs of one pairing, per repetition (side ``a`` and side ``b``)."""

    a: str
    b: str
    turns: int
    totals_a: tuple[float, ...]
    totals_b: tuple[float, ...]


@dataclass(frozen=True)
class Timings:
    """Wall-clock seconds spent playing the matches and summarising them."""

    play_seconds: float
    summarise_seconds: float


@dataclass(frozen=True)
class TournamentResult:
    """Everything a round-robin tournament produced, with the inputs needed to replay it.

    Attributes:
        strategies: names, in the input order (which is also the tie-break order of the ranking).
        turns, repetitions, game: the inputs.
        seed: the root seed; when none was given, the entropy drawn, so the run can be replayed.
        version: sanctionsim's version.
        matches: one record per pairing, self-play included, in round-robin order.
        normalised_scores: per strategy, per repetition, the mean payoff per turn against the
            other strategies (axelrod's ``normalised_scores``).
        scores: per strategy, the mean of its normalised scores.
        median_scores: per strategy, the median of its normalised scores (what ranks it).
        ranking: names, best first.
        timings: not compared by ``==``, so that two replays of a seed compare equal.
    """

    strategies: tuple[str, ...]
    turns: int
    repetitions: int
    seed: int
    game: PDPayoffs
    version: str
    matches: tuple[MatchResult, ...]
    normalised_scores: Mapping[str, tuple[float, ...]]
    scores: Mapping[str, float]
    median_scores: Mapping[str, float]
    ranking: tuple[str, ...]
    timings: Timings = field(compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per match side and repetition: ``strategy, opponent, repetition, total,
        per_turn, self_play``. Needs pandas (imported here, not by the package)."""
        import pandas as pd

        rows = []
        for match in self.matches:
            sides = ((match.a, match.b, match.totals_a), (match.b, match.a, match.totals_b))
            for strategy, opponent, totals in sides:
                for repetition, total in enumerate(totals):
                    rows.append(
                        {
                            "strategy": strategy,
                            "opponent": opponent,
                            "repetition": repetition,
                            "total": total,
                            "per_turn": total / match.turns,
                            "self_play": match.a == match.b,
                        }
                    )
        return pd.DataFrame(rows)


def play_match(
    a: str,
    b: str,
    *,
    turns: int,
    repetitions: int = 1,
    game: PDPayoffs | None = None,
    seed: int | np.random.SeedSequence | None = 0,
) -> MatchResult:
    """Play ``repetitions`` independent matches of ``a`` against ``b``, as runs of one loop.

    ``seed`` may be a ``SeedSequence``, e.g. the one a tournament spawned for this match: the
    result is then the tournament's record for it.

    >>> play_match("TitForTat", "Alternator", turns=4).totals_a
    (8.0,)
    """
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return play_matches([(a, b)], [root], turns=turns, repetitions=repetitions, game=game)[0]


def play_matches(
    pairings: Sequence[tuple[str, str]],
    seeds: Sequence[np.random.SeedSequence],
    *,
    turns: int,
    repetitions: int,
    game: PDPayoffs | None = None,
) -> tuple[MatchResult, ...]:
    """Play every pairing ``repetitions`` times, all in one vectorised loop over turns.

    ``seeds[k]`` drives pairing ``k`` alone (spawned into one stream per side), so grouping or
    reordering pairings across calls does not change any result.
    """
    if len(seeds) != len(pairings):
        raise ValueError(f"need one seed per pairing: {len(pairings)} pairings, {len(seeds)} seeds")
    _check_counts(turns, repetitions)
    for name in {name for pair in pairings for name in pair}:
        get_strategy(name)  # an unknown name becomes an InputError before any work
    return _Batch(pairings, seeds, turns, repetitions, game or PDPayoffs()).play()


def play_tournament(
    strategies: Sequence[str],
    *,
    turns: int = 200,
    repetitions: int = 10,
    game: PDPayoffs | None = None,
    seed: int | None = 0,
) -> TournamentResult:
    """Round-robin tournament of the named strategies, self-play included (Axelrod 1980, 1984).

    Raises:
        InputError: an unknown or repeated strategy, fewer than two strategies, ``turns`` or
            ``repetitions`` below 1, or a negative seed.
    """
    from sanctionsim import __version__

    names = tuple(strategies)
    for name in names:
        get_strategy(name)
        if names.count(name) > 1:
            # Results are keyed by name, so a tournament cannot hold the same strategy twice.
            raise InputError.single("tournament", f"{name!r} is listed twice", path="strategies")
    if len(names) < 2:
        raise InputError.single("tournament", "needs at least two strategies", path="strategies")
    _check_counts(turns, repetitions)
    if seed is not None and seed < 0:
        raise InputError.single("tournament", f"must be >= 0, got {seed}", path="seed")
    game = game or PDPayoffs()
    root = np.random.SeedSequence(seed)
    pairings = [(names[i], names[j]) for i in range(len(names)) for j in range(i, len(names))]
    seeds = root.spawn(len(pairings))

    started = time.perf_counter()
    matches = play_matches(pairings, seeds, turns=turns, repetitions=repetitions, game=game)
    played = time.perf_counter()
    normalised = _normalised_scores(names, matches, repetitions)
    medians = {name: float(np.median(normalised[name])) for name in names}
    # Python's sort is stable, so ties keep the input order, as in axelrod's ResultSet.
    ranking = tuple(sorted(names, key=lambda name: -medians[name]))
    summarised = time.perf_counter()

    assert isinstance(root.entropy, int)  # SeedSequence(int | None) keeps or draws an int
    return TournamentResult(
        strategies=names,
        turns=turns,
        repetitions=repetitions,
        seed=root.entropy,
        game=game,
        version=__version__,
        matches=matches,
        normalised_scores={name: tuple(float(x) for x in normalised[name]) for name in names},
        scores={name: float(np.mean(normalised[name])) for name in names},
        median_scores=medians,
        ranking=ranking,
        timings=Timings(play_seconds=played - started, summarise_seconds=summarised - played),
    )


def _check_counts(turns: int, repetitions: int) -> None:
    if turns < 1:
        raise InputError.single("tournament", f"must be >= 1, got {turns}", path="turns")
    if repetitions < 1:
        raise InputError.single(
            "tournament", f"must be >= 1, got {repetitions}", path="repetitions"
        )


def _normalised_scores(
    names: Sequence[str], matches: Sequence[MatchResult], repetitions: int
) -> dict[str, np.typing.NDArray[np.float64]]:
    """Per strategy and repetition, the mean payoff per turn over matches against others."""
    sums = {name: np.zeros(repetitions) for name in names}
    for match in matches:
        if match.a == match.b:
            continue  # axelrod's ResultSet leaves self-interactions out of the score
        sums[match.a] += np.asarray(match.totals_a) / match.turns
        sums[match.b] += np.asarray(match.totals_b) / match.turns
    return {name: total / (len(names) - 1) for name, total in sums.items()}


def _children(seq: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """The first ``n`` children ``seq.spawn(n)`` would give a fresh ``seq``, without spawning.

    ``spawn`` counts the children already handed out, so calling it on a caller's sequence would
    change that sequence and make a second play of the same seed differ.
    """
    return [
        np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, i), pool_size=seq.pool_size)
        for i in range(n)
    ]


class _Batch:
    """The matches of one call, laid out as slots (one per match, side and run) in flat arrays.

    Each strategy object owns a contiguous range of slots, so it reads and writes plain slices;
    ``partner[i]`` is the slot facing slot ``i``.
    """

    def __init__(
        self,
        pairings: Sequence[tuple[str, str]],
        seeds: Sequence[np.random.SeedSequence],
        turns: int,
        repetitions: int,
        game: PDPayoffs,
    ) -> None:
        self.pairings = pairings
        self.turns = turns
        self.repetitions = repetitions
        self.game = game

        def deterministic(name: str) -> bool:
            return not STRATEGIES[name].metadata.stochastic

        # Runs per match: one when both sides are deterministic (every repetition is the same).
        self.runs = [
            1 if deterministic(a) and deterministic(b) else repetitions for a, b in pairings
        ]
        # Owners of slots: a shared owner per deterministic strategy, one per side otherwise.
        owners: dict[object, list[tuple[int, int]]] = {}
        owner_seed: dict[object, np.random.SeedSequence | None] = {}
        for k, (pair, match_seed) in enumerate(zip(pairings, seeds, strict=True)):
            side_seeds = _children(match_seed, 2)
            for side, name in enumerate(pair):
                key: object = name if deterministic(name) else (k, side)
                owners.setdefault(key, []).append((k, side))
                owner_seed[key] = None if deterministic(name) else side_seeds[side]

        self.groups: list[tuple[Strategy, slice]] = []
        self.where: dict[tuple[int, int], slice] = {}  # (match, side) -> its slots
        start = 0
        for key, members in owners.items():
            group_start = start
            for k, side in members:
                self.where[k, side] = slice(start, start + self.runs[k])
                start += self.runs[k]
            k0, side0 = members[0]
            cls = STRATEGIES[pairings[k0][side0]]
            seq = owner_seed[key]
            rng = None if seq is None else np.random.Generator(np.random.PCG64(seq))
            self.groups.append((cls(start - group_start, rng, game), slice(group_start, start)))
        self.n_slots = start
        self.partner = np.empty(self.n_slots, dtype=np.intp)
        for k in range(len(pairings)):
            a, b = self.where[k, 0], self.where[k, 1]
            self.partner[a] = np.arange(b.start, b.stop)
            self.partner[b] = np.arange(a.start, a.stop)

    def play(self) -> tuple[MatchResult, ...]:
        moves = np.empty(self.n_slots, dtype=np.bool_)
        for strategy, slots in self.groups:
            moves[slots] = strategy.first()
        totals = np.zeros(self.n_slots)
        for turn in range(self.turns):
            other = moves[self.partner]
            payoff = self.game.realised(moves, other)
            totals += payoff
            if turn == self.turns - 1:
                break
            following = np.empty_like(moves)
            for strategy, slots in self.groups:
                following[slots] = strategy.next(moves[slots], other[slots], payoff[slots])
            moves = following

        results = []
        for k, (a, b) in enumerate(self.pairings):
            side_totals = []
            for side in (0, 1):
                values = totals[self.where[k, side]]
                if self.runs[k] == 1:
                    values = np.repeat(values, self.repetitions)
                side_totals.append(tuple(float(x) for x in values))
            results.append(MatchResult(a, b, self.turns, side_totals[0], side_totals[1]))
        return tuple(results)
