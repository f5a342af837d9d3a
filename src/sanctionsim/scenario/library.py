"""The built-in case library: scenario files shipped inside the package.

>>> "dprk-2014" in case_ids()
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sanctionsim.tables import Row, TidyRecord

CASES_DIR = Path(__file__).parent / "cases"


def case_ids() -> list[str]:
    """Ids of the built-in cases, sorted."""
    return sorted(path.stem for path in CASES_DIR.glob("*.yaml"))


def case_path(case_id: str) -> Path | None:
    """The file of a built-in case, or None when there is no such case."""
    path = CASES_DIR / f"{case_id}.yaml"
    return path if case_id in case_ids() else None


COLUMNS = (
    "title",
    "start",
    "target",
    "coalition",
    "group",
    "episode_age_months",
    "cluster",
    "ended_by",
    "end",
    "record",
    "complete_through",
    "schema_version",
)
"""The columns of :class:`CaseList` after ``id``, in a reader's order."""


@dataclass(frozen=True, repr=False)
class CaseList(TidyRecord):
    """The built-in cases' metadata (the committed index: no case file is parsed), one entry per
    case: ``id, title, start, target, coalition, group, episode_age_months, cluster, ended_by,
    end, record, complete_through, schema_version`` (docs/cases.md)."""

    entries: tuple[dict[str, Any], ...]

    @property
    def ids(self) -> list[str]:
        """The cases' ids, sorted."""
        return [entry["id"] for entry in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def caption(self) -> str:
        """``61 built-in cases: argentina-1982, ..., zimbabwe-2002``."""
        ids = self.ids
        shown = ", ".join(ids if len(ids) <= 4 else [*ids[:2], "...", ids[-1]])
        return f"{len(ids)} built-in cases: {shown}"

    def tidy_rows(self) -> list[Row]:
        """One row per case (the coalition a list of actor ids)."""
        return [dict(entry) for entry in self.entries]


def case_list() -> CaseList:
    """Every built-in case's metadata, from the committed index (fast)."""
    from sanctionsim.history.case_index import read_index

    order = {name: i for i, name in enumerate(COLUMNS)}
    return CaseList(
        tuple(
            {"id": key, **dict(sorted(entry.items(), key=lambda kv: order.get(kv[0], len(order))))}
            for key, entry in sorted(read_index().items())
        )
    )
