"""Figures for papers: the files `report --figures` writes, read back and checked.

Every chart is exported as SVG, PDF and PNG from its one Vega-Lite definition. The PNG says
300 dpi in its pHYs chunk and has the PDF's physical size; no text of the SVG reaches outside
its canvas (each line's width measured by vl-convert itself, the engine that laid it out) and
none is cut short with an ellipsis; titles name the case, runs and seed; the easing curves are
cumulative from month 0 with their Monte Carlo bands; the cohesion chart says what above 1 means.
"""

from __future__ import annotations

import functools
import math
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctionsim.cli import app
from sanctionsim.report import data
from sanctionsim.report.charts import timeline_chart
from sanctionsim.report.figures import FORMATS, vega_lite_version, write_figures
from sanctionsim.scenario.loader import load_scenario

SVG = "{http://www.w3.org/2000/svg}"
RUNS, HORIZON, SEED = 1024, 12, 3
CHARTS = ("timeline", "pressure", "cohesion", "easing")
TOLERANCE = 1.0  # px: vl-convert rounds the canvas up to whole pixels


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """`report dprk-2014 --figures DIR` with a small forecast of its own: (the HTML, DIR)."""
    folder = tmp_path_factory.mktemp("figures")
    arguments = ["report", "dprk-2014", "-o", str(folder / "dprk.html")]
    arguments += ["--figures", str(folder / "fig"), "--runs", str(RUNS)]
    arguments += ["--horizon", str(HORIZON), "--seed", str(SEED)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return folder / "dprk.html", folder / "fig"


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The timeline of the case with the longest row names (up to 206 characters), as SVG."""
    folder = tmp_path_factory.mktemp("italy")
    charts = {"timeline": timeline_chart(load_scenario("italy-1935"))}
    (path,) = write_figures(charts, folder, ("svg",))
    return path


# ------------------------------------------------------------------ reading the files back
def png_facts(path: Path) -> tuple[int, int, tuple[int, int, int]]:
    """Width, height and the pHYs chunk (pixels per unit x, y, unit) of a PNG."""
    content = path.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    at = content.index(b"pHYs")
    return width, height, struct.unpack(">IIB", content[at + 4 : at + 13])


def svg_size(path: Path) -> tuple[float, float]:
    root = ET.parse(path).getroot()
    x0, y0, width, height = (float(v) for v in root.attrib["viewBox"].split())
    assert (x0, y0) == (0.0, 0.0)
    return width, height


Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as in SVG
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + c * q,
        b * p + d * q,
        a * r + c * s,
        b * r + d * s,
        a * t + c * u + e,
        b * t + d * u + f,
    )


def transform(text: str | None) -> Matrix:
    """The matrix of an SVG ``transform`` attribute (translate, rotate, scale: what Vega writes)."""
    matrix = IDENTITY
    for name, arguments in re.findall(r"(\w+)\(([^)]*)\)", text or ""):
        values = [float(v) for v in re.split(r"[\s,]+", arguments.strip())]
        if name == "translate":
            step: Matrix = (1, 0, 0, 1, values[0], values[1] if len(values) > 1 else 0.0)
        elif name == "rotate":
            angle = math.radians(values[0])
            step = (math.cos(angle), math.sin(angle), -math.sin(angle), math.cos(angle), 0, 0)
        elif name == "scale":
            step = (values[0], 0, 0, values[-1], 0, 0)
        else:
            raise AssertionError(f"unexpected transform {name}")
        matrix = _times(matrix, step)
    return matrix


@functools.cache
def measured_width(text: str, size: float, weight: str) -> float:
    """The width vl-convert gives ``text`` (a lone text mark on a canvas with no padding)."""
    import vl_convert

    spec = {
        "width": 1,
        "height": 1,
        "padding": 0,
        "view": {"stroke": None},
        "data": {"values": [{"t": text}]},
        "mark": {"type": "text", "align": "left", "fontSize": size, "fontWeight": weight},
        "encoding": {"text": {"field": "t"}, "x": {"value": 0}},
    }
    svg = vl_convert.vegalite_to_svg(spec, vl_version=vega_lite_version())
    return float(re.search(r'width="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]


def text_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of text of an SVG: its string, and its box's corners on the canvas."""
    found: list[dict[str, Any]] = []

    def walk(node: ET.Element, matrix: Matrix) -> None:
        here = _times(matrix, transform(node.get("transform")))
        if node.tag == f"{SVG}text":
            size = float(node.get("font-size", "10px").removesuffix("px"))
            weight = node.get("font-weight", "normal")
            anchor = node.get("text-anchor", "start")
            spans = node.findall(f"{SVG}tspan") or [node]
            baseline = 0.0
            for span in spans:
                baseline += float(span.get("dy", "0"))
                line = "".join(span.itertext())
                width = measured_width(line, size, weight)
                left = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
                box = [(left, baseline - 0.8 * size), (left + width, baseline + 0.2 * size)]
                corners = [
                    (here[0] * x + here[2] * y + here[4], here[1] * x + here[3] * y + here[5])
                    for x in (box[0][0], box[1][0])
                    for y in (box[0][1], box[1][1])
                ]
                found.append({"text": line, "corners": corners})
            return
        for child in node:
            walk(child, here)

    walk(ET.parse(path).getroot(), IDENTITY)
    return found


def all_text(path: Path) -> str:
    return " ".join(line["text"] for line in text_lines(path))


# ------------------------------------------------------------------------------- the tests
def test_every_chart_is_written_in_every_format(exported: tuple[Path, Path]) -> None:
    _, folder = exported
    expected = sorted(f"{name}.{fmt}" for name in CHARTS for fmt in FORMATS)
    assert sorted(p.name for p in folder.iterdir()) == expected  # no temporary file left


@pytest.mark.parametrize("name", CHARTS)
def test_png_is_300_dpi_and_as_large_as_the_pdf_page(
    exported: tuple[Path, Path], name: str
) -> None:
    _, folder = exported
    width, height, (per_x, per_y, unit) = png_facts(folder / f"{name}.png")
    assert (per_x, per_y, unit) == (11811, 11811, 1)  # 300 dpi = 11,811 pixels per metre
    points = svg_size(folder / f"{name}.svg")
    pdf = (folder / f"{name}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1
    box = re.search(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf)
    assert box is not None
    page = [float(v) for v in box.group(1).split()]
    assert page[2:] == pytest.approx(list(points), abs=0.5)  # SVG pixels are PDF points
    # at 300 dpi a point is 300/72 pixels: the PNG prints at the PDF's size
    assert abs(width - points[0] * 300 / 72) <= 2
    assert abs(height - points[1] * 300 / 72) <= 2


@pytest.mark.parametrize("name", CHARTS)
def test_no_text_reaches_outside_the_canvas_nor_is_cut_short(
    exported: tuple[Path, Path], name: str
) -> None:
    _, folder = exported
    svg = folder / f"{name}.svg"
    _check_inside(svg)


def test_long_row_names_are_wrapped_whole_inside_the_canvas(long_names: Path) -> None:
    _check_inside(long_names)
    lines = [line["text"] for line in text_lines(long_names)]
    scenario = load_scenario("italy-1935")
    for measure in scenario.measures:
        label = data.measure_label(measure)
        # the label's lines, in order, give the whole name back
        assert label in " ".join(lines), f"{label!r} is not whole in the figure"
    assert max(len(text) for text in lines if " · " in text) <= 60  # wrapped, not one long line


def _check_inside(svg: Path) -> None:
    width, height = svg_size(svg)
    lines = text_lines(svg)
    assert len(lines) > 10
    for line in lines:
        assert not line["text"].rstrip().endswith(("…", "...")), f"truncated: {line['text']!r}"
        for x, y in line["corners"]:
            inside = -TOLERANCE <= x <= width + TOLERANCE and -TOLERANCE <= y <= height + TOLERANCE
            assert inside, (
                f"{line['text']!r} reaches ({x:.1f}, {y:.1f}) on a {width}x{height} canvas"
            )


@pytest.mark.parametrize("name", ["pressure", "cohesion", "easing"])
def test_forecast_titles_name_case_runs_and_seed_and_both_axes_are_titled(
    exported: tuple[Path, Path], name: str
) -> None:
    _, folder = exported
    svg = (folder / f"{name}.svg").read_text(encoding="utf-8")
    text = all_text(folder / f"{name}.svg")
    assert f"dprk-2014, {RUNS:,} runs, seed {SEED}" in text
    titles = re.findall(r"aria-label=\"([XY])-axis titled '([^']+)'", svg)
    assert {axis for axis, _ in titles} == {"X", "Y"}
    assert ("X", "months after the forecast start (2014-07-04)") in titles


def test_timeline_title_names_the_case_and_every_row_is_whole(
    exported: tuple[Path, Path],
) -> None:
    _, folder = exported
    text = all_text(folder / "timeline.svg")
    scenario = load_scenario("dprk-2014")
    assert f"({scenario.id})" in text
    assert scenario.title in text
    for measure in scenario.measures:
        assert data.measure_label(measure) in text  # 28 rows, none truncated


def test_easing_is_cumulative_from_month_0_with_monte_carlo_bands(
    exported: tuple[Path, Path],
) -> None:
    from sanctionsim.dynamics.engine import simulate

    _, folder = exported
    text = all_text(folder / "easing.svg")
    assert "cumulative probability" in text
    assert "95% Monte Carlo error" in text
    forecast = simulate(load_scenario("dprk-2014"), runs=RUNS, horizon=HORIZON, seed=SEED)
    rows = data.easing_rows(forecast.to_dict())
    for series in {row["series"] for row in rows}:
        mine = [row for row in rows if row["series"] == series]
        assert [row["month"] for row in mine] == list(range(HORIZON + 1))
        assert (mine[0]["probability"], mine[0]["low"], mine[0]["high"]) == (0.0, 0.0, 0.0)
        values = [row["probability"] for row in mine]
        assert values == sorted(values)  # cumulative
        for row in mine[1:]:
            assert row["low"] <= row["probability"] <= row["high"]
            assert row["high"] - row["low"] > 0  # a band of Monte Carlo error, not a line
            assert row["high"] - row["low"] < 0.07  # and about its size for 1,024 runs


def test_cohesion_says_what_above_1_means_and_starts_at_1(exported: tuple[Path, Path]) -> None:
    _, folder = exported
    text = all_text(folder / "cohesion.svg")
    assert "held / initial" not in text
    assert "above 1 = more than at the start" in text
    assert "5-95% band (light) across runs" in text


def test_report_of_a_case_includes_its_forecast_and_an_export_menu(
    exported: tuple[Path, Path],
) -> None:
    html, _ = exported
    page = html.read_text(encoding="utf-8")
    assert f"{RUNS:,} Monte Carlo runs" in page
    for name in CHARTS:
        assert f'data-chart="{name}"' in page
    assert "actions: {export: true, source: false, compiled: false, editor: false}" in page
    assert "No forecast in this report" not in page


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--figures", "{d}/f", "--format", "svg,jpg"], "--format: 'jpg' is not a figure format"),
        (["--figures", "{d}/f", "--format", " , "], "--format: name at least one format"),
        (["--format", "svg"], "--format: only with --figures DIR"),
        (["--png", "{d}/p", "--figures", "{d}/f"], "--png: give --png DIR or --figures DIR"),
        (["--png", "{d}/p", "--format", "svg"], "--format: not with --png"),
        (["--no-forecast", "--runs", "2048"], "--runs: not with --no-forecast"),
        (["--seed", "-1"], "--seed: must be >= 0"),
        (["--figures", "{d}/file.txt"], "--figures: {d}/file.txt is a file, not a folder"),
    ],
)
def test_bad_figure_and_forecast_options_exit_2_located(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    (tmp_path / "file.txt").write_text("x")
    given = [a.format(d=tmp_path) for a in arguments]
    result = CliRunner().invoke(
        app, ["report", "dprk-2014", "-o", str(tmp_path / "r.html"), *given]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ")
    assert message.format(d=tmp_path) in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.html").exists()  # refused before any work
