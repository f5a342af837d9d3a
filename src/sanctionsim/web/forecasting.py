"""Forecasts and comparisons for the app, run in a worker process of their own.

A forecast is about half a second of numpy and Altair work that holds the GIL; run in a thread
of the server, it starved the event loop, and every cheap request waited behind it (issue 16:
p99 of a cheap GET 0.6-0.95 s under load). :class:`Forecaster` runs the work in one spawned
worker process (:func:`sanctionsim.pools.process_pool`: it ends with the server, even after
``kill -9``), so that the server process only routes, refuses and draws pages. The app's
forecast gate still lets one forecast run at a time; the time limit is checked inside the worker.
(A lower scheduling priority for the worker, nice 5 or 10, was measured too: the cheap GET's p99
did not move, and the forecasts served under load fell from about 30 to about 7 a round.)

The functions run in the worker take and return plain picklable values; errors cross back as
their exceptions (:class:`~sanctionsim.errors.InputError` pickles with its problems).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from sanctionsim.scenario.schema import Scenario
from sanctionsim.web.limits import ForecastRequest, ForecastTimeoutError, Limits

if TYPE_CHECKING:
    from sanctionsim.experiments.policies import Policy
    from sanctionsim.web.compare import Source

P = ParamSpec("P")
T = TypeVar("T")


#: The server process's GIL switch interval (s): a thread drawing a page gives the GIL back to
#: the event loop within this time (Python's default, 5 ms, made every socket write wait).
SWITCH_INTERVAL = 0.0005

#: How long the app's shutdown waits for the forecast worker to end (s).
SHUTDOWN_GRACE_SECONDS = 5.0


class WorkerLostError(Exception):
    """The worker process ended in the middle of a task (killed, out of memory)."""


class Forecaster:
    """One worker process, started on first use and replaced if it dies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _current(self) -> ProcessPoolExecutor:
        from sanctionsim.pools import process_pool

        with self._lock:
            if self._pool is None:
                self._pool = process_pool(1)
            return self._pool

    def start(self) -> None:
        """Start the worker now and have it import the engine and the charts, so that the
        first forecast does not wait for them (``sanctionsim serve`` does this at start-up)."""
        self._current().submit(warm_up)

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``function(*args)`` in the worker; :class:`WorkerLostError` if the worker dies."""
        pool = self._current()
        try:
            future = pool.submit(function, *args, **kwargs)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise WorkerLostError from None

    def close(self, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop the worker (the app's shutdown), waiting up to ``grace_seconds`` for it to end.

        An idle worker ends at once and cleanly (its exit handlers run); a worker in the middle
        of a forecast is not waited for beyond the grace: it is killed with the server
        (:mod:`sanctionsim.pools`). Without the wait even an idle worker was killed that way
        whenever the server exited first.
        """
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        stopping = threading.Thread(
            target=pool.shutdown,
            kwargs={"wait": True, "cancel_futures": True},
            daemon=True,
            name="forecaster-shutdown",
        )
        stopping.start()
        stopping.join(grace_seconds)


def warm_up() -> None:
    """Import what a forecast and its page need (run in the worker at start-up)."""
    import sanctionsim.dynamics.engine
    import sanctionsim.report.charts
    import sanctionsim.report.forecast_table
    import sanctionsim.web.compare  # noqa: F401


def with_overrides(scenario: Scenario, request: ForecastRequest) -> Scenario:
    """The scenario with the requested central values fixed (``experiments.inputs.fix_inputs``)."""
    from sanctionsim.experiments.inputs import fix_inputs

    values = {"target.resolve": request.resolve, "observation.detection": request.detection}
    return fix_inputs(scenario, {k: float(v) for k, v in values.items() if v is not None})


def run_forecast(scenario: Scenario, request: ForecastRequest, limits: Limits) -> dict[str, Any]:
    """Simulate within the limits; stops with :class:`ForecastTimeoutError` past the time limit."""
    from sanctionsim.dynamics.engine import simulate
    from sanctionsim.dynamics.plan import BLOCK

    horizon = min(request.horizon or scenario.horizon_months, limits.max_horizon)
    runs = min(request.runs, limits.max_runs)
    deadline = time.monotonic() + limits.time_limit_seconds

    def check_time(_done: int) -> None:
        if time.monotonic() > deadline:
            raise ForecastTimeoutError

    result = simulate(
        with_overrides(scenario, request),
        runs=runs,
        horizon=horizon,
        seed=request.seed,
        chunk_size=BLOCK,
        progress=check_time,
        model=request.model,
        fold_range=request.fold_range,
    )
    return result.to_dict()


def forecast_view(
    scenario: Scenario, request: ForecastRequest, limits: Limits
) -> tuple[dict[str, Any], dict[str, str], str]:
    """What the forecast page shows: the forecast, its charts as script JSON, its table."""
    outcome = run_forecast(scenario, request, limits)
    charts, table = forecast_figures(scenario, outcome)
    return outcome, charts, table


def forecast_figures(scenario: Scenario, outcome: dict[str, Any]) -> tuple[dict[str, str], str]:
    """A forecast's fan charts and easing chart (script JSON) and its HTML table."""
    from sanctionsim.report.charts import easing_chart, fan_chart
    from sanctionsim.report.data import FAN_CURVES
    from sanctionsim.report.forecast_table import forecast_table_html
    from sanctionsim.report.html import script_json

    charts = {
        curve.removesuffix("_quantiles"): script_json(fan_chart(outcome, curve))
        for curve in FAN_CURVES
        if curve in outcome["curves"]
    }
    charts["easing"] = script_json(easing_chart(outcome))
    leaders = [a.id for a in scenario.actors if a.role == "leader"]
    return charts, forecast_table_html(outcome, leaders, outcome.get("model_version", "v1"))


def comparison_result(
    scenario: Scenario,
    chosen: Sequence[tuple[Policy, Source]],
    *,
    runs: int,
    horizon: int,
    seed: int,
    seconds: float,
) -> dict[str, Any]:
    """The paired comparison of the ``chosen`` policies (:func:`.compare.compare_policies`),
    stopped with :class:`ForecastTimeoutError` after ``seconds``."""
    from sanctionsim.web.compare import candidates, compare_policies, deadline_after

    return compare_policies(
        scenario,
        candidates(scenario, chosen),
        runs=runs,
        horizon=horizon,
        seed=seed,
        check_time=deadline_after(seconds, ForecastTimeoutError),
    )
