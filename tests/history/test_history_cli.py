"""The history command on a terminal, and check's warning for records older than the protocol."""

from __future__ import annotations

import json
from pathlib import Path

from sanctionsim.scenario.library import case_path
from sanctionsim.versions import DEFAULT
from support import run_on_terminal, run_sanctionsim


def test_a_terminal_gets_a_progress_bar_and_stdout_stays_json(tmp_path: Path) -> None:
    status, stdout, drawn = run_on_terminal(
        "history", "libya-1992", "yugoslavia-1992", "--runs", "64", "--json", cwd=tmp_path
    )
    assert status == 0
    assert "forecasting cases" in drawn
    assert [c["id"] for c in json.loads(stdout)["cases"]] == ["libya-1992", "yugoslavia-1992"]


def test_check_warns_about_a_record_without_ended_by(tmp_path: Path) -> None:
    original = case_path("libya-1992")
    assert original is not None
    lines = original.read_text().splitlines(keepends=True)
    old = tmp_path / "old.yaml"
    old.write_text("".join(line for line in lines if not line.startswith("  ended_by:")))
    result = run_sanctionsim("check", str(old))
    assert result.returncode == 0, result.stderr
    warning = _warnings_but_unread_fields(result.stderr)
    assert len(warning) == 1
    assert f"{old}:" in warning[0]
    assert (
        "recorded_outcome: no ended_by: scored as ended by concession on 1999-04-05" in (warning[0])
    )
    current = run_sanctionsim("check", str(original))
    assert current.returncode == 0
    assert _warnings_but_unread_fields(current.stderr) == []


def _warnings_but_unread_fields(stderr: str) -> list[str]:
    """``check``'s warnings, but those naming version-2 fields the default version does not read
    (the case uses the language's new forms since issue 13's re-encoding)."""
    return [
        line
        for line in stderr.splitlines()
        if line.startswith("warning: ") and f"model {DEFAULT} does not read" not in line
    ]


def test_the_tables_end_with_the_skill_sentence() -> None:
    result = run_sanctionsim("history", "libya-1992", "yugoslavia-1992", "--runs", "64")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # Rich wraps long lines
    assert "The cases: group, episode age on start, how the record ends" in text
    assert "headline" in text
    assert "easing AUC" in text
    assert f"The model {DEFAULT} is" in text
    assert text.rstrip().endswith("2 cases in 2 clusters).")
