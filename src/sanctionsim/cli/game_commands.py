"""``sanctionsim game ...``: strategic-form games (Gambit ``.nfg``) and their equilibria.

The commands only parse flags, call the library and print; the library is imported inside
each command so that ``sanctionsim --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanctionsim.cli._common import CSV_HELP, input_errors_exit_2, one_format, print_csv, print_json

if TYPE_CHECKING:
    from sanctionsim.game.normal_form import Game

game_app = typer.Typer(
    name="game",
    help="Strategic-form games: read Gambit .nfg files and compute their equilibria.",
    no_args_is_help=True,
)


def _solve_document(game: Game) -> dict[str, Any]:
    """The stable JSON contract of ``game solve --json`` (see docs/cli.md)."""
    document: dict[str, Any] = {
        "title": game.title,
        "players": game.n_players,
        "shape": list(game.shape),
        "pure": [list(profile) for profile in game.pure_equilibria()],
    }
    if game.n_players == 2:
        floats = game.extreme_equilibria(rational=False)
        document["mixed"] = [[[float(p) for p in strategy] for strategy in eq] for eq in floats]
        if game.is_rational:
            exact = game.extreme_equilibria(rational=True)
            document["mixed_exact"] = [
                [[str(p) for p in strategy] for strategy in eq] for eq in exact
            ]
    return document


def solution_rows(game: Game, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The printed equilibria as a tidy table (``game solve --csv``): one row per equilibrium,
    player and strategy, ``game, kind, equilibrium, player, strategy, probability, exact``.

    ``kind`` is ``pure`` or ``mixed`` (the extreme equilibria of a two-player game),
    ``equilibrium`` its number within its kind (from 1, as the table numbers them), ``exact``
    the probability as a fraction for a game with rational payoffs (empty otherwise). Every
    strategy is listed, so each equilibrium's probabilities sum to 1 for each player.
    """
    rows: list[dict[str, Any]] = []

    def add(kind: str, number: int, floats: list[list[float]], exact: list[list[str]]) -> None:
        for i, strategy in enumerate(floats):
            for s, probability in enumerate(strategy):
                rows.append(
                    {
                        "game": game.title,
                        "kind": kind,
                        "equilibrium": number,
                        "player": game.players[i],
                        "strategy": game.strategies[i][s],
                        "probability": probability,
                        "exact": exact[i][s] if exact else None,
                    }
                )

    for number, profile in enumerate(document["pure"], start=1):
        chosen = [
            [1.0 if s == c else 0.0 for s in range(k)]
            for k, c in zip(game.shape, profile, strict=True)
        ]
        add("pure", number, chosen, [[str(int(p)) for p in strategy] for strategy in chosen])
    exact_mixed = document.get("mixed_exact")
    for number, floats in enumerate(document.get("mixed", []), start=1):
        add("mixed", number, floats, exact_mixed[number - 1] if exact_mixed else [])
    return rows


@game_app.command("solve")
@input_errors_exit_2
def solve(
    file: Annotated[Path, typer.Argument(help="A Gambit strategic-form game (.nfg).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help=CSV_HELP)] = False,
) -> None:
    """Every pure Nash equilibrium and, for two players, every extreme mixed equilibrium."""
    from sanctionsim.errors import SolverLimitError
    from sanctionsim.game.nfg import read_nfg

    one_format(as_json, as_csv)
    game = read_nfg(file)
    try:
        document = _solve_document(game)
    except SolverLimitError as error:
        typer.echo(f"error: {file}: {error}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        print_json(document)
        return
    if as_csv:
        print_csv(solution_rows(game, document))
        return
    _print_tables(game, document)


def _print_tables(game: Game, document: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    shape = " x ".join(str(k) for k in game.shape)
    console.print(
        f"[bold]{game.title or '(untitled game)'}[/bold]: {game.n_players} players, "
        f"{shape} strategies"
    )
    console.print("[bold]Pure Nash equilibria[/bold]")
    pure = Table()
    for player in game.players:
        pure.add_column(player)
    for profile in document["pure"]:
        pure.add_row(*(game.strategies[i][s] for i, s in enumerate(profile)))
    if not document["pure"]:
        pure.add_row(*(["(none)"] + [""] * (game.n_players - 1)))
    console.print(pure)
    if "mixed" in document:
        console.print("[bold]Extreme Nash equilibria (mixed)[/bold]")
        mixed = Table()
        mixed.add_column("#", justify="right")
        for player in game.players:
            mixed.add_column(player)
        rows = document.get("mixed_exact", document["mixed"])
        for k, eq in enumerate(rows, start=1):
            cells = []
            for i, strategy in enumerate(eq):
                cells.append(
                    ", ".join(
                        f"{game.strategies[i][s]}: {p if isinstance(p, str) else f'{p:.6g}'}"
                        for s, p in enumerate(strategy)
                        if (p != "0" if isinstance(p, str) else p != 0.0)
                    )
                )
            mixed.add_row(str(k), *cells)
        console.print(mixed)


@game_app.command("export")
@input_errors_exit_2
def export(
    scenario: Annotated[
        str, typer.Argument(help="a built-in case id (see `sanctionsim cases`) or a YAML file")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="the .nfg file to write")],
    at: Annotated[
        str | None, typer.Option("--at", help="the date to analyse, YYYY-MM-DD (default: start)")
    ] = None,
) -> None:
    """Write the scenario's coalition stage game (hold/ease per member) as a Gambit .nfg file."""
    from sanctionsim.cli.scenario_commands import load, parse_date
    from sanctionsim.files import write_text_atomically
    from sanctionsim.game.coalition import coalition_game
    from sanctionsim.game.nfg import write_nfg

    game = coalition_game(load(scenario), parse_date(at) if at else None)
    write_text_atomically(output, write_nfg(game))
    typer.echo(f"wrote {output}: {game.n_players} players, {game.n_profiles} profiles")


def register(app: typer.Typer) -> None:
    """Add the ``game`` command group to ``app``."""
    app.add_typer(game_app, name="game")
