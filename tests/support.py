"""Helpers shared by test modules (importable as ``support``: pytest puts tests/ on the path)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

# The JSON API endpoints the load test and benchmarks/bench_web.py request, in rotation.
LOAD_PATHS = [
    "/api/cases",
    "/api/cases/dprk-2014",
    "/api/cases/dprk-2014/snapshot?date=2014-07-05",
    "/api/cases/argentina-1982/snapshot?date=1982-06-01",
    "/api/cases/dprk-2014/analysis?date=2014-07-04",
]

CHROMIUM = "/usr/bin/chromium"
# As documented for this machine: no sandbox as root, no GPU, and no background networking.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_sanctionsim(
    *args: str, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh process, as a user would; never raises on exit status."""
    return subprocess.run(
        [sys.executable, "-m", "sanctionsim", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
        check=False,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_server(log: Path, ready_within: float = 60.0) -> Iterator[str]:
    """``sanctionsim serve`` in its own process on a free loopback port; yields its base URL.

    Waits until ``/api/cases`` answers; the process is terminated (then killed) on exit.
    """
    port = free_port()
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sanctionsim",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {process.returncode}:\n{log.read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{url}/api/cases", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer within {ready_within} s:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serving(app: Any, client_timeout: float = 30.0) -> Iterator[tuple[str, int]]:
    """``app`` behind the same uvicorn set-up as ``sanctionsim serve``, in a thread of this
    process (for tests that hold the app's gates or watch this process); yields its address."""
    from sanctionsim.web.app import make_server

    port = free_port()
    server = make_server(app, "127.0.0.1", port, client_timeout=client_timeout)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start within 60 s"
        time.sleep(0.05)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def run_on_terminal(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> tuple[int, str, str]:
    """Run the command line with stderr on a real pseudo-terminal (so progress bars draw);
    returns (exit status, stdout, what the terminal showed)."""
    import os
    import pty

    controller, terminal = pty.openpty()
    env = dict(os.environ, COLUMNS="120", TERM="xterm")
    process = subprocess.Popen(
        [sys.executable, "-m", "sanctionsim", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    drawn = b""
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not data:
            break
        drawn += data
    stdout, _ = process.communicate(timeout=timeout)
    os.close(controller)
    return process.returncode, stdout.decode(), drawn.decode(errors="replace")


def run_unmeasured(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh process without coverage, as a user would: for the long
    re-runs whose figures a test checks (``history --json`` of a model version takes most of a
    minute), whose code the tests that run it in process measure. Never raises on exit status.

    Coverage starts in a child process through ``COVERAGE_PROCESS_CONFIG`` (pyproject's
    ``patch = ["subprocess"]``): the child gets an environment without the ``COVERAGE_`` ones."""
    unmeasured = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    return run_sanctionsim(*args, timeout=timeout, env=unmeasured)


def played(world: Any, model: str, choice: Any) -> Any:
    """``world``'s run outcomes under ``model`` at ``choice``: 1,024 runs over 36 months, seed 7,
    ω 1/12 (the model-version tests' common play, v2n on)."""
    from sanctionsim.dynamics.engine import run_outcomes

    return run_outcomes(world, runs=1024, horizon=36, seed=7, model=model, choice=choice,
                        omega=1 / 12)  # fmt: skip


def imposed_earlier(world: Any, years: int) -> Any:
    """The world with every measure in force on the start imposed ``years`` earlier."""
    import datetime as dt

    measures = [
        m.model_copy(update={"imposed": m.imposed - dt.timedelta(days=round(365.25 * years))})
        if m.imposed <= world.start
        else m
        for m in world.measures
    ]
    return world.model_copy(update={"measures": measures})


def same_runs(first: Any, second: Any) -> bool:
    """Whether two :class:`~sanctionsim.dynamics.records.RunOutcomes` are identical, run by run
    (every array the model filled: a version's forecast compared with another's)."""
    return all(
        np.array_equal(getattr(first, f.name), getattr(second, f.name))
        for f in dataclasses.fields(first)
        if getattr(first, f.name) is not None
    )


def same_whatever_the_chunk_size(world: Any, model: str, choice: Any) -> bool:
    """Whether ``model``'s 2,048 runs of ``world`` (24 months, seed 3, ``choice``) are the same,
    run by run, in chunks of 1,024 and of 2,048."""
    from sanctionsim.dynamics.engine import run_outcomes

    kw: dict[str, Any] = {"choice": choice, "omega": 1 / 12, "horizon": 24, "model": model}
    first = run_outcomes(world, runs=2048, seed=3, chunk_size=1024, **kw)
    return same_runs(first, run_outcomes(world, runs=2048, seed=3, chunk_size=2048, **kw))


def with_holding(world: Any, value: float | None) -> Any:
    """The scenario with every member's holding value set to ``value`` (None: unset, 0)."""
    actors = [
        a.model_copy(
            update={
                "payoffs": a.payoffs.model_copy(
                    update={"holding_value": 0.0 if value is None else value}
                )
            }
        )
        if a.payoffs is not None
        else a
        for a in world.actors
    ]
    return world.model_copy(update={"actors": actors})


def rerun_in_full() -> tuple[str, ...]:
    """The versions whose current row CI re-runs in full (``history --json``, most of a minute
    each): v1, the default and the newest. The others are frozen, their forecasts held unchanged
    case by case (tests/history/test_frozen_versions.py)."""
    from sanctionsim.versions import DEFAULT, VERSIONS

    return tuple(dict.fromkeys(("v1", DEFAULT, list(VERSIONS)[-1])))


def history_of(model: str) -> tuple[str, ...]:
    """The arguments of ``history --json`` for ``model``."""
    return ("history", "--json", "--model", model)


def assert_reads_v2s_fit(model: str) -> None:
    """Model ``model`` plays v2's shipped calibration, refuses one fitted for another version,
    and ``calibrate`` refuses to fit it (the mechanism versions fit nothing of their own)."""
    import pytest

    from sanctionsim.dynamics.calibration import calibration_for, load_calibration
    from sanctionsim.errors import ArgumentError

    shipped = load_calibration(model=model)
    assert shipped.model == "v2"
    assert shipped.sha256 == load_calibration(model="v2").sha256
    assert calibration_for(model, shipped) is shipped
    with pytest.raises(ArgumentError, match=r"fitted for model v2b, not for model v2 \(model"):
        calibration_for(model, dataclasses.replace(shipped, model="v2b"))
    done = run_sanctionsim("calibrate", "--model", model)
    assert done.returncode == 2
    assert "reads v2's fit" in done.stderr


HOLDOUT_DIR = Path(__file__).resolve().parents[1] / "holdout"


def every_case() -> list[str]:
    """Every case the honesty tests check: the library's ids, then the sealed holdout's files
    (holdout/README.md: encoded blind, not in the library, never forecast until a design names
    them as its test)."""
    from sanctionsim.scenario.library import case_ids

    return [*case_ids(), *(str(path) for path in sealed_files())]


def sealed_files() -> list[Path]:
    """The sealed holdout's case files, in name order."""
    return sorted(HOLDOUT_DIR.glob("*.yaml"))


def case_label(reference: str) -> str:
    """A case's test id: its library id, or its holdout file's stem."""
    return Path(reference).stem


def assert_built_on_v2f(model: str) -> None:
    """Model ``model`` runs on v2's kernel with v2-hold's holding value, fits ψ (v2f's factor on
    the concession hazards) and fits its own calibration: v2f and the versions built on it."""
    from sanctionsim.versions import model_version

    version = model_version(model)
    assert (version.kernel, version.holding, version.concession_scaled, version.fits) == (
        "v2",
        True,
        True,
        True,
    )


def assert_searches_v2js_ranges(
    model: str, parameter: str, values: list[float], held: float
) -> None:
    """``calibrate --model model`` searches ``parameter`` over ``values`` on v2j's ranges (μ ∈
    {0.5, 1, 2} × ψ ∈ {2, 3} × λ ∈ {1, 2}, α 0.005, 48 points; the other versions' parameters
    held), and every other fitted version's grid holds ``parameter`` at ``held``."""
    from sanctionsim.history.grids import grid_of
    from sanctionsim.versions import VERSIONS, model_version

    grid = grid_of(model)
    assert len(grid) == 48
    assert sorted({getattr(p, parameter) for p in grid}) == values
    assert sorted({p.temptation_weight for p in grid}) == [0.5, 1.0, 2.0]
    assert sorted({p.concession_scale for p in grid}) == [2.0, 3.0]
    assert sorted({p.slope for p in grid}) == [1.0, 2.0]
    others = {
        "prospect_weight": 0.0,
        "leader_weight": 1.0,
        "discretion_weight": 0.0,
        "carve_out_shift": 0.0,
    }
    others.pop(parameter)
    held_here = {(p.backing_down, p.lobby_weight, *(getattr(p, k) for k in others)) for p in grid}
    assert held_here == {(0.005, 0.0, *others.values())}
    assert all(
        getattr(p, parameter) == held
        for name in VERSIONS
        if name != model and model_version(name).fits
        for p in grid_of(name)
    )


V2M_FAMILY = {
    "coup_scaled": True,
    "temptation_ranked": True,
    "leader_ranked": True,
    "leader_weighted": False,
    "prospects_read": False,
    "discretion_read": False,
}
"""The design flags v2n and v2o share with v2m: v2i's ranking of the premiums, with the leader
among the peers, and a coup's episode scaled apart (docs/model-v2.md, "v2m" to "v2o")."""


def assert_version_flags(model: str, only: dict[str, bool], **flags: bool) -> None:
    """Model ``model``'s design flags are ``flags``, and it alone among the versions has each flag
    of ``only`` at the value given there (its own items)."""
    from sanctionsim.versions import VERSIONS, model_version

    version = model_version(model)
    for flag, value in {**flags, **only}.items():
        assert getattr(version, flag) is value, flag
    for flag, value in only.items():
        assert [name for name, v in VERSIONS.items() if getattr(v, flag) is value] == [model], flag


def assert_calibration_carries(
    model: str,
    point: Any,
    parameter: str,
    prior: str,
    bad: tuple[float, ...] = (-0.5,),
    refused_by: str = "v2i",
) -> None:
    """``model``'s shipped calibration records ``parameter`` on its grid and ``prior`` in its
    objective; a file carrying ``point`` reads it back; the same file named for ``refused_by``,
    which holds the parameter at its held value (and fits every other parameter the file's folds
    carry), is refused; and each value of ``bad`` is refused."""
    import json

    import pytest

    from sanctionsim.dynamics.calibration import (
        HELD_VALUES,
        FittedParameters,
        load_calibration,
        parse_calibration,
    )
    from sanctionsim.errors import InputError

    shipped = load_calibration(model=model)
    assert shipped.model == model
    assert parameter in shipped.details["grid"]
    assert prior in shipped.details["objective"]
    document = shipped.to_dict()
    document["fitted"] = point.to_dict()
    read = parse_calibration(json.dumps(document), "x.json").fitted
    assert getattr(read, parameter) == getattr(point, parameter)
    document["model"] = refused_by
    held = f"model {refused_by} does not fit {parameter}: it must be {HELD_VALUES[parameter]:g}"
    with pytest.raises(InputError, match=held):
        parse_calibration(json.dumps(document), f"{refused_by}.json")
    for value in bad:
        with pytest.raises(ValueError, match=f"{parameter} must"):
            FittedParameters(1.0, 0.01, 2.0, **{parameter: value})


def with_outcome(scenario: Any, **changes: object) -> Any:
    """``scenario`` with its recorded outcome's fields ``changes`` rewritten."""
    assert scenario.recorded_outcome is not None
    outcome = scenario.recorded_outcome.model_copy(update=changes)
    return scenario.model_copy(update={"recorded_outcome": outcome})


def rewritten_defections(scenario: Any) -> tuple[Any, Any, Any]:
    """Three rewrites of who defected and when, for the protocols' outcome-blindness tests:
    nobody defected, every member defected on ``start``, each recorded defection moved to the
    record's end."""
    from sanctionsim.scenario.schema import Defection

    record = scenario.recorded_outcome
    assert record is not None
    at_once = [Defection(member=m.id, date=scenario.start) for m in scenario.members]
    late = [d.model_copy(update={"date": record.end}) for d in record.defections]
    return (
        with_outcome(scenario, defections=[], coalition_held=True),
        with_outcome(scenario, defections=at_once, coalition_held=False),
        with_outcome(scenario, defections=late),
    )


def terms_of(world: Any, model: str, choice: Any) -> tuple[Any, ...]:
    """Each member's choice terms under ``model`` and ``choice`` on ``world``'s start (ω 1/12)."""
    from sanctionsim.coalition.parameters import central_parameters
    from sanctionsim.dynamics.kernel_v2 import choice_terms
    from sanctionsim.dynamics.setup import prepare

    setup = prepare(world, model, choice=choice, omega=1 / 12)
    assert setup.clock is not None
    return choice_terms(central_parameters(world), setup.clock)


def assert_same_member_terms(first: Any, second: Any) -> None:
    """Two members' choice terms agree on what a version built on another must keep: the
    temptation, the stake, the cost of backing down and what is easable."""
    import numpy as np

    for name in ("temptation", "stake", "backing_down", "easable"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name


def bound(world: Any, senders: list[str], since: Any = None) -> Any:
    """``world`` with ``senders`` bound to its target by one made-up defence treaty, in force on
    its start unless ``since`` says otherwise (models v2o and v2p read the tie)."""
    import datetime as dt

    from sanctionsim.scenario.schema import Alliance, Alliances

    treaty = Alliance(
        treaty="a made-up defence treaty",
        in_force_since=since or world.start - dt.timedelta(days=3650),
        senders=senders,
        sources=[world.sources[0].id],
    )
    return world.model_copy(update={"alliances": Alliances(with_target=[treaty])})
