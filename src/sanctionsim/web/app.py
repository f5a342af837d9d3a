"""The web app: built-in cases, their timelines, measures on a date, analysis, bounded forecasts.

:func:`create_app` builds a FastAPI application; nothing happens at import. Pages are rendered
with Jinja2 from ``templates/``; the JSON API (``/api/...``) is described at ``/openapi.json``
and browsable at ``/docs``. Safety rules:

* a case is named only by its id from the built-in list, never by a path on disk;
* request bodies are capped (:class:`BodyLimit`); forecasts are bounded in runs and horizon and
  stopped after a time limit (:class:`Limits`), one at a time;
* bad input gets a clear message on the page, and a 4xx with ``{"error": ...}`` from the API.

The app only calls the library's public functions (DESIGN.md: data flows one way).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanctionsim.errors import InputError
from sanctionsim.scenario.schema import Scenario

CASE_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,79}$"
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

# Module-level, so that FastAPI can resolve them (annotations are strings here).
CaseId = Annotated[
    str, Path(pattern=CASE_ID_PATTERN, max_length=80, description="a built-in case id")
]
DateQuery = Annotated[
    dt.date | None,
    Query(description="YYYY-MM-DD, between 1900-01-01 and 2100-12-31 (default: the start)"),
]


@dataclass(frozen=True)
class Limits:
    """Server-side bounds on what one request may ask for."""

    max_body_bytes: int = 16 * 1024
    max_runs: int = 4096
    default_runs: int = 2048
    max_horizon: int = 60
    time_limit_seconds: float = 20.0


class ForecastRequest(BaseModel):
    """A bounded forecast with a few central values fixed (the rest keep their uncertainty)."""

    model_config = ConfigDict(extra="forbid")

    runs: int = Field(default=2048, ge=1, le=4096, description="Monte Carlo runs")
    horizon: int | None = Field(
        default=None, ge=1, le=60, description="months (default: the case's horizon, capped)"
    )
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    resolve: float | None = Field(
        default=None, ge=0.0, le=1.0, description="fix the target's resolve at this value"
    )
    detection: float | None = Field(
        default=None, ge=0.0, le=1.0, description="fix the detection probability q at this value"
    )


class ForecastTimeoutError(Exception):
    """A forecast ran past the time limit."""


class BodyLimit:
    """ASGI middleware: reject request bodies larger than ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._reject(scope, receive, send)
            return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > self.limit:
                await self._reject(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"error": f"request body larger than {self.limit} bytes"}, status_code=413
        )
        await response(scope, receive, send)


@functools.cache
def _templates() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sanctionsim.web", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda v, d=3: "–" if v is None else f"{v:.{d}g}"
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.1%}"
    # the shipped score history's row of the model in use: read, never recomputed on a request
    env.globals["track_record"] = _track_record
    return env


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


