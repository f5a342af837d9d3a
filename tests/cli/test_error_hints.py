"""Errors that help (issue 15, item 7): hints, plain words for YAML, every problem in one run.
Real processes of `sanctionsim check` and `show` on files written here."""

from __future__ import annotations

import re
from pathlib import Path

from support import run_sanctionsim as sanctionsim

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "examples" / "minimal-scenario.yaml").read_text(encoding="utf-8")
LOCATED = re.compile(r"^error: [^:\n]+:\d+:\d+: .+$")


def _check(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    result = sanctionsim("check", str(path))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert all(LOCATED.match(line) for line in lines), lines
    return lines


def _edit(old: str, new: str, text: str = MINIMAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_an_unknown_id_gets_the_closest_one(tmp_path: Path) -> None:
    (line,) = _check(tmp_path, _edit("    imposer: MEMB", "    imposer: MEBM"))
    assert line.endswith(
        "imposer 'MEBM' is not an actor (actors: LEAD, MEMB, TGT); did you mean 'MEMB'?"
    )
    unknown = sanctionsim("show", "dprk-2041")
    assert unknown.returncode == 2
    assert "did you mean 'dprk-" in unknown.stderr


def test_a_bad_date_says_the_format(tmp_path: Path) -> None:
    (line,) = _check(tmp_path, _edit("start: 2020-01-01", "start: 01/01/2020"))
    assert ":7:" in line
    assert line.endswith("; dates are YYYY-MM-DD")


def test_a_share_typed_as_a_percentage_is_named(tmp_path: Path) -> None:
    (line,) = _check(tmp_path, _edit("trade_share: {value: 0.3,", "trade_share: {value: 15,"))
    assert line.endswith("got 15.0; 15 looks like a percentage: shares are 0.15")
    (above,) = _check(tmp_path, _edit("trade_share: {value: 0.3,", "trade_share: {value: 150,"))
    assert "percentage" not in above


def test_indentation_errors_are_said_in_plain_words(tmp_path: Path) -> None:
    cases = {
        "   role: member": ":21:4: invalid YAML: this line is indented by 3 spaces",
        "     role: member": ":21:10: invalid YAML: a 'key: value' where none can start",
        "\trole: member": "invalid YAML: a tab indents this line",
    }
    for bad, expected in cases.items():
        (line,) = _check(tmp_path, _edit("    role: member\n", bad + "\n"))
        assert expected in line, line
        for jargon in ("<block", "block end", "mapping values", "token"):
            assert jargon not in line, line


def test_a_files_independent_errors_come_in_one_run(tmp_path: Path) -> None:
    text = _edit("trade_share: {value: 0.3,", "trade_share: {value: 15,")
    text = _edit("    imposer: MEMB", "    imposer: MEMX", text)
    text = _edit("    legal_basis: unilateral", "    legal_basis: unilaterl", text)
    lines = _check(tmp_path, text)
    assert len(lines) == 3, lines
    assert "actors[1].trade_share: a share must lie in" in lines[0]  # schema
    assert "measures[0].legal_basis:" in lines[1]  # schema, in another part of the file
    assert "measures[1].imposer: imposer 'MEMX' is not an actor" in lines[2]  # cross-field


def test_cross_field_checks_stay_quiet_beside_a_refused_id(tmp_path: Path) -> None:
    # a refused actor id would make every reference to it look dangling: not reported
    text = _edit("  - id: MEMB", "  - id: 'MEMB!'")
    lines = _check(tmp_path, text)
    assert all("is not an actor" not in line for line in lines), lines
