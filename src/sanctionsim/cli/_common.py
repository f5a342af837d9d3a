"""Helpers shared by every command: error reporting, JSON output, scenario resolution."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer

from sanctionsim.errors import InputError

P = ParamSpec("P")
R = TypeVar("R")

EXIT_BAD_INPUT = 2


def fail(error: InputError) -> NoReturn:
    """Print every located problem as ``error: ...`` on stderr and exit with status 2."""
    for problem in error.problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def input_errors_exit_2(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so that bad input becomes exit status 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            fail(error)

    return wrapper


def print_json(document: Any) -> None:
    """Print one JSON document on stdout (and nothing else there)."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
