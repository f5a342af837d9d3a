"""Dynamics commands: ``tournament`` and ``simulate``.

``sanctionsim simulate SCENARIO --json`` prints one document with the stable keys ``scenario``,
``start``, ``runs``, ``horizon``, ``seed``, ``block_size``, ``version``, ``members`` (id ->
strategy), ``deals``, ``metrics`` (``p_target_concedes``, ``p_member_eases`` per member,
``p_cascade``, ``p_deal_delivers``, ``p_deal_delivers_by_deal``, ``p_snap_back``,
``cohesion_final``, ``mean_payoff_per_month`` per member, each ``{"mean", "ci95": [low,
high]}``; ``months_to_concession`` quantiles) and ``curves`` (month by month). The same seed
gives byte-identical JSON whatever ``--chunk-size``. ``--csv`` prints the headline metrics as
a tidy table (``SimulationResult.tidy_rows``); ``--out DIR`` writes ``metrics`` and ``curves``
there as CSV and Parquet beside ``forecast.json`` and the per-run files.

``sanctionsim tournament --json`` prints one document with the stable keys ``turns``,
``repetitions``, ``seed``, ``scores`` (strategy -> mean payoff per turn against the others),
``ranking`` (best first) and ``matches`` (``a``, ``b``, ``score_a``, ``score_b``: total payoffs of
the first repetition of each pairing, self-play included).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sanctionsim.cli._common import (
    CSV_HELP,
    CalibrationOption,
    FoldRangeOption,
    ModelOption,
    input_errors_exit_2,
    one_format,
    prepare_output,
    print_csv,
    print_json,
)
from sanctionsim.dynamics.plan import DEFAULT_CHUNK, Plan
from sanctionsim.errors import InputError
from sanctionsim.versions import DEFAULT

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from contextlib import AbstractContextManager

    from rich.console import Console

    from sanctionsim.dynamics.calibration import Calibration
    from sanctionsim.dynamics.records import SimulationResult
    from sanctionsim.dynamics.tournament import TournamentResult
    from sanctionsim.scenario.schema import Scenario

DEFAULT_TURNS = 200
DEFAULT_REPETITIONS = 10
DEFAULT_SEED = 0
DEFAULT_RUNS = 10_000


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("tournament")(tournament)
    app.command("simulate")(simulate)


# simulate's longer options, declared apart so that the command reads as what it does
SimulateOutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help=(
            "Folder for per-run, per-month Parquet files, forecast.json, and the metrics "
            "and curves tables (CSV and Parquet)."
        ),
    ),
]
PolicyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--policy",
        metavar="P",
        help=(
            "A policy to apply first: a built-in id (relist-sst, advance-consultation, "
            "unilateral-only, snap-back, codify-unsc) or a policy YAML file; repeat to "
            "apply several in order."
        ),
        show_default=False,
    ),
]


@input_errors_exit_2
def simulate(
    scenario: Annotated[
        str, typer.Argument(help="a built-in case id (see `sanctionsim cases`) or a YAML file")
    ],
    runs: Annotated[int, typer.Option(help="Number of Monte Carlo runs.")] = DEFAULT_RUNS,
    horizon: Annotated[
        int | None,
        typer.Option(help="Months to simulate (1..600; default: the scenario's horizon)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Root seed of every random stream.")] = DEFAULT_SEED,
    out: SimulateOutOption = None,
    chunk_size: Annotated[
        int,
        typer.Option(
            "--chunk-size",
            help="Runs simulated together (a multiple of 1024); memory, not results.",
        ),
    ] = DEFAULT_CHUNK,
    policy: PolicyOption = None,
    model: ModelOption = DEFAULT,
    calibration: CalibrationOption = None,
    fold_range: FoldRangeOption = True,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv: Annotated[bool, typer.Option("--csv", help=CSV_HELP)] = False,
) -> None:
    """Monte Carlo forecast of a scenario from its start date (docs/model-dynamics.md).

    With ``--policy``, the policies are applied to the scenario in order before simulating;
    every random draw is keyed by the quantity it draws, so the same seed pairs each run with
    the same run of the baseline (common random numbers).
    """
    from sanctionsim.cli.machine import check_chunk, check_runs
    from sanctionsim.dynamics.calibration import calibration_for
    from sanctionsim.scenario.loader import load_scenario

    one_format(json, csv)
    if seed < 0:
        raise InputError.single("--seed", f"must be >= 0, got {seed}")
    Plan(runs, 1 if horizon is None else horizon, chunk_size)  # refuse bad sizes before any work
    check_runs(runs)
    chosen = calibration_for(model, calibration)
    if out is not None:
        prepare_output(out, "--out", folder=True)
    loaded = load_scenario(scenario)
    if policy:
        from sanctionsim.experiments.policies import apply_policy, load_policy

        for reference in policy:
            loaded = apply_policy(loaded, load_policy(reference))
    from sanctionsim.cli.scenario_commands import leaders, warn_if_before_measures

    warn_if_before_measures(loaded, loaded.start)
    check_chunk(min(chunk_size, runs), horizon or loaded.horizon_months)
    result = forecast(
        loaded,
        runs=runs,
        horizon=horizon,
        seed=seed,
        chunk_size=chunk_size,
        out=out,
        model=model,
        calibration=chosen,
        fold_range=fold_range,
    )
    if json:
        print_json(result.to_dict())
        return
    if csv:
        print_csv(result.tidy_rows())
        return
    from rich.console import Console

    print_forecast(result, Console(), leaders(loaded))


def forecast(
    scenario: Scenario,
    *,
    runs: int,
    horizon: int | None,
    seed: int,
    chunk_size: int = DEFAULT_CHUNK,
    out: Path | None = None,
    model: str = DEFAULT,
    calibration: Calibration | None = None,
    fold_range: bool = True,
) -> SimulationResult:
    """Simulate with a progress bar on stderr (only when stderr is a terminal); write ``out``
    (:func:`sanctionsim.api.run_forecast`)."""
    from sanctionsim.api import run_forecast
    from sanctionsim.dynamics.engine import planned_runs

    if out is not None:
        clear_earlier_run(out)
    with _progress(planned_runs(runs, model, calibration, fold_range)) as advance:
        return run_forecast(
            scenario,
            runs=runs,
            horizon=horizon,
            seed=seed,
            chunk_size=chunk_size,
            out=out,
            progress=advance,
            model=model,
            calibration=calibration,
            fold_range=fold_range,
        )


def clear_earlier_run(out: Path) -> None:
    """Remove what an earlier ``simulate --out`` wrote to ``out``: its ``forecast.json`` and
    its chunk files (``runs/chunk-<first run>.parquet``), so that the folder holds this run's
    results alone even when this run writes fewer chunks. Nothing else is touched."""
    import re

    (out / "forecast.json").unlink(missing_ok=True)
    runs = out / "runs"
    if runs.is_dir():
        for path in runs.iterdir():
            if re.fullmatch(r"chunk-[0-9]{9}\.parquet", path.name) and path.is_file():
                path.unlink()


def _progress(
    total: int, label: str = "simulating"
) -> AbstractContextManager[Callable[[int], None]]:
    """A transient Rich progress bar on stderr, or a no-op when stderr is not a terminal."""
    import contextlib
    import sys

    @contextlib.contextmanager
    def bar() -> Iterator[Callable[[int], None]]:
        if not sys.stderr.isatty():
            yield lambda done: None
            return
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task(label, total=total)
            yield lambda done: progress.advance(task, done)

    return bar()


def print_forecast(result: SimulationResult, console: Console, leaders: Sequence[str] = ()) -> None:
    """The forecast as a table (:mod:`sanctionsim.report.forecast_table`): each probability with
    its Monte Carlo error (and with model v2, under it, its range across the calibration's
    folds) and the model's track record on its kind of event, each quantity with the 5-95% band
    across runs; the track-record lines and what the error and the range mean below it."""
    from rich import box
    from rich.table import Table

    from sanctionsim.report.forecast_table import (
        BAND,
        MC_ERROR,
        MC_ERROR_NOTE,
        fold_note,
        forecast_rows,
        record_lines,
    )

    document = result.to_dict()
    rows = forecast_rows(document, leaders, result.model)
    note = fold_note(document)
    table = Table(
        title=(
            f"Forecast for {result.scenario_id} from {result.start}: {result.runs:,} runs, "
            f"{result.horizon} months, seed {result.seed}"
        ),
        box=box.SIMPLE_HEAD,
    )
    table.add_column("quantity", ratio=1, overflow="fold")
    # headers broken by hand, so that the table fits 80 columns without cutting a number; the
    # range across folds goes under the Monte Carlo error, each labelled (no room for a column)
    error = MC_ERROR.replace(" error", "\nerror") + ("\n/ across folds" if note else "")
    for header in ("estimate", error, BAND.replace(" of", "\nof")):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("track record\n(Brier, model\nvs reference)", justify="right", no_wrap=True)
    for row in rows:
        spread = f"{row.mc_error}\nacross folds:\n{row.folds}" if row.folds else row.mc_error
        table.add_row(row.label, row.estimate, spread, row.band or "-", row.record)
    console.print(table)
    console.print(MC_ERROR_NOTE, highlight=False)
    if note:
        console.print(note, highlight=False)
    for line in record_lines(rows):
        console.print(line, highlight=False)


@input_errors_exit_2
def tournament(
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            metavar="NAME",
            help="A strategy to enter (repeat the flag for several); default: all ten.",
            show_default=False,
        ),
    ] = None,
    turns: Annotated[int, typer.Option(help="Periods per match.")] = DEFAULT_TURNS,
    repetitions: Annotated[
        int, typer.Option(help="Times each pairing is played.")
    ] = DEFAULT_REPETITIONS,
    seed: Annotated[int, typer.Option(help="Root seed of every random stream.")] = DEFAULT_SEED,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv: Annotated[bool, typer.Option("--csv", help=CSV_HELP)] = False,
) -> None:
    """Round-robin tournament of repeated-game strategies (the two-member special case)."""
    from sanctionsim.dynamics.strategies import STRATEGIES
    from sanctionsim.dynamics.tournament import play_tournament

    one_format(json, csv)
    names = list(strategy) if strategy else list(STRATEGIES)
    _check_flags(names, sorted(STRATEGIES), turns, repetitions, seed)
    result = play_tournament(names, turns=turns, repetitions=repetitions, seed=seed)

    if json:
        print_json(
            {
                "turns": result.turns,
                "repetitions": result.repetitions,
                "seed": result.seed,
                "scores": dict(result.scores),
                "ranking": list(result.ranking),
                "matches": [
                    {"a": m.a, "b": m.b, "score_a": m.totals_a[0], "score_b": m.totals_b[0]}
                    for m in result.matches
                ],
            }
        )
        return
    if csv:
        print_csv(ranking_rows(result))
        return
    _print_table(result)


def ranking_rows(result: TournamentResult) -> list[dict[str, object]]:
    """The printed ranking as a table: ``rank, strategy, mean_score, median_score`` (payoff per
    turn against the other strategies), with the tournament's ``turns, repetitions, seed``."""
    return [
        {
            "rank": rank,
            "strategy": name,
            "mean_score": result.scores[name],
            "median_score": result.median_scores[name],
            "turns": result.turns,
            "repetitions": result.repetitions,
            "seed": result.seed,
        }
        for rank, name in enumerate(result.ranking, start=1)
    ]


