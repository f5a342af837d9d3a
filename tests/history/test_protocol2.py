"""Protocol 2 (docs/cases.md, "Protocol 2: a member's own start"): the joiners scored from the
day their own measure is first in force, on real built-in cases, by hand from their files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sanctionsim.dynamics.calibration import load_calibration
from sanctionsim.history.assemble import _training_pool, _with_library, evaluate
from sanctionsim.history.climatology import climatology_forecast
from sanctionsim.history.forecast import model_forecast
from sanctionsim.history.joiners import (
    facts_of,
    forecast_facts,
    joiners,
    joining_days,
    joining_view,
    protocol_pairs,
)
from sanctionsim.history.protocol import (
    CENSORED,
    JOINED_AFTER_RECORD,
    NOTHING_TO_EASE,
    SCORED,
    case_facts,
    event_pairs,
)
from sanctionsim.history.references import features, loco_logistic
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Defection, Scenario
from sanctionsim.versions import DEFAULT
from support import rewritten_defections, run_sanctionsim, with_outcome

HORIZONS = (12, 36, 60, 120)
MONTH_DAYS = 365.25 / 12
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _reasons(scenario: Scenario) -> list[tuple[str, int, str]]:
    return [(p.event, p.horizon, p.reason) for p in protocol_pairs(scenario, HORIZONS, 2)]


def _by_event(scenario: Scenario, horizons: tuple[int, ...] = HORIZONS) -> dict[str, list]:
    table: dict[str, list] = {}
    for p in protocol_pairs(scenario, horizons, 2):
        table.setdefault(p.event, []).append((p.horizon, p.recorded, p.reason))
    return table


@pytest.mark.parametrize("case_id", case_ids())
def test_rewriting_the_defections_leaves_protocol_2s_scored_set_unchanged(case_id: str) -> None:
    scenario = load_scenario(case_id)
    assert scenario.recorded_outcome is not None
    before = _reasons(scenario)
    variants = rewritten_defections(scenario)
    for variant in variants:
        assert _reasons(variant) == before
    # ... while a joiner's recorded easing does move with its defection
    for joiner in joiners(scenario):
        if joiner.after_record or not joiner.facts.covers(HORIZONS[0]):
            continue
        eased = Defection(member=joiner.member, date=joiner.day)
        moved = with_outcome(scenario, defections=[eased], coalition_held=False)
        first = {(p.event, p.horizon): p.recorded for p in protocol_pairs(moved, HORIZONS, 2)}
        assert first[joiner.event, HORIZONS[0]] == 1


@pytest.mark.parametrize("case_id", case_ids())
def test_protocol_1s_pairs_are_kept_but_the_joiners_rows(case_id: str) -> None:
    scenario = load_scenario(case_id)
    one = event_pairs(scenario, HORIZONS)
    two = protocol_pairs(scenario, HORIZONS, 2)
    assert protocol_pairs(scenario, HORIZONS, 1) == one
    assert [(p.event, p.horizon) for p in two] == [(p.event, p.horizon) for p in one]
    joined = {j.event for j in joiners(scenario)}
    for a, b in zip(one, two, strict=True):
        if a.event in joined:
            assert a.reason == NOTHING_TO_EASE
            assert (a.kind, a.subject) == (b.kind, b.subject)
        else:
            assert a == b
    # a member that never holds a measure stays nothing_to_ease
    for a, b in zip(one, two, strict=True):
        if a.reason == NOTHING_TO_EASE and a.event not in joined:
            assert b.reason == NOTHING_TO_EASE


def test_thailand_2014s_joiners_are_scored_from_their_own_first_measure() -> None:
    scenario = load_scenario("thailand-2014")  # start 23 May 2014, only the US holds a measure
    # aus-defence and aus-travel-ban imposed 31 May, eu-visits-pca 23 June, nzl-contacts 30 June
    assert joining_days(scenario) == {
        dt.date(2014, 5, 31): ("AUS",),
        dt.date(2014, 6, 23): ("EUX",),
        dt.date(2014, 6, 30): ("NZL",),
    }
    # conceded 23 Jan 2019, record complete through 26 Jul 2019: a terminal end, every horizon
    # settled; the recorded easings counted from each joining day (a part month counts):
    # AUS 17 Mar 2018 from 31 May 2014 is month 46, NZL 25 Jul 2016 from 30 Jun 2014 month 25,
    # EUX 11 Dec 2017 from 23 Jun 2014 month 42 (from start they would be 46, 27 and 43)
    table = _by_event(scenario)
    assert table["AUS_eases"] == [
        (12, 0, SCORED),
        (36, 0, SCORED),
        (60, 1, SCORED),
        (120, 1, SCORED),
    ]
    assert table["NZL_eases"] == [
        (12, 0, SCORED),
        (36, 1, SCORED),
        (60, 1, SCORED),
        (120, 1, SCORED),
    ]
    assert table["EUX_eases"] == [
        (12, 0, SCORED),
        (36, 0, SCORED),
        (60, 1, SCORED),
        (120, 1, SCORED),
    ]
    one = {p.event: p.reason for p in event_pairs(scenario, HORIZONS)}
    assert {one[e] for e in ("AUS_eases", "NZL_eases", "EUX_eases")} == {NOTHING_TO_EASE}
    # the horizon that separates counting from d and from start: NZL's month 25 is month 27
    # from start; at 26 months it has eased from its day, not from start's
    nzl = _by_event(scenario, (26,))["NZL_eases"]
    assert nzl == [(26, 1, SCORED)]


def test_a_cut_off_is_counted_from_the_joining_day() -> None:
    scenario = load_scenario("ussr-1981")  # start 30 Dec 1981, ongoing, complete to 5 Sep 1983
    (jpn,) = [j for j in joiners(scenario) if j.member == "JPN"]
    assert jpn.day == dt.date(1982, 2, 23)  # jpn-talks imposed
    # 18 whole months from 23 Feb 1982 to 5 Sep 1983; from start 20
    horizons = (12, 18, 19, 36)
    table = _by_event(scenario, horizons)
    assert table["JPN_eases"] == [(12, 0, SCORED), (18, 0, SCORED), (19, None, CENSORED),
                                  (36, None, CENSORED)]  # fmt: skip
    # the leader, holding on start, keeps protocol 1's cut-off (20 months)
    assert [r for _, _, r in table["USA_eases"]] == [SCORED, SCORED, SCORED, CENSORED]


def test_a_joiner_on_or_after_the_terminal_end_joined_after_the_record() -> None:
    scenario = load_scenario("peru-1992")  # conceded 18 May 1992
    found = {j.member: j for j in joiners(scenario)}
    assert (found["CAN"].day, found["CAN"].after_record) == (dt.date(1992, 5, 18), True)  # on it
    assert (found["GBR"].day, found["GBR"].after_record) == (dt.date(1992, 6, 3), True)  # after
    assert not found["DEU"].after_record  # 10 April
    table = _by_event(scenario)
    for member in ("CAN", "GBR"):
        assert table[f"{member}_eases"] == [(h, None, JOINED_AFTER_RECORD) for h in HORIZONS]
    assert {r for _, _, r in table["DEU_eases"]} == {SCORED}
    assert set(joining_days(scenario)) == {dt.date(1992, 4, 10)}  # DEU and ESP: one run
    # a joiner after the day the record is complete through (no terminal end before it)
    cut = with_outcome(scenario, ended_by="ongoing", complete_through=dt.date(1992, 4, 9))
    assert all(j.after_record for j in joiners(cut))


def test_the_models_joiner_forecast_is_the_run_from_its_joining_day() -> None:
    scenario = load_scenario("thailand-2014")
    horizons, runs = (12, 36), 32
    calibration = load_calibration(model=DEFAULT)
    fold = calibration.for_case(scenario.id)

    def forecast(view: Scenario) -> dict[tuple[str, int], float]:
        return model_forecast(
            view, horizons, runs=runs, seed=0, model=DEFAULT, choice=fold, omega=calibration.omega
        ).probabilities

    two = evaluate([scenario], horizons=horizons, runs=runs, resamples=20, protocol=2).cases[0]
    one = evaluate([scenario], horizons=horizons, runs=runs, resamples=20).cases[0]
    got = {(p.event, p.horizon): v for v, p in zip(two.forecast, two.pairs, strict=True)}
    start = forecast(scenario)
    differs = False
    for joiner in joiners(scenario):
        from_day = forecast(joining_view(scenario, joiner.day))
        for h in horizons:
            assert got[joiner.event, h] == from_day[joiner.event, h]
            differs |= from_day[joiner.event, h] != start[joiner.event, h]
    assert differs  # the run from the joining day is not the run from start
    joined = {j.event for j in joiners(scenario)}
    for a, b, p in zip(one.forecast, two.forecast, two.pairs, strict=True):
        if p.event not in joined:
            assert a == b == start[p.event, p.horizon]
    assert one.derived == two.derived  # cascade and coalition_holds: protocol 1's
    assert sum(p.scored for p in two.pairs) == sum(p.scored for p in one.pairs) + 6


def test_a_leader_joiners_references_read_the_joining_days_facts() -> None:
    kenya = load_scenario("kenya-1997")  # start 31 Jul 1997: the IMF's and the Bank's holds
    (gbr,) = [j for j in joiners(kenya) if j.member == "GBR"]  # the leader
    assert gbr.day == dt.date(1997, 9, 1)  # gbr-programme-aid imposed
    age = (dt.date(1997, 9, 1) - dt.date(1997, 7, 31)).days / MONTH_DAYS  # 32 days
    assert gbr.facts.episode_age_months == pytest.approx(age)
    assert gbr.facts.group == "io"  # the IMF's and the Bank's (ifi:) measures in force
    result = evaluate([kenya], runs=16, resamples=20, protocol=2).cases[0]
    before = evaluate([kenya], runs=16, resamples=20).cases[0]
    gbr_rows = [i for i, p in enumerate(result.pairs) if p.event == "GBR_eases"]
    assert [result.pairs[i].reason for i in gbr_rows] == [SCORED] * 4
    for i in gbr_rows:
        h = result.pairs[i].horizon
        expected = climatology_forecast("io", "leader_eases", age, h)
        assert result.references["climatology"][i] == expected
        assert before.references["climatology"][i] == climatology_forecast(
            "io", "leader_eases", 0.0, h
        )
        assert expected != before.references["climatology"][i]
    # loco_logistic: the joiner's features on its day (its share of the pressure, the age)
    facts = case_facts(kenya)
    pair = result.pairs[gbr_rows[0]]
    joined = forecast_facts(joiners(kenya))
    assert facts_of(facts, joined, pair) == gbr.facts
    row = features(facts, [pair], joined)[0]
    assert list(row) == list(features(gbr.facts, [pair])[0])
    assert row[-1] == pytest.approx(age / 12)
    start_row = features(facts, [pair])[0]
    assert (start_row[-1], start_row[-4]) == (0.0, 0.0)  # age 0 and no share on start
    assert row[-4] > 0.0  # its programme aid is part of the pressure on its day
    pool = _training_pool(_with_library([kenya]), HORIZONS, 2)
    gbr_pairs = [result.pairs[i] for i in gbr_rows]
    assert [result.references["loco_logistic"][i] for i in gbr_rows] == loco_logistic(
        gbr.facts, gbr_pairs, pool[0].cluster, pool
    )


def test_the_joiners_scored_pairs_train_the_other_clusters_references() -> None:
    scenario = load_scenario("thailand-2014")
    one = _training_pool(_with_library([scenario]), HORIZONS, 1)
    two = _training_pool(_with_library([scenario]), HORIZONS, 2)
    joined = sum(1 for case in two for p in case.pairs if p.scored and p.reason == SCORED) - sum(
        1 for case in one for p in case.pairs if p.scored
    )
    assert joined > 0
    n_one = sum(c.scored_counts["member_eases", 12, "n"] for c in one)
    n_two = sum(c.scored_counts["member_eases", 12, "n"] for c in two)
    assert n_two > n_one
    rows_one = sum(len(c.scored_rows[1]) for c in one)
    rows_two = sum(len(c.scored_rows[1]) for c in two)
    assert rows_two - rows_one == joined
    # thailand's own training rows: the joiner EUX's group on its day is io (the EU's measure)
    thai = two[0]
    x, _ = thai.scored_rows
    scored = [p for p in thai.pairs if p.scored]
    eux = next(i for i, p in enumerate(scored) if p.event == "EUX_eases")
    assert x[eux][4] == 1.0  # group=io (the columns: 4 kinds, then io, multilateral, unilateral)


def test_the_history_command_scores_the_joiners_under_protocol_2(tmp_path: Path) -> None:
    args = ("history", "thailand-2014", "--runs", "16", "--horizons", "12,36", "--json")
    two = run_sanctionsim(*args, "--protocol", "2", cwd=tmp_path)
    assert two.returncode == 0, two.stderr
    document = json.loads(two.stdout)
    assert document["protocol_version"] == 2
    (case,) = document["cases"]
    assert [(j["member"], j["joining_day"], j["after_record"]) for j in case["joiners"]] == [
        ("AUS", "2014-05-31", False),
        ("NZL", "2014-06-30", False),
        ("EUX", "2014-06-23", False),
    ]
    nzl = [
        (e["horizon"], e["recorded"], e["reason"])
        for e in case["events"]
        if e["event"] == "NZL_eases"
    ]
    assert nzl == [(12, 0, SCORED), (36, 1, SCORED)]
    assert all(
        isinstance(e["forecast"], float) for e in case["events"] if e["event"] == "NZL_eases"
    )
    one = json.loads(run_sanctionsim(*args, cwd=tmp_path).stdout)
    assert one["protocol_version"] == 1
    assert "joiners" not in one["cases"][0]
    assert {e["reason"] for e in one["cases"][0]["events"] if e["event"] == "NZL_eases"} == {
        NOTHING_TO_EASE
    }


def test_an_unknown_protocol_exits_2_naming_the_flag(tmp_path: Path) -> None:
    result = run_sanctionsim("history", "thailand-2014", "--protocol", "3", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --protocol: unknown protocol 3 (known: 1, 2)")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    with pytest.raises(Exception, match="unknown protocol 0"):
        evaluate([load_scenario("thailand-2014")], runs=16, protocol=0)


def test_the_cli_reference_documents_the_protocol_option() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    history = text[text.index("### `sanctionsim history") :]
    history = history[: history.index("\n### ", 1)]
    assert "[--protocol 1|2]" in history.splitlines()[0]
    for needle in ("`--protocol 2`", "joined_after_record", "`cases[].joiners[]`", "`--protocol`"):
        assert needle in history, needle
