"""The report's data: plain records drawn from a scenario and a forecast, nothing computed anew.

Every function here is pure: it reads a validated :class:`~sanctionsim.scenario.schema.Scenario`
(or a forecast's ``to_dict()`` document) and returns lists of plain dicts that the charts
(:mod:`sanctionsim.report.charts`, exported by :mod:`sanctionsim.report.figures`) and the HTML
template draw.
Nothing here simulates or analyses (DESIGN.md: data flows one way).

>>> from sanctionsim.scenario.loader import load_scenario
>>> rows = timeline_segments(load_scenario("dprk-2014"))
>>> for r in rows:
...     if r["measure"] == "jpn-entry-ban":
...         print(r["start"], r["end"], r["level"], r["status"])
2006-10-14 2014-07-04 1.0 in force
2014-07-04 2016-02-19 0.0 suspended
2016-02-19 2018-07-01 1.0 in force
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from sanctionsim.scenario.schema import Estimate, Measure, Scenario

#: How far before the first dated event the timeline may reach (older bars are clipped).
TIMELINE_LOOKBACK_YEARS = 10


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` moved by whole months (day clipped to 28 so every month has it).

    >>> add_months(dt.date(2014, 7, 4), 18)
    datetime.date(2016, 1, 4)
    """
    index = date.year * 12 + (date.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, min(date.day, 28))


def decimal_year(date: dt.date | str) -> float:
    """A date as a fractional year, for time axes drawn on a numeric scale.

    >>> decimal_year("2016-07-02")
    2016.5
    """
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    first = dt.date(date.year, 1, 1)
    days = (dt.date(date.year + 1, 1, 1) - first).days
    return round(date.year + (date - first).days / days, 6)


def _label(item: object) -> str | None:
    for attribute in ("id", "actor", "member"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return value
    return None


def analyst_estimates(scenario: Scenario) -> list[dict[str, Any]]:
    """Every quantity flagged ``analyst_estimate``: where it is, its value and its range.

    Paths name list items by their id where they have one (``actors[JPN].payoffs...``).
    """
    found: list[dict[str, Any]] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, Estimate):
            if node.analyst_estimate:
                low, high = node.bounds()
                found.append(
                    {
                        "path": path,
                        "value": node.central(),
                        "low": low,
                        "high": high,
                        "distribution": (
                            node.distribution.dist if node.distribution is not None else None
                        ),
                        "note": node.note,
                        "sources": list(node.sources),
                    }
                )
            return
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{path}.{name}" if path else name)
        elif isinstance(node, list | tuple):
            for index, item in enumerate(node):
                walk(item, f"{path}[{_label(item) or index}]")
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}[{key}]")

    walk(scenario, "")
    return found


def timeline_window(scenario: Scenario) -> tuple[dt.date, dt.date]:
    """The dates the timeline shows: from the first event (at most ten years before the start)
    to the later of the last dated fact and the forecast horizon."""
    dates = [e.date for e in scenario.timeline]
    for m in scenario.measures:
        dates.append(m.imposed)
        dates.extend(c.date for c in m.changes)
        if m.lifted is not None:
            dates.append(m.lifted)
    earliest_allowed = add_months(scenario.start, -12 * TIMELINE_LOOKBACK_YEARS)
    first = min(d for d in [*dates, scenario.start] if d >= earliest_allowed)
    horizon_end = add_months(scenario.start, scenario.horizon_months)
    last = max([*dates, horizon_end]) + dt.timedelta(days=31)
    if (last - first).days < 3 * 365:
        # A short episode: whole months, one before the first fact.
        return add_months(dt.date(first.year, first.month, 1), -1), dt.date(
            last.year + (last.month == 12), last.month % 12 + 1, 1
        )
    # Round outwards to half-years so that the axis starts and ends on a tick.
    start = dt.date(first.year, 1 if first.month <= 6 else 7, 1)
    end = dt.date(last.year + (last.month > 6), 7 if last.month <= 6 else 1, 1)
    return start, end


