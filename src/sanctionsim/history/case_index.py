"""The case library's index: each built-in case's metadata, so listing cases parses no file.

``scenario/cases/index.json`` holds, per case, what ``sanctionsim cases`` shows and docs/cases.md
lists: title, start, target, coalition, the protocol's group, episode age, cluster, how the
episode ended and whether its record is complete or cut off. It is generated from the case files
(``python -m sanctionsim.history.case_index``) and committed; ``tests/history/test_case_index.py``
rebuilds it from the parsed files and checks that the two are equal, so it cannot go stale.

>>> entry = read_index()["dprk-2014"]
>>> entry["group"], entry["record"]
('io', 'cut off')
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sanctionsim.scenario.library import CASES_DIR

INDEX_PATH = CASES_DIR / "index.json"


def build_index() -> dict[str, dict[str, Any]]:
    """Every built-in case's metadata, read from the parsed files (slow: parses them all)."""
    from sanctionsim.history.protocol import case_facts, clusters
    from sanctionsim.scenario.library import case_ids
    from sanctionsim.scenario.loader import load_scenario

    scenarios = [load_scenario(case_id) for case_id in case_ids()]
    facts = [case_facts(s) for s in scenarios]
    labels = clusters(facts)
    index: dict[str, dict[str, Any]] = {}
    for scenario, fact, cluster in zip(scenarios, facts, labels, strict=True):
        outcome = scenario.recorded_outcome
        if outcome is None:
            record = "none"
        elif fact.covered_months is None:
            record = "complete"
        else:
            record = "cut off"
        index[scenario.id] = {
            "title": scenario.title,
            "start": scenario.start.isoformat(),
            "target": scenario.target.actor,
            "coalition": [a.id for a in scenario.members],
            "group": fact.group,
            "episode_age_months": round(fact.episode_age_months, 1),
            "cluster": cluster,
            "ended_by": fact.ended_by,
            "end": outcome.end.isoformat() if outcome else None,
            "record": record,
            "complete_through": fact.record_until.isoformat() if outcome else None,
            "schema_version": scenario.schema_version,
        }
    return index


def read_index() -> dict[str, dict[str, Any]]:
    """The committed index (fast: one small JSON file)."""
    data: dict[str, dict[str, Any]] = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    return data


def write_index(path: Path = INDEX_PATH) -> None:
    """Rebuild the index from the case files and write it."""
    from sanctionsim.files import write_text_atomically

    text = json.dumps(build_index(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_text_atomically(path, text)


TABLE_HEADER = (
    "| id | start | target | group | age | cluster | ended by | record | sheet |",
    "| --- | --- | --- | --- | ---: | ---: | --- | --- | --- |",
)


def library_table(index: dict[str, dict[str, Any]], sheets: set[str]) -> list[str]:
    """docs/cases.md's table of the library, a line per case; ``sheets``: cases with a page in
    docs/cases/ (the ten first encoded cite the project's case sheet instead).

    >>> index = {"x-1990": {"start": "1990-08-06", "target": "X", "group": "io",
    ...     "episode_age_months": 0.4, "cluster": 3, "ended_by": "force", "record": "complete"}}
    >>> library_table(index, set())[-1]
    '| `x-1990` | 1990-08-06 | X | io | 0 | 3 | force | complete | case sheet (`domain/cases.md`) |'
    """
    lines = list(TABLE_HEADER)
    for case_id, entry in sorted(index.items()):
        sheet = (
            f"[`cases/{case_id}.md`](cases/{case_id}.md)"
            if case_id in sheets
            else "case sheet (`domain/cases.md`)"
        )
        cells = [
            f"`{case_id}`",
            entry["start"],
            entry["target"],
            entry["group"],
            f"{entry['episode_age_months']:.0f}",
            str(entry["cluster"]),
            entry["ended_by"],
            entry["record"],
            sheet,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def write_library_table(docs: Path) -> None:
    """Replace docs/cases.md's library table with the index's (a maintainer's step, from a
    checkout, after ``write_index``)."""
    from sanctionsim.files import write_text_atomically

    cases_md = docs / "cases.md"
    lines = cases_md.read_text(encoding="utf-8").splitlines()
    first = lines.index(TABLE_HEADER[0])
    last = first
    while last + 1 < len(lines) and lines[last + 1].startswith("| `"):
        last += 1
    sheets = {page.stem for page in (docs / "cases").glob("*.md")}
    lines[first : last + 1] = library_table(read_index(), sheets)
    write_text_atomically(cases_md, "\n".join(lines) + "\n")


if __name__ == "__main__":
    write_index()
    checkout_docs = Path(__file__).resolve().parents[3] / "docs"
    if (checkout_docs / "cases.md").exists():
        write_library_table(checkout_docs)
