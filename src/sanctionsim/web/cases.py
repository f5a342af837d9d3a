"""The built-in cases in the app: their list, scenario, state and analysis on a date, the case
page, and bounded forecasts (the JSON API under ``/api/cases`` and the pages under ``/cases``).

A case is named only by its id from the built-in list, never by a path on disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from sanctionsim.errors import InputError
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import DEFAULT
from sanctionsim.web import schemas
from sanctionsim.web.context import Toolkit, check_date
from sanctionsim.web.forecasting import forecast_view, run_forecast
from sanctionsim.web.limits import CaseId, DateQuery, ForecastRequest, Limits, parse_date
from sanctionsim.web.middleware import FORECAST_BUSY, same_origin
from sanctionsim.web.rendering import page
from sanctionsim.web.yours import problem_lines

F = TypeVar("F", bound=Callable[..., Any])
FORECAST_FIELDS = ("runs", "horizon", "seed", "resolve", "detection", "model", "fold_range")


def ok(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of a JSON route: its 200 schema and the error document."""
    return {200: {"model": model}, **schemas.ERRORS}


def json_route(
    app: FastAPI,
    method: str,
    path: str,
    model: type[BaseModel],
    summary: str,
    *,
    tags: Sequence[str | Enum] = ("api",),
    description: str | None = None,
    name: str | None = None,
) -> Callable[[F], F]:
    """The decorator of a JSON route: its method, summary, tags and OpenAPI responses (the
    200 document ``model`` and the error document)."""
    return app.api_route(
        path,
        methods=[method],
        tags=list(tags),
        summary=summary,
        description=description or "",
        response_model=None,
        responses=ok(model),
        name=name,
    )


def page_route(app: FastAPI, method: str, path: str) -> Callable[[F], F]:
    """The decorator of an HTML page's route (left out of the OpenAPI description)."""
    return app.api_route(
        path, methods=[method], response_class=HTMLResponse, include_in_schema=False
    )


def problems_response(error: InputError) -> JSONResponse:
    """422 with every located problem, and the lines of ``sanctionsim check`` as the message."""
    from sanctionsim.web.uploads import problem_records

    body = {"error": str(error), "problems": problem_records(error)}
    return JSONResponse(body, status_code=422)


def as_json(produce: Callable[[], dict[str, Any]]) -> Response:
    """``produce()``'s document as JSON, or 422 with the located problems of bad input."""
    try:
        return JSONResponse(produce())
    except InputError as error:
        return problems_response(error)
    except ValueError as error:
        return JSONResponse({"error": f"invalid request: {error}"}, status_code=422)


def refused() -> HTMLResponse:
    """403: a page's form sent from another site."""
    message = "this form may only be sent from this site's own pages (origin refused)"
    return page("error.html", 403, message=message)


def forecast_page(
    kit: Toolkit, scenario: Scenario, body: ForecastRequest, **extra: Any
) -> Callable[[], Awaitable[Response]]:
    """The work of a forecast page: the forecast and its figures in the worker process, then
    the page in a thread (run under the forecast slot: one such page is drawn at a time)."""

    async def work() -> Response:
        outcome, charts, table = await kit.forecaster.run(forecast_view, scenario, body, kit.limits)
        return await run_in_threadpool(
            page,
            "forecast.html",
            s=scenario,
            simulation=outcome,
            charts=charts,
            request_=body,
            forecast_table=table,
            **extra,
        )

    return work


def form_request(form: Any) -> tuple[dict[str, str], ForecastRequest | ValidationError]:
    """A forecast form's fields as typed (trimmed), and the request they make or why not."""
    values = {key: str(form.get(key) or "").strip() for key in FORECAST_FIELDS}
    try:
        return values, ForecastRequest.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as error:
        return values, error


def register(app: FastAPI, kit: Toolkit) -> None:
    """Add the built-in cases' API routes and pages to ``app``."""
    _register_api(app, kit)
    _register_pages(app, kit)


def _register_api(app: FastAPI, kit: Toolkit) -> None:
    @json_route(app, "GET", "/api/cases", schemas.CasesOut, "The built-in cases")
    async def api_cases() -> dict[str, Any]:
        return {"cases": kit.cases.rows}  # on the event loop: no thread, no file once read

    @json_route(app, "GET", "/api/cases/{case_id}", schemas.CaseOut, "A case's whole scenario")
    def api_case(case_id: CaseId) -> dict[str, Any]:
        return {"scenario": kit.case(case_id).model_dump(mode="json")}

    for name, model, summary in (
        ("snapshot", schemas.SnapshotOut, "Measures, deals, levers on a date"),
        ("analysis", schemas.AnalysisOut, "Each member's stage game on a date"),
    ):
        _on_date_route(app, kit, name, model, summary)

    @json_route(
        app,
        "POST",
        "/api/cases/{case_id}/forecast",
        schemas.ForecastOut,
        "A bounded Monte Carlo forecast",
        description=bounds(kit.limits, "forecast"),
    )
    async def api_forecast(case_id: CaseId, body: ForecastRequest) -> Response:
        scenario = kit.case(case_id)

        async def work() -> Response:
            try:
                outcome = await kit.forecaster.run(run_forecast, scenario, body, kit.limits)
            except (InputError, ValueError) as error:
                return JSONResponse({"error": f"invalid forecast request: {error}"}, 422)
            return JSONResponse(outcome)

        return await kit.gated("/api/", True, work)


