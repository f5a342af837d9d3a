"""What ``check`` warns about: valid files that probably do not say what the encoder meant.

:func:`sanctionsim.scenario.checks.scenario_warnings` gathers these with its own; ``check``
prints each as ``warning: FILE:LINE:COL: path: message`` on stderr and exits 0 (``--strict``: 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sanctionsim.scenario.months import span_months
from sanctionsim.scenario.reading import MODEL_VERSIONS, reads, unread_inputs
from sanctionsim.scenario.schema import Scenario
from sanctionsim.scenario.yaml_source import PathKey
from sanctionsim.versions import DEFAULT

Finding = tuple[PathKey, str]

WEB_CITATION = re.compile(
    r"https?://|www\.|\.(com|org|net|gov|int|info|io)\b|\bweb ?(site|page)\b|\bonline\b"
    r"|\baccessed\b|\bretrieved\b|\bblog\b|\bwikipedia\b",
    re.IGNORECASE,
)
"""A citation that names a web page (an address, a site, a blog, an encyclopaedia online)."""


def more_warnings(scenario: Scenario, model: str = DEFAULT) -> Iterator[Finding]:
    """The warnings of issue 13: horizon, idle members, unread inputs, web sources unlocated.

    Raises:
        ValueError: ``model`` is not a model version with a declared reading.
    """
    if model not in MODEL_VERSIONS:
        raise ValueError(f"unknown model version {model!r}; known: {', '.join(MODEL_VERSIONS)}")
    yield from _horizon(scenario)
    yield from _idle_members(scenario)
    for path, use in unread_inputs(scenario, model):
        yield path, f"model {model} does not read this field: {use.how}"
    if scenario.alliances is None and reads(model, "alliances"):
        yield (
            ("alliances",),
            (
                f"no `alliances` block: model {model} reads no sender as bound to the target by "
                "a defence treaty (`with_target: []` says none is; docs/scenario-format.md)"
            ),
        )
    yield from _web_sources(scenario)


def _horizon(scenario: Scenario) -> Iterator[Finding]:
    outcome = scenario.recorded_outcome
    if outcome is None or outcome.end <= scenario.start:
        return
    span = span_months(scenario.start, outcome.end)
    if scenario.horizon_months != span:
        yield (
            ("horizon_months",),
            (
                f"{scenario.horizon_months} months, but the recorded span from start "
                f"{scenario.start} to recorded_outcome.end {outcome.end} is {span} months"
            ),
        )


def _idle_members(scenario: Scenario) -> Iterator[Finding]:
    for index, actor in enumerate(scenario.actors):
        if actor.role not in ("leader", "member"):
            continue
        own = [m for m in scenario.measures if m.imposer == actor.id]
        path: PathKey = ("actors", index, "id")
        if own and all(m.imposed > scenario.start for m in own):
            first = min(m.imposed for m in own)
            yield (
                path,
                (
                    f"every measure of {actor.id} starts after start {scenario.start} (the first "
                    f"on {first}): it contributes nothing to the forecast"
                ),
            )
        elif not any(m.level_on(scenario.start) > 0 for m in own):
            yield (
                path,
                (
                    f"{actor.id} has no measure of its own in force on start {scenario.start}: "
                    "nothing to ease, so its easing is not scored"
                ),
            )


def _web_sources(scenario: Scenario) -> Iterator[Finding]:
    for index, source in enumerate(scenario.sources):
        if source.url is None and source.page is None and WEB_CITATION.search(source.citation):
            yield (
                ("sources", index, "citation"),
                (
                    f"source {source.id!r} looks like a web page but has no url "
                    "(or page, schema version 2)"
                ),
            )
