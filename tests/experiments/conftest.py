"""Helpers for the experiment tests: small specs and the command line as a real process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def write_spec(folder: Path, name: str = "spec.yaml", **fields: Any) -> Path:
    """A small experiment spec (two cells of dprk-2014, 6 months) with ``fields`` overriding."""
    spec: dict[str, Any] = {
        "scenarios": ["dprk-2014"],
        "policies": ["baseline", "relist-sst"],
        "runs": 2100,
        "horizon": 6,
        "seed": 3,
        "chunk_size": 1024,
    }
    spec.update(fields)
    path = folder / name
    path.write_text(json.dumps(spec, indent=2))  # JSON is YAML
    return path


def store_rows(folder: Path) -> Any:
    """Every stored run of an experiment, through its DuckDB catalog, in (cell, run) order."""
    import duckdb

    connection = duckdb.connect(str(folder / "catalog.duckdb"), read_only=True)
    try:
        return connection.execute("SELECT * FROM runs ORDER BY cell, run").fetchdf()
    finally:
        connection.close()


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    """A folder for specs and stores."""
    return tmp_path
