"""The web app: built-in cases, their timelines, measures on a date, analysis, bounded forecasts.

:func:`create_app` builds a FastAPI application; nothing happens at import. Pages are rendered
with Jinja2 from ``templates/`` (:mod:`.rendering`); the JSON API (``/api/...``) is described at
``/openapi.json`` and browsable at ``/docs``. The routes live in :mod:`.cases` (the built-in
cases) and :mod:`.own` (your scenario, comparisons, the track record); what they share is
:class:`~.context.Toolkit`. Safety rules:

* a case is named only by its id from the built-in list, never by a path on disk;
* request bodies are capped (:class:`~.middleware.BodyLimit`); forecasts are bounded in runs and
  horizon and stopped after a time limit (:class:`~.limits.Limits`), one at a time, in a worker
  process of their own (:mod:`.forecasting`) so that they never hold the server's GIL;
* busy work is refused at once, before its body is read or its route found, with 503 and
  ``Retry-After`` (:class:`~.middleware.Shed`): a forecast while another runs, a page while
  :attr:`Limits.max_renders` others are being drawn; a case's timeline chart, which depends on
  nothing in the request, is drawn once per case;
* HTTP hygiene (:class:`~.middleware.Guard`): the ``Host`` header must name an allowed host
  (loopback names by default), the forecast form must come from this origin, every response
  carries ``X-Content-Type-Options``, ``X-Frame-Options``, ``Referrer-Policy`` and a
  ``Content-Security-Policy`` that admits only the pages' own script, ``HEAD`` works wherever
  ``GET`` does and a 405 names the allowed methods; a client that does not finish sending its
  request headers or body within :attr:`Limits.client_timeout_seconds` is cut off (408 for a
  body; see :func:`~.middleware.make_server`);
* bad input gets a clear message on the page, and a 4xx with ``{"error": ...}`` from the API.

The app only calls the library's public functions (DESIGN.md: data flows one way).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sanctionsim.web.context import Toolkit
from sanctionsim.web.forecasting import run_forecast, with_overrides
from sanctionsim.web.limits import (
    LOOPBACK_HOSTS,
    ForecastRequest,
    ForecastTimeoutError,
    Limits,
)
from sanctionsim.web.middleware import BodyLimit, Guard, Shed, make_server
from sanctionsim.web.rendering import content_security_policy, page

__all__ = [
    "LOOPBACK_HOSTS",
    "BodyLimit",
    "ForecastRequest",
    "ForecastTimeoutError",
    "Limits",
    "create_app",
    "make_server",
    "run_forecast",
    "with_overrides",
]


def create_app(
    limits: Limits | None = None,
    allowed_hosts: Sequence[str] = LOOPBACK_HOSTS,
    *,
    prestart: bool = False,
) -> FastAPI:
    """The web application (a factory: call it, serve the result with :func:`make_server`).

    ``allowed_hosts``: the names the ``Host`` header may give (any port); loopback by default.
    ``prestart``: start the forecast worker with the app, so that the first forecast does not
    wait for it to import the engine (``sanctionsim serve``); otherwise on the first forecast.
    """
    from sanctionsim import __version__
    from sanctionsim.web import cases, own
    from sanctionsim.web.uploads import UPLOAD_BODY_BYTES, UPLOAD_PATHS

    kit = Toolkit(limits or Limits())

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if prestart:
            kit.forecaster.start()
        yield
        kit.forecaster.close()

    app = FastAPI(
        title="sanctionsim",
        version=__version__,
        description=(
            "Built-in sanctions-coalition cases: their measures on a date, the stage-game "
            "analysis of each member, and bounded Monte Carlo forecasts. Cases are named by id "
            "only (see /api/cases)."
        ),
        lifespan=lifespan,
    )
    app.state.gates = kit.gates
    app.state.forecaster = kit.forecaster
    app.add_middleware(
        BodyLimit,
        limit=kit.limits.max_body_bytes,
        timeout=kit.limits.client_timeout_seconds,
        wide=UPLOAD_PATHS,
        wide_limit=UPLOAD_BODY_BYTES,
    )
    app.add_middleware(Shed, gates=kit.gates, limits=kit.limits)
    app.add_middleware(Guard, hosts=allowed_hosts, policy=content_security_policy())
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    cases.register(app, kit)
    own.register(app, kit)
    return app


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    headers = dict(error.headers or {})
    if "Allow" in headers and "GET" in headers["Allow"].split(", "):
        headers["Allow"] += ", HEAD"  # Guard answers HEAD wherever GET is served
    response: Response
    if request.url.path.startswith("/api/"):
        response = JSONResponse({"error": str(error.detail)}, status_code=error.status_code)
    else:
        response = page("error.html", error.status_code, message=str(error.detail))
    response.headers.update(headers)
    return response


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
        for e in error.errors()
    )
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": problems or "invalid request"}, status_code=422)
    return page("error.html", 422, message=problems)
