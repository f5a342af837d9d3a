"""The web app: built-in cases, their timelines, measures on a date, analysis, bounded forecasts.

:func:`create_app` builds a FastAPI application; nothing happens at import. Pages are rendered
with Jinja2 from ``templates/``; the JSON API (``/api/...``) is described at ``/openapi.json``
and browsable at ``/docs``. Safety rules:

* a case is named only by its id from the built-in list, never by a path on disk;
* request bodies are capped (:class:`BodyLimit`); forecasts are bounded in runs and horizon and
  stopped after a time limit (:class:`Limits`), one at a time;
* busy work is refused at once, before any rendering, with 503 and ``Retry-After``: a forecast
  while another runs, a page while :attr:`Limits.max_renders` others are being drawn; a case's
  timeline chart, which depends on nothing in the request, is drawn once per case;
* HTTP hygiene (:class:`Guard`): the ``Host`` header must name an allowed host (loopback names
  by default), the forecast form must come from this origin, every response carries
  ``X-Content-Type-Options``, ``X-Frame-Options``, ``Referrer-Policy`` and a
  ``Content-Security-Policy`` that admits only the pages' own script, ``HEAD`` works wherever
  ``GET`` does and a 405 names the allowed methods; a client that does not finish sending its
  request headers or body within :attr:`Limits.client_timeout_seconds` is cut off (408 for a
  body; see :func:`make_server`);
* bad input gets a clear message on the page, and a 4xx with ``{"error": ...}`` from the API.

The app only calls the library's public functions (DESIGN.md: data flows one way).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import functools
import hashlib
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanctionsim.errors import InputError
from sanctionsim.scenario.schema import Scenario

if TYPE_CHECKING:
    import uvicorn

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
    max_renders: int = 2  # pages drawn at once; more starve the event loop of the GIL
    retry_after_seconds: int = 5
    client_timeout_seconds: float = 10.0  # to send the request's headers, then its body


#: Host names the app answers to unless told otherwise: loopback only.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: Paths served with FastAPI's own documentation pages, which load their scripts from a CDN.
DOCS_PATHS = ("/docs", "/redoc")


@dataclass(frozen=True)
class Gates:
    """What a request must get, without waiting, before it may start busy work."""

    forecast: threading.Lock
    renders: threading.BoundedSemaphore


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

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        timeout: float = 10.0,
        wide: frozenset[str] = frozenset(),
        wide_limit: int = 0,
    ) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout
        self.wide = wide  # paths that may carry a scenario: ``wide_limit`` bytes
        self.wide_limit = max(wide_limit, limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        limit = self.wide_limit if scope["path"] in self.wide else self.limit
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._reject(scope, receive, send, limit)
            return
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                async with asyncio.timeout(self.timeout):  # no extra task, unlike wait_for
                    message = await receive()
            except TimeoutError:
                message_408 = f"the request body did not arrive within {self.timeout:g} s"
                await JSONResponse({"error": message_408}, status_code=408)(scope, receive, send)
                return
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > limit:
                await self._reject(scope, receive, send, limit)
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

    async def _reject(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = JSONResponse(
            {"error": f"request body larger than {limit} bytes"}, status_code=413
        )
        await response(scope, receive, send)


def _host_name(host: str) -> str:
    """The name in a ``Host`` header, without its port and IPv6 brackets, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """ASGI middleware: allowed ``Host`` names, security headers, ``HEAD`` as a bodiless ``GET``.

    A request whose ``Host`` names no allowed host gets 400 (this stops DNS-rebinding pages from
    reading the app). Every response gets the security headers; ``policy`` is the
    ``Content-Security-Policy`` of every path but FastAPI's documentation pages.
    """

    def __init__(self, app: ASGIApp, hosts: Sequence[str], policy: str) -> None:
        self.app = app
        self.hosts = {_host_name(h) for h in hosts}
        self.policy = policy.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        extra = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
        ]
        if not scope["path"].startswith(DOCS_PATHS):
            extra.append((b"content-security-policy", self.policy))
        head = scope["method"] == "HEAD"

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            elif message["type"] == "http.response.body" and head:
                message = {**message, "body": b""}
            await send(message)

        host = headers.get(b"host", b"").decode("latin-1")
        if _host_name(host) not in self.hosts:
            refusal = JSONResponse({"error": f"unknown host {host!r}"}, status_code=400)
            await refusal(scope, receive, guarded)
            return
        if head:
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, guarded)


