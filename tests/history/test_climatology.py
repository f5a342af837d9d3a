"""Tests of the outcome-blind climatology reference (``sanctionsim.history.climatology``)."""

from __future__ import annotations

import csv
import importlib.resources
import itertools
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionsim.history import climatology as clim

LARGE_N = Path(__file__).resolve().parents[3] / "shared" / "data" / "large-n"
SHIPPED = importlib.resources.files("sanctionsim.history") / "data"
CAUSES = (clim.TARGET_CONCEDES, clim.SENDER_CAPITULATES)
ALL_GROUPS = (*clim.GROUPS, clim.POOLED)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def _quad_in_root(function: object, group: str, start: float, end: float) -> float:
    """``∫_start^end f(s) ds`` by scipy's adaptive quadrature in ``u = s^(1/m)``, where ``m`` is
    one over the group's smallest Weibull shape: the hazards' ``s^(k−1)`` singularity at 0 becomes
    ``u^(mk−1)``, bounded, so quad's estimate is reliable (with the singularity left in, quad
    misses by a few 1e-9)."""
    integrate = pytest.importorskip("scipy.integrate", reason="scipy is the quadrature oracle")
    assert callable(function)
    power = 1.0 / min(fit.shape for (g, _), fit in clim.load_weibull().items() if g == group)

    def integrand(u: float) -> float:
        return float(function(u**power)) * power * float(u ** (power - 1.0))

    # Kinks of the all-cause hazard are passed as break points, except unilateral's at 7e-12
    # months: a break that close to 0 trips quad's extrapolation, and the kink is harmless there.
    kinks = clim._all_cause(group).breaks
    breaks = [b ** (1.0 / power) for b in kinks if max(start, 1e-6) < b < end]
    value, _ = integrate.quad(
        integrand,
        start ** (1.0 / power),
        end ** (1.0 / power),
        points=breaks or None,
        limit=500,
        epsabs=1e-13,
        epsrel=1e-12,
    )
    return float(value)


def _quad(group: str, cause: str, start: float, end: float, survival_at: object) -> float:
    """``∫_start^end h_c(s) S(s) ds / S(start)`` by the oracle quadrature."""
    fit = clim.load_weibull()[group, cause]
    assert callable(survival_at)

    def integrand(s: float) -> float:
        return float(fit.hazard(np.array(s))) * float(survival_at(s))

    return _quad_in_root(integrand, group, start, end) / float(survival_at(start))


# ----------------------------------------------------------------- the shipped data


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("shipped", "shared"),
    [
        ("ties_weibull.csv", "ties-weibull.csv"),
        ("ties_cumulative_incidence.csv", "ties-cumulative-incidence.csv"),
    ],
)
def test_shipped_figures_equal_the_shared_large_n_tables(shipped: str, shared: str) -> None:
    if not LARGE_N.is_dir():
        pytest.skip(f"../shared/data absent: {LARGE_N} is not here (a user's fresh clone)")
    ours = _rows((SHIPPED / shipped).read_text("utf-8"))
    theirs = _rows((LARGE_N / shared).read_text("utf-8"))
    assert ours == theirs


def test_the_shipped_data_carries_its_citation() -> None:
    readme = (SHIPPED / "README.md").read_text("utf-8")
    assert "Morgan" in readme
    assert "updating the TIES dataset" in readme
    assert "31(5)" in readme


def test_load_weibull_is_complete_frozen_and_read_once() -> None:
    fits = clim.load_weibull()
    assert set(fits) == {(g, c) for g in ALL_GROUPS for c in clim.CAUSES}
    assert fits["io", "target_concedes"] == clim.WeibullFit(0.59, 114.0, 105)
    assert clim.load_weibull() is fits
    with pytest.raises(TypeError):
        fits["io", "any_end"] = clim.WeibullFit(1.0, 1.0, 1)  # type: ignore[index]
    assert all(0.5 < fit.shape < 1.0 for fit in fits.values())


def test_importing_the_module_reads_no_file() -> None:
    code = (
        "import sanctionsim.history.climatology as c;"
        "print(c.load_weibull.cache_info().currsize, c.load_cumulative_incidence.cache_info()"
        ".currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0"]


# ----------------------------------------------------------------- against the Aalen–Johansen table


