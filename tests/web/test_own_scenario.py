"""Your own scenario, policy comparisons and the track record, over HTTP (issue 15, item 6)."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario.loader import load_text
from sanctionsim.versions import DEFAULT
from sanctionsim.web.uploads import MAX_SCENARIO_BYTES, UPLOAD_BODY_BYTES
from support import serving
from web_support import broken_minimal, call, post_page

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def minimal() -> str:
    return (EXAMPLES / "minimal-scenario.yaml").read_text(encoding="utf-8")


def post(server: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    return call(server, path, json.dumps(body).encode())


# ---------------------------------------------------------------- checking and the same views
def test_a_valid_scenario_is_checked_and_gets_the_views_of_a_case(
    server: str, minimal: str
) -> None:
    status, document = post(server, "/api/scenario/check", {"scenario": minimal})
    assert status == 200
    assert (document["valid"], document["scenario"], document["measures"]) == (True, "minimal", 2)
    status, snap = post(
        server, "/api/scenario/snapshot", {"scenario": minimal, "date": "2020-07-01"}
    )
    assert status == 200
    levels = {m["id"]: (m["level"], m["status"]) for m in snap["measures"]}
    assert levels["memb-trade"] == (0.5, "eased")  # eased on 2020-06-01
    status, analysis = post(server, "/api/scenario/analysis", {"scenario": minimal})
    assert status == 200
    assert set(analysis["members"]) == {"LEAD", "MEMB"}
    body = {"scenario": minimal, "runs": 1024, "horizon": 6, "seed": 3}
    status, forecast = post(server, "/api/scenario/forecast", body)
    assert status == 200
    assert (forecast["scenario"], forecast["runs"], forecast["horizon"]) == ("minimal", 1024, 6)
    assert len(forecast["curves"]["month"]) == 6


def test_errors_are_the_located_problems_of_check(server: str, minimal: str) -> None:
    broken = broken_minimal(minimal)
    with pytest.raises(ScenarioError) as raised:
        load_text(broken, "mine.yaml")
    expected = [str(p) for p in raised.value.problems]
    assert len(expected) >= 2  # several independent problems, all reported at once
    for path in ("/api/scenario/check", "/api/scenario/analysis", "/api/scenario/forecast"):
        status, document = post(server, path, {"scenario": broken, "name": "mine.yaml"})
        assert status == 422, path
        assert document["error"] == "\n".join(expected)
        assert [p["text"] for p in document["problems"]] == expected
        first = document["problems"][0]
        assert first["file"] == "mine.yaml"
        assert first["line"]
        assert first["column"]
        assert first["text"].startswith(f"mine.yaml:{first['line']}:{first['column']}: ")


def test_a_broken_upload_gets_a_located_error_on_the_page(server: str, minimal: str) -> None:
    status, html = post_page(
        server, "/scenario", files={"scenario_file": ("my file<b>.yaml", broken_minimal(minimal))}
    )
    assert status == 422
    assert 'id="scenario-errors"' in html
    assert "my file_b_.yaml:" in html  # the upload's name, tamed, locates every problem
    assert "<b>" not in html.split('id="scenario-errors"')[1].split("</div>")[0]


def test_the_size_caps(server: str, minimal: str) -> None:
    padding = "#" * (MAX_SCENARIO_BYTES - len(minimal.encode()) + 10) + "\n"
    too_large = minimal + padding  # just over the scenario cap, well under the body cap
    status, document = post(server, "/api/scenario/check", {"scenario": too_large})
    assert status == 422
    assert "scenario" in document["error"]
    status, html = post_page(server, "/scenario", files={"scenario_file": ("big.yaml", too_large)})
    assert status == 422
    assert "big.yaml: " in html
    assert "at most 256 KiB" in html
    status, document = declared(server, "/api/scenario/check", UPLOAD_BODY_BYTES + 1)
    assert status == 413
    assert f"larger than {UPLOAD_BODY_BYTES} bytes" in document["error"]
    # Routes that carry no scenario keep the app's small cap.
    status, document = declared(server, "/api/cases/dprk-2014/forecast", 20_000)
    assert status == 413
    assert document["error"] == "request body larger than 16384 bytes"
    status, _ = declared(server, "/api/scenario/check", UPLOAD_BODY_BYTES)  # within the cap
    assert status != 413


def declared(server: str, path: str, length: int) -> tuple[int, Any]:
    """The answer to a request that declares a body of ``length`` bytes and never sends it."""
    parts = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def test_an_upload_is_never_written_and_the_body_stays_in_memory(
    minimal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from starlette.formparsers import MultiPartParser

    from sanctionsim.web.app import create_app

    written: list[str] = []

    def recorder(name: str, real: Any) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            written.append(name)
            return real(*args, **kwargs)

        return record

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, recorder(name, getattr(tempfile, name)))
    # Starlette spools an uploaded file to a temporary file only beyond this size.
    assert MultiPartParser.spool_max_size > UPLOAD_BODY_BYTES
    padding = "#" * (MAX_SCENARIO_BYTES - len(minimal.encode()) - 100) + "\n"
    upload = {"scenario_file": ("large.yaml", minimal + padding)}  # just under the cap
    with serving(create_app()) as (host, port):
        status, html = post_page(f"http://{host}:{port}", "/scenario", files=upload)
        assert status == 200, html[-2000:]
        assert written == []
        # The recorder does see a spool that rolls over to disk (so the check above can fail).
        monkeypatch.setattr(MultiPartParser, "spool_max_size", 1024)
        status, _ = post_page(f"http://{host}:{port}", "/scenario", files=upload)
        assert status == 200
        assert written


def test_the_scenario_is_forgotten_after_the_request(server: str, minimal: str) -> None:
    status, html = post_page(server, "/scenario", fields={"scenario": minimal})
    assert status == 200
    assert "A two-sender coalition" in html
    status, html = post_page(server, "/scenario", method="GET")
    assert status == 200
    assert "A two-sender coalition" not in html
    assert "lead-finance" not in html


# ---------------------------------------------------------------- comparing policies
def test_policies_compared_with_paired_runs_as_the_experiment_does(
    server: str, tmp_path: Path
) -> None:
    from sanctionsim.experiments.runner import LocalBackend, run_experiment
    from sanctionsim.experiments.spec import ExperimentSpec

    body = {
        "case": "dprk-2014",
        "policies": ["relist-sst", "snap-back", "unilateral-only"],
        "runs": 2048,
        "horizon": 24,
        "seed": 5,
    }
    status, document = post(server, "/api/compare", body)
    assert status == 200
    found = {p["policy"]: p for p in document["policies"]}
    assert list(found) == body["policies"]
    # dprk-2014's Stockholm deal already snaps back and touches only unilateral measures.
    assert found["snap-back"]["no_effect"]
    assert found["unilateral-only"]["no_effect"]
    relist = found["relist-sst"]
    assert relist["applies"]
    assert not relist["no_effect"]
    assert any(d["diff_vs_baseline"] != 0 for d in relist["differences"])
    for d in relist["differences"]:
        assert d["ci95"][0] <= d["diff_vs_baseline"] <= d["ci95"][1]

    spec = ExperimentSpec(
        scenarios=["dprk-2014"],
        policies=["baseline", "relist-sst"],
        runs=2048,
        horizon=24,
        seed=5,
        chunk_size=2048,
    )
    backend = LocalBackend(1)
    try:
        result = run_experiment(spec, base=tmp_path, out=tmp_path / "store", backend=backend)
    finally:
        backend.close()
    expected = {
        r["metric"]: [r["diff_vs_baseline"], *r["ci95"]]
        for r in result.rows
        if r["policy"] == "relist-sst"
    }
    got = {d["metric"]: [d["diff_vs_baseline"], *d["ci95"]] for d in relist["differences"]}
    assert sorted(got) == sorted(expected)
    for metric, values in expected.items():
        assert got[metric] == pytest.approx(values, abs=1e-12), metric


def test_an_uploaded_policy_beside_the_built_in_ones(server: str, minimal: str) -> None:
    mine = (
        "id: tighten\ndescription: The member adds a ban.\nchanges:\n  - change: add_measure\n"
        "    measure: {id: new-ban, name: A new ban, imposer: MEMB, kind: trade,"
        " legal_basis: unilateral, pressure: 0.05}\n"
    )
    body = {"scenario": minimal, "policies": ["relist-sst"], "policy": mine, "runs": 1024}
    status, document = post(server, "/api/compare", body)
    assert status == 200, document
    found = {p["policy"]: p for p in document["policies"]}
    assert found["tighten"]["source"] == "uploaded"
    assert found["tighten"]["applies"]
    assert found["relist-sst"]["applies"] is False
    assert "no lever 'relist-sst'" in found["relist-sst"]["problem"]
    status, document = post(server, "/api/compare", {**body, "policy": "id: x\nchanges: 3\n"})
    assert status == 422
    assert document["problems"][0]["file"] == "policy.yaml"
    assert document["problems"][0]["line"] is not None


def test_comparisons_stay_within_the_apps_limits(server: str) -> None:
    for extra in ({"runs": 4097}, {"horizon": 61}, {"policies": ["snap-back"] * 9}):
        status, document = post(server, "/api/compare", {"case": "dprk-2014", **extra})
        assert status == 422, extra
        assert isinstance(document["error"], str)
    status, document = post(server, "/api/compare", {"case": "dprk-2014", "policies": ["nope"]})
    assert status == 422
    assert "unknown policy" in document["error"]
    status, _ = post(server, "/api/compare", {"policies": ["snap-back"]})  # no scenario
    assert status == 422


def test_the_compare_page_marks_a_policy_that_changes_nothing(server: str) -> None:
    fields = {"case": "dprk-2014", "runs": "1024", "horizon": "12", "seed": "0"}
    status, html = post_page(
        server, "/compare", fields={**fields, "policies": ["relist-sst", "snap-back"]}
    )
    assert status == 200
    table = html.split('id="comparison"')[1].split("</table>")[0]
    rows = {chunk.split('"', 1)[0]: chunk for chunk in table.split('data-policy="')[1:]}
    assert set(rows) == {"baseline", "relist-sst", "snap-back"}
    assert "no effect in this scenario" in rows["snap-back"]
    assert "no effect in this scenario" not in rows["relist-sst"]
    assert " pp" in rows["relist-sst"]


# ---------------------------------------------------------------- the track record
def test_the_track_record_page_lists_every_row_and_marks_the_current_one(server: str) -> None:
    from sanctionsim.history.track_record import current_row, score_history

    status, html = post_page(server, "/track-record", method="GET")
    assert status == 200
    body = html.split('id="score-history"')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr") == len(score_history())
    for row in score_history():
        assert f"<code>{row.commit}</code>" in body
        assert row.what.replace("'", "&#39;").replace('"', "&#34;")[:40] in body
    current = body.split('id="current-row"')[1].split("</tr>")[0]
    row = current_row(DEFAULT)
    assert "(current)" in current
    assert f"{row.headline:.3f}" in current
    versions = {r.model_version for r in score_history() if r.current}  # one current per version
    assert body.count("(current)") == len(versions)
    assert current_row(DEFAULT).sentence() in html
    assert "cases.md#the-evaluation-protocol" in html.split('id="protocol-link"')[0][-200:]


READ_ONLY = """
import sys
from support import serving
from web_support import call
from sanctionsim.web.app import create_app
with serving(create_app()) as (host, port):
    status, document = call(f"http://{host}:{port}", "/api/track-record")
    assert status == 200, document
    status, _ = call(f"http://{host}:{port}", "/api/cases")
scoring = [m for m in sys.modules if m.startswith(("sanctionsim.history.evaluation",
    "sanctionsim.history.forecast", "sanctionsim.dynamics.engine"))]
print("read only" if not scoring else scoring)
"""


def test_the_track_record_is_read_never_recomputed() -> None:
    # In a fresh process: serving the track record imports no scoring or simulation code.
    tests = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {tests!r})\n" + READ_ONLY],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "read only"


def test_pages_post_only_from_this_site(server: str) -> None:
    host = urllib.parse.urlsplit(server)
    for path in ("/scenario", "/scenario/forecast", "/compare"):
        status, html = post_page(
            server, path, fields={"case": "dprk-2014"}, origin="http://evil.example"
        )
        assert status == 403, path
        assert "origin" in html
    assert host.hostname == "127.0.0.1"
