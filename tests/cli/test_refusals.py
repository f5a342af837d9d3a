"""Bad input found by an adversary (issue 16, items 8 to 11): a clear message and exit 2.

Each case runs the command line in its own process. Tests run as root, for whom a read-only
folder is still writable, so an unwritable output is made with a regular file where a folder is
expected, a path under a regular file, or a path in ``/proc`` (which even root cannot create
files in).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from support import run_sanctionsim

EXAMPLE = Path(__file__).parents[2] / "examples" / "minimal-scenario.yaml"


def refused(result: object, *needles: str) -> None:
    """Exit 2, every needle on stderr, no traceback, nothing half-printed on stdout."""
    assert result.returncode == 2, (result.returncode, result.stderr)  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert stderr.startswith("error: "), stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in stderr, (needle, stderr)


# ---------------------------------------------------------------- item 8: calendar bounds
def dated(tmp_path: Path, start: str, imposed: tuple[str, str], change: str, horizon: int) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in (
        ("start: 2020-01-01", f"start: {start}"),
        ("imposed: 2019-06-01", f"imposed: {imposed[0]}"),
        ("imposed: 2019-09-01", f"imposed: {imposed[1]}"),
        ("date: 2020-06-01", f"date: {change}"),
        ("horizon_months: 24", f"horizon_months: {horizon}"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"dated-{start}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("start", "imposed", "change", "line"),
    [
        ("0001-01-01", ("0001-01-01", "0001-01-01"), "0001-06-01", 7),
        ("9999-12-01", ("9999-06-01", "9999-09-01"), "9999-11-01", 7),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_where_they_are(
    tmp_path: Path, start: str, imposed: tuple[str, str], change: str, line: int
) -> None:
    path = dated(tmp_path, start, imposed, change, 24)
    for command in (["check", str(path)], ["report", str(path), "-o", str(tmp_path / "r.html")]):
        result = run_sanctionsim(*command)
        refused(result, f"{path}:{line}:1: start: ", "0100-01-01", "9899-12-31")
        assert "imposed" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_the_calendar_bounds_themselves_report_with_the_longest_forecast(tmp_path: Path) -> None:
    early = dated(tmp_path, "0100-01-01", ("0100-01-01", "0100-01-01"), "0100-06-01", 600)
    late = dated(tmp_path, "9899-12-31", ("9899-06-01", "9899-09-01"), "9899-12-30", 600)
    for path in (early, late):
        report = ("report", str(path), "-o", str(tmp_path / "r.html"), "--no-forecast")
        result = run_sanctionsim(*report)  # the forecast itself: from the results folder below
        assert result.returncode == 0, result.stderr
    folder = tmp_path / "late"
    simulated = run_sanctionsim("simulate", str(late), "--runs", "1024", "--out", str(folder))
    assert simulated.returncode == 0, simulated.stderr
    result = run_sanctionsim("report", str(folder), "--scenario", str(late))
    assert result.returncode == 0, result.stderr
    assert "9949-12-28" in (folder / "report.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- item 9: unwritable outputs
@pytest.fixture(scope="module")
def a_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outputs") / "a-file"
    path.write_text("not a folder\n", encoding="utf-8")
    return path


def unwritable(a_file: Path) -> dict[str, Path]:
    """A regular file as a folder, a path under a regular file, and a file root cannot create."""
    return {
        "file-as-folder": a_file,
        "under-a-file": a_file / "inside",
        "proc": Path("/proc/sanctionsim-cannot-write-here"),
    }


@pytest.mark.parametrize("kind", ["file-as-folder", "under-a-file", "proc"])
def test_simulate_refuses_an_output_folder_it_cannot_write(a_file: Path, kind: str) -> None:
    out = unwritable(a_file)[kind]
    result = run_sanctionsim("simulate", "dprk-2014", "--runs", "1024", "--out", str(out))
    refused(result, "--out", str(out))
    assert a_file.read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize("kind", ["under-a-file", "proc"])
def test_report_and_schema_refuse_an_output_file_they_cannot_write(a_file: Path, kind: str) -> None:
    out = unwritable(a_file)[kind] / "report.html" if kind == "under-a-file" else None
    target = out if out is not None else unwritable(a_file)[kind]
    refused(run_sanctionsim("report", "dprk-2014", "-o", str(target)), "-o", str(target))
    refused(run_sanctionsim("schema", "-o", str(target)), "-o", str(target))
    png = run_sanctionsim("report", "dprk-2014", "-o", str(a_file.parent / "ok.html"), "--png")
    assert png.returncode == 2  # --png needs its folder
    refused(
        run_sanctionsim(
            "report", "dprk-2014", "-o", str(a_file.parent / "ok.html"), "--png", str(a_file)
        ),
        "--png",
        str(a_file),
    )


@pytest.mark.parametrize("kind", ["file-as-folder", "under-a-file", "proc"])
def test_experiment_refuses_a_store_folder_it_cannot_write(
    tmp_path: Path, a_file: Path, kind: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        json.dumps(
            {"scenarios": ["dprk-2014"], "policies": ["baseline"], "runs": 1024, "horizon": 2}
        ),
        encoding="utf-8",
    )
    out = unwritable(a_file)[kind]
    refused(run_sanctionsim("experiment", str(spec), "--out", str(out)), "--out", str(out))


# ---------------------------------------------------------------- item 10: --scheduler
@pytest.mark.parametrize(
    "address",
    ["tcp://", "tcp://127.0.0.1:notaport", "nonsense::1", "tcp://127.0.0.1:99999", "http://h:1"],
)
def test_a_malformed_scheduler_address_is_refused_at_once(tmp_path: Path, address: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(json.dumps({"scenarios": ["dprk-2014"], "runs": 1024, "horizon": 2}))
    started = time.monotonic()
    result = run_sanctionsim(
        "experiment", str(spec), "--backend", "dask", "--scheduler", address, "--out", "o",
        cwd=tmp_path, timeout=60,
    )  # fmt: skip
    refused(result, "--scheduler", repr(address))
    # Not a timing assertion: a refusal that first tried to connect would exceed the 10 s
    # connection timeout, which the message then names instead of the address's form.
    assert "cannot reach" not in result.stderr
    assert time.monotonic() - started < 60


# ---------------------------------------------------------------- item 11: hostile forecast.json
@pytest.fixture(scope="module")
def forecast(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("forecast")
    result = run_sanctionsim(
        "simulate", "dprk-2014", "--runs", "1024", "--horizon", "4", "--out", str(folder)
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads((folder / "forecast.json").read_text())
    return document


def _set(document: dict[str, object], path: str, value: object) -> dict[str, object]:
    copy = json.loads(json.dumps(document))
    node = copy
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    node[last] = value
    return copy  # type: ignore[no-any-return]


HOSTILE = {
    "runs-text": ("runs", "many", "runs"),
    "start-number": ("start", 20140704, "start"),
    "month-text": ("curves.month", ["a", "b", "c", "d"], "curves.month"),
    "month-huge": ("curves.month", [1, 2, 3, 10**9], "curves.month"),
    "metric-number": ("metrics.p_target_concedes", 3, "metrics.p_target_concedes"),
    "ci-short": ("metrics.p_cascade", {"mean": 0.5, "ci95": [0.1]}, "metrics.p_cascade.ci95"),
    "members-list": ("members", ["USA"], "members"),
    "quantile-text": ("curves.cohesion_quantiles.q05", "x", "curves.cohesion_quantiles.q05"),
    "eased-object": ("curves.p_eased_by", {"USA": {"a": 1}}, "curves.p_eased_by.USA"),
    "metrics-nested": ("metrics.p_member_eases", {"USA": [[[[1]]]]}, "p_member_eases.USA"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_report_refuses_a_hostile_forecast_with_the_key(
    tmp_path: Path, forecast: dict[str, object], name: str
) -> None:
    path, value, where = HOSTILE[name]
    (tmp_path / "forecast.json").write_text(json.dumps(_set(forecast, path, value)))
    result = run_sanctionsim("report", str(tmp_path), "--scenario", "dprk-2014")
    refused(result, str(tmp_path / "forecast.json"), where)
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_report_refuses_a_forecast_nested_too_deeply(tmp_path: Path, opening: str) -> None:
    (tmp_path / "forecast.json").write_text(opening * 200_000)
    result = run_sanctionsim("report", str(tmp_path))
    refused(result, str(tmp_path / "forecast.json"))
    assert re.search(r"nested|deep", result.stderr)
