"""Model v2n: the era sets the concession's level (docs/model-v2.md, "v2n").

N1: the target's concession hazard is min(1, ψ·ε^e·χ^(c·(1 − e))·h(P)·w_t), e = 1 where the
scenario's ``start`` is before 26 December 1991 and c v2m's coup reading. N2: an episode starting
after the Cold War is v2m's run by run at any ε; a Cold War episode answering no coup is v2m's at
ε = 1; a Cold War episode's concession falls with ε; the members' choice terms are v2m's. N3: the
grid, the log-normal prior, and calibration files that carry ε for v2n only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest

from sanctionsim.dynamics.calibration import FittedParameters, fitted_by, load_calibration
from sanctionsim.dynamics.setup import prepare
from sanctionsim.history.grids import ERA_GRID, grid_of, log_prior
from sanctionsim.scenario.episode import COLD_WAR_END, answers_coup, starts_in_cold_war
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import VERSIONS
from support import (
    V2M_FAMILY,
    assert_built_on_v2f,
    assert_calibration_carries,
    assert_same_member_terms,
    assert_version_flags,
    played,
    same_runs,
    same_whatever_the_chunk_size,
    terms_of,
)

COUP = FittedParameters(1.0, 0.005, 2.0, temptation_weight=1.0, coup_concession_ratio=3.0)
ERA = dataclasses.replace(COUP, cold_war_ratio=0.5)
CHILE = load_scenario("chile-1973")  # the coup of 11 September 1973: a Cold War coup
POLAND = load_scenario("poland-1981")  # martial law: a Cold War episode answering no coup
MALI = load_scenario("mali-2012")  # the coup of 22 March 2012: after the Cold War
LIBYA = load_scenario("libya-1992")  # Lockerbie: after the Cold War, no coup


def starting(world: Scenario, start: dt.date) -> Scenario:
    return world.model_copy(update={"start": start})


# -- N1: which episodes start in the Cold War, and what their concession carries -------------------
def test_an_episode_starts_in_the_cold_war_before_the_soviet_unions_dissolution() -> None:
    assert dt.date(1991, 12, 26) == COLD_WAR_END
    assert starts_in_cold_war(starting(LIBYA, dt.date(1991, 12, 25)))
    assert not starts_in_cold_war(starting(LIBYA, dt.date(1991, 12, 26)))
    assert starts_in_cold_war(POLAND)
    assert not starts_in_cold_war(MALI)


def test_the_library_holds_the_cold_war_episodes_the_diagnostic_counted() -> None:
    cases = {case: load_scenario(case) for case in case_ids()}
    cold_war = {case for case, world in cases.items() if starts_in_cold_war(world)}
    coups = {case for case in cold_war if answers_coup(cases[case])}
    # the diagnostic's 39 of the 128, six of them answering a coup (docs/model-v2.md, finding d),
    # the thirteenth batch's seven, Suriname 1982 answering one, the fourteenth's three (Israel
    # 1967 and 1982, India 1965) and the fifteenth's five (1950 to 1965), none answering a coup,
    # the sixteenth's three (Jordan and Yemen 1990, Turkey 1980, the last answering a coup) and
    # the seventeenth's four (Albania 1961, Greece 1967, Jordan 1970, Bolivia 1980; Greece's and
    # Bolivia's answering a coup), the eighteenth's two (North Korea 1983, Iran 1989), neither
    # answering a coup
    assert (len(cold_war), len(coups)) == (63, 10)
    assert coups == {
        "bolivia-1980",
        "chile-1973",
        "fiji-1987",
        "greece-1967",
        "haiti-1991",
        "myanmar-1988",
        "panama-1987",
        "suriname-1982",
        "suriname-1990",
        "turkey-1980",
    }


@pytest.mark.parametrize(
    ("world", "model", "factor"),
    [
        (CHILE, "v2n", 1.0),  # ψ·ε: a Cold War coup carries ε, not χ
        (POLAND, "v2n", 1.0),  # ψ·ε
        (MALI, "v2n", 6.0),  # ψ·χ: a coup after the Cold War
        (LIBYA, "v2n", 2.0),  # ψ
        (CHILE, "v2m", 6.0),  # v2m reads no era: ψ·χ on every coup
        (POLAND, "v2m", 2.0),
    ],
)
def test_the_concession_factor_reads_the_era_then_the_coup(
    world: Scenario, model: str, factor: float
) -> None:
    clock = prepare(world, model, choice=ERA, omega=1 / 12).clock
    assert clock is not None
    assert clock.concession_factor == factor
    assert clock.cold_war is (model == "v2n" and world.start < COLD_WAR_END)
    month = clock.months(12)
    hazard = np.array([0.01, 0.3])
    expected = np.minimum(1.0, factor * hazard * month.age_weight[2])
    assert np.array_equal(month.concession(hazard, 3), expected)


def test_the_members_choice_terms_are_v2ms_whatever_epsilon() -> None:
    pairs = zip(terms_of(POLAND, "v2n", ERA), terms_of(POLAND, "v2m", COUP), strict=True)
    for n_terms, m_terms in pairs:
        assert_same_member_terms(n_terms, m_terms)


# -- N2: v2m where epsilon does not act; the Cold War concession falls with epsilon ---------------
def test_an_episode_after_the_cold_war_is_v2ms_at_any_epsilon() -> None:
    assert same_runs(played(MALI, "v2n", ERA), played(MALI, "v2m", COUP))


def test_at_epsilon_one_a_cold_war_episode_answering_no_coup_is_v2ms() -> None:
    assert same_runs(played(POLAND, "v2n", COUP), played(POLAND, "v2m", COUP))


def test_a_cold_war_coup_is_v2ms_at_chi_one_whatever_chi() -> None:
    at_one = dataclasses.replace(COUP, coup_concession_ratio=1.0)
    assert same_runs(played(CHILE, "v2n", COUP), played(CHILE, "v2m", at_one))


def test_a_cold_war_target_concedes_later_as_epsilon_falls() -> None:
    shares = []
    for ratio in (1.0, 0.6, 0.4):
        run = played(POLAND, "v2n", dataclasses.replace(COUP, cold_war_ratio=ratio))
        shares.append(((run.conceded_month > 0) & (run.conceded_month <= 36)).mean())
    assert shares[0] > shares[1] > shares[2]


def test_v2n_is_the_same_whatever_the_chunk_size() -> None:
    assert same_whatever_the_chunk_size(POLAND, "v2n", ERA)


def test_v2n_is_v2m_with_the_era_read_and_fits_its_own() -> None:
    assert_built_on_v2f("v2n")
    assert_version_flags(
        "v2n",
        {},  # v2o to v2s read the era too: v2n reads no alliance and fits ε
        era_read=True,
        alliance_read=False,
        **V2M_FAMILY,
        carve_outs=False,
        lobby_weighted=False,
    )
    coup_scaled = [name for name, v in VERSIONS.items() if v.coup_scaled]
    assert coup_scaled == ["v2m", "v2n", "v2o", "v2p", "v2q", "v2r", "v2s"]
    era_read = [name for name, v in VERSIONS.items() if v.era_read]
    assert era_read == ["v2n", "v2o", "v2p", "v2q", "v2r", "v2s"]


# -- N3: the grid, the prior and the calibration files ---------------------------------------------
def test_calibrate_searches_the_designs_grid_for_v2n() -> None:
    assert grid_of("v2n") is ERA_GRID
    assert len(ERA_GRID) == 48
    names = ("cold_war_ratio", "coup_concession_ratio", "concession_scale", "temptation_weight",
             "slope")  # fmt: skip
    axes = {name: sorted({getattr(p, name) for p in ERA_GRID}) for name in names}
    assert axes == {
        "cold_war_ratio": [0.4, 0.6, 1.0],
        "coup_concession_ratio": [2.0, 3.0],
        "concession_scale": [2.0, 3.0],
        "temptation_weight": [0.5, 1.0],
        "slope": [1.0, 2.0],
    }
    held = {
        (p.backing_down, p.carve_out_shift, p.lobby_weight, p.prospect_weight, p.leader_weight,
         p.discretion_weight)
        for p in ERA_GRID
    }  # fmt: skip
    assert held == {(0.005, 0.0, 0.0, 0.0, 1.0, 0.0)}
    assert fitted_by("v2n")[-2:] == ("coup_concession_ratio", "cold_war_ratio")
    assert all(p.cold_war_ratio == 1.0 for name in VERSIONS if name not in ("v2n", "v2o")
               for p in (grid_of(name) if VERSIONS[name].fits else ()))  # fmt: skip


def test_the_cold_war_ratios_prior_is_log_normal_about_one_with_sd_ln_two() -> None:
    for ratio in (0.4, 0.6, 2.0):
        lowered = dataclasses.replace(COUP, cold_war_ratio=ratio)
        expected = -0.5 * (math.log(ratio) / math.log(2.0)) ** 2
        assert log_prior(lowered) - log_prior(COUP) == pytest.approx(expected)


def test_a_calibration_carries_the_cold_war_ratio_for_v2n_only() -> None:
    prior = f"epsilon log-normal about 1, sd {math.log(2.0):.4f}"
    # v2m fits every other parameter the folds carry (χ among them), so ε is what it refuses
    assert_calibration_carries(
        "v2n", ERA, "cold_war_ratio", prior, bad=(0.0, -1.0), refused_by="v2m"
    )


def test_analyze_with_model_v2n_says_the_era_and_the_factor() -> None:
    import sanctionsim

    fitted = load_calibration(model="v2n").fitted
    chile = sanctionsim.analyze("chile-1973", model="v2n").to_dict()["v2_choice"]
    mali = sanctionsim.analyze("mali-2012", model="v2n").to_dict()["v2_choice"]
    for terms in chile.values():
        assert (terms["starts_in_cold_war"], terms["answers_coup"]) == (True, False)
        assert terms["concession_factor"] == pytest.approx(
            fitted.concession_scale * fitted.cold_war_ratio
        )
    for terms in mali.values():
        assert (terms["starts_in_cold_war"], terms["answers_coup"]) == (False, True)
        assert terms["concession_factor"] == pytest.approx(
            fitted.concession_scale * fitted.coup_concession_ratio
        )
    v2m = sanctionsim.analyze("chile-1973", model="v2m").to_dict()["v2_choice"]
    assert all("starts_in_cold_war" not in terms for terms in v2m.values())
