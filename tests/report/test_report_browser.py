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
        ["report", "argentina-1982", "-o", str(folder / "argentina.html"), "--no-forecast"],
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


def test_each_chart_has_an_export_menu_that_saves_svg_and_png_offline(
    browser: Any, reports: dict[str, Path], tmp_path: Path
) -> None:
    page = browser.new_page()
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(("file://", "blob:", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    try:
        page.goto(reports["dprk-2014"].as_uri())
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart]')].every(e => e.dataset.rendered)",
            timeout=30_000,
        )
        for name in ("timeline", "pressure", "cohesion", "easing"):
            entries = page.locator(f"#chart-{name} .vega-actions a").all_text_contents()
            assert entries == ["Save as SVG", "Save as PNG"], name  # no links to the internet
        saved = {}
        for kind in ("SVG", "PNG"):
            page.eval_on_selector("#chart-easing details", "menu => { menu.open = true; }")
            link = page.locator("#chart-easing .vega-actions a", has_text=f"Save as {kind}")
            # vega-embed draws the image on mousedown, then the click downloads it
            link.dispatch_event("mousedown")
            page.wait_for_function(
                "a => a.href.startsWith('blob:') || a.href.startsWith('data:')",
                arg=link.element_handle(),
            )
            with page.expect_download() as download:
                link.click()
            target = tmp_path / download.value.suggested_filename
            download.value.save_as(target)
            saved[kind] = target
        assert saved["SVG"].name == "easing.svg"
        svg = saved["SVG"].read_text(encoding="utf-8")
        assert svg.startswith("<svg")
        assert "dprk-2014, 1,024 runs, seed 0" in svg
        png = saved["PNG"].read_bytes()
        assert saved["PNG"].name == "easing.png"
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        shown = page.eval_on_selector("#chart-easing svg", "s => s.getBBox().width")
        assert int.from_bytes(png[16:20], "big") >= 4 * shown  # drawn at 300/72 of its size
        assert outside == []
    finally:
        page.close()
