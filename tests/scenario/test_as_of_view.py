"""The as-of view of a file whose later facts are all dropped serialises as the file without them.

An encoder's record commit may add facts dated after `start` (a third party's later support or
change of stance, a later provocation, a later leader of the target, a later change of the
demand); the blind-encoding test compares what the forecast reads
of the two commits through `scenario.views.as_of`. A version-2 list the view empties must then
read as never set (files that do not set a version-2 field serialise without it), or the
comparison counts an empty list as a change (reported by the encoders of session 9).
"""

from __future__ import annotations

import json

from sanctionsim.scenario.library import case_path
from sanctionsim.scenario.loader import load_text
from sanctionsim.scenario.views import as_of

EGYPT = case_path("egypt-2013")
assert EGYPT is not None
TEXT = EGYPT.read_text(encoding="utf-8")
PARTY = """    motive: political
    sources: [naharnet-2013-07-03, infopal-2013-07-04]
"""
LATER_PARTY = (
    PARTY
    + """    support:
      - kind: credit
        since: 2013-07-09
        amount: {value: 0.02, sources: [naharnet-2013-07-03]}
    changes:
      - {date: 2013-08-01, willingness: 0.9, sources: [naharnet-2013-07-03]}
"""
)
SOURCES = "  sources: [chinadaily-2013-07-04, mees-2013-02-01, egyptindependent-2013-remittances]\n"
LATER_PROVOCATION = (
    """    - {date: 2013-08-14, kind: repression, description: a later crackdown, """
    """sources: [naharnet-2013-07-03]}
""" + SOURCES
)


def view_dump(text: str) -> dict[str, object]:
    scenario = load_text(text, "egypt-2013.yaml")
    result: dict[str, object] = json.loads(as_of(scenario, scenario.start).model_dump_json())
    return result


def test_later_support_and_stance_changes_leave_the_view_as_the_file_without_them() -> None:
    assert PARTY in TEXT
    later = TEXT.replace(PARTY, LATER_PARTY, 1)
    assert load_text(later, "later.yaml").third_parties[0].support  # the entries are read
    assert view_dump(later) == view_dump(TEXT)
    party = as_of(load_text(later, "later.yaml"), load_text(TEXT, "x").start).third_parties[0]
    assert party.support == []  # what the engine reads: nothing yet
    assert party.changes == []


def test_a_later_provocation_leaves_the_view_as_the_file_without_it() -> None:
    assert TEXT.count(SOURCES) == 1  # the target's sources follow its provocations
    later = TEXT.replace(SOURCES, LATER_PROVOCATION, 1)
    start = load_text(TEXT, "x").start
    assert len(load_text(later, "later.yaml").target.provocations) == (
        len(load_text(TEXT, "x").target.provocations) + 1
    )
    assert view_dump(later) == view_dump(TEXT)
    assert all(p.date <= start for p in as_of(load_text(later, "l"), start).target.provocations)


def test_support_begun_by_the_date_is_kept_and_set() -> None:
    """The view keeps what was known: support begun by the date stays in the dump."""
    scenario = load_text(TEXT.replace(PARTY, LATER_PARTY, 1), "later.yaml")
    view = as_of(scenario, scenario.start.replace(year=2014))
    dumped = json.loads(view.model_dump_json())
    gulf = next(p for p in dumped["third_parties"] if p["actor"] == "GULF")
    assert [s["since"] for s in gulf["support"]] == ["2013-07-09"]
    assert [c["date"] for c in gulf["changes"]] == ["2013-08-01"]


LEADERS_END = (
    "change: coup, sources: [chinadaily-2013-07-04, sanews-2013-07-05, naharnet-2013-07-03], "
    'note: "named on 3 July, sworn in on 4 July (sanews-2013-07-05); power rests with the army '
    'command"}\n'
)
LATER_LEADER = """    - {name: Abdel Fattah al-Sisi, since: 2014-06-08, change: election, \
sources: [chinadaily-2013-07-04]}
"""
DEMAND_END = "  sources: [au-psc-384, afp-2013-07-05, thehill-2013-07-03, moheet-2013-07-04]\n"
LATER_DEMAND = """  changes:
    - {date: 2014-06-17, description: a later demand, sources: [au-psc-384]}
"""


