"""Interactive charts (Altair, i.e. Vega-Lite specifications) of a scenario and a forecast.

Each function takes the report's data (a scenario, a forecast's ``to_dict()`` document) and
returns a Vega-Lite specification as a plain dict, ready to embed in a page with vega-embed.
Each figure is drawn once, here: :mod:`sanctionsim.report.figures` exports these same
specifications as SVG, PDF and PNG files (vl-convert), for papers and slides.

>>> from sanctionsim.scenario.loader import load_scenario
>>> spec = timeline_chart(load_scenario("dprk-2014"))
>>> spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
True
"""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

from sanctionsim.report import data
from sanctionsim.scenario.schema import Scenario

WIDTH = 740
ROW_HEIGHT = 17  # one line of row label; rows with wrapped labels get taller
LINE_HEIGHT = 13  # of a row label's lines (font size 11)
LABEL_CHARACTERS = 60  # row labels wrap at this many characters (about 320 px), never truncated
PANEL_WIDTH = 440  # the fan and easing charts, two side by side

#: Fixed colours per kind of legal basis: UN obligations dark blue, regional teal, unilateral
#: orange (chosen from the Tableau 10 palette, distinguishable by colour-blind readers).
BASIS_COLOURS = {"unsc": "#1f4e9a", "regional": "#2a9d8f", "unilateral": "#e07b00"}


def basis_colour(legal_basis: str) -> str:
    """The colour of a legal basis (all UN resolutions share one colour); the language's other
    bases (an IFI's, a pledge, a private sender's) are drawn with the unilateral ones, as
    :func:`basis_group` names them.

    >>> basis_colour("pledge:paris-cg") == basis_colour("unilateral") != basis_colour("unsc:1718")
    True
    """
    prefix = legal_basis.split(":")[0]
    return BASIS_COLOURS.get(prefix, BASIS_COLOURS["unilateral"])


