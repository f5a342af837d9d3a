"""The outcome-blind climatology: large-N rates at which sanctions episodes end, by cause.

A forecast of a historical case has skill only if it beats a forecaster who knows nothing but
the episode's type and age. That forecaster is this module. Its figures come from TIES v4
(Morgan, Bapat & Kobayashi 2014, "Threat and imposition of economic sanctions 1945–2005:
updating the TIES dataset", *Conflict Management and Peace Science* 31(5)), never from the
built-in cases' own outcomes.

**Definitions** (the shipped data's ``README.md`` gives them in full). Imposed episodes whose
first issue is not trade practices (410 episodes). *Target concedes* = TIES final outcomes 6, 7,
10 (partial or total acquiescence, negotiated settlement after imposition); *sender
capitulates* = outcome 8; stalemate and other ends are neither. Groups (:data:`GROUPS`): ``io``
(an international institution involved), ``multilateral_no_io`` (several senders, no
institution), ``unilateral``; the pooled fit ``all`` is also accepted.

**The model.** For each group and cause ``c`` the package ships a maximum-likelihood Weibull
fit of the cause-specific hazard, ``h_c(t) = (k/λ)(t/λ)^(k−1)``, months from imposition. The
probability that an episode has ended by cause ``c`` by month ``t`` is the competing-risks
cumulative incidence (Kalbfleisch & Prentice 2002, *The Statistical Analysis of Failure Time
Data*, §8.2)::

    CIF_c(t) = ∫_0^t h_c(s) S(s) ds

and, for an episode still in force at age ``a``, the probability that it ends by ``c`` within
the next ``H`` months is ``(CIF_c(a + H) − CIF_c(a)) / S(a)``.

**The choice of S.** ``S`` is the all-cause survival. Two causes do not exhaust the ways an
episode ends (stalemates and other ends are a third), so ``S`` cannot be built from the two
cause fits alone; it comes from the ``any_end`` fit, ``S(t) = exp(−(t/λ_any)^k_any)``, which was
fitted to every ending and so carries the third cause. The three fits are separate maximum-
likelihood estimates, and in a few places the two cause hazards add up to more than the
all-cause hazard: in the first 5 days of an ``io`` episode and the first 34 days of a
``multilateral_no_io`` one (all shapes are below 1, so the hazards are steep there), and, for
``unilateral``, after about 60 years. There ``exp(−Λ_any)`` would make the causes' incidences
add up to more than the probability of any end. So the all-cause hazard used is ``max(h_any,
h_concedes + h_capitulates)``: the ``any_end`` fit wherever the fits are coherent (from about one
month to decades, the whole range the figures are used on), and never less than the sum of its
parts. Then every probability lies in [0, 1] and the two causes' incidences never exceed the
probability that the episode ends (:func:`survival` gives ``S``).

**Ages.** Every shape is below 1 (0.59–0.80): the hazard of ending falls with time, so an
episode that has lasted eight years is much less likely to end this year than a new one. This is
why the reference is read conditional on the episode's age (issue 10, item 3). For dprk-2014,
which starts about 96 months into its UN episode, the ``io`` chance of a concession within a
year is 23% from month 0 (the Aalen–Johansen table says 21%), and 6.2% given its age (the
table's step function, one concession in that year among 105 episodes, says 3.8%).

The integral is singular at ``s = 0`` when ``k < 1``; it is computed in the variable
``v = (s/λ_c)^k_c``, in which ``h_c(s) ds = dv`` and the integrand is ``S``, bounded by 1, with
composite Gauss–Legendre panels graded geometrically towards ``v = 0`` and broken where the
all-cause hazard switches branch (accurate to better than 1e-9; the tests compare with
``scipy.integrate.quad``).

>>> round(cumulative_incidence("io", "target_concedes", 12), 3)
0.23
>>> round(conditional_incidence("io", "target_concedes", 96, 12), 3)
0.062
>>> round(climatology_forecast("unilateral", "leader_eases", 0, 120), 3)
0.322
>>> climatology_forecast("io", "member_eases", 96, 12) == NO_LARGE_N_RATE
True
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

GROUPS = ("io", "multilateral_no_io", "unilateral")
"""The episode groups: an institution involved; several senders, no institution; one sender."""

POOLED = "all"
"""The pooled fit of the three groups, accepted wherever a group is."""

TARGET_CONCEDES = "target_concedes"
SENDER_CAPITULATES = "sender_capitulates"
ANY_END = "any_end"
CAUSES = (TARGET_CONCEDES, SENDER_CAPITULATES, ANY_END)
"""The causes fitted: the two competing ends and the episode's end for whatever reason."""

