"""No look-ahead: every source cited by a field the forecast reads is dated on or before ``start``.

The forecast reads the scenario as it stood on ``start`` (``scenario.views.as_of``: later
measures, changes, deals, levers, trust changes and track-record outcomes are dropped), and of
that only the fields the registry says model v1 reads (``scenario/reading.py``). A read field is
cited by its own sources when it has them (an estimate's ``sources``, a level change's) and by
the ``sources`` of the record it belongs to (the measure, the actor, the target...). Each such
source must carry a ``date`` on or before ``start``.

No violation is allowed: the source work of 2026-12-01 fixed 105 of the 142 citations found when
this test was written (later sources moved to the changes they document, sources dated by start
added), and the re-encoding of the same day the last 37 (docs/cases.md rule 3: each case file
says, next to the change, what was re-encoded and why: a flagged estimate set from what was known
on start, a placement re-decided from facts dated by start, an option dated from when it existed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.reading import fields_read
from sanctionsim.scenario.schema import Estimate, Scenario
from sanctionsim.scenario.views import as_of
from support import case_label, every_case

READ = set(fields_read("v1"))
Violation = tuple[str, str, str, str]  # (case, path, source, its date or "undated")


def _label(item: BaseModel, index: int) -> str:
    for key in ("id", "actor"):
        value = getattr(item, key, None)
        if isinstance(value, str):
            return value
    return str(index)


def cited(model: BaseModel, path: str = "") -> Iterator[tuple[str, list[str]]]:
    """(where, source ids) for every citation of a field the forecast reads.

    A read quantity's own ``sources`` cite it; so do the ``sources`` of the nearest record that
    holds it (a measure, an actor, a level change), reported once per record."""
    own = getattr(model, "sources", None)
    listed = isinstance(own, list) and bool(own) and all(isinstance(s, str) for s in own)
    reads_here = False
    for name in type(model).model_fields:
        if name not in model.model_fields_set or name in ("recorded_outcome", "sources"):
            continue
        value = getattr(model, name)
        where = f"{path}.{name}" if path else name
        if _pattern(where) in READ:
            reads_here = True
            if isinstance(value, Estimate) and value.sources:
                yield f"{where}.sources", list(value.sources)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, BaseModel) and not isinstance(item, Estimate):
                label = f"{where}[{_label(item, index)}]" if isinstance(value, list) else where
                inner = list(cited(item, label))
                reads_here = reads_here or bool(inner) or _reads_inside(item, label)
                yield from inner
    if listed and reads_here and isinstance(own, list):
        yield f"{path}.sources", list(own)


def _reads_inside(model: BaseModel, path: str) -> bool:
    """Whether the forecast reads any field of ``model`` (a record without its own sources)."""
    return any(_pattern(f"{path}.{name}") in READ for name in model.model_fields_set)


def _pattern(path: str) -> str:
    return re.sub(r"\[[^\]]*\]", "[]", path)


def violations(case_id: str, scenario: Scenario | None = None) -> set[Violation]:
    scenario = scenario if scenario is not None else load_scenario(case_id)
    dates = {s.id: s.date for s in scenario.sources}
    view: Scenario = as_of(scenario, scenario.start)
    found: set[Violation] = set()
    for where, source_ids in cited(view):
        for source_id in source_ids:
            date = dates.get(source_id)
            if date is None or date > scenario.start:
                found.add((case_id, where, source_id, date.isoformat() if date else "undated"))
    return found


@pytest.mark.parametrize("case_id", every_case(), ids=case_label)
def test_sources_read_by_the_forecast_are_dated_by_start(case_id: str) -> None:
    assert sorted(violations(case_id)) == [], "look-ahead: cite a source dated by start"


def test_the_walk_finds_a_late_source() -> None:
    """The check itself can fail: a source dated after start on a read field is caught.

    Libya's OAU application of the air ban cited, until 2026-12-01, the OAU decision of June 1998
    that documents its later level change; put back on the record, the walk must report it."""
    scenario = load_scenario("libya-1992")
    dates = {s.id: s.date for s in scenario.sources}
    late_date = dates["oau-ahg-dec-127"]
    assert late_date is not None
    assert late_date > scenario.start + dt.timedelta(days=1)
    measures = [
        m.model_copy(update={"sources": [*m.sources, "oau-ahg-dec-127"]})
        if m.id == "oau-unsc-748"
        else m
        for m in scenario.measures
    ]
    late = scenario.model_copy(update={"measures": measures})
    where = ("measures[oau-unsc-748].sources", "oau-ahg-dec-127")
    assert where in {v[1:3] for v in violations("libya-1992", late)}
    assert where not in {v[1:3] for v in violations("libya-1992")}
