"""Per-run, per-month results as Parquet, written chunk by chunk.

``DIR/runs/chunk-XXXXXXXXX.parquet`` holds the runs of one chunk (``XXXXXXXXX``: its first run),
one row per run and month, ordered by run then month. Columns: ``run``, ``month``,
``pressure`` (net of leakage), ``gross_pressure``, ``cohesion`` (gross pressure over the start's),
``conceded`` (by the end of the month), per member ``level_<ID>`` (hold fraction: 1 = the start
level, 0 = fully eased, above 1 = snapped back above it), ``belief_<ID>`` (probability that the
target is reliable) and ``payoff_<ID>``, and per side deal ``stage_<DEAL>`` (stages eased),
``delivered_<DEAL>`` and ``snapped_<DEAL>``. Values are float32 except counts and flags.

Each file is written to a temporary name in the same folder and renamed into place, so a reader
never sees half a file, and a chunk's arrays are released once written: memory stays at one chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sanctionsim.files import write_atomically

if TYPE_CHECKING:
    from sanctionsim.dynamics.kernel import Month


class ParquetStore:
    """Writes each chunk's months to ``folder/runs/`` (created on first use)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder) / "runs"
        self.files: list[Path] = []

    def write_chunk(
        self,
        first_run: int,
        months: Sequence[Month],
        member_ids: Sequence[str],
        deal_ids: Sequence[str],
    ) -> Path:
        """Write one chunk atomically; return the file's path."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        runs = months[0].net.shape[0]
        horizon = len(months)

        def column(values: list[np.ndarray], dtype: type) -> np.ndarray:
            # (months, runs) -> run-major rows
            return np.stack(values).T.reshape(-1).astype(dtype)

        data: dict[str, np.ndarray] = {
            "run": np.repeat(np.arange(first_run, first_run + runs, dtype=np.int64), horizon),
            "month": np.tile(np.arange(1, horizon + 1, dtype=np.int16), runs),
            "pressure": column([m.net for m in months], np.float32),
            "gross_pressure": column([m.gross for m in months], np.float32),
            "cohesion": column([m.cohesion for m in months], np.float32),
            "conceded": column([m.conceded for m in months], np.bool_),
        }
        for i, member in enumerate(member_ids):
            data[f"level_{member}"] = column([m.frac[:, i] for m in months], np.float32)
            data[f"belief_{member}"] = column([m.belief[:, i] for m in months], np.float32)
            data[f"payoff_{member}"] = column([m.payoff[:, i] for m in months], np.float32)
        for k, deal in enumerate(deal_ids):
            data[f"stage_{deal}"] = column([m.position[:, k] for m in months], np.int16)
            data[f"delivered_{deal}"] = column([m.delivered[:, k] for m in months], np.int16)
            data[f"snapped_{deal}"] = column([m.snapped[:, k] for m in months], np.bool_)
        table = pa.table(data)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"chunk-{first_run:09d}.parquet"
        write_atomically(path, lambda temporary: pq.write_table(table, temporary))
        self.files.append(path)
        return path
