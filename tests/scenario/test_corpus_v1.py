"""The frozen corpus: every scenario file valid before schema version 2 stays valid, unchanged.

``corpus_v1/`` holds the built-in cases and the example scenario exactly as they stood when the
schema-version-2 forms were added (issue 13). Each must still load, and load to the very same
scenario: ``dumps.json`` keeps the SHA-256 of each file's ``model_dump_json()`` taken then, so a
schema change that altered the meaning (or the serialised form) of any version-1 field fails here.
The files are never edited; re-encodings of the built-in cases happen in the case library.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sanctionsim.scenario.loader import load_file, load_file_with_warnings

CORPUS = Path(__file__).parent / "corpus_v1"
FILES = sorted(CORPUS.glob("*.yaml"))
DUMPS: dict[str, str] = json.loads((CORPUS / "dumps.json").read_text(encoding="utf-8"))


def test_the_corpus_is_the_whole_frozen_set() -> None:
    assert sorted(DUMPS) == [path.name for path in FILES]
    assert len(FILES) == 11


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_each_version_1_file_loads_to_the_same_scenario(path: Path) -> None:
    scenario = load_file(path)
    assert scenario.schema_version == 1
    digest = hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()
    assert digest == DUMPS[path.name]


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_warnings_never_turn_a_version_1_file_into_an_error(path: Path) -> None:
    scenario, warnings = load_file_with_warnings(path)
    assert scenario.id
    assert all(str(warning).startswith(str(path)) for warning in warnings)
