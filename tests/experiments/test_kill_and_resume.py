"""Crash safety, tested by really killing the experiment with SIGKILL and resuming it.

The store must end up equal to an uninterrupted run's (same rows, same values, none lost or
duplicated), only the missing chunks may run again, and a torn chunk or a leftover temporary
file from the killed write must be detected and dealt with.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import run_sanctionsim as sanctionsim

from .conftest import store_rows, write_spec

CHUNKS_PER_CELL = 24


def _chunks(folder: Path) -> list[Path]:
    return sorted((folder / "cells").glob("*/chunk-*.parquet"))


def test_sigkill_then_resume_equals_an_uninterrupted_run(spec_dir: Path) -> None:
    spec = write_spec(spec_dir, runs=CHUNKS_PER_CELL * 1024, horizon=12)
    killed = spec_dir / "killed"
    flags = ("--out", str(killed), "--workers", "1", "--json")
    process = subprocess.Popen(
        [sys.executable, "-m", "sanctionsim", "experiment", str(spec), *flags],
        cwd=spec_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while len(_chunks(killed)) < 4 and process.poll() is None:
            assert time.monotonic() < deadline, "no chunk was written"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL  # killed mid-run, not finished
    assert not (killed / "results.json").exists()
    written = _chunks(killed)
    assert 4 <= len(written) < 2 * CHUNKS_PER_CELL

    # Make it worse: tear one finished chunk and leave a temporary file of a "killed" write.
    torn = written[1]
    data = torn.read_bytes()
    torn.write_bytes(data[: len(data) // 2])
    leftover = torn.parent / f".chunk-{99 * 1024:09d}.parquet.tmp-12345"
    leftover.write_bytes(b"PAR1 half a file")
    # A chunk is finished once its record (its SHA-256, written after it) is there too.
    intact = {
        p: p.stat().st_mtime_ns for p in written if p != torn and p.with_suffix(".sha256").exists()
    }

    resumed = sanctionsim(
        "experiment",
        str(spec),
        "--out",
        str(killed),
        "--resume",
        "--workers",
        "1",
        "--json",
        cwd=spec_dir,
    )
    assert resumed.returncode == 0, resumed.stderr
    info = json.loads((killed / "run-info.json").read_text())
    assert info["chunks_total"] == 2 * CHUNKS_PER_CELL
    assert info["chunks_run"] == 2 * CHUNKS_PER_CELL - len(intact)  # only the missing ones
    for path, stamp in intact.items():
        assert path.stat().st_mtime_ns == stamp, f"{path.name} was rewritten"
    assert not leftover.exists()
    assert len(_chunks(killed)) == 2 * CHUNKS_PER_CELL

    clean = spec_dir / "clean"
    uninterrupted = sanctionsim(
        "experiment", str(spec), "--out", str(clean), "--workers", "2", "--json", cwd=spec_dir
    )
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    a, b = store_rows(killed), store_rows(clean)
    assert len(a) == 2 * CHUNKS_PER_CELL * 1024
    assert not a.duplicated(subset=["cell", "run"]).any()
    assert a.equals(b)
    assert resumed.stdout == uninterrupted.stdout
