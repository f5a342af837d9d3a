"""Your own scenario in the app: check it, see its state and game analysis on a date, forecast
it, compare policies against its baseline (or a built-in case's); and the track record.

:func:`register` adds these routes to the app that :func:`~sanctionsim.web.app.create_app`
builds, with its gates and limits (:class:`Toolkit`). The scenario comes with every request
(:mod:`.uploads`: pasted text, a file, or a JSON string) and is forgotten with the response.
Parsing, analysing and drawing take a page-render slot; forecasts and comparisons take the
forecast slot (one at a time); either is refused at once with 503 when taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
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
from sanctionsim.web.app import (
    CASE_ID_PATTERN,
    MAX_DATE,
    MIN_DATE,
    ForecastRequest,
    ForecastTimeoutError,
    Gates,
    Limits,
    _page,
    _same_origin,
    run_forecast,
)
from sanctionsim.web.compare import CompareOptions
from sanctionsim.web.uploads import (
    MAX_POLICY_BYTES,
    MAX_SCENARIO_BYTES,
    PASTED,
    FormText,
    parse_scenario,
    problem_records,
)
from sanctionsim.web.yours import compare_page, problem_lines, scenario_page, track_record_page

TAGS: list[str | Enum] = ["your scenario"]


@dataclass(frozen=True)
class Toolkit:
    """What these routes share with the rest of the app."""

    limits: Limits
    gates: Gates
    busy: Callable[[str, str], Response]
    forecast_page: Callable[..., HTMLResponse]
    case: Callable[[str], Scenario]
    case_ids: Callable[[], list[str]]


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


def ok(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of a JSON route: its 200 schema and the error document."""
    return {200: {"model": model}, **schemas.ERRORS}


def problems_response(error: InputError) -> JSONResponse:
    """422 with every located problem, and the lines of ``sanctionsim check`` as the message."""
    body = {"error": str(error), "problems": problem_records(error)}
    return JSONResponse(body, status_code=422)


def check_date(date: dt.date | None, scenario: Scenario) -> dt.date:
    """The date asked for (default: the start) within the app's date range."""
    if date is None:
        return scenario.start
    if not MIN_DATE <= date <= MAX_DATE:
        raise InputError.single("date", f"must lie in {MIN_DATE}..{MAX_DATE}")
    return date


async def gated(kit: Toolkit, path: str, heavy: bool, work: Callable[[], Response]) -> Response:
    """Run ``work`` in a worker thread holding the forecast slot (``heavy``) or a page-render
    slot, or refuse at once with 503 when the slot is taken."""
    gate = kit.gates.forecast if heavy else kit.gates.renders
    if not gate.acquire(blocking=False):
        what = "another forecast is running" if heavy else "the server is busy drawing pages"
        return kit.busy(path, f"{what}; try again in a few seconds")
    try:
        response: Response = await run_in_threadpool(work)
        return response
    except ForecastTimeoutError:
        seconds = kit.limits.time_limit_seconds
        return kit.busy(path, f"the work took longer than {seconds:g} s; ask for fewer runs")
    finally:
        gate.release()


def json_work(produce: Callable[[], dict[str, Any]]) -> Callable[[], Response]:
    """``produce``'s document as JSON, or 422 with the located problems of bad input."""

    def work() -> Response:
        try:
            return JSONResponse(produce())
        except InputError as error:
            return problems_response(error)
        except ValueError as error:
            return JSONResponse({"error": f"invalid request: {error}"}, status_code=422)

    return work


def comparison(kit: Toolkit, request: CompareRequest) -> dict[str, Any]:
    """The paired comparison a request asks for, within the app's limits.

    Raises:
        InputError: no scenario or two, an unknown case or policy, a scenario or policy that
            does not validate.
    """
    from sanctionsim.web.compare import (
        builtin_policies,
        candidates,
        compare_policies,
        deadline_after,
    )
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
    limits = kit.limits
    return compare_policies(
        scenario,
        candidates(scenario, chosen),
        runs=min(request.runs, limits.max_runs),
        horizon=min(request.horizon or scenario.horizon_months, limits.max_horizon),
        seed=request.seed,
        check_time=deadline_after(limits.time_limit_seconds, ForecastTimeoutError),
    )