def _check_flags(
    names: list[str], known: list[str], turns: int, repetitions: int, seed: int
) -> None:
    """Reject bad flags with messages that name the flag (the library would name its argument)."""
    for name in names:
        if name not in known:
            raise InputError.single(
                "--strategy", f"unknown strategy {name!r}; choose from {', '.join(known)}"
            )
        if names.count(name) > 1:
            raise InputError.single("--strategy", f"{name!r} is given twice")
    if len(names) < 2:
        raise InputError.single("--strategy", "a tournament needs at least two strategies")
    for flag, value in (("--turns", turns), ("--repetitions", repetitions)):
        if value < 1:
            raise InputError.single(flag, f"must be at least 1, got {value}")
    if seed < 0:
        raise InputError.single("--seed", f"must be >= 0, got {seed}")


def _print_table(result: TournamentResult) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=(
            f"Round robin: {result.turns} turns, {result.repetitions} repetitions, "
            f"seed {result.seed}"
        ),
        caption="Score: mean payoff per turn against the other strategies; ranked by median.",
    )
    table.add_column("Rank", justify="right")
    table.add_column("Strategy")
    table.add_column("Mean score", justify="right")
    table.add_column("Median score", justify="right")
    for rank, name in enumerate(result.ranking, start=1):
        table.add_row(
            str(rank), name, f"{result.scores[name]:.4f}", f"{result.median_scores[name]:.4f}"
        )
    Console().print(table)
