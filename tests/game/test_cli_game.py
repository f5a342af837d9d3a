"""``sanctionsim game solve``: the JSON contract and exit status 2 for bad files."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctionsim.cli import app

from .conftest import CORPUS
from .test_corpus_oracle import same_set

LOCATED = re.compile(r"^error: .+:\d+:\d+: .+$")
runner = CliRunner()


def _run(*args: str) -> Any:
    return runner.invoke(app, ["game", "solve", *args])


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


PD = b'NFG 1 R "PD" { "Row" "Col" } { 2 2 }\n3 3 5 0 0 5 1 1\n'


def test_json_contract_on_a_small_game(tmp_path: Path) -> None:
    result = _run(str(_write(tmp_path, "pd.nfg", PD)), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["players"] == 2
    assert document["shape"] == [2, 2]
    assert document["pure"] == [[1, 1]]
    assert document["mixed"] == [[[0.0, 1.0], [0.0, 1.0]]]
    assert document["mixed_exact"] == [[["0", "1"], ["0", "1"]]]


BATTLE = (
    b'NFG 1 R "Battle" { "Row" "Col" } { { "Opera" "Fight" } { "Opera" "Fight" } }\n""\n'
    b'{ { "" 2, 1 } { "" 0, 0 } { "" 0, 0 } { "" 1, 2 } }\n1 2 3 4\n'
)


def test_csv_is_the_json_equilibria_as_a_tidy_table(tmp_path: Path) -> None:
    game = _write(tmp_path, "battle.nfg", BATTLE)
    document = json.loads(_run(str(game), "--json").stdout)
    result = _run(str(game), "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "game", "kind", "equilibrium", "player", "strategy", "probability", "exact"
    ]  # fmt: skip
    names = {"Row": 0, "Col": 1}
    strategies = ["Opera", "Fight"]
    pure = [r for r in rows if r["kind"] == "pure"]
    assert len(pure) == len(document["pure"]) * 2 * 2  # every player's every strategy
    for row in pure:
        chosen = document["pure"][int(row["equilibrium"]) - 1][names[row["player"]]]
        played = strategies.index(row["strategy"]) == chosen
        assert (float(row["probability"]), row["exact"]) == ((1.0, "1") if played else (0.0, "0"))
    mixed = [r for r in rows if r["kind"] == "mixed"]
    assert len(mixed) == len(document["mixed"]) * 2 * 2
    for row in mixed:
        k, i, s = (
            int(row["equilibrium"]) - 1,
            names[row["player"]],
            strategies.index(row["strategy"]),
        )
        assert float(row["probability"]) == document["mixed"][k][i][s]
        assert row["exact"] == document["mixed_exact"][k][i][s]
    assert any(Fraction(r["exact"]) not in (0, 1) for r in mixed)  # the truly mixed one is there
    assert {r["game"] for r in rows} == {"Battle"}


def test_json_and_csv_together_are_refused_before_reading_the_file(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "absent.nfg"), "--json", "--csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: --csv: choose --json or --csv, not both\n"


def test_table_output_names_strategies(tmp_path: Path) -> None:
    result = _run(str(_write(tmp_path, "pd.nfg", PD)))
    assert result.exit_code == 0
    assert "Pure Nash equilibria" in result.stdout
    assert "Extreme Nash equilibria" in result.stdout


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["coord3.nfg", "2x2x2.nfg", "csg2.nfg"])
def test_json_matches_gambit_on_corpus(name: str, expected: dict[str, Any]) -> None:
    result = _run(str(CORPUS / name), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    want = expected[name]
    assert document["players"] == want["players"]
    assert document["shape"] == want["shape"]
    assert document["pure"] == want["pure"]
    if want["players"] == 2:
        exact = [[[Fraction(p) for p in s] for s in eq] for eq in want["extreme_mixed"]]
        assert same_set(document["mixed"], exact)
        assert same_set(
            [[[Fraction(p) for p in s] for s in eq] for eq in document["mixed_exact"]],
            exact,
            tol=0.0,
        )
    else:
        assert "mixed" not in document


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.nfg", b"", "empty file"),
        ("binary.nfg", b"\x00\x01\x02NFG", "binary"),
        ("latin1.nfg", b'NFG 1 R "caf\xe9" { "a" } { 1 } 1', "not UTF-8"),
        ("truncated.nfg", b'NFG 1 R "x" { "a" "b" } { 2 2 }\n1 2 3', "expected 8 payoffs"),
        ("badnum.nfg", b'NFG 1 R "x" { "a" } { 2 }\n1 1/0', "invalid number"),
        ("notnfg.nfg", b"EFG 2 R", "not a Gambit strategic-form file"),
    ],
)
def test_bad_files_exit_2_with_located_message(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    result = _run(str(_write(tmp_path, name, content)), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines
    assert all(LOCATED.match(line) for line in lines), lines
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_and_directory_exit_2(tmp_path: Path) -> None:
    for target, fragment in [(tmp_path / "nope.nfg", "no such file"), (tmp_path, "directory")]:
        result = _run(str(target))
        assert result.exit_code == 2
        assert LOCATED.match(result.stderr.strip()), result.stderr
        assert fragment in result.stderr


def test_real_process_exit_status(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.nfg", b'NFG 1 R "x" { "a" } { 2 }\n1 oops')
    proc = subprocess.run(
        [sys.executable, "-m", "sanctionsim", "game", "solve", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {bad}:2:3: ")
    assert "Traceback" not in proc.stderr
