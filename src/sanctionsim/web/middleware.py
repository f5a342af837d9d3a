"""The app's ASGI middleware and server: body cap, HTTP hygiene, load shedding, slow clients.

Outermost first: :class:`Guard` (allowed hosts, security headers, ``HEAD``), :class:`Shed`
(busy work refused before anything is read or routed), :class:`BodyLimit` (bodies capped and
timed), then the FastAPI app. :func:`make_server` is the uvicorn server that also cuts off
clients that send their headers too slowly.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanctionsim.web.limits import Gates, Limits
from sanctionsim.web.rendering import error_html

if TYPE_CHECKING:
    import uvicorn

#: Paths served with FastAPI's own documentation pages, which load their scripts from a CDN.
DOCS_PATHS = ("/docs", "/redoc")
#: Requests that take the forecast slot (a forecast or a comparison: POST), those that take a
#: page-render slot (GET or POST); :class:`Shed` refuses them at once when their slot is taken.
FORECAST_POSTS = re.compile(
    r"^(/api)?/cases/[^/]+/forecast$|^(/api)?/compare$|^(/api)?/scenario/forecast$"
)
RENDER_GETS = re.compile(r"^/cases/[^/]+$")
RENDER_POSTS = re.compile(r"^/scenario$|^/api/scenario/(check|snapshot|analysis)$")
FORECAST_BUSY = "another forecast is running; try again in a few seconds"
RENDERS_BUSY = "the server is busy drawing other pages; try again in a few seconds"


def busy(path: str, message: str, retry_after: int) -> Response:
    """503 with ``Retry-After``: cheap to send, whatever the refused work would have cost."""
    headers = {"Retry-After": str(retry_after)}
    if path.startswith("/api/"):
        body = {"error": message, "retry_after_seconds": retry_after}
        return JSONResponse(body, status_code=503, headers=headers)
    return HTMLResponse(error_html(message), status_code=503, headers=headers)


def same_origin(headers: Mapping[str, str]) -> bool:
    """Whether a form post comes from this app's own pages.

    Browsers send ``Origin`` (with ``Referrer-Policy: same-origin``, ``null`` from any other
    site); without it the ``Referer`` is read. A request with neither is not a browser's, so it
    cannot carry a forged submission and is let through.
    """
    source = headers.get("origin") or headers.get("referer")
    if source is None:
        return True
    sent = urlsplit(source)
    own = urlsplit("//" + headers.get("host", ""))
    if sent.scheme not in ("http", "https") or sent.hostname is None:
        return False
    try:
        default = 443 if sent.scheme == "https" else 80
        return (sent.hostname, sent.port or default) == (own.hostname, own.port or default)
    except ValueError:  # a port that is not a number
        return False


class Shed:
    """ASGI middleware: refuse busy work with 503 before its body is read or a route is found.

    Under load most requests are refused; refusing them here, with a response drawn once, costs
    a fraction of what FastAPI's routing and form parsing cost, and so leaves the event loop free
    for the requests that can be served. The routes check their gate again (this is a peek), and
    a page's form from another site still gets the route's 403.
    """

    def __init__(self, app: ASGIApp, gates: Gates, limits: Limits) -> None:
        self.app = app
        self.gates = gates
        self.retry_after = limits.retry_after_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            message = self._refusal(scope)
            if message is not None:
                await busy(scope["path"], message, self.retry_after)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> str | None:
        path, method = scope["path"], scope["method"]
        post = method == "POST"
        if post and FORECAST_POSTS.match(path) and self.gates.forecast_busy():
            message = FORECAST_BUSY
        elif (
            RENDER_POSTS.match(path) if post else method == "GET" and RENDER_GETS.match(path)
        ) and self.gates.renders_full():
            message = RENDERS_BUSY
        else:
            return None
        if post and not path.startswith("/api/"):
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            if not same_origin(headers):
                return None  # the route answers 403
        return message


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


def serve(app: Any, host: str, port: int) -> None:
    """Serve ``app`` until interrupted, in a process that does nothing else (``sanctionsim
    serve``).

    Process-wide: the GIL's switch interval is shortened to :data:`SWITCH_INTERVAL
    <.forecasting.SWITCH_INTERVAL>`, so that page renders in worker threads hand the GIL back to
    the event loop quickly (every socket call releases and retakes it).
    """
    import sys

    from sanctionsim.web.forecasting import SWITCH_INTERVAL

    sys.setswitchinterval(SWITCH_INTERVAL)
    make_server(app, host, port).run()
