"""What the app's routes share: the built-in cases, the gates and the forecast worker.

:class:`Toolkit` is handed to each group of routes (:mod:`.cases`, :mod:`.own`). Busy work goes
through :meth:`Toolkit.gated`: it takes the forecast slot (one forecast or comparison at a time)
or a page-render slot, or is refused at once with 503 and ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sanctionsim.scenario.schema import Scenario
from sanctionsim.web.forecasting import Forecaster, WorkerLostError
from sanctionsim.web.limits import MAX_DATE, MIN_DATE, ForecastTimeoutError, Gates, Limits
from sanctionsim.web.middleware import FORECAST_BUSY, RENDERS_BUSY, busy

P = ParamSpec("P")
T = TypeVar("T")


class CaseStore:
    """The built-in cases, loaded on first use and kept (they are read-only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, Scenario] = {}
        self._ids: list[str] | None = None

    def ids(self) -> list[str]:
        """The built-in case ids (listed once: the package's cases do not change)."""
        from sanctionsim.scenario.library import case_ids

        if self._ids is None:
            self._ids = case_ids()
        return self._ids

    def get(self, case_id: str) -> Scenario | None:
        """The case with this id, or None; only ids of the built-in list reach the disk."""
        from sanctionsim.scenario.library import case_path
        from sanctionsim.scenario.loader import load_file

        if case_id not in self.ids():
            return None
        with self._lock:
            if case_id not in self._loaded:
                path = case_path(case_id)
                assert path is not None
                self._loaded[case_id] = load_file(path, display=case_id)
            return self._loaded[case_id]

    @functools.cached_property
    def rows(self) -> list[dict[str, Any]]:
        """One row per case for the lists: the library's committed index, as ``sanctionsim
        cases`` reads it (no case file is parsed)."""
        from sanctionsim.history.case_index import read_index

        keys = ("title", "start", "coalition", "target")
        return [
            {"id": case_id, **{k: entry[k] for k in keys}}
            for case_id, entry in sorted(read_index().items())
        ]


@dataclass(frozen=True)
class Toolkit:
    """The app's shared state, as its routes use it."""

    limits: Limits
    gates: Gates = field(init=False)
    cases: CaseStore = field(default_factory=CaseStore)
    forecaster: Forecaster = field(default_factory=Forecaster)

    def __post_init__(self) -> None:
        renders = threading.BoundedSemaphore(max(self.limits.max_renders, 1))
        object.__setattr__(self, "gates", Gates(threading.Lock(), renders))

    def busy(self, path: str, message: str) -> Response:
        """503 with ``Retry-After`` (JSON under ``/api/``, else the error page)."""
        return busy(path, message, self.limits.retry_after_seconds)

    def case(self, case_id: str) -> Scenario:
        """The built-in case, or a 404 naming the cases there are."""
        scenario = self.cases.get(case_id)
        if scenario is None:
            known = ", ".join(self.cases.ids())
            raise StarletteHTTPException(404, f"no built-in case {case_id!r}; cases: {known}")
        return scenario

    async def gated(
        self, path: str, heavy: bool, work: Callable[[], Awaitable[Response]]
    ) -> Response:
        """``work()`` holding the forecast slot (``heavy``) or a page-render slot, or 503 at once
        when the slot is taken; 503 too when the work outlasts the time limit or its worker."""
        gate = self.gates.forecast if heavy else self.gates.renders
        if not gate.acquire(blocking=False):
            return self.busy(path, FORECAST_BUSY if heavy else RENDERS_BUSY)
        try:
            return await work()
        except ForecastTimeoutError:
            seconds = self.limits.time_limit_seconds
            message = f"the forecast took longer than {seconds:g} s; ask for fewer runs"
            return self.busy(path, message + " or a shorter horizon")
        except WorkerLostError:
            return self.busy(path, "the forecast's worker process stopped; try again")
        finally:
            gate.release()

    async def render(
        self, path: str, draw: Callable[P, Response], *args: P.args, **kwargs: P.kwargs
    ) -> Response:
        """``draw(*args)`` in a worker thread holding a page-render slot, or 503 at once."""
        return await self.gated(path, False, lambda: run_in_threadpool(draw, *args, **kwargs))


def check_date(date: dt.date | None, scenario: Scenario) -> dt.date:
    """The date asked for (default: the start) within the app's date range (422 outside)."""
    if date is None:
        return scenario.start
    if not MIN_DATE <= date <= MAX_DATE:
        raise StarletteHTTPException(422, f"date must lie in {MIN_DATE}..{MAX_DATE}")
    return date
