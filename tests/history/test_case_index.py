"""The case index equals what the parsed case files say, and `cases` reads it."""

from __future__ import annotations

import json
from pathlib import Path

from sanctionsim.history.case_index import build_index, library_table, read_index
from sanctionsim.scenario.library import case_ids
from support import run_sanctionsim


def test_the_committed_index_equals_the_parsed_files() -> None:
    built = build_index()
    assert sorted(built) == case_ids()
    assert read_index() == built, "stale: run python -m sanctionsim.history.case_index"


def test_cases_lists_the_index() -> None:
    result = run_sanctionsim("cases", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["cases"]
    assert [r["id"] for r in rows] == case_ids()
    index = read_index()
    for row in rows:
        assert {k: v for k, v in row.items() if k != "id"} == index[row["id"]]
    dprk = {r["id"]: r for r in rows}["dprk-2014"]
    assert (dprk["group"], dprk["ended_by"], dprk["record"]) == ("io", "ongoing", "cut off")
    assert dprk["cluster"] == {r["id"]: r for r in rows}["dprk-2006"]["cluster"]


def test_docs_cases_lists_the_index() -> None:
    """docs/cases.md's table of the library is the committed index's, a line per case."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    lines = (docs / "cases.md").read_text(encoding="utf-8").splitlines()
    sheets = {page.stem for page in (docs / "cases").glob("*.md")}
    table = library_table(read_index(), sheets)
    first = lines.index(table[0])
    assert lines[first : first + len(table)] == table
    assert not lines[first + len(table)].startswith("| `")
