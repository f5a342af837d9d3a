"""Your own scenario in the app: check it, see its state and game analysis on a date, forecast
it, compare policies against its baseline (or a built-in case's); and the track record.

:func:`register` adds these routes to the app that :func:`~sanctionsim.web.app.create_app`
builds, with its gates, limits and forecast worker (:class:`~.context.Toolkit`). The scenario
comes with every request (:mod:`.uploads`: pasted text, a file, or a JSON string) and is
forgotten with the response. Parsing, analysing and drawing take a page-render slot; forecasts
and comparisons take the forecast slot (one at a time) and run in the forecast worker process;
either is refused at once with 503 when taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import Enum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from sanctionsim.errors import InputError
from sanctionsim.scenario.schema import Scenario
from sanctionsim.web import schemas
from sanctionsim.web.cases import (
    as_json,
    bounds,
    forecast_page,
    form_request,
    json_route,
    page_route,
    refused,
    view,
)
from sanctionsim.web.compare import CompareOptions
from sanctionsim.web.context import Toolkit, check_date
from sanctionsim.web.forecasting import comparison_result, run_forecast
from sanctionsim.web.limits import CASE_ID_PATTERN, ForecastRequest
from sanctionsim.web.middleware import same_origin
from sanctionsim.web.uploads import (
    MAX_POLICY_BYTES,
    MAX_SCENARIO_BYTES,
    PASTED,
    FormText,
    parse_scenario,
)
from sanctionsim.web.yours import compare_page, problem_lines, scenario_page, track_record_page

TAGS: list[str | Enum] = ["your scenario"]


class ScenarioText(BaseModel):
    """A scenario's YAML text, and the name its errors are reported under."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(
        min_length=1, max_length=MAX_SCENARIO_BYTES, description="the scenario file's YAML text"
    )
    name: str = Field(
        default=PASTED, pattern=r"^[A-Za-z0-9._ -]{1,80}$", description="shown in located errors"
    )


class ScenarioOnDate(ScenarioText):
    date: dt.date | None = Field(default=None, description="YYYY-MM-DD (default: the start)")


class ScenarioForecast(ScenarioText, ForecastRequest):
    """A bounded forecast of your scenario (the same bounds as a built-in case's)."""


class CompareRequest(CompareOptions):
    """Policies against the baseline of a built-in case or of your scenario (one of the two)."""

    case: str | None = Field(default=None, pattern=CASE_ID_PATTERN, description="a built-in case")
    scenario: str | None = Field(default=None, min_length=1, max_length=MAX_SCENARIO_BYTES)
    name: str = Field(default=PASTED, pattern=r"^[A-Za-z0-9._ -]{1,80}$")
    policy: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_POLICY_BYTES,
        description="a policy file's YAML text, compared beside the built-in ones",
    )


def comparison_inputs(kit: Toolkit, request: CompareRequest) -> tuple[Scenario, list[Any]]:
    """The scenario a comparison request names and the policies it chooses.

    Raises:
        InputError: no scenario or two, an unknown case or policy, a scenario or policy that
            does not validate.
    """
    from sanctionsim.web.compare import builtin_policies
    from sanctionsim.web.uploads import parse_policy

    if (request.case is None) == (request.scenario is None):
        raise InputError.single("case", "give either a built-in case or a scenario, not both")
    if request.case is not None:
        scenario = kit.case(request.case)
    else:
        assert request.scenario is not None
        scenario = parse_scenario(request.scenario, request.name)
    chosen: list[Any] = [(p, "built-in") for p in builtin_policies(request.policies)]
    if request.policy is not None:
        chosen.append((parse_policy(request.policy), "uploaded"))
    if not chosen:
        raise InputError.single("policies", "choose at least one policy to compare")
    return scenario, chosen


async def comparison(kit: Toolkit, request: CompareRequest) -> dict[str, Any]:
    """The paired comparison a request asks for, within the app's limits, run in the worker.

    Raises:
        InputError: as :func:`comparison_inputs`.
    """
    scenario, chosen = await run_in_threadpool(comparison_inputs, kit, request)
    limits = kit.limits
    return await kit.forecaster.run(
        comparison_result,
        scenario,
        chosen,
        runs=min(request.runs, limits.max_runs),
        horizon=min(request.horizon or scenario.horizon_months, limits.max_horizon),
        seed=request.seed,
        seconds=limits.time_limit_seconds,
    )


def register(app: FastAPI, kit: Toolkit) -> None:
    """Add the routes of your own scenario, policy comparisons and the track record."""
    _register_api(app, kit)
    _register_runs_api(app, kit)
    _register_pages(app, kit)
    _register_compare_pages(app, kit)