EVENT_KINDS = ("target_concedes", "leader_eases", "member_eases", "deal_delivers")
"""The primitive events :func:`climatology_forecast` gives a reference probability for."""

NO_LARGE_N_RATE = 1.0 / 3.0
"""The reference for events no large-N table covers: an individual member's easing and a side
deal's delivery (``large-n-priors.md``, fact 10); the same 1/3 as the constant reference."""

_EVENT_CAUSE = {"target_concedes": TARGET_CONCEDES, "leader_eases": SENDER_CAPITULATES}
_WEIBULL_FILE = "ties_weibull.csv"
_INCIDENCE_FILE = "ties_cumulative_incidence.csv"

# Quadrature: Gauss–Legendre panels of _ORDER nodes on [v1/2^(j+1), v1/2^j]. On such a panel the
# integrand's nearest singularity (v = 0) lies three half-widths from the panel's centre, so the
# error per panel is about (3 + √8)^(−2·_ORDER), far below 1e-12; the last panel [0, v1/2^_LEVELS]
# contributes at most its length, v1·2^−_LEVELS, because the integrand is at most 1.
_ORDER = 10
_LEVELS = 50
# The all-cause hazard's branch points are searched for on s in [e^−_LOG_SPAN, e^_LOG_SPAN] months.
_LOG_SPAN = 30.0


@dataclass(frozen=True)
class WeibullFit:
    """A Weibull hazard ``h(t) = (k/λ)(t/λ)^(k−1)``: ``k`` = shape, ``λ`` = scale in months."""

    shape: float
    scale_months: float
    episodes: int

    def cumulative_hazard(self, months: NDArray[np.float64]) -> NDArray[np.float64]:
        """``Λ(t) = (t/λ)^k``, elementwise."""
        result: NDArray[np.float64] = (months / self.scale_months) ** self.shape
        return result

    def hazard(self, months: NDArray[np.float64]) -> NDArray[np.float64]:
        """``h(t) = (k/λ)(t/λ)^(k−1)``, elementwise (infinite at 0 when ``k < 1``)."""
        with np.errstate(divide="ignore"):
            result: NDArray[np.float64] = (self.shape / self.scale_months) * (
                months / self.scale_months
            ) ** (self.shape - 1.0)
        return result


@dataclass(frozen=True)
class IncidenceRow:
    """One month of the Aalen–Johansen table: probabilities by that month since imposition."""

    episodes: int
    p_target_concedes_by: float
    p_sender_capitulates_by: float
    p_in_force: float


def _data_text(name: str) -> str:
    return (importlib.resources.files("sanctionsim.history") / "data" / name).read_text("utf-8")


@functools.cache
def load_weibull() -> Mapping[tuple[str, str], WeibullFit]:
    """The shipped Weibull fits, keyed by ``(group, cause)``; read once, then cached.

    Groups are :data:`GROUPS` and :data:`POOLED`; causes are :data:`CAUSES`.
    """
    fits: dict[tuple[str, str], WeibullFit] = {}
    for row in csv.DictReader(_data_text(_WEIBULL_FILE).splitlines()):
        fits[row["group"], row["cause"]] = WeibullFit(
            shape=float(row["shape"]),
            scale_months=float(row["scale_months"]),
            episodes=int(row["episodes"]),
        )
    return MappingProxyType(fits)


@functools.cache
def load_cumulative_incidence() -> Mapping[tuple[str, int], IncidenceRow]:
    """The shipped Aalen–Johansen table, keyed by ``(group, month)``, months 1..240."""
    table: dict[tuple[str, int], IncidenceRow] = {}
    for row in csv.DictReader(_data_text(_INCIDENCE_FILE).splitlines()):
        table[row["group"], int(row["month"])] = IncidenceRow(
            episodes=int(row["episodes"]),
            p_target_concedes_by=float(row["p_target_concedes_by"]),
            p_sender_capitulates_by=float(row["p_sender_capitulates_by"]),
            p_in_force=float(row["p_in_force"]),
        )
    return MappingProxyType(table)


