"""Drive the running web app in headless Chromium as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sanctionsim.versions import DEFAULT
from web_support import console_problems


def _wait_for_charts(page: Any) -> list[list[Any]]:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(e => e.dataset.rendered)",
        timeout=60_000,
    )
    drawn: list[list[Any]] = page.eval_on_selector_all(
        "[data-chart]",
        "els => els.map(e => [e.dataset.chart, e.dataset.rendered,"
        " e.querySelectorAll('svg path, svg rect, svg line').length])",
    )
    return drawn


def _row(page: Any, measure: str) -> tuple[str, str]:
    row = page.locator(f'#measures tr[data-measure="{measure}"]')
    return row.locator("td.level").inner_text(), row.locator("td.status").inner_text()


def test_choose_a_case_change_the_date_and_see_the_measures_change(
    page: Any, server: str, screenshot_dir: Path
) -> None:
    page.goto(server + "/")
    page.screenshot(path=str(screenshot_dir / "web-cases.png"), full_page=True)
    page.get_by_role("link", name="dprk-2014").click()
    page.wait_for_url("**/cases/dprk-2014")
    assert "North Korea" in page.locator("h1").inner_text()

    page.fill("#date", "2014-07-03")
    page.click("#date-form button")
    page.wait_for_url("**/cases/dprk-2014?date=2014-07-03")
    assert page.locator("#measures-heading").inner_text() == "Measures on 2014-07-03"
    assert _row(page, "jpn-entry-ban") == ("1.00", "in force")
    assert _row(page, "jpn-dprk-ship-port-ban") == ("1.00", "in force")
    before = int(page.locator("#in-force-count").inner_text())

    page.fill("#date", "2014-07-05")
    page.click("#date-form button")
    page.wait_for_url("**/cases/dprk-2014?date=2014-07-05")
    assert _row(page, "jpn-entry-ban") == ("0.00", "suspended")
    assert _row(page, "jpn-dprk-ship-port-ban") == ("0.80", "eased")
    after = int(page.locator("#in-force-count").inner_text())
    assert after == before - 4  # four JPN measures suspended on 4 July 2014

    drawn = _wait_for_charts(page)
    assert [(name, state) for name, state, _ in drawn] == [("timeline", "true")]
    assert drawn[0][2] > 50
    assert page.locator("#analysis tr").count() == 1 + 3  # header and the three members
    assert console_problems(page) == []
    page.screenshot(path=str(screenshot_dir / "web-case-dprk-2014.png"), full_page=True)

    page.fill("#date", "2016-03-01")
    page.click("#date-form button")
    page.wait_for_url("**/cases/dprk-2014?date=2016-03-01")
    assert _row(page, "jpn-entry-ban") == ("1.00", "in force")  # the February 2016 snap-back


def test_a_bad_date_gets_a_clear_message_on_the_page(page: Any, server: str) -> None:
    response = page.goto(server + "/cases/dprk-2014?date=14%2F7%2F2014")
    assert response.status == 400
    alert = page.locator("#date-error").inner_text()
    assert "'14/7/2014' is not a date" in alert
    assert "Showing 2014-07-04 instead" in alert


def test_run_a_bounded_forecast_with_overrides_and_see_its_charts(
    page: Any, server: str, screenshot_dir: Path
) -> None:
    page.goto(server + "/cases/dprk-2014")
    form = page.locator("#forecast-form")
    form.locator("input[name=resolve]").fill("0.05")
    form.locator("input[name=detection]").fill("0.9")
    form.locator("input[name=runs]").fill("1024")
    form.locator("input[name=horizon]").fill("12")
    form.locator("button").click()
    page.wait_for_selector("#forecast-metrics")
    meta = page.locator("p.meta").inner_text()
    assert "1,024 runs" in meta
    assert "target resolve fixed at 0.05" in meta
    assert "detection fixed at 0.9" in meta
    record = page.locator("#track-record").inner_text()
    from sanctionsim.history.track_record import current_row

    assert record == current_row(DEFAULT).sentence()
    drawn = _wait_for_charts(page)
    assert [(name, state) for name, state, _ in drawn] == [
        ("pressure", "true"),
        ("cohesion", "true"),
        ("easing", "true"),
    ]
    assert all(marks > 5 for _, _, marks in drawn)
    # each chart's export menu saves it, under the app's content security policy
    for name, _, _ in drawn:
        entries = page.locator(f"#chart-{name} .vega-actions a").all_text_contents()
        assert entries == ["Save as SVG", "Save as PNG"], name
    page.eval_on_selector("#chart-cohesion details", "menu => { menu.open = true; }")
    link = page.locator("#chart-cohesion .vega-actions a", has_text="Save as SVG")
    link.dispatch_event("mousedown")  # vega-embed draws the image, then the click saves it
    page.wait_for_function("a => a.href.startsWith('blob:')", arg=link.element_handle())
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "cohesion.svg"
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Coalition cohesion: dprk-2014, 1,024 runs, seed" in saved
    assert console_problems(page) == []
    page.screenshot(path=str(screenshot_dir / "web-forecast-dprk-2014.png"), full_page=True)


def test_out_of_bounds_forecast_is_refused_on_the_page(page: Any, server: str) -> None:
    page.goto(server + "/cases/dprk-2014")
    form = page.locator("#forecast-form")
    form.locator("input[name=runs]").fill("1000000")
    form.locator("input[name=detection]").fill("2")
    form.locator("button").click()
    page.wait_for_selector("#forecast-error")
    message = page.locator("#forecast-error").inner_text()
    assert "runs: Input should be less than or equal to 4096" in message
    assert "detection: Input should be less than or equal to 1" in message
    assert page.locator("#forecast-form input[name=runs]").input_value() == "1000000"
