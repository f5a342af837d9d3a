"""The coalition game derived from a scenario, and what each member is playing.

From a scenario on a date, :func:`coalition_game` builds the n-member stage game (each member
holds or eases; payoffs from :mod:`sanctionsim.coalition.payoffs` at central values) and
:func:`analyze` answers ``domain/MODEL.md`` questions 1 and 2 for every member:

* the 2×2 **member vs rest of the coalition** reduction: the member holds or eases, the rest hold
  or ease *together*; the rest's payoff is the sum of its members' payoffs (the bloc's welfare).
  Its class in the Robinson–Goforth topology (:mod:`.topology`) names the game;
* **Martin's type** for the leader–member pair, the other members holding;
* the member's **dominant action** in the full n-member game (best against every profile of the
  others), if it has one;
* the least **side payment**, and separately **penalty** (at the member's detection q) and
  **detection** (at the largest penalty any lever offers), that make all-hold an equilibrium for
  the member (:mod:`.stabilise`), computed on the full game (its best deviation from all-hold);
* **critical discount factors** for grim trigger (:mod:`.repeated`) on the *bare* game (levers
  stripped): plain; with the member's detection q; with the side payments and with the
  penalties the scenario offers it; and with the levers in force (the status quo);
* the leader's **least-cost stabilising package** (A6): which members to pay so that the pressure
  of the members holding stays above a share of the members' easable pressure.

Every payoff term is traced to scenario fields in ``docs/model.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sanctionsim import __version__
from sanctionsim.actions import Action
from sanctionsim.coalition.parameters import CoalitionParameters, central_parameters
from sanctionsim.coalition.payoffs import payoff_tensor
from sanctionsim.game.choice_terms import v2_choice_terms
from sanctionsim.game.dominance import dominant_strategy, pareto_optimal
from sanctionsim.game.normal_form import Game
from sanctionsim.game.pure import pure_equilibria
from sanctionsim.game.repeated import GrimTriggerThreshold, critical_discount_factor
from sanctionsim.game.stabilise import (
    LeverRequirement,
    least_cost_package,
    min_detection,
    min_penalty,
    min_side_payment,
)
from sanctionsim.game.stage import incentive_gap
from sanctionsim.game.topology import EASE, HOLD, classify, dominant_action, martin_type
from sanctionsim.tables import Row, TidyRecord
from sanctionsim.versions import kernel_of, model_version

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from sanctionsim.scenario.schema import Scenario

ACTIONS = tuple(action.label for action in Action)  # ("hold", "ease")
DEFAULT_PRESSURE_SHARE = 0.75
MAX_PARETO_MEMBERS = 14
"""The Pareto-optimal profiles are found by comparing every pure profile with every other
(2^n × 2^n × n comparisons): 1 s at 12 members on this machine, about 16 s at 14, hours at 18
(the Arab League's coalition on Egypt, 1979; the UK's on Nigeria, 1995). Beyond 14 members
``analyze`` reports them as not computed (``pareto_optimal`` None) rather than run without end."""


def coalition_game(scenario: Scenario, date: dt.date | None = None) -> Game:
    """The n-member stage game at central values: strategy 0 = hold, 1 = ease."""
    params = central_parameters(scenario, date)
    return _game(params, scenario)


def _game(params: CoalitionParameters, scenario: Scenario) -> Game:
    return Game(
        payoff_tensor(params),
        players=params.member_ids,
        strategies=tuple(ACTIONS for _ in params.member_ids),
        title=f"{scenario.title} (coalition stage game, {params.date})",
        comment=(
            f"Derived by sanctionsim {__version__} from scenario {scenario.id} on {params.date}: "
            "payoffs in U per month at central values; strategy 1 = hold, 2 = ease."
        ),
    )


def member_vs_rest(tensor: NDArray[np.float64], member: int) -> NDArray[np.float64]:
    """The 2×2 game of ``member`` (row) against the rest of the coalition acting as one bloc.

    ``tensor`` is an n-member game of shape ``(2,) * n + (n,)``. The column player's payoff is
    the sum of the other members' payoffs.
    """
    n = tensor.shape[-1]
    game = np.zeros((2, 2, 2))
    for own in (HOLD, EASE):
        for rest in (HOLD, EASE):
            profile = [rest] * n
            profile[member] = own
            values = tensor[tuple(profile)]
            game[own, rest, 0] = values[member]
            game[own, rest, 1] = values.sum() - values[member]
    return game


def leader_vs_member(tensor: NDArray[np.float64], leader: int, member: int) -> NDArray[np.float64]:
    """The 2×2 game of the leader (row) and one member (column), the others holding."""
    n = tensor.shape[-1]
    game = np.zeros((2, 2, 2))
    for lead in (HOLD, EASE):
        for follow in (HOLD, EASE):
            profile = [HOLD] * n
            profile[leader], profile[member] = lead, follow
            game[lead, follow, 0] = tensor[tuple(profile)][leader]
            game[lead, follow, 1] = tensor[tuple(profile)][member]
    return game


def full_game_dominant(tensor: NDArray[np.float64], member: int) -> str | None:
    """``"hold"``/``"ease"`` if strictly dominant for ``member`` in the n-member game, else None."""
    found = dominant_strategy(tensor, member)
    return None if found is None or not found[1] else Action(found[0]).label


@dataclass(frozen=True)
class MemberAnalysis:
    """What one member is playing, and what would keep it in."""

    member: str
    role: str
    member_game: tuple[tuple[tuple[float, float], ...], ...]
    game_type: str
    game_code: str | None
    adjacent_types: tuple[str, ...]
    martin_type: str | None
    dominant_action: str | None
    dominant_in_full_game: str | None
    incentive_gap: float
    min_side_payment: float
    min_penalty: float
    min_detection: float | None
    stabilisation: dict[str, LeverRequirement]
    detection: float
    critical_discount_factor: float
    discount_factor: float
    thresholds: dict[str, GrimTriggerThreshold]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (infinite values as null with the reason kept alongside)."""
        return {
            "member": self.member,
            "role": self.role,
            "game_type": self.game_type,
            "game_code": self.game_code,
            "adjacent_types": list(self.adjacent_types),
            "martin_type": self.martin_type,
            "dominant_action": self.dominant_action,
            "dominant_in_full_game": self.dominant_in_full_game,
            "incentive_gap": self.incentive_gap,
            "min_side_payment": _finite(self.min_side_payment),
            "min_penalty": _finite(self.min_penalty),
            "min_detection": None if self.min_detection is None else _finite(self.min_detection),
            "detection": self.detection,
            "stabilisation": {
                name: {"value": _finite(r.value), "feasible": r.feasible, "reason": r.reason}
                for name, r in self.stabilisation.items()
            },
            "critical_discount_factor": _finite(self.critical_discount_factor),
            "discount_factor": self.discount_factor,
            "sustained_by_own_patience": bool(
                self.discount_factor >= self.critical_discount_factor
            ),
            "critical_discount_factors": {
                name: {
                    "delta_star": _finite(t.delta_star),
                    "q": t.q,
                    "s": t.s,
                    "k": t.k,
                    "reason": t.reason,
                }
                for name, t in self.thresholds.items()
            },
            "member_vs_rest": [[list(cell) for cell in row] for row in self.member_game],
        }