def _on_date_route(
    app: FastAPI, kit: Toolkit, name: str, model: type[BaseModel], summary: str
) -> None:
    """``GET /api/cases/{case_id}/<name>``: a case's :func:`view` ``name`` on a date."""

    @json_route(app, "GET", f"/api/cases/{{case_id}}/{name}", model, summary, name=f"api_{name}")
    def view_on_date(case_id: CaseId, date: DateQuery = None) -> Response:
        scenario = kit.case(case_id)
        return as_json(lambda: view(name)(scenario, check_date(date, scenario)).to_dict())


def view(name: str) -> Callable[[Scenario, dt.date], Any]:
    """The library's view of a scenario on a date: ``snapshot`` or ``analysis``."""
    from sanctionsim.game.coalition import analyze
    from sanctionsim.scenario.views import snapshot

    views: dict[str, Callable[[Scenario, dt.date], Any]] = {
        "snapshot": snapshot,
        "analysis": analyze,
    }
    return views[name]


def bounds(limits: Limits, what: str) -> str:
    """The bounds of a forecast route, for its OpenAPI description."""
    return (
        f"At most {limits.max_runs} runs and {limits.max_horizon} months, stopped after "
        f"{limits.time_limit_seconds:g} s (503); one {what} at a time (503 when busy)."
    )


class CasePage:
    """The case page: the state and analysis on a date, the case's timeline (drawn once per
    case: it depends on nothing in the request), and the forecast form."""

    def __init__(self, kit: Toolkit) -> None:
        self.kit = kit
        self._timelines: dict[str, str] = {}

    def timeline(self, scenario: Scenario) -> str:
        """A case's timeline chart as script JSON, drawn on first use."""
        from sanctionsim.report.charts import timeline_chart
        from sanctionsim.report.html import script_json

        if scenario.id not in self._timelines:
            self._timelines[scenario.id] = script_json(timeline_chart(scenario))
        return self._timelines[scenario.id]

    def __call__(
        self,
        scenario: Scenario,
        date_text: str | None = None,
        forecast_problem: str | None = None,
        form: dict[str, str] | None = None,
    ) -> HTMLResponse:
        from sanctionsim.web.views import state_and_analysis

        limits = self.kit.limits
        date, problem = parse_date(date_text, scenario.start)
        defaults = {
            "runs": str(limits.default_runs),
            "horizon": str(min(scenario.horizon_months, limits.max_horizon)),
            "seed": "0",
            # empty: drawn from their ranges, run by run, unless the user types a value
            "resolve": "",
            "detection": "",
            "model": DEFAULT,
            "fold_range": "true",
        }
        return page(
            "case.html",
            400 if problem or forecast_problem else 200,
            s=scenario,
            date=date.isoformat(),
            date_text=(date_text or "") if problem else date.isoformat(),
            date_problem=problem,
            **state_and_analysis(scenario, date),
            timeline=self.timeline(scenario),
            limits=limits,
            form=form or defaults,
            forecast_problem=forecast_problem,
        )


def _register_pages(app: FastAPI, kit: Toolkit) -> None:
    from sanctionsim import __version__

    case_page = CasePage(kit)

    @app.get("/static/vega.js", include_in_schema=False)
    def vega_js() -> Response:
        from sanctionsim.report.html import vega_javascript

        return Response(
            vega_javascript(),
            media_type="application/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @page_route(app, "GET", "/")
    def index() -> HTMLResponse:
        return page("index.html", cases=kit.cases.rows, version=__version__)

    @page_route(app, "GET", "/cases/{case_id}")
    async def case(
        case_id: CaseId, date: Annotated[str | None, Query(max_length=40)] = None
    ) -> Response:
        return await kit.render("/", lambda: case_page(kit.case(case_id), date))

    @page_route(app, "POST", "/cases/{case_id}/forecast")
    async def forecast(case_id: CaseId, request: Request) -> Response:
        if not same_origin(request.headers):
            return refused()
        if kit.gates.forecast_busy():  # refused before any work, even the case's lookup
            return kit.busy("/", FORECAST_BUSY)
        scenario = await run_in_threadpool(kit.case, case_id)
        form, body = form_request(await request.form())
        if isinstance(body, ValidationError):
            problems = "; ".join(problem_lines(body))
            return await kit.render("/", case_page, scenario, None, problems, form)
        try:
            return await kit.gated("/", True, forecast_page(kit, scenario, body))
        except (InputError, ValueError) as error:
            problem = f"invalid forecast request: {error}"
            return await kit.render("/", case_page, scenario, None, problem, form)
