"""The tournament's record: definitions of scores and ranking, inputs, errors, tidy frame."""

from __future__ import annotations

import numpy as np
import pytest

import sanctionsim
from sanctionsim.dynamics.tournament import play_match, play_matches, play_tournament
from sanctionsim.errors import InputError
from sanctionsim.game.stage import PDPayoffs


def test_two_strategies_self_play_is_played_but_not_scored() -> None:
    result = play_tournament(["Cooperator", "Defector"], turns=10, repetitions=2)
    assert [(m.a, m.b) for m in result.matches] == [
        ("Cooperator", "Cooperator"),
        ("Cooperator", "Defector"),
        ("Defector", "Defector"),
    ]
    assert result.matches[0].totals_a == (30.0, 30.0)
    assert result.matches[1].totals_a == (0.0, 0.0)
    assert result.matches[1].totals_b == (50.0, 50.0)
    # Only the match against the other strategy counts: S = 0 and T = 5 per turn.
    assert result.scores == {"Cooperator": 0.0, "Defector": 5.0}
    assert result.ranking == ("Defector", "Cooperator")


def test_scores_are_mean_payoff_per_turn_against_the_others() -> None:
    names = ["TitForTat", "Random", "Alternator", "GTFT"]
    result = play_tournament(names, turns=25, repetitions=3, seed=4)
    for name in names:
        per_turn = []
        for m in result.matches:
            if m.a != m.b and name in (m.a, m.b):
                totals = m.totals_a if m.a == name else m.totals_b
                per_turn.append([t / m.turns for t in totals])
        per_repetition = np.mean(per_turn, axis=0)
        assert result.normalised_scores[name] == pytest.approx(tuple(per_repetition))
        assert result.scores[name] == pytest.approx(per_repetition.mean())
        assert result.median_scores[name] == pytest.approx(np.median(per_repetition))
    medians = [result.median_scores[name] for name in result.ranking]
    assert medians == sorted(medians, reverse=True)


def test_ties_keep_the_input_order() -> None:
    # Against each other both always hold: 3 per turn each.
    ab = play_tournament(["TitForTat", "Cooperator"], turns=5, repetitions=1)
    ba = play_tournament(["Cooperator", "TitForTat"], turns=5, repetitions=1)
    assert ab.ranking == ("TitForTat", "Cooperator")
    assert ba.ranking == ("Cooperator", "TitForTat")


def test_payoffs_are_configurable() -> None:
    game = PDPayoffs(R=4, P=2, S=-1, T=7)
    result = play_tournament(["Cooperator", "Defector"], turns=3, repetitions=1, game=game)
    assert result.scores == {"Cooperator": -1.0, "Defector": 7.0}
    assert result.game == game
    assert play_match("Defector", "Defector", turns=3, game=game).totals_a == (6.0,)


def test_record_holds_the_inputs_version_and_timings() -> None:
    result = play_tournament(["TitForTat", "Grudger"], turns=7, repetitions=2, seed=3)
    assert (result.turns, result.repetitions, result.seed) == (7, 2, 3)
    assert result.strategies == ("TitForTat", "Grudger")
    assert result.version == sanctionsim.__version__
    assert result.timings.play_seconds >= 0
    assert result.timings.summarise_seconds >= 0


def test_to_frame_has_one_row_per_match_side_and_repetition() -> None:
    result = play_tournament(["TitForTat", "Defector", "Random"], turns=10, repetitions=3)
    frame = result.to_frame()
    assert list(frame.columns) == [
        "strategy",
        "opponent",
        "repetition",
        "total",
        "per_turn",
        "self_play",
    ]
    assert len(frame) == 2 * 6 * 3
    assert frame["self_play"].sum() == 2 * 3 * 3
    row = frame[(frame.strategy == "TitForTat") & (frame.opponent == "Defector")].iloc[0]
    assert (row.total, row.per_turn) == (9.0, 0.9)


@pytest.mark.parametrize(
    ("kwargs", "path", "message"),
    [
        ({"strategies": ["TitForTat", "Nope"]}, "", "unknown strategy 'Nope'"),
        ({"strategies": ["TitForTat", "TitForTat"]}, "strategies", "listed twice"),
        ({"strategies": ["TitForTat"]}, "strategies", "at least two"),
        ({"turns": 0}, "turns", ">= 1"),
        ({"repetitions": 0}, "repetitions", ">= 1"),
        ({"seed": -1}, "seed", ">= 0"),
    ],
)
def test_bad_input_is_a_located_input_error(
    kwargs: dict[str, object], path: str, message: str
) -> None:
    arguments: dict[str, object] = {"strategies": ["TitForTat", "Defector"], **kwargs}
    with pytest.raises(InputError) as caught:
        play_tournament(**arguments)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.path == path
    assert message in problem.message


def test_play_matches_needs_one_seed_per_pairing() -> None:
    with pytest.raises(ValueError, match="one seed per pairing"):
        play_matches([("TitForTat", "Defector")], [], turns=3, repetitions=1)
