"""Typed errors that carry a location.

Library code raises these; only the command line turns them into exit statuses (2 for bad
input, see ``docs/cli.md``).

>>> err = InputError([Problem("Scenario.yaml", 3, 5, "measures[0].level", "must be <= 1")])
>>> str(err)
'Scenario.yaml:3:5: measures[0].level: must be <= 1'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class Problem:
    """One located problem in an input: file, 1-based line and column, dotted field path."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class SanctionsimError(Exception):
    """Base class of every error the package raises on purpose."""


class InputError(SanctionsimError):
    """Bad input (a file, a case id, a flag value): one or more located problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[Self], tuple[tuple[Problem, ...]]]:
        """Pickled with its problems, so that it crosses from a worker process intact."""
        return type(self), (self.problems,)

    @classmethod
    def single(
        cls,
        file: str,
        message: str,
        path: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> Self:
        """An error with one problem."""
        return cls([Problem(file, line, column, path, message)])


class ArgumentError(InputError, ValueError):
    """A bad argument of a library function, named as the function names it (``runs``).

    It is also a ``ValueError``, as Python's own functions raise for a bad value. The command
    line reports it under its flag (:meth:`as_flag`: ``runs`` -> ``--runs``).

    >>> str(ArgumentError.of("chunk_size", "must be a multiple of 1024"))
    'chunk_size: must be a multiple of 1024'
    >>> str(ArgumentError.of("chunk_size", "must be a multiple of 1024").as_flag())
    '--chunk-size: must be a multiple of 1024'
    """

    @classmethod
    def of(cls, argument: str, message: str) -> Self:
        """The error for one argument."""
        return cls.single(argument, message)

    def as_flag(self) -> InputError:
        """The same problems, each argument named as the command line's flag."""
        return InputError(
            dataclasses.replace(p, file="--" + p.file.replace("_", "-")) for p in self.problems
        )


class ScenarioError(InputError):
    """A scenario or policy file that cannot be read or does not validate."""


class GameFormatError(InputError):
    """A game file (Gambit ``.nfg``) that cannot be parsed."""


class SolverLimitError(SanctionsimError):
    """A solver hit its iteration cap or size limit instead of returning a wrong answer."""