def basis_group(legal_basis: str) -> str:
    """The legend's name for a legal basis: 'UN Security Council', 'regional: EC', ..."""
    if legal_basis.startswith("unsc:"):
        return "UN Security Council"
    if legal_basis.startswith("regional:"):
        return "regional (" + legal_basis.split(":", 1)[1].upper() + ")"
    return "unilateral"


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def time_ticks(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Tick values and labels for a fractional-year axis: whole years over long spans, else
    month starts every 1, 3 or 6 months labelled ``Mon YYYY``.

    >>> time_ticks(dt.date(2006, 7, 1), dt.date(2018, 7, 1))["values"][:2]
    [2007, 2008]
    >>> len(time_ticks(dt.date(1982, 1, 1), dt.date(1985, 1, 1))["values"])  # quarterly
    13
    """
    years = (end - start).days / 365.25
    if years > 6:
        return {"values": list(range(start.year + 1, end.year + 1)), "format": "d"}
    step = 1 if years <= 1.5 else 3 if years <= 4 else 6
    values = []
    month = dt.date(start.year, 1, 1)
    while month <= end:
        if month >= start and (month.month - 1) % step == 0:
            values.append(data.decimal_year(month))
        month = data.add_months(month, 1)
    months = ", ".join(f"'{m}'" for m in MONTHS)
    expression = (
        f"[{months}][round((datum.value - floor(datum.value)) * 12) % 12]"
        " + ' ' + floor(datum.value + 0.01)"
    )
    if step > 1:
        return {"values": values, "labelExpr": expression}
    return {"values": values, "labelExpr": expression, "labelAngle": -45}


def wrap_label(text: str, width: int = LABEL_CHARACTERS) -> str:
    """A row label broken into lines of at most ``width`` characters (at spaces), joined by
    newlines; the chart splits them again (``labelExpr``), so a long name is never cut short.

    >>> wrap_label("USA · a long measure name", 12)
    'USA · a long\\nmeasure name'
    """
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def row_step(labels: list[str]) -> int:
    """The height of every timeline row: enough for its longest wrapped label.

    >>> row_step(["one line", "two\\nlines"])
    30
    """
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(ROW_HEIGHT, LINE_HEIGHT * lines + 4)


def _alt() -> Any:
    import altair as alt

    return alt


def timeline_chart(scenario: Scenario) -> dict[str, Any]:
    """The measures as Gantt bars by imposer, coloured by legal basis, shaded by level.

    Size: over 80 lines because it is one declarative Vega-Lite specification.

    A suspended stretch (level 0) is drawn as an empty outline, an eased one paler with its
    level written on it; dashed rules mark the dates on which levels change (easing,
    tightening), a black rule the forecast's start, and the strip below the timeline's events.
    """
    alt = _alt()
    segments = data.timeline_segments(scenario)
    for row in segments:
        row["basis"] = basis_group(row["legal_basis"])
        row["label"] = wrap_label(row["row"])
    window_start, window_end = data.timeline_window(scenario)
    order = list(dict.fromkeys(row["label"] for row in segments))
    step = row_step(order)
    groups = list(dict.fromkeys(row["basis"] for row in segments))
    colours = [
        basis_colour(next(r["legal_basis"] for r in segments if r["basis"] == g)) for g in groups
    ]
    # Dates are drawn on a numeric axis of fractional years: Vega-Lite merges explicit temporal
    # domains of layered charts badly (console warnings, stretched axes).
    for row in segments:
        row["x0"], row["x1"] = data.decimal_year(row["start"]), data.decimal_year(row["end"])
    x_scale = alt.Scale(
        domain=[data.decimal_year(window_start), data.decimal_year(window_end)], nice=False
    )
    ticks = time_ticks(window_start, window_end)
    year_axis = alt.Axis(grid=True, **ticks)
    x = alt.X("x0:Q", scale=x_scale, title="date", axis=year_axis)
    y = alt.Y(
        "label:N",
        sort=order,
        title=None,  # the rows name themselves: "imposer · measure"
        axis=alt.Axis(
            labelLimit=0,  # no truncation: long names are wrapped instead (wrap_label)
            labelExpr="split(datum.label, '\\n')",
            labelFontSize=11,
            labelLineHeight=LINE_HEIGHT,
            # Vega hangs a label's further lines below its first: centre the block on the row
            labelOffset={"expr": f"-(length(split(datum.label, '\\n')) - 1) * {LINE_HEIGHT / 2}"},
            ticks=False,
            domain=False,
        ),
    )
    colour = alt.Color(
        "basis:N",
        scale=alt.Scale(domain=groups, range=colours),
        legend=alt.Legend(title="legal basis", orient="top"),
    )
    tooltip = [
        alt.Tooltip("row:N", title="measure"),
        alt.Tooltip("legal_basis:N", title="legal basis"),
        alt.Tooltip("kind:N"),
        alt.Tooltip("status:N"),
        alt.Tooltip("level:Q", format=".2f"),
        alt.Tooltip("since:N", title="from"),
        alt.Tooltip("end:N", title="until"),
    ]
    base = alt.Chart(alt.Data(values=segments))
    bars = base.mark_bar(clip=True, strokeWidth=1.2, height=ROW_HEIGHT - 5).encode(
        x=x,
        x2="x1:Q",
        y=y,
        color=colour,
        stroke=alt.Stroke("basis:N", scale=alt.Scale(domain=groups, range=colours), legend=None),
        fillOpacity=alt.FillOpacity(
            "level:Q", scale=alt.Scale(domain=[0, 1], range=[0.0, 0.9]), legend=None
        ),
        tooltip=tooltip,
    )
    levels = (
        base.transform_filter("datum.level < 1")
        .mark_text(align="left", dx=4, fontSize=10, color="#222")
        .encode(x=x, y=y, text="level_text:N")
    )
    clipped = (
        base.transform_filter("datum.clipped")
        .mark_text(align="left", dx=3, fontSize=10, color="white")
        .encode(x=x, y=y, text=alt.value("◂ earlier"))
    )
    changes = data.level_changes(scenario)
    for index, change in enumerate(changes):
        change["lane"] = index % 3
        change["x"] = data.decimal_year(change["date"])
    change_base = alt.Chart(alt.Data(values=changes))
    change_rules = change_base.mark_rule(strokeDash=[4, 3], strokeWidth=1.5, color="#555").encode(
        x=alt.X("x:Q", scale=x_scale), tooltip=[alt.Tooltip("label:N", title="change")]
    )
    direction = alt.Color(
        "direction:N",
        scale=alt.Scale(domain=["eases", "tightens"], range=["#c0392b", "#555555"]),
        legend=None,
    )
    change_strip = (
        change_base.mark_text(align="left", baseline="middle", dx=3, fontSize=11, fontWeight="bold")
        .encode(
            x=alt.X("x:Q", scale=x_scale, title=None, axis=None),
            y=alt.Y("lane:O", axis=None),
            text="label:N",
            color=direction,
        )
        .properties(
            width=WIDTH,
            height=14 * min(3, max(1, len(changes))),
            view=alt.ViewBackground(stroke=None),
        )
    )
    change_ticks = change_base.mark_rule(strokeDash=[4, 3], strokeWidth=1.5).encode(
        x=alt.X("x:Q", scale=x_scale, title=None, axis=None), color=direction
    )
    start = alt.Chart(
        alt.Data(
            values=[
                {
                    "date": scenario.start.isoformat(),
                    "x": data.decimal_year(scenario.start),
                    "label": "forecast start",
                }
            ]
        )
    )
    start_rule = start.mark_rule(color="black", strokeWidth=2).encode(
        x=alt.X("x:Q", scale=x_scale), tooltip=[alt.Tooltip("label:N"), alt.Tooltip("date:N")]
    )
    gantt = alt.layer(bars, levels, clipped, change_rules, start_rule).properties(
        width=WIDTH, height=step * len(order)
    )
    events = data.timeline_events(scenario)
    for event in events:
        event["x"] = data.decimal_year(event["date"])
    strip = (
        alt.Chart(alt.Data(values=events))
        .mark_tick(thickness=2, size=18, color="#444")
        .encode(
            x=alt.X(
                "x:Q",
                scale=x_scale,
                title=None,
                axis=alt.Axis(labels=False, ticks=False, values=ticks["values"]),
            ),
            tooltip=[alt.Tooltip("date:N"), alt.Tooltip("description:N", title="event")],
        )
        .properties(
            width=WIDTH,
            height=22,
            title=alt.Title("Timeline events (hover for details)", fontSize=11, anchor="start"),
        )
    )
    top = alt.layer(change_ticks, change_strip)
    parts = [top, gantt, strip] if changes else [gantt, strip]
    chart = alt.vconcat(
        *parts,
        spacing=4,
        title=alt.Title(
            f"Measures by imposer and legal basis: {scenario.title} ({scenario.id})",
            subtitle=(
                "bar shade = level (empty = suspended); dashed rules = level changes; "
                "black rule = forecast start"
            ),
            anchor="start",
        ),
    ).resolve_scale(color="independent")
    return dict(chart.to_dict())


def forecast_title(text: str, simulation: dict[str, Any], subtitle: list[str]) -> Any:
    """A forecast chart's title naming the case, the runs and the seed (a figure cut out of the
    report still says what it shows), its subtitle saying how to read it."""
    alt = _alt()
    return alt.Title(
        f"{text}: {simulation['scenario']}, {simulation['runs']:,} runs, seed {simulation['seed']}",
        subtitle=subtitle,
        anchor="start",
    )


def _months(simulation: dict[str, Any]) -> Any:
    """The x axis of a forecast chart: whole months after the forecast's start, from 0."""
    alt = _alt()
    return alt.X(
        "month:Q",
        title=f"months after the forecast start ({simulation['start']})",
        scale=alt.Scale(domain=[0, simulation["horizon"]], nice=False),
        axis=alt.Axis(format="d", tickMinStep=1),
    )


