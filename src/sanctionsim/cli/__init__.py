"""The ``sanctionsim`` command line: a thin Typer layer over the library.

Each command group lives in its own module and registers itself here; commands import the
library lazily so that ``sanctionsim --help`` stays fast. Exit statuses (``docs/cli.md``):
0 success, 2 bad input (a located ``error: FILE:LINE:COL: field: message`` on stderr), 1 only
for a genuine internal fault.
"""

from __future__ import annotations

import typer

from sanctionsim.cli import (
    analysis_commands,
    calibrate_commands,
    dynamics_commands,
    experiment_commands,
    game_commands,
    history_commands,
    migrate_commands,
    report_commands,
    scenario_commands,
)

app = typer.Typer(
    name="sanctionsim",
    help="Model multilateral sanctions coalitions: scenarios, games, forecasts, policies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from sanctionsim import __version__

        typer.echo(f"sanctionsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """Model multilateral sanctions coalitions: scenarios, games, forecasts, policies."""


scenario_commands.register(app)
analysis_commands.register(app)
game_commands.register(app)
dynamics_commands.register(app)
report_commands.register(app)
history_commands.register(app)
calibrate_commands.register(app)
experiment_commands.register(app)
migrate_commands.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
