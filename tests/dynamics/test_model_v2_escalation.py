"""Model v2-escalation (docs/model-v2.md, "Mechanism: escalation and provocations"): the target's
provocations, the members' hardening, possible measures adopted unless vetoed; v2's reading and
every other version's forecasts unchanged.

The scenarios are the version-2 example file (start 2021-01-01; its provocation of June 2021 is
history for a forecast from its start) with its provocations, possible measures and blocs
replaced. Its coalition is LEAD, ORG, BANK and GNU; TGT is the target, FRIEND and KNIGHT third
parties, IFI an institution.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
import yaml  # PyYAML, installed with the axelrod oracle: its C loader reads the 30 cases in 0.5 s
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.coalition.parameters import KeyedStreams
from sanctionsim.coalition.payoffs import gross_pressure, leakage
from sanctionsim.dynamics import escalation as esc
from sanctionsim.dynamics.calibration import FittedParameters
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.escalation import (
    HARDENING,
    EscalationKernel,
    adoption_chance,
    draw_escalation,
    read_escalation,
)
from sanctionsim.dynamics.kernel import EASED_BELOW
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.scenario.library import CASES_DIR
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.months import add_months
from sanctionsim.scenario.reading import reads, unread_inputs
from sanctionsim.scenario.schema import (
    Bloc,
    PossibleMeasure,
    Provocation,
    Scenario,
    StanceChange,
    Support,
    ThirdParty,
)
from sanctionsim.scenario.views import as_of
from sanctionsim.versions import model_version
from support import assert_reads_v2s_fit, every_case, sealed_files
from support import same_runs as same

FORMS = load_scenario("examples/forms-v2.yaml")
START = FORMS.start  # 2021-01-01
DAY = dt.timedelta(days=1)
MEMBERS = ("LEAD", "ORG", "BANK", "GNU")
CHOICE = FittedParameters(slope=2.0, backing_down=0.01)
OTHERS = ("v1", "v2", "v2-shadow", "v2b", "v2-knights")


def provocation(date: dt.date, responses: tuple[str, ...] = ("org-trade",)) -> Provocation:
    return Provocation(
        date=date, kind="repression", description="a test", responses=list(responses)
    )


def option(id: str = "org-escalation", **fields: Any) -> PossibleMeasure:
    values: dict[str, Any] = {
        "id": id,
        "name": "An option",
        "imposer": "ORG",
        "kind": "reserves",
        "legal_basis": "regional:org",
        "pressure": 0.1,
    }
    return PossibleMeasure(**{**values, **fields})


def world(
    provocations: tuple[Provocation, ...] = (provocation(START - 30 * DAY),),
    options: tuple[PossibleMeasure, ...] = (option(),),
    blocs: tuple[Bloc, ...] = (),
    parties: tuple[ThirdParty, ...] | None = None,
) -> Scenario:
    target = FORMS.target.model_copy(update={"provocations": list(provocations)})
    update: dict[str, Any] = {
        "target": target,
        "possible_measures": list(options),
        "blocs": list(blocs),
    }
    if parties is not None:
        update["third_parties"] = list(parties)
    return FORMS.model_copy(update=update)


def read(scenario: Scenario) -> esc.EscalationInputs | None:
    return read_escalation(as_of(scenario, scenario.start), MEMBERS)


def outcomes(scenario: Scenario, model: str, runs: int = 256, **kwargs: Any) -> RunOutcomes:
    extra: dict[str, Any] = {} if model == "v1" else {"choice": CHOICE, "omega": 1 / 12}
    return run_outcomes(scenario, runs=runs, horizon=24, seed=5, model=model, **extra, **kwargs)


def stripped(scenario: Scenario) -> Scenario:
    """The scenario without the forms v2-escalation reads alone."""
    target = scenario.target.model_copy(update={"provocations": []})
    return scenario.model_copy(update={"target": target, "possible_measures": []})


# -- E1 and E3's record, by hand -----------------------------------------------------------------
def test_the_record_by_hand() -> None:
    record = (
        provocation(add_months(START, -61)),  # before the 60 months: recorded, not in the window
        provocation(add_months(START, -59), responses=()),  # no response
        provocation(START - 9 * DAY, responses=("org-escalation",)),  # a possible measure only
        provocation(START),  # on the start: read
        provocation(START + DAY),  # history
    )
    inputs = read(world(record))
    assert inputs is not None
    assert (inputs.window, inputs.recorded, inputs.answered) == (3, 4, 2)
    assert inputs.mean_rate == pytest.approx(3.5 / 60)
    assert inputs.mean_response == pytest.approx(2.5 / 5)
    # the as-of view drops the later provocation; the reader also ignores it on a raw scenario
    assert read_escalation(world(record), MEMBERS) == inputs
    assert len(as_of(world(record), START).target.provocations) == 4


def test_a_response_imposed_after_the_start_does_not_answer() -> None:
    later = FORMS.measures[1].model_copy(update={"id": "later-trade", "imposed": START + DAY})
    scenario = world((provocation(START - DAY, responses=("later-trade",)),))
    scenario = scenario.model_copy(update={"measures": [*scenario.measures, later]})
    inputs = read(scenario)
    assert inputs is not None
    assert inputs.answered == 0
    assert inputs.mean_response == pytest.approx(0.25)  # Beta(1/2, 3/2)
    # the same measure imposed on the start answers: the check can fail
    on_start = later.model_copy(update={"imposed": START})
    moved = scenario.model_copy(update={"measures": [*FORMS.measures, on_start]})
    assert read(moved).answered == 1  # type: ignore[union-attr]


def test_no_provocation_read_is_no_mechanism() -> None:
    assert read(world(())) is None
    assert read(world((provocation(START + DAY),))) is None  # only a later one
    assert read(FORMS) is None  # the example's provocation follows its start


def test_the_draws_follow_the_jeffreys_posteriors() -> None:
    inputs = esc.EscalationInputs(window=2, recorded=3, answered=1, measures=())
    draws = draw_escalation(inputs, KeyedStreams(11, (0,)), 40_000)
    assert draws.rate.mean() == pytest.approx(2.5 / 60, rel=0.02)
    assert draws.rate.var() == pytest.approx(2.5 / 60**2, rel=0.05)  # Gamma(n + 1/2, rate W)
    assert draws.response.mean() == pytest.approx(1.5 / 4, rel=0.02)
    assert draws.pressure.shape == (40_000, 0)


# -- E4: veto players ----------------------------------------------------------------------------
def knight(**fields: Any) -> ThirdParty:
    values: dict[str, Any] = {
        "actor": "FRIEND",
        "substitution_capacity": 0.1,
        "willingness": 0.5,
        "rent_sensitivity": 0.0,
    }
    return ThirdParty(**{**values, **fields})


def counter(**fields: Any) -> Bloc:
    values: dict[str, Any] = {
        "id": "shield",
        "name": "A counter-bloc",
        "members": ["TGT", "FRIEND"],
        "stance": "counter",
        "formed": START - DAY,
    }
    return Bloc(**{**values, **fields})


@pytest.mark.parametrize(
    ("veto", "parties", "blocs", "blocked"),
    [
        (["TGT"], (), (), True),
        (["FRIEND"], (), (), False),  # a third party with no stance forms assents
        (["FRIEND"], (knight(motive="political"),), (), True),
        (["FRIEND"], (knight(motive="commercial"),), (), False),
        (["FRIEND"], (knight(motive="mixed"),), (), False),
        (
            ["FRIEND"],
            (knight(changes=[StanceChange(date=START, motive="political")]),),
            (),
            True,
        ),
        (
            ["FRIEND"],
            (knight(changes=[StanceChange(date=START + DAY, motive="political")]),),
            (),
            False,
        ),
        (["FRIEND"], (knight(support=[Support(kind="veto", since=START - DAY)]),), (), True),
        (["FRIEND"], (knight(support=[Support(kind="aid", since=START + DAY)]),), (), False),
        (["FRIEND"], (), (counter(),), True),
        (["FRIEND"], (), (counter(formed=START + DAY),), False),
        (["FRIEND"], (), (counter(stance="neutral"),), False),
        (["FRIEND"], (), (counter(dissolved=START),), False),
        (["LEAD", "BANK"], (), (), False),  # members sanction: they assent
        (["IFI"], (), (), False),
    ],
)
def test_a_veto_player_against_it_on_the_start_blocks_a_possible_measure(
    veto: list[str], parties: tuple[ThirdParty, ...], blocs: tuple[Bloc, ...], blocked: bool
) -> None:
    scenario = world(options=(option(veto_players=veto),), blocs=blocs, parties=parties)
    inputs = read(scenario)
    assert inputs is not None
    assert inputs.measures[0].vetoed is blocked


def test_the_imposers_decision_rule_names_the_veto_players_when_the_measure_does_not() -> None:
    ifi = next(a for a in FORMS.actors if a.id == "IFI")
    assert ifi.decision_rule is not None
    rule = ifi.decision_rule.model_copy(update={"veto": ["TGT"]})
    actors = [a.model_copy(update={"decision_rule": rule}) if a is ifi else a for a in FORMS.actors]
    scenario = world(options=(option(imposer="IFI"),)).model_copy(update={"actors": actors})
    assert read(scenario).measures[0].vetoed  # type: ignore[union-attr]
    named = world(options=(option(imposer="IFI", veto_players=["LEAD"]),))
    assert not read(named.model_copy(update={"actors": actors})).measures[0].vetoed  # type: ignore[union-attr]


def test_the_opening_month_and_the_imposer() -> None:
    options = (
        option("a"),
        option("b", imposer="IFI", available_from=add_months(START, 3)),
        option("c", imposer="KNIGHT", available_from=START - DAY),
    )
    specs = read(world(options=options)).measures  # type: ignore[union-attr]
    assert [(s.id, s.opens, s.imposer) for s in specs] == [
        ("a", 1, 1),
        ("b", 3, None),
        ("c", 1, None),
    ]


# -- E3: the adoption chance ---------------------------------------------------------------------
unit = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(unit, unit, unit, st.floats(0.01, 1.0))
def test_the_adoption_chance_falls_with_pressure_to_zero_at_the_resolve(
    rho: float, low: float, high: float, resolve: float
) -> None:
    low, high = min(low, high), max(low, high)
    chances = adoption_chance(np.full(2, rho), np.array([low, high]), np.full(2, resolve))
    assert 0.0 <= chances[1] <= chances[0] <= rho
    assert chances[0] == pytest.approx(rho * max(0.0, 1.0 - low / resolve))
    at_resolve = adoption_chance(np.array([rho]), np.array([resolve]), np.array([resolve]))
    assert at_resolve[0] == 0.0


# -- the month, checked against a computation by hand of E1-E3 on the kernel's own state ----------
def test_every_month_of_the_kernel_is_e1_to_e3_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    many = tuple(provocation(add_months(START, -k)) for k in range(30, 0, -1))  # rate ~ 0.5
    options = (
        option("a", pressure=0.05),
        option("b", imposer="IFI", pressure=0.08, available_from=add_months(START, 6)),
        option("c", imposer="LEAD", pressure=0.2, veto_players=["TGT"]),  # vetoed
        option("d", imposer="BANK", pressure=0.03),
    )
    scenario = world(many, options)
    checked: list[int] = []
    original = EscalationKernel.escalate

    def by_hand(kernel: EscalationKernel) -> None:
        p, d = kernel.params, kernel.draws
        assert all(rule.params is p for rule in kernel.rules if hasattr(rule, "params"))
        gross = gross_pressure(p, kernel.frac)
        net = gross * (1.0 - leakage(p, gross))
        provoked = kernel.alive & (kernel.eu[:, 0] < d.rate)
        chance = d.response * np.clip(1.0 - net / p.resolve, 0.0, 1.0)
        fixed = p.fixed_pressure.copy()
        adopted = kernel.adopted.copy()
        for m, spec in enumerate(kernel.inputs.measures):
            holds = (
                np.ones(kernel.runs, dtype=bool)
                if spec.imposer is None
                else kernel.frac[:, spec.imposer] >= EASED_BELOW
            )
            open_ = provoked & ~adopted[:, m] & holds & (kernel.t >= spec.opens and not spec.vetoed)
            new = open_ & (kernel.eu[:, 1 + m] < chance)
            adopted[:, m] |= new
            fixed = fixed + np.where(new, d.pressure[:, m], 0.0)
        count = kernel.provocations + provoked
        original(kernel)
        np.testing.assert_array_equal(kernel.adopted, adopted)
        np.testing.assert_allclose(p.fixed_pressure, fixed, rtol=0, atol=1e-15)
        np.testing.assert_allclose(
            p.concession_value, kernel.start_value * (1.0 + HARDENING * count[:, None])
        )
        checked.append(int(provoked.sum()))

    monkeypatch.setattr(EscalationKernel, "escalate", by_hand)
    result = outcomes(scenario, "v2-escalation", runs=512)
    assert len(checked) == 24  # every month of the horizon
    assert sum(checked) > 1000  # the target provoked often: the check saw adoptions to check
    assert result.cohesion_final.max() > 1.0  # adopted pressure raised the pressure held


def test_escalation_and_hardening_move_the_forecast_where_they_are_read() -> None:
    scenario = world(tuple(provocation(add_months(START, -k)) for k in range(20, 0, -1)))
    v2, escalation = outcomes(scenario, "v2"), outcomes(scenario, "v2-escalation")
    assert not same(v2, escalation)
    assert escalation.cohesion_final.mean() > v2.cohesion_final.mean()
    assert escalation.cohesion_final.min() >= v2.cohesion_final.min()


# -- no look-ahead -------------------------------------------------------------------------------
def test_a_provocation_dated_after_the_start_is_not_read() -> None:
    base = world((provocation(START - 10 * DAY),))
    later = world((provocation(START - 10 * DAY), provocation(START + DAY)))
    assert same(outcomes(base, "v2-escalation"), outcomes(later, "v2-escalation"))
    # the same provocation dated on the start is read: the test can fail
    on_start = world((provocation(START - 10 * DAY), provocation(START)))
    assert not same(outcomes(base, "v2-escalation"), outcomes(on_start, "v2-escalation"))


def test_the_example_file_whose_provocation_follows_its_start_is_v2() -> None:
    assert same(outcomes(FORMS, "v2"), outcomes(FORMS, "v2-escalation"))


# -- every other version is unchanged ------------------------------------------------------------
@pytest.mark.parametrize("model", OTHERS)
def test_the_other_versions_read_none_of_the_escalation_forms(model: str) -> None:
    sudan = load_scenario("sudan-1996")  # a provocation and a possible measure of the UN
    assert same(outcomes(sudan, model, 128), outcomes(stripped(sudan), model, 128))


def test_v2_escalation_is_v2_where_nothing_is_read_and_differs_where_it_is() -> None:
    # dprk-2014 records provocations and possible measures since its re-encoding (issue 13 part 1
    # item 4): without them it sets neither form
    dprk = stripped(load_scenario("dprk-2014"))
    assert same(outcomes(dprk, "v2"), outcomes(dprk, "v2-escalation"))
    venezuela = load_scenario("venezuela-2017")
    assert not same(outcomes(venezuela, "v2", 128), outcomes(venezuela, "v2-escalation", 128))


# -- reproducibility -----------------------------------------------------------------------------
def test_the_same_seed_gives_the_same_runs_whatever_the_chunk_size() -> None:
    scenario = world(tuple(provocation(add_months(START, -k)) for k in range(10, 0, -1)))
    whole = outcomes(scenario, "v2-escalation", runs=2500, chunk_size=4096)
    blocks = outcomes(scenario, "v2-escalation", runs=2500, chunk_size=1024)
    assert same(whole, blocks)
    again = outcomes(scenario, "v2-escalation", runs=2500, chunk_size=4096)
    assert same(whole, again)
    other = run_outcomes(
        scenario, runs=2500, horizon=24, seed=6, model="v2-escalation", choice=CHOICE, omega=1 / 12
    )
    assert not same(whole, other)


# -- the version: its calibration and its reading ------------------------------------------------
def test_v2_escalation_reads_v2s_fit_and_fits_nothing() -> None:
    version = model_version("v2-escalation")
    assert (version.kernel, version.escalation, version.fit_of, version.fits) == (
        "v2",
        True,
        "v2",
        False,
    )
    assert version.busting == "commercial"
    assert_reads_v2s_fit("v2-escalation")


def test_the_registry_says_v2_escalation_reads_the_forms() -> None:
    for field in ("target.provocations", "possible_measures", "actors[].decision_rule"):
        assert reads("v2-escalation", field)
        assert not reads("v2", field)
        assert not reads("v2-knights", field)
    for field in ("third_parties[].motive", "third_parties[].support", "blocs"):
        assert reads("v2-escalation", field)  # a veto player's stance
    fiji = load_scenario("fiji-2006")
    unread = {path[0] for path, _ in unread_inputs(fiji, "v2-escalation")}
    assert "possible_measures" not in unread
    assert "possible_measures" in {path[0] for path, _ in unread_inputs(fiji, "v2")}


# Sources dated after the start that a field read by v2-escalation alone cites, in the built-in
# cases: none since qatar-2017's provocation was re-sourced (2026-12-01, the BBC of 24 May 2017).
KNOWN: set[tuple[str, str, str]] = set()


def _late_citations(case: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(case, where, source) for every source a field v2-escalation reads cites, dated after the
    start or undated: the provocations dated by start, the possible measures and their pressure.
    Read from the file's YAML (loading and validating thirty cases takes seconds)."""
    start = case["start"]
    dates = {s["id"]: s.get("date") for s in case.get("sources", [])}
    cited: list[tuple[str, list[str]]] = []
    for p in case["target"].get("provocations", []):
        if p["date"] <= start:
            cited.append((f"target.provocations[{p['date']}]", p.get("sources", [])))
    for m in case.get("possible_measures", []):
        cited.append((f"possible_measures[{m['id']}]", m.get("sources", [])))
        if isinstance(m["pressure"], dict):
            cited.append(
                (f"possible_measures[{m['id']}].pressure", m["pressure"].get("sources", []))
            )
    return {
        (case["id"], where, source)
        for where, sources in cited
        for source in sources
        if (date := dates.get(source)) is None or date > start
    }


def _case_files() -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    paths = [*sorted(CASES_DIR.glob("*.yaml")), *sealed_files()]
    return [yaml.load(path.read_text(), Loader=loader) for path in paths]


def test_the_escalation_forms_read_cite_sources_dated_by_start_but_the_known() -> None:
    cases = _case_files()
    assert len(cases) == len(every_case())  # the library and the sealed holdout
    found: set[tuple[str, str, str]] = set()
    for case in cases:
        found |= _late_citations(case)
    assert found == KNOWN
    # the check can fail: Sudan's possible measure citing a source dated after its start
    sudan = next(c for c in cases if c["id"] == "sudan-1996")
    late = next(x["id"] for x in sudan["sources"] if x.get("date") and x["date"] > sudan["start"])
    sudan["possible_measures"][0]["sources"] = [late]
    assert _late_citations(sudan) == {
        ("sudan-1996", "possible_measures[unsc-further-measures]", late)
    }