def _segments(measure: Measure, end_of_view: dt.date) -> list[tuple[dt.date, dt.date, float]]:
    points = [(measure.imposed, measure.level)] + [(c.date, c.level) for c in measure.changes]
    stop = measure.lifted if measure.lifted is not None else end_of_view
    result = []
    for index, (begin, level) in enumerate(points):
        finish = points[index + 1][0] if index + 1 < len(points) else stop
        finish = min(finish, stop)
        if finish > begin:
            result.append((begin, finish, level))
    return result


def measure_label(measure: Measure) -> str:
    """The timeline's row label: imposer and measure name."""
    return f"{measure.imposer} · {measure.name}"


def measure_order(scenario: Scenario) -> list[Measure]:
    """Measures grouped by imposer (coalition order, then others), each group by imposition."""
    rank = {a.id: i for i, a in enumerate(scenario.members)}
    rank.update({a.id: len(rank) + i for i, a in enumerate(scenario.actors) if a.id not in rank})
    return sorted(
        scenario.measures, key=lambda m: (rank.get(m.imposer, len(rank)), m.imposed, m.id)
    )


def timeline_segments(scenario: Scenario) -> list[dict[str, Any]]:
    """One record per stretch of constant level of each measure, clipped to the window."""
    window_start, window_end = timeline_window(scenario)
    rows: list[dict[str, Any]] = []
    for measure in measure_order(scenario):
        for begin, finish, level in _segments(measure, window_end):
            if finish <= window_start:
                continue
            clipped = begin < window_start
            status = "in force" if level >= 1.0 else ("suspended" if level == 0.0 else "eased")
            rows.append(
                {
                    "measure": measure.id,
                    "row": measure_label(measure),
                    "imposer": measure.imposer,
                    "legal_basis": measure.legal_basis,
                    "kind": measure.kind,
                    "start": max(begin, window_start).isoformat(),
                    "end": finish.isoformat(),
                    "since": begin.isoformat(),
                    "clipped": clipped,
                    "level": level,
                    "status": status,
                    "level_text": "" if level >= 1.0 else f"level {level:g}",
                }
            )
    return rows


def level_changes(scenario: Scenario) -> list[dict[str, Any]]:
    """Dates on which measures already imposed change level, with what happened.

    These are the turning points of a regime (for DPRK: Japan's easing of July 2014 and its
    snap-back of February 2016), drawn as labelled rules on the timeline.

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> [r["label"] for r in level_changes(load_scenario("dprk-2014"))][-2:]
    ['Jul 2014: JPN eases 5 measures', 'Feb 2016: JPN tightens 4 measures']
    """
    by_date: dict[dt.date, dict[str, list[str]]] = {}
    for m in scenario.measures:
        previous = m.level
        for change in m.changes:
            entry = by_date.setdefault(change.date, {"eases": [], "tightens": []})
            if change.level < previous:
                entry["eases"].append(m.imposer)
            elif change.level > previous:
                entry["tightens"].append(m.imposer)
            previous = change.level
    rows = []
    for date in sorted(by_date):
        entry = by_date[date]
        words = []
        for verb in ("eases", "tightens"):
            for imposer in sorted(set(entry[verb])):
                count = entry[verb].count(imposer)
                words.append(f"{imposer} {verb} {count} measure{'s' if count > 1 else ''}")
        if words:
            rows.append(
                {
                    "date": date.isoformat(),
                    "label": f"{date:%b %Y}: " + "; ".join(words),
                    "direction": "eases" if entry["eases"] else "tightens",
                }
            )
    return rows


