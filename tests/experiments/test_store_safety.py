"""The experiment store never loses a user's files, never trusts a chunk it cannot verify, and
never lets two runs write into it at once (issue 16, items 1, 3 and 4).

Each attack is made on a copy of one real store, then the real command line resumes it: the
result must equal an untouched run's, byte for byte.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from sanctionsim.dynamics.calibration import load_calibration
from sanctionsim.experiments.store import LOCK, MANIFEST
from sanctionsim.versions import DEFAULT
from support import run_sanctionsim as sanctionsim

from .conftest import store_rows, write_spec

CHUNKS = 6  # 2 cells x 3 chunks (2100 runs in chunks of 1024)


def _experiment(spec: Path, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return sanctionsim(
        "experiment",
        str(spec),
        "--out",
        str(out),
        "--workers",
        "1",
        "--json",
        *flags,
        cwd=spec.parent,
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(spec, store, stdout) of one uninterrupted run."""
    folder = tmp_path_factory.mktemp("clean")
    spec = write_spec(folder)
    store = folder / "store"
    result = _experiment(spec, store)
    assert result.returncode == 0, result.stderr
    return spec, store, result.stdout


def _copy(clean: tuple[Path, Path, str], tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(clean[1], copy)
    return copy


def _chunk(store: Path, cell: int, first: int = 0) -> Path:
    return store / "cells" / f"cell-{cell:04d}" / f"chunk-{first:09d}.parquet"


def _resume_redoes_one_chunk(clean: tuple[Path, Path, str], store: Path) -> None:
    spec, original, stdout = clean
    resumed = _experiment(spec, store, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    info = json.loads((store / "run-info.json").read_text())
    assert info["chunks_total"] == CHUNKS
    assert info["chunks_run"] == 1
    assert resumed.stdout == stdout
    assert store_rows(store).equals(store_rows(original))


# ------------------------------------------------------------------ item 1: the user's folder
def test_out_refuses_a_non_empty_folder_that_is_not_a_store(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, runs=1024)
    folder = tmp_path / "mine"
    (folder / "cells" / "cell-0000").mkdir(parents=True)
    mine = {
        folder / "results.json": b'{"my": "thesis results"}',
        folder / "catalog.duckdb": b"my database",
        folder / "cells" / "cell-0000" / "chunk-000000000.parquet": b"my file",
    }
    for path, content in mine.items():
        path.write_bytes(content)
    for flags in ((), ("--resume",)):
        result = _experiment(spec, folder, *flags)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("error: --out: "), result.stderr
        assert "not empty" in result.stderr
        assert MANIFEST in result.stderr
    for path, content in mine.items():
        assert path.read_bytes() == content
    assert sorted(p.name for p in folder.iterdir()) == ["catalog.duckdb", "cells", "results.json"]


def test_an_empty_existing_folder_is_used(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, runs=1024, policies=["baseline"])
    folder = tmp_path / "empty"
    folder.mkdir()
    result = _experiment(spec, folder)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["model_version"] == DEFAULT  # a spec naming no model plays the default
    assert manifest["calibration"]["calibration_sha256"] == load_calibration(model=DEFAULT).sha256


# ------------------------------------------------------------------ item 3: verify every chunk
def test_a_chunk_copied_from_another_cell_is_redone(
    clean: tuple[Path, Path, str], tmp_path: Path
) -> None:
    store = _copy(clean, tmp_path)
    for source in _chunk(store, 1).parent.glob("chunk-000000000.*"):
        shutil.copyfile(source, _chunk(store, 0).parent / source.name)  # with its record
    _resume_redoes_one_chunk(clean, store)


def _damage(store: Path, cell: int, first: int, where: Callable[[Any], int], bad: bytes) -> None:
    """XOR ``bad`` into a chunk at the offset ``where`` picks from its row group's metadata."""
    path = _chunk(store, cell, first)
    offset = where(pq.ParquetFile(path).metadata.row_group(0))
    data = bytearray(path.read_bytes())
    for i, byte in enumerate(bad):
        data[offset + i] ^= byte
    path.write_bytes(bytes(data))


def _payoff_values_end(metadata: Any) -> int:
    names = [metadata.column(i).path_in_schema for i in range(metadata.num_columns)]
    payoff = metadata.column(next(i for i, n in enumerate(names) if n.startswith("payoff_")))
    return int(payoff.data_page_offset + payoff.total_compressed_size)


def _last_column_start(metadata: Any) -> int:
    last = metadata.column(metadata.num_columns - 1)
    return int(last.dictionary_page_offset or last.data_page_offset)


def test_a_one_bit_flip_in_a_payoff_column_is_redone(
    clean: tuple[Path, Path, str], tmp_path: Path
) -> None:
    store = _copy(clean, tmp_path)
    # one bit inside the values, past the page header
    _damage(store, 1, 1024, lambda m: _payoff_values_end(m) - 9, b"\x04")
    _resume_redoes_one_chunk(clean, store)


def test_a_corrupted_page_header_is_redone_not_a_crash(
    clean: tuple[Path, Path, str], tmp_path: Path
) -> None:
    store = _copy(clean, tmp_path)
    _damage(store, 0, 1024, _last_column_start, b"\xa5" * 6)
    _resume_redoes_one_chunk(clean, store)


# ------------------------------------------------------------------ item 4: temporaries, lock
def test_resume_removes_only_the_store_own_temporary_files(
    clean: tuple[Path, Path, str], tmp_path: Path
) -> None:
    store = _copy(clean, tmp_path)
    (store / "notes").mkdir()
    users = [
        store / "notes" / ".draft.tmp-1",
        store / ".my-results.json.tmp-2",
        _chunk(store, 0).parent / ".chunk-notes.tmp-3",
    ]
    for path in users:
        path.write_text("the user's own")
    own = [
        _chunk(store, 0).parent / ".chunk-000099328.parquet.tmp-12345",
        store / ".results.json.tmp-777",
    ]
    for path in own:
        path.write_bytes(b"half a file")
    resumed = _experiment(clean[0], store, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout == clean[2]
    for path in users:
        assert path.read_text() == "the user's own", path
    for path in own:
        assert not path.exists(), path


def test_a_second_run_into_a_store_in_use_is_refused(
    clean: tuple[Path, Path, str], tmp_path: Path
) -> None:
    store = _copy(clean, tmp_path)
    with (store / LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another run holds the store
        for flags in (("--resume",), ()):
            refused = _experiment(clean[0], store, *flags)
            assert refused.returncode == 2, refused.stderr
            assert "Traceback" not in refused.stderr
            assert "in use by another run" in refused.stderr
    resumed = _experiment(clean[0], store, "--resume")  # once released, the store is usable
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout == clean[2]
