"""Error reporting is bounded: a file with thousands of problems reports a few hundred and says
how many more there are, and node limits stop the reading early (issue 16, item 5).

Speed itself is measured by ``benchmarks/bench_hostile_files.py`` (docs/benchmarks.md), never
asserted here.
"""

from __future__ import annotations

import re

import pytest

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario import yaml_source
from sanctionsim.scenario.library import case_path
from sanctionsim.scenario.loader import MAX_PROBLEMS, load_text

DPRK = case_path("dprk-2014")
assert DPRK is not None
GOOD = DPRK.read_text(encoding="utf-8")


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "case.yaml")
    return [str(p) for p in caught.value.problems]


def test_thousands_of_unknown_keys_report_a_capped_list_and_a_count() -> None:
    extra = "".join(f"k{i:05d}: 1\n" for i in range(5_000))  # under the 20,000-value limit
    problems = _problems(GOOD + extra)
    assert len(problems) == MAX_PROBLEMS + 1
    first_line = GOOD.count("\n") + 1
    assert problems[0] == f"case.yaml:{first_line}:1: k00000: unknown key 'k00000'"
    assert problems[MAX_PROBLEMS - 1].startswith(f"case.yaml:{first_line + MAX_PROBLEMS - 1}:1:")
    assert problems[-1] == f"case.yaml: \u2026 and {5_000 - MAX_PROBLEMS} more problems"


def test_a_few_problems_are_all_reported_without_a_count() -> None:
    extra = "".join(f"k{i}: 1\n" for i in range(3))
    problems = _problems(GOOD + extra)
    assert len(problems) == 3
    assert not any("more problems" in p for p in problems)


def test_a_union_field_still_reports_the_deeper_problem_only() -> None:
    text = GOOD.replace("  value_to:\n    USA:\n", "  value_to:\n    USA:\n      valeu: 3\n", 1)
    problems = [p for p in _problems(text) if "value_to.USA" in p]
    assert problems, problems
    assert all("expected a number" not in p for p in problems), problems


def test_the_node_limit_stops_composition_before_the_document_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nodes are counted while composing: the reader stops at the limit, so it never reaches
    the syntax error at the end of the file (composing all of it first would)."""
    monkeypatch.setattr(yaml_source, "MAX_NODES", 1_000)
    text = "a:\n" + "- 1\n" * 5_000 + "b: [unclosed\n"
    (problem,) = _problems(text)
    match = re.match(r"case\.yaml:(\d+):\d+: .*more than 1,000 values", problem)
    assert match, problem
    assert int(match[1]) <= 1_010
