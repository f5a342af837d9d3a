"""The ``calibrate`` command: fit model v2's λ and α, leaving one cluster out (docs/model-v2.md).

Refuses (exit 2): an unknown case or unreadable file, ``--runs``/``--final-runs`` below 1, a
negative seed, ``--out`` or ``--work`` that is not what it should be, a malformed
``--scheduler``, ``--omega`` outside (0, 1], a ``--model`` outside the v2 family, a ``--fix``
that is not ``NAME=VALUE`` with a parameter and value of the version's grid.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sanctionsim.cli._common import input_errors_exit_2, prepare_output, print_json
from sanctionsim.errors import InputError
from sanctionsim.versions import VERSIONS

if TYPE_CHECKING:
    from sanctionsim.dynamics.calibration import Calibration


def register(app: typer.Typer) -> None:
    """Add the ``calibrate`` command to ``app``."""
    app.command("calibrate")(calibrate)


BackendOption = Annotated[str, typer.Option(help="Where cases run: local (processes) or dask.")]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="Address of a running Dask scheduler, tcp://HOST:PORT (--backend dask)."),
]
FITTED = ", ".join(name for name, version in VERSIONS.items() if version.fits)
"""The versions ``calibrate`` fits (those reading a fit of their own)."""
WorkersOption = Annotated[int | None, typer.Option(help="Worker processes. Default: CPU count.")]


CasesArgument = Annotated[
    list[str] | None,
    typer.Argument(help="built-in case ids or scenario files (default: every built-in case)"),
]
OutOption = Annotated[
    Path | None,
    typer.Option(help="The calibration file to write [default: calibration-MODEL.json]."),
]
ModelOption = Annotated[str, typer.Option(help=f"The version fitted: {FITTED} (docs/model-v2.md).")]
RunsOption = Annotated[int, typer.Option(help="Runs per case and grid point while searching.")]
FinalRunsOption = Annotated[
    int, typer.Option(help="Runs per case at its fold's point, for the LOCO score.")
]
SeedOption = Annotated[int, typer.Option(help="Root seed of every random stream.")]
OmegaOption = Annotated[
    float, typer.Option(help="Monthly epoch rate outside renewal dates (fixed: 1/12).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the calibration as JSON.")]
FixOption = Annotated[
    list[str] | None,
    typer.Option(
        help="NAME=VALUE: fit on the grid's slice where the parameter holds the value (an "
        "ablation, e.g. leader_weight=1); repeatable."
    ),
]
WorkOption = Annotated[
    Path | None,
    typer.Option(
        help="The folder of each case's grid [default: OUT.work]; another fit's folder is "
        "reused where its parts match (an ablation costs only the LOCO runs)."
    ),
]


@input_errors_exit_2
def calibrate(
    cases: CasesArgument = None,
    out: OutOption = None,
    model: ModelOption = "v2",
    runs: RunsOption = 512,
    final_runs: FinalRunsOption = 2048,
    seed: SeedOption = 0,
    omega: OmegaOption = 1.0 / 12.0,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    json: JsonOption = False,
    fix: FixOption = None,
    work: WorkOption = None,
) -> None:
    """Fit a v2 version's λ and α on cases, leaving one cluster out; write the calibration file.

    Each case's grid is kept in OUT.work/ as it completes: a run after a kill reuses it.
    """
    from sanctionsim.cli.dynamics_commands import _progress
    from sanctionsim.cli.experiment_commands import check_scheduler_address
    from sanctionsim.experiments.backends import make_backend
    from sanctionsim.files import write_text_atomically
    from sanctionsim.history.calibrate import fit, run_grids, with_loco_score
    from sanctionsim.history.protocol import DEFAULT_HORIZONS
    from sanctionsim.scenario.library import case_ids
    from sanctionsim.scenario.loader import load_scenario

    _check_options(runs, final_runs, seed, omega, model)
    fixed = _fixed(fix or [], model)
    out = Path(f"calibration-{model}.json") if out is None else out
    if scheduler is not None:
        check_scheduler_address(scheduler)
    references = list(cases or case_ids())
    scenarios = [load_scenario(reference) for reference in references]
    references = [str(Path(r).resolve()) if Path(r).is_file() else r for r in references]
    prepare_output(out, "--out", folder=False)
    work = out.with_name(out.name + ".work") if work is None else work
    if work.exists() and not work.is_dir():
        raise InputError.single("--work", f"{work} is not a folder")
    chosen = make_backend(backend, scheduler, workers)
    try:
        with _progress(len(scenarios), "calibrating: cases x grid") as advance:
            grids, reused = run_grids(
                scenarios,
                references,
                work,
                runs=runs,
                seed=seed,
                horizons=DEFAULT_HORIZONS,
                omega=omega,
                map_unordered=chosen.map_unordered,
                progress=lambda _case: advance(1),
                model=model,
            )
    finally:
        chosen.close()
    details = {"search_runs": runs, "final_runs": final_runs, "seed": seed, "reused": reused}
    calibration = fit(
        scenarios,
        grids,
        horizons=DEFAULT_HORIZONS,
        omega=omega,
        details=details,
        model=model,
        fixed=fixed,
    )
    with _progress(len(scenarios), "scoring each case at its fold") as advance:
        calibration = with_loco_score(
            calibration, scenarios, runs=final_runs, seed=seed, progress=lambda: advance(1)
        )
    write_text_atomically(out, calibration.to_json())
    if json:
        print_json(calibration.to_dict())
        return
    print(_summary(calibration, len(scenarios), work, reused, out))


def _fixed(pairs: list[str], model: str) -> dict[str, float]:
    """``--fix NAME=VALUE`` options as ``{NAME: VALUE}``, checked against the version's grid
    before any work (exit 2)."""
    from sanctionsim.history.grids import grid_of, grid_slice

    fixed: dict[str, float] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")  # no "=": value "", which is no number
        try:
            fixed[name.strip()] = float(value)
        except ValueError:
            raise InputError.single(
                "--fix", f"must be NAME=VALUE with a number, got {pair!r}"
            ) from None
    if fixed:
        try:
            grid_slice(grid_of(model), fixed)
        except ValueError as error:
            raise InputError.single("--fix", str(error).removeprefix("fix: ")) from None
    return fixed


def _summary(calibration: Calibration, cases: int, work: Path, reused: int, out: Path) -> str:
    """What was fitted and how it scored, in three lines: every parameter the version fits, at
    whatever value (a ζ of 1 or a ρ of 0 is printed, though the record omits it), and any other
    away from what the versions that do not fit it hold."""
    from sanctionsim.dynamics.calibration import HELD_VALUES, SYMBOLS, fitted_by

    fitted = calibration.fitted
    loco = calibration.details["loco"]
    return (
        f"fitted on {cases} cases: lambda {fitted.slope:g}, alpha {fitted.backing_down:g}"
        + "".join(
            f", {symbol} {getattr(fitted, name):g}"
            for name, symbol in SYMBOLS.items()
            if name in fitted_by(calibration.model) or getattr(fitted, name) != HELD_VALUES[name]
        )
        + f" (cases reused from {work}: {reused})\n"
        f"leave-one-cluster-out Brier {loco['brier']:.3f}, log score "
        f"{loco['log_score']:.3f}; best reference {loco['best_reference']} "
        f"{loco['best_reference_brier']:.3f}\nwritten to {out}"
    )


def _check_options(runs: int, final_runs: int, seed: int, omega: float, model: str) -> None:
    """Refuse bad sizes, seed, epoch rate and model version before any work (exit 2)."""
    for name, value in (("--runs", runs), ("--final-runs", final_runs)):
        if value < 1:
            raise InputError.single(name, f"must be at least 1, got {value}")
    if seed < 0:
        raise InputError.single("--seed", f"must be >= 0, got {seed}")
    if not 0 < omega <= 1:
        raise InputError.single("--omega", f"must lie in (0, 1], got {omega}")
    if model not in VERSIONS or not VERSIONS[model].fits:
        fitted = ", ".join(name for name, version in VERSIONS.items() if version.fits)
        message = f"calibrate fits the v2 family ({fitted}), not {model!r}"
        if model in VERSIONS and VERSIONS[model].fit_of is not None:
            fit_of = VERSIONS[model].fit_of
            message += f": it reads {fit_of}'s fit and fits nothing (calibrate --model {fit_of})"
        raise InputError.single("--model", message)
