"""The v2 family's monthly kernel: decision epochs, the target's clock, other ends, smooth
easing chances (docs/model-v2.md, items 2, 4 and 5), and what v2b's rules read of the month (the
chance that the episode ends, a side deal's next stage, the prior rate of others' easing).

It is model v1's kernel (:class:`~sanctionsim.dynamics.kernel.Kernel`) with four changes:

* **the target's clock**: the concession hazard h(P) is weighted by w_t (and, in v2f, scaled by
  the fitted factor ψ: docs/model-v2.md, "v2f"), declining with the
  episode's age by the Weibull shape of concessions in its group
  (:func:`~sanctionsim.dynamics.clock.concession_age_weight`);
* **other ends**: force, lifting without concession and collapse end a run with the group's
  monthly hazard (:func:`~sanctionsim.dynamics.clock.other_end_hazard`); after any end no
  member eases;
* **decision epochs**: a quantal member (:mod:`~sanctionsim.dynamics.rules_v2`) reconsiders at
  its renewal dates and otherwise with probability ω a month
  (:mod:`~sanctionsim.dynamics.epochs`), month 1's decision included;
* **smooth chances**: each quantal member's chance of having eased by month t is carried as
  1 − Π(1 − e_s·p_s) over the decisions of the path while the run lasts, its hazard evaluated
  as if it held; other members' chance is their simulated easing (0 or 1).

Model v2e adds each member's persistent shift of its logit, σ·z_i drawn once a run
(:data:`~sanctionsim.dynamics.choice.INCLINATION_SCALE`), on the intercept θ'_t that keeps the
indifferent member's incidence (:func:`~sanctionsim.dynamics.choice.persistent_intercept`).

Its random numbers are v1's (same streams, same use) plus one matrix a month from a new block
stream (``engine.v2.months``: per member an epoch and a choice uniform, and one for the other
ends), so analyst-input draws are identical across versions for a seed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sanctionsim.coalition.commitment import backing_down_cost
from sanctionsim.coalition.payoffs import concession_hazard, leakage, net_pressure
from sanctionsim.dynamics.choice import (
    anchored_intercept,
    persistent_intercept,
    prospect_shift,
    relative_temptation,
)
from sanctionsim.dynamics.clock import concession_age_weight, other_end_hazard
from sanctionsim.dynamics.epochs import epoch_probability
from sanctionsim.dynamics.kernel import EASED_BELOW, Kernel
from sanctionsim.dynamics.rules import ChoiceTerms, Epoch, View
from sanctionsim.dynamics.rules_v2 import QuantalResponse, monthly_stake

if TYPE_CHECKING:
    from sanctionsim.coalition.parameters import CoalitionParameters
    from sanctionsim.dynamics.calibration import FittedParameters
    from sanctionsim.dynamics.rules import Rule
    from sanctionsim.dynamics.streams import Uniforms

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class EpisodeClock:
    """What model v2 reads of the episode once, on the start date (docs/model-v2.md).

    ``renewal`` is ``(600, N)``: whether month t (row t − 1) holds a renewal date of member i's
    own measures; ``commitment`` γ_i; ``choice`` λ, α and ψ; ``omega`` the epoch rate;
    ``inclination_scale`` σ of model v2e's persistent shock (0: none); ``unranked`` the member
    the premium's ranking leaves out (model v2j's leader, J2; None: every member is ranked);
    ``weighted`` the member whose case-specific terms are weighed by ζ (model v2k's leader, K1;
    None: nobody's); ``discretion`` d_i, each member's share of aid and diplomatic measures on the
    start (model v2l, L1; None: not read); ``answers_coup`` whether the episode answers a coup, so
    that the target's concession carries χ besides ψ (model v2m, M1; v2n: only after the Cold
    War; False for every other version); ``cold_war`` whether it starts before the Cold War's
    end, so that the concession carries ε instead (model v2n, N1; False for every other version);
    ``allied`` a_i, 1 for each member bound to the target by a defence treaty on the start (model
    v2o, O1; None: not read); ``tie_acts`` whether τ shifts the bound members' logits (False for
    a model v2p episode that starts after the Cold War, P1); ``measure_age`` a_i on the start, the
    months since each member imposed its own measures in force (model v2r, R1; None: not read);
    ``resolve_one_sided`` whether its weight only lowers the easing odds (model v2s, S1).
    """

    group: str
    age_months: float
    renewal: npt.NDArray[np.bool_]
    commitment: FloatArray
    choice: FittedParameters
    omega: float
    inclination_scale: float = 0.0
    unranked: int | None = None
    weighted: int | None = None
    discretion: FloatArray | None = None
    answers_coup: bool = False
    cold_war: bool = False
    allied: FloatArray | None = None
    tie_acts: bool = True
    measure_age: FloatArray | None = None
    resolve_one_sided: bool = False

    @property
    def concession_factor(self) -> float:
        """What multiplies the analyst's concession hazard: ψ, χ where the episode answers a
        coup, ε where it starts in the Cold War (docs/model-v2.md, "v2f", F1, "v2m", M1, and
        "v2n", N1)."""
        return self.choice.concession_factor(self.answers_coup, self.cold_war)

    def months(self, horizon: int) -> ClockMonths:
        """The clock's arrays for decisions and months 1..horizon + 1."""
        return clock_months(
            self.group,
            self.age_months,
            horizon + 1,
            self.omega,
            self.renewal,
            self.inclination_scale,
            self.concession_factor,
        )


