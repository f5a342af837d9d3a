"""Schema version 2's forms: expressible, validated with located errors, gated by the version."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from pydantic import BaseModel

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario import schema, schema_base, schema_forms
from sanctionsim.scenario.loader import load_file, load_text
from sanctionsim.scenario.reading import DESCRIPTIVE_V2, INPUTS, explicit_fields, pattern_of
from sanctionsim.scenario.schema import MEASURE_KINDS_V1, MeasureKind, Scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "forms-v2.yaml"
MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal-scenario.yaml"


@pytest.fixture(scope="module")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def _since_v2_patterns() -> set[str]:
    """Every field a model declares as added by version 2, as a registry pattern suffix."""
    names: set[str] = set()
    for module in (schema, schema_base):
        for model in vars(module).values():
            if isinstance(model, type) and issubclass(model, schema_base._Model):
                names |= {f"{model.__name__}.{name}" for name in model.since_v2}
    return names


def test_the_example_uses_every_version_2_form() -> None:
    scenario = load_file(EXAMPLE)
    assert scenario.schema_version == 2
    used = {pattern_of(path) for path, _, _ in explicit_fields(scenario)}
    new_inputs = {use.pattern for use in INPUTS if use.since == 2}
    assert new_inputs - used == set()
    assert DESCRIPTIVE_V2 - used == set()
    kinds = {m.kind for m in scenario.measures} | {m.kind for m in scenario.possible_measures}
    assert set(get_args(MeasureKind)) - set(MEASURE_KINDS_V1) - kinds <= {
        "preferences",
        "investment",
        "price_cap",
        "recognition",
        "diplomatic",
    }
    bases = {m.legal_basis.split(":")[0] for m in scenario.measures}
    assert {"ifi", "pledge", "private"} <= bases


def test_the_registry_names_every_version_2_field() -> None:
    """Each field a model marks ``since_v2`` is a registered input or declared descriptive."""
    registered = {use.pattern.rsplit(".", 1)[-1] for use in INPUTS if use.since == 2}
    registered |= {pattern.rsplit(".", 1)[-1] for pattern in DESCRIPTIVE_V2}
    declared = {name.split(".", 1)[1] for name in _since_v2_patterns()}
    assert declared - registered == set()


def test_version_2_dumps_keep_what_the_file_set_and_v1_dumps_do_not_grow() -> None:
    scenario = load_file(EXAMPLE)
    dumped = scenario.model_dump()
    assert dumped["measures"][0]["channel"] == "status"
    assert dumped["settlements"][0]["reimpose"]["on_renege"] is True
    minimal = load_file(MINIMAL).model_dump()
    assert "channel" not in minimal["measures"][0]
    assert "settlements" not in minimal
    again = Scenario.model_validate(dumped, strict=False)
    assert again == scenario


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("    kind: bank\n", "    kind: bank\n", "actors[2].ties"),
        ("    channel: status\n", "    channel: status\n", "measures[0].channel"),
        ("    legal_basis: private\n", "    legal_basis: private\n", "measures[7].legal_basis"),
        ("    kind: membership\n", "    kind: membership\n", "measures[0].kind"),
        ("settlements:\n", "settlements:\n", "settlements"),
        ("    role: other\n", "    role: other\n", "actors[5].role"),
    ],
)
def test_a_version_1_file_may_not_use_version_2_forms(
    example_text: str, old: str, new: str, where: str
) -> None:
    text = example_text.replace("schema_version: 2", "schema_version: 1").replace(old, new, 1)
    with pytest.raises(ScenarioError) as raised:
        load_text(text, "v1.yaml")
    gated = [p for p in raised.value.problems if p.path == where]
    assert gated, [str(p) for p in raised.value.problems][:5]
    assert "schema version 2" in gated[0].message
    assert "migrate" in gated[0].message
    assert gated[0].line is not None
    assert gated[0].column is not None


@pytest.mark.parametrize(
    ("old", "new", "where", "fragment"),
    [
        (
            "{to: LEAD, tie: jurisdiction",
            "{to: NOBODY, tie: jurisdiction",
            "actors[2].ties[0].to",
            "not an actor",
        ),
        (
            "vote_shares: {LEAD: 0.17, ORG: 0.05}",
            "vote_shares: {LEAD: 0.7, ORG: 0.5}",
            "actors[3].decision_rule.vote_shares",
            "more than 1",
        ),
        (
            "    decided: 2020-12-10\n",
            "    decided: 2021-01-10\n",
            "measures[0].imposed",
            "before decided",
        ),
        (
            "cause: settlement, under: roadmap",
            "cause: settlement, under: nodeal",
            "measures[1].changes[0].under",
            "unknown settlement",
        ),
        (
            "secondary_on: [KNIGHT]",
            "secondary_on: [ORG]",
            "measures[4].secondary_on[0]",
            "expected third_party",
        ),
        (
            "{actor: KNIGHT, kind: waiver",
            "{actor: KNIGHT, kind: reservation",
            "measures[4].exemptions[0].actor",
            "expected leader or member",
        ),
        (
            "responses: [org-escalation]",
            "responses: [nothing]",
            "target.provocations[0].responses[0]",
            "unknown measure",
        ),
        ("deadline: 2021-02-10", "deadline: 2020-02-10", "coercion[0].deadline", "before date"),
        ("members: [TGT, FRIEND]", "members: [TGT, NOBODY]", "blocs[0].members[1]", "not an actor"),
        (
            "- {measure: org-trade, to_level: 0.0}",
            "- {measure: lead-aid, to_level: 0.0}",
            "settlements[0].suspends[0].measure",
            "not a party",
        ),
        (
            "veto_players: [FRIEND]",
            "veto_players: [NOBODY]",
            "possible_measures[0].veto_players[0]",
            "not an actor",
        ),
        (
            "{id: fuel-discount, to: ORG",
            "{id: fuel-discount, to: TGT",
            "target.inducements[0].to",
            "expected leader or member or third_party",
        ),
        ("extent: 0.5", "extent: 1.5", "measures[4].exemptions[0].extent", "a share"),
        ("credibility: 0.2", "credibility: -0.2", "coercion[1].credibility", "a probability"),
        ("kind: repression", "kind: insult", "target.provocations[0].kind", "input should be"),
        (
            "  - {id: made-up, citation",
            "  - {id: made-up, url: 3, citation",
            "sources[0].url",
            "string",
        ),
    ],
)
def test_version_2_forms_are_checked_with_located_errors(
    example_text: str, old: str, new: str, where: str, fragment: str
) -> None:
    assert old in example_text
    with pytest.raises(ScenarioError) as raised:
        load_text(example_text.replace(old, new, 1), "bad.yaml")
    found = [p for p in raised.value.problems if p.path == where]
    assert found, [str(p) for p in raised.value.problems]
    assert fragment in found[0].message.lower() or fragment in found[0].message
    assert found[0].line is not None


def test_every_version_2_record_is_a_strict_model() -> None:
    for model in vars(schema_forms).values():
        own = isinstance(model, type) and issubclass(model, BaseModel)
        if own and model.__module__ == schema_forms.__name__:
            assert model.model_config.get("extra") == "forbid", model
            assert model.model_config.get("strict") is True, model
