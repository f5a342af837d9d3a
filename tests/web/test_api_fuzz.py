"""Property-based requests from the OpenAPI description (schemathesis + hypothesis): no 5xx.

Every operation of the live server's ``/openapi.json`` gets a bounded number of generated
requests, valid and invalid ones; every answer must be below 500, and every 4xx must be a JSON
``{"error": ...}``. Forecasts are also fuzzed on a real case id so that simulations run.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = {"positive": 40, "negative": 40}
FORECAST_EXAMPLES = 6


@pytest.fixture(scope="module")
def operations(server: str) -> dict[str, Any]:
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


def _check(case: Any, server: str) -> None:
    response = case.call(base_url=server, timeout=60)
    assert response.status_code < 500, (case.path, case.body, case.query, response.text)
    if response.status_code >= 400:
        document = response.json()
        assert isinstance(document.get("error"), str), response.text


def _run(strategy: Any, server: str, examples: int) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        _check(case, server)

    fuzz()


OPERATIONS = [
    "GET /api/cases",
    "GET /api/cases/{case_id}",
    "GET /api/cases/{case_id}/snapshot",
    "GET /api/cases/{case_id}/analysis",
    "POST /api/cases/{case_id}/forecast",
    "GET /api/policies",
    "GET /api/track-record",
    "POST /api/scenario/check",
    "POST /api/scenario/snapshot",
    "POST /api/scenario/analysis",
    "POST /api/scenario/forecast",
    "POST /api/compare",
]
#: Operations that take no input, so there is no invalid request to make of them.
NO_INPUT = {"GET /api/cases", "GET /api/policies", "GET /api/track-record"}


def test_every_operation_is_fuzzed(operations: dict[str, Any]) -> None:
    assert sorted(operations) == sorted(OPERATIONS)


@pytest.mark.parametrize(
    ("name", "mode"),
    [(n, "positive") for n in OPERATIONS if n in NO_INPUT]
    + [(n, m) for n in OPERATIONS if n not in NO_INPUT for m in EXAMPLES],
)
def test_no_server_error(operations: dict[str, Any], server: str, name: str, mode: str) -> None:
    from schemathesis import GenerationMode

    operation = operations[name]
    strategy = operation.as_strategy(generation_mode=GenerationMode(mode))
    _run(strategy, server, EXAMPLES[mode])


@pytest.mark.parametrize("case_id", ["dprk-2014", "argentina-1982"])
def test_no_server_error_on_real_cases(
    operations: dict[str, Any], server: str, case_id: str
) -> None:
    for name in OPERATIONS[2:4]:
        strategy = operations[name].as_strategy(path_parameters={"case_id": case_id})
        _run(strategy, server, 30)
    forecast = operations["POST /api/cases/{case_id}/forecast"]
    _run(forecast.as_strategy(path_parameters={"case_id": case_id}), server, FORECAST_EXAMPLES)
