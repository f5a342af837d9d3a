"""Model v2s: a fresh measure's revealed resolve only lowers its sender's easing odds
(docs/model-v2.md, "v2s").

S1: member i eases at an epoch with probability Λ(θ_t + min(x, r_i(t)·x)), x = τ_i + λ·ΔV_i/S_i
its case-specific terms and r_i(t) = 1 − exp(−a_i(t)/T) v2r's weight; T = 0 reads as r = 1, v2q.
S3: v2q run by run at T = 0; in month 1 (the start's view, the same for every version) each
member's chance is the smaller of v2q's and v2r's, so a member whose terms favour holding keeps
v2q's chance and one whose terms favour easing gets v2r's lower one; the weight rises with the
measures' age; chunk invariance; the grid; the calibration files; ``analyze``. What v2s shares
with v2r (v2q at T = 0, a fresh sender easing less, the weight growing with age, chunk
invariance, the shipped calibration on the grid) is tested for both in test_model_v2r.py.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sanctionsim.dynamics.calibration import FittedParameters, fitted_by, load_calibration
from sanctionsim.dynamics.kernel_v2 import stack_choice_terms
from sanctionsim.history.grids import RESOLVE_GRID, grid_of
from sanctionsim.scenario.episode import measure_age_months
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS
from support import (
    V2M_FAMILY,
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_version_flags,
    played,
    terms_of,
)

LEVEL = FittedParameters(1.5, 0.005, 2.0, temptation_weight=0.5, coup_concession_ratio=3.0)
FADING = dataclasses.replace(LEVEL, resolve_months=12.0)
# France's embargo of 3 June 1967, two days before the start: its inputs say easing pays
SIX_DAYS = load_scenario("israel-1967")
FRANCE = [actor.id for actor in SIX_DAYS.members].index("FRA")


def month_one(model: str, choice: FittedParameters) -> np.ndarray:
    """Each member's chance of easing in month 1, per run (the start's view, every version's)."""
    return np.asarray(played(SIX_DAYS, model, choice).eased_by(1))


def test_in_month_one_each_member_gets_the_smaller_of_v2qs_and_v2rs_chance() -> None:
    level, two_sided = month_one("v2q", LEVEL), month_one("v2r", FADING)
    one_sided = month_one("v2s", FADING)
    assert np.array_equal(one_sided, np.minimum(level, two_sided))
    # both sides occur on this case: v2r lowers France (its terms say ease) and raises a holder
    assert (two_sided[:, FRANCE] < level[:, FRANCE]).all()
    raised = two_sided > level  # runs whose draws put a member's terms on holding's side
    assert raised.any()
    assert np.array_equal(one_sided[raised], level[raised])  # holders keep v2q's chance


def test_v2s_is_v2r_one_sided_and_fits_its_own() -> None:
    assert_built_on_v2f("v2s")
    assert_version_flags(
        "v2s",
        {"resolve_one_sided": True},
        resolve_revealed=True,
        era_read=True,
        era_factor_held=True,
        alliance_read=False,
        **V2M_FAMILY,
    )


def test_stacked_terms_must_share_the_side() -> None:
    one_sided = terms_of(SIX_DAYS, "v2s", FADING)[FRANCE]
    two_sided = terms_of(SIX_DAYS, "v2r", FADING)[FRANCE]
    assert one_sided.resolve_one_sided
    assert not two_sided.resolve_one_sided
    assert stack_choice_terms([one_sided, one_sided]).resolve_one_sided
    with pytest.raises(ValueError, match="side"):
        stack_choice_terms([one_sided, two_sided])


# -- S2: v2r's grid and v2s's calibration files ----------------------------------------------------
def test_calibrate_searches_v2rs_grid_for_v2s() -> None:
    assert grid_of("v2s") is RESOLVE_GRID
    others = [name for name, v in VERSIONS.items() if v.fits and name not in ("v2r", "v2s")]
    assert all(p.resolve_months == 0.0 for name in others for p in grid_of(name))


def test_a_calibration_carries_the_fading_for_v2s() -> None:
    assert fitted_by("v2s")[-1] == "resolve_months"
    assert_calibration_carries(
        "v2s", FADING, "resolve_months", "T flat on the grid", refused_by="v2q"
    )


def test_analyze_with_model_v2s_says_the_age_the_weight_and_the_smaller_chance() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2s").fitted
    choice = sanctionsim.analyze(SIX_DAYS, model="v2s").to_dict()["v2_choice"]
    france = choice["FRA"]
    assert france["measure_age_months"] == pytest.approx(measure_age_months(SIX_DAYS, ["FRA"])[0])
    age, months = france["measure_age_months"], fitted.resolve_months
    expected = 1.0 if not months else -math.expm1(-(age + 1.0) / months)
    assert france["resolve_weight"] == pytest.approx(expected)
    # each member's chance is Λ(θ_1 + min(x, r·x)) with one θ_1 for the case: recovered from
    # every member, it is the same for France (x > 0, weighed) and Guinea (x < 0, not weighed)
    intercepts, sides = [], set()
    for member in choice.values():
        if not 0.0 < member["chance_per_epoch"] < 1.0:  # nothing to ease
            continue
        x = member.get("temptation_shift", 0.0)
        x += fitted.slope * member["gain_of_easing"] / member["monthly_stake"]
        intercepts.append(math.log(member["chance_per_epoch"] / (1 - member["chance_per_epoch"])))
        intercepts[-1] -= min(x, member["resolve_weight"] * x)
        sides.add((x > 0, member["resolve_weight"] < 1))
    assert sides == {(True, True), (False, True)}
    assert max(intercepts) - min(intercepts) == pytest.approx(0.0, abs=1e-9)