def _same_origin(request: Request) -> bool:
    """Whether a form post comes from this app's own pages.

    Browsers send ``Origin`` (with ``Referrer-Policy: same-origin``, ``null`` from any other
    site); without it the ``Referer`` is read. A request with neither is not a browser's, so it
    cannot carry a forged submission and is let through.
    """
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return True
    sent = urlsplit(source)
    own = urlsplit("//" + request.headers.get("host", ""))
    if sent.scheme not in ("http", "https") or sent.hostname is None:
        return False
    try:
        default = 443 if sent.scheme == "https" else 80
        return (sent.hostname, sent.port or default) == (own.hostname, own.port or default)
    except ValueError:  # a port that is not a number
        return False


@functools.cache
def content_security_policy() -> str:
    """The pages' policy: their one inline script by hash, Vega's compiled expressions.

    Vega compiles chart expressions with ``Function`` (hence ``'unsafe-eval'``); the chart data
    sits in ``application/json`` script elements, which are never executed.
    """
    source = _templates().get_template("charts.html").render()
    inline = re.findall(r"<script>(.*?)</script>", source, flags=re.DOTALL)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in inline
    )
    return (
        f"default-src 'self'; script-src 'self' 'unsafe-eval' {hashes}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def make_server(app: Any, host: str, port: int, *, client_timeout: float = 10.0) -> uvicorn.Server:
    """A uvicorn server for ``app`` that also cuts off slow clients.

    uvicorn times out idle keep-alive connections but not a client that opens a connection and
    sends its request headers slowly or never; here a connection whose headers are not complete
    within ``client_timeout`` seconds (from connecting, or from the previous response) is
    closed. The body's own time limit is :class:`BodyLimit`'s.
    """
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class TimedH11Protocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _start_timer(self) -> None:
            self._header_timer = self.loop.call_later(client_timeout, self._too_slow)

        def _stop_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._start_timer()

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete:
                self._stop_timer()  # the headers are in: the request is the app's now

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._stop_timer()
            if not self.transport.is_closing():
                self._start_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_timer()
            super().connection_lost(exc)

        def _too_slow(self) -> None:
            self._header_timer = None
            if self.cycle is None or self.cycle.response_complete:
                self.transport.close()

    config = uvicorn.Config(app, host=host, port=port, http=TimedH11Protocol)
    return uvicorn.Server(config)


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
        self._ids: list[str] | None = None

    def ids(self) -> list[str]:
        """The built-in case ids (listed once: the package's cases do not change)."""
        from sanctionsim.scenario.library import case_ids

        if self._ids is None:
            self._ids = case_ids()
        return self._ids

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
    """The scenario with the requested central values fixed (``experiments.inputs.fix_inputs``)."""
    from sanctionsim.experiments.inputs import fix_inputs

    values = {"target.resolve": request.resolve, "observation.detection": request.detection}
    return fix_inputs(scenario, {k: float(v) for k, v in values.items() if v is not None})


def run_forecast(scenario: Scenario, request: ForecastRequest, limits: Limits) -> dict[str, Any]:
    """Simulate within the limits; stops with :class:`ForecastTimeoutError` past the time limit."""
    from sanctionsim.dynamics.engine import simulate
    from sanctionsim.dynamics.plan import BLOCK

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


def create_app(
    limits: Limits | None = None, allowed_hosts: Sequence[str] = LOOPBACK_HOSTS
) -> FastAPI:
    """The web application (a factory: call it, serve the result with :func:`make_server`).

    Size: over 80 lines because FastAPI routes are closures over the app's shared state.

    ``allowed_hosts``: the names the ``Host`` header may give (any port); loopback by default.
    """
    from sanctionsim import __version__
    from sanctionsim.web import schemas
    from sanctionsim.web.own import Toolkit, ok
    from sanctionsim.web.own import register as register_own_routes
    from sanctionsim.web.uploads import UPLOAD_BODY_BYTES, UPLOAD_PATHS

    limits = limits or Limits()
    cases = _Cases()
    gates = Gates(threading.Lock(), threading.BoundedSemaphore(max(limits.max_renders, 1)))
    timelines: dict[str, str] = {}
    retry_after = {"Retry-After": str(limits.retry_after_seconds)}
    app = FastAPI(
        title="sanctionsim",
        version=__version__,
        description=(
            "Built-in sanctions-coalition cases: their measures on a date, the stage-game "
            "analysis of each member, and bounded Monte Carlo forecasts. Cases are named by id "
            "only (see /api/cases)."
        ),
    )
    app.state.gates = gates
    app.add_middleware(
        BodyLimit,
        limit=limits.max_body_bytes,
        timeout=limits.client_timeout_seconds,
        wide=UPLOAD_PATHS,
        wide_limit=UPLOAD_BODY_BYTES,
    )
    app.add_middleware(Guard, hosts=allowed_hosts, policy=content_security_policy())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if "Allow" in headers and "GET" in headers["Allow"].split(", "):
            headers["Allow"] += ", HEAD"  # Guard answers HEAD wherever GET is served
        response: Response
        if request.url.path.startswith("/api/"):
            response = _error(error.status_code, str(error.detail))
        else:
            response = _page("error.html", error.status_code, message=str(error.detail))
        response.headers.update(headers)
        return response

    def busy(request_path: str, message: str) -> Response:
        """503 with ``Retry-After``: cheap to send, whatever the refused work would have cost."""
        if request_path.startswith("/api/"):
            response = _error(503, message, retry_after_seconds=limits.retry_after_seconds)
            response.headers.update(retry_after)
            return response
        return HTMLResponse(busy_page(message), status_code=503, headers=retry_after)

    @functools.cache
    def busy_page(message: str) -> str:
        """The refusal page, drawn once per message: refusing must cost next to nothing."""
        return str(_templates().get_template("error.html").render(message=message))

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

    @functools.cache
    def case_rows() -> list[dict[str, Any]]:
        # the library's committed index, as `sanctionsim cases` reads it: no file is parsed
        from sanctionsim.history.case_index import read_index

        keys = ("title", "start", "coalition", "target")
        return [
            {"id": case_id, **{k: entry[k] for k in keys}}
            for case_id, entry in sorted(read_index().items())
        ]

    # ---------------------------------------------------------------- JSON API
    @app.get(
        "/api/cases",
        tags=["api"],
        summary="The built-in cases",
        response_model=None,
        responses=ok(schemas.CasesOut),
    )
    async def api_cases() -> dict[str, Any]:
        return {"cases": await run_in_threadpool(case_rows)}

    @app.get(
        "/api/cases/{case_id}",
        tags=["api"],
        summary="A case's whole scenario",
        response_model=None,
        responses=ok(schemas.CaseOut),
    )
    def api_case(case_id: CaseId) -> dict[str, Any]:
        return {"scenario": scenario_or_404(case_id).model_dump(mode="json")}

    @app.get(
        "/api/cases/{case_id}/snapshot",
        tags=["api"],
        summary="Measures, deals, levers on a date",
        response_model=None,
        responses=ok(schemas.SnapshotOut),
    )
    def api_snapshot(case_id: CaseId, date: DateQuery = None) -> dict[str, Any]:
        from sanctionsim.scenario.views import snapshot

        scenario = scenario_or_404(case_id)
        return snapshot(scenario, check_date(date, scenario)).to_dict()

    @app.get(
        "/api/cases/{case_id}/analysis",
        tags=["api"],
        summary="Each member's stage game on a date",
        response_model=None,
        responses=ok(schemas.AnalysisOut),
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
        response_model=None,
        responses=ok(schemas.ForecastOut),
        description=(
            f"At most {limits.max_runs} runs and {limits.max_horizon} months, stopped after "
            f"{limits.time_limit_seconds:g} s (503); one forecast at a time (503 when busy)."
        ),
    )
    async def api_forecast(case_id: CaseId, body: ForecastRequest) -> Any:
        scenario = scenario_or_404(case_id)
        outcome = await forecast_or_error(scenario, body)
        if isinstance(outcome, tuple):
            status, message = outcome
            return busy("/api/", message) if status == 503 else _error(status, message)
        return outcome

    async def forecast_or_error(
        scenario: Scenario, body: ForecastRequest
    ) -> dict[str, Any] | tuple[int, str]:
        """The forecast, or (status, message): 503 when busy or too slow, 422 when invalid."""
        if not gates.forecast.acquire(blocking=False):
            return 503, "another forecast is running; try again in a few seconds"
        try:
            return await run_in_threadpool(run_forecast, scenario, body, limits)
        except ForecastTimeoutError:
            return 503, (
                f"the forecast took longer than {limits.time_limit_seconds:g} s; "
                "ask for fewer runs or a shorter horizon"
            )
        except (InputError, ValueError) as error:
            return 422, f"invalid forecast request: {error}"
        finally:
            gates.forecast.release()

    async def render_capped(render: Any, *args: Any, **kwargs: Any) -> Response:
        """Draw a page in a worker thread, or refuse at once when the render slots are full."""
        if not gates.renders.acquire(blocking=False):
            return busy("/", "the server is busy drawing other pages; try again in a few seconds")
        try:
            response: Response = await run_in_threadpool(render, *args, **kwargs)
            return response
        finally:
            gates.renders.release()

    def _case_page_of(case_id: str, date: str | None) -> HTMLResponse:
        scenario = scenario_or_404(case_id)
        chosen, problem = _parse_date(date, scenario.start)
        shown = (date or "") if problem else chosen.isoformat()
        return _case_page(scenario, chosen, problem, shown)

    def timeline_of(scenario: Scenario) -> str:
        """A case's timeline chart as script JSON, drawn on first use (it depends on the case
        alone)."""
        from sanctionsim.report.charts import timeline_chart
        from sanctionsim.report.html import script_json

        if scenario.id not in timelines:
            timelines[scenario.id] = script_json(timeline_chart(scenario))
        return timelines[scenario.id]

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
    async def case_page(
        case_id: CaseId, date: Annotated[str | None, Query(max_length=40)] = None
    ) -> Response:
        return await render_capped(_case_page_of, case_id, date)

    def _case_page(
        scenario: Scenario,
        date: dt.date,
        problem: str | None,
        date_text: str,
        forecast_problem: str | None = None,
        form: dict[str, str] | None = None,
    ) -> HTMLResponse:
        from sanctionsim.web.views import state_and_analysis

        defaults = {
            "runs": str(limits.default_runs),
            "horizon": str(min(scenario.horizon_months, limits.max_horizon)),
            "seed": "0",
            # empty: drawn from their ranges, run by run, unless the user types a value
            "resolve": "",
            "detection": "",
        }
        return _page(
            "case.html",
            400 if problem or forecast_problem else 200,
            s=scenario,
            date=date.isoformat(),
            date_text=date_text,
            problem=problem,
            **state_and_analysis(scenario, date),
            timeline=timeline_of(scenario),
            limits=limits,
            form=form or defaults,
            forecast_problem=forecast_problem,
        )

    @app.post("/cases/{case_id}/forecast", response_class=HTMLResponse, include_in_schema=False)
    async def forecast_page(case_id: CaseId, request: Request) -> Response:
        from pydantic import ValidationError

        if not _same_origin(request):
            message = "this form may only be sent from this site's own pages (origin refused)"
            return _page("error.html", 403, message=message)
        if gates.forecast.locked():  # refused before any work, even the case's lookup
            return busy("/", "another forecast is running; try again in a few seconds")
        scenario = await run_in_threadpool(scenario_or_404, case_id)
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
            return await render_capped(
                _case_page,
                scenario,
                scenario.start,
                None,
                scenario.start.isoformat(),
                forecast_problem=problems,
                form=form,
            )
        outcome = await forecast_or_error(scenario, body)
        if isinstance(outcome, tuple):
            status, message = outcome
            if status == 503:
                return busy("/", message)
            return await render_capped(
                _case_page,
                scenario,
                scenario.start,
                None,
                scenario.start.isoformat(),
                forecast_problem=message,
                form=form,
            )
        # Forecasts run one at a time, so at most one of these renders is ever under way.
        return await run_in_threadpool(_forecast_page, scenario, outcome, body)

    def _forecast_page(
        scenario: Scenario, outcome: dict[str, Any], body: ForecastRequest, **extra: Any
    ) -> HTMLResponse:
        from sanctionsim.report.charts import easing_chart, fan_chart
        from sanctionsim.report.data import FAN_CURVES
        from sanctionsim.report.forecast_table import forecast_table_html
        from sanctionsim.report.html import script_json

        charts = {
            curve.removesuffix("_quantiles"): script_json(fan_chart(outcome, curve))
            for curve in FAN_CURVES
            if curve in outcome["curves"]
        }
        charts["easing"] = script_json(easing_chart(outcome))
        leaders = [a.id for a in scenario.actors if a.role == "leader"]
        return _page(
            "forecast.html",
            s=scenario,
            simulation=outcome,
            charts=charts,
            request_=body,
            forecast_table=forecast_table_html(outcome, leaders),
            **extra,
        )

    kit = Toolkit(limits, gates, busy, _forecast_page, scenario_or_404, cases.ids)
    register_own_routes(app, kit)
    return app


def _track_record(model_version: str = "v1") -> str:
    """The model's track record in one line (docs/cases.md, the score history)."""
    from sanctionsim.history.track_record import current_row

    return current_row(model_version).sentence()
