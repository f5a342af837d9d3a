"""Stored sensitivity samples, so that ``experiment --resume`` does not simulate them again.

Each sensitivity sample (one point of the design, ``runs_per_sample`` runs) yields one number, the
metric's mean over its runs. The store keeps them in ``sensitivity-samples.json`` beside the
chunks, keyed by everything that decides the number (the point's index and input values, runs,
horizon, seed and metric); the store's manifest already ties the folder to one spec and version,
so a resumed run reuses a sample only when the same experiment asked for the same point. JSON
keeps a float's every bit (``repr`` round-trips), so a reused sample gives the same analysis to
the byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sanctionsim.files import write_text_atomically

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sanctionsim.experiments.runner import SampleTask

SAMPLES = "sensitivity-samples.json"
SAVE_EVERY = 64  # samples between saves while a run is under way (and once at its end)


def sample_key(task: SampleTask) -> str:
    """What decides a sample's value, as one string."""
    values = [[name, value] for name, value in task.values]
    return json.dumps([task.index, values, task.runs, task.horizon, task.seed, task.metric])


class SampleStore:
    """The sensitivity samples of one result store: read on resume, saved as they arrive."""

    def __init__(self, folder: Path, resume: bool) -> None:
        self.path = folder / SAMPLES
        self._values: dict[str, float] = {}
        self._unsaved = 0
        if resume and self.path.is_file():
            try:
                stored = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                stored = {}  # unreadable: recompute every sample
            if isinstance(stored, dict):
                self._values = {
                    k: float(v) for k, v in stored.items() if isinstance(v, (int, float))
                }

    def value(self, task: SampleTask) -> float | None:
        """The stored value of a sample, or None."""
        return self._values.get(sample_key(task))

    def missing(self, tasks: Sequence[SampleTask]) -> list[SampleTask]:
        """The samples not stored yet."""
        return [task for task in tasks if sample_key(task) not in self._values]

    def record(self, task: SampleTask, value: float) -> None:
        """Keep a new sample's value (saved every :data:`SAVE_EVERY` samples)."""
        self._values[sample_key(task)] = value
        self._unsaved += 1
        if self._unsaved >= SAVE_EVERY:
            self.save()

    def save(self) -> None:
        """Write every value kept so far (atomically)."""
        if self._unsaved or not self.path.exists():
            text = json.dumps(self._values, indent=0, sort_keys=True) + "\n"
            write_text_atomically(self.path, text)
        self._unsaved = 0
