"""The 2x2 topology: textbook games, the 144 classes, symmetries, ties, Martin's types."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from sanctionsim.game.topology import (
    EASE,
    HOLD,
    SYMMETRIC_GAMES,
    GameClass,
    all_classes,
    bimatrix,
    class_of,
    classify,
    defection_incentive,
    dominant_action,
    is_strict,
    is_symmetric,
    martin_type,
    ordinal_form,
    pure_equilibria,
    relabel,
    strict_ordinal_games,
    swap_players,
    symmetric_game,
)

ALL_GAMES = [g.astype(float) for g in strict_ordinal_games()]


def relabellings(game: NDArray[np.float64]) -> list[NDArray[np.float64]]:
    return [
        relabel(game, rows=rows, columns=columns)
        for rows, columns in itertools.product((False, True), repeat=2)
    ]


# --------------------------------------------------------------------------- textbook games

# (name, code, payoffs as (R, S, T, P) with action 0 = cooperate)
TEXTBOOK = [
    ("Prisoner's Dilemma", "Pd", (3, 0, 5, 1)),  # Axelrod's tournament payoffs
    ("Prisoner's Dilemma", "Pd", (-1, -10, 0, -5)),  # years in prison, negated
    ("Chicken", "Ch", (0, -1, 1, -10)),  # swerve / straight
    ("Chicken", "Ch", (3, 1, 5, 0)),  # snowdrift: V - C/2 > V - C > 0
    ("Stag Hunt", "Sh", (5, 0, 4, 2)),
    ("Stag Hunt", "Sh", (10, 1, 8, 5)),
    ("Deadlock", "Dl", (1, 0, 3, 2)),
    ("Harmony", "Ha", (4, 3, 2, 1)),
    ("Battle", "Bt", (1, 2, 3, 0)),  # T > S > R > P: Rapoport's Leader
    ("Hero", "Hr", (0, 2, 3, 1)),
]


@pytest.mark.parametrize(("name", "code", "rstp"), TEXTBOOK)
def test_textbook_games_are_classified_in_every_labelling(
    name: str, code: str, rstp: tuple[float, float, float, float]
) -> None:
    game = symmetric_game(*rstp)
    for labelled in relabellings(game):
        result = classify(labelled)
        assert result.strict
        assert result.game_class is not None
        assert result.game_class.name == name
        assert result.game_class.code == code
        assert result.game_class.symmetric
        # the same game with the players' seats exchanged, and on another scale
        assert class_of(swap_players(labelled)).code == code
        assert class_of(7.0 * labelled - 3.0).code == code
        assert class_of(np.cbrt(labelled)).code == code


def test_textbook_games_given_as_bimatrices() -> None:
    pd = bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert class_of(pd).name == "Prisoner's Dilemma"
    # the same dilemma written with "defect" as the first action of both players
    assert class_of(bimatrix([[1, 5], [0, 3]], [[1, 0], [5, 3]])).name == "Prisoner's Dilemma"
    chicken = bimatrix([[-10, 1], [-1, 0]], [[-10, -1], [1, 0]])  # straight first
    assert class_of(chicken).name == "Chicken"


def test_the_harmony_family_spans_concord_harmony_and_peace() -> None:
    # R > T and S > P in every order: Bruns names three games
    codes = {
        class_of(symmetric_game(*rstp)).code for rstp in [(4, 3, 2, 1), (4, 2, 3, 1), (4, 3, 1, 2)]
    }
    assert codes == {"Ha", "Cc", "Pc"}


def test_symmetric_games_have_the_ordering_they_are_named_for() -> None:
    orderings = {g.code: g.ordering for g in SYMMETRIC_GAMES}
    assert orderings["Pd"] == "T>R>P>S"
    assert orderings["Ch"] == "T>R>S>P"
    assert orderings["Sh"] == "R>T>P>S"
    assert orderings["Dl"] == "T>P>R>S"
    assert orderings["Ha"] == "R>S>T>P"
    assert [g.index for g in SYMMETRIC_GAMES] == list(range(1, 13))


# --------------------------------------------------------------------------- the 144 classes


def test_every_strict_game_gets_exactly_one_class_and_there_are_144() -> None:
    assert len(ALL_GAMES) == 576
    found = Counter(class_of(g) for g in ALL_GAMES)
    assert len(found) == 144
    assert set(found.values()) == {4}  # each class is one orbit of the 4 relabellings
    assert set(found) == set(all_classes())
    assert len({c.code for c in found}) == 144
    assert len({c.coordinates for c in found}) == 144


def test_twelve_symmetric_classes_and_78_up_to_swapping_players() -> None:
    classes = all_classes()
    assert sum(c.symmetric for c in classes) == 12
    assert all(c.transposed().transposed() == c for c in classes)
    unordered = {frozenset({c, c.transposed()}) for c in classes}
    assert len(unordered) == 78  # Rapoport & Guyer's count


def test_relabelling_is_quotiented_and_swapping_players_transposes() -> None:
    for game in ALL_GAMES:
        cls = class_of(game)
        assert all(class_of(other) == cls for other in relabellings(game))
        assert class_of(swap_players(game)) == cls.transposed()


def test_symmetric_detection_agrees_with_the_classes() -> None:
    for game in ALL_GAMES:
        assert is_symmetric(game, ordinal=True) == class_of(game).symmetric


def test_layer_is_the_alignment_of_the_best_outcomes() -> None:
    for game in ALL_GAMES:
        row_best = np.unravel_index(np.argmax(game[:, :, 0]), (2, 2))
        column_best = np.unravel_index(np.argmax(game[:, :, 1]), (2, 2))
        if row_best == column_best:
            expected = 4
        elif row_best[0] == column_best[0]:
            expected = 2
        elif row_best[1] == column_best[1]:
            expected = 3
        else:
            expected = 1
        assert class_of(game).layer == expected


def test_representatives_round_trip() -> None:
    for cls in all_classes():
        game = cls.representative()
        assert is_strict(game)
        assert class_of(game) == cls


def test_equilibrium_structure_of_the_symmetric_games() -> None:
    expected = {
        "Ch": 2, "Bt": 2, "Hr": 2, "Sh": 2, "As": 2, "Cr": 2,
        "Pd": 1, "Dl": 1, "Co": 1, "Ha": 1, "Pc": 1, "Cc": 1,
    }  # fmt: skip
    for sym in SYMMETRIC_GAMES:
        game = symmetric_game(*sym.ranks)
        assert len(pure_equilibria(game)) == expected[sym.code], sym.name
    assert pure_equilibria(symmetric_game(3, 1, 4, 2)) == ((EASE, EASE),)
    assert pure_equilibria(symmetric_game(4, 1, 3, 2)) == ((HOLD, HOLD), (EASE, EASE))


# --------------------------------------------------------------------------- properties

# distinct payoffs on a grid of 1/7: strict, and still strict after the rescalings below
distinct_payoffs = st.lists(st.integers(-10_000, 10_000), min_size=4, max_size=4, unique=True).map(
    lambda values: [v / 7 for v in values]
)


@st.composite
def strict_games(draw: st.DrawFn) -> NDArray[np.float64]:
    row = draw(distinct_payoffs)
    column = draw(distinct_payoffs)
    return bimatrix(np.reshape(row, (2, 2)), np.reshape(column, (2, 2)))


@settings(max_examples=300, deadline=None)
@given(strict_games(), st.booleans(), st.booleans())
def test_property_symmetries_of_the_classification(
    game: NDArray[np.float64], rows: bool, columns: bool
) -> None:
    cls = class_of(game)
    assert class_of(relabel(game, rows=rows, columns=columns)) == cls
    assert class_of(swap_players(game)) == cls.transposed()
    assert class_of(ordinal_form(game)) == cls
    # a strictly increasing change of one player's scale changes nothing
    rescaled = game.copy()
    rescaled[:, :, 1] = np.tanh(rescaled[:, :, 1] / 1e3) * 5 + 2
    assert class_of(rescaled) == cls


@settings(max_examples=200, deadline=None)
@given(strict_games())
def test_property_dominance_and_equilibria(game: NDArray[np.float64]) -> None:
    equilibria = pure_equilibria(game)
    for player in (0, 1):
        dominant = dominant_action(game, player)
        if dominant is not None:
            assert dominant.strict  # strict games have no weak-only dominance
            assert all(cell[player] == dominant.action for cell in equilibria)
    if dominant_action(game, 0) and dominant_action(game, 1):
        assert len(equilibria) == 1
    assert pure_equilibria(game, strict=True) == equilibria  # strict games: all strict
    assert defection_incentive(game, 0) == game[EASE, HOLD, 0] - game[HOLD, HOLD, 0]
    assert defection_incentive(game, 1) == game[HOLD, EASE, 1] - game[HOLD, HOLD, 1]


# --------------------------------------------------------------------------- ties


def test_ties_are_reported_not_classified() -> None:
    rousseau = symmetric_game(R=2, S=0, T=1, P=1)  # hare pays 1 whatever the other does
    result = classify(rousseau)
    assert not result.strict
    assert result.game_class is None
    assert result.message.startswith("not strict: row player ties (1, 0) and (1, 1) at 1")
    assert result.tie_types == ("middle", "middle")
    assert {c.code for c in result.adjacent} == {"Sh", "As", "ShAs", "AsSh"}
    with pytest.raises(ValueError, match="not strict"):
        class_of(rousseau)
    assert not is_strict(rousseau)
    assert ordinal_form(rousseau)[:, :, 0].tolist() == [[4, 1], [3, 3]]


@pytest.mark.parametrize(
    ("row", "tie_type"),
    [
        ([[2, 1], [0, 0]], "low"),
        ([[1, 0], [0, -1]], "middle"),
        ([[3, 3], [2, 1]], "high"),
        ([[1, 0], [1, 0]], "double"),
        ([[2, 2], [2, 1]], "triple"),
        ([[1, 0], [0, 0]], "basic"),
        ([[0, 0], [0, 0]], "zero"),
        ([[4, 3], [2, 1]], None),
    ],
)
def test_bruns_tie_types(row: list[list[float]], tie_type: str | None) -> None:
    game = bimatrix(row, [[4, 3], [2, 1]])
    assert classify(game).tie_types == (tie_type, None)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(1, 3), min_size=8, max_size=8),
    st.lists(st.floats(-0.4, 0.4, allow_nan=False), min_size=8, max_size=8),
)
def test_property_breaking_ties_lands_in_an_adjacent_class(
    values: list[int], noise: list[float]
) -> None:
    game = np.reshape(np.array(values, dtype=float), (2, 2, 2))
    result = classify(game)
    perturbed = game + np.reshape(noise, (2, 2, 2)) * 1e-3
    # a perturbation small enough to keep every strict preference breaks ties somehow
    if is_strict(perturbed):
        assert class_of(perturbed) in result.adjacent
    if result.strict:
        assert result.adjacent == (result.game_class,)


def test_tolerance_merges_nearly_equal_payoffs() -> None:
    game = symmetric_game(R=2, S=0, T=1 + 1e-12, P=1)
    assert classify(game).strict
    assert not classify(game, tol=1e-9).strict


# --------------------------------------------------------------------------- Martin's types

MARTIN = {
    "coincidence": bimatrix([[4, 3], [2, 1]], [[4, 2], [3, 1]]),
    "coercion": bimatrix([[4, 3], [1, 2]], [[3, 4], [1, 2]]),
    "coadjustment": bimatrix([[3, 1], [4, 2]], [[3, 4], [1, 2]]),
}


@pytest.mark.parametrize("kind", sorted(MARTIN))
def test_martins_tables(kind: str) -> None:
    game = MARTIN[kind]
    assert martin_type(game) == kind
    assert martin_type(np.exp(game)) == kind  # ordinal: any increasing rescaling
    assert martin_type(relabel(game, rows=True, columns=True)) is None  # S is identified


def test_martins_equilibria() -> None:
    assert pure_equilibria(MARTIN["coincidence"]) == ((HOLD, HOLD),)
    assert pure_equilibria(MARTIN["coercion"]) == ((HOLD, EASE),)  # F free-rides
    assert pure_equilibria(MARTIN["coadjustment"]) == ((EASE, EASE),)


def test_martin_types_over_all_strict_games() -> None:
    by_type: dict[str | None, set[GameClass]] = {}
    counts: Counter[str | None] = Counter()
    for game in ALL_GAMES:
        kind = martin_type(game)
        counts[kind] += 1
        by_type.setdefault(kind, set()).add(class_of(game))
    win_win_dominant = {"Ha", "Cc", "Pc"}
    assert {c.code for c in by_type["coadjustment"]} == {"Pd"}
    assert counts["coadjustment"] == 1
    assert all(
        c.row.code in win_win_dominant and c.column.code in win_win_dominant
        for c in by_type["coincidence"]
    )
    assert counts["coincidence"] == 9
    # the follower's configuration in coercion is a dominant-strategy "opposed" game
    assert {c.column.code for c in by_type["coercion"]} == {"Pd", "Dl", "Co"}
    assert counts["coercion"] == 18
    assert martin_type(symmetric_game(3, 2, 4, 1)) is None  # Chicken


def test_weak_dominance() -> None:
    game = symmetric_game(R=3, S=0, T=3, P=1)
    dominant = dominant_action(game, 0)
    assert dominant is not None
    assert (dominant.action, dominant.strict) == (EASE, False)
    assert dominant_action(symmetric_game(1, 1, 1, 1), 0) is None
    assert pure_equilibria(game, strict=True) == ((EASE, EASE),)
    assert set(pure_equilibria(game)) == {(HOLD, HOLD), (EASE, EASE)}


def test_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"shape \(2, 2, 2\)"):
        classify(np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="finite"):
        classify(np.full((2, 2, 2), np.nan))
    with pytest.raises(ValueError, match="player"):
        dominant_action(symmetric_game(3, 0, 5, 1), 2)


@pytest.mark.oracle
def test_pure_equilibria_agree_with_nashpy_on_all_strict_games() -> None:
    import nashpy as nash

    for game in ALL_GAMES:
        oracle = nash.Game(game[:, :, 0], game[:, :, 1])
        pure = {
            (int(np.argmax(sigma_r)), int(np.argmax(sigma_c)))
            for sigma_r, sigma_c in oracle.support_enumeration()
            if np.isclose(sigma_r.max(), 1.0) and np.isclose(sigma_c.max(), 1.0)
        }
        assert set(pure_equilibria(game)) == pure
