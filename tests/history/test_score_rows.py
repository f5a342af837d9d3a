"""Rows of the score history are written from ``history --json``, in both places at once."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from sanctionsim.history import score_rows
from sanctionsim.history.score_rows import add_rows, row_from, table_line
from support import run_sanctionsim

ROOT = Path(__file__).resolve().parents[2]
# The rows of 2026-12-01 up to the sensitivity runs wrote their calibration cell by hand (a
# placeholder, the fitted values, the varied constant), in words the CSV does not hold.
HAND_WRITTEN = 39


@pytest.fixture(scope="module")
def document() -> dict[str, object]:
    """A real ``history --json`` of two built-in cases (few runs: the figures are not the point)."""
    result = run_sanctionsim("history", "dprk-2014", "libya-1992", "--runs", "64", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    csv_copy, docs_copy = tmp_path / "score_history.csv", tmp_path / "cases.md"
    shutil.copy(score_rows.SHIPPED_CSV, csv_copy)
    shutil.copy(score_rows.DOCS_CASES, docs_copy)
    return csv_copy, docs_copy


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_lines_are_written_as_docs_cases_shows_them() -> None:
    """Every shipped row after the first session's hand-written variants is reproduced."""
    lines = [line for line in score_rows.DOCS_CASES.read_text().splitlines() if line[:3] == "| 2"]
    lines = [line for line in lines if "| `" in line]
    rows = _rows(score_rows.SHIPPED_CSV)
    assert len(rows) == len(lines) > 600
    for row, line in list(zip(rows, lines, strict=True))[HAND_WRITTEN:]:
        assert table_line(row) == line


def test_a_row_carries_the_document_s_figures(document: dict[str, object]) -> None:
    row = row_from(document, date="2026-12-04", commit="abc1234", what="a check")
    model = document["model"]
    assert isinstance(model, dict)
    assert row["model_version"] == document["model_version"]
    assert (row["cases"], row["clusters"]) == ("2", "2")
    assert float(row["headline"]) == pytest.approx(model["brier"], abs=5e-7)
    assert row["calibration"].startswith("calibration-")
    assert " sha256:" in row["calibration"]
    assert row["what"].startswith("a check; ")
    assert tuple(row) == score_rows.COLUMNS


def test_a_current_row_replaces_its_version_s_current_row(
    document: dict[str, object], copies: tuple[Path, Path]
) -> None:
    csv_copy, docs_copy = copies
    before = _rows(csv_copy)
    version = str(document["model_version"])
    row = row_from(document, date="2026-12-04", commit="abc1234", what="a check")
    row["current"] = "yes"
    add_rows([row], csv_path=csv_copy, docs_path=docs_copy)
    after = _rows(csv_copy)
    assert after[:-1] == [
        {**r, "current": "no"} if r["model_version"] == version else r for r in before
    ]
    assert after[-1] == row
    assert [r for r in after if r["model_version"] == version and r["current"] == "yes"] == [row]
    lines = [line for line in docs_copy.read_text().splitlines() if line[:3] == "| 2"]
    assert sum(f"| {version} **(current)** |" in line for line in lines) == 1
    assert lines[-1] == table_line(row)


def test_the_command_adds_rows_and_refuses_bad_input(
    document: dict[str, object],
    tmp_path: Path,
    copies: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csv_copy, docs_copy = copies
    monkeypatch.setattr(score_rows, "SHIPPED_CSV", csv_copy)
    monkeypatch.setattr(score_rows, "DOCS_CASES", docs_copy)
    good, broken = tmp_path / "good.json", tmp_path / "broken.json"
    good.write_text(json.dumps(document))
    broken.write_text('{"cases": [')
    texts = csv_copy.read_text(), docs_copy.read_text()
    rest = ["--date", "2026-12-04", "--commit", "abc1234", "--what", "x"]
    assert score_rows.main([str(good), str(broken), *rest]) == 2
    assert (csv_copy.read_text(), docs_copy.read_text()) == texts
    assert score_rows.main([str(good), str(good), *rest]) == 0
    added = _rows(csv_copy)[-2:]
    assert [r["current"] for r in added] == ["no", "no"]
    assert added[0] == row_from(document, date="2026-12-04", commit="abc1234", what="x")
    docs_copy.write_text(docs_copy.read_text() + "| 2 | `x` |\n")
    texts = csv_copy.read_text(), docs_copy.read_text()
    assert score_rows.main([str(good), *rest]) == 2  # the two files disagree: nothing written
    assert (csv_copy.read_text(), docs_copy.read_text()) == texts
    with pytest.raises(SystemExit):
        score_rows.main([str(good), "--date", "4 Dec", "--commit", "a", "--what", "x"])
