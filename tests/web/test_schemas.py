"""Every JSON route's real answers validate against the schema published at /openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from web_support import broken_minimal, call

MINIMAL = (Path(__file__).resolve().parents[2] / "examples" / "minimal-scenario.yaml").read_text()
FORECAST = {"runs": 1024, "horizon": 6, "seed": 1}

#: A real request of every JSON operation: (method, path template, concrete path, body).
REQUESTS: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("get", "/api/cases", "/api/cases", None),
    ("get", "/api/cases/{case_id}", "/api/cases/dprk-2014", None),
    ("get", "/api/cases/{case_id}/snapshot", "/api/cases/dprk-2014/snapshot", None),
    ("get", "/api/cases/{case_id}/analysis", "/api/cases/dprk-2014/analysis", None),
    ("post", "/api/cases/{case_id}/forecast", "/api/cases/dprk-2014/forecast", FORECAST),
    # model v2's document: model_version, calibration and fold_range (item 4)
    (
        "post",
        "/api/cases/{case_id}/forecast",
        "/api/cases/dprk-2014/forecast",
        {**FORECAST, "model": "v2"},
    ),
    ("get", "/api/policies", "/api/policies", None),
    ("get", "/api/track-record", "/api/track-record", None),
    ("post", "/api/scenario/check", "/api/scenario/check", {"scenario": MINIMAL}),
    ("post", "/api/scenario/snapshot", "/api/scenario/snapshot", {"scenario": MINIMAL}),
    ("post", "/api/scenario/analysis", "/api/scenario/analysis", {"scenario": MINIMAL}),
    (
        "post",
        "/api/scenario/forecast",
        "/api/scenario/forecast",
        {"scenario": MINIMAL, **FORECAST},
    ),
    (
        "post",
        "/api/compare",
        "/api/compare",
        {"case": "dprk-2014", "policies": ["relist-sst", "snap-back"], **FORECAST},
    ),
]


@pytest.fixture(scope="module")
def openapi(server: str) -> dict[str, Any]:
    status, document = call(server, "/openapi.json")
    assert status == 200
    return dict(document)


def validate(openapi: dict[str, Any], method: str, path: str, status: int, document: Any) -> None:
    response = openapi["paths"][path][method]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    root = {**schema, "components": openapi["components"]}
    jsonschema.Draft202012Validator(root).validate(document)


def test_every_json_route_is_checked(openapi: dict[str, Any]) -> None:
    published = {(m, p) for p, ops in openapi["paths"].items() for m in ops}
    assert published == {(m, p) for m, p, _, _ in REQUESTS}


@pytest.mark.parametrize(("method", "path", "concrete", "body"), REQUESTS, ids=lambda v: str(v))
def test_a_real_answer_matches_its_schema(
    openapi: dict[str, Any],
    server: str,
    method: str,
    path: str,
    concrete: str,
    body: dict[str, Any] | None,
) -> None:
    status, document = call(server, concrete, None if body is None else json.dumps(body).encode())
    assert status == 200, document
    validate(openapi, method, path, 200, document)
    # The schema is strict: an extra key anywhere would fail it.
    with pytest.raises(jsonschema.ValidationError):
        validate(openapi, method, path, 200, {**document, "unexpected": 1})


def test_error_answers_match_their_schema(openapi: dict[str, Any], server: str) -> None:
    status, document = call(server, "/api/cases/no-such-case")
    assert status == 404
    validate(openapi, "get", "/api/cases/{case_id}", 404, document)
    body = json.dumps({"scenario": broken_minimal(MINIMAL)}).encode()
    status, document = call(server, "/api/scenario/check", body)
    assert status == 422
    assert document["problems"]
    validate(openapi, "post", "/api/scenario/check", 422, document)
