"""The top-level Python API (issue 15, item 2): lazy, small, and the same code paths as the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import sanctionsim
from sanctionsim.errors import ArgumentError, ScenarioError
from sanctionsim.scenario.library import case_ids
from support import run_sanctionsim

GOLDEN_SPEC = Path(__file__).parents[1] / "golden" / "experiment.yaml"
HEAVY = ("numpy", "pandas", "pydantic", "pyarrow", "typer", "rich", "ruamel", "duckdb")


def test_importing_the_package_imports_no_heavy_module_until_a_function_is_used() -> None:
    probe = (
        "import sys, json, sanctionsim\n"
        f"before = [m for m in {HEAVY!r} + ('sanctionsim.api',) if m in sys.modules]\n"
        "sanctionsim.load\n"
        "after = 'sanctionsim.api' in sys.modules\n"
        "print(json.dumps([before, after, sorted(sanctionsim.__all__)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    before, after, exported = json.loads(done.stdout)
    assert before == []
    assert after is True
    names = "__version__ analyze apply_policy cases experiment history load simulate"
    assert exported == sorted(names.split())


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        _ = sanctionsim.simulat  # type: ignore[attr-defined]


def test_a_scenario_prints_one_line_not_its_contents() -> None:
    dprk = sanctionsim.load("dprk-2014")
    text = repr(dprk)
    assert len(text) < 200 < len(dprk.model_dump_json())
    assert text == (
        f"<Scenario dprk-2014: {dprk.title!r}, start {dprk.start}, {len(dprk.actors)} actors, "
        f"{len(dprk.measures)} measures>"
    )
    assert str(dprk) == text
    html = dprk._repr_html_()
    assert all(actor.name in html for actor in dprk.actors)


def test_simulate_is_the_command_lines_forecast(tmp_path: Path) -> None:
    result = sanctionsim.simulate("dprk-2014", runs=300, horizon=6, seed=4)
    done = run_sanctionsim(
        "simulate", "dprk-2014", "--runs", "300", "--horizon", "6", "--seed", "4", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == result.to_dict()
    assert (
        repr(result) == "<SimulationResult dprk-2014 from 2014-07-04: 300 runs, 6 months, seed 4>"
    )
    frame = result.to_frame()
    assert list(frame.columns[:5]) == ["scenario", "start", "runs", "horizon", "seed"]
    eases = frame[frame["metric"] == "p_member_eases"].set_index("key")
    for member, interval in result.metrics.p_member_eases.items():
        assert eases.loc[member, "mean"] == interval.mean
        assert eases.loc[member, "mc_low"] == interval.low
        assert eases.loc[member, "mc_high"] == interval.high
    cohesion = frame[frame["metric"] == "cohesion_final"].iloc[0]
    assert cohesion["q05"] == result.curves.cohesion_quantiles["q05"][-1]
    assert cohesion["q05"] <= cohesion["mean"] <= cohesion["q95"]
    curves = result.curves.to_frame()
    assert sorted(curves["month"].unique()) == list(range(1, 7))
    html = result._repr_html_()
    assert html.startswith(f"<table><caption>{result.caption()}</caption>")
    assert "<th>seed</th>" not in html  # the caption says it; the rows hold the metrics
    assert html.count("<tr>") == len(frame) + 1
    assert "Monte Carlo error" in html


def test_a_policy_given_to_simulate_is_the_policy_applied_first() -> None:
    dprk = sanctionsim.load("dprk-2014")
    changed = sanctionsim.apply_policy(dprk, ["snap-back", "relist-sst"])
    assert changed.id == "dprk-2014.snap-back.relist-sst"
    assert changed != dprk
    direct = sanctionsim.simulate(dprk, runs=200, horizon=4, policy=["snap-back", "relist-sst"])
    assert direct.to_dict() == sanctionsim.simulate(changed, runs=200, horizon=4).to_dict()


def test_simulate_at_a_date_forecasts_from_it_and_warns_before_every_measure() -> None:
    with pytest.warns(UserWarning, match="1980-01-01 precedes every measure of dprk-2014"):
        early = sanctionsim.simulate("dprk-2014", runs=100, horizon=3, at="1980-01-01")
    assert early.start == "1980-01-01"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        later = sanctionsim.simulate("dprk-2014", runs=100, horizon=3, at="2016-03-02")
    assert later.start == "2016-03-02"


def test_analyze_gives_one_row_per_member_and_takes_a_date_as_text() -> None:
    result = sanctionsim.analyze("dprk-2014", "2014-07-04")
    assert result.to_dict() == sanctionsim.analyze("dprk-2014").to_dict()
    frame = result.to_frame()
    assert frame["member"].tolist() == [m.member for m in result.members]
    assert frame["dominant_action"].tolist() == [m.dominant_action for m in result.members]
    assert repr(result).startswith("<CoalitionAnalysis dprk-2014 on 2014-07-04:")
    with pytest.warns(UserWarning, match="precedes every measure"):
        sanctionsim.analyze("dprk-2014", "1980-01-01")


def test_cases_lists_every_built_in_case() -> None:
    listed = sanctionsim.cases()
    assert listed.ids == case_ids()
    assert len(listed.to_frame()) == len(listed) == len(case_ids())
    assert repr(listed).startswith(f"<CaseList {len(case_ids())} built-in cases: ")


def test_history_is_callable_and_its_subpackage_still_importable() -> None:
    # The computation itself is compared with the command line's in tests/cli/test_csv_exports.
    import sanctionsim.history.evaluation as evaluation

    assert callable(sanctionsim.history)
    assert sanctionsim.history.evaluation is evaluation
    with pytest.raises(ArgumentError, match=r"^model: unknown model 'v0'"):
        sanctionsim.history("dprk-2014", model="v0")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: sanctionsim.simulate("dprk-2014", runs=0), "runs"),
        (lambda: sanctionsim.simulate("dprk-2014", horizon=601), "horizon"),
        (lambda: sanctionsim.simulate("dprk-2014", seed=-1), "seed"),
        (lambda: sanctionsim.simulate("dprk-2014", model="v9"), "model"),
        (
            lambda: sanctionsim.simulate("dprk-2014", model="v1", calibration="fit.json"),
            "calibration",
        ),
        (lambda: sanctionsim.simulate("dprk-2014", at="2014-13-01"), "at"),
        (lambda: sanctionsim.simulate(3.5), "scenario"),  # type: ignore[arg-type]
        (lambda: sanctionsim.apply_policy("dprk-2014", [7]), "policy"),  # type: ignore[list-item]
        (lambda: sanctionsim.analyze("dprk-2014", "yesterday"), "date"),
        (lambda: sanctionsim.analyze("dprk-2014", pressure_share=75), "pressure_share"),
        (lambda: sanctionsim.history("dprk-2014", horizons=[0, 12]), "horizons"),
        (lambda: sanctionsim.history("dprk-2014", runs=0), "runs"),
        (lambda: sanctionsim.history("dprk-2014", protocol=3), "protocol"),
        (lambda: sanctionsim.load(None), "case_or_path"),  # type: ignore[arg-type]
        (lambda: sanctionsim.experiment(GOLDEN_SPEC, runs=0), "runs"),
        (lambda: sanctionsim.experiment(GOLDEN_SPEC, workers=0), "workers"),
    ],
)
def test_bad_arguments_are_value_errors_that_name_the_argument(call, argument) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ArgumentError) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"{argument}: ")
    assert "--" not in str(caught.value)


def test_an_unknown_case_is_a_located_error_with_a_suggestion() -> None:
    with pytest.raises(ScenarioError, match="did you mean 'dprk-2014'"):
        sanctionsim.load("DPRK-2014")


def test_history_scores_the_joiners_under_protocol_2() -> None:
    """New Zealand acts five weeks after Thailand 2014's start: never scored under protocol 1,
    scored from its own first measure under protocol 2."""

    def nzl(protocol: int) -> list[bool]:
        result = sanctionsim.history("thailand-2014", horizons=36, runs=64, protocol=protocol)
        (case,) = result.cases
        return [p.scored for p in case.pairs if p.event == "NZL_eases"]

    assert nzl(1) == [False]
    assert nzl(2) == [True]
