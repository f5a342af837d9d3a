"""The experiment's result store: one Parquet file per (cell, chunk), a manifest, a DuckDB catalog.

Layout of ``DIR``::

    experiment.json                  the manifest: what the store holds (cells, sizes, seed)
    cells/cell-0003/chunk-000004096.parquet   runs 4096.. of cell 3, one row per run
    results.json                     the comparison (the command's JSON document)
    catalog.duckdb                   views ``runs``, ``cells`` and ``results`` over the files

**Crash safety.** A chunk is written to a temporary file in its folder, flushed to disk
(``fsync``), renamed into place (atomic on POSIX) and the folder is synced, so a chunk file is
either complete or absent. On ``--resume``, leftover temporary files are removed and every chunk
file is checked (readable Parquet footer, the expected row count and run numbers); a file that
fails is deleted and its chunk run again. The manifest is compared with the spec so that a
resumed store never mixes two experiments.

Columns of a chunk: ``cell`` (int32), ``scenario``, ``policy``, ``grid`` (strings), ``run``
(int64), ``conceded_month`` (int16, 0 = never), per member ``eased_month_<ID>`` (int16) and
``payoff_<ID>`` (float64, realised payoff per month), per side deal ``delivered_month_<DEAL>``
and ``snapped_month_<DEAL>`` (int16), and ``cohesion_final`` (float64).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sanctionsim.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

    from sanctionsim.dynamics.engine import RunOutcomes

MANIFEST = "experiment.json"
RESULTS = "results.json"
CATALOG = "catalog.duckdb"


def outcome_columns(
    outcomes: RunOutcomes, first_run: int, member_ids: Sequence[str], deal_ids: Sequence[str]
) -> dict[str, np.ndarray]:
    """One chunk's per-run outcomes as named columns (without the cell labels)."""
    runs = outcomes.conceded_month.shape[0]
    data: dict[str, np.ndarray] = {
        "run": np.arange(first_run, first_run + runs, dtype=np.int64),
        "conceded_month": outcomes.conceded_month.astype(np.int16),
    }
    for i, member in enumerate(member_ids):
        data[f"eased_month_{member}"] = outcomes.eased_month[:, i].astype(np.int16)
    for k, deal in enumerate(deal_ids):
        data[f"delivered_month_{deal}"] = outcomes.delivered_month[:, k].astype(np.int16)
        data[f"snapped_month_{deal}"] = outcomes.snapped_month[:, k].astype(np.int16)
    data["cohesion_final"] = outcomes.cohesion_final.astype(np.float64)
    for i, member in enumerate(member_ids):
        data[f"payoff_{member}"] = outcomes.payoff_mean[:, i].astype(np.float64)
    return data


def write_atomically(path: Path, write: Any) -> None:
    """Call ``write(temporary_path)``, fsync it, rename it to ``path``, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        write(temporary)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_text_atomically(path: Path, text: str) -> None:
    """Write a text file atomically (temporary file, fsync, rename)."""
    write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


class ResultStore:
    """Chunk files of an experiment under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def chunk_path(self, cell: int, first_run: int) -> Path:
        """Where chunk ``first_run`` of ``cell`` lives."""
        return self.folder / "cells" / f"cell-{cell:04d}" / f"chunk-{first_run:09d}.parquet"

    def write_chunk(self, cell: int, first_run: int, table: pa.Table) -> Path:
        """Write one chunk atomically."""
        import pyarrow.parquet as pq

        path = self.chunk_path(cell, first_run)
        write_atomically(path, lambda tmp: pq.write_table(table, tmp))
        return path

    def chunk_is_complete(self, cell: int, first_run: int, runs: int) -> bool:
        """True when the chunk file exists, reads, and holds exactly runs ``first_run..+runs``."""
        import pyarrow.parquet as pq

        path = self.chunk_path(cell, first_run)
        if not path.is_file():
            return False
        try:
            column = pq.read_table(path, columns=["run"]).column("run").to_numpy()
        except Exception:  # a torn or foreign file: any read error means "redo it"
            return False
        expected = np.arange(first_run, first_run + runs, dtype=np.int64)
        return column.shape == expected.shape and bool(np.array_equal(column, expected))

    def remove_temporaries(self) -> int:
        """Delete leftover temporary files of interrupted writes; return how many."""
        count = 0
        for path in self.folder.rglob(".*.tmp-*"):
            path.unlink(missing_ok=True)
            count += 1
        return count

    def prepare(self, manifest: dict[str, Any], resume: bool) -> None:
        """Create the store, or check that a resumed one holds the same experiment.

        Raises:
            InputError: the folder already holds an experiment and ``resume`` is false, or it
                holds a different experiment.
        """
        path = self.folder / MANIFEST
        if path.exists():
            if not resume:
                raise InputError.single(
                    "--out",
                    f"{self.folder} already holds an experiment; pass --resume to continue it "
                    "or choose another folder",
                )
            try:
                previous = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                previous = None
            if previous != manifest:
                raise InputError.single(
                    "--resume",
                    f"{self.folder} holds a different experiment (another spec, seed, size or "
                    "version); choose another --out",
                )
            self.remove_temporaries()
            return
        if resume and (self.folder / "cells").exists():
            raise InputError.single("--resume", f"{self.folder} has chunks but no manifest")
        text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        write_text_atomically(path, text)

    def read_cell(self, cell: int) -> pa.Table:
        """Every chunk of a cell, in run order."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        folder = self.folder / "cells" / f"cell-{cell:04d}"
        files = sorted(folder.glob("chunk-*.parquet"))
        return pa.concat_tables([pq.read_table(f) for f in files])

    def write_catalog(self, results: list[dict[str, Any]]) -> Path:
        """(Re)build ``catalog.duckdb``: views over the chunk files, and the results table."""
        import duckdb

        path = self.folder / CATALOG
        temporary = self.folder / f".{CATALOG}.tmp-{os.getpid()}"
        temporary.unlink(missing_ok=True)
        pattern = str((self.folder / "cells" / "*" / "chunk-*.parquet").resolve())
        manifest = str((self.folder / MANIFEST).resolve())
        connection = duckdb.connect(str(temporary))
        try:
            quoted = pattern.replace("'", "''")
            connection.execute(
                f"CREATE VIEW runs AS SELECT * FROM read_parquet('{quoted}', union_by_name = true)"
            )
            connection.execute(
                "CREATE TABLE cells AS SELECT * FROM (SELECT unnest(cells, recursive := true) "
                f"FROM read_json_auto('{manifest.replace(chr(39), chr(39) * 2)}'))"
            )
            connection.execute(
                "CREATE TABLE results (scenario VARCHAR, grid VARCHAR, policy VARCHAR, "
                "metric VARCHAR, mean DOUBLE, diff_vs_baseline DOUBLE, ci95_low DOUBLE, "
                "ci95_high DOUBLE)"
            )
            rows = [
                (
                    r["scenario"],
                    json.dumps(r["grid"], sort_keys=True),
                    r["policy"],
                    r["metric"],
                    r["mean"],
                    r["diff_vs_baseline"],
                    r["ci95"][0],
                    r["ci95"][1],
                )
                for r in results
            ]
            if rows:
                connection.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        finally:
            connection.close()
        os.replace(temporary, path)
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f".{CATALOG}.tmp-{os.getpid()}.wal").unlink()
        return path