def register(app: FastAPI, kit: Toolkit) -> None:
    """Add the routes of your own scenario, policy comparisons and the track record."""
    _register_api(app, kit)
    _register_runs_api(app, kit)
    _register_pages(app, kit)
    _register_compare_pages(app, kit)


def _register_api(app: FastAPI, kit: Toolkit) -> None:
    from sanctionsim.scenario.views import snapshot

    @app.post(
        "/api/scenario/check",
        tags=TAGS,
        summary="Validate a scenario (the located errors of `sanctionsim check`)",
        response_model=None,
        responses=ok(schemas.CheckOut),
    )
    async def api_check(body: ScenarioText) -> Response:
        def produce() -> dict[str, Any]:
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

        return await gated(kit, "/api/", False, json_work(produce))

    @app.post(
        "/api/scenario/snapshot",
        tags=TAGS,
        summary="Your scenario's measures, deals and levers on a date",
        response_model=None,
        responses=ok(schemas.SnapshotOut),
    )
    async def api_snapshot(body: ScenarioOnDate) -> Response:
        def produce() -> dict[str, Any]:
            s = parse_scenario(body.scenario, body.name)
            return snapshot(s, check_date(body.date, s)).to_dict()

        return await gated(kit, "/api/", False, json_work(produce))

    @app.post(
        "/api/scenario/analysis",
        tags=TAGS,
        summary="Each member's stage game in your scenario on a date",
        response_model=None,
        responses=ok(schemas.AnalysisOut),
    )
    async def api_analysis(body: ScenarioOnDate) -> Response:
        from sanctionsim.game.coalition import analyze

        def produce() -> dict[str, Any]:
            s = parse_scenario(body.scenario, body.name)
            return analyze(s, check_date(body.date, s)).to_dict()

        return await gated(kit, "/api/", False, json_work(produce))


def _register_runs_api(app: FastAPI, kit: Toolkit) -> None:
    @app.post(
        "/api/scenario/forecast",
        tags=TAGS,
        summary="A bounded Monte Carlo forecast of your scenario",
        description=_bounds(kit.limits),
        response_model=None,
        responses=ok(schemas.ForecastOut),
    )
    async def api_forecast(body: ScenarioForecast) -> Response:
        def produce() -> dict[str, Any]:
            return run_forecast(parse_scenario(body.scenario, body.name), body, kit.limits)

        return await gated(kit, "/api/", True, json_work(produce))

    @app.post(
        "/api/compare",
        tags=TAGS,
        summary="Policies against the baseline: paired differences with 95% intervals",
        description=_bounds(kit.limits) + " The bounds hold for the whole comparison.",
        response_model=None,
        responses=ok(schemas.ComparisonOut),
    )
    async def api_compare(body: CompareRequest) -> Response:
        return await gated(kit, "/api/", True, json_work(lambda: comparison(kit, body)))

    @app.get(
        "/api/policies",
        tags=TAGS,
        summary="The built-in policies",
        response_model=None,
        responses=ok(schemas.PoliciesOut),
    )
    def api_policies() -> Response:
        from sanctionsim.experiments.policies import BUILTIN, builtin_ids

        rows = [{"id": i, "description": BUILTIN[i]["description"]} for i in builtin_ids()]
        return JSONResponse({"policies": rows})

    @app.get(
        "/api/track-record",
        tags=["api"],
        summary="The shipped score history (never recomputed on a request)",
        response_model=None,
        responses=ok(schemas.TrackRecordOut),
    )
    def api_track_record() -> Response:
        from sanctionsim.web.yours import track_record_document

        return JSONResponse(track_record_document())


def _bounds(limits: Limits) -> str:
    return (
        f"At most {limits.max_runs} runs and {limits.max_horizon} months, stopped after "
        f"{limits.time_limit_seconds:g} s (503); one at a time (503 when busy). The scenario "
        f"text is at most {MAX_SCENARIO_BYTES // 1024} KiB and is not kept."
    )


