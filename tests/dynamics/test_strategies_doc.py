"""docs/strategies.md documents every registered strategy (its examples run as doctests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionsim.dynamics.strategies import STRATEGIES

DOC = Path(__file__).resolve().parents[2] / "docs" / "strategies.md"


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_every_strategy_has_a_row_in_the_reference(name: str) -> None:
    assert f"| `{name}` |" in DOC.read_text(encoding="utf-8")
