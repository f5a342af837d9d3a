"""History command: ``sanctionsim history [CASE|FILE ...]``, forecasts scored out of sample.

Each case (default: every built-in case) is forecast from its ``start`` at each horizon and
scored on the pairs the evaluation protocol selects (docs/cases.md), beside four outcome-blind
references, with a case-cluster bootstrap for the model's skill. ``--forecasts FILE.csv`` scores
another forecaster's probabilities on the same pairs. ``--json`` prints the contract of
docs/cli.md; ``--csv`` prints every pair as one tidy table (``HistoryEvaluation.rows``), which
``--out DIR`` writes as ``pairs.csv`` and ``pairs.parquet``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanctionsim.cli._common import (
    CSV_HELP,
    CalibrationOption,
    ModelOption,
    input_errors_exit_2,
    one_format,
    print_csv,
    print_json,
)
from sanctionsim.errors import InputError
from sanctionsim.versions import DEFAULT

if TYPE_CHECKING:
    from rich.console import Console

    from sanctionsim.history.evaluation import HistoryEvaluation

DEFAULT_RUNS = 2048  # = sanctionsim.history.forecast.DEFAULT_RUNS (not imported: startup)
DEFAULT_SEED = 0
DEFAULT_HORIZONS = "12,36,60,120"
DEFAULT_PROTOCOL = 1  # = sanctionsim.history.protocol.PROTOCOL_VERSION (not imported: startup)


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("history")(history)


def parse_horizons(text: str) -> list[int]:
    """``12,36,60`` as whole months in 1..600, or an input error naming ``--horizons``."""
    try:
        horizons = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError.single(
            "--horizons", f"expected months like 12,36,60, got {text!r}"
        ) from None
    if not horizons or any(not 1 <= h <= 600 for h in horizons):
        raise InputError.single(
            "--horizons", f"each horizon must lie in 1..600 months, got {text!r}"
        )
    return sorted(set(horizons))


@input_errors_exit_2
def history(
    cases: Annotated[
        list[str] | None,
        typer.Argument(help="built-in case ids or scenario files (default: every built-in case)"),
    ] = None,
    runs: Annotated[int, typer.Option(help="Monte Carlo runs per case.")] = DEFAULT_RUNS,
    seed: Annotated[int, typer.Option(help="Root seed of every random stream.")] = DEFAULT_SEED,
    horizons: Annotated[
        str, typer.Option(help="Horizons in months, comma-separated.")
    ] = DEFAULT_HORIZONS,
    model: ModelOption = DEFAULT,
    calibration: CalibrationOption = None,
    forecasts: Annotated[
        Path | None,
        typer.Option(help="Score this CSV of probabilities (case,event,horizon,forecast) instead."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write every pair as one table (Parquet and CSV) here.")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv: Annotated[bool, typer.Option("--csv", help=CSV_HELP)] = False,
    workers: Annotated[
        int | None,
        typer.Option(help="Processes forecasting cases (the result is the same). Default: CPUs."),
    ] = None,
    protocol: Annotated[
        int,
        typer.Option(
            help="The evaluation protocol (docs/cases.md): 1, or 2 to score each joiner "
            "(a member with nothing to ease on start) from its own first measure."
        ),
    ] = DEFAULT_PROTOCOL,
) -> None:
    """Forecast cases from their start dates and score them against the references."""
    from sanctionsim.dynamics.calibration import calibration_for
    from sanctionsim.history.joiners import check_protocol
    from sanctionsim.scenario.library import case_ids

    one_format(json, csv)
    if seed < 0:
        raise InputError.single("--seed", f"must be >= 0, got {seed}")
    if runs < 1:
        raise InputError.single("--runs", f"must be at least 1, got {runs}")
    if workers is not None and workers < 1:
        raise InputError.single("--workers", f"must be at least 1, got {workers}")
    from sanctionsim.cli.machine import check_runs

    check_runs(runs)
    check_protocol(protocol)
    months = parse_horizons(horizons)
    chosen = calibration_for(model, calibration)
    result, document = _evaluate(
        cases or case_ids(),
        out=out,
        horizons=months,
        runs=runs,
        seed=seed,
        model=model,
        forecasts=forecasts,
        calibration=chosen,
        workers=(os.cpu_count() or 1) if workers is None else workers,
        protocol=protocol,
    )
    if out is not None:
        write_table(result, out)
    if json:
        print_json(document)
        return
    if csv:
        print_csv(result.rows())
        return
    from rich.console import Console

    print_history(result, document, Console())


def _evaluate(
    references: Sequence[str],
    *,
    out: Path | None,
    forecasts: Path | None,
    workers: int,
    **options: Any,
) -> tuple[HistoryEvaluation, dict[str, Any]]:
    """Read the cases, check ``--out``, evaluate them and make the JSON document: in one pool of
    ``workers`` processes, opened first so that its processes also read the cases, then
    forecast them, then compute the document's longest intervals (no pool for a forecasts
    file, where reading is all there is to share)."""
    from contextlib import ExitStack

    from sanctionsim.cli.dynamics_commands import _progress
    from sanctionsim.history.assemble import evaluate, load_cases, open_pool

    with ExitStack() as stack:
        wanted = min(workers, len(references)) if forecasts is None else 1
        executor = open_pool(wanted, stack)
        scenarios, library = load_cases(references, executor)
        if out is not None and out.exists() and not out.is_dir():
            raise InputError.single(str(out), "--out must be a folder, and this is a file")
        with _progress(len(scenarios), "forecasting cases") as advance:
            result = evaluate(
                scenarios,
                forecasts=forecasts,
                progress=lambda _case: advance(1),
                workers=workers,
                executor=executor,
                library=library,
                **options,
            )
        return result, result.to_dict(executor)


def write_table(result: HistoryEvaluation, out: Path) -> None:
    """Every pair as ``pairs.parquet`` and ``pairs.csv`` in ``out`` (written atomically)."""
    from sanctionsim.tables import write_table as write_rows

    try:
        write_rows(result.rows(), out, "pairs")
    except OSError as error:
        raise InputError.single(str(out), f"cannot write the table: {error.strerror}") from None


def _num(value: Any, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_history(result: HistoryEvaluation, document: dict[str, Any], console: Console) -> None:
    """Per-case scores beside the references, the model's statistics and the skill sentence."""
    from rich.table import Table

    refs = list(document["references"])
    runs = f"{result.runs:,} runs, " if result.runs else ""
    joiners = " (each joiner's from its joining day)" if result.protocol == 2 else ""
    console.print(
        f"{result.forecaster}: forecasts from each case's start{joiners} ({runs}seed "
        f"{result.seed}, "
        f"horizons {', '.join(str(h) for h in result.horizons)} months, protocol "
        f"{document['protocol_version']})"
    )
    cases = Table(title="The cases: group, episode age on start, how the record ends")
    for name in ("case", "cluster", "group", "age (months)", "ended by", "pairs scored"):
        cases.add_column(name, justify="right" if name in ("cluster", "pairs scored") else "left")
    briers = Table(
        title="Mean Brier score over each case's scored pairs (lower is better)",
        caption="headline: mean over cases, then over clusters (an episode weighs as one)",
    )
    for name in ("case", "forecast", *(r.replace("_", " ") for r in refs)):
        briers.add_column(name, justify="left" if name == "case" else "right")
    for case in result.cases:
        row = next(c for c in document["cases"] if c["id"] == case.facts.id)
        cases.add_row(
            case.facts.id,
            str(case.cluster),
            case.facts.group,
            f"{case.facts.episode_age_months:.0f}",
            str(case.facts.ended_by or "no record"),
            str(case.n_scored),
        )
        ref_briers = []
        for r in refs:
            p, y = case.scored(r)
            ref_briers.append(_num(float(((p - y) ** 2).mean())) if p.size else "-")
        briers.add_row(case.facts.id, _num(row["brier"]), *ref_briers)
    model = document["model"]
    briers.add_row(
        "headline",
        _num(model["brier"] if model else None),
        *(_num(document["references"][r]["brier"]) for r in refs),
    )
    console.print(cases)
    console.print(briers)
    if model is None:
        console.print("Nothing to score: no case has a record covering these horizons.")
        return
    stats = Table(title="The forecaster's statistics (pooled scored pairs)")
    stats.add_column("statistic")
    stats.add_column("value", justify="right")
    calibration = model["calibration"]
    for name, value in (
        ("log score (lower is better)", _num(model["log_score"])),
        ("easing AUC (mean over horizons)", _num(model["auc_easing"])),
        ("easing AUC 95% interval", _interval(model["auc_easing_ci95"])),
        ("easing AUC within case and horizon", _num(model["auc_easing_within_case"])),
        ("  its 95% interval", _interval(model["auc_easing_within_case_ci95"])),
        (
            "  its comparisons (an easer against a holder)",
            str(model["easing_comparisons_within_case"]),
        ),
        ("C-index of easing times", _num(model["c_index"])),
        ("calibration-in-the-large", _num(calibration["in_the_large"])),
        ("calibration slope", _num(calibration["slope"])),
        ("calibration slope 95% interval", _interval(calibration["slope_ci95"])),
        ("sharpness (variance of forecasts)", _num(model["sharpness"])),
        *((f"Brier by kind: {k}", _num(v)) for k, v in model["by_kind"].items()),
    ):
        stats.add_row(name, value)
    console.print(stats)
    console.print(document["skill"]["sentence"])


def _interval(values: list[float] | None) -> str:
    return "-" if values is None else f"{values[0]:.3f} to {values[1]:.3f}"
