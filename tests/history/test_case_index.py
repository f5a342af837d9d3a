"""The case index equals what the parsed case files say, and `cases` reads it."""

from __future__ import annotations

import json

from sanctionsim.history.case_index import build_index, read_index
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