@dataclass(frozen=True)
class ClockMonths:
    """Row t − 1 is month t: θ_t, w_t, the other ends' hazard, e_t per member, and the
    intercept a member's logit starts from (θ_t; model v2e: θ'_t, to which each run adds σ·z_i);
    ``concession_scale`` the factor on the analyst's concession hazard (ψ from v2f on; ψ·χ where a
    v2m episode answers a coup; ψ·ε where a v2n episode starts in the Cold War; 1 before v2f)."""

    theta: FloatArray
    age_weight: FloatArray
    other_end: FloatArray
    epoch_chance: FloatArray  # (months, N)
    intercept: FloatArray
    concession_scale: float | FloatArray = 1.0  # per run where grid points are stacked

    def concession(self, hazard: FloatArray, month: int) -> FloatArray:
        """The target's hazard in ``month``: min(1, ψ·h·w_month) (docs/model-v2.md, "v2f", F1)."""
        scaled = hazard * self.concession_scale * self.age_weight[month - 1]
        result: FloatArray = np.minimum(1.0, scaled)
        return result


@functools.lru_cache(maxsize=256)
def _target_clock(
    group: str, age: float, months: int, omega: float, scale: float
) -> tuple[FloatArray, ...]:
    theta = anchored_intercept(group, age, months, omega)
    return (
        theta,
        concession_age_weight(group, age, months),
        other_end_hazard(group, age, months),
        persistent_intercept(theta, omega, scale),
    )


def clock_months(
    group: str,
    age: float,
    months: int,
    omega: float,
    renewal: npt.NDArray[np.bool_],
    inclination_scale: float = 0.0,
    concession_scale: float = 1.0,
) -> ClockMonths:
    """The clock's arrays for ``months`` months (the TIES terms cached by group and age)."""
    theta, weight, other, intercept = _target_clock(group, age, months, omega, inclination_scale)
    epochs = epoch_probability(renewal[:months], omega)
    return ClockMonths(theta, weight, other, epochs, intercept, concession_scale)


