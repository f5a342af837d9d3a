"""The built-in case library: scenario files shipped inside the package.

>>> "dprk-2014" in case_ids()
True
"""

from __future__ import annotations

from pathlib import Path

CASES_DIR = Path(__file__).parent / "cases"


def case_ids() -> list[str]:
    """Ids of the built-in cases, sorted."""
    return sorted(path.stem for path in CASES_DIR.glob("*.yaml"))


def case_path(case_id: str) -> Path | None:
    """The file of a built-in case, or None when there is no such case."""
    path = CASES_DIR / f"{case_id}.yaml"
    return path if case_id in case_ids() else None