def checked(body: ScenarioText) -> dict[str, Any]:
    """What ``/api/scenario/check`` answers for a valid scenario (raises for an invalid one)."""
    s = parse_scenario(body.scenario, body.name)
    return {
        "valid": True,
        "scenario": s.id,
        "title": s.title,
        "start": s.start.isoformat(),
        "horizon_months": s.horizon_months,
        "actors": [{"id": a.id, "name": a.name, "role": a.role} for a in s.actors],
        "measures": len(s.measures),
        "side_deals": len(s.side_deals),
        "levers": len(s.levers),
    }


def on_date(view: Callable[[Scenario, dt.date], Any]) -> Callable[[ScenarioOnDate], Any]:
    """A view of your scenario on the date asked (``snapshot``, ``analyze``) as a document."""

    def produce(body: ScenarioOnDate) -> dict[str, Any]:
        s = parse_scenario(body.scenario, body.name)
        document: dict[str, Any] = view(s, check_date(body.date, s)).to_dict()
        return document

    return produce


def _register_api(app: FastAPI, kit: Toolkit) -> None:

    @json_route(
        app,
        "POST",
        "/api/scenario/check",
        schemas.CheckOut,
        "Validate a scenario (the located errors of `sanctionsim check`)",
        tags=TAGS,
    )
    async def api_check(body: ScenarioText) -> Response:
        return await kit.render("/api/", as_json, lambda: checked(body))

    for name, model, summary in (
        ("snapshot", schemas.SnapshotOut, "Your scenario's measures, deals and levers on a date"),
        ("analysis", schemas.AnalysisOut, "Each member's stage game in your scenario on a date"),
    ):
        _on_date_route(app, kit, name, model, summary)


def _on_date_route(
    app: FastAPI, kit: Toolkit, name: str, model: type[BaseModel], summary: str
) -> None:
    """``POST /api/scenario/<name>``: your scenario's :func:`.cases.view` ``name`` on a date."""

    @json_route(app, "POST", f"/api/scenario/{name}", model, summary, tags=TAGS, name=f"api_{name}")
    async def view_on_date(body: ScenarioOnDate) -> Response:
        return await kit.render("/api/", as_json, lambda: on_date(view(name))(body))


async def heavy_json(kit: Toolkit, produce: Callable[[], Any]) -> Response:
    """``await produce()``'s document as JSON, under the forecast slot; 422 for bad input."""

    async def work() -> Response:
        try:
            return JSONResponse(await produce())
        except InputError as error:
            from sanctionsim.web.cases import problems_response

            return problems_response(error)
        except ValueError as error:
            return JSONResponse({"error": f"invalid request: {error}"}, status_code=422)

    return await kit.gated("/api/", True, work)


def _register_runs_api(app: FastAPI, kit: Toolkit) -> None:
    scenario_bounds = (
        f"{bounds(kit.limits, 'forecast')} The scenario text is at most "
        f"{MAX_SCENARIO_BYTES // 1024} KiB and is not kept."
    )

    @json_route(
        app,
        "POST",
        "/api/scenario/forecast",
        schemas.ForecastOut,
        "A bounded Monte Carlo forecast of your scenario",
        tags=TAGS,
        description=scenario_bounds,
    )
    async def api_forecast(body: ScenarioForecast) -> Response:
        async def produce() -> dict[str, Any]:
            scenario = await run_in_threadpool(parse_scenario, body.scenario, body.name)
            return await kit.forecaster.run(run_forecast, scenario, body, kit.limits)

        return await heavy_json(kit, produce)

    @json_route(
        app,
        "POST",
        "/api/compare",
        schemas.ComparisonOut,
        "Policies against the baseline: paired differences with 95% intervals",
        tags=TAGS,
        description=scenario_bounds + " The bounds hold for the whole comparison.",
    )
    async def api_compare(body: CompareRequest) -> Response:
        return await heavy_json(kit, lambda: comparison(kit, body))

    @json_route(
        app, "GET", "/api/policies", schemas.PoliciesOut, "The built-in policies", tags=TAGS
    )
    def api_policies() -> Response:
        from sanctionsim.experiments.policies import BUILTIN, builtin_ids

        rows = [{"id": i, "description": BUILTIN[i]["description"]} for i in builtin_ids()]
        return JSONResponse({"policies": rows})

    @json_route(
        app,
        "GET",
        "/api/track-record",
        schemas.TrackRecordOut,
        "The shipped score history (never recomputed on a request)",
    )
    def api_track_record() -> Response:
        from sanctionsim.web.yours import track_record_document

        return JSONResponse(track_record_document())