def _check_group(group: str) -> None:
    if group not in (*GROUPS, POOLED):
        raise ValueError(f"group must be one of {(*GROUPS, POOLED)}, got {group!r}")


def _check_cause(cause: str) -> None:
    if cause not in CAUSES:
        raise ValueError(f"cause must be one of {CAUSES}, got {cause!r}")


def _check_months(name: str, value: float, *, positive: bool) -> float:
    months = float(value)
    if not math.isfinite(months) or months < 0.0 or (positive and months == 0.0):
        wanted = "positive" if positive else "non-negative"
        raise ValueError(f"{name} must be a finite, {wanted} number of months, got {value!r}")
    return months


@dataclass(frozen=True)
class _AllCause:
    """The all-cause hazard ``max(h_any, h_c + h_k)`` of one group, as a cumulative hazard.

    ``segments`` are the intervals of ``s`` (months) on which the two cause hazards add up to
    more than the ``any_end`` hazard; ``breaks`` are their finite ends.
    """

    any_end: WeibullFit
    concedes: WeibullFit
    capitulates: WeibullFit
    segments: tuple[tuple[float, float], ...]
    breaks: tuple[float, ...]

    def _excess(self, months: NDArray[np.float64]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = (
            self.concedes.cumulative_hazard(months)
            + self.capitulates.cumulative_hazard(months)
            - self.any_end.cumulative_hazard(months)
        )
        return result

    def cumulative_hazard(self, months: NDArray[np.float64]) -> NDArray[np.float64]:
        total = self.any_end.cumulative_hazard(months)
        for low, high in self.segments:
            inside = np.clip(months, low, high)
            total = total + self._excess(inside) - self._excess(np.array(low))
        return total


def _log_hazard_gap(fits: tuple[WeibullFit, WeibullFit, WeibullFit], x: float) -> float:
    """``(h_c + h_k)/h_any − 1`` at ``s = e^x``: convex in ``x``, so it has at most two roots."""
    any_end, concedes, capitulates = fits
    s = math.exp(x)
    point = np.array(s)
    parts = concedes.hazard(point) + capitulates.hazard(point)
    return float(parts / any_end.hazard(point)) - 1.0


@functools.cache
def _all_cause(group: str) -> _AllCause:
    fits = load_weibull()
    any_end, concedes, capitulates = (
        fits[group, ANY_END],
        fits[group, TARGET_CONCEDES],
        fits[group, SENDER_CAPITULATES],
    )
    triple = (any_end, concedes, capitulates)

    def gap(x: float) -> float:
        return _log_hazard_gap(triple, x)

    # The gap is a sum of two exponentials in x = log s minus a constant, hence convex: find its
    # minimum by golden-section search, then each root (if any) by bisection on either side.
    low, high = -_LOG_SPAN, _LOG_SPAN
    a, b = low, high
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(200):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        if gap(c) < gap(d):
            b = d
        else:
            a = c
    x_min = (a + b) / 2.0

    def root(lo: float, hi: float) -> float | None:
        if (gap(lo) > 0.0) == (gap(hi) > 0.0):
            return None
        for _ in range(200):
            mid = (lo + hi) / 2.0
            if (gap(mid) > 0.0) == (gap(lo) > 0.0):
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2.0

    points = [x for x in (root(low, x_min), root(x_min, high)) if x is not None]
    edges = [-math.inf, *points, math.inf]
    segments: list[tuple[float, float]] = []
    for left, right in itertools.pairwise(edges):
        if math.isfinite(left) and math.isfinite(right):
            probe = (left + right) / 2.0
        elif math.isfinite(right):
            probe = right - 1.0
        elif math.isfinite(left):
            probe = left + 1.0
        else:
            probe = 0.0
        if gap(probe) > 0.0:
            segments.append((math.exp(left), math.exp(right)))
    return _AllCause(
        any_end=any_end,
        concedes=concedes,
        capitulates=capitulates,
        segments=tuple(segments),
        breaks=tuple(math.exp(x) for x in points),
    )


@functools.cache
def _rule() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    nodes, weights = np.polynomial.legendre.leggauss(_ORDER)
    return nodes, weights


def _incidence_between(group: str, cause: str, start: float, end: float) -> float:
    """``∫_start^end h_c(s) S(s)/S(start) ds`` in ``v = (s/λ_c)^k_c`` (see the module docstring)."""
    total = _all_cause(group)
    fit = load_weibull()[group, cause]
    v0 = fit.cumulative_hazard(np.array(start)).item()
    v1 = fit.cumulative_hazard(np.array(end)).item()
    if v1 <= v0:
        return 0.0
    cuts = {v0, v1}
    cuts.update(v for v in v1 * 0.5 ** np.arange(1, _LEVELS + 1) if v0 < v < v1)
    for s in total.breaks:
        v = fit.cumulative_hazard(np.array(s)).item()
        if v0 < v < v1:
            cuts.add(v)
    edges = np.array(sorted(cuts))
    left, right = edges[:-1, None], edges[1:, None]
    nodes, weights = _rule()
    v = (left + right) / 2.0 + (right - left) / 2.0 * nodes[None, :]
    s = fit.scale_months * v ** (1.0 / fit.shape)
    lam0 = total.cumulative_hazard(np.array(start)).item()
    integrand = np.exp(-(total.cumulative_hazard(s) - lam0))
    return float(np.sum((right - left) / 2.0 * weights[None, :] * integrand))


def survival(group: str, months: float) -> float:
    """``S(t)``: the probability that an episode of ``group`` is still in force ``t`` months in.

    The all-cause hazard is ``max(h_any, h_concedes + h_capitulates)`` (module docstring).
    """
    _check_group(group)
    t = _check_months("months", months, positive=False)
    return math.exp(-_all_cause(group).cumulative_hazard(np.array(t)).item())


def cumulative_incidence(group: str, cause: str, months: float) -> float:
    """``CIF_c(t) = ∫_0^t h_c(s) S(s) ds``: the probability of having ended by ``cause`` by ``t``.

    For ``cause = "any_end"`` it is ``1 − S(t)``. Competing risks as in Kalbfleisch & Prentice
    (2002, §8.2), from the TIES Weibull fits (module docstring).
    """
    _check_group(group)
    _check_cause(cause)
    t = _check_months("months", months, positive=False)
    if cause == ANY_END:
        return 1.0 - survival(group, t)
    return _incidence_between(group, cause, 0.0, t)


def conditional_incidence(
    group: str, cause: str, age_months: float, horizon_months: float
) -> float:
    """``(CIF_c(a + H) − CIF_c(a)) / S(a)``: the probability the episode ends by ``cause``
    within ``H`` months, given that it is still in force at age ``a`` months.
    """
    _check_group(group)
    _check_cause(cause)
    age = _check_months("age_months", age_months, positive=False)
    horizon = _check_months("horizon_months", horizon_months, positive=True)
    if cause == ANY_END:
        total = _all_cause(group)
        gained = total.cumulative_hazard(np.array([age, age + horizon]))
        return -math.expm1(-(gained[1] - gained[0]).item())
    return _incidence_between(group, cause, age, age + horizon)


def climatology_forecast(
    group: str, event_kind: str, age_months: float, horizon_months: float
) -> float:
    """The climatology reference's probability that ``event_kind`` happens within ``H`` months.

    ``target_concedes`` reads the concession cause and ``leader_eases`` the sender-capitulation
    cause (TIES outcome 8: the sender ends its measures without the target conceding), each
    conditional on the episode's age (:func:`conditional_incidence`). ``member_eases`` and
    ``deal_delivers`` get :data:`NO_LARGE_N_RATE` = 1/3: no large-N data set codes an individual
    member's defection or a side deal's delivery, so there is no rate to read.
    """
    _check_group(group)
    if event_kind not in EVENT_KINDS:
        raise ValueError(f"event_kind must be one of {EVENT_KINDS}, got {event_kind!r}")
    _check_months("age_months", age_months, positive=False)
    _check_months("horizon_months", horizon_months, positive=True)
    cause = _EVENT_CAUSE.get(event_kind)
    if cause is None:
        return NO_LARGE_N_RATE
    return conditional_incidence(group, cause, age_months, horizon_months)
