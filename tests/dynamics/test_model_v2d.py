"""Model v2d (docs/model-v2.md, "v2d"): v2c-hold with the classic strategies seeing the others
through item 7's belief, so one false alarm does not move a Grudger; v2c-hold's forecast, run by
run, wherever no member plays a classic strategy that answers the others.

italy-1935's Soviet Union plays Grudger: the library's only such member.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.dynamics.calibration import FittedParameters, load_calibration
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.records import RunOutcomes
from sanctionsim.dynamics.rules import EASE, HOLD, Classic, RuleContext, View, build_rule
from sanctionsim.dynamics.rules_v2 import BelievingClassic
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import VERSIONS, model_version
from support import run_sanctionsim, same_whatever_the_chunk_size
from support import same_runs as same

CHOICE = FittedParameters(slope=2.0, backing_down=0.01)
ITALY = load_scenario("italy-1935")
RATE = 0.004  # an indifferent member's chance of easing in a month (about e_t·Λ(θ_t))


def outcomes(world: Scenario, model: str, runs: int = 256) -> RunOutcomes:
    extra: dict[str, Any] = {"choice": CHOICE, "omega": 1 / 12}
    return run_outcomes(world, runs=runs, horizon=36, seed=5, model=model, **extra)


def grudger(model: str) -> tuple[Classic, int]:
    """italy-1935's Soviet Union's rule under ``model`` (one run, central parameters)."""
    params = central_parameters(ITALY, accounting="v2")
    member = params.member_ids.index("SUN")
    context = RuleContext(1, member, params, np.full((1, params.members), 0.5), None, None)
    rule = build_rule("Grudger", context, model)
    assert isinstance(rule, Classic)
    return rule, member


def month(member: int, members: int, easing: tuple[int, ...]) -> View:
    """A month's view in which the members ``easing`` were reported easing."""
    seen = np.ones((1, members), dtype=np.bool_)
    seen[0, list(easing)] = False
    return View(
        member=member,
        own_held=np.ones(1, dtype=np.bool_),
        seen_holding=seen,
        payoff=np.zeros(1),
        belief=np.full(1, 0.5),
        delivered=np.zeros(1, dtype=np.bool_),
        reneged=np.zeros(1, dtype=np.bool_),
        others_rate=np.full(members, RATE),
    )


# -- D1: belief ---------------------------------------------------------------------------------
def test_a_believing_grudger_ignores_one_false_alarm_that_v1s_grudger_answers() -> None:
    believing, member = grudger("v2d")
    plain, _ = grudger("v2c-hold")
    assert isinstance(believing, BelievingClassic)
    assert not isinstance(plain, BelievingClassic)
    n = believing.params.members
    other = 0 if member != 0 else 1
    assert plain.next(month(member, n, (other,)))[0] == EASE  # v1's Grudger: the first report
    believing.first()
    assert believing.next(month(member, n, (other,)))[0] == HOLD
    assert believing.next(month(member, n, ()))[0] == HOLD  # the report was not repeated
    assert float(believing.eased_belief[0, other]) < 0.5


def test_a_believing_grudger_answers_an_easing_reported_month_after_month() -> None:
    """Transcript: the same member reported easing each month; the belief passes 1/2 and the
    Grudger, once it moves, never comes back."""
    believing, member = grudger("v2d")
    n = believing.params.members
    other = 0 if member != 0 else 1
    believing.first()
    moves = [int(believing.next(month(member, n, (other,)))[0]) for _ in range(6)]
    assert moves[0] == HOLD
    assert EASE in moves
    first = moves.index(EASE)
    assert all(m == EASE for m in moves[first:])
    assert all(believing.next(month(member, n, ()))[0] == EASE for _ in range(3))


# -- D2: nothing else changes -------------------------------------------------------------------
@pytest.mark.parametrize("case", ["dprk-2006", "qatar-2017"])
def test_v2d_is_v2c_hold_where_no_member_plays_an_answering_classic(case: str) -> None:
    world = load_scenario(case)
    assert same(outcomes(world, "v2c-hold"), outcomes(world, "v2d"))


def test_v2d_changes_italy_1935_and_its_grudger_eases_less() -> None:
    plain, believing = outcomes(ITALY, "v2c-hold", 512), outcomes(ITALY, "v2d", 512)
    assert not same(plain, believing)
    member = grudger("v2d")[1]
    assert believing.eased_by(None).mean(axis=0)[member] < plain.eased_by(None).mean(axis=0)[member]


def test_v2d_is_reproducible_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(ITALY, "v2d", CHOICE)


# -- the version ------------------------------------------------------------------------------
def test_v2d_reads_v2cs_fit_and_fits_nothing() -> None:
    version = model_version("v2d")
    assert (version.fit_of, version.fits, version.holding, version.classics_believe) == (
        "v2c",
        False,
        True,
        True,
    )
    assert [name for name in VERSIONS if model_version(name).classics_believe] == ["v2d"]
    assert load_calibration(model="v2d").sha256 == load_calibration(model="v2c").sha256
    assert run_sanctionsim("calibrate", "--model", "v2d").returncode == 2
