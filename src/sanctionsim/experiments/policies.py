"""Policies: declarative changes to a scenario, validated like scenarios.

A policy is a list of changes applied to a scenario *before* any analysis or simulation
(data flows one way: a policy never reaches into the engine). Each change is a small frozen
model; :func:`apply_policy` returns a new, re-checked :class:`Scenario`, so a policy that breaks
a scenario (a lever that does not exist, a deal scope its measures violate) is reported with the
policy file's line and column.

The built-in policies are the seed article's proposals (``domain/MODEL.md`` §5):

* ``relist-sst``: the leader relists the target as a state sponsor of terrorism citing the
  member's issue: switches on the scenario's ``relist-sst`` side-payment lever and adds the
  listing's pressure;
* ``advance-consultation``: switches on every monitoring lever (a higher detection q);
* ``unilateral-only``: every side deal may touch only unilateral measures;
* ``snap-back``: every side deal restores what was eased if the target reneges;
* ``codify-unsc``: moves the measures of every institutionalisation lever to a UN basis; deals
  that eased them now breach a UN obligation when they do.

>>> from sanctionsim.scenario.loader import load_scenario
>>> base = load_scenario("dprk-2014")
>>> relisted = apply_policy(base, builtin_policy("relist-sst"))
>>> [lever.in_force for lever in relisted.levers if lever.id == "relist-sst"]
[True]
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario.checks import check_scenario
from sanctionsim.scenario.schema import (
    Estimate,
    Identifier,
    LegalBasis,
    Measure,
    Quantity,
    Scenario,
)
from sanctionsim.scenario.yaml_source import (
    Located,
    dotted,
    parse_yaml,
    read_text,
)


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ActivateLevers(_Change):
    """Put levers in force: by id, or every lever of a kind."""

    change: Literal["activate_levers"]
    ids: list[Identifier] = Field(default_factory=list)
    kind: (
        Literal["side_payment", "penalty", "monitoring", "institutionalisation", "threat"] | None
    ) = None


class AddMeasure(_Change):
    """Add a measure (imposed on the policy's effective date unless it says otherwise)."""

    change: Literal["add_measure"]
    measure: dict[str, Any]


class SetDealScope(_Change):
    """Restrict side deals (all, or by id) to a scope, dropping easings outside it."""

    change: Literal["set_deal_scope"]
    scope: Literal["unilateral_only", "any"]
    deals: list[Identifier] = Field(default_factory=list, description="empty: every deal")


class SetSnapBack(_Change):
    """Give side deals (all, or by id) a snap-back on reneging."""

    change: Literal["set_snap_back"]
    on_renege: bool = True
    widen_by: Quantity = 0.0
    deals: list[Identifier] = Field(default_factory=list)


class MoveToUnBasis(_Change):
    """Give measures a UN legal basis (by id, or those of every institutionalisation lever)."""

    change: Literal["move_to_un_basis"]
    legal_basis: LegalBasis = "unsc:0"
    measures: list[Identifier] = Field(default_factory=list)


class RemoveMeasure(_Change):
    """Lift a measure from the effective date."""

    change: Literal["remove_measure"]
    measure: Identifier


Change = Annotated[
    ActivateLevers | AddMeasure | SetDealScope | SetSnapBack | MoveToUnBasis | RemoveMeasure,
    Field(discriminator="change"),
]


class Policy(BaseModel):
    """A named, sourced set of changes, in force from ``effective`` (default: the start)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: Identifier
    description: str = Field(min_length=1)
    effective: dt.date | None = Field(
        default=None, description="date the changes take effect (default: the scenario's start)"
    )
    changes: list[Change] = Field(min_length=1)
    sources: list[Identifier] = Field(default_factory=list)
    note: str | None = None


_LISTING_PRESSURE = Estimate.model_validate(
    {
        "distribution": {"dist": "triangular", "low": 0.0, "mode": 0.005, "high": 0.02},
        "analyst_estimate": True,
        "note": "a terrorism listing adds financial isolation at the margin",
    }
)

BUILTIN: dict[str, dict[str, Any]] = {
    "relist-sst": {
        "id": "relist-sst",
        "description": (
            "Relist the target as a state sponsor of terrorism, citing the member's issue: a "
            "side payment the member values, and a little added financial pressure."
        ),
        "changes": [
            {"change": "activate_levers", "ids": ["relist-sst"]},
            {
                "change": "add_measure",
                "measure": {
                    "id": "policy-sst-relisting",
                    "name": "State sponsor of terrorism relisting (policy)",
                    "kind": "designation",
                    "legal_basis": "unilateral",
                    "pressure": _LISTING_PRESSURE,
                },
            },
        ],
    },
    "advance-consultation": {
        "id": "advance-consultation",
        "description": "Consult before any move toward the target: monitoring levers in force.",
        "changes": [{"change": "activate_levers", "kind": "monitoring"}],
    },
    "unilateral-only": {
        "id": "unilateral-only",
        "description": "Side deals may touch only unilateral measures, never UN-based ones.",
        "changes": [{"change": "set_deal_scope", "scope": "unilateral_only"}],
    },
    "snap-back": {
        "id": "snap-back",
        "description": "Restore every eased measure as soon as the target reneges.",
        "changes": [{"change": "set_snap_back", "on_renege": True}],
    },
    "codify-unsc": {
        "id": "codify-unsc",
        "description": (
            "Move the measures named by institutionalisation levers to a UN basis, so easing "
            "them breaches a Security Council resolution."
        ),
        "changes": [{"change": "move_to_un_basis", "legal_basis": "unsc:0"}],
    },
}


def builtin_ids() -> list[str]:
    """The ids of the built-in policies."""
    return sorted(BUILTIN)


def builtin_policy(policy_id: str) -> Policy:
    """A built-in policy by id."""
    if policy_id not in BUILTIN:
        raise ScenarioError.single(
            policy_id, f"unknown policy (built-in: {', '.join(builtin_ids())}; or a YAML file)"
        )
    return Policy.model_validate(BUILTIN[policy_id])


def load_policy(reference: str | Path) -> Policy:
    """A built-in policy id, or a policy YAML file validated with located errors."""
    path = Path(reference)
    if str(reference) in BUILTIN and not path.exists():
        return builtin_policy(str(reference))
    if not path.exists() and "/" not in str(reference) and not str(reference).endswith(".yaml"):
        return builtin_policy(str(reference))
    located = parse_yaml(read_text(path, str(reference)), str(reference))
    return _validate(located)


def policy_from_text(text: str, file: str = "<string>") -> Policy:
    """A policy from YAML text (the web app's pasted policies); ``file`` names it in errors."""
    return _validate(parse_yaml(text, file))


def _validate(located: Located) -> Policy:
    from sanctionsim.scenario.loader import validate_as

    policy, too_large = validate_as(Policy, located, "a policy")
    if too_large:
        raise ScenarioError(too_large)
    return policy


def apply_policy(scenario: Scenario, policy: Policy) -> Scenario:
    """The scenario with the policy's changes; raises a located error if the result is invalid."""
    effective = policy.effective or scenario.start
    if effective > scenario.start:
        # Forecasts and analyses read the state on the scenario's start: a later date would
        # silently change nothing, so it is refused.
        raise ScenarioError.single(
            policy.id,
            f"takes effect on {effective}, after the scenario's start {scenario.start}; "
            "analyses read the state on the start date",
            "effective",
        )
    data = scenario.model_dump()
    for index, change in enumerate(policy.changes):
        problem = _apply(data, change, effective)
        if problem:
            raise ScenarioError.single(policy.id, problem, f"changes[{index}].{change.change}")
    data["id"] = f"{scenario.id}.{policy.id}"[:80]
    try:
        changed = Scenario.model_validate(data, strict=False)
    except ValidationError as error:
        first = error.errors()[0]
        where = dotted(tuple(first["loc"]))
        message = f"makes the scenario invalid: {first['msg']}"
        raise ScenarioError.single(policy.id, message, where) from None
    findings = check_scenario(changed)
    if findings:
        raise ScenarioError.single(
            policy.id, f"makes the scenario invalid: {findings[0][1]}", dotted(findings[0][0])
        )
    return changed


def _apply(data: dict[str, Any], change: _Change, effective: dt.date) -> str | None:
    """Apply one change to scenario data in place; return a problem or None.

    Size: over 80 lines because it has one short branch per kind of policy change.
    """
    if isinstance(change, ActivateLevers):
        hits = [
            lever
            for lever in data["levers"]
            if lever["id"] in change.ids
            or (change.kind is not None and lever["kind"] == change.kind)
        ]
        missing = set(change.ids) - {lever["id"] for lever in data["levers"]}
        if missing:
            return f"the scenario has no lever {sorted(missing)[0]!r}"
        if not hits:
            return f"the scenario has no {change.kind} lever"
        for lever in hits:
            lever["in_force"] = True
            if lever["available_from"] is None or lever["available_from"] > effective:
                lever["available_from"] = effective
        return None
    if isinstance(change, AddMeasure):
        measure = dict(change.measure)
        leader = next((a["id"] for a in data["actors"] if a["role"] == "leader"), None)
        measure.setdefault("imposer", leader)
        measure.setdefault("imposed", effective)
        pressure = measure.get("pressure")
        if isinstance(pressure, Estimate):
            measure["pressure"] = pressure.model_dump()
        try:
            data["measures"].append(Measure.model_validate(measure, strict=False).model_dump())
        except ValidationError as error:
            return f"invalid measure: {error.errors()[0]['msg']}"
        return None
    if isinstance(change, SetDealScope):
        legal = {m["id"]: m["legal_basis"] for m in data["measures"]}
        for deal in _deals(data, change.deals):
            deal["scope"] = change.scope
            if change.scope == "unilateral_only":
                for stage in deal["stages"]:
                    stage["member_eases"] = [
                        e for e in stage["member_eases"] if legal[e["measure"]] == "unilateral"
                    ]
        return None
    if isinstance(change, SetSnapBack):
        widen = (
            change.widen_by.model_dump()
            if isinstance(change.widen_by, Estimate)
            else change.widen_by
        )
        for deal in _deals(data, change.deals):
            deal["snap_back"] = dict(deal["snap_back"], on_renege=change.on_renege, widen_by=widen)
        return None
    if isinstance(change, MoveToUnBasis):
        ids = set(change.measures) or {
            m
            for lever in data["levers"]
            if lever["kind"] == "institutionalisation"
            for m in lever["measures"]
        }
        if not ids:
            return "no measures named, and the scenario has no institutionalisation lever"
        known = {m["id"] for m in data["measures"]}
        if ids - known:
            return f"the scenario has no measure {sorted(ids - known)[0]!r}"
        for measure in data["measures"]:
            if measure["id"] in ids:
                measure["legal_basis"] = change.legal_basis
        for deal in data["side_deals"]:
            eased = {e["measure"] for s in deal["stages"] for e in s["member_eases"]}
            if eased & ids:
                deal["scope"] = "any"  # the deal still names them; easing them now breaches
        for lever in data["levers"]:
            if lever["kind"] == "institutionalisation" and set(lever["measures"]) & ids:
                lever["in_force"] = True
        return None
    if isinstance(change, RemoveMeasure):
        for measure in data["measures"]:
            if measure["id"] == change.measure:
                if measure["imposed"] >= effective:
                    return f"measure {change.measure!r} is imposed on or after the effective date"
                measure["lifted"] = effective
                measure["changes"] = [c for c in measure["changes"] if c["date"] < effective]
                return None
        return f"the scenario has no measure {change.measure!r}"
    raise AssertionError(f"unhandled change {change!r}")  # pragma: no cover - exhaustive union


def _deals(data: dict[str, Any], ids: list[str]) -> list[dict[str, Any]]:
    deals: list[dict[str, Any]] = data["side_deals"]
    return [d for d in deals if not ids or d["id"] in ids]
