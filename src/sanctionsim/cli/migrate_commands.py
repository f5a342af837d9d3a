"""``sanctionsim migrate FILE... [-o OUT]``: upgrade scenario files to the newest schema version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sanctionsim.cli._common import input_errors_exit_2, prepare_output
from sanctionsim.errors import InputError


@input_errors_exit_2
def migrate(
    files: Annotated[list[Path], typer.Argument(help="scenario files to upgrade")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="write the upgraded file here (one FILE only)"),
    ] = None,
) -> None:
    """Upgrade scenario files to the newest schema_version, comments and layout kept.

    In place, the original is kept beside the file as FILE.v<old>.bak. Each file must be valid
    before it is migrated; what changed is printed.
    """
    if output is not None and len(files) != 1:
        raise InputError.single("-o", f"-o takes one FILE; {len(files)} were given")
    if output is not None:
        prepare_output(output, "-o", folder=False)
    failed = False
    for path in files:
        try:
            _migrate_one(path, output)
        except InputError as error:
            failed = True
            for problem in error.problems:
                typer.echo(f"error: {problem}", err=True)
    if failed:
        raise typer.Exit(2)


def _migrate_one(path: Path, output: Path | None) -> None:
    from sanctionsim.files import write_text_atomically
    from sanctionsim.scenario.loader import load_text
    from sanctionsim.scenario.migrate import migrate_text
    from sanctionsim.scenario.yaml_source import read_text

    name = str(path)
    text = read_text(path, name)
    before = load_text(text, name)
    result = migrate_text(text, name)
    if result.current:
        if output is not None:
            write_text_atomically(output, text)
        copied = f"; copied to {output}" if output is not None else ""
        typer.echo(f"already current: {path} (schema_version {result.old_version}){copied}")
        return
    after = load_text(result.text, str(output or path))
    if after != before.model_copy(update={"schema_version": result.new_version}):
        raise InputError.single(name, "the migrated file would not be the same scenario")
    if output is None:
        backup = _free_backup(path, result.old_version)
        backup.write_bytes(path.read_bytes())
        write_text_atomically(path, result.text)
        where = f"{path} (backup: {backup})"
    else:
        write_text_atomically(output, result.text)
        where = f"{path} -> {output}"
    typer.echo(f"migrated {where}")
    for change in result.changes:
        typer.echo(f"  {change}")


def _free_backup(path: Path, version: int) -> Path:
    """``FILE.v1.bak``, or ``FILE.v1.bak.2``, ... when earlier backups exist (never overwritten)."""
    backup = path.with_name(f"{path.name}.v{version}.bak")
    number = 2
    while backup.exists():
        backup = path.with_name(f"{path.name}.v{version}.bak.{number}")
        number += 1
    return backup


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("migrate")(migrate)
