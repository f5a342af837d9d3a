"""The score history only grows, docs/cases.md shows it, and its current row is today's figure."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest

from sanctionsim.history.track_record import COLUMNS, EVENT_KINDS, current_row, score_history
from sanctionsim.versions import VERSIONS
from support import history_of, rerun_in_full, run_unmeasured

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src" / "sanctionsim" / "history" / "data" / "score_history.csv"

# Rows committed before this test existed: the history may only grow past them.
FIRST_ROWS = [
    ("a5f2b7a", "0", "0.518699"),
    ("7843adf", "1", "0.596922"),
    ("0b72645", "1", "0.576175"),
]


def test_the_history_only_grows() -> None:
    with SHIPPED.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        rows = list(reader)
    assert [(r["commit"], r["protocol"], r["headline"]) for r in rows[: len(FIRST_ROWS)]] == (
        FIRST_ROWS
    )
    assert len(score_history()) == len(rows)
    current = [r for r in rows if r["current"] == "yes"]
    assert len({r["model_version"] for r in current}) == len(current)  # one per model version


def test_docs_cases_shows_every_row() -> None:
    text = (ROOT / "docs" / "cases.md").read_text()
    table = [line for line in text.splitlines() if line.startswith("| 2") and "| `" in line]
    assert len(table) == len(score_history())
    for line, row in zip(table, score_history(), strict=True):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[1] == f"`{row.commit}`"
        assert cells[2] == str(row.protocol)
        assert cells[3].startswith(row.model_version)
        assert ("(current)" in cells[3]) == row.current
        assert cells[5] == f"{row.cases} ({row.clusters})"
        assert cells[6] == f"{row.headline:.3f}"


def test_the_commits_named_exist() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: commits cannot be looked up")
    for row in score_history():
        found = subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{row.commit}^{{commit}}"], check=False
        )
        assert found.returncode == 0, row.commit


# The frozen versions' forecasts are held unchanged case by case (test_frozen_versions.py); the
# full re-run of each, most of a minute, is asked for with SANCTIONSIM_RERUN_ALL=1.
RERUN = list(VERSIONS) if os.environ.get("SANCTIONSIM_RERUN_ALL") == "1" else list(rerun_in_full())


@pytest.mark.slow
@pytest.mark.parametrize("model", RERUN)
def test_the_current_row_is_what_history_prints_now(model: str) -> None:
    row = current_row(model)
    result = run_unmeasured(*history_of(model))  # most of a minute: first in the queue
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["protocol_version"] == row.protocol
    assert document["model_version"] == row.model_version
    scored = [c for c in document["cases"] if c["brier"] is not None]
    assert len(scored) == row.cases
    assert len({c["cluster"] for c in scored}) == row.clusters
    assert document["model"]["brier"] == pytest.approx(row.headline, abs=5e-7)
    assert document["best_reference"] == row.best_reference
    best = document["references"][row.best_reference]["brier"]
    assert best == pytest.approx(row.best_reference_brier, abs=5e-7)
    skill = document["skill"]["vs_best"]
    assert skill["difference"] == pytest.approx(row.skill_vs_best, abs=5e-7)
    assert skill["ci95"] == pytest.approx([row.skill_ci95_low, row.skill_ci95_high], abs=5e-7)
    opening = f"Track record of model {model} on {row.cases} historical cases"
    assert row.sentence().startswith(opening)
    for kind, brier in document["model"]["by_kind"].items():
        assert row.brier_by_kind[kind] == pytest.approx(brier, abs=5e-7)
        reference = document["references"][row.best_reference]["by_kind"][kind]
        assert row.reference_brier_by_kind[kind] == pytest.approx(reference, abs=5e-7)


def test_the_current_row_has_a_line_per_event_kind() -> None:
    from sanctionsim.history.protocol import EVENT_KINDS as PROTOCOL_KINDS

    assert EVENT_KINDS == PROTOCOL_KINDS
    row = current_row("v1")
    lines = {kind: row.kind_sentence(kind) for kind in EVENT_KINDS}
    assert len(set(lines.values())) == len(EVENT_KINDS)
    for kind, line in lines.items():
        assert f"Brier {row.brier_by_kind[kind]:.3f} against" in line
        assert line != row.sentence()
    older = score_history()[0]
    assert older.brier_by_kind["concession"] is None
    assert older.kind_sentence("concession") == older.sentence()
