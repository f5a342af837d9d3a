"""Backends: the same seed gives the same results, byte for byte, across local worker counts,
chunk sizes and a real Dask cluster (a ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1); an unreachable scheduler fails with a clear message instead of hanging."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import free_port
from support import run_sanctionsim as sanctionsim

from .conftest import store_rows, write_spec


def _dask(*args: str) -> subprocess.Popen[bytes]:
    executable = Path(sys.executable).with_name("dask")
    return subprocess.Popen(
        [str(executable), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[str]:
    """A real scheduler and two single-threaded workers, torn down afterwards."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")]
    try:
        for _ in range(2):
            processes.append(
                _dask(
                    "worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--no-dashboard",
                )
            )
        deadline = time.monotonic() + 60
        client = None
        while client is None:
            try:
                client = Client(address, timeout=5)
            except OSError:
                assert time.monotonic() < deadline, "the Dask scheduler did not start"
                time.sleep(0.5)
        try:
            client.wait_for_workers(2, timeout=60)
        finally:
            client.close()
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_same_results_across_backends_workers_and_chunk_sizes(
    spec_dir: Path, dask_cluster: str
) -> None:
    small = write_spec(spec_dir, "small.yaml", runs=5000, chunk_size=1024)
    large = write_spec(spec_dir, "large.yaml", runs=5000, chunk_size=3072)
    runs = {
        "one": sanctionsim(
            "experiment", str(small), "--out", "one", "--workers", "1", "--json", cwd=spec_dir
        ),
        "two": sanctionsim(
            "experiment", str(large), "--out", "two", "--workers", "2", "--json", cwd=spec_dir
        ),
        "dask": sanctionsim(
            "experiment",
            str(small),
            "--out",
            "dask",
            "--backend",
            "dask",
            "--scheduler",
            dask_cluster,
            "--json",
            cwd=spec_dir,
        ),
    }
    for name, result in runs.items():
        assert result.returncode == 0, (name, result.stderr)
    documents = {
        name: result.stdout.replace('"large.yaml"', '"small.yaml"') for name, result in runs.items()
    }
    assert documents["one"] == documents["two"] == documents["dask"]
    one = store_rows(spec_dir / "one")
    assert len(one) == 2 * 5000
    assert one.equals(store_rows(spec_dir / "two"))
    assert one.equals(store_rows(spec_dir / "dask"))
    # the Dask run really used the cluster's two workers
    assert '"workers": 2' in (spec_dir / "dask" / "run-info.json").read_text()
    assert "DaskBackend" in (spec_dir / "dask" / "run-info.json").read_text()


def test_a_local_dask_cluster_gives_the_same_results(spec_dir: Path) -> None:
    spec = write_spec(spec_dir, runs=2048)
    local = sanctionsim(
        "experiment", str(spec), "--out", "a", "--workers", "1", "--json", cwd=spec_dir
    )
    cluster = sanctionsim(
        "experiment",
        str(spec),
        "--out",
        "b",
        "--backend",
        "dask",
        "--workers",
        "2",
        "--json",
        cwd=spec_dir,
    )
    assert local.returncode == 0, local.stderr
    assert cluster.returncode == 0, cluster.stderr
    assert local.stdout == cluster.stdout


def test_an_unreachable_scheduler_fails_clearly_instead_of_hanging(spec_dir: Path) -> None:
    spec = write_spec(spec_dir, runs=1024)
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    result = sanctionsim(
        "experiment",
        str(spec),
        "--backend",
        "dask",
        "--scheduler",
        address,
        "--out",
        "o",
        cwd=spec_dir,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: --scheduler: cannot reach the Dask scheduler at")
    assert address in result.stderr
    assert "Traceback" not in result.stderr
