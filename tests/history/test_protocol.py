"""The evaluation protocol: which pairs are scored never depends on the outcome or the model."""

from __future__ import annotations

import datetime as dt

import pytest

from sanctionsim.history.protocol import (
    CENSORED,
    NO_RECORD,
    NOTHING_TO_EASE,
    SCORED,
    case_facts,
    clusters,
    derived_recorded,
    episode_age_months,
    episode_group,
    event_pairs,
)
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.months import span_months, whole_months
from sanctionsim.scenario.schema import Defection, EpisodeGroup, Scenario
from support import rewritten_defections, with_outcome

HORIZONS = (12, 36, 60, 120)


def _scored_set(scenario: Scenario) -> list[tuple[str, int, str]]:
    return [(p.event, p.horizon, p.reason) for p in event_pairs(scenario, HORIZONS)]


@pytest.mark.parametrize("case_id", case_ids())
def test_changing_who_defected_and_when_leaves_the_scored_set_unchanged(case_id: str) -> None:
    scenario = load_scenario(case_id)
    assert scenario.recorded_outcome is not None
    before = _scored_set(scenario)
    nobody, all_of_them, moved = rewritten_defections(scenario)
    for variant in (nobody, all_of_them, moved):
        assert _scored_set(variant) == before
    # ... while what was recorded does change when the defections do
    recorded_all = [p.recorded for p in event_pairs(all_of_them, HORIZONS) if p.scored]
    recorded_none = [p.recorded for p in event_pairs(nobody, HORIZONS) if p.scored]
    if any(p.kind.endswith("_eases") and p.scored for p in event_pairs(scenario, HORIZONS)):
        assert recorded_all != recorded_none


def test_nothing_to_ease_comes_from_the_scenario_alone() -> None:
    scenario = load_scenario("iran-2006")
    # on 23 Dec 2006 only the US had measures of its own in force; the UN regime was the UNSC's
    listed = {p.subject for p in event_pairs(scenario, HORIZONS) if p.reason == NOTHING_TO_EASE}
    assert listed == {"EU", "JPN", "KOR"}
    facts = case_facts(scenario)
    assert [m.id for m in facts.members if not m.easable] == ["EU", "JPN", "KOR"]
    # the same list with no record at all
    blind = scenario.model_copy(update={"recorded_outcome": None})
    assert {p.subject for p in event_pairs(blind, HORIZONS) if p.reason == NOTHING_TO_EASE} == (
        listed
    )


def test_a_terminal_end_scores_later_horizons_with_the_state_at_the_end() -> None:
    scenario = load_scenario("yugoslavia-1992")  # conceded 4 Aug 1994, month 27
    pairs = {(p.event, p.horizon): p for p in event_pairs(scenario, HORIZONS)}
    assert pairs["target_concedes", 12].recorded == 0
    for h in (36, 60, 120):
        assert pairs["target_concedes", h].recorded == 1
        assert pairs["USA_eases", h].reason == SCORED
        assert pairs["USA_eases", h].recorded == 0


def test_easing_after_a_concession_is_not_a_defection() -> None:
    scenario = load_scenario("yugoslavia-1992")
    after = Defection(member="GRC", date=dt.date(1995, 1, 10))
    before = Defection(member="GRC", date=dt.date(1993, 1, 10))
    later = {
        (p.event, p.horizon): p.recorded
        for p in event_pairs(
            with_outcome(scenario, defections=[after], coalition_held=False), HORIZONS
        )
    }
    earlier = {
        (p.event, p.horizon): p.recorded
        for p in event_pairs(
            with_outcome(scenario, defections=[before], coalition_held=False), HORIZONS
        )
    }
    assert [later["GRC_eases", h] for h in HORIZONS] == [0, 0, 0, 0]
    assert [earlier["GRC_eases", h] for h in HORIZONS] == [1, 1, 1, 1]


def test_a_cut_off_censors_every_event_beyond_it_happened_or_not() -> None:
    scenario = load_scenario("dprk-2014")  # ongoing, record complete through 4 Jul 2017
    pairs = event_pairs(scenario, HORIZONS)
    assert {p.reason for p in pairs if p.horizon in (60, 120)} == {CENSORED}
    assert {p.reason for p in pairs if p.horizon in (12, 36)} == {SCORED}
    # an easing inside the record but at a censored horizon stays censored
    eased = with_outcome(
        scenario,
        defections=[Defection(member="KOR", date=dt.date(2015, 1, 1))],
        coalition_held=False,
    )
    assert [(p.event, p.horizon, p.reason) for p in event_pairs(eased, HORIZONS)] == [
        (p.event, p.horizon, p.reason) for p in pairs
    ]
    # complete_through earlier than the end moves the cut-off
    shorter = with_outcome(scenario, ended_by="ongoing", complete_through=dt.date(2015, 7, 4))
    assert {p.horizon for p in event_pairs(shorter, HORIZONS) if p.scored} == {12}


