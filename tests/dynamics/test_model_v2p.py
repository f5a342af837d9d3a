"""Model v2p: the tie acts in the Cold War only; the era no longer scales the concession
(docs/model-v2.md, "v2p").

P1: a sender bound to the target has its easing logit shifted by τ only where the episode starts
before the end of the Cold War. P2: ε is held at 1 (v2p's grid never searches it). P4: v2p is
v2o run by run in the Cold War at ε = 1, v2n at ε = 1 after it whatever τ, and v2n at ε = 1 at
τ = 0; ``analyze`` and ``check`` say so. P3: the grid, the prior and the calibration files.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sanctionsim.dynamics.calibration import FittedParameters, fitted_by, load_calibration
from sanctionsim.history.grids import COLD_WAR_TIE_GRID, grid_axes, grid_of
from sanctionsim.scenario.checks import scenario_warnings
from sanctionsim.scenario.episode import allied_with_target, starts_in_cold_war
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS
from support import (
    V2M_FAMILY,
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_same_member_terms,
    assert_version_flags,
    bound,
    played,
    same_runs,
    same_whatever_the_chunk_size,
    terms_of,
)

# The Cominform's measures against Tito (1948), one member bound by a made-up treaty
BLOC = load_scenario("yugoslavia-1948")
ALLY = BLOC.members[1].id  # a member, not the leader
COLD_WAR_BOUND = bound(BLOC, [ALLY])
LEVEL = FittedParameters(1.0, 0.005, 2.0, temptation_weight=0.5, coup_concession_ratio=3.0)
TIE = dataclasses.replace(LEVEL, alliance_shift=1.0)
# The Gulf states' measures on Qatar (2017): every sender bound by the Arab League's treaty
LATER_BOUND = load_scenario("qatar-2017")


def test_the_two_worlds_are_one_in_each_era_with_bound_senders() -> None:
    assert starts_in_cold_war(COLD_WAR_BOUND)
    assert not starts_in_cold_war(LATER_BOUND)
    later_ids = [actor.id for actor in LATER_BOUND.members]
    assert sum(allied_with_target(LATER_BOUND, later_ids)) >= 2


# -- P1: the tie's shift, in the Cold War only ----------------------------------------------------
def test_in_the_cold_war_only_the_bound_senders_logit_is_shifted() -> None:
    ids = [actor.id for actor in BLOC.members]
    p_all, n_all = terms_of(COLD_WAR_BOUND, "v2p", TIE), terms_of(COLD_WAR_BOUND, "v2n", LEVEL)
    for i, (p_terms, n_terms) in enumerate(zip(p_all, n_all, strict=True)):
        assert_same_member_terms(p_terms, n_terms)
        assert p_terms.alliance is not None
        assert np.all(p_terms.alliance == (1.0 if ids[i] == ALLY else 0.0))


def test_after_the_cold_war_no_senders_logit_is_shifted() -> None:
    for p_terms, n_terms in zip(
        terms_of(LATER_BOUND, "v2p", TIE), terms_of(LATER_BOUND, "v2n", LEVEL), strict=True
    ):
        assert_same_member_terms(p_terms, n_terms)
        assert p_terms.alliance is None
    o_shifts = [terms.alliance for terms in terms_of(LATER_BOUND, "v2o", TIE)]
    assert any(shift is not None and np.any(shift > 0) for shift in o_shifts)  # v2o's would act


# -- P4: v2o in the Cold War, v2n at ε = 1 after it and at τ = 0 ---------------------------------
def test_in_the_cold_war_v2p_is_v2o_at_epsilon_one_run_by_run() -> None:
    assert same_runs(played(COLD_WAR_BOUND, "v2p", TIE), played(COLD_WAR_BOUND, "v2o", TIE))


def test_after_the_cold_war_v2p_is_v2n_at_epsilon_one_whatever_tau() -> None:
    assert same_runs(played(LATER_BOUND, "v2p", TIE), played(LATER_BOUND, "v2n", LEVEL))
    assert not same_runs(played(LATER_BOUND, "v2o", TIE), played(LATER_BOUND, "v2n", LEVEL))


def test_at_tau_zero_v2p_is_v2n_at_epsilon_one_run_by_run() -> None:
    assert same_runs(played(COLD_WAR_BOUND, "v2p", LEVEL), played(COLD_WAR_BOUND, "v2n", LEVEL))


def test_the_cold_war_ally_eases_more_as_tau_grows() -> None:
    column = [actor.id for actor in BLOC.members].index(ALLY)
    shares = [
        played(COLD_WAR_BOUND, "v2p", dataclasses.replace(LEVEL, alliance_shift=tau))
        .eased_by(36)[:, column]
        .mean()
        for tau in (0.0, 0.5, 1.5)
    ]
    assert shares[0] < shares[1] < shares[2]


def test_v2p_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(COLD_WAR_BOUND, "v2p", TIE)


def test_v2p_is_v2o_with_the_tie_in_the_cold_war_only_and_fits_its_own() -> None:
    assert_built_on_v2f("v2p")
    assert_version_flags(
        "v2p",
        {"tie_in_cold_war_only": True},
        era_read=True,
        alliance_read=True,
        **V2M_FAMILY,
    )


def test_check_warns_when_v2p_reads_no_alliances_block() -> None:
    bare = BLOC.model_copy(update={"alliances": None})
    assert ("alliances",) in [path for path, _ in scenario_warnings(bare, "v2p")]


# -- P2 and P3: the grid holds ε at 1; the prior and the calibration files ------------------------
def test_calibrate_searches_the_designs_grid_for_v2p() -> None:
    assert grid_of("v2p") is COLD_WAR_TIE_GRID
    assert len(COLD_WAR_TIE_GRID) == 32
    assert grid_axes(COLD_WAR_TIE_GRID) == {  # ε held at 1, so not an axis
        "alliance_shift": [0.0, 0.5, 1.0, 1.5],
        "coup_concession_ratio": [2.0, 3.0],
        "temptation_weight": [0.5],
        "concession_scale": [2.0, 3.0],
        "slope": [1.0, 2.0],
        "backing_down": [0.005],
    }
    assert fitted_by("v2p")[-1] == "alliance_shift"
    assert all(p.alliance_shift == 0.0 for name in VERSIONS if name not in ("v2o", "v2p")
               for p in (grid_of(name) if VERSIONS[name].fits else ()))  # fmt: skip


def test_a_calibration_carries_the_alliance_shift_for_v2p_and_epsilon_one() -> None:
    assert_calibration_carries(
        "v2p", TIE, "alliance_shift", "tau half-normal, scale 1", refused_by="v2n"
    )
    shipped = load_calibration(model="v2p")
    assert shipped.fitted.cold_war_ratio == 1.0
    assert all(fold.cold_war_ratio == 1.0 for fold in shipped.folds.values())


def test_analyze_with_model_v2p_says_who_is_bound_and_where_the_shift_acts() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2p").fitted
    later = sanctionsim.analyze(LATER_BOUND, model="v2p").to_dict()["v2_choice"]
    later_ids = [actor.id for actor in LATER_BOUND.members]
    bound_later = dict(zip(later_ids, allied_with_target(LATER_BOUND, later_ids), strict=True))
    assert {member: t["allied_with_target"] for member, t in later.items()} == bound_later
    assert all(not t.get("alliance_shift") for t in later.values())
    assert all(t["starts_in_cold_war"] is False for t in later.values())
    cold = sanctionsim.analyze(COLD_WAR_BOUND, model="v2p").to_dict()["v2_choice"]
    shifted = {member for member, t in cold.items() if t.get("alliance_shift")}
    assert shifted == ({ALLY} if fitted.alliance_shift else set())