def choice_terms(
    params: CoalitionParameters, clock: EpisodeClock, followers: Sequence[bool] | None = None
) -> tuple[ChoiceTerms, ...]:
    """Each member's λ, A_i, S_i, whether it has anything to ease, and who would answer its
    easing (the ``followers``: members playing conditional cooperation; default none).

    S_i = |β_i·h(P)| + |c_i| + |g_i(P)| + |κ_i·UN_i| + |s_i| (+ |H_i| in model v2-hold) at
    all-hold (P the net pressure with every member holding, h the analyst's hazard on the start);
    A_i = α·β_i·(1 + γ_i);
    τ_i = μ·log((g_i(P) + ε)/ḡ), the premium relative to the peers', in models v2i and v2j
    (v2j ranks the members without its leader, ``clock.unranked``);
    π = −ν·clip(log(ψ·h(P)/h_G(a)), −3, 3), the target's prospects, in model v2j only;
    in model v2k the leader's λ and τ_L are weighed by ζ (``clock.weighted``), so that its
    logit is θ_t + ζ·(τ_L + λ·ΔV_L/S_L) (docs/model-v2.md, "v2k", K1);
    δ_i = ρ·d_i, the member's aid and diplomatic measures, in model v2l only (L1);
    τ·a_i, the sender bound to the target by a defence treaty, in model v2o (O2), and in model v2p
    only where the episode starts in the Cold War (P1); 1/T and a_i in models v2r and v2s (R1, S1).
    """
    everyone = np.ones((params.runs, params.members))
    pressure = net_pressure(params, everyone)
    hazard = concession_hazard(params, pressure)
    premium = params.premium_base + params.premium_slope * pressure[:, None]
    cost = backing_down_cost(
        clock.choice.backing_down, params.concession_value, clock.commitment[None, :]
    )
    easable = params.has_something_to_ease()
    weight = clock.choice.temptation_weight
    ranked = easable.copy()
    if clock.unranked is not None:
        ranked[:, clock.unranked] = False
    temptation = relative_temptation(premium, ranked, weight) if weight else None
    prospects = None
    if clock.choice.prospect_weight:
        from sanctionsim.history.climatology import conditional_incidence

        month_one = np.minimum(1.0, clock.concession_factor * hazard)
        group_rate = conditional_incidence(clock.group, "target_concedes", clock.age_months, 1.0)
        prospects = prospect_shift(month_one, group_rate, clock.choice.prospect_weight)
    discretion, alliance = _member_shifts(clock)
    resolve_rate = _resolve_rate(clock, params.runs)
    follow = np.zeros(params.members, dtype=np.bool_)
    follow[:] = False if followers is None else followers
    terms = []
    for i in range(params.members):
        stake = monthly_stake(
            (
                params.concession_value[:, i] * hazard,
                params.holding_cost[:, i],
                premium[:, i],
                params.breach_cost[:, i] * params.un_level_eased[i],
                params.side_payment[:, i],
                *(() if params.holding_value is None else (params.holding_value[:, i],)),
            )
        )
        others = follow.copy()
        others[i] = False
        weight_i = clock.choice.leader_weight if i == clock.weighted else 1.0
        shift = None if temptation is None else temptation[:, i]
        if shift is not None and weight_i != 1.0:  # v2k's leader only: the others' are v2i's
            shift = weight_i * shift
        terms.append(
            ChoiceTerms(
                clock.choice.slope * weight_i,
                cost[:, i],
                stake,
                easable[:, i],
                others,
                clock.choice.carve_out_shift,
                clock.choice.lobby_weight,
                shift,
                prospects,
                None if discretion is None else np.full(params.runs, discretion[i]),
                None if alliance is None else np.full(params.runs, alliance[i]),
                resolve_rate,
                0.0 if clock.measure_age is None else float(clock.measure_age[i]),
                clock.resolve_one_sided,
            )
        )
    return tuple(terms)


def _member_shifts(clock: EpisodeClock) -> tuple[FloatArray | None, FloatArray | None]:
    """ρ·d_i (model v2l, L1) and τ·a_i (model v2o, O2) per member, each None where not read or 0."""
    discretion = None
    if clock.discretion is not None and clock.choice.discretion_weight:
        discretion = clock.choice.discretion_weight * clock.discretion
    alliance = None
    if clock.allied is not None and clock.choice.alliance_shift and clock.tie_acts:
        alliance = clock.choice.alliance_shift * clock.allied
    return discretion, alliance


def _resolve_rate(clock: EpisodeClock, runs: int) -> FloatArray | None:
    """1/T per run, the rate at which a fresh measure's revealed resolve fades (model v2r, R1; an
    infinite rate at T = 0, a weight of 1), None where the version reads no fading."""
    if clock.measure_age is None:
        return None
    months = clock.choice.resolve_months
    return np.full(runs, 1.0 / months if months else np.inf)


