"""Model v2's prior- and posterior-predictive checks (docs/model-v2.md, "Checks before the first
LOCO score").

On a synthetic episode per TIES group (fixtures and their documented priors in
``prior_predictive/``), with λ and α drawn from the design's priors, model v2 must reproduce
the large-N shape of episodes: the target's concession and the leader's lifting without a
concession at 12, 36 and 60 months within the wider of ±50% of the TIES estimate and its 95%
interval, and no rush to ease in the first months (members' mean monthly easing hazard over
months 1–3 at most 1.5 times that over months 4–24, renewal months aside: the design's check,
which its own anchor fails for a new episode, kept as a strict expected failure; and amendment
2's check against the anchor's own ratio). The posterior-predictive checks are the same checks
with each calibrated version's fitted λ and α (its shipped calibration) in place of the priors.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from sanctionsim.dynamics.calibration import FittedParameters, load_calibration
from sanctionsim.dynamics.choice import monthly_capitulation
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.epochs import OMEGA, renewal_calendar
from sanctionsim.dynamics.records import FloatArray, RunOutcomes, wilson
from sanctionsim.history.climatology import cumulative_incidence, load_weibull
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario

FIXTURES = Path(__file__).parent / "prior_predictive"
GROUPS = ("io", "multilateral_no_io", "unilateral")
DRAWS, RUNS, HORIZON = 6, 256, 60


def prior_draws(seed: int = 20261201) -> list[FittedParameters]:
    """λ from the half-normal prior (scale 4), α log-uniform on [0.001, 0.1]."""
    rng = np.random.default_rng(seed)
    slopes = np.abs(rng.normal(0.0, 4.0, DRAWS))
    alphas = np.exp(rng.uniform(np.log(0.001), np.log(0.1), DRAWS))
    return [FittedParameters(float(s), float(a)) for s, a in zip(slopes, alphas, strict=True)]


PRIOR = "prior"
"""The population drawn from the priors (model v2); any other name is a calibrated version whose
shipped fit is played (the posterior-predictive checks)."""
POSTERIOR = (
    *("v2", "v2b", "v2c", "v2e", "v2f", "v2g", "v2h", "v2i", "v2j", "v2k", "v2l", "v2m", "v2n"),
    "v2o",
    "v2p",
    "v2q",
    "v2r",
    "v2s",
)

# Findings, kept as strict expected failures (docs/model-v2.md, "v2f's posterior-predictive
# checks", 2026-12-02): v2f's factor ψ = 2 corrects the library's encoded hazards, which run below
# this population's priors, so on the TIES-shaped population it doubles a concession incidence that
# was already TIES's. The members' early easing, read among the runs still in force (amendment 4,
# 2026-12-03), is within amendment 2's bound for every version; the figures of the old reading,
# which failed it from v2f on, are in docs/model-v2.md.
V2F_CONCESSION = (
    "finding (2026-12-02): v2f's concession incidence on the TIES-shaped population is above the "
    "band for io and multilateral_no_io at 12, 36 and 60 months (io: 0.38, 0.63, 0.74 against "
    "TIES 0.23, 0.38, 0.47); within it for unilateral"
)
# v2g (docs/model-v2.md, "v2g and its blind test, as measured", 2026-12-02, session 10): ψ = 3,
# fitted on the 61, raises the concession above the band in every group, unilateral included; runs
# that end sooner leave the leader less time to lift, below the band from 36 or 60 months; and its
# λ = 2 with carve-outs lets members ease early more than the anchor's ratio allows (by the old
# reading).
V2G_CONCESSION = (
    "finding (2026-12-02): v2g's concession incidence is above the band in every group (io 0.51, "
    "0.76, 0.85 at 12, 36, 60 months against TIES 0.23, 0.38, 0.47; unilateral 0.34, 0.57, 0.70)"
)
V2G_LIFTING = (
    "finding (2026-12-02): v2g's leader lifts without a concession below the band once runs end "
    "sooner (io 0.019 at 60 months, band from 0.026; multilateral_no_io 0.086 and 0.093 at 36 "
    "and 60; unilateral 0.093 and 0.110 at 36 and 60)"
)
V2G_LIFTING_FAILS = {("io", 60), ("multilateral_no_io", 36), ("multilateral_no_io", 60)} | {
    ("unilateral", 36),
    ("unilateral", 60),
}
# v2h (docs/model-v2.md, "v2h and its blind test, as measured", 2026-12-02, session 11): fitted on
# the 69, ψ = 3 again raises the concession above the band in every group; its leader lifts within
# the band everywhere; its members ease early more than the anchor's ratio allows (old reading).
V2H_CONCESSION = (
    "finding (2026-12-02): v2h's concession incidence is above the band in every group (io 0.51, "
    "0.75, 0.85 at 12, 36, 60 months against TIES 0.23, 0.38, 0.47; unilateral 0.34, 0.57, 0.70)"
)

# v2i (docs/model-v2.md, "v2i and its blind test, as measured", 2026-12-03, session 12): fitted on
# the 77 with ψ = 3 as v2g and v2h were; the same findings: the concession above the band in every
# group, the leader's lifting within it, the members' early easing above the anchor's ratio (old
# reading).
V2I_CONCESSION = (
    "finding (2026-12-03): v2i's concession incidence is above the band in every group (io 0.51, "
    "0.75, 0.85 at 12, 36, 60 months against TIES 0.23, 0.38, 0.47; unilateral 0.34, 0.57, 0.70)"
)

# v2j (docs/model-v2.md, "v2j and its blind test, as measured", 2026-12-03, session 14): fitted on
# the 93 with ψ = 3, as v2g to v2i were; the concession above the band in every group and the
# members' early easing above the anchor's ratio (old reading); its leader lifts below the band at
# 60 months in the io group (runs that end sooner leave it less time, as v2g's).
V2J_CONCESSION = (
    "finding (2026-12-03): v2j's concession incidence is above the band in every group (io 0.51, "
    "0.75, 0.85 at 12, 36, 60 months against TIES 0.23, 0.38, 0.47; unilateral 0.34, 0.57, 0.70)"
)
V2J_LIFTING = (
    "finding (2026-12-03): v2j's leader lifts without a concession below the band at 60 months "
    "in the io group (0.024, band from 0.027)"
)
# v2k (docs/model-v2.md, "v2k and its blind test, as measured", 2026-12-03, session 15): ζ = 1, so
# v2i refitted on the 101 (μ 0.5); v2i's findings again: the concession above the band in every
# group and the members' early easing above the anchor's ratio (old reading); its leader lifts
# within the band.
V2K_CONCESSION = (
    "finding (2026-12-03): v2k's concession incidence is above the band in every group (io 0.51, "
    "0.75, 0.85 at 12, 36, 60 months against TIES 0.23, 0.38, 0.47; unilateral 0.34, 0.57, 0.70)"
)
# v2l (docs/model-v2.md, "v2l and its blind test, as measured", 2026-12-03, session 16): ρ = 0, so
# v2i refitted on the 107 at v2k's point (μ 0.5); v2k's findings again, figure for figure.
V2L_CONCESSION = (
    "finding (2026-12-03): v2l's concession incidence is above the band in every group (io 0.51, "
    "0.75, 0.85 at 12, 36, 60 months against TIES 0.23, 0.38, 0.47; unilateral 0.34, 0.57, 0.70)"
)
# v2m (docs/model-v2.md, "v2m and its blind test, as measured", 2026-12-03, session 18): its χ
# acts only where an episode answers a coup, which this population's do not, so ψ = 2 alone acts:
# v2f's finding again, figure for figure (above the band for io and multilateral_no_io, within
# it for unilateral).
V2M_CONCESSION = (
    "finding (2026-12-03): v2m's concession incidence (psi 2; chi does not act on a population "
    "answering no coup) is above the band for io and multilateral_no_io at 12, 36 and 60 months "
    "(io: 0.38, 0.62, 0.74 against TIES 0.23, 0.38, 0.47); within it for unilateral"
)
# v2n (docs/model-v2.md, "v2n and its blind test, as measured", 2026-12-04, session 19): this
# population starts in 2000, after the Cold War, and answers no coup, so neither ε nor χ acts and
# ψ = 2 alone does: v2m's finding again.
V2N_CONCESSION = (
    "finding (2026-12-04): v2n's concession incidence (psi 2; epsilon and chi do not act on a "
    "population starting in 2000 and answering no coup) is above the band for io and "
    "multilateral_no_io at 12, 36 and 60 months; within it for unilateral"
)
# v2o (docs/model-v2.md, "v2o and its blind test, as measured", 2026-12-04, session 20): this
# population binds no sender to its target (no alliances block), so τ does not act, and ψ = 2
# with ε and χ idle as for v2n: v2n's finding again.
V2O_CONCESSION = (
    "finding (2026-12-04): v2o's concession incidence (psi 2; tau, epsilon and chi do not act on "
    "a population binding no sender, starting in 2000 and answering no coup) is above the band "
    "for io and multilateral_no_io at 12, 36 and 60 months; within it for unilateral"
)
# v2p (docs/model-v2.md, "v2p and its blind test, as measured", 2026-12-04, session 21): ε is 1,
# and this population binds no sender and starts after the Cold War, so τ is idle twice over; ψ = 2
# with λ = 2: v2n's finding again.
V2P_CONCESSION = (
    "finding (2026-12-04): v2p's concession incidence (psi 2; tau and chi do not act on a "
    "population binding no sender, starting in 2000 and answering no coup) is above the band "
    "for io and multilateral_no_io at 12, 36 and 60 months; within it for unilateral"
)
# v2q (docs/model-v2.md, "v2q and its blind test, as measured", 2026-12-04, session 22): ε is 1
# and this population starts after the Cold War and answers no coup, so ψ = 2 acts alone, with λ
# 1.5: v2n's finding again.
V2Q_CONCESSION = (
    "finding (2026-12-04): v2q's concession incidence (psi 2; chi does not act on a population "
    "starting in 2000 and answering no coup) is above the band for io and multilateral_no_io at "
    "12, 36 and 60 months; within it for unilateral"
)
LIFTING_FAILS = {"v2g": (V2G_LIFTING, V2G_LIFTING_FAILS), "v2j": (V2J_LIFTING, {("io", 60)})}
"""The strict expected failures of the leader's lifting: the reason, and the (group, months)."""