@pytest.mark.parametrize("group", clim.GROUPS)
def test_weibull_incidence_from_month_0_tracks_the_aalen_johansen_table(group: str) -> None:
    """The fits' CIF from month 0 against the TIES Aalen–Johansen table at 12, 36, 60, 120 months.

    The Weibull fits smooth the AJ step curve with two parameters per cause, fitted on the same
    episodes, so an adequate fit differs from the table by about its sampling error. The
    tolerance is fixed from the group's size alone: ``1/sqrt(n)``, twice the largest binomial
    standard error of a proportion from ``n`` episodes (censoring makes the true error larger,
    so this is the strict side): io 0.098 (n=105), multilateral_no_io 0.158 (n=40), unilateral
    0.061 (n=265). Measured largest gaps (fit − table):

    - io: concedes by 36 months 0.385 vs 0.433 (0.048); capitulates at most 0.015 (120);
    - multilateral_no_io: concedes by 60 months 0.467 vs 0.538 (0.070); capitulates ≤ 0.019;
    - unilateral: capitulates by 60 months 0.254 vs 0.205 (0.049); concedes ≤ 0.027 (60).

    Ignoring the competing risk (``1 − exp(−Λ_c)``) would miss by 0.18 for multilateral
    concessions at 120 months, which this tolerance catches.
    """
    table = clim.load_cumulative_incidence()
    tolerance = 1.0 / math.sqrt(table[group, 12].episodes)
    for month in (12, 36, 60, 120):
        row = table[group, month]
        expected = {
            clim.TARGET_CONCEDES: row.p_target_concedes_by,
            clim.SENDER_CAPITULATES: row.p_sender_capitulates_by,
        }
        for cause in CAUSES:
            fitted = clim.cumulative_incidence(group, cause, month)
            assert fitted == pytest.approx(expected[cause], abs=tolerance), (group, cause, month)


# ----------------------------------------------------------------- the integration


@pytest.mark.oracle
@pytest.mark.parametrize("group", ALL_GROUPS)
@pytest.mark.parametrize("cause", CAUSES)
@pytest.mark.parametrize(
    ("age", "horizon"), [(0.0, 0.01), (0.0, 0.5), (0.0, 12.0), (0.0, 240.0), (0.3, 1.0),
                         (24.0, 36.0), (96.0, 12.0), (96.0, 120.0), (700.0, 600.0)]
)  # fmt: skip
def test_integration_agrees_with_scipy_quad(
    group: str, cause: str, age: float, horizon: float
) -> None:
    expected = _quad(group, cause, age, age + horizon, lambda s: clim.survival(group, s))
    assert clim.conditional_incidence(group, cause, age, horizon) == pytest.approx(
        expected, abs=1e-6
    )


@pytest.mark.oracle
@pytest.mark.parametrize("group", ALL_GROUPS)
@pytest.mark.parametrize("months", [0.001, 0.1, 0.5, 2.0, 12.0, 120.0, 1000.0])
def test_survival_integrates_the_larger_of_the_all_cause_and_summed_cause_hazards(
    group: str, months: float
) -> None:
    fits = clim.load_weibull()

    def hazard(s: float) -> float:
        point = np.array(s)
        summed = sum(float(fits[group, c].hazard(point)) for c in CAUSES)
        return max(float(fits[group, clim.ANY_END].hazard(point)), summed)

    cumulative = _quad_in_root(hazard, group, 0.0, months)
    assert clim.survival(group, months) == pytest.approx(math.exp(-cumulative), abs=1e-9)


@pytest.mark.parametrize("group", clim.GROUPS)
def test_survival_is_the_any_end_fit_where_the_fits_are_coherent(group: str) -> None:
    """From two months to twenty years, S is exactly the ``any_end`` Weibull fit."""
    fit = clim.load_weibull()[group, clim.ANY_END]
    for months in (2.0, 12.0, 60.0, 240.0):
        s0 = math.exp(-((2.0 / fit.scale_months) ** fit.shape))
        expected = math.exp(-((months / fit.scale_months) ** fit.shape)) / s0
        assert clim.survival(group, months) / clim.survival(group, 2.0) == pytest.approx(
            expected, rel=1e-12
        )
    assert clim.survival(group, 0.0) == 1.0
    assert clim.cumulative_incidence(group, clim.ANY_END, 60.0) == pytest.approx(
        1.0 - clim.survival(group, 60.0)
    )


