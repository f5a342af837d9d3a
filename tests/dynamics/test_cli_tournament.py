"""``sanctionsim tournament``: the JSON contract, the table, and exit status 2 on bad flags."""

from __future__ import annotations

import json

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner, Result

from sanctionsim.cli import app
from sanctionsim.dynamics.strategies import STRATEGIES


def invoke(*args: str) -> Result:
    # While ``tournament`` is the app's only command, Typer runs it as the app itself; once other
    # commands are registered it is a subcommand. Either way this drives the real app.
    command = typer.main.get_command(app)
    prefix = ["tournament"] if isinstance(command, TyperGroup) else []
    return CliRunner().invoke(app, [*prefix, *args])


def test_json_contract() -> None:
    result = invoke("--turns", "20", "--repetitions", "2", "--seed", "5", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"turns", "repetitions", "seed", "scores", "ranking", "matches"}
    assert (document["turns"], document["repetitions"], document["seed"]) == (20, 2, 5)
    assert list(document["scores"]) == list(STRATEGIES)  # all ten by default
    assert sorted(document["ranking"]) == sorted(STRATEGIES)
    assert len(document["matches"]) == 10 * 11 // 2
    assert set(document["matches"][0]) == {"a", "b", "score_a", "score_b"}


def test_json_matches_hold_the_first_repetitions_totals() -> None:
    result = invoke("--strategy", "TitForTat", "--strategy", "Alternator", "--turns", "4", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["repetitions"] == 10
    assert document["matches"][1] == {
        "a": "TitForTat",
        "b": "Alternator",
        "score_a": 8.0,  # moves CC, CD, DC, CD: 3 + 0 + 5 + 0
        "score_b": 13.0,  # 3 + 5 + 0 + 5
    }


def test_table_lists_every_strategy_ranked() -> None:
    result = invoke("--strategy", "Defector", "--strategy", "Cooperator", "--turns", "5")
    assert result.exit_code == 0, result.stderr
    assert "Defector" in result.stdout
    assert result.stdout.index("Defector") < result.stdout.index("Cooperator")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "Pavlov", "--strategy", "TitForTat"], "--strategy: unknown strategy"),
        (["--strategy", "TitForTat"], "--strategy: a tournament needs at least two"),
        (["--strategy", "Random", "--strategy", "Random"], "--strategy: 'Random' is given twice"),
        (["--turns", "0"], "--turns: must be at least 1, got 0"),
        (["--repetitions", "-3"], "--repetitions: must be at least 1, got -3"),
        (["--seed", "-1"], "--seed: must be >= 0, got -1"),
    ],
)
def test_bad_input_exits_2_with_a_located_error(args: list[str], message: str) -> None:
    result = invoke(*args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {message}")
    assert "Traceback" not in result.stderr