def _cases(
    groups: tuple[str, ...], failing: dict[str, str], everywhere: tuple[str, ...] = ()
) -> list[object]:
    """Every (group, source), with the strict expected failures of ``failing`` (source: reason)
    marked for the groups other than unilateral (where every version passes but those named in
    ``everywhere``)."""
    return [
        pytest.param(group, source, marks=pytest.mark.xfail(strict=True, reason=failing[source]))
        if source in failing and (group != "unilateral" or source in everywhere)
        else (group, source)
        for group in groups
        for source in (PRIOR, *POSTERIOR)
    ]


@cache
def population(group: str, source: str = PRIOR) -> tuple[Scenario, list[RunOutcomes]]:
    scenario = load_scenario(FIXTURES / f"{group}.yaml")
    if source == PRIOR:
        draws = [("v2", choice, OMEGA) for choice in prior_draws()]
    else:
        fitted = load_calibration(model=source)
        draws = [(source, fitted.fitted, fitted.omega)] * DRAWS
    outcomes = [
        run_outcomes(
            scenario, runs=RUNS, horizon=HORIZON, seed=k, model=model, choice=choice, omega=omega
        )
        for k, (model, choice, omega) in enumerate(draws)
    ]
    return scenario, outcomes


def _band(group: str, cause: str, months: int) -> tuple[float, float, float]:
    """The TIES estimate and the wider of ±50% and its 95% interval."""
    estimate = cumulative_incidence(group, cause, months)
    episodes = load_weibull()[group, "any_end"].episodes
    low, high = wilson(round(estimate * episodes), episodes)
    return estimate, min(low, 0.5 * estimate), max(high, 1.5 * estimate)


