"""Model v2q: one concession level for both eras (docs/model-v2.md, "v2q").

Q1: the target concedes with min(1, ψ·χ^(c·(1 − e))·h(P)·w_t): v2n's hazard with ε held at 1, χ
for the coups of episodes starting after the Cold War only; v2q is v2n at ε = 1 run by run, in
either era. Q2: the grid (ψ × χ × μ × λ, 24 points, ε never an axis) and the calibration files,
whose ε is 1 in every fold.
"""

from __future__ import annotations

import dataclasses

import pytest

from sanctionsim.dynamics.calibration import FittedParameters, load_calibration
from sanctionsim.history.grids import ONE_LEVEL_GRID, grid_axes, grid_of
from sanctionsim.scenario.episode import answers_coup, starts_in_cold_war
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import VERSIONS
from support import (
    V2M_FAMILY,
    assert_built_on_v2f,
    assert_same_member_terms,
    assert_version_flags,
    played,
    same_runs,
    same_whatever_the_chunk_size,
    terms_of,
)

LEVEL = FittedParameters(1.5, 0.005, 2.0, temptation_weight=0.5, coup_concession_ratio=3.0)
ERA = dataclasses.replace(LEVEL, cold_war_ratio=0.6)  # v2n's fitted factor
CHILE = load_scenario("chile-1973")  # a Cold War coup: ε acted on it in v2n, χ never did
MALI = load_scenario("mali-2012")  # a coup after the Cold War: χ acts


def test_the_two_worlds_are_one_in_each_era() -> None:
    assert starts_in_cold_war(CHILE)
    assert not starts_in_cold_war(MALI)
    assert answers_coup(MALI)


# -- Q1: v2n at ε = 1, run by run, in either era ---------------------------------------------------
@pytest.mark.parametrize("world", [CHILE, MALI], ids=["cold-war", "after"])
def test_v2q_is_v2n_at_epsilon_one_run_by_run(world: Scenario) -> None:
    assert same_runs(played(world, "v2q", LEVEL), played(world, "v2n", LEVEL))
    for q_terms, n_terms in zip(
        terms_of(world, "v2q", LEVEL), terms_of(world, "v2n", LEVEL), strict=True
    ):
        assert_same_member_terms(q_terms, n_terms)


def test_in_the_cold_war_v2q_concedes_more_than_v2n_at_its_fitted_epsilon() -> None:
    one_level = (played(CHILE, "v2q", LEVEL).conceded_month > 0).mean()
    lowered = (played(CHILE, "v2n", ERA).conceded_month > 0).mean()
    assert one_level > lowered
    # after the Cold War ε never acted, so v2n at ε 0.6 is v2q run by run
    assert same_runs(played(MALI, "v2q", LEVEL), played(MALI, "v2n", ERA))


def test_v2q_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(CHILE, "v2q", LEVEL)


def test_v2q_is_v2n_with_the_era_factor_held_and_fits_its_own() -> None:
    assert_built_on_v2f("v2q")
    assert_version_flags(
        "v2q",
        {},  # v2r and v2s hold ε at 1 too: what v2q alone does is read no fading besides it
        era_read=True,
        era_factor_held=True,
        resolve_revealed=False,
        alliance_read=False,
        tie_in_cold_war_only=False,
        **V2M_FAMILY,
    )
    assert [name for name, v in VERSIONS.items() if v.era_factor_held] == ["v2q", "v2r", "v2s"]


# -- Q2: the grid holds ε at 1; the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2q() -> None:
    assert grid_of("v2q") is ONE_LEVEL_GRID
    assert len(ONE_LEVEL_GRID) == 24
    assert grid_axes(ONE_LEVEL_GRID) == {  # ε held at 1, so not an axis
        "coup_concession_ratio": [2.0, 3.0],
        "temptation_weight": [0.5, 1.0],
        "concession_scale": [2.0, 3.0],
        "slope": [1.0, 1.5, 2.0],
        "backing_down": [0.005],
    }
    others = [name for name, version in VERSIONS.items() if version.fits and name != "v2q"]
    assert all(grid_of(name) is not ONE_LEVEL_GRID for name in others)


def test_the_shipped_calibration_holds_epsilon_at_one_in_every_fold() -> None:
    shipped = load_calibration(model="v2q")
    assert shipped.model == "v2q"
    assert shipped.fitted.cold_war_ratio == 1.0
    assert shipped.fitted.alliance_shift == 0.0
    assert all(fold.cold_war_ratio == 1.0 for fold in shipped.folds.values())
    assert shipped.fitted in ONE_LEVEL_GRID


@pytest.mark.parametrize("model", ["v2p", "v2q", "v2r", "v2s"])
def test_a_calibration_that_holds_epsilon_at_one_refuses_another(model: str) -> None:
    import json

    from sanctionsim.dynamics.calibration import fitted_by, parse_calibration
    from sanctionsim.errors import InputError

    assert "cold_war_ratio" not in fitted_by(model)
    document = load_calibration(model=model).to_dict()
    document["fitted"] = dataclasses.replace(LEVEL, cold_war_ratio=0.6).to_dict()
    with pytest.raises(
        InputError, match=f"model {model} does not fit cold_war_ratio: it must be 1"
    ):
        parse_calibration(json.dumps(document), f"{model}.json")
    assert VERSIONS["v2n"].era_factor_fitted  # v2n and v2o fit it
    assert [name for name, v in VERSIONS.items() if v.era_factor_fitted] == ["v2n", "v2o"]


def test_analyze_with_model_v2q_says_the_era_and_one_level() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2q").fitted
    chile = sanctionsim.analyze(CHILE, model="v2q").to_dict()["v2_choice"]
    mali = sanctionsim.analyze(MALI, model="v2q").to_dict()["v2_choice"]
    for terms in chile.values():
        assert terms["starts_in_cold_war"] is True
        assert terms["concession_factor"] == pytest.approx(fitted.concession_scale)
    for terms in mali.values():
        assert (terms["starts_in_cold_war"], terms["answers_coup"]) == (False, True)
        assert terms["concession_factor"] == pytest.approx(
            fitted.concession_scale * fitted.coup_concession_ratio
        )
