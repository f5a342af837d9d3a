"""The app's limits, in process: forecast time limit, overrides, body cap, the serve command."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctionsim.cli import app as cli
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import central
from sanctionsim.web.app import (
    BodyLimit,
    ForecastRequest,
    ForecastTimeoutError,
    Limits,
    run_forecast,
    with_overrides,
)


def test_a_forecast_past_its_time_limit_is_stopped() -> None:
    scenario = load_scenario("dprk-2014")
    request = ForecastRequest(runs=2048, horizon=6)
    with pytest.raises(ForecastTimeoutError):
        run_forecast(scenario, request, Limits(time_limit_seconds=0.0))
    finished = run_forecast(scenario, request, Limits(time_limit_seconds=600.0))
    assert finished["runs"] == 2048


def test_runs_and_horizon_are_capped_server_side() -> None:
    scenario = load_scenario("dprk-2014")
    request = ForecastRequest(runs=2048, horizon=24)
    result = run_forecast(scenario, request, Limits(max_runs=1024, max_horizon=3))
    assert (result["runs"], result["horizon"]) == (1024, 3)


def test_overrides_fix_only_the_named_values() -> None:
    scenario = load_scenario("dprk-2014")
    changed = with_overrides(scenario, ForecastRequest(resolve=0.25, detection=0.5))
    assert changed.target.resolve == 0.25
    assert changed.observation.detection == 0.5
    assert changed.measures == scenario.measures
    assert changed.target.concession_hazard == scenario.target.concession_hazard
    same = with_overrides(scenario, ForecastRequest())
    assert central(same.target.resolve) == central(scenario.target.resolve)


def _send_chunks(chunks: list[bytes], limit: int) -> tuple[list[dict[str, Any]], bytes]:
    """Run BodyLimit around an echo app with a body sent in chunks (no Content-Length)."""
    received = bytearray()

    async def echo(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            received.extend(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    asyncio.run(BodyLimit(echo, limit)(scope, receive, send))
    return sent, bytes(received)


def test_chunked_bodies_over_the_cap_are_refused_before_the_app_sees_them() -> None:
    sent, received = _send_chunks([b"a" * 600, b"b" * 600], limit=1000)
    assert sent[0]["status"] == 413
    assert received == b""
    sent, received = _send_chunks([b"a" * 400, b"b" * 400], limit=1000)
    assert sent[0]["status"] == 200
    assert received == b"a" * 400 + b"b" * 400


def test_serve_rejects_a_bad_port_with_exit_2() -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert result.output.startswith("error: --port: must lie in 1..65535")
