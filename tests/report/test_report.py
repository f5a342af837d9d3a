"""The report's data, HTML and command: what a reader needs is there, and bad input exits 2."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from sanctionsim.cli import app
from sanctionsim.dynamics.engine import simulate
from sanctionsim.game.coalition import analyze
from sanctionsim.report import data
from sanctionsim.report.charts import timeline_chart
from sanctionsim.report.html import render_report
from sanctionsim.report.results import check_forecast
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Event, Scenario
from sanctionsim.versions import DEFAULT

FAKE_JS = "/* vega bundle stand-in */"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def dprk() -> Scenario:
    return load_scenario("dprk-2014")


@pytest.fixture(scope="module")
def small_forecast(dprk: Scenario) -> dict[str, Any]:
    return simulate(dprk, runs=1024, horizon=12, seed=3).to_dict()


def _flagged(node: object) -> int:
    if isinstance(node, dict):
        own = 1 if node.get("analyst_estimate") is True else 0
        return own + sum(_flagged(v) for v in node.values())
    if isinstance(node, list):
        return sum(_flagged(v) for v in node)
    return 0


def test_every_analyst_estimate_is_listed_with_its_range(dprk: Scenario) -> None:
    found = data.analyst_estimates(dprk)
    assert len(found) == _flagged(dprk.model_dump()) > 0
    assert len({e["path"] for e in found}) == len(found)
    for estimate in found:
        assert estimate["low"] <= estimate["value"] <= estimate["high"]
        assert estimate["distribution"] is not None
    paths = {e["path"] for e in found}
    assert "demand.value_to[JPN]" in paths
    assert "actors[JPN].payoffs.defection_premium_base" in paths


def test_timeline_window_covers_the_dprk_regime(dprk: Scenario) -> None:
    start, end = data.timeline_window(dprk)
    assert start.isoformat() <= "2006-07-05"
    assert end.isoformat() > "2017-12-22"
    rows = data.timeline_segments(dprk)
    assert {r["measure"] for r in rows} == {m.id for m in dprk.measures}
    assert all(r["start"] < r["end"] for r in rows)
    first_listing = [r for r in rows if r["measure"] == "usa-sst-listing"]
    assert first_listing[0]["clipped"]
    assert first_listing[0]["since"] == "1988-01-20"


def test_july_2014_easing_and_february_2016_snap_back_are_marked(dprk: Scenario) -> None:
    changes = {c["date"]: c for c in data.level_changes(dprk)}
    assert changes["2014-07-04"]["direction"] == "eases"
    assert "JPN eases 5 measures" in changes["2014-07-04"]["label"]
    assert changes["2016-02-19"]["direction"] == "tightens"
    entry = [r for r in data.timeline_segments(dprk) if r["measure"] == "jpn-entry-ban"]
    assert [(r["start"], r["status"]) for r in entry] == [
        ("2006-10-14", "in force"),
        ("2014-07-04", "suspended"),
        ("2016-02-19", "in force"),
    ]


def test_report_without_forecast_has_every_section_and_says_why_no_forecast(
    dprk: Scenario,
) -> None:
    html = render_report(dprk, analyze(dprk).to_dict(), javascript=FAKE_JS)
    for section in ("summary", "timeline", "assumptions", "game", "forecast", "sources"):
        assert f'<section id="{section}">' in html
    for estimate in data.analyst_estimates(dprk):
        assert estimate["path"] in html
    for source in dprk.sources:
        assert f"<code>{source.id}</code>" in html
    for member in dprk.members:
        assert f"<strong>{member.id}</strong>" in html
    assert 'data-chart="timeline"' in html
    assert "No forecast in this report" in html
    assert 'data-chart="easing"' not in html
    assert FAKE_JS in html


def test_report_with_forecast_draws_its_charts_and_metrics(
    dprk: Scenario, small_forecast: dict[str, Any]
) -> None:
    html = render_report(dprk, analyze(dprk).to_dict(), small_forecast, javascript=FAKE_JS)
    assert 'data-chart="cohesion"' in html
    assert 'data-chart="easing"' in html
    assert "No forecast in this report" not in html
    assert "1,024 Monte Carlo runs" in html
    jpn = small_forecast["metrics"]["p_member_eases"]["JPN"]["mean"]
    assert f"{jpn:.1%}" in html
    # the track record is the shipped score history's current row, never recomputed
    from sanctionsim.history.track_record import current_row

    assert current_row(DEFAULT).sentence().replace("'", "&#39;") in html


def test_report_refuses_another_scenarios_results(
    dprk: Scenario, small_forecast: dict[str, Any]
) -> None:
    other = load_scenario("argentina-1982")
    with pytest.raises(ValueError, match="dprk-2014"):
        render_report(other, analyze(other).to_dict(), small_forecast, javascript=FAKE_JS)


def test_hostile_text_is_escaped_in_markup_and_in_chart_data(dprk: Scenario) -> None:
    nasty = "</script><img src=x onerror=alert(1)>"
    event = Event(date=dprk.start, description=nasty)
    hostile = dprk.model_copy(update={"description": nasty, "timeline": [event]})
    html = render_report(hostile, analyze(dprk).to_dict(), javascript=FAKE_JS)
    assert nasty not in html
    assert "&lt;/script&gt;&lt;img" in html
    assert "<\\/script><img" in html  # inside the chart's JSON


def test_check_forecast_names_what_is_missing_or_malformed(
    small_forecast: dict[str, Any],
) -> None:
    check_forecast(small_forecast)
    broken = json.loads(json.dumps(small_forecast))
    broken["curves"]["p_conceded_by"] = broken["curves"]["p_conceded_by"][:-1]
    with pytest.raises(Exception, match=r"curves\.p_conceded_by: expected a list of 12"):
        check_forecast(broken)
    del broken["metrics"]
    with pytest.raises(Exception, match="metrics: missing"):
        check_forecast(broken)


def test_cli_report_of_a_case_writes_one_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "dprk.html"
    png_folder = str(tmp_path / "png")
    result = run_cli("report", "dprk-2014", "-o", str(target), "--png", png_folder, "--no-forecast")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "No forecast in this report" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == ["dprk.html"]  # no temp file left
    usual = 0o666 & ~_umask()  # the permissions of any new file, not a temp file's 0600
    assert target.stat().st_mode & 0o777 == usual
    png = tmp_path / "png" / "timeline.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_mode & 0o777 == usual
    assert sorted(p.name for p in png.parent.iterdir()) == ["timeline.png"]


def test_cli_report_of_a_results_folder_adds_the_forecast(tmp_path: Path) -> None:
    folder = tmp_path / "results"
    simulated = run_cli(
        "simulate", "dprk-2014", "--runs", "1024", "--horizon", "6", "--out", str(folder)
    )
    assert simulated.exit_code == 0, simulated.output
    result = run_cli("report", str(folder), "--png", str(folder / "png"))
    assert result.exit_code == 0, result.output
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'data-chart="easing"' in html
    assert 'data-chart="cohesion"' in html
    assert 'data-chart="pressure"' in html  # the engine's pressure quantiles, as a fan chart
    assert "no pressure fan chart" not in html
    assert sorted(p.name for p in (folder / "png").iterdir()) == [
        "cohesion.png",
        "easing.png",
        "pressure.png",
        "timeline.png",
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: ["report", "no-such-case"], "not a built-in case"),
        (lambda d: ["report", str(d)], "no forecast.json here"),
        (lambda d: ["report", "dprk-2014", "--scenario", "dprk-2014"], "only for a results"),
        (lambda d: ["report", "dprk-2014", "-o", str(d)], "is a folder"),
        (lambda d: ["report", str(d), "--no-forecast"], "no forecast.json here"),
    ],
)
def test_cli_report_bad_input_exits_2(tmp_path: Path, make: Any, message: str) -> None:
    result = run_cli(*make(tmp_path))
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_report_rejects_broken_or_mismatched_forecasts(
    tmp_path: Path, small_forecast: dict[str, Any]
) -> None:
    (tmp_path / "forecast.json").write_text('{"scenario": "dprk-2014",\n  oops}')
    result = run_cli("report", str(tmp_path))
    assert result.exit_code == 2
    assert "forecast.json:2:" in result.output
    assert "not JSON" in result.output
    (tmp_path / "forecast.json").write_text(json.dumps(small_forecast))
    result = run_cli("report", str(tmp_path), "--scenario", "argentina-1982")
    assert result.exit_code == 2
    assert "the forecast is of 'dprk-2014'" in result.output
    for option in (["--no-forecast"], ["--runs", "2048"], ["--seed", "1"], ["--horizon", "6"]):
        result = run_cli("report", str(tmp_path), *option)
        assert result.exit_code == 2
        assert f"error: {option[0]}: only for a scenario" in result.output


@pytest.mark.parametrize("case_id", case_ids())
def test_every_built_in_case_gets_a_report_and_a_drawable_timeline(case_id: str) -> None:
    import vl_convert

    scenario = load_scenario(case_id)
    html = render_report(scenario, analyze(scenario).to_dict(), javascript=FAKE_JS)
    assert f"<code>{case_id}</code>" in html
    spec = timeline_chart(scenario)
    # vl-convert runs Vega itself: a specification that cannot be drawn raises here.
    svg = vl_convert.vegalite_to_svg(spec, vl_version="v6.4")
    assert svg.count("<path") > len(scenario.measures)