class _Cases:
    """The built-in cases, loaded on first use and kept (they are read-only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, Scenario] = {}

    def ids(self) -> list[str]:
        from sanctionsim.scenario.library import case_ids

        return case_ids()

    def get(self, case_id: str) -> Scenario | None:
        """The case with this id, or None; only ids of the built-in list reach the disk."""
        from sanctionsim.scenario.library import case_path
        from sanctionsim.scenario.loader import load_file

        if case_id not in self.ids():
            return None
        with self._lock:
            if case_id not in self._loaded:
                path = case_path(case_id)
                assert path is not None
                self._loaded[case_id] = load_file(path, display=case_id)
            return self._loaded[case_id]


def _parse_date(text: str | None, default: dt.date) -> tuple[dt.date, str | None]:
    """A date from a form field, with an error message when it is not a usable date."""
    if text is None or not text.strip():
        return default, None
    try:
        date = dt.date.fromisoformat(text.strip())
    except ValueError:
        return default, f"'{text}' is not a date: use YYYY-MM-DD, e.g. 2014-07-05."
    if not MIN_DATE <= date <= MAX_DATE:
        return default, f"{date} is outside {MIN_DATE}..{MAX_DATE}."
    return date, None


def with_overrides(scenario: Scenario, request: ForecastRequest) -> Scenario:
    """The scenario with the requested central values fixed (validated again)."""
    data = scenario.model_dump()
    if request.resolve is not None:
        data["target"]["resolve"] = float(request.resolve)
    if request.detection is not None:
        data["observation"]["detection"] = float(request.detection)
    return Scenario.model_validate(data)


def run_forecast(scenario: Scenario, request: ForecastRequest, limits: Limits) -> dict[str, Any]:
    """Simulate within the limits; stops with :class:`ForecastTimeoutError` past the time limit."""
    from sanctionsim.dynamics.engine import BLOCK, simulate

    horizon = min(request.horizon or scenario.horizon_months, limits.max_horizon)
    runs = min(request.runs, limits.max_runs)
    deadline = time.monotonic() + limits.time_limit_seconds

    def check_time(_done: int) -> None:
        if time.monotonic() > deadline:
            raise ForecastTimeoutError

    result = simulate(
        with_overrides(scenario, request),
        runs=runs,
        horizon=horizon,
        seed=request.seed,
        chunk_size=BLOCK,
        progress=check_time,
    )
    return result.to_dict()


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def create_app(limits: Limits | None = None) -> FastAPI:
    """The web application (a factory: call it, serve the result with uvicorn)."""
    from sanctionsim import __version__

    limits = limits or Limits()
    cases = _Cases()
    busy = threading.Lock()
    app = FastAPI(
        title="sanctionsim",
        version=__version__,
        description=(
            "Built-in sanctions-coalition cases: their measures on a date, the stage-game "
            "analysis of each member, and bounded Monte Carlo forecasts. Cases are named by id "
            "only (see /api/cases)."
        ),
    )
    app.add_middleware(BodyLimit, limit=limits.max_body_bytes)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return _error(error.status_code, str(error.detail))
        return _page("error.html", error.status_code, message=str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in error.errors()
        ]
        if request.url.path.startswith("/api/"):
            return _error(422, "; ".join(problems) or "invalid request")
        return _page("error.html", 422, message="; ".join(problems))

    def scenario_or_404(case_id: str) -> Scenario:
        scenario = cases.get(case_id)
        if scenario is None:
            raise StarletteHTTPException(
                404, f"no built-in case {case_id!r}; cases: {', '.join(cases.ids())}"
            )
        return scenario

    def check_date(date: dt.date | None, scenario: Scenario) -> dt.date:
        if date is None:
            return scenario.start
        if not MIN_DATE <= date <= MAX_DATE:
            raise StarletteHTTPException(422, f"date must lie in {MIN_DATE}..{MAX_DATE}")
        return date

    def case_rows() -> list[dict[str, Any]]:
        rows = []
        for case_id in cases.ids():
            s = cases.get(case_id)
            assert s is not None
            rows.append(
                {
                    "id": s.id,
                    "title": s.title,
                    "start": s.start.isoformat(),
                    "coalition": [a.id for a in s.members],
                    "target": s.target.actor,
                }
            )
        return rows

    # ---------------------------------------------------------------- JSON API
    @app.get("/api/cases", tags=["api"], summary="The built-in cases")
    def api_cases() -> dict[str, Any]:
        return {"cases": case_rows()}

    @app.get("/api/cases/{case_id}", tags=["api"], summary="A case's whole scenario")
    def api_case(case_id: CaseId) -> dict[str, Any]:
        return {"scenario": scenario_or_404(case_id).model_dump(mode="json")}

    @app.get(
        "/api/cases/{case_id}/snapshot", tags=["api"], summary="Measures, deals, levers on a date"
    )
    def api_snapshot(case_id: CaseId, date: DateQuery = None) -> dict[str, Any]:
        from sanctionsim.scenario.views import snapshot

        scenario = scenario_or_404(case_id)
        return snapshot(scenario, check_date(date, scenario)).to_dict()

    @app.get(
        "/api/cases/{case_id}/analysis", tags=["api"], summary="Each member's stage game on a date"
    )
    def api_analysis(case_id: CaseId, date: DateQuery = None) -> Any:
        from sanctionsim.game.coalition import analyze

        scenario = scenario_or_404(case_id)
        try:
            return analyze(scenario, check_date(date, scenario)).to_dict()
        except InputError as error:
            return _error(422, str(error))

    @app.post(
        "/api/cases/{case_id}/forecast",
        tags=["api"],
        summary="A bounded Monte Carlo forecast",
        description=(
            f"At most {limits.max_runs} runs and {limits.max_horizon} months, stopped after "
            f"{limits.time_limit_seconds:g} s (503); one forecast at a time (503 when busy)."
        ),
    )
    async def api_forecast(case_id: CaseId, body: ForecastRequest) -> Any:
        scenario = scenario_or_404(case_id)
        outcome = await forecast_or_error(scenario, body)
        if isinstance(outcome, str):
            status = 422 if outcome.startswith("invalid") else 503
            return _error(status, outcome)
        return outcome

    async def forecast_or_error(scenario: Scenario, body: ForecastRequest) -> dict[str, Any] | str:
        if not busy.acquire(blocking=False):
            return "another forecast is running; try again in a few seconds"
        try:
            return await run_in_threadpool(run_forecast, scenario, body, limits)
        except ForecastTimeoutError:
            return (
                f"the forecast took longer than {limits.time_limit_seconds:g} s; "
                "ask for fewer runs or a shorter horizon"
            )
        except (InputError, ValueError) as error:
            return f"invalid forecast request: {error}"
        finally:
            busy.release()

    # ---------------------------------------------------------------- pages
    @app.get("/static/vega.js", include_in_schema=False)
    def vega_js() -> Response:
        from sanctionsim.report.html import vega_javascript

        return Response(
            vega_javascript(),
            media_type="application/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return _page("index.html", cases=case_rows(), version=__version__)

    @app.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(
        case_id: CaseId, date: Annotated[str | None, Query(max_length=40)] = None
    ) -> HTMLResponse:
        scenario = scenario_or_404(case_id)
        chosen, problem = _parse_date(date, scenario.start)
        shown = (date or "") if problem else chosen.isoformat()
        return _case_page(scenario, chosen, problem, shown)

    def _case_page(
        scenario: Scenario,
        date: dt.date,
        problem: str | None,
        date_text: str,
        forecast_problem: str | None = None,
        form: dict[str, str] | None = None,
    ) -> HTMLResponse:
        from sanctionsim.game.coalition import analyze
        from sanctionsim.report.charts import timeline_chart
        from sanctionsim.report.html import script_json
        from sanctionsim.scenario.schema import central
        from sanctionsim.scenario.views import snapshot

        view = snapshot(scenario, date)
        try:
            analysis: dict[str, Any] | None = analyze(scenario, date).to_dict()
            analysis_problem = None
        except InputError as error:
            analysis, analysis_problem = None, str(error)
        measures = sorted(
            (m.to_dict() for m in view.measures),
            key=lambda m: (m["imposer"], m["legal_basis"], m["id"]),
        )
        defaults = {
            "runs": str(limits.default_runs),
            "horizon": str(min(scenario.horizon_months, limits.max_horizon)),
            "seed": "0",
            "resolve": f"{central(scenario.target.resolve):g}",
            "detection": f"{central(scenario.observation.detection):g}",
        }
        return _page(
            "case.html",
            400 if problem or forecast_problem else 200,
            s=scenario,
            date=date.isoformat(),
            date_text=date_text,
            problem=problem,
            measures=measures,
            in_force=len(view.in_force()),
            analysis=analysis,
            analysis_problem=analysis_problem,
            timeline=script_json(timeline_chart(scenario)),
            limits=limits,
            form=form or defaults,
            forecast_problem=forecast_problem,
        )

    @app.post("/cases/{case_id}/forecast", response_class=HTMLResponse, include_in_schema=False)
    async def forecast_page(case_id: CaseId, request: Request) -> HTMLResponse:
        from pydantic import ValidationError

        from sanctionsim.report.charts import easing_chart, fan_chart
        from sanctionsim.report.data import FAN_CURVES
        from sanctionsim.report.html import script_json

        scenario = scenario_or_404(case_id)
        raw = await request.form()
        form = {
            key: str(raw.get(key, "")).strip()
            for key in ("runs", "horizon", "seed", "resolve", "detection")
        }
        try:
            body = ForecastRequest.model_validate(
                {key: value for key, value in form.items() if value}, strict=False
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
            )
            return _case_page(
                scenario,
                scenario.start,
                None,
                scenario.start.isoformat(),
                forecast_problem=problems,
                form=form,
            )
        outcome = await forecast_or_error(scenario, body)
        if isinstance(outcome, str):
            return _case_page(
                scenario,
                scenario.start,
                None,
                scenario.start.isoformat(),
                forecast_problem=outcome,
                form=form,
            )
        charts = {
            curve.removesuffix("_quantiles"): script_json(fan_chart(outcome, curve))
            for curve in FAN_CURVES
            if curve in outcome["curves"]
        }
        charts["easing"] = script_json(easing_chart(outcome))
        return _page("forecast.html", s=scenario, simulation=outcome, charts=charts, request_=body)

    return app


def _track_record(model_version: str = "v1") -> str:
    """The model's track record in one line (docs/cases.md, the score history)."""
    from sanctionsim.history.track_record import current_row

    return current_row(model_version).sentence()
