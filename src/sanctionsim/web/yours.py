"""The pages of your own scenario, of policy comparisons and of the track record.

Each function draws one page from what the request brought (see :mod:`.own` for the routes);
nothing here keeps anything between requests except what depends on no request: the shipped
score history, read once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from sanctionsim.errors import InputError
from sanctionsim.web.compare import shown_rows
from sanctionsim.web.limits import Limits, parse_date
from sanctionsim.web.rendering import page
from sanctionsim.web.uploads import (
    MAX_POLICY_BYTES,
    MAX_SCENARIO_BYTES,
    FormText,
    parse_scenario,
)

#: Where the evaluation protocol is written (docs/cases.md in the repository and the docs).
PROTOCOL_DOC = "docs/cases.md"
PROTOCOL_ANCHOR = "#the-evaluation-protocol"
FORM_FIELDS = ("runs", "horizon", "seed", "resolve", "detection", "date")


def problem_lines(error: Exception) -> list[str]:
    """One line per problem: located for a scenario or policy, per field for a request."""
    if isinstance(error, InputError):
        return [str(p) for p in error.problems]
    if isinstance(error, ValidationError):
        return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
    return [str(error)]


def _values(form: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    return {k: str(form.get(k) or "").strip() for k in keys}


def scenario_page(
    limits: Limits,
    given: FormText | InputError | None,
    form: Mapping[str, Any],
    forecast_problem: str | None = None,
) -> HTMLResponse:
    """Your scenario: the form; then its located errors, or its measures on the date asked,
    its timeline and the game analysis, with the forecast form beneath."""
    values = _values(form, FORM_FIELDS)
    context: dict[str, Any] = {
        "limits": limits,
        "max_kib": MAX_SCENARIO_BYTES // 1024,
        "text": given.text if isinstance(given, FormText) else "",
        "source_name": given.name if isinstance(given, FormText) else "",
        "problems": [],
        "s": None,
        "form": values,
        "forecast_problem": forecast_problem,
    }
    if given is None:
        if form:  # sent, but empty
            context["problems"] = ["Paste a scenario in the text area or choose a file."]
            return page("scenario.html", 422, **context)
        values["runs"] = str(limits.default_runs)
        values["seed"] = "0"
        return page("scenario.html", 200, **context)
    if isinstance(given, InputError):
        context["problems"] = problem_lines(given)
        return page("scenario.html", 422, **context)
    try:
        scenario = parse_scenario(given.text, given.name)
    except InputError as error:
        context["problems"] = problem_lines(error)
        return page("scenario.html", 422, **context)
    return page(
        "scenario.html", 400 if forecast_problem else 200, **_valid(limits, scenario, context)
    )


def _valid(limits: Limits, scenario: Any, context: dict[str, Any]) -> dict[str, Any]:
    """The context of a valid scenario: its state and analysis on the date, its timeline."""
    from sanctionsim.report.charts import timeline_chart
    from sanctionsim.report.html import script_json
    from sanctionsim.web.views import state_and_analysis

    values = context["form"]
    date, date_problem = parse_date(values.get("date"), scenario.start)
    values["date"] = values.get("date") if date_problem else date.isoformat()
    values["runs"] = values.get("runs") or str(limits.default_runs)
    values["horizon"] = values.get("horizon") or str(
        min(scenario.horizon_months, limits.max_horizon)
    )
    values["seed"] = values.get("seed") or "0"
    return {
        **context,
        **state_and_analysis(scenario, date),
        "s": scenario,
        "date": date.isoformat(),
        "date_problem": date_problem,
        "timeline": script_json(timeline_chart(scenario)),
    }


def compare_page(
    limits: Limits,
    case_ids: list[str],
    form: Mapping[str, Any],
    result: dict[str, Any] | None,
    error: Exception | None,
) -> HTMLResponse:
    """The comparison form, then each policy's paired difference from the baseline."""
    from sanctionsim.experiments.policies import BUILTIN, builtin_ids

    values = _values(form, ("runs", "horizon", "seed", "case"))
    values["runs"] = values["runs"] or str(limits.default_runs)
    values["seed"] = values["seed"] or "0"
    chosen = list(form.getlist("policies")) if hasattr(form, "getlist") else []
    text = str(form.get("scenario") or "")
    if result is not None:
        result = {
            **result,
            "shown": [{**p, "rows": shown_rows(p["differences"])} for p in result["policies"]],
            "shown_baseline": shown_rows(
                [dict(r, diff_vs_baseline=0.0, mean_ci95=r["ci95"]) for r in result["baseline"]]
            ),
        }
    return page(
        "compare.html",
        422 if error is not None else 200,
        limits=limits,
        cases=case_ids,
        policies=[{"id": i, "description": BUILTIN[i]["description"]} for i in builtin_ids()],
        chosen=chosen,
        form=values,
        text=text,
        policy_text=str(form.get("policy") or ""),
        max_kib=MAX_SCENARIO_BYTES // 1024,
        max_policy_kib=MAX_POLICY_BYTES // 1024,
        problems=[] if error is None else problem_lines(error),
        result=result,
    )


@functools.cache
def track_record_document() -> dict[str, Any]:
    """Every row of the shipped score history, the current row of the model in use in one
    sentence, and where the protocol is written (read once: it never changes while serving)."""
    from sanctionsim.history.track_record import current_row, score_history
    from sanctionsim.versions import DEFAULT

    return {
        "model_in_use": DEFAULT,
        "current": current_row(DEFAULT).sentence(),
        "protocol": PROTOCOL_DOC + PROTOCOL_ANCHOR,
        "rows": [row.model_dump() for row in score_history()],
    }


def protocol_url() -> str:
    """The protocol's address in the project's documentation (the package's metadata)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls: list[str] = list(metadata("sanctionsim").get_all("Project-URL") or [])
    except PackageNotFoundError:  # pragma: no cover - a source tree without an install
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation":
            return url.strip().rstrip("/") + "/cases.md" + PROTOCOL_ANCHOR
    return PROTOCOL_DOC + PROTOCOL_ANCHOR


def track_record_page() -> HTMLResponse:
    """The score history, every row, the current one marked, with the protocol in words."""
    document = track_record_document()
    return page("track_record.html", record=document, protocol_url=protocol_url())
