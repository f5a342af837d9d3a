"""Open generated reports in headless Chromium, offline: every chart renders, no console error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctionsim.cli import app


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A DPRK report with a small real forecast, and an Argentina report without one."""
    folder = tmp_path_factory.mktemp("reports")
    runner = CliRunner()
    results = folder / "dprk-results"
    for args in (
        ["simulate", "dprk-2014", "--runs", "1024", "--horizon", "24", "--out", str(results)],
        ["report", str(results)],
        ["report", "argentina-1982", "-o", str(folder / "argentina.html")],
    ):
        outcome = runner.invoke(app, args)
        assert outcome.exit_code == 0, outcome.output
    return {"dprk-2014": results / "report.html", "argentina-1982": folder / "argentina.html"}


@pytest.mark.parametrize(
    ("case", "charts"),
    [
        ("dprk-2014", ["timeline", "pressure", "cohesion", "easing"]),
        ("argentina-1982", ["timeline"]),
    ],
)
def test_report_renders_every_chart_offline_without_console_errors(
    browser: Any, reports: dict[str, Path], screenshot_dir: Path, case: str, charts: list[str]
) -> None:
    page = browser.new_page()
    messages: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))

    def only_the_file(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    try:
        page.goto(reports[case].as_uri())
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart]')].every(e => e.dataset.rendered)",
            timeout=30_000,
        )
        drawn = page.eval_on_selector_all(
            "[data-chart]",
            "els => els.map(e => [e.dataset.chart, e.dataset.rendered,"
            " e.querySelectorAll('svg path, svg rect, svg line').length])",
        )
        assert [name for name, _, _ in drawn] == charts
        for name, state, marks in drawn:
            assert state == "true", f"chart {name} failed"
            assert marks > 10, f"chart {name} drew only {marks} marks"
        # The timeline shows one row label per measure.
        labels = page.locator("#chart-timeline svg text").all_text_contents()
        assert any(text.startswith(("JPN ·", "GBR ·")) for text in labels)
        bad = [m for m in messages if m.split(":", 1)[0] in ("error", "warning", "pageerror")]
        assert bad == []
        assert outside == []  # it opened offline: nothing fetched but the file
        page.screenshot(path=str(screenshot_dir / f"report-{case}.png"), full_page=True)
        page.locator("#timeline").screenshot(
            path=str(screenshot_dir / f"report-{case}-timeline.png")
        )
        if "easing" in charts:
            page.locator("#forecast").screenshot(
                path=str(screenshot_dir / f"report-{case}-forecast.png")
            )
    finally:
        page.close()