def test_a_later_leader_and_a_later_demand_change_leave_the_view_as_the_file_without_them() -> None:
    assert TEXT.count(LEADERS_END) == 1  # the end of the last leader's entry
    assert TEXT.count(DEMAND_END) == 1
    later = TEXT.replace(LEADERS_END, LEADERS_END + LATER_LEADER, 1)
    later = later.replace(DEMAND_END, LATER_DEMAND + DEMAND_END, 1)
    scenario = load_text(later, "later.yaml")
    original = load_text(TEXT, "x")
    assert len(scenario.target.leaders) == len(original.target.leaders) + 1  # read
    assert len(scenario.demand.changes) == 1
    assert view_dump(later) == view_dump(TEXT)
    view = as_of(scenario, scenario.start)
    assert all(entry.since <= scenario.start for entry in view.target.leaders)
    assert view.demand.changes == []
    # on a later date both are kept: the view drops only what is not yet known
    kept = as_of(scenario, scenario.start.replace(year=2015))
    assert kept.target.leaders[-1].name == "Abdel Fattah al-Sisi"
    assert [c.description for c in kept.demand.changes] == ["a later demand"]


MEDIATION_END = "    sources: [au-psc-384]\n\nthird_parties:"
LATER_EPISODE = """  - mediator: USA
    since: 2013-08-01
    sources: [au-psc-384]
shocks:
  - {date: 2013-09-01, kind: political, description: a later shock, sources: [au-psc-384]}
coercion:
  - {id: later-threat, kind: ultimatum, by: [AU], date: 2013-07-20, sources: [au-psc-384]}
  - {id: threat-made, kind: threat_of_force, by: [USA], date: 2013-07-05, until: 2013-12-01, \
sources: [au-psc-384]}
settlements:
  - id: later-settlement
    name: a later settlement
    agreed: 2014-01-01
    target_delivers: elections
    suspends: [{measure: au-suspension}]
    reimpose: {on_renege: true}
    sources: [au-psc-384]

third_parties:"""


def test_later_shocks_settlements_coercion_and_mediation_leave_the_view_as_known_on_start() -> None:
    """The sixth batch's encoders could not add these in the record's commit (session 12)."""
    assert TEXT.count(MEDIATION_END) == 1  # the AU's mediation ends the block
    later = TEXT.replace(MEDIATION_END, MEDIATION_END.split("\n\n")[0] + "\n" + LATER_EPISODE, 1)
    scenario = load_text(later, "later.yaml")
    assert (len(scenario.shocks), len(scenario.settlements), len(scenario.coercion)) == (1, 1, 2)
    assert len(scenario.mediation) == 2
    view = as_of(scenario, scenario.start)
    assert (view.shocks, view.settlements) == ([], [])
    assert [c.id for c in view.coercion] == ["threat-made"]  # made on start ...
    assert view.coercion[0].until is None  # ... its later end not yet known
    assert [m.mediator for m in view.mediation] == ["AU"]
    # the file with the AU's mediation and the threat made on start, nothing later, reads the same
    known = TEXT.replace(
        MEDIATION_END,
        MEDIATION_END.split("\n\n")[0]
        + "\ncoercion:\n  - {id: threat-made, kind: threat_of_force, by: [USA], date: 2013-07-05, "
        "sources: [au-psc-384]}\n\nthird_parties:",
        1,
    )
    assert view_dump(later) == view_dump(known)
    # on a later date all of it is kept
    kept = as_of(scenario, scenario.start.replace(year=2015))
    assert len(kept.shocks) == len(kept.settlements) == 1
    assert kept.coercion[1].until is not None
