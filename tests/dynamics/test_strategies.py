"""Play-by-play transcripts of every strategy (in the manner of axelrod's ``versus_test``), the
vectorisation contract (runs are independent), metadata and the registry.

Expected transcripts are written out by hand from the published rules, not produced by the code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.dynamics.strategies import (
    GTFT,
    STRATEGIES,
    Alternator,
    Cooperator,
    Defector,
    Grudger,
    PDPayoffs,
    Random,
    Strategy,
    StrategyMetadata,
    SuspiciousTitForTat,
    TitFor2Tats,
    TitForTat,
    WinStayLoseShift,
    get_strategy,
    strategy_names,
)
from sanctionsim.errors import InputError


def _letters(moves: np.ndarray) -> str:
    return "".join("C" if m else "D" for m in moves)


def against_sequence(strategy: Strategy, other: str) -> str:
    """The strategy's moves, in one run, facing a fixed sequence of the other side's moves."""
    game = PDPayoffs()
    moves = []
    own = strategy.first()
    for turn, letter in enumerate(other):
        moves.append(bool(own[0]))
        if turn < len(other) - 1:
            observed = np.full(strategy.n_runs, letter == "C")
            payoff = np.array([game.payoff(bool(o), letter == "C") for o in own])
            own = strategy.next(own, observed, payoff)
    return _letters(np.array(moves))


def duel(a: type[Strategy], b: type[Strategy], turns: int) -> list[str]:
    """Pairs of moves ``"CD"`` (a's, b's) of two strategies facing each other in one run."""
    rng = np.random.default_rng(0)
    pa, pb = a(1, rng), b(1, rng)
    ma, mb = pa.first(), pb.first()
    rounds = []
    for _ in range(turns):
        rounds.append(_letters(ma) + _letters(mb))
        ma, mb = pa.next(ma, mb), pb.next(mb, ma)
    return rounds


@pytest.mark.parametrize(
    ("cls", "other", "expected"),
    [
        (Cooperator, "DDCDD", "CCCCC"),
        (Defector, "CCCCC", "DDDDD"),
        (TitForTat, "CDCDDC", "CCDCDD"),
        (TitForTat, "DDDD", "CDDD"),
        (Grudger, "CCDCCC", "CCCDDD"),
        (Grudger, "CCCCCC", "CCCCCC"),
        (TitFor2Tats, "DDDD", "CCDD"),
        (TitFor2Tats, "DCDCDC", "CCCCCC"),
        (TitFor2Tats, "CDDCDDD", "CCCDCCD"),
        (SuspiciousTitForTat, "CCCC", "DCCC"),
        (SuspiciousTitForTat, "DCDD", "DDCD"),
        (Alternator, "DDDDD", "CDCDC"),
        (Alternator, "CCCCC", "CDCDC"),
    ],
)
def test_transcript_against_fixed_moves(cls: type[Strategy], other: str, expected: str) -> None:
    assert against_sequence(cls(1), other) == expected


def test_win_stay_lose_shift_holds_first_and_keeps_what_won() -> None:
    # (C,C) win: stay C; (C,D) loss: shift to D; (D,C) win: stay D; (D,D) loss: shift to C.
    assert against_sequence(WinStayLoseShift(1), "CDCDCDC") == "CCDDCCD"
    assert against_sequence(WinStayLoseShift(1), "DDDDD") == "CDCDC"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (TitForTat, Alternator, ["CC", "CD", "DC", "CD", "DC"]),
        (TitForTat, SuspiciousTitForTat, ["CD", "DC", "CD", "DC"]),
        (Grudger, Alternator, ["CC", "CD", "DC", "DD", "DC"]),
        (WinStayLoseShift, Defector, ["CD", "DD", "CD", "DD"]),
        (TitFor2Tats, SuspiciousTitForTat, ["CD", "CC", "CC"]),
        (SuspiciousTitForTat, SuspiciousTitForTat, ["DD", "DD", "DD"]),
    ],
)
def test_transcript_between_strategies(
    a: type[Strategy], b: type[Strategy], expected: list[str]
) -> None:
    assert duel(a, b, len(expected)) == expected


def test_gtft_with_zero_generosity_is_tit_for_tat_and_with_full_is_cooperator() -> None:
    rng = np.random.default_rng(1)
    assert against_sequence(GTFT(1, rng, generosity=0.0), "CDDCD") == "CCDDC"
    assert against_sequence(GTFT(1, rng, generosity=1.0), "DDDDD") == "CCCCC"


def test_gtft_never_eases_after_the_other_side_held() -> None:
    # GTFT's memory-one vector is (1, p, 1, p): an observed hold is always answered by a hold.
    gtft = GTFT(500, np.random.default_rng(2))
    moves = gtft.first()
    for _ in range(20):
        moves = gtft.next(moves, np.ones(500, dtype=bool))
        assert moves.all()


def test_random_with_p_zero_or_one_is_constant() -> None:
    rng = np.random.default_rng(3)
    assert against_sequence(Random(1, rng, p=0.0), "CCCC") == "DDDD"
    assert against_sequence(Random(1, rng, p=1.0), "DDDD") == "CCCC"


def test_first_starts_a_new_game() -> None:
    grudger, tf2t = Grudger(1), TitFor2Tats(1)
    assert against_sequence(grudger, "DCC") == "CDD"
    assert against_sequence(grudger, "CCC") == "CCC"  # the grudge of the last game is gone
    assert against_sequence(tf2t, "CDD") == "CCC"
    assert against_sequence(tf2t, "DD") == "CC"  # the last game's D does not count here


DETERMINISTIC = [cls for cls in STRATEGIES.values() if not cls.metadata.stochastic]


@settings(max_examples=40, deadline=None)
@given(
    index=st.integers(0, len(DETERMINISTIC) - 1),
    others=st.lists(st.text(alphabet="CD", min_size=12, max_size=12), min_size=1, max_size=6),
)
def test_runs_are_independent(index: int, others: list[str]) -> None:
    # One object playing several runs at once must do in each run what a one-run object does.
    cls = DETERMINISTIC[index]
    batch = cls(len(others))
    observed = np.array([[letter == "C" for letter in seq] for seq in others])
    moves = [batch.first()]
    for turn in range(observed.shape[1] - 1):
        moves.append(batch.next(moves[-1], observed[:, turn]))
    together = ["".join("C" if m[run] else "D" for m in moves) for run in range(len(others))]
    assert together == [against_sequence(cls(1), seq) for seq in others]


def test_stochastic_strategies_require_an_explicit_generator() -> None:
    with pytest.raises(ValueError, match="Generator"):
        Random(3)
    with pytest.raises(ValueError, match="Generator"):
        GTFT(3)


def test_gtft_generosity_comes_from_the_game() -> None:
    rng = np.random.default_rng(0)
    assert GTFT(1, rng).generosity == pytest.approx(1 / 3)
    # R=4, P=2, S=1, T=6: min(1 - 2/3, 2/4) = 1/3; R=5, P=1, S=0, T=6: min(4/5, 4/5) = 0.8.
    assert GTFT(1, rng, PDPayoffs(R=4, P=2, S=1, T=6)).generosity == pytest.approx(1 / 3)
    assert GTFT(1, rng, PDPayoffs(R=5, P=1, S=0, T=6)).generosity == pytest.approx(0.8)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        GTFT(1, rng, PDPayoffs(R=3, P=1, S=0, T=7))  # 1 - 4/3 < 0
    with pytest.raises(ValueError, match="undefined"):
        GTFT(1, rng, PDPayoffs(R=1, P=1, S=1, T=1))


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="n_runs"):
        TitForTat(0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Random(1, np.random.default_rng(0), p=1.5)
    with pytest.raises(ValueError, match="finite"):
        PDPayoffs(R=math.nan)


def test_payoff_table_matches_the_named_payoffs() -> None:
    game = PDPayoffs(R=3, P=1, S=0, T=5)
    assert game.payoff(True, True) == 3
    assert game.payoff(False, False) == 1
    assert game.payoff(True, False) == 0
    assert game.payoff(False, True) == 5


def test_constant_strategies_return_read_only_arrays() -> None:
    moves = Cooperator(4).first()
    with pytest.raises(ValueError, match="read-only"):
        moves[0] = False


def test_registry_uses_axelrod_class_names_and_filters_by_metadata() -> None:
    assert list(STRATEGIES) == [
        "Cooperator",
        "Defector",
        "TitForTat",
        "Grudger",
        "TitFor2Tats",
        "SuspiciousTitForTat",
        "WinStayLoseShift",
        "Alternator",
        "GTFT",
        "Random",
    ]
    assert all(cls.name == name for name, cls in STRATEGIES.items())
    assert strategy_names(stochastic=True) == ("GTFT", "Random")
    assert len(strategy_names(stochastic=False)) == 8
    assert strategy_names(uses_game=True) == ("GTFT",)
    assert strategy_names(uses_payoffs=True) == ()
    assert strategy_names(max_memory_depth=1, stochastic=False) == (
        "Cooperator",
        "Defector",
        "TitForTat",
        "SuspiciousTitForTat",
        "WinStayLoseShift",
        "Alternator",
    )
    assert Grudger.metadata == StrategyMetadata(memory_depth=math.inf, stochastic=False)
    assert get_strategy("TitForTat") is TitForTat


def test_unknown_strategy_is_an_input_error_listing_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"unknown strategy 'Pavlov'.*WinStayLoseShift"):
        get_strategy("Pavlov")


@pytest.mark.parametrize("cls", list(STRATEGIES.values()))
def test_every_strategy_cites_its_origin(cls: type[Strategy]) -> None:
    doc = cls.__doc__ or ""
    assert any(str(year) in doc for year in range(1970, 2015)), cls.name
