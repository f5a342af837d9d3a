"""Forecast the cases to score and lay every pair beside the references: ``history``'s run.

:func:`evaluate` builds the training pool of the leave-one-cluster-out references (the cases to
score and every built-in case, each in its cluster), forecasts each case by the model or from a
forecaster's file, and returns the frozen
:class:`~sanctionsim.history.evaluation.HistoryEvaluation` that scores them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanctionsim.history.case_result import CaseResult
from sanctionsim.history.evaluation import BOOTSTRAP_RESAMPLES, HistoryEvaluation
from sanctionsim.history.forecast import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    CaseForecast,
    file_forecast,
    model_forecast,
    read_forecasts,
    with_joiners,
)
from sanctionsim.history.joiners import (
    check_protocol,
    joiner_month,
    joiners,
    joining_days,
    joining_view,
    protocol_pairs,
)
from sanctionsim.history.protocol import (
    DEFAULT_HORIZONS,
    PROTOCOL_VERSION,
    case_facts,
    clusters,
    derived_recorded,
    recorded_months,
)
from sanctionsim.history.references import TrainingCase, reference_forecasts
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import DEFAULT, VERSIONS

if TYPE_CHECKING:
    from sanctionsim.dynamics.calibration import Calibration


def _training_pool(
    scenarios: Sequence[Scenario], horizons: Sequence[int], protocol: int = PROTOCOL_VERSION
) -> list[TrainingCase]:
    """Each case's facts, pairs under ``protocol`` and cluster (and, under protocol 2, its
    joiners, found once here for the pairs, the references and the scoring)."""
    facts = [case_facts(s) for s in scenarios]
    labels = clusters(facts)
    pool = []
    for s, f, label in zip(scenarios, facts, labels, strict=True):
        found = joiners(s, f) if protocol == 2 else None
        pairs = protocol_pairs(s, horizons, protocol, found or ())
        pool.append(TrainingCase(f, tuple(pairs), label, found))
    return pool


def _with_library(
    scenarios: Sequence[Scenario], read: Mapping[str, Scenario] | None = None
) -> list[Scenario]:
    """The cases to score followed by every built-in case not among them (the training pool);
    ``read`` holds built-in cases already read, by id (read elsewhere: by a pool's worker)."""
    from sanctionsim.history.protocol import content_hash
    from sanctionsim.scenario.library import case_ids
    from sanctionsim.scenario.loader import load_scenario

    seen = {content_hash(s) for s in scenarios}
    pool = list(scenarios)
    for case_id in case_ids():
        built_in = read[case_id] if read and case_id in read else load_scenario(case_id)
        if content_hash(built_in) not in seen:
            pool.append(built_in)
    return pool


def _derived(
    scenario: Scenario, training: TrainingCase, forecast: CaseForecast
) -> list[dict[str, Any]]:
    """The derived events (cascade, coalition holds) beside their records, reported apart."""
    derived = []
    for (event, h), value in sorted(forecast.derived.items(), key=lambda kv: kv[0][1]):
        recorded = derived_recorded(scenario, training.facts, h)[event]
        derived.append(
            {
                "event": event,
                "horizon": h,
                "forecast": value,
                "recorded": recorded,
                "brier": None if recorded is None else (value - recorded) ** 2,
            }
        )
    return derived


def _case_result(
    scenario: Scenario,
    training: TrainingCase,
    forecast: CaseForecast,
    pool: Sequence[TrainingCase],
) -> CaseResult:
    """One case's pairs with the forecast's and the references' probabilities; under protocol 2
    its joiners (``training.joiners``), their recorded months counted from their joining day."""
    pairs = training.pairs
    refs = reference_forecasts(training.facts, pairs, training.cluster, pool, training.joined)
    months = recorded_months(scenario, training.facts)
    for joiner in training.joiners or ():
        if not joiner.after_record:
            months[joiner.event] = joiner_month(scenario, joiner)
    return CaseResult(
        facts=training.facts,
        cluster=training.cluster,
        pairs=pairs,
        forecast=tuple(forecast.probabilities.get((p.event, p.horizon)) for p in pairs),
        references={r: tuple(v) for r, v in refs.items()},
        derived=tuple(_derived(scenario, training, forecast)),
        months=months,
        joiners=training.joiners,
    )


ForecastJob = Callable[[], CaseForecast]
"""One case's :func:`~sanctionsim.history.forecast.model_forecast`, its arguments bound (a
``functools.partial``, so it can be sent to a worker process)."""


def _forecast_job(
    scenario: Scenario,
    horizons: tuple[int, ...],
    runs: int,
    seed: int,
    model: str,
    calibration: Calibration | None,
) -> ForecastJob:
    """One case's forecast: with its fold's parameters when the version is calibrated."""
    fold = calibration.for_case(scenario.id) if calibration is not None else None
    omega = calibration.omega if fold is not None and calibration is not None else None
    return partial(
        model_forecast, scenario, horizons, runs=runs, seed=seed, model=model, choice=fold,
        omega=omega,
    )  # fmt: skip


def _case_jobs(
    scenario: Scenario,
    protocol: int,
    job: Callable[[Scenario], ForecastJob],
) -> tuple[list[ForecastJob], list[tuple[str, ...]]]:
    """A case's forecasts: from ``start``, then, under protocol 2, from each joining day (the
    scenario as of that day, the same settings and fold), with the joiners each is read for."""
    days = joining_days(scenario) if protocol == 2 else {}
    jobs = [job(scenario), *(job(joining_view(scenario, day)) for day in days)]
    return jobs, list(days.values())


def _merged(
    forecasts: Iterator[CaseForecast], joined: Sequence[Sequence[tuple[str, ...]]]
) -> Iterator[CaseForecast]:
    """Each case's forecast, in order: its run from ``start`` with its joiners' easing read from
    the runs from their joining days, which follow it in ``forecasts``."""
    for days in joined:
        start = next(forecasts)
        yield with_joiners(start, [(members, next(forecasts)) for members in days])


def open_pool(workers: int, stack: ExitStack) -> Executor | None:
    """A pool of ``workers`` processes that ``stack`` closes, dropping what is still queued when
    it closes on an error; None for one worker (the work is then done here)."""
    if workers <= 1:
        return None
    from sanctionsim.pools import process_pool

    executor = stack.enter_context(process_pool(workers))
    stack.callback(executor.shutdown, cancel_futures=True)
    return executor


def load_cases(
    references: Sequence[str | Path], executor: Executor | None
) -> tuple[list[Scenario], dict[str, Scenario]]:
    """Each reference's scenario (a built-in case id or a file), in order, and the built-in ones
    by id (for :func:`evaluate`'s ``library``): read by the pool's processes when there is one,
    since reading the library is seconds of Python that the processes would otherwise wait
    for. The first failing reference raises its error."""
    from sanctionsim.scenario.loader import load_scenario, names_a_file

    if executor is None:
        scenarios = [load_scenario(reference) for reference in references]
    else:
        scenarios = list(executor.map(load_scenario, references))
    pairs = zip(references, scenarios, strict=True)
    return scenarios, {str(r): s for r, s in pairs if not names_a_file(r)}


def _model_forecasts(
    jobs: Sequence[ForecastJob], workers: int, stack: ExitStack, executor: Executor | None = None
) -> Iterator[CaseForecast]:
    """Each job's forecast, in order: computed here when asked for, or submitted now to
    ``executor``, else to a pool of ``workers`` processes that ``stack`` closes (a pool only
    when there are cases to share)."""
    if executor is None:
        executor = open_pool(min(workers, len(jobs)), stack)
    if executor is None:
        return (job() for job in jobs)
    futures = [executor.submit(job) for job in jobs]
    return (future.result() for future in futures)


def _scored(
    scenarios: Sequence[Scenario],
    pool: Sequence[TrainingCase],
    table: dict[str, dict[Any, float]] | None,
    forecasts: Path | None,
    modelled: Iterator[CaseForecast] | None,
    progress: Callable[[str], None] | None,
) -> list[CaseResult]:
    """Each case's forecast (from the file's ``table``, else the model's, in order) beside the
    references trained without its cluster."""
    results = []
    for scenario, training in zip(scenarios, pool[: len(scenarios)], strict=True):
        if table is not None and forecasts is not None:
            needed = [(p.event, p.horizon) for p in training.pairs if p.scored]
            forecast: CaseForecast = file_forecast(table, str(forecasts), scenario.id, needed)
        else:
            assert modelled is not None
            forecast = next(modelled)
        results.append(_case_result(scenario, training, forecast, pool))
        if progress is not None:
            progress(scenario.id)
    return results


def evaluate(
    scenarios: Sequence[Scenario],
    *,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    model: str = DEFAULT,
    forecasts: Path | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    progress: Callable[[str], None] | None = None,
    calibration: Calibration | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    library: Mapping[str, Scenario] | None = None,
    protocol: int = PROTOCOL_VERSION,
) -> HistoryEvaluation:
    """Forecast ``scenarios`` (by the model, or from a ``forecasts`` CSV file) and score them on
    the protocol's pairs beside the references, trained on the built-in library and the given
    cases, leaving out the forecast case's cluster. Model v2 forecasts each case with its fold's
    parameters in ``calibration`` (default: the shipped one), never refitted here. The model's
    forecasts of different cases run in ``workers`` processes; each case's forecast depends only
    on its own seeded streams, so the result is the same whatever ``workers``. An ``executor``
    (a pool the caller keeps, e.g. the one that read the cases) forecasts them instead, and
    ``library`` gives built-in cases already read, by id (:func:`load_cases`), not read again.
    ``protocol`` 2 scores the joiners from their joining days (docs/cases.md, "Protocol 2").

    Raises:
        InputError: bad sizes or horizons, an unknown model or protocol, a forecasts file that
            misses a pair, ``workers`` below 1.
    """
    from sanctionsim.errors import InputError

    check_protocol(protocol)
    if workers < 1:
        raise InputError.single("--workers", f"must be at least 1, got {workers}")
    horizons = tuple(sorted(set(horizons)))
    if not horizons or horizons[0] < 1 or horizons[-1] > 600:
        raise InputError.single("--horizons", "horizons must be whole months in 1..600")
    table = read_forecasts(forecasts) if forecasts is not None else None
    calibrated = model in VERSIONS and VERSIONS[model].calibrated  # else model_forecast says
    if calibrated and calibration is None and table is None:
        from sanctionsim.dynamics.calibration import load_calibration

        calibration = load_calibration(model=model)
    with ExitStack() as stack:
        modelled = None
        if table is None:  # started first: the references train while the workers forecast
            fitted = calibration if calibrated else None
            job = partial(_forecast_job, horizons=horizons, runs=runs, seed=seed, model=model,
                          calibration=fitted)  # fmt: skip
            per_case = [_case_jobs(s, protocol, job) for s in scenarios]
            jobs = [each for case_jobs, _ in per_case for each in case_jobs]
            modelled = _model_forecasts(jobs, workers, stack, executor)
            if protocol == 2:
                modelled = _merged(modelled, [days for _, days in per_case])
        pool = _training_pool(_with_library(scenarios, library), horizons, protocol)
        results = _scored(scenarios, pool, table, forecasts, modelled, progress)
    from_file = forecasts is not None
    return HistoryEvaluation(
        cases=tuple(results),
        forecaster=f"forecasts in {forecasts}" if from_file else f"model {model}",
        model_version=None if from_file else model,
        runs=None if from_file else runs,
        seed=seed,
        horizons=horizons,
        resamples=resamples,
        calibration_id=None
        if calibration is None or not calibrated or from_file
        else f"{calibration.source} sha256:{calibration.sha256}",
        protocol=protocol,
    )
