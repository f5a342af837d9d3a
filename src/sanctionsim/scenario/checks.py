"""Checks that span fields: references, roles, date order, shares, sources.

The schema validates each field on its own; this module validates the scenario as a whole and
returns every problem it finds, each with the path of the offending field, so that the loader
can point at the line. A scenario built in code can be checked the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from sanctionsim.scenario.hints import did_you_mean
from sanctionsim.scenario.schema import Scenario, bounds
from sanctionsim.scenario.yaml_source import PathKey
from sanctionsim.versions import DEFAULT

Finding = tuple[PathKey, str]

COALITION_ROLES = ("leader", "member")
IMPOSER_ROLES = ("leader", "member", "institution", "third_party")
TRADE_SHARE_SLACK = 0.02  # recorded shares come from different sources and years
# Every date of a scenario lies in this range, so that a report can draw ten years before the
# start and the longest forecast (600 months) after it without leaving Python's calendar.
EARLIEST_DATE = dt.date(100, 1, 1)
LATEST_DATE = dt.date(9899, 12, 31)


def check_scenario(scenario: Scenario) -> list[Finding]:
    """Every cross-field problem of ``scenario`` (empty when it is consistent)."""
    from sanctionsim.scenario.checks_forms import check_forms

    return [
        *_actors(scenario),
        *_sources(scenario),
        *_measures(scenario),
        *_demand_and_issues(scenario),
        *_side_deals(scenario),
        *_levers(scenario),
        *_relations(scenario),
        *_target(scenario),
        *_timeline(scenario),
        *_recorded_outcome(scenario),
        *check_forms(scenario),
        *_calendar(scenario.model_dump(), ()),
    ]


def scenario_warnings(scenario: Scenario, model: str = DEFAULT) -> list[Finding]:
    """What is valid but probably not what the encoder meant (``check`` prints these, exit 0);
    ``model`` is the model version whose reading decides which fields go unread."""
    from sanctionsim.scenario.checks_warnings import more_warnings

    return [*_episode_warnings(scenario), *more_warnings(scenario, model)]


def _episode_warnings(scenario: Scenario) -> Iterator[Finding]:
    outcome = scenario.recorded_outcome
    if outcome is not None and outcome.ended_by is None:
        reading = (
            f"ended by concession on {outcome.conceded_on}"
            if outcome.target_conceded
            else f"ongoing, complete through {outcome.end}"
        )
        message = (
            f"no ended_by: scored as {reading} (docs/cases.md, protocol rule 2); give ended_by "
            "and complete_through"
        )
        yield ("recorded_outcome",), message


def _duplicates(ids: Iterable[str], path: PathKey, what: str) -> Iterator[Finding]:
    seen: Counter[str] = Counter()
    for index, item in enumerate(ids):
        seen[item] += 1
        if seen[item] == 2:
            yield (*path, index, "id"), f"duplicate {what} id {item!r}"


def _role_of(scenario: Scenario) -> dict[str, str]:
    return {actor.id: actor.role for actor in scenario.actors}


def _expect_actor(
    scenario: Scenario, actor_id: str, path: PathKey, roles: tuple[str, ...], what: str
) -> Iterator[Finding]:
    role = _role_of(scenario).get(actor_id)
    if role is None:
        known = ", ".join(a.id for a in scenario.actors)
        hint = did_you_mean(actor_id, (a.id for a in scenario.actors))
        yield path, f"{what} {actor_id!r} is not an actor (actors: {known}){hint}"
    elif role not in roles:
        yield path, f"{what} {actor_id!r} has role {role!r}; expected {' or '.join(roles)}"


def _actors(scenario: Scenario) -> Iterator[Finding]:
    yield from _duplicates((a.id for a in scenario.actors), ("actors",), "actor")
    roles = Counter(a.role for a in scenario.actors)
    if roles["target"] != 1:
        yield ("actors",), f"need exactly one actor with role 'target', found {roles['target']}"
    if roles["leader"] > 1:
        yield ("actors",), f"at most one leader, found {roles['leader']}"
    if roles["leader"] + roles["member"] < 1:
        yield ("actors",), "the coalition needs at least one leader or member"
    total = 0.0
    for index, actor in enumerate(scenario.actors):
        if actor.trade_share is not None:
            total += bounds(actor.trade_share)[0]
        if actor.payoffs is not None and actor.role not in COALITION_ROLES:
            yield (
                ("actors", index, "payoffs"),
                f"only a leader or member has payoffs ({actor.role})",
            )
        if actor.role in COALITION_ROLES and actor.payoffs is None:
            yield ("actors", index), f"{actor.role} {actor.id!r} needs a 'payoffs' block"
    if total > 1.0 + TRADE_SHARE_SLACK:
        yield ("actors",), f"trade shares add up to at least {total:.3f}, more than 1"


def _sources(scenario: Scenario) -> Iterator[Finding]:
    yield from _duplicates((s.id for s in scenario.sources), ("sources",), "source")
    known = {s.id for s in scenario.sources}
    for path, source_id in _source_references(scenario.model_dump(), ()):
        if source_id not in known:
            hint = did_you_mean(source_id, known)
            yield path, f"unknown source {source_id!r} (not in 'sources'){hint}"


def _source_references(data: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """Every ``sources: [...]`` reference anywhere in the scenario, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "sources" and path and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*path, key, index), item
            else:
                yield from _source_references(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _source_references(item, (*path, index))


def _calendar(data: Any, path: PathKey) -> Iterator[Finding]:
    """Every date outside :data:`EARLIEST_DATE` .. :data:`LATEST_DATE`, with its path."""
    if isinstance(data, dt.date) and not EARLIEST_DATE <= data <= LATEST_DATE:
        yield (
            path,
            (
                f"{data} is outside the dates a scenario may use, {EARLIEST_DATE} to {LATEST_DATE} "
                "(reports draw ten years before the start and up to 600 months after it)"
            ),
        )
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _calendar(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _calendar(item, (*path, index))


def _measures(scenario: Scenario) -> Iterator[Finding]:
    yield from _duplicates((m.id for m in scenario.measures), ("measures",), "measure")
    for index, measure in enumerate(scenario.measures):
        path: PathKey = ("measures", index)
        yield from _expect_actor(
            scenario, measure.imposer, (*path, "imposer"), IMPOSER_ROLES, "imposer"
        )
        if measure.lifted is not None and measure.lifted <= measure.imposed:
            yield (
                (*path, "lifted"),
                (f"lifted {measure.lifted} is not after imposed {measure.imposed}"),
            )
        previous = measure.imposed
        for number, change in enumerate(measure.changes):
            where = (*path, "changes", number, "date")
            if change.date <= previous:
                yield where, f"change on {change.date} is not after {previous}; keep date order"
            if measure.lifted is not None and change.date >= measure.lifted:
                yield where, f"change on {change.date} is after the lifting {measure.lifted}"
            previous = change.date


def _demand_and_issues(scenario: Scenario) -> Iterator[Finding]:
    for actor_id in scenario.demand.value_to:
        yield from _expect_actor(
            scenario, actor_id, ("demand", "value_to", actor_id), COALITION_ROLES, "actor"
        )
    yield from _duplicates((i.id for i in scenario.private_issues), ("private_issues",), "issue")
    for index, issue in enumerate(scenario.private_issues):
        yield from _expect_actor(
            scenario, issue.owner, ("private_issues", index, "owner"), COALITION_ROLES, "owner"
        )


def _side_deals(scenario: Scenario) -> Iterator[Finding]:
    yield from _duplicates((d.id for d in scenario.side_deals), ("side_deals",), "side deal")
    measures = {m.id: m for m in scenario.measures}
    issues = {i.id: i for i in scenario.private_issues}
    for index, deal in enumerate(scenario.side_deals):
        path: PathKey = ("side_deals", index)
        yield from _expect_actor(scenario, deal.member, (*path, "member"), ("member",), "member")
        yield from _expect_actor(scenario, deal.target, (*path, "target"), ("target",), "target")
        issue = issues.get(deal.issue)
        if issue is None:
            hint = did_you_mean(deal.issue, issues)
            yield (*path, "issue"), f"unknown private issue {deal.issue!r}{hint}"
        elif issue.owner != deal.member:
            yield (
                (*path, "issue"),
                f"issue {deal.issue!r} belongs to {issue.owner}, not {deal.member}",
            )
        yield from _duplicates((s.id for s in deal.stages), (*path, "stages"), "stage")
        share = sum(bounds(stage.delivery_share)[0] for stage in deal.stages)
        if share > 1.0 + 1e-9:
            yield (
                (*path, "stages"),
                f"stages deliver at least {share:.3f} of the issue, more than 1",
            )
        previous_due: dt.date | None = None
        for number, stage in enumerate(deal.stages):
            stage_path: PathKey = (*path, "stages", number)
            if stage.due is not None:
                if stage.due < deal.agreed:
                    yield (*stage_path, "due"), f"due {stage.due} before the deal ({deal.agreed})"
                if previous_due is not None and stage.due < previous_due:
                    yield (*stage_path, "due"), "stages must be due in order"
                previous_due = stage.due
            for item, easing in enumerate(stage.member_eases):
                easing_path: PathKey = (*stage_path, "member_eases", item, "measure")
                measure = measures.get(easing.measure)
                if measure is None:
                    hint = did_you_mean(easing.measure, measures)
                    yield easing_path, f"unknown measure {easing.measure!r}{hint}"
                    continue
                if measure.imposer != deal.member:
                    yield (
                        easing_path,
                        (
                            f"measure {measure.id!r} is imposed by {measure.imposer}, "
                            f"not by {deal.member}"
                        ),
                    )
                if deal.scope == "unilateral_only" and measure.legal_basis != "unilateral":
                    yield (
                        easing_path,
                        (
                            f"deal scope is unilateral_only but {measure.id!r} has legal basis "
                            f"{measure.legal_basis}"
                        ),
                    )


def _levers(scenario: Scenario) -> Iterator[Finding]:
    yield from _duplicates((lever.id for lever in scenario.levers), ("levers",), "lever")
    measures = {m.id for m in scenario.measures}
    for index, lever in enumerate(scenario.levers):
        path: PathKey = ("levers", index)
        yield from _expect_actor(
            scenario, lever.holder, (*path, "holder"), ("leader", "member", "institution"), "holder"
        )
        if lever.beneficiary is not None:
            yield from _expect_actor(
                scenario, lever.beneficiary, (*path, "beneficiary"), COALITION_ROLES, "beneficiary"
            )
        for item, measure_id in enumerate(lever.measures):
            if measure_id not in measures:
                hint = did_you_mean(measure_id, measures)
                yield (*path, "measures", item), f"unknown measure {measure_id!r}{hint}"
        if lever.kind == "monitoring" and lever.detection is None:
            yield (*path, "detection"), "a monitoring lever needs a detection probability"
        if lever.kind == "institutionalisation" and not lever.measures:
            yield (*path, "measures"), "an institutionalisation lever names the measures it moves"


def _relations(scenario: Scenario) -> Iterator[Finding]:
    for index, relation in enumerate(scenario.relations):
        path: PathKey = ("relations", index)
        first, second = relation.between
        if first == second:
            yield (*path, "between"), "a relation joins two different actors"
        for item, actor_id in enumerate(relation.between):
            yield from _expect_actor(
                scenario, actor_id, (*path, "between", item), COALITION_ROLES, "actor"
            )
        for number in range(1, len(relation.changes)):
            if relation.changes[number].date <= relation.changes[number - 1].date:
                yield (*path, "changes", number, "date"), "trust changes must be in date order"


def _target(scenario: Scenario) -> Iterator[Finding]:
    target = scenario.target
    yield from _expect_actor(scenario, target.actor, ("target", "actor"), ("target",), "actor")
    hazard = target.concession_hazard
    if bounds(hazard.base)[1] > bounds(hazard.maximum)[0]:
        yield ("target", "concession_hazard", "maximum"), "maximum hazard must be at least base"
    yield from _duplicates(
        (a.id for a in target.track_record), ("target", "track_record"), "record"
    )
    for index, agreement in enumerate(target.track_record):
        if agreement.outcome_date is not None and agreement.outcome_date < agreement.date:
            yield (
                ("target", "track_record", index, "outcome_date"),
                (f"outcome {agreement.outcome_date} before the agreement ({agreement.date})"),
            )
    for index, party in enumerate(scenario.third_parties):
        yield from _expect_actor(
            scenario, party.actor, ("third_parties", index, "actor"), ("third_party",), "actor"
        )


def _timeline(scenario: Scenario) -> Iterator[Finding]:
    known = {a.id for a in scenario.actors}
    for index, event in enumerate(scenario.timeline):
        if index and event.date < scenario.timeline[index - 1].date:
            yield ("timeline", index, "date"), "timeline events must be in date order"
        for item, actor_id in enumerate(event.actors):
            if actor_id not in known:
                hint = did_you_mean(actor_id, known)
                yield ("timeline", index, "actors", item), f"unknown actor {actor_id!r}{hint}"


def _recorded_outcome(scenario: Scenario) -> Iterator[Finding]:
    began = scenario.episode_began
    if began is not None and began.date > scenario.start:
        yield ("episode_began", "date"), f"the episode cannot begin after start {scenario.start}"
    outcome = scenario.recorded_outcome
    if outcome is None:
        return
    path: PathKey = ("recorded_outcome",)
    if outcome.end <= scenario.start:
        yield (*path, "end"), f"end {outcome.end} is not after the start {scenario.start}"
    if outcome.target_conceded != (outcome.conceded_on is not None):
        yield (*path, "conceded_on"), "give conceded_on exactly when target_conceded is true"
    if outcome.conceded_on is not None and not scenario.start <= outcome.conceded_on <= outcome.end:
        yield (*path, "conceded_on"), "conceded_on must lie between start and end"
    if outcome.ended_by is not None and (outcome.ended_by == "concession") != (
        outcome.target_conceded
    ):
        yield (*path, "ended_by"), "ended_by is 'concession' exactly when target_conceded is true"
    if outcome.complete_through is not None and not (
        scenario.start < outcome.complete_through <= outcome.end
    ):
        yield (*path, "complete_through"), "complete_through must lie after start, on or before end"
    if outcome.deal_delivered_on is not None and outcome.deal_delivered is not True:
        yield (*path, "deal_delivered_on"), "give it only when deal_delivered is true"
    if outcome.deal_delivered_on is not None and not (
        scenario.start <= outcome.deal_delivered_on <= outcome.end
    ):
        yield (*path, "deal_delivered_on"), "deal_delivered_on must lie between start and end"
    if outcome.coalition_held and outcome.defections:
        yield (*path, "coalition_held"), "a coalition with recorded defections did not hold"
    for index, defection in enumerate(outcome.defections):
        yield from _expect_actor(
            scenario,
            defection.member,
            (*path, "defections", index, "member"),
            COALITION_ROLES,
            "member",
        )
        if not scenario.start <= defection.date <= outcome.end:
            yield (*path, "defections", index, "date"), "defection date outside start..end"