@dataclass(frozen=True, repr=False)
class CoalitionAnalysis(TidyRecord):
    """The static analysis of one scenario on one date (a frozen result record).

    ``to_frame()`` has one row per member (:meth:`tidy_rows`), the table of ``analyze --csv``.
    """

    scenario_id: str
    date: dt.date
    members: tuple[MemberAnalysis, ...]
    pure_equilibria: tuple[tuple[str, ...], ...]
    pareto_optimal: tuple[tuple[str, ...], ...] | None  # None: not computed (MAX_PARETO_MEMBERS)
    package_members: tuple[str, ...]
    package_cost: float
    package_pressure: float
    package_threshold: float
    package_feasible: bool
    package_reason: str
    version: str = __version__
    model: str = "v1"
    v2_terms: dict[str, dict[str, float | bool]] | None = None  # model v2's choice terms per member

    _caption_columns = ("scenario", "date")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``sanctionsim analyze --json``."""
        v2: dict[str, Any] = {}
        if self.model != "v1":  # v1's document is unchanged
            v2 = {"model_version": self.model, "v2_choice": self.v2_terms}
        return {
            **v2,
            "scenario": self.scenario_id,
            "date": self.date.isoformat(),
            "version": self.version,
            "actions": list(ACTIONS),
            "pure_equilibria": [list(p) for p in self.pure_equilibria],
            "pareto_optimal": None
            if self.pareto_optimal is None
            else [list(p) for p in self.pareto_optimal],
            "members": {m.member: m.to_dict() for m in self.members},
            "least_cost_package": {
                "members": list(self.package_members),
                "total_side_payment": _finite(self.package_cost),
                "pressure_held": self.package_pressure,
                "pressure_threshold": self.package_threshold,
                "feasible": self.package_feasible,
                "reason": self.package_reason,
            },
        }

    def caption(self) -> str:
        """``dprk-2014 on 2014-07-04: 5 members, pure equilibria 1``."""
        return (
            f"{self.scenario_id} on {self.date}: {len(self.members)} members, "
            f"{len(self.pure_equilibria)} pure equilibria"
        )

    def tidy_rows(self) -> list[Row]:
        """One row per member: ``scenario, date`` and the member's scalar fields (its game,
        dominant action, stabilising levers and critical discount factor)."""
        return [
            {
                "scenario": self.scenario_id,
                "date": self.date.isoformat(),
                **{k: v for k, v in m.to_dict().items() if not isinstance(v, dict | list)},
            }
            for m in self.members
        ]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def analyze(
    scenario: Scenario,
    date: dt.date | None = None,
    pressure_share: float = DEFAULT_PRESSURE_SHARE,
    model: str = "v1",
) -> CoalitionAnalysis:
    """Analyse every member's stage game on ``date`` (default: the scenario's start).

    A version of the v2 family (``model="v2"``, ``"v2-shadow"``, ``"v2b"``, ``"v2-knights"``,
    ``"v2-elite"``) reads the payoffs with model v2's accounting (a member's own UN-based
    measures easable at κ_i) and adds each member's choice terms under that version
    (:func:`~sanctionsim.game.choice_terms.v2_choice_terms`);
    ``v2-knights`` reads third parties as black knights (the leakage in every payoff);
    ``v2-elite``'s stage game is v2's (its leader's fall acts over the months).
    """
    version = model_version(model)
    params = central_parameters(
        scenario,
        date,
        accounting=version.kernel,
        busting=version.busting,
        holding=version.holding,
        carve_outs=version.carve_outs,
    )
    tensor = payoff_tensor(params)
    bare = payoff_tensor(
        dataclasses.replace(
            params,
            side_payment=np.zeros_like(params.side_payment),
            penalty=np.zeros_like(params.penalty),
        )
    )
    offers = _lever_offers(scenario, params)
    leader = next((i for i, m in enumerate(scenario.members) if m.role == "leader"), None)
    members = tuple(
        _member(scenario, params, tensor, bare, index, leader, offers)
        for index in range(params.members)
    )
    ids = params.member_ids
    equilibria = tuple(tuple(ACTIONS[a] for a in p) for p in pure_equilibria(tensor))
    pareto = (
        tuple(tuple(ACTIONS[a] for a in p) for p in pareto_optimal(tensor))
        if params.members <= MAX_PARETO_MEMBERS
        else None
    )

    # A6: the leader pays the members it needs so that held pressure stays above a share.
    weights = (params.held_pressure - params.eased_pressure)[0]
    followers = [i for i in range(params.members) if i != leader]
    costs = np.array([max(0.0, members[i].incentive_gap) for i in followers])
    threshold = pressure_share * float(weights[followers].sum())
    package = least_cost_package(weights[followers], costs, threshold)
    return CoalitionAnalysis(
        scenario_id=scenario.id,
        date=params.date,
        members=members,
        pure_equilibria=equilibria,
        pareto_optimal=pareto,
        package_members=tuple(ids[followers[i]] for i in package.members),
        package_cost=package.total_cost,
        package_pressure=package.achieved_weight,
        package_threshold=threshold,
        package_feasible=bool(package.feasible),
        package_reason=package.reason,
        model=model,
        v2_terms=v2_choice_terms(scenario, params, model) if kernel_of(model) == "v2" else None,
    )


def _lever_offers(scenario: Scenario, params: CoalitionParameters) -> dict[str, list[float]]:
    """Per member: [side payments on offer, penalties on offer], in force or optional."""
    from sanctionsim.scenario.schema import central

    offers = {i: [0.0, 0.0] for i in params.member_ids}
    for lever in scenario.levers:
        if lever.available_from is not None and lever.available_from > params.date:
            continue
        aimed = [lever.beneficiary] if lever.beneficiary else list(params.member_ids)
        for member in aimed:
            if lever.kind == "side_payment":
                offers[member][0] += central(lever.amount)
            elif lever.kind in ("penalty", "threat"):
                offers[member][1] += central(lever.amount)
    return offers


def _member(
    scenario: Scenario,
    params: CoalitionParameters,
    tensor: NDArray[np.float64],
    bare: NDArray[np.float64],
    index: int,
    leader: int | None,
    offers: dict[str, list[float]],
) -> MemberAnalysis:
    member_id = params.member_ids[index]
    game = member_vs_rest(tensor, index)
    classification = classify(game)
    if classification.game_class is not None:
        game_type = classification.game_class.name
        code: str | None = classification.game_class.code
    else:
        game_type = classification.message
        code = None
    strict = classification.game_class is not None
    adjacent = () if strict else tuple(sorted({c.name for c in classification.adjacent}))
    dominant = dominant_action(game, 0)
    martin = None
    if leader is not None and index != leader:
        martin = martin_type(leader_vs_member(tensor, leader, index))

    gap = incentive_gap(member_vs_rest(tensor, index))
    q = float(params.detection[0, index])
    payment_offer, penalty_offer = offers[member_id]
    row = np.array([[0.0, 0.0], [gap, 0.0]])  # only T - R matters for the one-shot levers
    payment = min_side_payment(row)
    penalty = min_penalty(row, detection=q)
    detection = min_detection(row, penalty=penalty_offer) if penalty_offer > 0 else None
    stabilisation = {"side_payment": payment, "penalty": penalty}
    if detection is not None:
        stabilisation["detection"] = detection

    bare_game = member_vs_rest(bare, index)[:, :, 0]
    R, S = bare_game[HOLD, HOLD], bare_game[HOLD, EASE]
    T, P = bare_game[EASE, HOLD], bare_game[EASE, EASE]
    in_force_s = float(params.side_payment[0, index])
    in_force_k = float(params.penalty[0, index])
    thresholds = {
        "plain": critical_discount_factor(T, R, P, S),
        "with_detection": critical_discount_factor(T, R, P, S, q=q),
        "with_side_payment": critical_discount_factor(T, R, P, S, s=payment_offer),
        "with_penalty": critical_discount_factor(T, R, P, S, q=q, k=penalty_offer),
        "levers_in_force": critical_discount_factor(T, R, P, S, q=q, s=in_force_s, k=in_force_k),
    }
    return MemberAnalysis(
        member=member_id,
        role=scenario.members[index].role,
        member_game=tuple(
            tuple((float(game[r, c, 0]), float(game[r, c, 1])) for c in (HOLD, EASE))
            for r in (HOLD, EASE)
        ),
        game_type=game_type,
        game_code=code,
        adjacent_types=adjacent,
        martin_type=martin,
        dominant_action=None if dominant is None else ACTIONS[dominant.action],
        dominant_in_full_game=full_game_dominant(tensor, index),
        incentive_gap=gap,
        min_side_payment=payment.value,
        min_penalty=penalty.value,
        min_detection=None if detection is None else detection.value,
        stabilisation=stabilisation,
        detection=q,
        critical_discount_factor=thresholds["levers_in_force"].delta_star,
        discount_factor=float(params.discount_factor[0, index]),
        thresholds=thresholds,
    )