@pytest.mark.parametrize(
    ("group", "source"),
    _cases(
        GROUPS,
        {
            "v2f": V2F_CONCESSION,
            "v2g": V2G_CONCESSION,
            "v2h": V2H_CONCESSION,
            "v2i": V2I_CONCESSION,
            "v2j": V2J_CONCESSION,
            "v2k": V2K_CONCESSION,
            "v2l": V2L_CONCESSION,
            "v2m": V2M_CONCESSION,
            "v2n": V2N_CONCESSION,
            "v2o": V2O_CONCESSION,
            "v2p": V2P_CONCESSION,
            "v2q": V2Q_CONCESSION,
            "v2r": V2Q_CONCESSION.replace("v2q", "v2r (T 0: v2q's structure)"),
            "v2s": V2Q_CONCESSION.replace("v2q", "v2s"),
        },
        everywhere=("v2g", "v2h", "v2i", "v2j", "v2k", "v2l"),
    ),
)
@pytest.mark.parametrize("months", [12, 36, 60])
def test_concession_incidence_is_within_the_ties_band(group: str, months: int, source: str) -> None:
    _, outcomes = population(group, source)
    simulated = np.mean(
        [((o.conceded_month > 0) & (o.conceded_month <= months)).mean() for o in outcomes]
    )
    estimate, low, high = _band(group, "target_concedes", months)
    assert low <= simulated <= high, (group, months, simulated, estimate)


@pytest.mark.parametrize(
    ("group", "months", "source"),
    [
        pytest.param(
            group,
            months,
            source,
            marks=pytest.mark.xfail(strict=True, reason=LIFTING_FAILS[source][0]),
        )
        if source in LIFTING_FAILS and (group, months) in LIFTING_FAILS[source][1]
        else (group, months, source)
        for source in (PRIOR, *POSTERIOR)
        for group in GROUPS
        for months in (12, 36, 60)
    ],
)
def test_the_leader_lifting_without_concession_is_within_the_ties_band(
    group: str, months: int, source: str
) -> None:
    scenario, outcomes = population(group, source)
    leader = [a.id for a in scenario.members].index("LEAD")
    simulated = np.mean([o.eased_by(months)[:, leader].mean() for o in outcomes])
    estimate, low, high = _band(group, "sender_capitulates", months)
    assert low <= simulated <= high, (group, months, simulated, estimate)


