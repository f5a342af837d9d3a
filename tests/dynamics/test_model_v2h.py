"""Model v2h: the lobby weight η on the premium in the member's choice (docs/model-v2.md, "v2h").

H1: the choice weighs ΔV_i + η·g_i(P_e)·1[something to ease]; at a given view a larger η never
lowers the chance of easing. H2: η = 0 is v2f run by run; a larger η raises the easing of the
member with the largest premium. H3: the grid, the prior, and calibration files that carry η for
v2h only.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.coalition.payoffs import easing_gain, easing_premium
from sanctionsim.dynamics.calibration import (
    FittedParameters,
    load_calibration,
    parse_calibration,
)
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.rules import ChoiceTerms, RuleContext, View
from sanctionsim.dynamics.rules_v2 import QuantalResponse
from sanctionsim.errors import InputError
from sanctionsim.history.grids import CARVED_GRID, LOBBIED_GRID, grid_of, log_prior
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS, model_version
from support import assert_built_on_v2f, run_sanctionsim, same_runs, same_whatever_the_chunk_size

FIT = FittedParameters(1.0, 0.01, 2.0)  # v2f's shipped fit
UNWEIGHTED = dataclasses.replace(FIT, lobby_weight=0.0)
LOBBIED = dataclasses.replace(FIT, lobby_weight=10.0)
ARGENTINA = load_scenario("argentina-1982")  # the EC members' premiums differ


def outcomes(model: str, choice: FittedParameters, runs: int = 1024) -> object:
    return run_outcomes(
        ARGENTINA, runs=runs, horizon=36, seed=5, model=model, choice=choice, omega=1 / 12
    )


# -- H1: the choice ---------------------------------------------------------------------------
def _rule(member: int, weight: float) -> tuple[QuantalResponse, View]:
    params = central_parameters(ARGENTINA)
    runs, n = 1, params.members
    terms = ChoiceTerms(
        slope=2.0,
        backing_down=np.array([0.1]),
        stake=np.array([1.0]),
        easable=np.array([True]),
        responders=np.zeros(n, dtype=np.bool_),
        lobby_weight=weight,
    )
    context = RuleContext(runs, member, params, np.full((runs, n), 0.5), None, None, terms)
    view = View(
        member=member,
        own_held=np.ones(runs, dtype=np.bool_),
        seen_holding=np.ones((runs, n), dtype=np.bool_),
        payoff=np.zeros(runs),
        belief=params.reliable_prior,
        delivered=np.zeros(runs, dtype=np.bool_),
        reneged=np.zeros(runs, dtype=np.bool_),
    )
    return QuantalResponse(context, terms), view


@settings(max_examples=40, deadline=None)
@given(
    member=st.integers(min_value=0, max_value=central_parameters(ARGENTINA).members - 1),
    low=st.sampled_from([0.0, 1.0, 2.0, 5.0]),
    extra=st.sampled_from([0.5, 3.0, 10.0]),
)
def test_a_larger_lobby_weight_never_lowers_the_chance_of_easing(
    member: int, low: float, extra: float
) -> None:
    base, view = _rule(member, low)
    more, _ = _rule(member, low + extra)
    premium = easing_premium(base.params, view.seen_holding.astype(np.float64), member)
    assert np.all(premium >= 0)
    # the gain grows by exactly the extra weight times the premium (H1) ...
    assert more.gain(view) == pytest.approx(base.gain(view) + extra * premium, rel=1e-12)
    # ... so the logit's chance at any intercept is no lower
    for theta in (-6.0, -2.0, 0.0):
        assert np.all(
            more.probability(theta, more.gain(view)) >= base.probability(theta, base.gain(view))
        )


def test_the_premium_weighed_is_the_one_the_easing_gain_counts() -> None:
    params = central_parameters(ARGENTINA)
    everyone = np.ones((1, params.members))
    q = params.deal_honoured()
    for i in range(params.members):
        # doubling the premium in the parameters moves the easing gain by the premium weighed
        doubled = dataclasses.replace(
            params,
            premium_base=params.premium_base * 2.0,
            premium_slope=params.premium_slope * 2.0,
        )
        moved = easing_gain(doubled, everyone, q, i) - easing_gain(params, everyone, q, i)
        assert moved == pytest.approx(easing_premium(params, everyone, i), rel=1e-9, abs=1e-15)


# -- H2: everything else is v2f -------------------------------------------------------------------
def test_with_no_lobby_weight_v2h_is_v2f_run_by_run() -> None:
    assert same_runs(outcomes("v2h", UNWEIGHTED), outcomes("v2f", FIT))


def test_the_lobby_weight_raises_the_easing_of_the_member_with_the_largest_premium() -> None:
    params = central_parameters(ARGENTINA)
    easable = params.has_something_to_ease()[0]
    premium = np.where(easable, params.premium_base[0], -np.inf)
    top = int(np.argmax(premium))
    unweighted = outcomes("v2h", UNWEIGHTED).eased_by(36)[:, top].mean()
    lobbied = outcomes("v2h", LOBBIED).eased_by(36)[:, top].mean()
    assert lobbied > unweighted


def test_v2h_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(ARGENTINA, "v2h", LOBBIED)


def test_v2h_is_v2f_with_a_lobby_weight_and_fits_its_own() -> None:
    assert_built_on_v2f("v2h")
    version = model_version("v2h")
    assert version.lobby_weighted
    assert not version.carve_outs
    assert [name for name, v in VERSIONS.items() if v.lobby_weighted] == ["v2h"]


# -- H3: the grid, the prior and the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2h() -> None:
    assert grid_of("v2h") is LOBBIED_GRID
    assert len(LOBBIED_GRID) == 48
    assert sorted({p.lobby_weight for p in LOBBIED_GRID}) == [0.0, 2.0, 5.0, 10.0]
    # ψ, λ and α on v2g's sub-grid, so that v2h and v2g are fitted on the same one
    assert {(p.concession_scale, p.slope, p.backing_down) for p in LOBBIED_GRID} == {
        (p.concession_scale, p.slope, p.backing_down) for p in CARVED_GRID
    }
    assert {p.carve_out_shift for p in LOBBIED_GRID} == {0.0}
    assert {p.lobby_weight for p in CARVED_GRID} == {0.0}


def test_the_lobby_weights_prior_is_half_normal_with_scale_five() -> None:
    for weight in (2.0, 10.0):
        point = dataclasses.replace(FIT, lobby_weight=weight)
        assert log_prior(point) == pytest.approx(log_prior(FIT) - 0.5 * (weight / 5.0) ** 2)


def test_a_calibration_carries_the_lobby_weight_for_v2h_only() -> None:
    shipped = load_calibration(model="v2h")
    assert shipped.model == "v2h"
    assert "lobby_weight" in shipped.details["grid"]
    document = shipped.to_dict()
    document["fitted"] = dataclasses.replace(FIT, lobby_weight=5.0).to_dict()
    assert parse_calibration(json.dumps(document), "x.json").fitted.lobby_weight == 5.0
    document["model"] = "v2f"
    with pytest.raises(InputError, match="model v2f does not fit lobby_weight"):
        parse_calibration(json.dumps(document), "v2f.json")
    with pytest.raises(ValueError, match="lobby_weight must be a finite number >= 0"):
        FittedParameters(1.0, 0.01, 2.0, lobby_weight=-1.0)
    with pytest.raises(ValueError, match="lobby_weight must be a finite number >= 0"):
        FittedParameters(1.0, 0.01, 2.0, lobby_weight=math.inf)


def test_simulate_with_model_v2h_names_its_version_and_calibration() -> None:
    done = run_sanctionsim(
        "simulate", "argentina-1982", "--model", "v2h", "--runs", "1024", "--horizon", "6", "--json"
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["model_version"] == "v2h"
    assert document["calibration"]["calibration_sha256"] == load_calibration(model="v2h").sha256