def test_old_records_read_by_the_default_rule() -> None:
    conceded = case_facts(load_scenario("libya-1992"))
    assert (conceded.ended_by, conceded.terminal_on) == ("concession", dt.date(1999, 4, 5))
    assert conceded.covered_months is None
    explicit = with_outcome(load_scenario("argentina-1982"), ended_by="force")
    facts = case_facts(explicit)
    assert (facts.ended_by, facts.terminal_on, facts.covered_months) == (
        "force",
        dt.date(1982, 6, 14),
        None,
    )
    assert {p.reason for p in event_pairs(explicit, HORIZONS)} == {SCORED}


def test_a_file_without_a_record_is_listed_unscored() -> None:
    blind = load_scenario("dprk-2014").model_copy(update={"recorded_outcome": None})
    assert {p.reason for p in event_pairs(blind, HORIZONS)} == {NO_RECORD}


def test_episode_age_and_group() -> None:
    dprk = load_scenario("dprk-2014")
    assert episode_group(dprk) == "io"
    assert episode_group(load_scenario("cuba-1960")) == "unilateral"
    # the earliest measure in force on start, without episode_began
    assert episode_age_months(load_scenario("libya-1992")) == 0.0
    cuba = load_scenario("cuba-1960")  # sugar quota suspended 6 Jul 1960, start 19 Oct 1960
    assert episode_age_months(cuba) == pytest.approx(
        (cuba.start - dt.date(1960, 7, 6)).days / (365.25 / 12)
    )
    # two unilateral imposers and no institution: multilateral without an IO
    measures = [
        m.model_copy(update={"legal_basis": "unilateral"})
        for m in load_scenario("libya-1992").measures
    ]
    # libya-1992 states its group since its re-encoding (issue 13 part 1 item 4): derived here
    libya = load_scenario("libya-1992").model_copy(
        update={"measures": measures, "episode_group": None}
    )
    assert episode_group(libya) == "multilateral_no_io"
    # pledges and private senders are no institution; an IFI is one
    for basis, group in (
        ("pledge", "multilateral_no_io"),
        ("private", "multilateral_no_io"),
        ("ifi:world-bank", "io"),
    ):
        changed = [m.model_copy(update={"legal_basis": basis}) for m in measures]
        assert episode_group(libya.model_copy(update={"measures": changed})) == group
    # a sourced override wins
    override = EpisodeGroup(group="unilateral", sources=["un-res-748"])
    assert episode_group(libya.model_copy(update={"episode_group": override})) == "unilateral"


def test_episodes_on_the_same_target_with_overlapping_records_form_one_cluster() -> None:
    facts = [case_facts(load_scenario(c)) for c in ("dprk-2006", "dprk-2014", "libya-1992")]
    labels = clusters(facts)
    assert labels[0] == labels[1] != labels[2]
    # the same content is the same episode, whatever the record says
    copy = with_outcome(load_scenario("libya-1992"), defections=[], coalition_held=True)
    assert clusters([*facts, case_facts(copy)])[3] == labels[2]


def test_derived_events_are_recorded_apart() -> None:
    scenario = load_scenario("libya-1992")  # OAU and Arab League eased in 1998
    facts = case_facts(scenario)
    assert derived_recorded(scenario, facts, 120) == {"cascade": 1, "coalition_holds": 0}
    assert derived_recorded(scenario, facts, 12) == {"cascade": 0, "coalition_holds": 1}
    assert all(not p.event.startswith(("cascade", "coalition")) for p in event_pairs(scenario))


def test_span_months_counts_a_part_month_as_one() -> None:
    assert span_months(dt.date(1965, 11, 20), dt.date(1979, 12, 21)) == 14 * 12 + 1 + 1
    assert span_months(dt.date(2006, 12, 23), dt.date(2016, 1, 16)) == 9 * 12 + 1
    assert span_months(dt.date(2000, 1, 31), dt.date(2000, 1, 31)) == 0
    with pytest.raises(ValueError, match="before start"):
        span_months(dt.date(2000, 2, 1), dt.date(2000, 1, 1))


def test_whole_months_counts_only_complete_months() -> None:
    assert whole_months(dt.date(2014, 7, 4), dt.date(2014, 8, 3)) == 0
    assert whole_months(dt.date(2014, 7, 4), dt.date(2014, 8, 4)) == 1
