"""Model v2f (docs/model-v2.md, "v2f"): v2-hold with a fitted factor ψ on the analysts'
concession hazards.

The target concedes in month t with min(1, ψ·h(P)·w_t); ψ = 1 is v2-hold, run by run. What must
hold: that identity, the hazard as F1 writes it, a concession that comes sooner as ψ grows (the
same uniforms, so run by run), the members' choice terms untouched by ψ (F1: only the target's
clock reads it), reproducibility whatever the chunk size, the grid and prior ``calibrate`` searches
(F2), and calibration files that carry ψ for v2f only.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.dynamics.calibration import (
    FittedParameters,
    calibration_for,
    load_calibration,
    parse_calibration,
)
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.kernel_v2 import choice_terms, clock_months
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.rules import coalition_rules
from sanctionsim.dynamics.setup import prepare
from sanctionsim.errors import InputError
from sanctionsim.history.grids import (
    CONCESSION_SCALES,
    GRID,
    SCALED_GRID,
    grid_of,
    log_prior,
)
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import VERSIONS, model_version
from support import assert_built_on_v2f, run_sanctionsim, same_runs, same_whatever_the_chunk_size

CHOICE = FittedParameters(slope=2.0, backing_down=0.01)
DOUBLED = dataclasses.replace(CHOICE, concession_scale=2.0)
OMEGA = 1 / 12
IRAQ = load_scenario("iraq-1990")
ZIMBABWE = load_scenario("zimbabwe-2000")


def outcomes(world: Scenario, model: str, choice: FittedParameters, runs: int = 512) -> RunOutcomes:
    return run_outcomes(
        world, runs=runs, horizon=60, seed=7, model=model, choice=choice, omega=OMEGA
    )


# -- F1: the scaled hazard -------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    hazards=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8),
    scale=st.floats(0.1, 20.0),
    month=st.integers(1, 36),
)
def test_the_targets_hazard_is_the_scaled_analysts_capped_at_one(
    hazards: list[float], scale: float, month: int
) -> None:
    renewal = np.zeros((40, 1), dtype=np.bool_)
    clock = clock_months("io", 6.0, 37, OMEGA, renewal, 0.0, scale)
    hazard = np.array(hazards)
    got = clock.concession(hazard, month)
    expected = np.minimum(1.0, scale * hazard * clock.age_weight[month - 1])
    assert np.allclose(got, expected, rtol=1e-12, atol=0.0)
    assert np.all(got <= 1.0)
    unscaled = clock_months("io", 6.0, 37, OMEGA, renewal).concession(hazard, month)
    assert np.all(got >= unscaled) if scale >= 1 else np.all(got <= unscaled)


def test_with_a_factor_of_one_v2f_is_v2_hold_run_by_run() -> None:
    assert same_runs(outcomes(IRAQ, "v2f", CHOICE), outcomes(IRAQ, "v2-hold", CHOICE))


def test_a_larger_factor_brings_the_concession_sooner_in_every_run() -> None:
    """The same uniforms decide the concession (u < hazard): a run that concedes under ψ = 1
    concedes no later under ψ = 2, and more runs concede."""
    plain = outcomes(ZIMBABWE, "v2f", CHOICE).conceded_month
    doubled = outcomes(ZIMBABWE, "v2f", DOUBLED).conceded_month
    assert (plain > 0).sum() >= 20  # enough concessions to compare
    assert (doubled > 0).sum() > (plain > 0).sum() * 1.3
    sooner = (plain > 0) & (doubled > 0)
    assert np.all(doubled[sooner] <= plain[sooner])
    assert np.all(doubled[plain > 0] > 0)


def test_the_factor_is_not_in_the_members_choice() -> None:
    """F1: the members' payoffs keep the analyst's h(P); ψ is the target's clock's only."""
    params = central_parameters(IRAQ, accounting="v2", holding=True)
    plain = prepare(IRAQ, "v2f", choice=CHOICE, omega=OMEGA).clock
    doubled = prepare(IRAQ, "v2f", choice=DOUBLED, omega=OMEGA).clock
    assert plain is not None
    assert doubled is not None
    followers = [False] * params.members
    for a, b in zip(
        choice_terms(params, plain, followers),
        choice_terms(params, doubled, followers),
        strict=True,
    ):
        assert a.slope == b.slope
        assert np.array_equal(a.responders, b.responders)
        assert np.array_equal(a.backing_down, b.backing_down)
        assert np.array_equal(a.stake, b.stake)
        assert np.array_equal(a.easable, b.easable)
    assert doubled.months(12).concession_scale == 2.0
    assert plain.months(12).concession_scale == 1.0


def test_v2f_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(ZIMBABWE, "v2f", DOUBLED)


def test_v2f_plays_v2as_rules_with_the_holding_value_and_fits_its_own() -> None:
    assert_built_on_v2f("v2f")
    version = model_version("v2f")
    assert not version.persistent_inclination
    assert dict(coalition_rules("v2f")) == dict(coalition_rules("v2"))
    # v2g to v2s (docs/model-v2.md, "v2g" to "v2s") are built on v2f and fit ψ too
    concession_scaled = [name for name, v in VERSIONS.items() if v.concession_scaled]
    assert concession_scaled == [
        "v2f", "v2g", "v2h", "v2i", "v2j", "v2k", "v2l", "v2m", "v2n", "v2o", "v2p", "v2q", "v2r",
        "v2s",
    ]  # fmt: skip


# -- F2: the grid and the prior --------------------------------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2f_only() -> None:
    assert grid_of("v2f") is SCALED_GRID
    own = tuple(f"v2{letter}" for letter in "fghijklmnopqrs")  # ψ on, and ξ to T
    others = (name for name, v in VERSIONS.items() if v.fits and name not in own)
    assert all(grid_of(name) is GRID for name in others)
    assert len(SCALED_GRID) == 48
    assert sorted({p.concession_scale for p in SCALED_GRID}) == [1.0, 1.5, 2.0, 3.0]
    assert sorted({p.slope for p in SCALED_GRID}) == [1.0, 2.0, 4.0]
    assert sorted({p.backing_down for p in SCALED_GRID}) == [0.002, 0.005, 0.01, 0.02]
    assert {p.concession_scale for p in GRID} == {1.0}


def test_the_factors_prior_is_log_normal_about_one() -> None:
    at_one = log_prior(CHOICE)
    assert at_one == pytest.approx(-0.5 * (2.0 / 4.0) ** 2)
    for scale in CONCESSION_SCALES[1:]:
        point = dataclasses.replace(CHOICE, concession_scale=scale)
        assert log_prior(point) == pytest.approx(
            at_one - 0.5 * (math.log(scale) / math.log(2)) ** 2
        )
    halved = dataclasses.replace(CHOICE, concession_scale=0.5)
    assert log_prior(halved) == pytest.approx(log_prior(DOUBLED))  # symmetric on the log scale


# -- the calibration files -------------------------------------------------------------------------
def test_a_calibration_carries_the_factor_for_v2f_only(tmp_path: Path) -> None:
    shipped = load_calibration(model="v2")
    document = shipped.to_dict()
    assert "concession_scale" not in document["fitted"]  # ψ = 1 is left out: the file reads as ever
    document["model"] = "v2f"
    document["fitted"] = DOUBLED.to_dict()
    scaled = parse_calibration(json.dumps(document), "scaled.json")
    assert scaled.fitted == DOUBLED
    assert calibration_for("v2f", scaled) is scaled
    document["model"] = "v2"
    with pytest.raises(InputError, match="model v2 does not fit concession_scale"):
        parse_calibration(json.dumps(document), "v2.json")
    document["model"] = "v2f"
    document["fitted"] = {**CHOICE.to_dict(), "concession_scale": 0}
    with pytest.raises(InputError, match="concession_scale must be > 0"):
        parse_calibration(json.dumps(document), "zero.json")
    document["fitted"] = {**CHOICE.to_dict(), "scale": 2}
    with pytest.raises(InputError, match="may have 'concession_scale'"):
        parse_calibration(json.dumps(document), "typo.json")
    bad = tmp_path / "v2-with-scale.json"
    document = {**shipped.to_dict(), "fitted": DOUBLED.to_dict()}
    bad.write_text(json.dumps(document), encoding="utf-8")
    done = run_sanctionsim(
        "history", "iraq-1990", "--model", "v2", "--calibration", str(bad), "--runs", "64"
    )
    assert done.returncode == 2
    assert "v2-with-scale.json" in done.stderr
    assert "does not fit concession_scale" in done.stderr
    assert "Traceback" not in done.stderr


def test_fitted_parameters_refuse_a_factor_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="concession_scale must be > 0"):
        FittedParameters(2.0, 0.01, 0.0)
    with pytest.raises(ValueError, match="concession_scale must be a finite number"):
        FittedParameters(2.0, 0.01, math.inf)


def test_outputs_name_the_factor_where_it_is_fitted() -> None:
    """The report's fold note and calibrate's summary say ψ for v2f, and read as before else."""
    from sanctionsim.cli.calibrate_commands import _summary
    from sanctionsim.report.forecast_table import fold_note

    sets = [{**DOUBLED.to_dict(), "folds": 3}, {**CHOICE.to_dict(), "folds": 1}]
    note = fold_note({"runs": 10, "fold_range": {"runs": 10, "parameter_sets": sets}})
    assert "(lambda 2, alpha 0.01 and psi 2, chosen by 3 of 4; " in note
    assert "; lambda 2 and alpha 0.01, chosen by 1 of 4)" in note
    loco = {"brier": 0.1, "log_score": 0.3, "best_reference": "x", "best_reference_brier": 0.2}
    shipped = load_calibration(model="v2")
    scaled = dataclasses.replace(shipped, fitted=DOUBLED, details={"loco": loco})
    plain = dataclasses.replace(shipped, details={"loco": loco})
    where = Path("work")
    assert _summary(scaled, 45, where, 0, where).startswith(
        "fitted on 45 cases: lambda 2, alpha 0.01, psi 2 (cases reused"
    )
    assert _summary(plain, 45, where, 0, where).startswith(
        f"fitted on 45 cases: lambda {shipped.fitted.slope:g}, alpha "
        f"{shipped.fitted.backing_down:g} (cases reused"
    )
