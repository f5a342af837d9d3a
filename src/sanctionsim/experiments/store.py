"""The experiment's result store: one Parquet file per (cell, chunk), a manifest, a DuckDB catalog.

Layout of ``DIR``::

    experiment.json                  the manifest: what the store holds (cells, sizes, seed)
    cells/cell-0003/chunk-000004096.parquet   runs 4096.. of cell 3, one row per run
    results.json                     the comparison (the command's JSON document)
    results.csv, results.parquet     the comparison as a tidy table (one row per metric)
    catalog.duckdb                   views ``runs``, ``cells`` and ``results`` over the files

**Crash safety.** A chunk is written to a temporary file in its folder, flushed to disk
(``fsync``), renamed into place (atomic on POSIX) and the folder is synced, so a chunk file is
either complete or absent. Beside it, ``chunk-XXXXXXXXX.sha256`` (written the same way, after the
chunk) records the SHA-256 of the chunk's bytes and what the chunk holds: cell, scenario, policy,
grid, the scenario's hash, model version and calibration, first run and run count. On
``--resume``, the store's own leftover temporary files (and only those) are removed and every
chunk is verified in full: its record must match the manifest, its bytes the recorded hash,
and its rows the cell's labels and run numbers; a chunk that fails any check is run again,
never trusted. The manifest is compared with the spec so that a resumed store never mixes two
experiments.

**Safety of the folder.** ``--out`` must be a new or empty folder, or a store (it holds
``experiment.json``): a user's folder is never written into. A run holds an exclusive
``fcntl.flock`` on ``experiment.lock`` from before it checks the store until it ends, so a
second run into the same store is refused instead of racing the first.

Columns of a chunk: ``cell`` (int32), ``scenario``, ``policy``, ``grid`` (strings), ``run``
(int64), ``conceded_month`` (int16, 0 = never), per member ``eased_month_<ID>`` (int16) and
``payoff_<ID>`` (float64, realised payoff per month), per side deal ``delivered_month_<DEAL>``
and ``snapped_month_<DEAL>`` (int16), and ``cohesion_final`` (float64).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sanctionsim.errors import ArgumentError
from sanctionsim.files import write_atomically, write_text_atomically

if TYPE_CHECKING:
    import pyarrow as pa

    from sanctionsim.dynamics.records import RunOutcomes

MANIFEST = "experiment.json"
RESULTS = "results.json"
CATALOG = "catalog.duckdb"
LOCK = "experiment.lock"
# The temporary names of write_atomically (``.NAME.tmp-PID``) for the store's own files: the
# only names --resume may delete.
_OWN_TEMPORARY = re.compile(
    r"\.(experiment\.json|results\.(json|csv|parquet)|run-info\.json|catalog\.duckdb"
    r"|sensitivity-samples\.json)"
    r"\.tmp-\d+(\.wal)?"
)
_OWN_CHUNK_TEMPORARY = re.compile(r"\.chunk-\d{9}\.(parquet|sha256)\.tmp-\d+")
_CELL_FOLDER = re.compile(r"cell-\d{4}")


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
    if outcomes.eased_chance is not None:  # model v2: each member's smooth chance at the horizon
        for i, member in enumerate(member_ids):
            data[f"chance_{member}"] = outcomes.eased_chance[:, -1, i].astype(np.float64)
    return data


def outcomes_from_columns(
    columns: dict[str, np.ndarray], member_ids: Sequence[str], deal_ids: Sequence[str]
) -> RunOutcomes:
    """The per-run outcomes of stored columns (the inverse of :func:`outcome_columns`)."""
    from sanctionsim.dynamics.records import RunOutcomes

    def stacked(prefix: str, keys: Sequence[str], dtype: type) -> np.ndarray:
        runs = columns["conceded_month"].shape[0]
        if not keys:
            return np.zeros((runs, 0), dtype=dtype)
        return np.stack([columns[f"{prefix}{key}"] for key in keys], axis=1).astype(dtype)

    smooth = bool(member_ids) and f"chance_{member_ids[0]}" in columns
    return RunOutcomes(
        eased_chance=stacked("chance_", member_ids, np.float32)[:, None, :] if smooth else None,
        eased_month=stacked("eased_month_", member_ids, np.int16),
        conceded_month=columns["conceded_month"],
        delivered_month=stacked("delivered_month_", deal_ids, np.int16),
        snapped_month=stacked("snapped_month_", deal_ids, np.int16),
        cohesion_final=columns["cohesion_final"],
        payoff_mean=stacked("payoff_", member_ids, np.float64),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ResultStore:
    """Chunk files of an experiment under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._manifest: dict[str, Any] = {}
        self._lock: Any = None

    def chunk_path(self, cell: int, first_run: int) -> Path:
        """Where chunk ``first_run`` of ``cell`` lives."""
        return self.folder / "cells" / f"cell-{cell:04d}" / f"chunk-{first_run:09d}.parquet"

    def write_chunk(
        self, cell: int, first_run: int, table: pa.Table, identity: dict[str, Any]
    ) -> Path:
        """Write one chunk atomically, then its record: ``identity`` and the bytes' SHA-256."""
        import pyarrow.parquet as pq

        path = self.chunk_path(cell, first_run)
        digest: list[str] = []

        def write(temporary: str) -> None:
            pq.write_table(table, temporary)
            digest.append(_sha256(Path(temporary)))

        write_atomically(path, write)
        record = {**identity, "sha256": digest[0]}
        write_text_atomically(path.with_suffix(".sha256"), json.dumps(record, sort_keys=True))
        return path

    def chunk_is_complete(self, cell: int, first_run: int, runs: int) -> bool:
        """True when the chunk is verified in full: it is what this store's manifest expects.

        Its record must match :meth:`chunk_identity`, its bytes the recorded SHA-256 (a flipped
        bit or a torn page anywhere fails), and its rows the cell's labels and run numbers.
        """
        import pyarrow.parquet as pq

        path = self.chunk_path(cell, first_run)
        expected = self.chunk_identity(cell, first_run, runs)
        try:
            record = json.loads(path.with_suffix(".sha256").read_text(encoding="utf-8"))
            if not isinstance(record, dict) or record.pop("sha256", None) != _sha256(path):
                return False
            if expected is None or record != expected:
                return False
            table = pq.read_table(path)
            labels = {
                "cell": expected["cell"],
                "scenario": expected["scenario"],
                "policy": expected["policy"],
                "grid": expected["grid"],
            }
            for name, value in labels.items():
                if set(table.column(name).to_pylist()) != {value}:
                    return False
            column = table.column("run").to_numpy()
        except Exception:  # a torn or foreign file, or no record: any failure means "redo it"
            return False
        run_numbers = np.arange(first_run, first_run + runs, dtype=np.int64)
        return column.shape == run_numbers.shape and bool(np.array_equal(column, run_numbers))

    def chunk_identity(self, cell: int, first_run: int, runs: int) -> dict[str, Any] | None:
        """What chunk ``first_run`` of ``cell`` must hold, from the manifest (None: no cell)."""
        manifest = self._manifest
        entry = next((c for c in manifest.get("cells", []) if c.get("cell") == cell), None)
        if entry is None:
            return None
        return {
            **entry,
            "model_version": manifest.get("model_version"),
            "calibration": manifest.get("calibration"),
            "first_run": first_run,
            "runs": runs,
        }

    def remove_temporaries(self) -> int:
        """Delete the store's own leftover temporary files; return how many.

        Only the names :func:`write_atomically` gives the store's files, in the store's own
        folders: a user's ``.notes.tmp-1`` anywhere is left alone.
        """
        count = 0
        folders = [(self.folder, _OWN_TEMPORARY)]
        cells = self.folder / "cells"
        if cells.is_dir():
            folders += [
                (cell, _OWN_CHUNK_TEMPORARY)
                for cell in cells.iterdir()
                if _CELL_FOLDER.fullmatch(cell.name) and cell.is_dir()
            ]
        for folder, pattern in folders:
            for path in folder.iterdir():
                if pattern.fullmatch(path.name) and path.is_file():
                    path.unlink(missing_ok=True)
                    count += 1
        return count

    def lock(self) -> None:
        """Take the store's lock for this process (released by :meth:`unlock` or at exit).

        Raises:
            InputError: another run holds the store.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.folder / LOCK, "a")  # noqa: SIM115 - held until unlock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise ArgumentError.of(
                "out",
                f"{self.folder} is in use by another run (it holds {LOCK}); wait for it to "
                "finish or choose another folder",
            ) from None
        self._lock = handle

    def unlock(self) -> None:
        """Release the store's lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def prepare(self, manifest: dict[str, Any], resume: bool) -> None:
        """Lock the store, then create it, or check that a resumed one holds the same experiment.

        The caller releases the lock with :meth:`unlock` when its run ends.

        Raises:
            InputError: the folder is not empty and holds no experiment; another run holds it;
                it already holds an experiment and ``resume`` is false; or it holds a
                different experiment.
        """
        self._refuse_a_foreign_folder()
        self.lock()
        try:
            self._prepare(manifest, resume)
        except BaseException:
            self.unlock()
            raise
        self._manifest = manifest

    def _refuse_a_foreign_folder(self) -> None:
        if not self.folder.is_dir() or (self.folder / MANIFEST).exists():
            return
        if any(entry.name != LOCK for entry in self.folder.iterdir()):
            raise ArgumentError.of(
                "out",
                f"{self.folder} is not empty and holds no experiment (no {MANIFEST}); "
                "refusing to write into it: choose a new or empty folder",
            )

    def _prepare(self, manifest: dict[str, Any], resume: bool) -> None:
        self._refuse_a_foreign_folder()  # again, now that no other run can change it
        path = self.folder / MANIFEST
        if path.exists():
            if not resume:
                raise ArgumentError.of(
                    "out",
                    f"{self.folder} already holds an experiment; resume it (--resume) to continue "
                    "or choose another folder",
                )
            try:
                previous = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                previous = None
            if previous != manifest:
                raise ArgumentError.of(
                    "resume",
                    f"{self.folder} holds a different experiment (another spec, seed, size or "
                    "version); choose another folder",
                )
            self.remove_temporaries()
            return
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


def tidy_comparison(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The comparison rows flattened: ``scenario``, one ``grid_<name>`` column per grid
    parameter, ``policy, metric, mean, mean_low, mean_high, diff_vs_baseline, ci95_low,
    ci95_high`` (``ci95``: of the paired difference for a policy, of the mean for the baseline).
    """
    return [
        {
            "scenario": row["scenario"],
            **{f"grid_{name}": value for name, value in row["grid"].items()},
            "policy": row["policy"],
            "metric": row["metric"],
            "mean": row["mean"],
            "mean_low": row["mean_ci95"][0],
            "mean_high": row["mean_ci95"][1],
            "diff_vs_baseline": row["diff_vs_baseline"],
            "ci95_low": row["ci95"][0],
            "ci95_high": row["ci95"][1],
        }
        for row in rows
    ]