def stack_choice_terms(parts: Sequence[ChoiceTerms]) -> ChoiceTerms:
    """One member's terms for runs stacked part after part (calibrate's grid points played
    together, :func:`~sanctionsim.dynamics.engine.grid_outcomes`): the per-run arrays
    joined, λ per run where the parts' differ, a shift absent from a part read as 0 there and a
    fading rate absent as infinite (model v2r's weight 1).

    Raises:
        ValueError: parts whose ξ, η, responders or measures' age or side differ (they are
            played apart).
    """
    first = parts[0]
    for part in parts[1:]:
        if (part.carve_shift, part.lobby_weight) != (first.carve_shift, first.lobby_weight):
            raise ValueError("stacked choice terms must share the carve-out shift and lobby")
        if not np.array_equal(part.responders, first.responders):
            raise ValueError("stacked choice terms must share the responders")
        if (part.measure_age, part.resolve_one_sided) != (
            first.measure_age,
            first.resolve_one_sided,
        ):
            raise ValueError("stacked choice terms must share the member's measures' age and side")
    sizes = [len(part.stake) for part in parts]

    def joined(values: Sequence[FloatArray | None], absent: float = 0.0) -> FloatArray | None:
        if all(value is None for value in values):
            return None
        return np.concatenate(
            [np.full(n, absent) if v is None else v for n, v in zip(sizes, values, strict=True)]
        )

    slopes = [part.slope for part in parts]
    same = all(np.array_equal(slope, slopes[0]) for slope in slopes)
    return ChoiceTerms(
        slopes[0]
        if same
        else np.concatenate([np.broadcast_to(s, (n,)) for s, n in zip(slopes, sizes, strict=True)]),
        np.concatenate([part.backing_down for part in parts]),
        np.concatenate([part.stake for part in parts]),
        np.concatenate([part.easable for part in parts]),
        first.responders,
        first.carve_shift,
        first.lobby_weight,
        joined([part.temptation for part in parts]),
        joined([part.prospects for part in parts]),
        joined([part.discretion for part in parts]),
        joined([part.alliance for part in parts]),
        joined([part.resolve_rate for part in parts], absent=np.inf),  # no fading: weight 1
        first.measure_age,
        first.resolve_one_sided,
    )


