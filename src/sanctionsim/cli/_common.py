"""Helpers shared by every command: error reporting, JSON output, scenario resolution."""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer

from sanctionsim.errors import ArgumentError, InputError
from sanctionsim.versions import in_words

P = ParamSpec("P")
R = TypeVar("R")

EXIT_BAD_INPUT = 2

# The model's options, the same on every command that forecasts (docs/cli.md).
ModelOption = Annotated[
    str,
    typer.Option(help=f"Model version: {in_words()} (docs/model-v2.md)."),
]
CalibrationOption = Annotated[
    Path | None,
    typer.Option(help="The v2 family's calibration file (default: the version's shipped one)."),
]
FOLD_RANGE_HELP = (
    "Model v2: also simulate each distinct parameter set of the calibration's folds (paired, "
    "at most 2,048 runs a set) for each probability's range across folds; "
    "--no-fold-range skips that work."
)
FoldRangeOption = Annotated[
    bool, typer.Option("--fold-range/--no-fold-range", help=FOLD_RANGE_HELP)
]


def fail(error: InputError) -> NoReturn:
    """Print every located problem as ``error: ...`` on stderr and exit with status 2."""
    for problem in error.problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def input_errors_exit_2(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so that bad input becomes exit status 2, never a traceback.

    An ``OSError`` that names a file (a disk that fills up, a folder that vanishes mid-run) is
    a problem with that path, not with the program: it too exits 2, with the path and reason.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ArgumentError as error:  # a library argument, reported under its flag
            fail(error.as_flag())
        except InputError as error:
            fail(error)
        except OSError as error:
            if error.filename is None:
                raise
            fail(InputError.single(str(error.filename), error.strerror or str(error)))

    return wrapper


def prepare_output(path: Path, flag: str, *, folder: bool) -> None:
    """Refuse, before any work, an output ``flag`` cannot write: exit 2 naming path and reason.

    Nothing is created: a temporary file is created and removed in the nearest folder that
    exists on the way to ``path``, which is the one test that also holds for root, read-only
    mounts and ``/proc`` (permission bits alone do not tell). A command that fails later on its
    other inputs leaves no empty output folder behind.
    """
    where = path if folder else path.parent
    if path.exists() and path.is_dir() != folder:
        what = "a file, not a folder" if folder else "a folder; name a file"
        raise InputError.single(flag, f"{path} is {what}")
    existing = where
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError.single(flag, f"cannot write {path}: {existing} is a file, not a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=existing, prefix=".sanctionsim-probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError.single(flag, f"cannot write {path}: {reason}") from None


def print_json(document: Any) -> None:
    """Print one JSON document on stdout (and nothing else there)."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


CSV_HELP = "Print the table as CSV (a header, one row per observation) on stdout."


def one_format(json: bool, csv: bool) -> None:
    """Refuse ``--json`` with ``--csv`` (stdout holds one document), before any work."""
    if json and csv:
        raise InputError.single("--csv", "choose --json or --csv, not both")


def print_csv(rows: list[dict[str, Any]]) -> None:
    """Print a tidy table as CSV on stdout (and nothing else there): :mod:`sanctionsim.tables`."""
    from sanctionsim.tables import csv_text

    sys.stdout.write(csv_text(rows))
