"""The self-contained HTML report: data in, one HTML string out.

:func:`render_report` is a pure function of the scenario, its game analysis (the
``to_dict()`` of :func:`sanctionsim.game.coalition.analyze`) and, optionally, a forecast (the
``to_dict()`` of :func:`sanctionsim.dynamics.engine.simulate`). It never simulates nor analyses
(DESIGN.md: data flows one way). The page opens offline: the Vega, Vega-Lite and vega-embed
JavaScript is inlined, taken from the ``vl-convert-python`` package that bundles them.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from sanctionsim.report import charts as chart_specs
from sanctionsim.report import data
from sanctionsim.scenario.schema import Scenario, central
from sanctionsim.scenario.views import lever_record, snapshot


@functools.cache
def vega_javascript() -> str:
    """Vega, Vega-Lite and vega-embed as one script that sets ``window.vegaEmbed``.

    Built by ``vl-convert-python`` from the copies it ships (no network); a few seconds the
    first time in a process, cached after.
    """
    import vl_convert

    from sanctionsim.report.figures import vega_lite_version

    version = vega_lite_version()
    # The stub says ``snippet: str``, but None (the default snippet, setting the globals) is
    # what the function documents and accepts.
    bundle: Any = vl_convert.javascript_bundle
    return str(bundle(None, vl_version=version))


def script_json(document: Any) -> str:
    """JSON safe to place inside a ``<script>`` element (no ``</script>`` can close it).

    >>> script_json({"a": "</script>"})
    '{"a": "<\\\\/script>"}'
    """
    return json.dumps(document, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")


@functools.cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sanctionsim.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _number
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.1%}"
    # the shipped score history's row of the model in use: read, never recomputed on a request
    from sanctionsim.history.track_record import track_record_sentence

    env.globals["track_record"] = track_record_sentence  # one line, from the shipped history
    return env


def _number(value: float | None, digits: int = 3) -> str:
    """A number for a table: ``g`` format, an en dash for none."""
    if value is None:
        return "–"
    return f"{value:.{digits}g}"


def scenario_summary(scenario: Scenario) -> dict[str, Any]:
    """The scenario's facts for the report's summary section."""
    view = snapshot(scenario, scenario.start)
    return {
        "id": scenario.id,
        "title": scenario.title,
        "description": scenario.description,
        "start": scenario.start.isoformat(),
        "horizon_months": scenario.horizon_months,
        "utility_unit": scenario.utility_unit,
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "role": a.role,
                "trade_share": None if a.trade_share is None else central(a.trade_share),
                "strategy": a.strategy if a.role in ("leader", "member") else None,
            }
            for a in scenario.actors
        ],
        "demand": scenario.demand.description,
        "in_force": len(view.in_force()),
        "measures": len(scenario.measures),
        "side_deals": [d.to_dict() for d in view.deals],
        "levers": [lever_record(lever) for lever in scenario.levers],
        "assumptions": list(scenario.assumptions),
        "sources": [
            {
                "id": s.id,
                "citation": s.citation,
                "date": s.date.isoformat() if s.date else None,
                "confidence": s.confidence,
                "url": s.url if s.url and s.url.startswith(("https://", "http://")) else None,
            }
            for s in scenario.sources
        ],
    }


def render_report(
    scenario: Scenario,
    analysis: dict[str, Any],
    simulation: dict[str, Any] | None = None,
    *,
    javascript: str | None = None,
) -> str:
    """The report as one HTML document that opens offline.

    Args:
        scenario: the validated scenario.
        analysis: ``analyze(scenario, date).to_dict()``.
        simulation: a forecast's ``to_dict()`` for this scenario, or None (no forecast section).
        javascript: the Vega bundle to inline (default: :func:`vega_javascript`).

    Raises:
        ValueError: the analysis or the forecast is of another scenario.
    """
    for name, document in (("analysis", analysis), ("forecast", simulation)):
        if document is not None and document.get("scenario") != scenario.id:
            raise ValueError(
                f"the {name} is of scenario {document.get('scenario')!r}, not {scenario.id!r}"
            )
    from sanctionsim.report.forecast_table import forecast_table_html

    specs = chart_specs.report_charts(scenario, simulation)
    template = _environment().get_template("report.html.j2")
    return str(
        template.render(
            s=scenario_summary(scenario),
            estimates=data.analyst_estimates(scenario),
            changes=data.level_changes(scenario),
            analysis=analysis,
            simulation=simulation,
            forecast_table=(
                ""
                if simulation is None
                else forecast_table_html(
                    simulation,
                    [a.id for a in scenario.actors if a.role == "leader"],
                    simulation.get("model_version", "v1"),  # v1's documents carry none
                )
            ),
            charts={name: script_json(spec) for name, spec in specs.items()},
            vega_js=javascript if javascript is not None else vega_javascript(),
        )
    )