def timeline_events(scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario's dated events inside the timeline's window."""
    start, end = timeline_window(scenario)
    return [
        {
            "date": e.date.isoformat(),
            "description": e.description,
            "actors": ", ".join(e.actors),
        }
        for e in scenario.timeline
        if start <= e.date <= end
    ]


def month_dates(simulation: dict[str, Any]) -> list[str]:
    """The calendar date of each simulated month (month t ends t months after the start)."""
    start = dt.date.fromisoformat(simulation["start"])
    return [add_months(start, int(t)).isoformat() for t in simulation["curves"]["month"]]


#: Quantile curves drawn as fan charts: their titles, axis titles and lines on how to read them.
FAN_CURVES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pressure_quantiles": (
        "Pressure on the target",
        "pressure (share of the target's revenue denied)",
        (),
    ),
    "cohesion_quantiles": (
        "Coalition cohesion",
        "cohesion (pressure held ÷ pressure at the start)",
        (
            "1 = all the pressure of the start held; above 1 = more than at the start",
            "(measures restored above their start level, e.g. a deal's easing snapped back)",
        ),
    ),
}

#: The value of a quantile curve at month 0, where it is known by definition: cohesion is each
#: run's gross pressure over its own at the start, so exactly 1 then. Net pressure at the start
#: is not in the forecast, so its curve starts at month 1.
START_VALUES = {"cohesion_quantiles": 1.0}


def fan_rows(simulation: dict[str, Any], curve: str) -> list[dict[str, Any]]:
    """Rows ``date, month, q05, q25, q50, q75, q95`` of a quantile curve of a forecast, from
    month 0 when the curve's start value is known by definition (:data:`START_VALUES`).

    >>> forecast = {"start": "2014-07-04", "curves": {"month": [1], "cohesion_quantiles":
    ...     {q: [0.5] for q in ("q05", "q25", "q50", "q75", "q95")}}}
    >>> [(r["month"], r["q50"]) for r in fan_rows(forecast, "cohesion_quantiles")]
    [(0, 1.0), (1, 0.5)]
    """
    quantiles = simulation["curves"][curve]
    dates = month_dates(simulation)
    keys = ("q05", "q25", "q50", "q75", "q95")
    rows = [
        {"date": date, "month": month, **{key: quantiles[key][index] for key in keys}}
        for index, (date, month) in enumerate(
            zip(dates, simulation["curves"]["month"], strict=True)
        )
    ]
    if curve in START_VALUES:
        rows.insert(
            0,
            {"date": simulation["start"], "month": 0, **dict.fromkeys(keys, START_VALUES[curve])},
        )
    return rows


def easing_rows(simulation: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows ``date, month, series, probability, low, high``: each member's chance of having
    eased by then, and the target's chance of having conceded, from month 0 (the start, when
    nothing has happened yet: 0, without error). ``low``-``high`` is the 95% Wilson interval
    of the Monte Carlo error of a share of ``runs`` runs
    (:func:`sanctionsim.dynamics.records.wilson`).

    >>> forecast = {"start": "2014-07-04", "runs": 100, "curves": {"month": [1],
    ...     "p_eased_by": {"JPN": [0.5]}, "p_conceded_by": [0.0]}}
    >>> [(r["month"], r["probability"], round(r["low"], 3)) for r in easing_rows(forecast)][:2]
    [(0, 0.0, 0.0), (1, 0.5, 0.404)]
    """
    from sanctionsim.dynamics.records import wilson

    runs = int(simulation["runs"])
    dates = [simulation["start"], *month_dates(simulation)]
    months = [0, *simulation["curves"]["month"]]
    rows: list[dict[str, Any]] = []
    series: dict[str, list[float]] = {
        f"{member} has eased": values
        for member, values in simulation["curves"]["p_eased_by"].items()
    }
    series["target has conceded"] = simulation["curves"]["p_conceded_by"]
    for name, values in series.items():
        for date, month, value in zip(dates, months, [0.0, *values], strict=True):
            # month 0 is certain (nothing has happened yet), not a Monte Carlo estimate
            low, high = wilson(round(value * runs), runs) if month else (0.0, 0.0)
            rows.append(
                {
                    "date": date,
                    "month": month,
                    "series": name,
                    "probability": value,
                    "low": low,
                    "high": high,
                }
            )
    return rows
