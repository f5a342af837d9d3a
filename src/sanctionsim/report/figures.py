"""The report's figures as static images (matplotlib), for print and slides.

Figures are built with matplotlib's object API (``matplotlib.figure.Figure``), never through
``pyplot``: no backend is chosen and no global state changes, so a notebook keeps its own
backend, and nothing needs a display (``savefig`` renders PNG with Agg).

The same data as the interactive charts of :mod:`sanctionsim.report.charts`: the timeline of
measures, the fan charts of each quantile curve of a forecast and the easing probabilities.
:func:`figures` builds them; :func:`write_pngs` saves them, each through a temporary file.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from sanctionsim.files import write_atomically
from sanctionsim.report import data
from sanctionsim.report.charts import basis_colour, basis_group
from sanctionsim.scenario.schema import Scenario

DPI = 130


def _subplots(figsize: tuple[float, float]) -> tuple[Any, Any]:
    """A new figure and its axes, outside pyplot (no backend, no global figure list)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=DPI)
    return figure, figure.subplots()


def _dates(values: list[str]) -> list[dt.date]:
    return [dt.date.fromisoformat(v) for v in values]


def timeline_figure(scenario: Scenario) -> Any:
    """Gantt bars of the measures by imposer, coloured by legal basis, shaded by level."""
    from matplotlib.colors import to_rgba

    segments = data.timeline_segments(scenario)
    order = list(dict.fromkeys(row["row"] for row in segments))
    start, end = data.timeline_window(scenario)
    height = 1.6 + 0.28 * len(order)
    fig, ax = _subplots((13, height))
    seen: dict[str, str] = {}
    for row in segments:
        y = order.index(row["row"])
        x0 = dt.date.fromisoformat(row["start"])
        x1 = dt.date.fromisoformat(row["end"])
        colour = basis_colour(row["legal_basis"])
        label = basis_group(row["legal_basis"])
        fill = to_rgba(colour, 0.05 + 0.85 * row["level"])
        ax.barh(
            y,
            (x1 - x0).days,
            left=x0,
            height=0.7,
            color=fill,
            edgecolor=colour,
            linewidth=1.0,
            label=None if label in seen else label,
        )
        seen.setdefault(label, colour)
        if row["level"] < 1.0:
            ax.text(x0, y, f" {row['level_text']}", va="center", fontsize=7)
    for index, change in enumerate(data.level_changes(scenario)):
        when = dt.date.fromisoformat(change["date"])
        colour = "#c0392b" if change["direction"] == "eases" else "#555555"
        ax.axvline(when, color=colour, linestyle="--", linewidth=1)
        ax.text(
            when,
            -0.7 - 0.8 * (index % 3),
            " " + change["label"],
            color=colour,
            fontsize=7,
            rotation=0,
            va="bottom",
            fontweight="bold",
        )
    ax.axvline(scenario.start, color="black", linewidth=1.8)
    for event in data.timeline_events(scenario):
        ax.plot(
            dt.date.fromisoformat(event["date"]),
            len(order) - 0.2,
            marker="|",
            color="#444",
            markersize=8,
        )
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([o if len(o) <= 60 else o[:59] + "…" for o in order], fontsize=7)
    ax.set_ylim(len(order) + 0.3, -3.0)
    ax.set_xlim(start, end)
    ax.grid(axis="x", color="#ddd")
    ax.set_axisbelow(True)
    ax.legend(
        title="legal basis",
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=4,
        fontsize=7,
        title_fontsize=8,
        frameon=False,
    )
    fig.suptitle(
        f"{scenario.title}\nMeasures by imposer and legal basis (shade = level; "
        "dashed = level changes; black = forecast start; ticks at the bottom = events)",
        fontsize=9,
        x=0.01,
        ha="left",
    )
    fig.tight_layout()
    return fig


def fan_figure(simulation: dict[str, Any], curve: str) -> Any:
    """A fan chart: the median with its 50% and 90% bands, month by month."""
    title, y_title = data.FAN_CURVES[curve]
    rows = data.fan_rows(simulation, curve)
    dates = _dates([r["date"] for r in rows])
    fig, ax = _subplots((7, 4))
    ax.fill_between(
        dates, [r["q05"] for r in rows], [r["q95"] for r in rows], color="#9ecae1", label="90%"
    )
    ax.fill_between(
        dates, [r["q25"] for r in rows], [r["q75"] for r in rows], color="#3182bd", label="50%"
    )
    ax.plot(dates, [r["q50"] for r in rows], color="#08306b", linewidth=2, label="median")
    ax.set_ylabel(y_title)
    ax.set_title(f"{title} ({simulation['runs']:,} runs)", loc="left", fontsize=10)
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(color="#ddd")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def easing_figure(simulation: dict[str, Any]) -> Any:
    """Each member's probability of having eased by each month; the target's of conceding."""
    rows = data.easing_rows(simulation)
    fig, ax = _subplots((7, 4))
    for series in dict.fromkeys(r["series"] for r in rows):
        mine = [r for r in rows if r["series"] == series]
        ax.plot(
            _dates([r["date"] for r in mine]),
            [r["probability"] for r in mine],
            linestyle="--" if series.startswith("target") else "-",
            linewidth=2,
            label=series,
        )
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability (by month)")
    ax.set_title("Who eases, and when", loc="left", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(color="#ddd")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def figures(scenario: Scenario, simulation: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every figure of the report by name (the same names as the interactive charts)."""
    result = {"timeline": timeline_figure(scenario)}
    if simulation is not None:
        for curve in data.FAN_CURVES:
            if curve in simulation["curves"]:
                result[curve.removesuffix("_quantiles")] = fan_figure(simulation, curve)
        result["easing"] = easing_figure(simulation)
    return result


def write_pngs(
    scenario: Scenario, simulation: dict[str, Any] | None, directory: Path
) -> list[Path]:
    """Save every figure as ``DIRECTORY/NAME.png`` (each written to a temporary file first)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, figure in figures(scenario, simulation).items():
        target = directory / f"{name}.png"
        write_atomically(target, functools.partial(figure.savefig, format="png"))
        written.append(target)
    return written
