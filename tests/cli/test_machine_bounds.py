"""Sizes checked against the machine, and a reused ``simulate --out`` folder (issue 16, lesser).

``--runs``, ``--chunk-size`` and ``--workers`` that cannot fit in this machine's memory are
refused before any work (exit 2, the flag named); more workers than CPUs are warned against.
A folder that held a larger earlier forecast keeps no chunk of it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionsim.cli import app as cli
from sanctionsim.cli.machine import (
    CHUNK_BYTES_PER_RUN_MONTH,
    RESULT_BYTES_PER_RUN,
    WORKER_BYTES,
    check_workers,
    physical_memory,
)
from sanctionsim.errors import InputError

EXAMPLES = Path(__file__).parents[2] / "examples"
MEMORY = physical_memory()
needs_memory_figure = pytest.mark.skipif(MEMORY is None, reason="the system gives no memory size")


def refused(args: list[str], flag: str) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"error: {flag}: " in result.output, result.output
    assert "GiB of memory" in result.output
    return result.output


@needs_memory_figure
def test_runs_whose_results_cannot_fit_in_memory_are_refused() -> None:
    assert MEMORY is not None
    runs = MEMORY // RESULT_BYTES_PER_RUN + 1
    refused(["simulate", "dprk-2014", "--runs", str(runs), "--json"], "--runs")
    spec = EXAMPLES / "dprk-2014-policies.yaml"
    refused(["experiment", str(spec), "--runs", str(runs), "--json"], "--runs")
    refused(["history", "dprk-2014", "--runs", str(runs), "--json"], "--runs")


@needs_memory_figure
def test_a_chunk_that_cannot_fit_in_memory_is_refused() -> None:
    assert MEMORY is not None
    chunk = math.ceil(MEMORY / (36 * CHUNK_BYTES_PER_RUN_MONTH) / 1024 + 1) * 1024
    args = ["simulate", "dprk-2014", "--horizon", "36", "--runs", str(chunk)]
    refused([*args, "--chunk-size", str(chunk), "--json"], "--chunk-size")


@needs_memory_figure
def test_workers_that_cannot_fit_in_memory_are_refused() -> None:
    assert MEMORY is not None
    workers = MEMORY // WORKER_BYTES + 1
    spec = EXAMPLES / "dprk-2014-policies.yaml"
    refused(["experiment", str(spec), "--workers", str(workers), "--json"], "--workers")


def test_more_workers_than_cpus_are_warned_against(capsys: pytest.CaptureFixture[str]) -> None:
    cpus = os.cpu_count() or 1
    check_workers(cpus)
    assert capsys.readouterr().err == ""
    check_workers(cpus + 1)
    warning = capsys.readouterr().err
    assert warning.startswith(f"warning: --workers {cpus + 1} is more than")
    assert f"{cpus} CPUs" in warning
    with pytest.raises(InputError, match="--workers: must be at least 1"):
        check_workers(0)


def test_simulate_out_into_an_earlier_runs_folder_keeps_only_this_runs_chunks(
    tmp_path: Path,
) -> None:
    out = tmp_path / "forecast"
    base = ["simulate", "dprk-2014", "--horizon", "3", "--chunk-size", "1024", "--out", str(out)]
    first = CliRunner().invoke(cli, [*base, "--runs", "3072", "--json"])
    assert first.exit_code == 0, first.output
    assert len(list((out / "runs").glob("chunk-*.parquet"))) == 3
    mine = out / "runs" / "notes.txt"  # a user's file in the folder is not the store's
    mine.write_text("keep me", encoding="utf-8")
    second = CliRunner().invoke(cli, [*base, "--runs", "1024", "--json"])
    assert second.exit_code == 0, second.output
    assert sorted(p.name for p in (out / "runs").iterdir()) == [
        "chunk-000000000.parquet",
        "notes.txt",
    ]
    assert mine.read_text(encoding="utf-8") == "keep me"
    assert '"runs": 1024' in (out / "forecast.json").read_text(encoding="utf-8")
