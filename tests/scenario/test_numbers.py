"""Numbers that would break the arithmetic are refused where they are written (issue 16, item 6).

Non-finite numbers (``1e400``, ``!!float nan``, ``!!float inf``, ``.nan``, ``.inf``) are refused
in scenario, policy and spec files alike; a finite number too large for the model's sums
(``1.7e308``, or an unbounded log-normal whose tail reaches that far) is refused against the
documented bound :data:`~sanctionsim.scenario.yaml_source.MAX_MAGNITUDE`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sanctionsim.errors import ScenarioError
from sanctionsim.experiments.policies import load_policy
from sanctionsim.experiments.spec import load_spec
from sanctionsim.scenario.library import case_path
from sanctionsim.scenario.loader import load_text
from sanctionsim.scenario.yaml_source import MAX_MAGNITUDE
from support import run_sanctionsim as sanctionsim

DPRK = case_path("dprk-2014")
assert DPRK is not None
GOOD = DPRK.read_text(encoding="utf-8")
BREACH = """      un_breach_cost:
        distribution: {dist: triangular, low: 2.0, mode: 5.0, high: 10.0}
        analyst_estimate: true
        note: a permanent member breaching resolutions it drafted
"""
SLOPE = """      defection_premium_slope:
        distribution: {dist: triangular, low: 0.0, mode: 0.5, high: 2.0}
        analyst_estimate: true
"""
VALUE_TO = "      distribution: {dist: lognormal, median: 3000, sigma: 0.6, low: 500, high: 20000}"
NON_FINITE = ["1e400", "-1e400", "!!float nan", "!!float inf", "!!float -inf", ".nan", "-.Inf"]


def _with(number: str) -> str:
    assert BREACH in GOOD
    return GOOD.replace(BREACH, f"      un_breach_cost: {number}\n", 1)


def _line(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "case.yaml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("number", NON_FINITE)
def test_a_non_finite_number_in_a_scenario_is_a_located_error(number: str) -> None:
    text = _with(number)
    (problem,) = _problems(text)
    where = f"case.yaml:{_line(text, 'un_breach_cost: ')}:23: actors[0].payoffs.un_breach_cost:"
    assert problem.startswith(f"{where} non-finite number"), problem


def test_a_huge_utility_is_refused_against_the_documented_bound() -> None:
    text = _with("1.7e308").replace(SLOPE, "      defection_premium_slope: 1.7e308\n", 1)
    problems = _problems(text)
    assert len(problems) == 2
    slope, breach = _line(text, "defection_premium_slope: "), _line(text, "un_breach_cost: ")
    assert problems[0].startswith(
        f"case.yaml:{slope}:7: actors[0].payoffs.defection_premium_slope:"
    )
    assert problems[1].startswith(f"case.yaml:{breach}:7: actors[0].payoffs.un_breach_cost:")
    assert all(f"within ±{MAX_MAGNITUDE:g}" in p for p in problems)


def test_the_bound_itself_is_accepted() -> None:
    assert load_text(_with(f"{MAX_MAGNITUDE:.0f}"), "case.yaml").id == "dprk-2014"
    assert load_text(_with(f"{MAX_MAGNITUDE:.0f}.0"), "case.yaml").id == "dprk-2014"


def test_a_huge_integer_is_refused_too() -> None:
    (problem,) = _problems(_with("1" + "0" * 300))
    assert "actors[0].payoffs.un_breach_cost: a 301-digit integer is too large" in problem


def test_an_unbounded_lognormal_whose_tail_overflows_is_refused() -> None:
    assert VALUE_TO in GOOD
    text = GOOD.replace(
        VALUE_TO, "      distribution: {dist: lognormal, median: 3000, sigma: 900}", 1
    )
    (problem,) = _problems(text)
    where = f"case.yaml:{_line(text, 'median: 3000, sigma: 900')}:7"
    assert problem.startswith(f"{where}: demand.value_to.USA.distribution:"), problem
    assert "sigma" in problem


def test_a_bounded_lognormal_with_a_wide_sigma_is_still_accepted() -> None:
    text = GOOD.replace(
        VALUE_TO, "      distribution: {dist: lognormal, median: 3000, sigma: 900, high: 20000}"
    )
    assert load_text(text, "case.yaml").id == "dprk-2014"


@pytest.mark.parametrize("number", ["1e400", "!!float nan", "!!float inf", "1.7e308"])
def test_policy_files_refuse_them(tmp_path: Path, number: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "id: wide-snap\ndescription: snap back wider\nchanges:\n"
        f"  - change: set_snap_back\n    widen_by: {number}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_policy(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}:5:"), str(problem)
    assert "changes[0].widen_by: " in str(problem)


@pytest.mark.parametrize("number", ["1e400", "!!float nan", ".inf", "1.7e308"])
def test_specs_refuse_them(tmp_path: Path, number: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(f"scenarios: [dprk-2014]\ngrid:\n  target.resolve: [0.2, {number}]\n")
    with pytest.raises(ScenarioError) as caught:
        load_spec(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}:3:25: grid.target.resolve[1]: "), str(problem)
    assert "non-finite" in str(problem) or "too large" in str(problem)


def test_the_commands_exit_2_instead_of_crashing(tmp_path: Path) -> None:
    nan = tmp_path / "nan.yaml"
    nan.write_text(_with("!!float nan"))
    huge = tmp_path / "huge.yaml"
    huge.write_text(_with("1.7e308").replace(SLOPE, "      defection_premium_slope: 1.7e308\n"))
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "id: p\ndescription: d\nchanges:\n  - change: set_snap_back\n    widen_by: 1e400\n"
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(json.dumps({"scenarios": [str(nan)], "runs": 1024, "horizon": 3}))
    for args in (
        ("check", str(nan)),
        ("analyze", str(huge), "--json"),
        ("simulate", str(nan), "--runs", "1024", "--horizon", "3", "--json"),
        ("simulate", "dprk-2014", "--runs", "1024", "--policy", str(policy), "--json"),
        ("experiment", str(spec), "--out", str(tmp_path / "o"), "--json"),
    ):
        result = sanctionsim(*args, cwd=tmp_path, timeout=120)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
        assert re.match(r"error: \S+:\d+:\d+: \S+: ", result.stderr), result.stderr