async def read_form(request: Request) -> FormData:
    """The form of a page's POST (URL-encoded or multipart: text areas and files in memory)."""
    from sanctionsim.web.uploads import UPLOAD_BODY_BYTES

    return await request.form(max_files=4, max_fields=40, max_part_size=UPLOAD_BODY_BYTES)


def refused() -> HTMLResponse:
    """403: a page's form sent from another site."""
    message = "this form may only be sent from this site's own pages (origin refused)"
    return _page("error.html", 403, message=message)


def _register_pages(app: FastAPI, kit: Toolkit) -> None:
    from sanctionsim.web.uploads import text_from_form

    async def scenario_text(form: FormData) -> FormText | InputError | None:
        try:
            return await text_from_form(form, "scenario", PASTED, MAX_SCENARIO_BYTES)
        except InputError as error:
            return error

    @app.get("/scenario", response_class=HTMLResponse, include_in_schema=False)
    def scenario_form() -> HTMLResponse:
        return scenario_page(kit.limits, None, {})

    @app.post("/scenario", response_class=HTMLResponse, include_in_schema=False)
    async def scenario_analyse(request: Request) -> Response:
        if not _same_origin(request):
            return refused()
        form = await read_form(request)
        given = await scenario_text(form)
        return await gated(kit, "/", False, lambda: scenario_page(kit.limits, given, form))

    @app.post("/scenario/forecast", response_class=HTMLResponse, include_in_schema=False)
    async def scenario_forecast(request: Request) -> Response:
        if not _same_origin(request):
            return refused()
        if kit.gates.forecast.locked():  # refused before reading or parsing anything
            return kit.busy("/", "another forecast is running; try again in a few seconds")
        form = await read_form(request)
        given = await scenario_text(form)

        def work() -> Response:
            if not isinstance(given, FormText):
                return scenario_page(kit.limits, given, form)
            try:
                scenario = parse_scenario(given.text, given.name)
            except InputError:
                return scenario_page(kit.limits, given, form)
            fields = ("runs", "horizon", "seed", "resolve", "detection")
            values = {k: str(form.get(k) or "").strip() for k in fields}
            try:
                body = ForecastRequest.model_validate({k: v for k, v in values.items() if v})
                outcome = run_forecast(scenario, body, kit.limits)
            except (ValidationError, InputError, ValueError) as error:
                return scenario_page(
                    kit.limits, given, form, forecast_problem="; ".join(problem_lines(error))
                )
            return kit.forecast_page(scenario, outcome, body, back="/scenario")

        return await gated(kit, "/", True, work)


def _register_compare_pages(app: FastAPI, kit: Toolkit) -> None:
    from sanctionsim.web.uploads import text_from_form

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_form() -> HTMLResponse:
        return compare_page(kit.limits, kit.case_ids(), {}, None, None)

    @app.post("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_run(request: Request) -> Response:
        if not _same_origin(request):
            return refused()
        if kit.gates.forecast.locked():
            return kit.busy("/", "another forecast is running; try again in a few seconds")
        form = await read_form(request)
        try:
            given = await text_from_form(form, "scenario", PASTED, MAX_SCENARIO_BYTES)
            policy = await text_from_form(form, "policy", "policy.yaml", MAX_POLICY_BYTES)
        except InputError as error:
            return compare_page(kit.limits, kit.case_ids(), form, None, error)

        def work() -> Response:
            try:
                options = {k: str(form.get(k) or "").strip() for k in ("runs", "horizon", "seed")}
                body = CompareRequest.model_validate(
                    {
                        **{k: v for k, v in options.items() if v},
                        "policies": form.getlist("policies"),
                        "case": str(form.get("case") or "") or None if given is None else None,
                        "scenario": None if given is None else given.text,
                        "name": PASTED if given is None else given.name,
                        "policy": None if policy is None else policy.text,
                    }
                )
                result = comparison(kit, body)
            except (ValidationError, InputError) as error:
                return compare_page(kit.limits, kit.case_ids(), form, None, error)
            return compare_page(kit.limits, kit.case_ids(), form, result, None)

        return await gated(kit, "/", True, work)

    @app.get("/track-record", response_class=HTMLResponse, include_in_schema=False)
    def track_record() -> HTMLResponse:
        return track_record_page()
