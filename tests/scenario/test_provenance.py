"""Honesty rules for every built-in case: sourced facts, flagged estimates with ranges."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Estimate
from support import case_label, every_case


def explicit_numbers(model: BaseModel, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every field the file set explicitly, with its value (recursing into models and lists)."""
    for name in model.model_fields_set:
        value = getattr(model, name)
        yield from _walk(value, f"{path}.{name}" if path else name)


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Estimate):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from explicit_numbers(value, path)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    else:
        yield path, value


# Fields whose plain numbers are recorded facts carried by the dated record they belong to
# (a level change cites its own sources), or model settings rather than facts. A measure's
# `renewal_months` is a whole number of months the schema cannot attach sources to: the measure's
# own sources carry it (the act that set the term), as they carry its `level` (issue 13 part 1
# item 4, 2026-12-01: the first built-in cases to use it).
PLAIN_NUMBER_FIELDS = {
    "level",
    "to_level",
    "horizon_months",
    "schema_version",
    "lag_months",
    "renewal_months",
}


@pytest.mark.parametrize("case_id", every_case(), ids=case_label)
def test_every_number_is_sourced_or_a_flagged_estimate_with_a_range(case_id: str) -> None:
    scenario = load_scenario(case_id)
    offenders = []
    for path, value in explicit_numbers(scenario):
        leaf = path.rsplit(".", 1)[-1].split("[")[0]
        if isinstance(value, Estimate):
            if value.analyst_estimate:
                assert value.distribution is not None, path
            elif not value.sources:
                offenders.append(f"{path}: a number with neither sources nor the estimate flag")
        elif (
            isinstance(value, float | int)
            and not isinstance(value, bool)
            and leaf not in PLAIN_NUMBER_FIELDS
        ):
            offenders.append(f"{path}: plain number {value} without provenance")
    assert offenders == []


@pytest.mark.parametrize("case_id", every_case(), ids=case_label)
def test_every_fact_record_names_a_source(case_id: str) -> None:
    scenario = load_scenario(case_id)
    unsourced = [m.id for m in scenario.measures if not m.sources]
    unsourced += [f"timeline {e.date}" for e in scenario.timeline if not e.sources]
    unsourced += [a.id for a in scenario.target.track_record if not a.sources]
    unsourced += [lever.id for lever in scenario.levers if not lever.sources]
    unsourced += [d.id for d in scenario.side_deals if not d.sources]
    assert unsourced == []


def test_there_are_at_least_two_cases_of_different_shape() -> None:
    cases = [load_scenario(c) for c in case_ids()]
    assert len(cases) >= 2
    bases = {m.legal_basis.split(":")[0] for c in cases for m in c.measures}
    assert {"unsc", "regional", "unilateral"} <= bases
    assert any(not c.side_deals for c in cases)