@pytest.mark.oracle
def test_the_raw_any_end_fit_alone_would_be_incoherent_in_the_first_month() -> None:
    """Why S is not ``exp(−Λ_any)`` everywhere: with it, a multilateral episode's chance of
    ending by concession or capitulation in its first fortnight exceeds its chance of ending."""
    fit = clim.load_weibull()["multilateral_no_io", clim.ANY_END]

    def raw(s: float) -> float:
        return math.exp(-((s / fit.scale_months) ** fit.shape))

    causes = sum(_quad("multilateral_no_io", c, 0.0, 0.5, raw) for c in CAUSES)
    assert causes > 1.0 - raw(0.5)
    corrected = sum(clim.conditional_incidence("multilateral_no_io", c, 0.0, 0.5) for c in CAUSES)
    assert corrected <= 1.0 - clim.survival("multilateral_no_io", 0.5) + 1e-9


# ----------------------------------------------------------------- conditional incidence


@pytest.mark.parametrize("group", ALL_GROUPS)
@pytest.mark.parametrize("cause", CAUSES)
def test_conditional_incidence_at_age_0_is_the_cumulative_incidence(group: str, cause: str) -> None:
    for horizon in (1.0, 12.0, 36.0, 60.0, 120.0):
        assert clim.conditional_incidence(group, cause, 0.0, horizon) == pytest.approx(
            clim.cumulative_incidence(group, cause, horizon), abs=1e-12
        )


AGES = np.concatenate([[0.0], np.geomspace(0.01, 600.0, 120)])


@pytest.mark.parametrize("group", clim.GROUPS)
@pytest.mark.parametrize("horizon", [1.0, 12.0, 36.0, 60.0, 120.0])
def test_the_chance_of_a_concession_falls_with_the_episodes_age(group: str, horizon: float) -> None:
    values = [clim.conditional_incidence(group, "target_concedes", a, horizon) for a in AGES]
    assert all(later < earlier for earlier, later in itertools.pairwise(values))


@pytest.mark.parametrize("group", clim.GROUPS)
@pytest.mark.parametrize("horizon", [1.0, 12.0, 36.0, 60.0, 120.0])
def test_the_chance_of_capitulation_falls_with_age_after_two_years(
    group: str, horizon: float
) -> None:
    """Capitulation's shape exceeds the all-cause shape for io (0.80 > 0.62) and unilateral
    (0.74 > 0.67): its hazard falls more slowly than that of ending at all, so surviving the
    first months (which removes the quick other ends) can raise the chance over a long horizon.
    Measured: io at H = 120 rises from 0.0758 (age 0) to 0.0807 near 22 months; unilateral at
    H = 120 from 0.3216 to 0.3264 near 5 months. Past two years it falls for every group."""
    ages = AGES[AGES >= 24.0]
    values = [clim.conditional_incidence(group, "sender_capitulates", a, horizon) for a in ages]
    assert all(later < earlier for earlier, later in itertools.pairwise(values))


def test_long_horizon_capitulation_with_an_institution_first_rises_with_age() -> None:
    at_0 = clim.conditional_incidence("io", "sender_capitulates", 0.0, 120.0)
    at_22 = clim.conditional_incidence("io", "sender_capitulates", 22.0, 120.0)
    assert at_0 == pytest.approx(0.0758, abs=5e-4)
    assert at_22 == pytest.approx(0.0807, abs=5e-4)


@pytest.mark.parametrize("group", ALL_GROUPS)
@pytest.mark.parametrize("cause", CAUSES)
def test_conditional_incidence_vanishes_as_the_horizon_shrinks(group: str, cause: str) -> None:
    values = [clim.conditional_incidence(group, cause, 0.0, 10.0**-k) for k in range(1, 10)]
    assert all(later < earlier for earlier, later in itertools.pairwise(values))
    assert values[-1] < 1e-5
    # Away from 0 the probability per month tends to the cause's hazard at that age.
    fit = clim.load_weibull()[group, cause]
    rate = clim.conditional_incidence(group, cause, 24.0, 1e-6) / 1e-6
    assert rate == pytest.approx(float(fit.hazard(np.array(24.0))), rel=1e-5)


@settings(max_examples=150, deadline=None)
@given(
    group=st.sampled_from(ALL_GROUPS),
    age=st.floats(0.0, 1200.0),
    horizon=st.floats(1e-6, 1200.0),
)
def test_conditional_incidences_are_coherent_probabilities(
    group: str, age: float, horizon: float
) -> None:
    values = [clim.conditional_incidence(group, c, age, horizon) for c in CAUSES]
    assert all(0.0 <= v <= 1.0 for v in values)
    ended = 1.0 - clim.survival(group, age + horizon) / clim.survival(group, age)
    assert sum(values) <= ended + 1e-9
    assert clim.conditional_incidence(group, clim.ANY_END, age, horizon) == pytest.approx(
        ended, abs=1e-12
    )


