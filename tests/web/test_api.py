"""The JSON API against the running server: answers, errors as 4xx JSON, limits."""

from __future__ import annotations

import json

from web_support import call


def test_cases_and_a_case(server: str) -> None:
    status, document = call(server, "/api/cases")
    assert status == 200
    ids = [case["id"] for case in document["cases"]]
    assert "dprk-2014" in ids
    status, document = call(server, "/api/cases/dprk-2014")
    assert status == 200
    assert document["scenario"]["id"] == "dprk-2014"
    assert len(document["scenario"]["measures"]) == 28


def test_snapshot_follows_the_date(server: str) -> None:
    levels = {}
    for date in ("2014-07-03", "2014-07-05"):
        status, document = call(server, f"/api/cases/dprk-2014/snapshot?date={date}")
        assert status == 200
        assert document["date"] == date
        levels[date] = {m["id"]: m["level"] for m in document["measures"]}
    assert levels["2014-07-03"]["jpn-entry-ban"] == 1.0
    assert levels["2014-07-05"]["jpn-entry-ban"] == 0.0


def test_analysis_on_a_date(server: str) -> None:
    status, document = call(server, "/api/cases/dprk-2014/analysis?date=2014-07-04")
    assert status == 200
    assert set(document["members"]) == {"USA", "JPN", "KOR"}


def test_bad_requests_get_4xx_json_errors(server: str) -> None:
    for path, expected in [
        ("/api/cases/no-such-case", 404),
        ("/api/cases/..%2F..%2Fetc%2Fpasswd", 404),
        ("/api/cases/%2Fetc%2Fpasswd/snapshot", 404),
        ("/api/cases/dprk-2014/snapshot?date=yesterday", 422),
        ("/api/cases/dprk-2014/snapshot?date=0001-01-01", 422),
        ("/api/cases/dprk-2014/analysis?date=2014-13-01", 422),
    ]:
        status, document = call(server, path)
        assert status == expected, path
        assert isinstance(document["error"], str), path
        assert document["error"], path


def test_case_ids_never_reach_the_disk_as_paths(server: str) -> None:
    # A case id that names a file relative to the server's working folder is still unknown.
    status, document = call(server, "/api/cases/pyproject.toml")
    assert status == 404
    assert "no built-in case" in document["error"]


def test_request_bodies_are_size_limited(server: str) -> None:
    status, document = call(server, "/api/cases/dprk-2014/forecast", b" " * 20_000)
    assert status == 413
    assert "larger than" in document["error"]


def test_forecast_is_bounded_and_overrides_matter(server: str) -> None:
    path = "/api/cases/dprk-2014/forecast"
    status, document = call(server, path, json.dumps({"runs": 5000}).encode())
    assert status == 422
    assert "runs" in document["error"]
    status, document = call(server, path, json.dumps({"horizon": 61}).encode())
    assert status == 422
    status, document = call(server, path, json.dumps({"path": "/etc/passwd"}).encode())
    assert status == 422
    concede = {}
    for resolve in (0.0, 1.0):
        body = {"runs": 1024, "horizon": 12, "seed": 1, "resolve": resolve}
        status, document = call(server, path, json.dumps(body).encode())
        assert status == 200
        assert document["runs"] == 1024
        assert document["horizon"] == 12
        concede[resolve] = document["metrics"]["p_target_concedes"]
    # A target with no resolve concedes more often than one that resists any pressure.
    assert concede[0.0]["ci95"][0] > concede[1.0]["ci95"][1]


def test_openapi_describes_the_api(server: str) -> None:
    status, document = call(server, "/openapi.json")
    assert status == 200
    assert set(document["paths"]) == {
        "/api/cases",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/snapshot",
        "/api/cases/{case_id}/analysis",
        "/api/cases/{case_id}/forecast",
        "/api/scenario/check",
        "/api/scenario/snapshot",
        "/api/scenario/analysis",
        "/api/scenario/forecast",
        "/api/compare",
        "/api/policies",
        "/api/track-record",
    }


def test_the_forecast_api_plays_the_model_asked_for(server: str) -> None:
    path = "/api/cases/dprk-2014/forecast"
    body = {"runs": 1024, "horizon": 12, "seed": 1}
    status, v1 = call(server, path, json.dumps({**body, "model": "v1"}).encode())
    assert status == 200
    assert "model_version" not in v1  # v1's document as before (v1 by name: the default is v2n)
    status, v2 = call(server, path, json.dumps({**body, "model": "v2"}).encode())
    assert status == 200
    assert v2["model_version"] == "v2"
    assert len(v2["calibration"]["calibration_sha256"]) == 64
    # v1's United States eases early in most runs; v2's reconsiders rarely and at a cost
    assert (
        v2["metrics"]["p_member_eases"]["USA"]["mean"]
        < v1["metrics"]["p_member_eases"]["USA"]["mean"]
    )
    status, _ = call(server, path, json.dumps({**body, "model": "v9"}).encode())
    assert status == 422


def test_a_v2_forecast_carries_its_range_across_folds_unless_asked_not_to(server: str) -> None:
    path = "/api/cases/dprk-2014/forecast"
    body = {"runs": 1024, "horizon": 6, "seed": 2, "model": "v2"}
    status, full = call(server, path, json.dumps(body).encode())
    assert status == 200
    across = full["fold_range"]
    assert across["runs"] == 1024
    assert sum(s["folds"] for s in across["parameter_sets"]) > len(across["parameter_sets"])
    assert list(across["metrics"]["p_member_eases"]) == list(full["metrics"]["p_member_eases"])
    status, skipped = call(server, path, json.dumps({**body, "fold_range": False}).encode())
    assert status == 200
    assert skipped["fold_range"] is None
    assert skipped["metrics"] == full["metrics"]  # the forecast itself is the same
    status, refused = call(server, path, json.dumps({**body, "fold_range": "maybe"}).encode())
    assert status == 422
    assert "fold_range" in json.dumps(refused)
