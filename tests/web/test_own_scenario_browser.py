"""Your own scenario in headless Chromium: paste one, upload a broken one, forecast it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario.loader import load_text
from web_support import broken_minimal, console_problems

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "minimal-scenario.yaml"


def _charts_drawn(page: Any) -> list[str]:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(e => e.dataset.rendered)",
        timeout=60_000,
    )
    states: list[str] = page.eval_on_selector_all(
        "[data-chart]", "els => els.map(e => e.dataset.chart + ':' + e.dataset.rendered)"
    )
    return states


def test_paste_a_scenario_see_its_analysis_and_a_forecast(
    page: Any, server: str, screenshot_dir: Path
) -> None:
    page.goto(server + "/")
    page.get_by_role("link", name="Your scenario").click()
    page.wait_for_url("**/scenario")
    page.fill("#scenario-text", EXAMPLE.read_text(encoding="utf-8"))
    page.fill("#date", "2020-07-01")
    page.click("#analyse")
    page.wait_for_selector("#analysis")
    assert "Your scenario: A two-sender coalition" in page.locator("h1").inner_text()
    assert page.locator("#analysis tr").count() == 1 + 2  # header, the leader and the member
    row = page.locator('#measures tr[data-measure="memb-trade"]')
    assert row.locator("td.status").inner_text() == "eased"
    assert _charts_drawn(page) == ["timeline:true"]
    page.screenshot(path=str(screenshot_dir / "web-own-scenario.png"), full_page=True)

    form = page.locator("#scenario-form")
    form.locator("input[name=runs]").fill("1024")
    form.locator("input[name=horizon]").fill("12")
    page.click("#run-forecast")
    page.wait_for_selector("#forecast-metrics")
    assert "Forecast: A two-sender coalition" in page.locator("h1").inner_text()
    assert "1,024 runs" in page.locator("p.meta").first.inner_text()
    assert page.get_by_role("link", name="Back to your scenario").count() == 1
    assert all(state.endswith(":true") for state in _charts_drawn(page))
    assert console_problems(page) == []
    page.screenshot(path=str(screenshot_dir / "web-own-scenario-forecast.png"), full_page=True)


def test_upload_a_broken_file_and_see_located_errors(
    page: Any, server: str, tmp_path: Path
) -> None:
    broken = broken_minimal(EXAMPLE.read_text(encoding="utf-8"))
    upload = tmp_path / "broken.yaml"
    upload.write_text(broken, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_text(broken, "broken.yaml")
    expected = [str(p) for p in raised.value.problems]

    page.goto(server + "/scenario")
    page.set_input_files("#scenario-file", str(upload))
    page.click("#analyse")
    page.wait_for_selector("#scenario-errors")
    shown = page.locator("#scenario-errors li").all_inner_texts()
    assert shown == expected
    assert all(line.startswith("broken.yaml:") for line in shown)
    # The text of the file comes back in the text area, ready to be corrected and sent again.
    assert page.input_value("#scenario-text") == broken
    assert page.locator("#analysis").count() == 0
    refused = "error: Failed to load resource: the server responded with a status of 422"
    assert [m for m in console_problems(page) if not m.startswith(refused)] == []
