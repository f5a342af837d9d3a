"""Model v2's choice terms of each member at the analysis (``analyze --model v2...``): what the
stage game cannot say of a v2 member, its cost of backing down, its stake, the value of easing as
its version weighs it and its chance of easing at a decision epoch (docs/model-v2.md, items 3, 4
and 6), and model v2g's carve-out (docs/model-v2.md, "v2g")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from sanctionsim.coalition.parameters import CoalitionParameters
    from sanctionsim.dynamics.rules import ChoiceTerms, View
    from sanctionsim.dynamics.rules_v2 import CarvingResponse
    from sanctionsim.scenario.schema import Scenario


def v2_choice_terms(
    scenario: Scenario, params: CoalitionParameters, model: str = "v2"
) -> dict[str, dict[str, float | bool]]:
    """Per member, at central values and the version's shipped calibration, everyone holding:
    the one-off cost of backing down A_i, its institutional commitment γ_i, its monthly stake
    S_i, the value of easing ΔV_i as the version's ``best_response`` weighs it (v2: one month's
    gain; v2-shadow and v2b: the shadow of the future; A_i deducted), its chance of easing at
    one decision epoch p = Λ(θ_1 + λ·ΔV_i/S_i) (v2r: the case-specific part weighed by month
    1's r_i, with the measures' age a_i; v2s: the smaller of that and the unweighed chance), and
    whether it plays Deadlock (easing pays
    whatever the others do and no answer to it costs more than it gains: only A_i and the
    leader's levers keep it in) (docs/model-v2.md, items 3, 4 and 6)."""
    from sanctionsim.coalition.payoffs import concession_hazard, easing_gain, net_pressure
    from sanctionsim.coalition.shadow import responders_loss
    from sanctionsim.dynamics.kernel_v2 import choice_terms
    from sanctionsim.dynamics.rules import RuleContext, View, coalition_rules
    from sanctionsim.dynamics.rules_v2 import CarvingResponse, QuantalResponse
    from sanctionsim.dynamics.setup import prepare
    from sanctionsim.versions import model_version

    on_date = scenario.model_copy(update={"start": params.date})  # the episode's age then
    setup = prepare(on_date, model)
    clock = setup.clock
    assert clock is not None
    month = clock.months(1)
    everyone = np.ones((1, params.members))
    nobody = np.zeros((1, params.members))
    hazard = concession_hazard(params, net_pressure(params, everyone))
    end = month.concession(hazard, 1) + month.other_end[0]
    followers = setup.followers
    weighing = coalition_rules(model)["best_response"]
    q = params.deal_honoured()
    version = model_version(model)  # v2m and v2n say what their target's factor reads
    result: dict[str, dict[str, float | bool]] = {}
    for i, terms in enumerate(choice_terms(params, clock, followers)):
        context = RuleContext(1, i, params, np.full((1, params.members), 0.5), None, None, terms)
        view = View(
            member=i,
            own_held=np.ones(1, dtype=np.bool_),
            seen_holding=everyone.astype(np.bool_),
            payoff=np.zeros(1),
            belief=params.reliable_prior,
            delivered=np.zeros(1, dtype=np.bool_),
            reneged=np.zeros(1, dtype=np.bool_),
            end_hazard=end,
        )
        rule = weighing.build(context)
        assert isinstance(rule, QuantalResponse)  # the v2 family's best_response
        gain = rule.gain(view)
        weight = rule.resolve_weight(0)  # v2r, v2s: month 1's weight on the case-specific terms
        chance = rule.weighed_probability(float(month.theta[0]), gain, weight)
        alone = easing_gain(params, everyone, q, i, expected_penalty=False)
        after_all = easing_gain(params, nobody, q, i, expected_penalty=False)
        answered = params.penalty[:, i] + responders_loss(params, everyone, i, terms.responders)
        result[params.member_ids[i]] = {
            "backing_down_cost": float(terms.backing_down[0]),
            "commitment": float(clock.commitment[i]),
            "monthly_stake": float(terms.stake[0]),
            "gain_of_easing": float(gain[0]),
            "chance_per_epoch": float(chance[0]) if terms.easable[0] else 0.0,
            "deadlock": bool(alone[0] > 0 and after_all[0] > 0 and answered[0] <= alone[0]),
        }
        result[params.member_ids[i]].update(_logit_shifts(terms))
        if clock.allied is not None:  # v2o, v2p: whether a defence treaty binds it to the target
            result[params.member_ids[i]]["allied_with_target"] = bool(clock.allied[i])
        if version.era_read:  # v2n: the era, which decides whether χ or ε acts
            result[params.member_ids[i]]["starts_in_cold_war"] = clock.cold_war
        if version.coup_scaled:  # v2m, v2n: the target's factor, in the end hazard the gain reads
            result[params.member_ids[i]]["answers_coup"] = clock.answers_coup
            result[params.member_ids[i]]["concession_factor"] = clock.concession_factor
        if weight is not None:  # v2r, v2s: how long ago it chose to act, and what that weighs now
            result[params.member_ids[i]]["measure_age_months"] = terms.measure_age
            result[params.member_ids[i]]["resolve_weight"] = float(weight[0])
        if i == clock.weighted:  # v2k's leader: ζ, already in its slope and shift
            result[params.member_ids[i]]["leader_weight"] = clock.choice.leader_weight
        if isinstance(rule, CarvingResponse):
            result[params.member_ids[i]].update(
                _carve_out_terms(rule, view, float(month.theta[0]), gain, bool(terms.easable[0]))
            )
    return result


def _logit_shifts(terms: ChoiceTerms) -> dict[str, float]:
    """The shifts already in ``chance_per_epoch``, each where its version reads it: τ_i (v2i to
    v2s), π (v2j), ρ·d_i (v2l) and τ·a_i (v2o; v2p in the Cold War only); v2r's chance carries
    them weighed by its ``resolve_weight``, v2s's only where that lowers the chance."""
    shifts = {
        "temptation_shift": terms.temptation,
        "prospect_shift": terms.prospects,
        "discretion_shift": terms.discretion,
        "alliance_shift": terms.alliance,
    }
    return {name: float(value[0]) for name, value in shifts.items() if value is not None}


def _carve_out_terms(
    rule: CarvingResponse, view: View, theta: float, gain: NDArray[np.float64], easable: bool
) -> dict[str, float | bool]:
    """Model v2g's carve-out of one member at the analysis (docs/model-v2.md, "v2g", G1-G3):
    the share φ_i of its easable pressure the carve-out brings, the cost it saves c_m*, its gain
    ΔV^c_i − φ_i·A_i, and the three-way logit's chances per epoch. ``chance_per_epoch`` becomes
    the chance of easing everything in that logit (v2f's binary one where there is no
    carve-out, exactly)."""
    from sanctionsim.dynamics.choice import carve_out_probabilities

    terms = rule.terms
    carve_gain = rule.carve_gain(view)
    p_ease, p_carve = carve_out_probabilities(
        theta, terms.slope, gain, carve_gain, terms.stake, terms.carve_shift, rule.share > 0
    )
    carve_cost = rule.params.carve_cost
    assert carve_cost is not None  # a CarvingResponse is built only on carve-out parameters
    return {
        "carve_out_share": float(rule.share[0]),
        "carve_out_saving": float(carve_cost[0, rule.member]),
        "gain_of_carve_out": float(carve_gain[0]) if rule.share[0] > 0 else 0.0,
        "chance_per_epoch": float(p_ease[0]) if easable else 0.0,
        "carve_out_chance_per_epoch": float(p_carve[0]) if easable else 0.0,
    }
