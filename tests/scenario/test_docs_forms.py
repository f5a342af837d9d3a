"""docs/scenario-format.md shows the reading registry as it is and quotes the example faithfully."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from sanctionsim.scenario.reading import INPUTS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")


def _safe(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def test_the_reading_table_is_the_registry() -> None:
    table = DOC.split("<!-- reading-table:start -->")[1].split("<!-- reading-table:end -->")[0]
    rows = re.findall(r"^\| `([^`]+)` \| (\d) \| ([^|]+) \| ([^|]+) \|$", table, re.M)
    documented = [(path, int(since), who.strip(), how.strip()) for path, since, who, how in rows]
    expected = [(use.pattern, use.since, ", ".join(use.read_by) or "no", use.how) for use in INPUTS]
    assert documented == expected


def _within(part: Any, whole: Any) -> bool:
    """Whether ``part`` is ``whole`` with some mapping keys left out (lists: each item found)."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            key in whole and _within(value, whole[key]) for key, value in part.items()
        )
    if isinstance(part, list):
        return isinstance(whole, list) and all(
            any(_within(item, candidate) for candidate in whole) for item in part
        )
    return bool(part == whole)


def test_every_version_2_example_is_an_excerpt_of_the_validated_example_file() -> None:
    section = DOC.split("## Version 2 forms")[1].split("## What each model version reads")[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert len(blocks) >= 10
    example = _safe((ROOT / "examples" / "forms-v2.yaml").read_text(encoding="utf-8"))
    for block in blocks:
        excerpt = _safe(block)
        assert _within(excerpt, example), block


def test_the_excerpt_check_can_fail() -> None:
    example = {"measures": [{"id": "a", "channel": "supply"}]}
    assert _within({"measures": [{"id": "a"}]}, example)
    assert not _within({"measures": [{"id": "a", "channel": "elite"}]}, example)