async def read_form(request: Request) -> FormData:
    """The form of a page's POST (URL-encoded or multipart: text areas and files in memory)."""
    from sanctionsim.web.uploads import UPLOAD_BODY_BYTES

    return await request.form(max_files=4, max_fields=40, max_part_size=UPLOAD_BODY_BYTES)


async def scenario_text(form: FormData) -> FormText | InputError | None:
    """The scenario a page's form brings (text or file), or why it cannot be read."""
    from sanctionsim.web.uploads import text_from_form

    try:
        return await text_from_form(form, "scenario", PASTED, MAX_SCENARIO_BYTES)
    except InputError as error:
        return error


def _register_pages(app: FastAPI, kit: Toolkit) -> None:
    @page_route(app, "GET", "/scenario")
    def scenario_form() -> HTMLResponse:
        return scenario_page(kit.limits, None, {})

    @page_route(app, "POST", "/scenario")
    async def scenario_analyse(request: Request) -> Response:
        if not same_origin(request.headers):
            return refused()
        form = await read_form(request)
        given = await scenario_text(form)
        return await kit.render("/", scenario_page, kit.limits, given, form)

    @page_route(app, "POST", "/scenario/forecast")
    async def scenario_forecast(request: Request) -> Response:
        if not same_origin(request.headers):
            return refused()
        if kit.gates.forecast_busy():  # refused before reading or parsing anything
            return kit.busy("/", "another forecast is running; try again in a few seconds")
        form = await read_form(request)
        given = await scenario_text(form)
        return await kit.gated("/", True, lambda: forecast_yours(kit, given, form))


async def forecast_yours(
    kit: Toolkit, given: FormText | InputError | None, form: FormData
) -> Response:
    """The forecast page of your scenario, or its page with the problems found."""
    try:
        if not isinstance(given, FormText):
            raise LookupError
        scenario = await run_in_threadpool(parse_scenario, given.text, given.name)
    except (InputError, LookupError):
        return await run_in_threadpool(scenario_page, kit.limits, given, form)
    _values, body = form_request(form)
    try:
        if isinstance(body, ValidationError):
            raise body
        return await forecast_page(kit, scenario, body, back="/scenario")()
    except (ValidationError, InputError, ValueError) as error:
        problem = "; ".join(problem_lines(error))
        return await run_in_threadpool(
            scenario_page, kit.limits, given, form, forecast_problem=problem
        )


def _register_compare_pages(app: FastAPI, kit: Toolkit) -> None:
    from sanctionsim.web.uploads import text_from_form

    def draw(form: Any, result: dict[str, Any] | None, error: Exception | None) -> HTMLResponse:
        return compare_page(kit.limits, kit.cases.ids(), form, result, error)

    @page_route(app, "GET", "/compare")
    def compare_form() -> HTMLResponse:
        return draw({}, None, None)

    @page_route(app, "POST", "/compare")
    async def compare_run(request: Request) -> Response:
        if not same_origin(request.headers):
            return refused()
        if kit.gates.forecast_busy():
            return kit.busy("/", "another forecast is running; try again in a few seconds")
        form = await read_form(request)
        try:
            given = await text_from_form(form, "scenario", PASTED, MAX_SCENARIO_BYTES)
            policy = await text_from_form(form, "policy", "policy.yaml", MAX_POLICY_BYTES)
        except InputError as error:
            return draw(form, None, error)

        async def work() -> Response:
            try:
                body = CompareRequest.model_validate(compare_fields(form, given, policy))
                result = await comparison(kit, body)
            except (ValidationError, InputError) as error:
                return await run_in_threadpool(draw, form, None, error)
            return await run_in_threadpool(draw, form, result, None)

        return await kit.gated("/", True, work)

    @page_route(app, "GET", "/track-record")
    def track_record() -> HTMLResponse:
        return track_record_page()


def compare_fields(
    form: FormData, given: FormText | None, policy: FormText | None
) -> dict[str, Any]:
    """What a comparison page's form asks, as the fields of :class:`CompareRequest`."""
    options = {k: str(form.get(k) or "").strip() for k in ("runs", "horizon", "seed")}
    return {
        **{k: v for k, v in options.items() if v},
        "policies": form.getlist("policies"),
        "case": str(form.get("case") or "") or None if given is None else None,
        "scenario": None if given is None else given.text,
        "name": PASTED if given is None else given.name,
        "policy": None if policy is None else policy.text,
    }
