"""History command: ``sanctionsim history``, every built-in case forecast from its start, scored.

``sanctionsim history --json`` prints one document with the keys ``runs``, ``seed``,
``base_rate``, ``cases`` (each ``id``, ``start``, ``horizon``, ``events``: a list of ``event``,
``forecast``, ``recorded``, ``brier``; ``unscored``; ``brier``; ``brier_base_rate``),
``brier_mean`` and ``brier_base_rate`` (pooled over every scored event), and ``calibration``
(bins of ``low``, ``high``, ``count``, ``mean_forecast``, ``observed_frequency``). The same seed
gives the same document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sanctionsim.cli._common import input_errors_exit_2, print_json
from sanctionsim.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from sanctionsim.history.forecast import HistoryScore

DEFAULT_RUNS = 2048  # = sanctionsim.history.forecast.DEFAULT_RUNS (not imported: startup)
DEFAULT_SEED = 0


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("history")(history)


@input_errors_exit_2
def history(
    runs: Annotated[int, typer.Option(help="Monte Carlo runs per case.")] = DEFAULT_RUNS,
    seed: Annotated[int, typer.Option(help="Root seed of every random stream.")] = DEFAULT_SEED,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Forecast every historical case from its start date and score it (Brier, base rate)."""
    from sanctionsim.history.forecast import score_history
    from sanctionsim.scenario.library import case_ids
    from sanctionsim.scenario.loader import load_scenario

    if seed < 0:
        raise InputError.single("--seed", f"must be >= 0, got {seed}")
    if runs < 1:
        raise InputError.single("--runs", f"must be at least 1, got {runs}")
    scenarios = [load_scenario(case_id) for case_id in case_ids()]
    result = score_history(scenarios, runs=runs, seed=seed)
    if json:
        print_json(result.to_dict())
        return
    from rich.console import Console

    print_history(result, Console())


def print_history(result: HistoryScore, console: Console) -> None:
    """Per-event scores, per-case and overall means beside the base rate, and calibration."""
    from rich.table import Table

    events = Table(
        title=f"Forecasts from each case's start date: {result.runs:,} runs, seed {result.seed}",
        caption="Brier score: (forecast - recorded)^2; lower is better.",
    )
    for name, justify in [
        ("case", "left"),
        ("event", "left"),
        ("forecast", "right"),
        ("recorded", "right"),
        ("Brier", "right"),
    ]:
        events.add_column(name, justify=justify)  # type: ignore[arg-type]
    for case in result.cases:
        for e in case.events:
            events.add_row(case.id, e.event, f"{e.forecast:.3f}", str(e.recorded), f"{e.brier:.3f}")
    console.print(events)

    cases = Table(
        title="Brier score per case, beside the base-rate reference (1/3 for every event)"
    )
    for name in ("case", "start", "months", "events", "model", "base rate"):
        cases.add_column(name, justify="left" if name in ("case", "start") else "right")
    for case in result.cases:
        cases.add_row(
            case.id,
            case.start,
            str(case.horizon),
            str(len(case.events)),
            f"{case.brier:.3f}",
            f"{case.brier_base_rate:.3f}",
        )
    cases.add_row(
        "all events",
        "",
        "",
        str(sum(len(c.events) for c in result.cases)),
        f"{result.brier_mean:.3f}",
        f"{result.brier_base_rate:.3f}",
    )
    console.print(cases)

    calibration = Table(title="Calibration: forecasts in bins, what happened")
    for name in ("forecast bin", "events", "mean forecast", "observed frequency"):
        calibration.add_column(name, justify="right")
    for b in result.calibration:
        calibration.add_row(
            f"{b.low:.1f} - {b.high:.1f}",
            str(b.count),
            "-" if b.mean_forecast is None else f"{b.mean_forecast:.3f}",
            "-" if b.observed_frequency is None else f"{b.observed_frequency:.3f}",
        )
    console.print(calibration)
