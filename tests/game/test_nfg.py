"""The .nfg reader: both body forms, strings, numbers, limits, and located errors only."""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.errors import GameFormatError
from sanctionsim.game import nfg
from sanctionsim.game.nfg import parse_nfg, read_nfg, write_nfg
from sanctionsim.game.normal_form import Game

from .conftest import corpus_files

OUTCOME_FORM = """NFG 1 R "Outcomes \\"quoted\\" and \\\\ slash" { "Row" "Col" }
{ { "U" "D" } { "L" "R" } }
"a comment"
{
{ "win" 3/2, -1 }
{ "lose" 0.25 2e1 }
}
1 2 0 1
"""


def test_outcome_form_with_escapes_rationals_and_null_outcome() -> None:
    game = parse_nfg(OUTCOME_FORM)
    assert game.title == 'Outcomes "quoted" and \\ slash'
    assert game.comment == "a comment"
    assert game.strategies == (("U", "D"), ("L", "R"))
    # contingencies: (U,L)=1, (D,L)=2, (U,R)=0 (null), (D,R)=1
    assert game.payoffs[0, 0].tolist() == [1.5, -1.0]
    assert game.payoffs[1, 0].tolist() == [0.25, 20.0]
    assert game.payoffs[0, 1].tolist() == [0.0, 0.0]
    assert game.exact is not None
    assert game.exact_array(0)[0, 0] == Fraction(3, 2)
    assert parse_nfg(write_nfg(game)) == game


def test_decimal_game_round_trips_floats() -> None:
    game = Game(np.random.default_rng(0).random((2, 3, 2)), title="floats")
    text = write_nfg(game)
    assert text.startswith("NFG 1 D")
    assert parse_nfg(text) == game


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("", "1:1", "expected 'NFG'"),
        ("NFG 2 R", "1:5", "unsupported .nfg version"),
        ('NFG 1 X "t"', "1:7", "'R' (rational) or 'D'"),
        ('NFG 1 R "t" { "a" "b" } { 2 }', "1:25", "2 players but strategies given for 1"),
        ('NFG 1 R "t" { "a" } { 2 }\n1', "2:2", "expected 2 payoffs"),
        ('NFG 1 R "t" { "a" } { 2 }\n1 x', "2:3", "expected a payoff number"),
        ('NFG 1 R "t" { "a" } { 0 }', "1:21", "player 1 has no strategies"),
        ('NFG 1 R "t" { "a" } { 2 }\n{ { "" 1 2 } } 1 1', "2:12", "has 2 payoffs"),
        ('NFG 1 R "t" { "a" } { 2 }\n1 2 3', "2:5", "unexpected '3'"),
        ('NFG 1 R "t', "1:9", "unterminated string"),
        ('NFG 1 R "t" { "a" } { 2 }\n1 @', "2:3", "unexpected character '@'"),
    ],
)
def test_errors_are_located(text: str, where: str, fragment: str) -> None:
    with pytest.raises(GameFormatError) as info:
        parse_nfg(text, "g.nfg")
    message = str(info.value)
    assert message.startswith(f"g.nfg:{where}: "), message
    assert fragment in message


def test_profile_limit_has_a_clear_message() -> None:
    text = 'NFG 1 R "t" { "a" "b" "c" } { 1000 1000 1000 }'
    with pytest.raises(GameFormatError, match="1,000,000,000 strategy profiles; the limit is"):
        parse_nfg(text)


def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.nfg"
    path.write_text(OUTCOME_FORM)
    monkeypatch.setattr(nfg, "MAX_FILE_BYTES", 10)
    with pytest.raises(GameFormatError, match="the limit is"):
        read_nfg(path)


corpus_texts = [p.read_text() for p in corpus_files()[:12]] or [OUTCOME_FORM]


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from([*corpus_texts, OUTCOME_FORM]),
    cut=st.integers(0, 2000),
    insert=st.text(alphabet='{}" ,/.-+e0123456789\\\nNFGRDx', max_size=8),
    drop=st.integers(0, 5),
)
def test_mutated_files_parse_or_raise_located_error(
    base: str, cut: int, insert: str, drop: int
) -> None:
    position = cut % (len(base) + 1)
    text = base[:position] + insert + base[position + drop :]
    try:
        game = parse_nfg(text, "m.nfg")
    except GameFormatError as error:
        problem = error.problems[0]
        assert problem.file == "m.nfg"
        assert problem.line is not None
        assert problem.column is not None
    else:
        assert isinstance(game, Game)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_raises_anything_else(text: str) -> None:
    with contextlib.suppress(GameFormatError):
        parse_nfg(text)
