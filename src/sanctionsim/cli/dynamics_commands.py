"""Dynamics commands: ``tournament`` (``simulate`` and ``run`` join it here later).

``sanctionsim tournament --json`` prints one document with the stable keys ``turns``,
``repetitions``, ``seed``, ``scores`` (strategy -> mean payoff per turn against the others),
``ranking`` (best first) and ``matches`` (``a``, ``b``, ``score_a``, ``score_b``: total payoffs of
the first repetition of each pairing, self-play included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sanctionsim.cli._common import input_errors_exit_2, print_json
from sanctionsim.errors import InputError

if TYPE_CHECKING:
    from sanctionsim.dynamics.tournament import TournamentResult

DEFAULT_TURNS = 200
DEFAULT_REPETITIONS = 10
DEFAULT_SEED = 0


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("tournament")(tournament)


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
) -> None:
    """Round-robin tournament of repeated-game strategies (the two-member special case)."""
    from sanctionsim.dynamics.strategies import STRATEGIES
    from sanctionsim.dynamics.tournament import play_tournament

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
    _print_table(result)


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
