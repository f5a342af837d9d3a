"""``sanctionsim analyze``: what game each member plays and what would keep it in."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import typer

from sanctionsim.cli._common import input_errors_exit_2, print_json
from sanctionsim.cli.scenario_commands import (
    AtOption,
    JsonOption,
    ScenarioArg,
    console,
    load,
    parse_date,
)
from sanctionsim.errors import InputError

if TYPE_CHECKING:
    from sanctionsim.game.coalition import CoalitionAnalysis


@input_errors_exit_2
def analyze(
    scenario: ScenarioArg,
    at: AtOption = None,
    pressure_share: Annotated[
        float,
        typer.Option(
            "--pressure-share",
            help="share of the members' easable pressure the leader's package must keep held",
        ),
    ] = 0.75,
    policy: Annotated[
        list[str] | None,
        typer.Option(
            "--policy", help="a built-in policy id or a policy YAML file, applied in order"
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Stage-game analysis per member: game type, dominant action, stabilising levers, delta*."""
    from sanctionsim.experiments.policies import apply_policy, load_policy
    from sanctionsim.game.coalition import analyze as run_analysis

    if not 0.0 <= pressure_share <= 1.0:
        raise InputError.single("--pressure-share", f"must lie in [0, 1], got {pressure_share}")
    loaded = load(scenario)
    for reference in policy or []:
        loaded = apply_policy(loaded, load_policy(reference))
    date = parse_date(at) if at else None
    result = run_analysis(loaded, date, pressure_share=pressure_share)
    if json_output:
        print_json(result.to_dict())
        return
    _print(result)


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "none"
    return f"{value:.{digits}f}"


def _print(result: CoalitionAnalysis) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    out.print(f"[bold]Stage-game analysis of {result.scenario_id} on {result.date}[/bold]")
    out.print("Payoffs in U per month at central values; actions: hold / ease.")
    table = Table(box=box.SIMPLE)
    for column in (
        "member",
        "game (member vs rest)",
        "Martin",
        "dominant",
        "gap T-R",
        "min payment",
        "min penalty",
        "delta*",
        "own delta",
    ):
        table.add_column(column)
    for m in result.members:
        table.add_row(
            f"{m.member} ({m.role})",
            m.game_type + (f" [{m.game_code}]" if m.game_code else ""),
            m.martin_type or "-",
            m.dominant_action or "none",
            _number(m.incentive_gap),
            _number(m.min_side_payment),
            _number(m.min_penalty),
            _number(m.critical_discount_factor),
            _number(m.discount_factor, 2),
        )
    out.print(table)
    equilibria = "; ".join("(" + ", ".join(p) + ")" for p in result.pure_equilibria) or "none"
    out.print(f"Pure equilibria of the full game: {equilibria}")
    package = ", ".join(result.package_members) or "nobody"
    out.print(
        f"Leader's least-cost package to keep {result.package_threshold:.3f} of pressure held: "
        f"pay {package}, total {_number(result.package_cost)} U/month ({result.package_reason})."
    )
    for m in result.members:
        reason = m.thresholds["levers_in_force"].reason
        out.print(f"{m.member}: grim trigger with the levers in force: {reason}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("analyze")(analyze)
