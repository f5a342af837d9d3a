"""Worker processes end with their driver, even after ``kill -9`` (issue 16, lesser).

A real driver process runs the experiment backend's pool (:class:`LocalBackend`, two spawned
workers busy in a two-minute task); the test kills the driver with SIGKILL and watches the
workers' process ids: they must be gone within seconds, not when their task ends. The portable
fallback (a thread that polls the parent's id) is tested the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and /proc are POSIX")

TASKS = """
import os, threading, time
from pathlib import Path

def sleep_and_report(path):
    Path(path).write_text(str(os.getpid()))
    time.sleep(120)

def watch_then_sleep(parent, path):
    from sanctionsim.pools import _watch
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    sleep_and_report(path)
"""
DRIVER = """
import multiprocessing, os, sys
from pathlib import Path
import tasks

if __name__ == "__main__":
    folder, mode = Path(sys.argv[1]), sys.argv[2]
    paths = [str(folder / "worker-a"), str(folder / "worker-b")]
    if mode == "backend":
        from sanctionsim.experiments.backends import LocalBackend
        for _ in LocalBackend(2).map_unordered(tasks.sleep_and_report, paths):
            pass
    else:
        context = multiprocessing.get_context("spawn")
        children = [
            context.Process(target=tasks.watch_then_sleep, args=(os.getpid(), p)) for p in paths
        ]
        for child in children:
            child.start()
        for child in children:
            child.join()
"""


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # pragma: no cover - no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def workers_after_killing_the_driver(tmp_path: Path, mode: str) -> tuple[list[int], float]:
    """Start a driver in ``mode``, wait for its two workers, kill -9 it; the workers' ids and
    how long they outlived it (up to 15 s)."""
    (tmp_path / "tasks.py").write_text(textwrap.dedent(TASKS), encoding="utf-8")
    (tmp_path / "driver.py").write_text(textwrap.dedent(DRIVER), encoding="utf-8")
    source = str(Path(__file__).resolve().parents[1] / "src")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), source]))
    driver = subprocess.Popen(
        [sys.executable, str(tmp_path / "driver.py"), str(tmp_path), mode], env=env
    )
    files = [tmp_path / "worker-a", tmp_path / "worker-b"]
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 90
        while not all(f.exists() and f.read_text() for f in files):
            assert driver.poll() is None, "the driver stopped before its workers started"
            assert time.monotonic() < deadline, "the workers did not start within 90 s"
            time.sleep(0.1)
        pids = [int(f.read_text()) for f in files]
        assert all(alive(pid) for pid in pids)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=30)
        killed = time.monotonic()
        while any(alive(pid) for pid in pids) and time.monotonic() < killed + 15:
            time.sleep(0.05)
        return [pid for pid in pids if alive(pid)], time.monotonic() - killed
    finally:
        if driver.poll() is None:
            driver.kill()
        for pid in pids:  # never leave an orphan behind, even when the test fails
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_backends_workers_end_when_the_driver_is_killed(tmp_path: Path) -> None:
    orphans, seconds = workers_after_killing_the_driver(tmp_path, "backend")
    assert orphans == [], f"workers {orphans} outlived the killed driver"
    assert seconds < 5


def test_the_portable_fallback_ends_a_worker_whose_parent_was_killed(tmp_path: Path) -> None:
    orphans, seconds = workers_after_killing_the_driver(tmp_path, "fallback")
    assert orphans == [], f"workers {orphans} outlived the killed driver"
    assert seconds < 5
