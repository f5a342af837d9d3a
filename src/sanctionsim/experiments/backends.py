"""Where an experiment's tasks run: in process, local processes, or a Dask cluster.

A backend maps a function over tasks and yields results as they finish, in any order; the
runner (:mod:`sanctionsim.experiments.runner`) writes each result where it belongs, so the
results do not depend on the backend, the number of workers or the order of completion.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from sanctionsim.errors import ArgumentError

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Dask scheduler before giving up with a clear message."""


class Backend:
    """Runs tasks and yields their results as they finish (any order)."""

    workers: int = 1

    def map_unordered(self, function: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
        """Results of ``function(task)`` for every task, as they complete."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers."""


class LocalBackend(Backend):
    """Local processes: a ``ProcessPoolExecutor`` with ``workers`` processes (1: in process)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: Any = None

    def map_unordered(self, function: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
        if self.workers == 1 or len(tasks) <= 1:
            for task in tasks:
                yield function(task)
            return
        import concurrent.futures as cf

        from sanctionsim.pools import process_pool

        if self._pool is None:
            # spawned workers that end with this driver, even after kill -9 (sanctionsim.pools)
            self._pool = process_pool(self.workers)
        futures = [self._pool.submit(function, task) for task in tasks]
        try:
            for future in cf.as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskBackend(Backend):
    """Dask distributed: an existing scheduler (``address``) or a local cluster of ``workers``."""

    def __init__(self, address: str | None, workers: int) -> None:
        try:
            import distributed
        except ImportError:  # pragma: no cover - the extra is installed in development
            raise ArgumentError.of(
                "backend",
                "dask needs the distributed extra: pip install 'sanctionsim[distributed]'",
            ) from None
        self.cluster: Any = None
        if address is None:
            import dask

            # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers; with the engine's
            # many short-lived arrays that doubled the CPU time per chunk (measured, see
            # docs/benchmarks.md). Keep its one-thread settings for BLAS, drop the trim.
            environ = {
                key: value
                for key, value in dask.config.get("distributed.nanny.pre-spawn-environ").items()
                if key != "MALLOC_TRIM_THRESHOLD_"
            }
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
                self.cluster = self._local_cluster(workers)
            target: Any = self.cluster
        else:
            target = address
        try:
            self.client: Any = distributed.Client(  # type: ignore[no-untyped-call]
                target, timeout=CONNECT_TIMEOUT, set_as_default=False
            )
        except (OSError, TimeoutError) as error:
            if self.cluster is not None:
                self.cluster.close()
            raise ArgumentError.of(
                "scheduler",
                f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT:g} s "
                f"({type(error).__name__}); is it running, and is the address tcp://HOST:PORT?",
            ) from None
        self.workers = len(self.client.scheduler_info().get("workers", {})) or workers

    @staticmethod
    def _local_cluster(workers: int) -> Any:
        import distributed

        return distributed.LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        )

    def map_unordered(self, function: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
        import distributed

        if not tasks:
            return
        futures = self.client.map(function, tasks, pure=False)
        try:
            for future in distributed.as_completed(futures, loop=self.client.loop):  # type: ignore[no-untyped-call]
                yield future.result()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_backend(backend: str, scheduler: str | None, workers: int | None) -> Backend:
    """The backend named on the command line."""
    if workers is not None and workers < 1:
        raise ArgumentError.of("workers", f"must be at least 1, got {workers}")
    if backend == "local":
        if scheduler is not None:
            raise ArgumentError.of("scheduler", "only with the dask backend")
        return LocalBackend(workers or (os.cpu_count() or 1))
    if backend == "dask":
        if scheduler is not None and workers is not None:
            raise ArgumentError.of(
                "workers",
                "give a scheduler (an existing cluster) or workers (a local one), not both",
            )
        return DaskBackend(scheduler, workers or (os.cpu_count() or 1))
    raise ArgumentError.of("backend", f"must be local or dask, got {backend!r}")