def fan_chart(simulation: dict[str, Any], curve: str) -> dict[str, Any]:
    """A fan chart of a quantile curve: the median run with the 25-75% and 5-95% bands across
    runs, by month (cohesion from month 0, where it is 1 by definition, with a rule there)."""
    alt = _alt()
    title, y_title, reading = data.FAN_CURVES[curve]
    rows = data.fan_rows(simulation, curve)
    base = alt.Chart(alt.Data(values=rows)).encode(x=_months(simulation))
    outer = base.mark_area(color="#9ecae1", opacity=0.6).encode(
        y=alt.Y("q05:Q", title=y_title), y2="q95:Q"
    )
    inner = base.mark_area(color="#3182bd", opacity=0.6).encode(y="q25:Q", y2="q75:Q")
    median = base.mark_line(color="#08306b", strokeWidth=2).encode(
        y="q50:Q",
        tooltip=[
            alt.Tooltip("month:Q"),
            alt.Tooltip("date:N"),
            alt.Tooltip("q50:Q", title="median", format=".3f"),
            alt.Tooltip("q25:Q", title="25%", format=".3f"),
            alt.Tooltip("q75:Q", title="75%", format=".3f"),
            alt.Tooltip("q05:Q", title="5%", format=".3f"),
            alt.Tooltip("q95:Q", title="95%", format=".3f"),
        ],
    )
    layers = [outer, inner, median]
    if curve in data.START_VALUES:
        level = data.START_VALUES[curve]
        layers.append(
            alt.Chart(alt.Data(values=[{"y": level}]))
            .mark_rule(strokeDash=[2, 2], color="#444")
            .encode(y="y:Q")
        )
    subtitle = ["median run, 25-75% band (dark) and 5-95% band (light) across runs", *reading]
    chart = alt.layer(*layers).properties(
        width=PANEL_WIDTH, height=240, title=forecast_title(title, simulation, subtitle)
    )
    return dict(chart.to_dict())


