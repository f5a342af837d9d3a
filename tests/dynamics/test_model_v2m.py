"""Model v2m: a coup's regime concedes faster (docs/model-v2.md, "v2m").

M1: the target's concession hazard is min(1, ψ·χ^c·h(P)·w_t), c = 1 where the episode answers a
coup (a provocation of kind ``coup`` within 365 days before ``start``). At χ = 1 v2m is v2i run by
run; where no coup is answered it is v2i's at any χ; where one is, the concession rises with χ and
the members' choice terms are v2i's. M3: the grid, the log-normal prior, and calibration files
that carry χ for v2m only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest

from sanctionsim.dynamics.calibration import FittedParameters, fitted_by, load_calibration
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.setup import prepare
from sanctionsim.history.grids import COUP_GRID, grid_of, log_prior
from sanctionsim.scenario.episode import COUP_WINDOW_DAYS, answers_coup
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from support import (
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_same_member_terms,
    assert_version_flags,
    same_runs,
    same_whatever_the_chunk_size,
    terms_of,
)

RANKED = FittedParameters(1.0, 0.005, 2.0, temptation_weight=1.0)
SCALED = dataclasses.replace(RANKED, coup_concession_ratio=2.0)
MALI = load_scenario("mali-2012")  # the coup of 22 March 2012, the AU's suspension the next day
LIBYA = load_scenario("libya-1992")  # the Security Council's measures over Lockerbie: no coup


def outcomes(world: Scenario, model: str, choice: FittedParameters) -> RunOutcomes:
    return run_outcomes(world, runs=1024, horizon=36, seed=7, model=model, choice=choice,
                        omega=1 / 12)  # fmt: skip


def with_coup(world: Scenario, days_before_start: int) -> Scenario:
    """``world`` with its provocations of kind coup moved to ``days_before_start`` days before
    its start."""
    moved = [
        p.model_copy(update={"date": world.start - dt.timedelta(days=days_before_start)})
        if p.kind == "coup"
        else p
        for p in world.target.provocations
    ]
    target = world.target.model_copy(update={"provocations": moved})
    return world.model_copy(update={"target": target})


# -- M1: which episodes answer a coup -------------------------------------------------------------
def test_an_episode_answers_a_coup_dated_within_the_window_before_its_start() -> None:
    assert answers_coup(MALI)
    assert not answers_coup(LIBYA)
    assert answers_coup(with_coup(MALI, COUP_WINDOW_DAYS))
    assert not answers_coup(with_coup(MALI, COUP_WINDOW_DAYS + 1))
    assert not answers_coup(with_coup(MALI, -1))  # a coup after the start is history, not read


def test_the_library_holds_the_coups_the_design_counted() -> None:
    answering = {case for case in case_ids() if answers_coup(load_scenario(case))}
    # the design's 38 of the 122 (docs/model-v2.md, "v2m"), Chile 1973 of the twelfth batch and
    # Suriname 1982 of the thirteenth (the army's ouster of Chin A Sen, entered as a coup), and the
    # sixteenth's three (Côte d'Ivoire 1999, Niger 1999, Turkey 1980) and the seventeenth's three
    # (Niger 1996, Bolivia 1980, Greece 1967)
    assert len(answering) == 46
    assert {"mali-2012", "peru-1992", "thailand-2014", "mali-2022", "chile-1973"} <= answering
    assert not {"nigeria-1995", "argentina-1982", "libya-1992"} & answering  # too late, none


def test_only_v2m_reads_the_coup_and_its_factor_is_psi_times_chi() -> None:
    plain = prepare(MALI, "v2i", choice=SCALED, omega=1 / 12).clock
    read = prepare(MALI, "v2m", choice=SCALED, omega=1 / 12).clock
    elsewhere = prepare(LIBYA, "v2m", choice=SCALED, omega=1 / 12).clock
    assert plain is not None
    assert read is not None
    assert elsewhere is not None
    assert (plain.answers_coup, read.answers_coup, elsewhere.answers_coup) == (False, True, False)
    assert read.concession_factor == 4.0
    assert elsewhere.concession_factor == plain.concession_factor == 2.0
    month = read.months(12)
    hazard = np.array([0.01, 0.3])
    expected = np.minimum(1.0, 4.0 * hazard * month.age_weight[2])
    assert np.array_equal(month.concession(hazard, 3), expected)


def test_the_members_choice_terms_are_v2is_whatever_chi() -> None:
    pairs = zip(terms_of(MALI, "v2m", SCALED), terms_of(MALI, "v2i", RANKED), strict=True)
    for m_terms, i_terms in pairs:
        assert_same_member_terms(m_terms, i_terms)


# -- M2: v2i where chi does not act; the concession rises with chi where it does ------------------
def test_at_chi_one_v2m_is_v2i_run_by_run() -> None:
    assert same_runs(outcomes(MALI, "v2m", RANKED), outcomes(MALI, "v2i", RANKED))


def test_an_episode_answering_no_coup_is_v2is_at_any_chi() -> None:
    assert same_runs(outcomes(LIBYA, "v2m", SCALED), outcomes(LIBYA, "v2i", RANKED))


def test_where_a_coup_is_answered_the_target_concedes_sooner_as_chi_rises() -> None:
    shares = []
    for ratio in (1.0, 1.5, 3.0):
        run = outcomes(MALI, "v2m", dataclasses.replace(RANKED, coup_concession_ratio=ratio))
        shares.append(((run.conceded_month > 0) & (run.conceded_month <= 6)).mean())
    assert shares[0] < shares[1] < shares[2]


def test_v2m_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(MALI, "v2m", SCALED)


def test_v2m_is_v2i_with_the_coup_read_and_fits_its_own() -> None:
    assert_built_on_v2f("v2m")
    assert_version_flags(
        "v2m",
        {},
        coup_scaled=True,
        era_read=False,
        temptation_ranked=True,
        leader_ranked=True,
        leader_weighted=False,
        prospects_read=False,
        discretion_read=False,
        carve_outs=False,
        lobby_weighted=False,
    )


# -- M3: the grid, the prior and the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2m() -> None:
    assert grid_of("v2m") is COUP_GRID
    assert len(COUP_GRID) == 48
    axes = {
        name: sorted({getattr(p, name) for p in COUP_GRID})
        for name in ("coup_concession_ratio", "concession_scale", "temptation_weight", "slope")
    }
    assert axes == {
        "coup_concession_ratio": [1.0, 1.5, 2.0, 3.0],
        "concession_scale": [1.5, 2.0, 3.0],
        "temptation_weight": [0.5, 1.0],
        "slope": [1.0, 2.0],
    }
    held = {
        (p.backing_down, p.carve_out_shift, p.lobby_weight, p.prospect_weight, p.leader_weight,
         p.discretion_weight)
        for p in COUP_GRID
    }  # fmt: skip
    assert held == {(0.005, 0.0, 0.0, 0.0, 1.0, 0.0)}
    assert fitted_by("v2m") == ("concession_scale", "temptation_weight", "coup_concession_ratio")


def test_the_coup_ratios_prior_is_log_normal_about_one_with_sd_ln_two() -> None:
    for ratio in (1.5, 2.0, 3.0):
        raised = dataclasses.replace(RANKED, coup_concession_ratio=ratio)
        expected = -0.5 * (math.log(ratio) / math.log(2.0)) ** 2
        assert log_prior(raised) - log_prior(RANKED) == pytest.approx(expected)


def test_a_calibration_carries_the_coup_ratio_for_v2m_only() -> None:
    prior = f"chi log-normal about 1, sd {math.log(2.0):.4f}"
    assert_calibration_carries("v2m", SCALED, "coup_concession_ratio", prior, bad=(0.5, -1.0))


def test_analyze_with_model_v2m_says_whether_the_episode_answers_a_coup() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2m").fitted
    mali = sanctionsim.analyze("mali-2012", model="v2m").to_dict()["v2_choice"]
    libya = sanctionsim.analyze("libya-1992", model="v2m").to_dict()["v2_choice"]
    for terms in mali.values():
        assert terms["answers_coup"] is True
        assert terms["concession_factor"] == pytest.approx(
            fitted.concession_scale * fitted.coup_concession_ratio
        )
    for terms in libya.values():
        assert (terms["answers_coup"], terms["concession_factor"]) == (
            False,
            fitted.concession_scale,
        )
    v2i = sanctionsim.analyze("mali-2012", model="v2i").to_dict()["v2_choice"]
    assert all("answers_coup" not in terms for terms in v2i.values())
