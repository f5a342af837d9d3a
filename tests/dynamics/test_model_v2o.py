"""Model v2o: a sender allied with the target backs down sooner (docs/model-v2.md, "v2o").

O1: the scenario's ``alliances`` says which senders a defence treaty in force on ``start`` binds
to the target; every built-in case says it. O2: an allied sender's easing logit is shifted by τ.
O3: v2o is v2n run by run at τ = 0, or where no sender is bound; an allied sender eases more as τ
grows, the others' terms are v2n's. O4: the grid, the half-normal prior, calibration files that
carry τ for v2o only, and ``analyze``'s and ``check``'s words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from sanctionsim.dynamics.calibration import FittedParameters, fitted_by, load_calibration
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.history.grids import ALLIANCE_GRID, grid_axes, grid_of, log_prior
from sanctionsim.scenario.checks import scenario_warnings
from sanctionsim.scenario.episode import allied_with_target
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Alliances, Scenario
from sanctionsim.versions import VERSIONS
from support import (
    V2M_FAMILY,
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_same_member_terms,
    assert_version_flags,
    bound,
    same_runs,
    same_whatever_the_chunk_size,
    terms_of,
)

ERA = FittedParameters(
    1.0, 0.005, 2.0, temptation_weight=0.5, coup_concession_ratio=3.0, cold_war_ratio=0.6
)
TIE = dataclasses.replace(ERA, alliance_shift=1.0)
# The Cominform's measures against Tito: every member holds something to ease on start
BLOC = load_scenario("yugoslavia-1948")
ALLY = BLOC.members[1].id  # a member, not the leader
BOUND = bound(BLOC, [ALLY])
UNBOUND = BLOC.model_copy(update={"alliances": Alliances(with_target=[])})


def outcomes(world: Scenario, model: str, choice: FittedParameters) -> RunOutcomes:
    return run_outcomes(world, runs=1024, horizon=36, seed=7, model=model, choice=choice,
                        omega=1 / 12)  # fmt: skip


# -- O1: the tie, read from the scenario ----------------------------------------------------------
def test_the_tie_is_read_from_the_alliances_block() -> None:
    ids = [actor.id for actor in BLOC.members]
    assert allied_with_target(BOUND, ids) == tuple(i == ALLY for i in ids)
    assert allied_with_target(UNBOUND, ids) == tuple(False for _ in ids)
    later = bound(BLOC, [ALLY], since=BLOC.start + dt.timedelta(days=1))
    assert allied_with_target(later, ids) == tuple(False for _ in ids)  # not in force on start


def test_every_built_in_case_says_which_senders_are_bound() -> None:
    missing = [case for case in case_ids() if load_scenario(case).alliances is None]
    assert missing == []


def test_check_warns_when_v2o_reads_no_alliances_block() -> None:
    bare = BLOC.model_copy(update={"alliances": None})
    paths = [path for path, _ in scenario_warnings(bare, "v2o")]
    assert ("alliances",) in paths
    assert ("alliances",) not in [path for path, _ in scenario_warnings(bare, "v2n")]
    assert ("alliances",) not in [path for path, _ in scenario_warnings(UNBOUND, "v2o")]


# -- O2 and O3: the shift, and v2n wherever it does not act ---------------------------------------
def test_only_the_allied_senders_logit_is_shifted_by_tau() -> None:
    ids = [actor.id for actor in BLOC.members]
    for i, (o_terms, n_terms) in enumerate(
        zip(terms_of(BOUND, "v2o", TIE), terms_of(BOUND, "v2n", ERA), strict=True)
    ):
        assert_same_member_terms(o_terms, n_terms)
        assert o_terms.alliance is not None
        assert np.all(o_terms.alliance == (1.0 if ids[i] == ALLY else 0.0))
        assert n_terms.alliance is None


def test_at_tau_zero_v2o_is_v2n_run_by_run() -> None:
    assert same_runs(outcomes(BOUND, "v2o", ERA), outcomes(BOUND, "v2n", ERA))


def test_where_no_sender_is_bound_v2o_is_v2n_at_any_tau() -> None:
    assert same_runs(outcomes(UNBOUND, "v2o", TIE), outcomes(UNBOUND, "v2n", ERA))


def test_the_allied_sender_eases_more_as_tau_grows() -> None:
    column = [actor.id for actor in BLOC.members].index(ALLY)
    shares = []
    for tau in (0.0, 0.5, 1.0):
        run = outcomes(BOUND, "v2o", dataclasses.replace(ERA, alliance_shift=tau))
        shares.append(run.eased_by(36)[:, column].mean())
    assert shares[0] < shares[1] < shares[2]
    others = [i for i in range(len(BLOC.members)) if i != column]
    at_zero = outcomes(BOUND, "v2o", ERA).eased_by(36)[:, others]
    assert at_zero.mean() > 0  # the others can ease too: the shift is the ally's alone


def test_v2o_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(BOUND, "v2o", TIE)


def test_v2o_is_v2n_with_the_alliances_read_and_fits_its_own() -> None:
    assert_built_on_v2f("v2o")
    assert_version_flags(
        "v2o",
        {},
        alliance_read=True,
        era_read=True,
        tie_in_cold_war_only=False,
        **V2M_FAMILY,
    )


# -- O4: the grid, the prior, the calibration files and analyze -----------------------------------
def test_calibrate_searches_the_designs_grid_for_v2o() -> None:
    assert grid_of("v2o") is ALLIANCE_GRID
    assert len(ALLIANCE_GRID) == 48
    assert grid_axes(ALLIANCE_GRID) == {  # the others held at what every version holds
        "alliance_shift": [0.0, 0.5, 1.0],
        "cold_war_ratio": [0.6, 1.0],
        "coup_concession_ratio": [2.0, 3.0],
        "temptation_weight": [0.5],
        "concession_scale": [2.0, 3.0],
        "slope": [1.0, 2.0],
        "backing_down": [0.005],
    }
    assert fitted_by("v2o")[-1] == "alliance_shift"
    assert all(p.alliance_shift == 0.0 for name in VERSIONS if name not in ("v2o", "v2p")
               for p in (grid_of(name) if VERSIONS[name].fits else ()))  # fmt: skip


def test_the_alliance_shifts_prior_is_half_normal_with_scale_one() -> None:
    for tau in (0.5, 1.0, 2.0):
        shifted = dataclasses.replace(ERA, alliance_shift=tau)
        assert log_prior(shifted) - log_prior(ERA) == pytest.approx(-0.5 * tau**2)


def test_a_calibration_carries_the_alliance_shift_for_v2o_only() -> None:
    assert_calibration_carries(
        "v2o", TIE, "alliance_shift", "tau half-normal, scale 1", refused_by="v2n"
    )


def test_analyze_with_model_v2o_says_who_is_bound_and_the_shift() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2o").fitted
    terms = sanctionsim.analyze(BOUND, model="v2o").to_dict()["v2_choice"]
    assert {member: t["allied_with_target"] for member, t in terms.items()} == {
        actor.id: actor.id == ALLY for actor in BLOC.members
    }
    shifted = {member for member, t in terms.items() if t.get("alliance_shift")}
    assert shifted == ({ALLY} if fitted.alliance_shift else set())
    for t in terms.values():
        assert t.get("alliance_shift", 0.0) in (0.0, pytest.approx(fitted.alliance_shift))
    v2n = sanctionsim.analyze(BOUND, model="v2n").to_dict()["v2_choice"]
    assert all("allied_with_target" not in t for t in v2n.values())
