"""Fixtures for the dynamics tests: the axelrod oracle, imported once per session.

``import axelrod`` takes about 20 s (it instantiates and classifies every strategy), so only the
oracle tests ask for it, through this session-scoped fixture.
"""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def axl() -> ModuleType:
    """The axelrod library, pinned to the version whose strategies ours reproduce."""
    import axelrod

    assert axelrod.__version__ == "4.13.1", "the oracle tests are written against axelrod 4.13.1"
    return axelrod
