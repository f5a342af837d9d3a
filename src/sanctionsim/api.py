"""The Python API: seven functions, re-exported lazily at the top level (``sanctionsim.simulate``).

A small façade in the manner of Nashpy's ``Game``: each function resolves its arguments (a case
id, a path or an object), checks them with errors that name the argument (``runs: must be at
least 1``), and hands over to the same library functions the command line calls. Results are
the library's frozen records (:class:`~sanctionsim.tables.TidyRecord`): a short ``repr``, a
notebook table, ``to_frame()`` for pandas, ``to_dict()`` for the JSON of the command line.

Nothing heavy is imported until a function is called. See ``docs/python.md``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanctionsim.errors import ArgumentError
from sanctionsim.versions import DEFAULT

if TYPE_CHECKING:
    from sanctionsim.dynamics.calibration import Calibration
    from sanctionsim.dynamics.records import SimulationResult
    from sanctionsim.experiments.policies import Policy
    from sanctionsim.experiments.runner import ExperimentResult
    from sanctionsim.game.coalition import CoalitionAnalysis
    from sanctionsim.history.evaluation import HistoryEvaluation
    from sanctionsim.scenario.library import CaseList
    from sanctionsim.scenario.schema import Scenario

    ScenarioLike = Scenario | str | Path
    PolicyLike = Policy | str | Path

__all__ = ["analyze", "apply_policy", "cases", "experiment", "history", "load", "simulate"]

DEFAULT_RUNS = 10_000
HISTORY_RUNS = 2048  # = sanctionsim.history.forecast.DEFAULT_RUNS
HISTORY_HORIZONS = (12, 36, 60, 120)


def load(case_or_path: str | Path) -> Scenario:
    """A scenario: a built-in case id (``"dprk-2014"``, see :func:`cases`) or a YAML file.

    Raises:
        ScenarioError: no such case or file, or a file that does not validate (every problem
            located ``FILE:LINE:COL: field: message``).
    """
    from sanctionsim.scenario.loader import load_scenario

    if not isinstance(case_or_path, str | Path):
        raise ArgumentError.of(
            "case_or_path", f"expected a case id or a path, got {type(case_or_path).__name__}"
        )
    return load_scenario(case_or_path)


def cases() -> CaseList:
    """The built-in cases: id, title, start, coalition, target, group, how each ended."""
    from sanctionsim.scenario.library import case_list

    return case_list()


def _scenario(value: ScenarioLike, argument: str = "scenario") -> Scenario:
    from sanctionsim.scenario.schema import Scenario

    if isinstance(value, Scenario):
        return value
    if isinstance(value, str | Path):
        return load(value)
    raise ArgumentError.of(
        argument, f"expected a Scenario, a case id or a path, got {type(value).__name__}"
    )


def _date(value: dt.date | str, argument: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ArgumentError.of(argument, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _warn_before_measures(scenario: Scenario, date: dt.date) -> None:
    from sanctionsim.scenario.views import before_measures

    warning = before_measures(scenario, date)
    if warning is not None:
        warnings.warn(warning, UserWarning, stacklevel=3)


def apply_policy(scenario: ScenarioLike, policy: PolicyLike | Sequence[PolicyLike]) -> Scenario:
    """The scenario with a policy's changes: a built-in policy id (``"snap-back"``), a policy
    YAML file or a :class:`~sanctionsim.experiments.policies.Policy`; a list applies several
    in order. The scenario is unchanged (records are immutable); the result's id names the
    policies applied.

    Raises:
        ScenarioError: an unknown policy, or one whose changes make the scenario invalid.
    """
    from sanctionsim.experiments.policies import Policy, load_policy
    from sanctionsim.experiments.policies import apply_policy as apply_one

    result = _scenario(scenario)
    policies = [policy] if isinstance(policy, str | Path | Policy) else list(policy)
    for item in policies:
        if not isinstance(item, str | Path | Policy):
            raise ArgumentError.of(
                "policy", f"expected a policy id, a path or a Policy, got {type(item).__name__}"
            )
        result = apply_one(result, item if isinstance(item, Policy) else load_policy(item))
    return result


def analyze(
    scenario: ScenarioLike,
    date: dt.date | str | None = None,
    *,
    pressure_share: float = 0.75,
    policy: PolicyLike | Sequence[PolicyLike] = (),
    model: str = "v1",
) -> CoalitionAnalysis:
    """The stage-game analysis of every member on ``date`` (default: the scenario's start):
    its game against the rest of the coalition, dominant action, the side payment, penalty or
    patience that would keep it holding, and the leader's least-cost package keeping
    ``pressure_share`` of the members' pressure held (docs/model-games.md).

    ``model="v2"`` (or another version of the v2 family) reads the payoffs with model v2's
    accounting and adds each member's choice terms under that version (docs/model-v2.md). The
    default stays ``"v1"``: the stage game of docs/model-games.md, which forecasts nothing (the
    forecasting functions play :data:`sanctionsim.versions.DEFAULT`, v2n).

    Warns (``UserWarning``) when ``date`` precedes every measure or the episode.
    """
    from sanctionsim.game.coalition import analyze as run_analysis

    _check_model(model, None)
    if not 0.0 <= pressure_share <= 1.0:
        raise ArgumentError.of("pressure_share", f"must lie in [0, 1], got {pressure_share}")
    loaded = apply_policy(scenario, policy) if policy else _scenario(scenario)
    day = None if date is None else _date(date, "date")
    _warn_before_measures(loaded, day or loaded.start)
    return run_analysis(loaded, day, pressure_share=pressure_share, model=model)


def _check_model(model: str, calibration: Any) -> Calibration | None:
    """Check ``model``; read ``calibration`` (a file's path or a ``Calibration``) for v2."""
    from sanctionsim.dynamics.calibration import calibration_for

    return calibration_for(model, calibration)


def run_forecast(
    scenario: Scenario,
    *,
    runs: int,
    horizon: int | None,
    seed: int,
    model: str = DEFAULT,
    calibration: Any = None,
    chunk_size: int | None = None,
    out: Path | None = None,
    progress: Callable[[int], None] | None = None,
    fold_range: bool = True,
) -> SimulationResult:
    """Simulate ``scenario`` and, with ``out``, write its results there: per-run Parquet files
    (``runs/``), ``forecast.json``, and the tidy tables ``metrics`` (the headline) and
    ``curves`` (month by month), each as CSV and Parquet. The command line's ``simulate``
    runs through here too. ``calibration`` (None: the model's default) is handed to the engine
    as it is, for the model versions that read one; so is ``fold_range`` (model v2: the
    probabilities' range across the calibration's folds, :mod:`sanctionsim.dynamics.folds`)."""
    import json

    from sanctionsim.dynamics.engine import simulate as run_engine
    from sanctionsim.dynamics.plan import DEFAULT_CHUNK
    from sanctionsim.dynamics.store import ParquetStore
    from sanctionsim.files import write_text_atomically
    from sanctionsim.tables import write_table

    result = run_engine(
        scenario,
        runs=runs,
        horizon=horizon,
        seed=seed,
        chunk_size=DEFAULT_CHUNK if chunk_size is None else chunk_size,
        store=ParquetStore(out) if out is not None else None,
        progress=progress,
        model=model,
        fold_range=fold_range,
        **({} if calibration is None else {"calibration": calibration}),
    )
    if out is not None:
        text = json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n"
        write_text_atomically(out / "forecast.json", text)
        write_table(result.tidy_rows(), out, "metrics")
        write_table(result.curves.to_rows(), out, "curves")
    return result


def simulate(
    scenario: ScenarioLike,
    *,
    runs: int = DEFAULT_RUNS,
    horizon: int | None = None,
    seed: int = 0,
    policy: PolicyLike | Sequence[PolicyLike] = (),
    model: str = DEFAULT,
    calibration: Any = None,
    at: dt.date | str | None = None,
    out: str | Path | None = None,
    fold_range: bool = True,
) -> SimulationResult:
    """A Monte Carlo forecast of ``runs`` runs over ``horizon`` months (default: the
    scenario's), from its start or from the date ``at`` (the scenario as it stood then: every
    later fact removed), after applying ``policy`` (see :func:`apply_policy`). The same seed
    gives the same result; a policy's runs are paired with the baseline's (common random
    numbers). ``out`` names a folder for the results (see :func:`run_forecast`).

    ``model`` is the model version (default ``"v2n"``, :data:`sanctionsim.versions.DEFAULT`;
    ``"v1"`` and every version of :data:`sanctionsim.versions.VERSIONS` by name,
    docs/model-v2.md); ``calibration`` is the v2 family's calibration file or record (default:
    the version's shipped one; v1 refuses one; a version that reads another's fit reads its).
    With model v2 and ``fold_range`` (the default), the forecast is simulated again at each
    distinct parameter set of the calibration's folds (same seed: paired runs; at most 2,048
    runs a set) and each probability carries its range across them (``result.fold_range``;
    ``fold_low``, ``fold_high`` in ``to_frame()``): the parameters' uncertainty from the fit,
    not the forecast's uncertainty as a whole. ``fold_range=False`` skips that work.

    Warns (``UserWarning``) when the forecast starts before every measure or the episode.

    Raises:
        ArgumentError: a bad ``runs``, ``horizon``, ``seed``, ``model``, ``calibration``,
            ``at``, ``fold_range`` (also a ``ValueError``).
    """
    from sanctionsim.dynamics.plan import Plan, check_seed

    chosen = _check_model(model, calibration)
    if not isinstance(fold_range, bool):
        raise ArgumentError.of("fold_range", f"must be True or False, got {fold_range!r}")
    check_seed(seed)
    Plan(runs, 1 if horizon is None else horizon)  # refuse bad sizes before loading anything
    loaded = apply_policy(scenario, policy) if policy else _scenario(scenario)
    if at is not None:
        from sanctionsim.scenario.views import forecast_from

        loaded = forecast_from(loaded, _date(at, "at"))
    _warn_before_measures(loaded, loaded.start)
    folder = None if out is None else Path(out)
    if folder is not None and folder.exists() and not folder.is_dir():
        raise ArgumentError.of("out", f"{folder} is a file, not a folder")
    return run_forecast(
        loaded,
        runs=runs,
        horizon=horizon,
        seed=seed,
        model=model,
        calibration=chosen,
        out=folder,
        fold_range=fold_range,
    )


def _horizons(horizons: int | Sequence[int]) -> list[int]:
    values = [horizons] if isinstance(horizons, int) else list(horizons)
    if not values or any(not isinstance(h, int) or not 1 <= h <= 600 for h in values):
        raise ArgumentError.of(
            "horizons", f"each horizon must be whole months in 1..600, got {horizons!r}"
        )
    return sorted(set(values))


def history(
    cases_or_paths: Sequence[ScenarioLike] | ScenarioLike | None = None,
    *,
    horizons: int | Sequence[int] = HISTORY_HORIZONS,
    model: str = DEFAULT,
    runs: int = HISTORY_RUNS,
    seed: int = 0,
    forecasts: str | Path | None = None,
    calibration: Any = None,
    protocol: int = 1,
) -> HistoryEvaluation:
    """Forecast cases (default: every built-in case) from their start dates and score them out
    of sample against the outcome-blind references, on the protocol's pairs (docs/cases.md;
    ``protocol`` 2 also scores each joiner from its own first measure).
    ``forecasts`` scores another forecaster's CSV file (``case,event,horizon,forecast``)
    instead of the model. Model v2 forecasts each case with its fold's parameters in
    ``calibration`` (default: the shipped calibration).

    Also callable as ``sanctionsim.history(...)``: the subpackage of that name is callable.
    """
    from sanctionsim.dynamics.plan import check_runs, check_seed
    from sanctionsim.history.assemble import evaluate
    from sanctionsim.history.protocol import PROTOCOLS
    from sanctionsim.scenario.library import case_ids
    from sanctionsim.scenario.schema import Scenario

    months = _horizons(horizons)
    if protocol not in PROTOCOLS:
        raise ArgumentError.of("protocol", f"must be one of {PROTOCOLS}, got {protocol!r}")
    chosen = _check_model(model, calibration)
    check_runs(runs)
    check_seed(seed)
    if cases_or_paths is None:
        references: Sequence[ScenarioLike] = case_ids()
    elif isinstance(cases_or_paths, str | Path | Scenario):
        references = [cases_or_paths]
    else:
        references = list(cases_or_paths)
    scenarios = [_scenario(item, "cases_or_paths") for item in references]
    return evaluate(
        scenarios,
        horizons=months,
        runs=runs,
        seed=seed,
        model=model,
        forecasts=None if forecasts is None else Path(forecasts),
        calibration=chosen,
        protocol=protocol,
    )


def experiment(
    spec: str | Path,
    *,
    runs: int | None = None,
    out: str | Path | None = None,
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Callable[[int, int, int, int], None] | None = None,
    started: Callable[[int, int, int], None] | None = None,
) -> ExperimentResult:
    """Run an experiment spec (YAML, docs/experiments.md): every scenario x policy x grid point
    paired with its baseline on common random numbers, into the result store ``out`` (default:
    ``out/experiments/<spec name>``, as the command line). ``runs`` overrides the spec's;
    ``backend`` is ``"local"`` (``workers`` processes; 1 runs in this process) or ``"dask"``
    (a local cluster of ``workers``, or the running ``scheduler``). ``resume`` continues a
    store, running only its missing chunks. ``started`` and ``progress`` are called as in
    :func:`~sanctionsim.experiments.runner.run_experiment`.
    """
    from sanctionsim.experiments.runner import make_backend, run_experiment
    from sanctionsim.experiments.spec import load_spec

    path = Path(spec)
    loaded = load_spec(path)
    if runs is not None and runs < 1:
        raise ArgumentError.of("runs", f"must be at least 1, got {runs}")
    folder = Path(out) if out is not None else Path("out") / "experiments" / path.stem
    chosen = make_backend(backend, scheduler, workers)
    try:
        return run_experiment(
            loaded,
            base=path.resolve().parent,
            out=folder,
            backend=chosen,
            runs=runs,
            resume=resume,
            progress=progress,
            started=started,
            spec_name=path.name,
        )
    finally:
        chosen.close()
