"""One honest table of a forecast, shared by the command line, the HTML report and the web app.

A forecast's ``to_dict()`` document in, rows of display strings out, so that the three places a
forecast appears say the same thing in the same words:

* a probability's interval is the **Monte Carlo error** (the simulation's own sampling error,
  Wilson 1927), labelled so, never "the" interval of the forecast: it shrinks with more runs
  while the forecast's real uncertainty does not;
* a quantity (cohesion, pressure) shows the **5-95% band across runs** from the forecast's
  quantile curves at the horizon, the spread of outcomes the model itself draws;
* each forecast of a kind of event scored on history (docs/cases.md, protocol rule 1) carries
  the model's **track record** on that kind, from the shipped score history's current row of
  the model version in use (:mod:`sanctionsim.history.track_record`), never recomputed here;
* with model v2, a probability also shows its **range across the calibration's folds**
  (:mod:`sanctionsim.dynamics.folds`, the forecast's ``fold_range``): the uncertainty of the
  fitted parameters only, said so in a note under the table.

Nothing here simulates or imports a plotting library (DESIGN.md: data flows one way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sanctionsim.history.protocol import EventKind
    from sanctionsim.history.track_record import ScoreRow

MC_ERROR = "Monte Carlo error"
BAND = "5-95% of runs"
RECORD = "track record (Brier, model vs reference)"
FOLDS = "across calibration folds"
MC_ERROR_NOTE = (
    "Monte Carlo error: the 95% interval of the simulation's own sampling error (Wilson for "
    "probabilities, normal for means); it shrinks with more runs and is not the forecast's "
    "uncertainty. For that, read the 5-95% band of runs for quantities and the model's track "
    "record on history for events (Brier score: 0 is perfect, lower is better)."
)


@dataclass(frozen=True)
class ForecastRow:
    """One line of a forecast table, every cell already worded.

    ``kind`` is the event kind scored on history (None: a derived event or a quantity, with no
    track record of its own); ``record`` is the short track-record cell and ``record_line`` its
    sentence; ``folds`` a probability's range across the calibration's folds ("" without one).
    """

    label: str
    estimate: str
    mc_error: str
    band: str
    kind: EventKind | None
    record: str
    record_line: str
    folds: str = ""


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _number(value: float) -> str:
    return f"{value:.3f}"


def _interval(value: Mapping[str, Any], form: str = "percent") -> tuple[str, str]:
    show = _percent if form == "percent" else _number
    mean = value.get("mean")
    if mean is None or not math.isfinite(mean):
        return "n/a", "n/a"
    low, high = value["ci95"]
    return show(mean), f"{show(low)} - {show(high)}"


def _span(span: Sequence[float] | None) -> str:
    """A probability's range across folds, as its interval is written."""
    return "" if not span else f"{_percent(span[0])} - {_percent(span[1])}"


def _parameters(fitted: Mapping[str, Any]) -> str:
    """``lambda 2 and alpha 0.01``; v2f's ``lambda 1, alpha 0.01 and psi 2``; v2g's with xi,
    v2h's with eta, v2i's with mu, v2j's with mu and nu, v2k's with mu and zeta, v2l's with mu
    and rho, v2m's and v2q's with mu and chi, v2n's with mu, chi and epsilon, v2o's and v2p's with
    tau besides: each parameter the record holds."""
    from sanctionsim.dynamics.calibration import SYMBOLS

    named = [f"lambda {fitted['slope']:g}", f"alpha {fitted['backing_down']:g}"]
    for key, name in SYMBOLS.items():
        if key in fitted:
            named.append(f"{name} {fitted[key]:g}")
    return f"{', '.join(named[:-1])} and {named[-1]}"


def fold_note(document: Mapping[str, Any]) -> str:
    """What the range across calibration folds is, for a forecast with one ("" otherwise)."""
    folds = document.get("fold_range")
    if not folds:
        return ""
    total = sum(s["folds"] for s in folds["parameter_sets"])
    sets = "; ".join(
        f"{_parameters(s)}, chosen by {s['folds']} of {total}" for s in folds["parameter_sets"]
    )
    fewer = ""
    if folds["runs"] < document["runs"]:
        fewer = " (the estimate, on all the runs, may lie outside it by its Monte Carlo error)"
    return (
        "Across calibration folds: the lowest and highest estimate of a probability when the "
        "forecast is simulated again at each distinct parameter set of the calibration's "
        f"leave-one-cluster-out folds ({sets}), on the same first {folds['runs']:,} runs and "
        f"seed (paired){fewer}. It is the uncertainty of the fitted parameters only, not the "
        "forecast's uncertainty as a whole: the analyst inputs' ranges, the model's own error "
        "(its track record) and the Monte Carlo error are not in it."
    )


def _band_at_horizon(curve: Mapping[str, Sequence[float]] | None) -> tuple[str, str]:
    """The median and the 5-95% band of a quantile curve at its last month."""
    if not curve or not curve.get("q05"):
        return "n/a", "n/a"
    return _number(curve["q50"][-1]), f"{_number(curve['q05'][-1])} - {_number(curve['q95'][-1])}"