class KernelV2(Kernel):
    """Model v2's month: v1's kernel with the target's clock, other ends, epochs and smooth
    chances (module docstring)."""

    def __init__(
        self,
        rules: Sequence[Rule],
        uniforms: Uniforms,
        *,
        choices: Uniforms,
        clock: ClockMonths,
        inclination: FloatArray | None = None,
        **common: Any,
    ) -> None:
        """v1's kernel on ``common`` (set-up, parameters, trust, widenings, types), plus v2's
        own uniforms (``choices``), the episode's clock for the horizon and, for model v2e,
        each member's persistent shift of its logit ``(runs, N)``, σ·z_i (``inclination``)."""
        super().__init__(rules, uniforms, **common)
        self.choices = choices
        self.clock = clock
        self.inclination = inclination
        self.quantal = np.array([rule.metadata.quantal for rule in self.rules], dtype=np.bool_)
        self.survive = np.ones((self.runs, self.members))
        self.eased_ever = np.zeros((self.runs, self.members), dtype=np.bool_)
        self.v2u = np.zeros((self.runs, 2 * self.members + 1))
        self.end_hazard = np.zeros(self.runs)  # the month's chance that the episode ends

    # -- the hooks of v1's kernel ---------------------------------------------------------------
    def target_hazard(self, hazard: FloatArray) -> FloatArray:
        """min(1, ψ·h(P)·w_t): the analyst's hazard, scaled by the fitted factor ψ (1 but in
        v2f) and declining with the episode's age (kept, with the other ends', as the month's
        chance that the episode ends)."""
        result = self.clock.concession(hazard, self.t)
        self.end_hazard = result + self.clock.other_end[self.t - 1]
        return result

    def other_end(self, alive: BoolArray) -> BoolArray:
        """Runs still in force that end this month otherwise than by a concession."""
        result: BoolArray = alive & (self.v2u[:, -1] < self.clock.other_end[self.t - 1])
        return result

    def chance(self) -> FloatArray:
        """Each member's chance of having eased by this month (smooth for quantal members)."""
        live = ~self.conceded_before
        self.eased_ever |= (self.frac < EASED_BELOW) & live[:, None]
        result: FloatArray = np.where(self.quantal, 1.0 - self.survive, self.eased_ever)
        return result

    def first(self) -> None:
        """Month 1's levels: the start's; quantal members then decide for month 1 at its epoch."""
        self.uniforms.draw()
        self.v2u = self.choices.draw()
        actions = [
            None if q else rule.first() for q, rule in zip(self.quantal, self.rules, strict=True)
        ]
        n = self.members
        everyone = np.ones((self.runs, n), dtype=np.bool_)
        net = self.gross0 * (1.0 - leakage(self.params, self.gross0))
        hazard = self.clock.concession(concession_hazard(self.params, net), 1)
        self.end_hazard = hazard + self.clock.other_end[0]
        view_of = [
            View(
                member=i,
                own_held=np.ones(self.runs, dtype=np.bool_),
                seen_holding=everyone,
                payoff=np.zeros(self.runs),
                belief=self.belief[:, i],
                delivered=np.zeros(self.runs, dtype=np.bool_),
                reneged=np.zeros(self.runs, dtype=np.bool_),
                end_hazard=self.end_hazard,
                stage_share=self.stage_share(i),
            )
            for i in range(n)
        ]
        self.apply(self._decide(view_of, actions))

    def decide(self, seen_holding: BoolArray, payoff: FloatArray) -> list[npt.NDArray[np.int8]]:
        """Next month's actions: v1's for other rules, at epochs for quantal ones."""
        views = [self.view(i, seen_holding, payoff) for i in range(self.members)]
        actions = [
            None if q else rule.next(v)
            for q, rule, v in zip(self.quantal, self.rules, views, strict=True)
        ]
        return self._decide(views, actions)

    def view(self, i: int, seen_holding: BoolArray, payoff: FloatArray) -> View:
        """v1's view with the month's end hazard and, for a staged member, its next stage."""
        result = super().view(i, seen_holding, payoff)
        result.end_hazard = self.end_hazard
        result.stage_share = self.stage_share(i)
        result.others_rate = self.indifferent_rate()
        return result

    def indifferent_rate(self) -> FloatArray:
        """``(N,)`` each member's chance of easing in the coming month (row t of the clock) were
        it indifferent, e_t·Λ(θ_t): the prior of a belief about who has eased (item 7)."""
        theta = float(self.clock.theta[self.t])
        result: FloatArray = self.clock.epoch_chance[self.t] / (1.0 + np.exp(-theta))
        return result

    def stage_share(self, i: int) -> FloatArray | None:
        """The share of member ``i``'s easable set its side deal's next stage eases (None: no
        deal)."""
        k = self.staged.get(i)
        if k is None:
            return None
        ladder, pos = self.ladder[k], self.position[:, k].astype(np.intp)
        after = np.minimum(pos + 1, len(ladder) - 1)
        result: FloatArray = np.maximum(0.0, ladder[pos] - ladder[after])
        return result

    def draw_month(self) -> FloatArray:
        """This month's v1 uniforms, after drawing v2's own matrix from its stream."""
        self.v2u = self.choices.draw()
        return self.uniforms.draw()

    def _decide(
        self, views: Sequence[View], actions: Sequence[npt.NDArray[np.int8] | None]
    ) -> list[npt.NDArray[np.int8]]:
        """Quantal members decide for month t + 1 (row t of the clock); their hazards carried
        into the smooth chance where the run is still in force."""
        n, row = self.members, self.t
        others_rate = self.indifferent_rate()
        result = []
        for i, rule in enumerate(self.rules):
            if not self.quantal[i]:
                action = actions[i]
                assert action is not None
                result.append(action)
                continue
            theta: float | FloatArray = float(self.clock.intercept[row])
            if self.inclination is not None:
                theta = theta + self.inclination[:, i]
            epoch = Epoch(
                chance=np.full(self.runs, self.clock.epoch_chance[row, i]),
                theta=theta,
                epoch_u=self.v2u[:, i],
                choice_u=self.v2u[:, n + i],
                others_rate=others_rate,
                elapsed=row,
            )
            views[i].epoch = epoch
            assert isinstance(rule, QuantalResponse)  # metadata.quantal marks exactly these
            result.append(rule.next(views[i]))
            self.survive[:, i] *= np.where(self.alive, 1.0 - rule.hazard, 1.0)
        return result
