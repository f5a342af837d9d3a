"""The HTML report's forecast says what its intervals are, shows the band of runs and the track
record by kind of event (issue 15, item 4): a real `simulate --out` then `report DIR`."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from sanctionsim.history.track_record import current_row
from sanctionsim.versions import DEFAULT
from support import run_sanctionsim


def test_the_report_labels_monte_carlo_error_bands_and_track_records(tmp_path: Path) -> None:
    results = tmp_path / "results"
    simulated = run_sanctionsim(
        "simulate", "dprk-2014", "--runs", "1024", "--horizon", "12", "--out", str(results)
    )
    assert simulated.returncode == 0, simulated.stderr
    report = tmp_path / "report.html"
    made = run_sanctionsim("report", str(results), "-o", str(report))
    assert made.returncode == 0, made.stderr
    html = report.read_text(encoding="utf-8")
    table = html.split('<table id="forecast-metrics">')[1].split("</table>")[0]
    assert "<th>Monte Carlo error</th>" in table
    assert "95% interval" not in table
    assert "is not the forecast&#x27;s uncertainty" in html or "is not the forecast's" in html
    forecast = json.loads((results / "forecast.json").read_text(encoding="utf-8"))
    band = forecast["curves"]["cohesion_quantiles"]
    assert f'<td class="num band">{band["q05"][-1]:.3f} - {band["q95"][-1]:.3f}</td>' in table
    row = current_row(DEFAULT)  # the folder holds the default version's forecast (v2n)
    for kind in ("concession", "leader_eases", "member_eases", "deal_delivers"):
        assert f"<li>{escape(row.kind_sentence(kind))}</li>" in html
    leader = f"{row.brier_by_kind['leader_eases']:.3f} vs"
    assert table.count(leader) == 1  # the USA alone is scored as a leader


def test_a_v2_report_shows_the_range_across_folds_and_refuses_the_flag_for_a_folder(
    tmp_path: Path,
) -> None:
    report = tmp_path / "v2.html"
    made = run_sanctionsim(
        "report", "dprk-2014", "--model", "v2", "--runs", "1024", "--horizon", "6",
        "-o", str(report),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    html = report.read_text(encoding="utf-8")
    table = html.split('<table id="forecast-metrics">')[1].split("</table>")[0]
    headers = table.split("</tr>")[0]
    assert "<th>Monte Carlo error</th><th>across calibration folds</th>" in headers
    assert table.count('<td class="num folds">') == table.count("<tr>") - 1
    assert 'id="fold-range-note"' in html
    # a v2 results folder's report draws the range (and v2's track record) it was saved with
    results = tmp_path / "results"
    simulated = run_sanctionsim(
        "simulate", "dprk-2014", "--model", "v2", "--runs", "1024", "--horizon", "3",
        "--out", str(results),
    )  # fmt: skip
    assert simulated.returncode == 0, simulated.stderr
    from_folder = run_sanctionsim("report", str(results))
    assert from_folder.returncode == 0, from_folder.stderr
    html = (results / "report.html").read_text(encoding="utf-8")
    saved = json.loads((results / "forecast.json").read_text(encoding="utf-8"))
    low, high = saved["fold_range"]["metrics"]["p_cascade"]
    assert f'<td class="num folds">{low:.1%} - {high:.1%}</td>' in html
    assert f"<li>{escape(current_row('v2').kind_sentence('concession'))}</li>" in html
    refused = run_sanctionsim("report", str(results), "--no-fold-range")
    assert refused.returncode == 2
    assert "error: --no-fold-range: only for a scenario" in refused.stderr
