"""Shared fixtures for the game tests: the Gambit corpus in ../shared/data (optional)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT.parent / "shared" / "data" / "gambit-nfg"


def corpus_files() -> list[Path]:
    """Every .nfg file of the shared corpus (empty when the folder is absent)."""
    return sorted(CORPUS.glob("*.nfg")) if CORPUS.is_dir() else []


def corpus_params() -> list[Any]:
    """Corpus files as pytest params, or one skipped param explaining why."""
    files = corpus_files()
    if not files:
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(
                    reason=f"Gambit corpus not found at {CORPUS} (../shared/data is optional)"
                ),
            )
        ]
    return [pytest.param(f, id=f.name) for f in files]


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    """pygambit 16.7.0's answers for the corpus (expected.json)."""
    path = CORPUS / "expected.json"
    if not path.is_file():
        pytest.skip(f"{path} not found (../shared/data is optional)")
    data: dict[str, Any] = json.loads(path.read_text())
    return data