def in_force_hazard(outcomes: RunOutcomes) -> FloatArray:
    """``(H, N)`` each member's monthly easing hazard among the runs whose episode is still in
    force at the month's start (docs/model-v2.md, amendment 4): the cause-specific hazard, the
    quantity the TIES anchor is, from the runs' smooth chances and end months."""
    assert outcomes.eased_chance is not None
    assert outcomes.ended_month is not None
    chance = outcomes.eased_chance.astype(np.float64)  # (R, H, N)
    before = np.concatenate([np.zeros_like(chance[:, :1]), chance[:, :-1]], axis=1)
    months = np.arange(1, chance.shape[1] + 1)
    ended = outcomes.ended_month[:, None]
    in_force = ((ended == 0) | (ended >= months[None, :]))[:, :, None]  # (R, H, 1)
    eased = np.where(in_force, chance - before, 0.0).sum(axis=0)
    at_risk = np.where(in_force, 1.0 - before, 0.0).sum(axis=0)
    result: FloatArray = eased / np.maximum(at_risk, 1e-12)
    return result


def early_and_later_hazard(group: str, source: str = PRIOR) -> tuple[float, float]:
    """Members' mean monthly easing hazard over months 1–3 and 4–24 (renewal months aside),
    among the runs still in force, for each member with something to ease."""
    scenario, outcomes = population(group, source)
    member_ids = tuple(a.id for a in scenario.members)
    renewals = renewal_calendar(scenario, member_ids, HORIZON)
    early, later = [], []
    for o in outcomes:
        hazard = in_force_hazard(o)
        for i, member in enumerate(member_ids):
            if member == "LEAD":
                continue
            months = [t for t in range(1, 25) if not renewals[t - 1, i]]
            early += [hazard[t - 1, i] for t in months if t <= 3]
            later += [hazard[t - 1, i] for t in months if t >= 4]
    return float(np.mean(early)), float(np.mean(later))


def anchor_ratio(group: str) -> float:
    """The same ratio for the TIES capitulation hazard that anchors θ, at age 0."""
    hazard = monthly_capitulation(group, 0.0, 24)
    return float(hazard[:3].mean() / hazard[3:].mean())


@pytest.mark.xfail(
    strict=True,
    reason="finding (2026-12-01): the design's absolute 1.5x check contradicts its own anchor for "
    "a new episode: TIES's capitulation hazard at age 0 has ratio 1.61 (io) and 2.53 "
    "(multilateral); the prior population measured 1.86 and 2.44 among runs in force (amendment "
    "4; 2.30 and 3.19 by the old reading). See docs/model-v2.md, amendments 2 and 4.",
)
@pytest.mark.parametrize("group", ["io", "multilateral_no_io"])
def test_members_do_not_rush_to_ease_in_the_first_months(group: str) -> None:
    early, later = early_and_later_hazard(group)
    assert early <= 1.5 * later, (early, later)


@pytest.mark.parametrize(
    ("group", "source"),
    _cases(
        ("io", "multilateral_no_io"),
        {},
    ),
)
def test_members_rush_no_more_than_the_large_n_anchor_allows(group: str, source: str) -> None:
    """Amendment 2: the early/late ratio at most 1.5 times the TIES anchor's own ratio."""
    early, later = early_and_later_hazard(group, source)
    assert early / later <= 1.5 * anchor_ratio(group), (early / later, anchor_ratio(group))


def test_the_checks_can_fail() -> None:
    """The band is narrow enough to refuse a model that eases at once or never concedes."""
    _, low, high = _band("io", "sender_capitulates", 12)
    assert not low <= 0.9 <= high
    _, low, high = _band("io", "target_concedes", 36)
    assert not low <= 0.0 <= high


def test_the_hazard_is_read_among_the_runs_still_in_force() -> None:
    """Amendment 4 by hand: two runs easing at 10% a month, one ended in month 2. Among the runs
    in force the hazard stays 0.1; the old reading, from the mean chance, halves month 3's."""
    chance = np.array([[0.1, 0.19, 0.19], [0.1, 0.19, 0.271]], dtype=np.float32)[:, :, None]
    none = np.zeros((2, 1), dtype=np.int16)
    outcomes = RunOutcomes(
        none,
        np.zeros(2, dtype=np.int16),
        none,
        none,
        np.ones(2),
        np.zeros((2, 1)),
        chance,
        np.array([2, 0], dtype=np.int16),
    )
    assert in_force_hazard(outcomes)[:, 0] == pytest.approx([0.1, 0.1, 0.1], abs=1e-6)
    mean = chance.mean(axis=0)[:, 0]
    assert (mean[2] - mean[1]) / (1 - mean[1]) == pytest.approx(0.05, abs=1e-6)
