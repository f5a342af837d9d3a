"""The app under load and abuse (issue 16, items 12 and 13), over real HTTP on 127.0.0.1.

Load shedding is pinned by behaviour, not by timing (the p99 goal is measured by
``benchmarks/bench_web.py shedding``): busy work is refused at once with 503 and
``Retry-After`` and a small body, page renders are capped, and a case's timeline chart is drawn
once. Some tests hold the app's gates from the test process, so they serve the app in a thread
of this process (``uvicorn`` on a free loopback port, as ``sanctionsim serve`` does).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import pickle
import signal
import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanctionsim.errors import InputError
from sanctionsim.web.app import Limits, create_app
from sanctionsim.web.forecasting import Forecaster
from support import serving

FORM = urllib.parse.urlencode({"runs": "1024", "horizon": "6", "seed": "0"})


def request(
    address: tuple[str, int],
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*address, timeout=120)
    try:
        sent = {"Host": f"{address[0]}:{address[1]}", **(headers or {})}
        if body is not None:
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(Limits(max_renders=2))


@pytest.fixture(scope="module")
def address(app: Any) -> Iterator[tuple[str, int]]:
    with serving(app) as where:
        yield where


def origin(address: tuple[str, int]) -> dict[str, str]:
    return {"Origin": f"http://{address[0]}:{address[1]}"}


# ---------------------------------------------------------------- item 12: load shedding
def test_a_form_forecast_while_another_runs_is_refused_at_once_with_503(
    app: Any, address: tuple[str, int]
) -> None:
    with app.state.gates.forecast:  # a forecast is running
        status, headers, body = request(
            address, "POST", "/cases/dprk-2014/forecast", FORM, origin(address)
        )
        api_status, api_headers, _ = request(
            address,
            "POST",
            "/api/cases/dprk-2014/forecast",
            "{}",
            {"Content-Type": "application/json"},
        )
    assert status == 503
    assert int(headers["retry-after"]) >= 1
    assert b"spec-timeline" not in body  # no full case page rendered to say no
    assert b"another forecast is running" in body
    assert api_status == 503
    assert int(api_headers["retry-after"]) >= 1
    status, _, body = request(address, "POST", "/cases/dprk-2014/forecast", FORM, origin(address))
    assert status == 200
    assert b'id="chart-easing"' in body or b"spec-easing" in body


def test_page_renders_beyond_the_cap_are_refused_with_503(
    app: Any, address: tuple[str, int]
) -> None:
    gate = app.state.gates.renders
    held = [gate.acquire(blocking=False) for _ in range(2)]
    assert all(held)
    try:
        status, headers, body = request(address, "GET", "/cases/dprk-2014")
        cheap, _, _ = request(address, "GET", "/api/cases")
    finally:
        for _ in held:
            gate.release()
    assert status == 503
    assert int(headers["retry-after"]) >= 1
    assert len(body) < 4000
    assert cheap == 200  # the cheap JSON is not a page render
    assert request(address, "GET", "/cases/dprk-2014")[0] == 200


def test_a_cases_timeline_chart_is_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctionsim.report.charts as charts

    calls: list[str] = []
    original = charts.timeline_chart

    def counting(scenario: Any) -> Any:
        calls.append(scenario.id)
        return original(scenario)

    monkeypatch.setattr(charts, "timeline_chart", counting)
    with serving(create_app()) as where:
        for date in ("2014-07-04", "2015-01-01", "2016-03-01"):
            status, _, body = request(where, "GET", f"/cases/dprk-2014?date={date}")
            assert status == 200
            assert b"spec-timeline" in body
        assert request(where, "GET", "/cases/argentina-1982")[0] == 200
    assert calls == ["dprk-2014", "argentina-1982"]


def test_busy_work_is_refused_from_its_headers_before_its_body_arrives(
    app: Any, address: tuple[str, int]
) -> None:
    """A refusal reads no body and finds no route: the 94 missing bytes are never waited for."""
    head = (
        f"POST /cases/dprk-2014/forecast HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nruns=1"
    )
    with app.state.gates.forecast, socket.create_connection(address, timeout=5) as client:
        client.sendall(head.encode())
        answer = client.recv(65536)
    assert answer.startswith(b"HTTP/1.1 503"), answer[:80]
    assert b"retry-after: 5" in answer.lower()


def test_forecasts_run_in_a_worker_process_that_ends_with_the_app() -> None:
    app = create_app()
    with serving(app) as where:
        body = '{"runs": 1024, "horizon": 3}'
        json_type = {"Content-Type": "application/json"}
        status, _, _ = request(where, "POST", "/api/cases/dprk-2014/forecast", body, json_type)
        assert status == 200
        worker = asyncio.run(app.state.forecaster.run(os.getpid))
        assert worker != os.getpid()
    deadline = time.monotonic() + 15
    while Path(f"/proc/{worker}").exists() and "Z" not in zombie_state(worker):
        assert time.monotonic() < deadline, "the forecast worker outlived the app"
        time.sleep(0.05)


def test_a_forecast_whose_worker_died_gets_503_and_the_next_one_a_new_worker() -> None:
    app = create_app()
    body, json_type = '{"runs": 1024, "horizon": 3}', {"Content-Type": "application/json"}
    with serving(app) as where:
        assert request(where, "POST", "/api/cases/dprk-2014/forecast", body, json_type)[0] == 200
        worker = asyncio.run(app.state.forecaster.run(os.getpid))
        os.kill(worker, signal.SIGKILL)
        status, headers, answer = request(
            where, "POST", "/api/cases/dprk-2014/forecast", body, json_type
        )
        assert status == 503, answer
        assert b"worker process stopped" in answer
        assert int(headers["retry-after"]) >= 1
        assert request(where, "POST", "/api/cases/dprk-2014/forecast", body, json_type)[0] == 200
        assert asyncio.run(app.state.forecaster.run(os.getpid)) != worker


def test_closing_the_forecaster_waits_for_an_idle_worker_to_end() -> None:
    forecaster = Forecaster()
    worker = asyncio.run(forecaster.run(os.getpid))
    assert Path(f"/proc/{worker}").exists()
    forecaster.close(grace_seconds=60)
    assert not Path(f"/proc/{worker}").exists(), "close() returned before the worker ended"


def test_closing_the_forecaster_does_not_wait_for_a_busy_worker_beyond_the_grace() -> None:
    forecaster = Forecaster()
    worker = asyncio.run(forecaster.run(os.getpid))

    async def close_while_busy() -> None:
        busy = asyncio.ensure_future(forecaster.run(time.sleep, 600))
        await asyncio.sleep(0.5)  # the task reaches the worker
        forecaster.close(grace_seconds=0.1)
        busy.cancel()

    try:
        asyncio.run(close_while_busy())
        assert zombie_state(worker) not in ("Z", "X"), "the busy worker was not left to run"
    finally:
        os.kill(worker, signal.SIGKILL)


def zombie_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_a_located_error_crosses_from_the_worker_with_its_problems() -> None:
    error = InputError.single("case.yaml", "must be <= 1", path="measures[0].level", line=3)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is InputError
    assert copy.problems == error.problems
    assert str(copy) == "case.yaml:3: measures[0].level: must be <= 1"


# ---------------------------------------------------------------- item 13: HTTP hygiene
def test_405_names_the_allowed_methods(address: tuple[str, int]) -> None:
    for path, allowed in (
        ("/api/cases", {"GET", "HEAD"}),
        ("/api/cases/dprk-2014/forecast", {"POST"}),
        ("/cases/dprk-2014", {"GET", "HEAD"}),
    ):
        status, headers, _ = request(address, "DELETE", path)
        assert status == 405, path
        assert {m.strip() for m in headers["allow"].split(",")} == allowed, path


def test_head_works_on_every_get_route(app: Any, address: tuple[str, int]) -> None:
    gets = [
        route.path
        for route in app.routes
        if "GET" in getattr(route, "methods", set())
        and route.path not in ("/docs/oauth2-redirect",)
    ]
    assert "/cases/{case_id}" in gets
    for path in gets:
        concrete = path.replace("{case_id}", "dprk-2014")
        get_status, get_headers, _ = request(address, "GET", concrete)
        status, headers, body = request(address, "HEAD", concrete)
        assert status == get_status == 200, (path, status, get_status)
        assert body == b""
        assert headers["content-type"] == get_headers["content-type"], path


def test_security_headers_on_pages_and_api(address: tuple[str, int]) -> None:
    for path in ("/", "/cases/dprk-2014", "/api/cases", "/no-such-page"):
        _, headers, _ = request(address, "GET", path)
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "same-origin", path
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy, path
        assert "frame-ancestors 'none'" in policy, path
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], path


def test_an_unknown_host_header_is_refused(address: tuple[str, int]) -> None:
    for host in ("evil.example", "evil.example:80", "127.0.0.1.evil.example"):
        status, _, _ = request(address, "GET", "/api/cases", headers={"Host": host})
        assert status == 400, host
    for host in ("localhost", f"localhost:{address[1]}", "[::1]:80", "127.0.0.1"):
        assert request(address, "GET", "/api/cases", headers={"Host": host})[0] == 200, host


def test_allowed_hosts_are_configurable() -> None:
    with serving(create_app(allowed_hosts=["sanctions.example.org"])) as where:
        assert (
            request(where, "GET", "/api/cases", headers={"Host": "sanctions.example.org"})[0] == 200
        )
        assert request(where, "GET", "/api/cases", headers={"Host": "127.0.0.1"})[0] == 400


def test_the_form_post_checks_its_origin(address: tuple[str, int]) -> None:
    for bad in ("http://evil.example", "null", f"https://{address[0]}:{address[1] + 1}"):
        status, _, body = request(
            address, "POST", "/cases/dprk-2014/forecast", FORM, {"Origin": bad}
        )
        assert status == 403, bad
        assert b"origin" in body.lower()
    referer = {"Referer": "http://evil.example/page"}
    assert request(address, "POST", "/cases/dprk-2014/forecast", FORM, referer)[0] == 403


def test_slow_clients_are_timed_out() -> None:
    with serving(create_app(), client_timeout=1.0) as where:
        with socket.create_connection(where, timeout=60) as slow:
            slow.sendall(b"GET /api/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
            assert slow.recv(1024) == b""  # closed by the server, no answer
        with socket.create_connection(where, timeout=60) as slow:
            slow.sendall(
                b"POST /cases/dprk-2014/forecast HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                b"runs=1"  # 94 bytes never come
            )
            answer = b""
            while chunk := slow.recv(4096):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
