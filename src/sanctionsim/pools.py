"""Worker processes that end with the process that started them.

``concurrent.futures.ProcessPoolExecutor`` workers wait on their call queue; when the driver is
killed outright (``kill -9``, the out-of-memory killer) nothing tells them, and a worker in the
middle of a long task runs on, an orphan, until the task ends. :func:`process_pool` starts its
workers with :func:`exit_with_parent` as initializer: on Linux the kernel sends the worker
``SIGKILL`` when its parent goes (``prctl(PR_SET_PDEATHSIG)``); on other systems a daemon
thread in the worker polls the parent's id and ends the worker within :data:`POLL_SECONDS`.

The kernel's signal follows the *thread* that started the worker: a pool here must be used
(its ``submit`` called) from a thread that outlives it, as the command line's main thread and
the web server's event-loop thread do.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that exit when this process dies.

    Spawned, not forked: the caller may hold threads (a progress bar, a web server's), and a
    forked child must not inherit their locks.
    """
    import multiprocessing

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    )


def exit_with_parent(parent: int) -> None:
    """Arrange for this process to end when process ``parent`` ends (a pool's initializer)."""
    if not _death_signal_set():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent").start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _death_signal_set() -> bool:
    """Ask the Linux kernel for SIGKILL when the parent goes; False where that is not offered."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return False


def _watch(parent: int) -> None:
    """Poll the parent's id; a child whose parent died is adopted, and its parent id changes."""
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)