def _record(row: ScoreRow | None, kind: EventKind | None) -> tuple[str, str]:
    if kind is None:
        return "not scored", ""
    if row is None:
        return "none shipped", ""
    mine = row.brier_by_kind.get(kind)
    reference = row.reference_brier_by_kind.get(kind)
    if mine is None:
        short = f"{row.headline:.3f} (all)"
    elif reference is None:
        short = f"{mine:.3f}"
    else:
        short = f"{mine:.3f} vs {reference:.3f}"
    return short, row.kind_sentence(kind)


def forecast_rows(
    document: Mapping[str, Any], leaders: Sequence[str] = (), model_version: str = "v1"
) -> list[ForecastRow]:
    """The rows of a forecast's table, from its ``to_dict()`` document.

    Args:
        document: a forecast's ``to_dict()`` (keys ``horizon``, ``members``, ``metrics``,
            ``curves``, model v2's ``fold_range``; see docs/model-dynamics.md, "Summaries").
        leaders: the members whose easing is scored as ``leader_eases`` (the scenario's
            leader); every other member's as ``member_eases``.
        model_version: whose track record to show (the score history's current row).
    """
    from sanctionsim.history.track_record import current_row

    try:
        record_row: ScoreRow | None = current_row(model_version)
    except KeyError:
        record_row = None
    metrics = document["metrics"]
    curves = document.get("curves") or {}
    across = (document.get("fold_range") or {}).get("metrics", {})
    rows: list[ForecastRow] = []

    def event(label: str, metric: str, key: str, kind: EventKind | None) -> None:
        value = metrics[metric][key] if key else metrics[metric]
        estimate, error = _interval(value)
        short, line = _record(record_row, kind)
        span = across.get(metric)
        folds = _span(span.get(key) if key and span else span)
        rows.append(ForecastRow(label, estimate, error, "", kind, short, line, folds))

    event(
        f"target concedes within {document['horizon']} months",
        "p_target_concedes",
        "",
        "concession",
    )
    members: Mapping[str, str] = document["members"]
    for member in metrics["p_member_eases"]:
        kind: EventKind = "leader_eases" if member in leaders else "member_eases"
        event(f"{member} eases ({members.get(member, '?')})", "p_member_eases", member, kind)
    event("cascade: two or more members ease", "p_cascade", "", None)
    for deal in metrics.get("p_deal_delivers_by_deal", {}):
        event(
            f"side deal {deal} delivers in full", "p_deal_delivers_by_deal", deal, "deal_delivers"
        )
        if deal in metrics.get("p_snap_back", {}):  # older results carry no snap-back
            event(f"side deal {deal}: member snaps back", "p_snap_back", deal, None)
    mean, error = _interval(metrics["cohesion_final"], form="number")
    _, band = _band_at_horizon(curves.get("cohesion_quantiles"))
    rows.append(
        ForecastRow(
            "cohesion at the horizon (pressure / start), mean",
            mean,
            error,
            band,
            None,
            "not scored",
            "",
        )
    )
    median, band = _band_at_horizon(curves.get("pressure_quantiles"))
    if median != "n/a":
        rows.append(
            ForecastRow(
                "pressure at the horizon, median", median, "-", band, None, "not scored", ""
            )
        )
    return rows


def record_lines(rows: Sequence[ForecastRow]) -> list[str]:
    """Each distinct track-record sentence of ``rows``, in the order first shown."""
    lines: list[str] = []
    for row in rows:
        if row.record_line and row.record_line not in lines:
            lines.append(row.record_line)
    return lines


def forecast_table_html(
    document: Mapping[str, Any], leaders: Sequence[str] = (), model_version: str = "v1"
) -> str:
    """The forecast's table as HTML (escaped), for the report and the web app alike: the table
    ``#forecast-metrics``, what the Monte Carlo error is (``#mc-error-note``) and the track
    record by kind of event (``#track-record-by-kind``)."""
    from html import escape

    rows = forecast_rows(document, leaders, model_version)
    note = fold_note(document)
    headers = ("quantity", "estimate", MC_ERROR, *((FOLDS,) if note else ()), BAND, RECORD)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        title = f' title="{escape(row.record_line)}"' if row.record_line else ""
        folds = f'<td class="num folds">{escape(row.folds or "-")}</td>' if note else ""
        cells = (
            f"<td>{escape(row.label)}</td>"
            f'<td class="num">{escape(row.estimate)}</td>'
            f'<td class="num mc-error">{escape(row.mc_error)}</td>{folds}'
            f'<td class="num band">{escape(row.band or "-")}</td>'
            f'<td class="num record"{title}>{escape(row.record)}</td>'
        )
        body.append(f"<tr>{cells}</tr>")
    lines = "".join(f"<li>{escape(line)}</li>" for line in record_lines(rows))
    folds_note = f'<p class="small" id="fold-range-note">{escape(note)}</p>' if note else ""
    return (
        f'<table id="forecast-metrics"><tr>{head}</tr>{"".join(body)}</table>'
        f'<p class="small" id="mc-error-note">{escape(MC_ERROR_NOTE)}</p>{folds_note}'
        f'<ul class="small" id="track-record-by-kind">{lines}</ul>'
    )
