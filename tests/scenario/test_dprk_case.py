"""The default case's key facts, as the fact sheet records them (domain/dprk-2014-facts.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from sanctionsim.scenario.views import snapshot

EASED_4_JULY = {
    "jpn-entry-ban": 0.0,
    "jpn-chongryon-reentry-ban": 0.0,
    "jpn-remittance-reporting": 0.0,
    "jpn-cash-carry-reporting": 0.0,
    "jpn-dprk-ship-port-ban": 0.8,
}
KEPT_4_JULY = {
    "jpn-mgb92-port-ban",
    "jpn-charter-flight-ban",
    "jpn-import-ban",
    "jpn-export-ban",
    "jpn-un-asset-freeze",
}


@pytest.fixture(scope="module")
def dprk() -> Scenario:
    return load_scenario("dprk-2014")


def japan_levels(scenario: Scenario, date: dt.date) -> dict[str, float]:
    view = snapshot(scenario, date)
    return {s.measure.id: s.level for s in view.measures if s.measure.imposer == "JPN"}


def test_on_3_july_2014_every_japanese_measure_was_in_full_force(dprk: Scenario) -> None:
    levels = japan_levels(dprk, dt.date(2014, 7, 3))
    assert set(levels) == KEPT_4_JULY | set(EASED_4_JULY)
    assert all(level == 1.0 for level in levels.values()), levels


def test_on_5_july_2014_three_groups_were_eased_and_the_rest_kept(dprk: Scenario) -> None:
    levels = japan_levels(dprk, dt.date(2014, 7, 5))
    for measure_id, level in EASED_4_JULY.items():
        assert levels[measure_id] == level, measure_id
    for measure_id in KEPT_4_JULY:
        assert levels[measure_id] == 1.0, measure_id
    view = snapshot(dprk, dt.date(2014, 7, 5))
    eased_on_the_day = {s.measure.id for s in view.measures if s.since == dt.date(2014, 7, 4)}
    assert eased_on_the_day == set(EASED_4_JULY)


def test_on_1_march_2016_japan_had_restored_and_widened(dprk: Scenario) -> None:
    levels = japan_levels(dprk, dt.date(2016, 3, 1))
    for restored in ("jpn-entry-ban", "jpn-chongryon-reentry-ban", "jpn-cash-carry-reporting"):
        assert levels[restored] == 1.0, restored
    assert levels["jpn-dprk-ship-port-ban"] == 1.0  # humanitarian ships re-banned
    # widened: new measures that did not exist in 2014
    assert levels["jpn-remittance-ban"] == 1.0
    assert levels["jpn-third-country-ship-ban"] == 1.0
    assert "jpn-remittance-ban" not in japan_levels(dprk, dt.date(2014, 7, 5))
    # the remittance reporting threshold gave way to an outright ban
    assert levels["jpn-remittance-reporting"] == 0.0
    for kept in KEPT_4_JULY:
        assert levels[kept] == 1.0, kept


def test_the_un_regime_in_july_2014_is_1695_to_2094(dprk: Scenario) -> None:
    view = snapshot(dprk, dt.date(2014, 7, 4))
    un = sorted(s.measure.legal_basis for s in view.in_force() if s.measure.imposer == "UNSC")
    assert un == ["unsc:1695", "unsc:1718", "unsc:1874", "unsc:2087", "unsc:2094"]
    later = {m.legal_basis for m in dprk.measures if m.imposed > dt.date(2014, 7, 4)}
    assert {"unsc:2270", "unsc:2321", "unsc:2371", "unsc:2375", "unsc:2397"} <= later


def test_south_korea_and_kaesong(dprk: Scenario) -> None:
    in_2014 = {s.measure.id for s in snapshot(dprk, dt.date(2014, 7, 4)).in_force()}
    assert "kor-may24-measures" in in_2014
    assert "kor-kaesong-suspension" not in in_2014
    assert dprk.measure("kor-may24-measures").imposed == dt.date(2010, 5, 24)
    assert dprk.measure("kor-kaesong-suspension").imposed == dt.date(2016, 2, 10)


def test_state_sponsor_of_terrorism_history(dprk: Scenario) -> None:
    first = dprk.measure("usa-sst-listing")
    assert first.lifted == dt.date(2008, 10, 11)
    assert first.level_on(dt.date(2014, 7, 4)) == 0.0
    assert dprk.measure("usa-sst-relisting").imposed == dt.date(2017, 11, 20)


def test_stockholm_deal_is_staged_unilateral_and_starts_with_the_july_easing(
    dprk: Scenario,
) -> None:
    (deal,) = dprk.side_deals
    assert (deal.member, deal.target, deal.agreed) == ("JPN", "PRK", dt.date(2014, 5, 29))
    assert deal.scope == "unilateral_only"
    first = deal.stages[0]
    assert {e.measure: e.to_level for e in first.member_eases} == EASED_4_JULY
    assert deal.snap_back.on_renege


def test_third_parties_and_trade_shares(dprk: Scenario) -> None:
    china = dprk.actor("CHN")
    assert china.role == "third_party"
    assert china.trade_share is not None
    assert {p.actor for p in dprk.third_parties} == {"CHN", "RUS"}


def test_track_record_covers_the_fact_sheet(dprk: Scenario) -> None:
    years = sorted(a.date.year for a in dprk.target.track_record)
    assert years == [1994, 2002, 2005, 2007, 2008, 2012, 2014]
    kept = [a for a in dprk.target.track_record if a.outcome == "kept"]
    assert kept == []


def test_timeline_spans_2006_to_2017(dprk: Scenario) -> None:
    dates = [e.date for e in dprk.timeline]
    assert dates == sorted(dates)
    assert dates[0].year == 2006
    assert dates[-1].year == 2017
    assert len(dprk.timeline) >= 30
