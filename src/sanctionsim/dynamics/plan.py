"""Block arithmetic: how many runs go in a block, a chunk, and which blocks a chunk holds.

Runs are grouped in fixed blocks of :data:`BLOCK` runs, the unit of reproducibility: block ``b``
draws every random number it uses from its own streams (:mod:`sanctionsim.dynamics.streams`), so
results are identical whatever the number of blocks simulated together (the chunk). A chunk is a
whole number of blocks; the last block of a plan may be partial.

This module is light on purpose (the standard library only): the command line and the experiment
spec import it at start-up.

>>> [c.sizes for c in Plan(runs=2500, horizon=12, chunk_size=2048).chunks()]
[(1024, 1024), (452,)]
>>> [c.first_run for c in Plan(runs=2048, horizon=12, chunk_size=1024, first_run=4096).chunks()]
[4096, 5120]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sanctionsim.errors import ArgumentError

BLOCK = 1024
"""Runs per random-number block: the unit of reproducibility."""
DEFAULT_CHUNK = 16 * BLOCK
"""Runs simulated together by default (memory, never results)."""
MAX_HORIZON = 600
"""The longest horizon the engine simulates, in months."""


def check_horizon(horizon: int) -> None:
    """Refuse a horizon outside 1..:data:`MAX_HORIZON` months (an error naming ``horizon``)."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise ArgumentError.of("horizon", f"must lie in 1..{MAX_HORIZON} months, got {horizon}")


def is_chunk_size(chunk_size: int) -> bool:
    """Whether ``chunk_size`` is a positive multiple of :data:`BLOCK` runs."""
    return chunk_size >= BLOCK and chunk_size % BLOCK == 0


def check_chunk_size(chunk_size: int, name: str = "chunk_size") -> None:
    """Refuse a chunk size that is not a positive multiple of :data:`BLOCK` runs."""
    if not is_chunk_size(chunk_size):
        raise ArgumentError.of(
            name, f"must be a positive multiple of {BLOCK} runs, got {chunk_size}"
        )


def check_runs(runs: int) -> None:
    """Refuse fewer than one run (an error naming ``runs``)."""
    if runs < 1:
        raise ArgumentError.of("runs", f"must be at least 1, got {runs}")


def check_seed(seed: int) -> None:
    """Refuse a negative seed (``SeedSequence`` needs entropy >= 0)."""
    if seed < 0:
        raise ArgumentError.of("seed", f"must be >= 0, got {seed}")


def block_sizes(runs: int) -> list[int]:
    """The run count of each block of ``runs`` runs: full blocks, the last one maybe partial.

    >>> block_sizes(2100)
    [1024, 1024, 52]
    """
    return [min(BLOCK, runs - k * BLOCK) for k in range(-(-runs // BLOCK))]


@dataclass(frozen=True)
class ChunkSpec:
    """One chunk: consecutive blocks from ``first_block``, with each block's run count."""

    first_block: int
    sizes: tuple[int, ...]

    @property
    def blocks(self) -> list[int]:
        """The blocks' indices, in order."""
        return list(range(self.first_block, self.first_block + len(self.sizes)))

    @property
    def first_run(self) -> int:
        """The index of the chunk's first run."""
        return self.first_block * BLOCK

    @property
    def runs(self) -> int:
        """How many runs the chunk holds."""
        return sum(self.sizes)


@dataclass(frozen=True)
class Plan:
    """``runs`` runs of ``horizon`` months from run ``first_run``, in chunks of ``chunk_size``.

    ``first_run`` is a multiple of :data:`BLOCK` (an experiment's chunk task starts mid-cell).

    Raises:
        ArgumentError: ``runs < 1``, a horizon outside 1..600, a chunk size or first run that is
            not a multiple of :data:`BLOCK`.
    """

    runs: int
    horizon: int
    chunk_size: int = DEFAULT_CHUNK
    first_run: int = 0

    def __post_init__(self) -> None:
        check_runs(self.runs)
        check_horizon(self.horizon)
        check_chunk_size(self.chunk_size)
        if self.first_run < 0 or self.first_run % BLOCK:
            raise ArgumentError.of("first_run", f"must be a multiple of {BLOCK}")

    @classmethod
    def one_chunk(cls, runs: int, horizon: int, first_run: int = 0) -> Plan:
        """``runs`` runs simulated together in a single chunk (an experiment's chunk task)."""
        return cls(runs, horizon, chunk_size=-(-runs // BLOCK) * BLOCK, first_run=first_run)

    def chunks(self) -> Iterator[ChunkSpec]:
        """The chunks in run order; the last block may hold fewer than :data:`BLOCK` runs."""
        sizes = block_sizes(self.runs)
        per_chunk = self.chunk_size // BLOCK
        for start in range(0, len(sizes), per_chunk):
            yield ChunkSpec(
                self.first_run // BLOCK + start, tuple(sizes[start : start + per_chunk])
            )
