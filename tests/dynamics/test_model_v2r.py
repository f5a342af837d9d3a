"""Model v2r: a fresh measure reveals its sender's resolve (docs/model-v2.md, "v2r").

R1: member i eases at an epoch with probability Λ(θ_t + r_i(t)·(τ_i + λ·ΔV_i/S_i)),
r_i(t) = 1 − exp(−a_i(t)/T), a_i(t) the months since it imposed its own measures, at the end of
the month decided; T = 0 reads as r = 1, v2q. R3: v2q run by run at T = 0; a fresh measure's
sender whose case-specific terms favour easing eases less in its first months, and its weight
rises with its measures' age; chunk invariance; the grid; the calibration files; ``analyze``.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sanctionsim.dynamics.calibration import FittedParameters, fitted_by, load_calibration
from sanctionsim.dynamics.choice import fading_weight
from sanctionsim.history.grids import RESOLVE_GRID, grid_axes, grid_of, log_prior
from sanctionsim.scenario.episode import measure_age_months
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS
from support import (
    V2M_FAMILY,
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_version_flags,
    imposed_earlier,
    played,
    same_runs,
    same_whatever_the_chunk_size,
    terms_of,
)

LEVEL = FittedParameters(1.5, 0.005, 2.0, temptation_weight=0.5, coup_concession_ratio=3.0)
FADING = dataclasses.replace(LEVEL, resolve_months=12.0)
# France's embargo of 3 June 1967, two days before the start: its inputs say easing pays
SIX_DAYS = load_scenario("israel-1967")
FRANCE = [actor.id for actor in SIX_DAYS.members].index("FRA")


# -- R1: the measures' age, and the weight it gives the case-specific terms -----------------------
def test_a_members_measure_age_is_read_from_its_own_measures_on_the_start() -> None:
    ids = [actor.id for actor in SIX_DAYS.members]
    ages = dict(zip(ids, measure_age_months(SIX_DAYS, ids), strict=True))
    assert 0.0 < ages["FRA"] < 0.2  # two days
    older = imposed_earlier(SIX_DAYS, 10)
    assert measure_age_months(older, ["FRA"])[0] == pytest.approx(120.0 + ages["FRA"], abs=0.1)


@pytest.mark.parametrize("model", ["v2r", "v2s"])  # v2s: France's terms say ease, so weighed
def test_at_t_zero_the_fading_versions_are_v2q_run_by_run(model: str) -> None:
    assert same_runs(played(SIX_DAYS, model, LEVEL), played(SIX_DAYS, "v2q", LEVEL))


@pytest.mark.parametrize("model", ["v2r", "v2s"])  # v2s: France's terms say ease, so weighed
def test_a_fresh_measures_sender_eases_less_early_where_its_stake_says_ease(model: str) -> None:
    fading = played(SIX_DAYS, model, FADING).eased_by(3)[:, FRANCE].mean()
    at_once = played(SIX_DAYS, "v2q", LEVEL).eased_by(3)[:, FRANCE].mean()
    assert fading < 0.7 * at_once


@pytest.mark.parametrize("model", ["v2r", "v2s"])  # v2s: France's terms say ease, so weighed
def test_the_weight_grows_with_the_measures_age(model: str) -> None:
    early = [
        played(imposed_earlier(SIX_DAYS, years), model, FADING).eased_by(3)[:, FRANCE].mean()
        for years in (0, 1, 10)
    ]
    assert early[0] < early[1] < early[2]  # France's stake says ease: less so while it is fresh
    settled = played(imposed_earlier(SIX_DAYS, 10), "v2q", LEVEL).eased_by(3)[:, FRANCE].mean()
    assert early[2] == pytest.approx(settled, rel=0.02)  # ten years on, r ≈ 1: v2q's


@pytest.mark.parametrize("model", ["v2r", "v2s"])  # v2s: France's terms say ease, so weighed
def test_the_fading_versions_are_the_same_whatever_the_chunk_size(model: str) -> None:
    assert same_whatever_the_chunk_size(SIX_DAYS, model, FADING)


def test_v2r_is_v2q_with_the_resolve_read_and_fits_its_own() -> None:
    assert_built_on_v2f("v2r")
    assert_version_flags(
        "v2r",
        {},  # v2s reads the resolve too: what v2r alone does is weigh it both ways
        resolve_revealed=True,
        resolve_one_sided=False,  # checked below: v2r alone weighs both ways
        era_read=True,
        era_factor_held=True,
        alliance_read=False,
        **V2M_FAMILY,
    )
    both_ways = [
        name for name, v in VERSIONS.items() if v.resolve_revealed and not v.resolve_one_sided
    ]
    assert both_ways == ["v2r"]


# -- R2: the grid and the calibration files -------------------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2r() -> None:
    assert grid_of("v2r") is RESOLVE_GRID
    assert len(RESOLVE_GRID) == 12
    assert grid_axes(RESOLVE_GRID) == {
        "resolve_months": [0.0, 6.0, 12.0, 24.0],
        "coup_concession_ratio": [3.0],
        "temptation_weight": [0.5],
        "concession_scale": [2.0],
        "slope": [1.0, 1.5, 2.0],
        "backing_down": [0.005],
    }
    others = [name for name, v in VERSIONS.items() if v.fits and name not in ("v2r", "v2s")]
    assert all(p.resolve_months == 0.0 for name in others for p in grid_of(name))


@pytest.mark.parametrize("model", ["v2r", "v2s"])
def test_the_shipped_calibration_is_on_the_grid(model: str) -> None:
    shipped = load_calibration(model=model)
    assert shipped.model == model
    assert shipped.fitted in RESOLVE_GRID
    assert all(fold in RESOLVE_GRID for fold in shipped.folds.values())


def test_a_calibration_carries_the_fading_for_v2r_and_not_v2q() -> None:
    assert fitted_by("v2r")[-1] == "resolve_months"
    assert "resolve_months" not in fitted_by("v2q")
    assert_calibration_carries(
        "v2r", FADING, "resolve_months", "T flat on the grid", refused_by="v2q"
    )
    assert log_prior(FADING) == log_prior(LEVEL)  # T's prior is flat on the grid


def test_the_weight_is_the_measures_age_at_the_end_of_the_month_decided() -> None:
    a = measure_age_months(SIX_DAYS, ["FRA"])[0]
    (france,) = [t for t in terms_of(SIX_DAYS, "v2r", FADING) if t.measure_age == a]
    assert france.resolve_rate is not None
    assert france.resolve_rate[0] == 1 / 12
    for elapsed in (0, 2, 11):
        expected = -math.expm1(-(a + elapsed + 1.0) / 12.0)
        assert fading_weight(a, elapsed, france.resolve_rate)[0] == pytest.approx(expected)
    level = terms_of(SIX_DAYS, "v2r", LEVEL)  # T = 0: an infinite rate, a weight of exactly 1
    assert all(t.resolve_rate is not None and np.all(np.isinf(t.resolve_rate)) for t in level)
    assert all(t.resolve_rate is None for t in terms_of(SIX_DAYS, "v2q", LEVEL))


def test_analyze_with_model_v2r_says_the_age_and_the_weight() -> None:
    import sanctionsim

    months = load_calibration(model="v2r").fitted.resolve_months
    choice = sanctionsim.analyze(SIX_DAYS, model="v2r").to_dict()["v2_choice"]
    france = choice["FRA"]
    expected = 1.0 if not months else -math.expm1(-(france["measure_age_months"] + 1.0) / months)
    assert france["resolve_weight"] == pytest.approx(expected)
    assert (
        "resolve_weight"
        not in sanctionsim.analyze(SIX_DAYS, model="v2q").to_dict()["v2_choice"]["FRA"]
    )