def easing_chart(simulation: dict[str, Any]) -> dict[str, Any]:
    """Each member's cumulative probability of having eased by each month, and the target's of
    having conceded, from month 0, each in its band of Monte Carlo error (95%, Wilson)."""
    alt = _alt()
    rows = data.easing_rows(simulation)
    series = list(dict.fromkeys(row["series"] for row in rows))
    colour = alt.Color(
        "series:N",
        sort=series,
        title=None,
        legend=alt.Legend(
            orient="bottom",
            columns=2,
            labelLimit=0,
            symbolType="stroke",
            symbolOpacity=1,
            symbolStrokeWidth=2,
        ),
    )
    base = alt.Chart(alt.Data(values=rows)).encode(x=_months(simulation), color=colour)
    bands = base.mark_area(opacity=0.2).encode(y="low:Q", y2="high:Q")
    lines = base.mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=12)).encode(
        y=alt.Y(
            "probability:Q",
            title="cumulative probability (by the month)",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
        strokeDash=alt.condition(
            "datum.series == 'target has conceded'", alt.value([5, 3]), alt.value([1, 0])
        ),
        tooltip=[
            alt.Tooltip("series:N"),
            alt.Tooltip("month:Q"),
            alt.Tooltip("date:N"),
            alt.Tooltip("probability:Q", format=".1%"),
            alt.Tooltip("low:Q", title="95% Monte Carlo error from", format=".1%"),
            alt.Tooltip("high:Q", title="to", format=".1%"),
        ],
    )
    chart = alt.layer(bands, lines).properties(
        width=PANEL_WIDTH,
        height=240,
        title=forecast_title(
            "Who eases, and when",
            simulation,
            [
                "cumulative: share of runs in which each member has eased (the target",
                "conceded, dashed) by each month; bands: 95% Monte Carlo error (Wilson)",
            ],
        ),
    )
    return dict(chart.to_dict())


def report_charts(
    scenario: Scenario, simulation: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Every chart of the report by name: the timeline, and with a forecast its fan charts
    (each quantile curve the forecast carries) and the easing chart."""
    charts = {"timeline": timeline_chart(scenario)}
    if simulation is not None:
        for curve in data.FAN_CURVES:
            if curve in simulation["curves"]:
                charts[curve.removesuffix("_quantiles")] = fan_chart(simulation, curve)
        charts["easing"] = easing_chart(simulation)
    return charts
