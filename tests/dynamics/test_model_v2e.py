"""Model v2e (docs/model-v2.md, "v2e"): v2-hold with a persistent inclination per member.

Each member draws z_i ~ N(0, 1) once a run; at an epoch it eases with Λ(θ'_t + σ·z_i + λ·ΔV/S),
σ = π/√3, θ'_t chosen so that an indifferent member's chance of having eased by each month,
averaged over z, is v2a's. What must hold: that anchor (checked against a Monte Carlo average,
not the quadrature that computes it, and through the engine), the compression of a member's
chance when its gain is high (the design's expected direction), every other draw paired with
v2-hold's, reproducibility whatever the chunk size, and a fit of its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.dynamics.calibration import FittedParameters
from sanctionsim.dynamics.choice import (
    INCLINATION_SCALE,
    anchored_intercept,
    logistic,
    logit,
    persistent_intercept,
)
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.rules import coalition_rules
from sanctionsim.dynamics.setup import prepare
from sanctionsim.dynamics.streams import draw_block
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import model_version
from support import same_whatever_the_chunk_size

CHOICE = FittedParameters(slope=2.0, backing_down=0.01)
INDIFFERENT = FittedParameters(slope=0.0, backing_down=0.01)  # λ = 0: the payoffs weigh nothing
OMEGA = 1 / 12
ARGENTINA = load_scenario("argentina-1982")
IRAQ = load_scenario("iraq-1990")


def outcomes(world: Scenario, model: str, choice: FittedParameters, runs: int) -> RunOutcomes:
    extra: dict[str, Any] = {"choice": choice, "omega": OMEGA}
    return run_outcomes(world, runs=runs, horizon=120, seed=11, model=model, **extra)


def monte_carlo_incidence(intercept: np.ndarray, scale: float, draws: int = 200_000) -> np.ndarray:
    """1 − E_z[Π_{s ≤ t}(1 − ω·Λ(θ'_s + σz))] by sampling z: independent of the quadrature."""
    z = np.random.default_rng(20261202).standard_normal(draws)
    survive = np.cumprod(1.0 - OMEGA * logistic(intercept[:, None] + scale * z[None, :]), axis=0)
    result: np.ndarray = 1.0 - survive.mean(axis=1)
    return result


# -- E2: the anchor -----------------------------------------------------------------------------
@pytest.mark.parametrize(("group", "age"), [("io", 0.0), ("unilateral", 30.0)])
def test_the_intercept_keeps_an_indifferent_members_incidence(group: str, age: float) -> None:
    theta = anchored_intercept(group, age, 120, OMEGA)
    shifted = persistent_intercept(theta, OMEGA, INCLINATION_SCALE)
    v2a = 1.0 - np.cumprod(1.0 - OMEGA * logistic(theta))
    v2e = monte_carlo_incidence(shifted, INCLINATION_SCALE)
    assert np.max(np.abs(v2e - v2a)) < 2e-3  # the sampling error of 200,000 draws: ~1e-3
    assert shifted[0] < theta[0]  # the inclined members pull the mean up: start lower,
    assert shifted[-1] - shifted[0] > theta[-1] - theta[0]  # and rise as they leave


@settings(max_examples=25, deadline=None)
@given(
    rate=st.floats(0.001, 0.4),
    scale=st.floats(0.0, 4.0),
    months=st.integers(1, 30),
)
def test_the_first_months_mean_chance_is_the_anchor_whatever_the_scale(
    rate: float, scale: float, months: int
) -> None:
    theta = np.full(months, float(logit(rate)))
    shifted = persistent_intercept(theta, OMEGA, scale)
    nodes = np.random.default_rng(1).standard_normal(400_000)
    mean = float(np.mean(logistic(shifted[0] + scale * nodes)))
    assert mean == pytest.approx(rate, rel=0.02, abs=1e-4)
    assert np.all(np.diff(shifted) >= -1e-9)  # the inclined leave first: the intercept rises


def test_bad_epoch_rates_and_scales_are_refused() -> None:
    with pytest.raises(ValueError, match="omega"):
        persistent_intercept(np.zeros(3), 0.0, 1.0)
    with pytest.raises(ValueError, match="scale"):
        persistent_intercept(np.zeros(3), OMEGA, -1.0)


def test_an_indifferent_member_eases_on_average_as_under_v2_hold() -> None:
    """λ = 0 through the engine: members with no renewal date ease, averaged over the runs, as
    v2-hold's (within the Monte Carlo error); the runs differ."""
    setup = prepare(IRAQ, "v2e", choice=INDIFFERENT, omega=OMEGA)
    assert setup.clock is not None
    plain = outcomes(IRAQ, "v2-hold", INDIFFERENT, runs=4096)
    frail = outcomes(IRAQ, "v2e", INDIFFERENT, runs=4096)
    checked = 0
    for i in range(len(setup.member_ids)):
        if setup.clock.renewal[:121, i].any():
            continue
        for month in (12, 60, 120):
            a, b = plain.eased_by(month)[:, i], frail.eased_by(month)[:, i]
            error = np.hypot(a.std(), b.std()) / np.sqrt(len(a))
            if a.mean() > 0:
                assert abs(a.mean() - b.mean()) < 4 * error + 0.01 * a.mean()
                checked += 1
        assert not np.allclose(plain.eased_by(60)[:, i], frail.eased_by(60)[:, i])
    assert checked >= 6


# -- the design's expected direction -------------------------------------------------------------
def test_a_member_inclined_to_ease_is_no_longer_near_certain_to() -> None:
    """argentina-1982: the members v2-hold gives more than 1/2 by ten years get less under v2e,
    and the spread of chances across members narrows (the compression, E1)."""
    plain = outcomes(ARGENTINA, "v2-hold", CHOICE, runs=1024).eased_by(120).mean(axis=0)
    frail = outcomes(ARGENTINA, "v2e", CHOICE, runs=1024).eased_by(120).mean(axis=0)
    high = plain > 0.5
    assert high.sum() >= 3
    assert np.all(frail[high] < plain[high] - 0.05)
    assert frail.max() - frail.min() < plain.max() - plain.min()


# -- the streams and the version -----------------------------------------------------------------
def test_every_draw_but_the_persistent_shock_is_v2_holds() -> None:
    holding = draw_block(prepare(IRAQ, "v2-hold", choice=CHOICE, omega=OMEGA), 4, 0, 256)
    frail = draw_block(prepare(IRAQ, "v2e", choice=CHOICE, omega=OMEGA), 4, 0, 256)
    assert holding.inclination is None
    assert frail.inclination is not None
    assert frail.inclination.shape == (256, 8)
    assert abs(float(frail.inclination.mean())) < 0.1
    assert 0.9 < frail.inclination.std() < 1.1
    assert np.array_equal(holding.params.concession_value, frail.params.concession_value)
    assert np.array_equal(holding.params.holding_value, frail.params.holding_value)
    assert np.array_equal(holding.reliable, frail.reliable)
    assert holding.choices is not None
    assert frail.choices is not None
    assert np.array_equal(holding.choices.random(8), frail.choices.random(8))


def test_v2e_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(ARGENTINA, "v2e", CHOICE)


def test_v2e_plays_v2as_rules_with_the_holding_value_and_fits_its_own() -> None:
    version = model_version("v2e")
    assert (version.kernel, version.holding, version.persistent_inclination, version.fits) == (
        "v2",
        True,
        True,
        True,
    )
    assert dict(coalition_rules("v2e")) == dict(coalition_rules("v2"))
    assert not any(
        model_version(name).persistent_inclination
        for name in ("v2", "v2-hold", "v2c", "v2c-hold", "v2d")
    )
