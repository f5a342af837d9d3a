"""The app's forecast page and form are honest about what is drawn and what the intervals are
(issue 15, item 4): real HTTP against `sanctionsim serve`."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from html import escape
from typing import Any

from sanctionsim.history.track_record import current_row
from sanctionsim.versions import DEFAULT


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return str(response.read().decode("utf-8"))


def _post(url: str, form: dict[str, str]) -> str:
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=120) as response:
        return str(response.read().decode("utf-8"))


def test_the_form_leaves_uncertain_inputs_drawn_and_says_so(server: str) -> None:
    page = _get(server + "/cases/dprk-2014")
    form = page.split('id="forecast-form"')[1].split("</form>")[0]
    for name in ("resolve", "detection"):
        field = re.search(rf'<input name="{name}" value="([^"]*)"', form)
        assert field is not None
        assert field.group(1) == ""  # not pre-filled with a central value
    assert "drawn" in page.split('id="drawn-note">')[1].split("</span>")[0]


def test_a_forecast_left_drawn_labels_its_error_band_and_record(server: str) -> None:
    page = _post(
        server + "/cases/dprk-2014/forecast",
        {"runs": "1024", "horizon": "12", "seed": "0", "resolve": "", "detection": ""},
    )
    meta = page.split('<p class="meta">')[1].split("</p>")[0]
    assert "fixed at" not in meta
    assert "drawn from its range" in meta
    table = page.split('<table id="forecast-metrics">')[1].split("</table>")[0]
    assert "<th>Monte Carlo error</th>" in table
    assert "<th>5-95% of runs</th>" in table
    assert re.search(r'<td class="num band">\d\.\d{3} - \d\.\d{3}</td>', table)
    row = current_row(DEFAULT)
    for kind in ("concession", "leader_eases", "member_eases", "deal_delivers"):
        assert f"<li>{escape(row.kind_sentence(kind))}</li>" in page


def test_a_v2_forecast_page_shows_the_range_across_folds_and_the_form_can_skip_it(
    server: str,
) -> None:
    form = _get(server + "/cases/dprk-2014").split('id="forecast-form"')[1].split("</form>")[0]
    assert '<option value="true" selected>yes</option>' in form
    fields = {"runs": "1024", "horizon": "6", "seed": "0", "model": "v2"}
    page = _post(server + "/cases/dprk-2014/forecast", fields)
    table = page.split('<table id="forecast-metrics">')[1].split("</table>")[0]
    assert "<th>Monte Carlo error</th><th>across calibration folds</th>" in table
    assert re.search(r'<td class="num folds">\d+\.\d% - \d+\.\d%</td>', table)
    note = page.split('id="fold-range-note">')[1].split("</p>")[0]
    assert "not the forecast&#x27;s uncertainty as a whole" in note
    skipped = _post(server + "/cases/dprk-2014/forecast", {**fields, "fold_range": "false"})
    assert "across calibration folds" not in skipped.split('<table id="forecast-metrics">')[1]


def test_in_a_browser_run_forecast_leaves_the_inputs_drawn(page: Any, server: str) -> None:
    page.goto(server + "/cases/dprk-2014")
    form = page.locator("#forecast-form")
    assert form.locator("input[name=resolve]").input_value() == ""
    assert form.locator("input[name=detection]").get_attribute("placeholder") == "drawn"
    assert form.locator("select[name=model]").input_value() == DEFAULT  # v2n unless chosen
    form.locator("input[name=runs]").fill("1024")
    form.locator("input[name=horizon]").fill("6")
    form.locator("button").click()
    page.wait_for_selector("#forecast-metrics")
    meta = page.locator("p.meta").inner_text()
    assert "fixed at" not in meta
    assert "drawn from its range" in meta
    headers = page.locator("#forecast-metrics th").all_inner_texts()
    assert headers[2:5] == ["Monte Carlo error", "across calibration folds", "5-95% of runs"]
    assert "not the forecast's uncertainty" in page.locator("#mc-error-note").inner_text()


def test_in_a_browser_a_v2_forecast_shows_the_range_across_folds(page: Any, server: str) -> None:
    page.goto(server + "/cases/dprk-2014")
    form = page.locator("#forecast-form")
    assert form.locator("select[name=fold_range]").input_value() == "true"
    form.locator("select[name=model]").select_option("v2")
    form.locator("input[name=runs]").fill("1024")
    form.locator("input[name=horizon]").fill("6")
    form.locator("button").click()
    page.wait_for_selector("#forecast-metrics")
    headers = page.locator("#forecast-metrics th").all_inner_texts()
    assert headers[2:5] == ["Monte Carlo error", "across calibration folds", "5-95% of runs"]
    assert "fitted parameters only" in page.locator("#fold-range-note").inner_text()
    assert page.messages == []
