"""Sizes on the command line checked against this machine: ``--workers``, ``--runs``,
``--chunk-size``.

A size that cannot fit in this machine's memory is refused before any work (exit 2, naming the
flag and the bound); a size that only wastes it (more workers than CPUs) is warned against on
stderr. The memory figures are measured estimates (docs/cli.md): what one run keeps for the
summary, what one run-month of a chunk holds while it is simulated, what one worker process
costs once it has imported the engine.
"""

from __future__ import annotations

import os
import sys

from sanctionsim.errors import InputError

#: Bytes a run's results keep until the summary (measured ~75 on dprk-2014; with a margin).
RESULT_BYTES_PER_RUN = 128
#: Bytes one run-month of a chunk holds while simulated (measured 36-42 on dprk-2014; margin
#: for larger coalitions).
CHUNK_BYTES_PER_RUN_MONTH = 96
#: Bytes of one worker process: ~50 MB once it has imported the engine, plus a default chunk
#: (~40 MB over 60 months), with a margin.
WORKER_BYTES = 192 * 2**20


def physical_memory() -> int | None:
    """This machine's physical memory in bytes, or None where the system does not say."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return None


def _fits(flag: str, value: int, need: int, what: str) -> None:
    memory = physical_memory()
    if memory is not None and need > memory:
        raise InputError.single(
            flag,
            f"{value:,} {what} would need about {need / 2**30:,.1f} GiB, more than this "
            f"machine's {memory / 2**30:,.1f} GiB of memory",
        )


def check_workers(workers: int | None) -> None:
    """Refuse workers that do not fit in memory; warn about more workers than CPUs."""
    if workers is None:
        return
    if workers < 1:
        raise InputError.single("--workers", f"must be at least 1, got {workers}")
    _fits("--workers", workers, workers * WORKER_BYTES, "worker processes")
    cpus = os.cpu_count() or 1
    if workers > cpus:
        print(
            f"warning: --workers {workers} is more than this machine's {cpus} CPUs: the workers "
            "share them, so the run is no faster and uses more memory",
            file=sys.stderr,
        )


def check_runs(runs: int, flag: str = "--runs") -> None:
    """Refuse a number of runs whose results do not fit in memory."""
    _fits(flag, runs, runs * RESULT_BYTES_PER_RUN, "runs")


def check_chunk(chunk_size: int, horizon: int) -> None:
    """Refuse a chunk whose simulation state over ``horizon`` months does not fit in memory."""
    need = chunk_size * horizon * CHUNK_BYTES_PER_RUN_MONTH
    _fits("--chunk-size", chunk_size, need, f"runs in a chunk over {horizon} months")