def test_dprk_2014_eight_years_into_its_un_episode() -> None:
    """dprk-2014 (io) starts about 96 months into its UN episode. From month 0 the fits give a
    23.0% chance of a concession within a year (the AJ table: 20.9%); given its age, 6.24%.
    Issue 10 quoted about 4%: that is the AJ table's step function, (0.5908 − 0.5797) / 0.2892
    = 3.8%, one concession in that year among 105 episodes; the smooth fit gives 6.2%."""
    fresh = clim.conditional_incidence("io", "target_concedes", 0.0, 12.0)
    aged = clim.conditional_incidence("io", "target_concedes", 96.0, 12.0)
    assert fresh == pytest.approx(0.2295, abs=5e-4)
    assert aged == pytest.approx(0.0624, abs=5e-4)
    assert clim.climatology_forecast("io", "target_concedes", 96.0, 12.0) == aged
    table = clim.load_cumulative_incidence()
    step = (table["io", 108].p_target_concedes_by - table["io", 96].p_target_concedes_by) / table[
        "io", 96
    ].p_in_force
    assert step == pytest.approx(0.038, abs=1e-3)


# ----------------------------------------------------------------- the forecast and validation


def test_climatology_forecast_reads_each_event_kind() -> None:
    for group in clim.GROUPS:
        assert clim.climatology_forecast(group, "target_concedes", 30.0, 36.0) == (
            clim.conditional_incidence(group, "target_concedes", 30.0, 36.0)
        )
        assert clim.climatology_forecast(group, "leader_eases", 30.0, 36.0) == (
            clim.conditional_incidence(group, "sender_capitulates", 30.0, 36.0)
        )
        for kind in ("member_eases", "deal_delivers"):
            assert clim.climatology_forecast(group, kind, 30.0, 36.0) == 1.0 / 3.0


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: clim.cumulative_incidence("bilateral", "target_concedes", 12), "group"),
        (lambda: clim.cumulative_incidence("io", "stalemate", 12), "cause"),
        (lambda: clim.cumulative_incidence("io", "target_concedes", -1), "months"),
        (lambda: clim.conditional_incidence("nato", "target_concedes", 0, 12), "group"),
        (lambda: clim.conditional_incidence("io", "leader_eases", 0, 12), "cause"),
        (lambda: clim.conditional_incidence("io", "target_concedes", -0.5, 12), "age_months"),
        (lambda: clim.conditional_incidence("io", "target_concedes", 0, 0), "horizon_months"),
        (lambda: clim.conditional_incidence("io", "target_concedes", 0, -3), "horizon_months"),
        (lambda: clim.conditional_incidence("io", "target_concedes", math.nan, 3), "age_months"),
        (lambda: clim.climatology_forecast("io", "cascade", 0, 12), "event_kind"),
        (lambda: clim.climatology_forecast("UN", "member_eases", 0, 12), "group"),
        (lambda: clim.climatology_forecast("io", "member_eases", -1, 12), "age_months"),
        (lambda: clim.climatology_forecast("io", "member_eases", 0, 0), "horizon_months"),
        (lambda: clim.survival("io", math.inf), "months"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(call: object, argument: str) -> None:
    assert callable(call)
    with pytest.raises(ValueError, match=argument):
        call()


# ----------------------------------------------------------------- the documentation page


def test_the_tables_in_docs_climatology_md_are_what_the_code_computes() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "climatology.md"
    text = page.read_text("utf-8")
    tables = {
        clim.TARGET_CONCEDES: text.split("Target concedes:")[1].split("Sender capitulates")[0],
        clim.SENDER_CAPITULATES: text.split("Sender capitulates (the leader eases):")[1],
    }
    for cause, table in tables.items():
        rows = [line for line in table.splitlines() if line.startswith("| `")]
        assert len(rows) == 9
        for row in rows:
            cells = [cell.strip() for cell in row.strip("|").split("|")]
            group, age = cells[0].strip("`"), float(cells[1])
            for horizon, cell in zip((12.0, 36.0, 60.0, 120.0), cells[2:], strict=True):
                value = clim.conditional_incidence(group, cause, age, horizon)
                assert cell == f"{value:.3f}", (cause, group, age, horizon)
