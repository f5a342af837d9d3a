"""From a scenario on a date to the numbers the model uses, as arrays over runs.

:func:`central_parameters` gives one "run" holding every quantity's central value (for the
static game analysis); :func:`draw_parameters` gives ``n_runs`` independent draws of every
uncertain quantity (for the Monte Carlo engine). Both return the same frozen
:class:`CoalitionParameters`, so every formula downstream is written once.

What the scenario says, read on the analysis date (``docs/model.md`` derives each term):

* a member's **easable set** ``E_i``: the measures its side deal would ease (to the deal's
  levels), or, without a deal, its unilateral and regional measures (to zero). UN-based
  measures are eased only when a deal of scope ``any`` names them; then easing breaches a UN
  obligation and costs ``kappa_i`` per unit of level eased;
* **fixed pressure**: every other measure in force (the UN regime, third parties' measures);
* the **reliable-type prior** from the dated track record (Beta–Binomial, see
  :func:`reliable_prior_from_record`), using only records whose outcome was known on the date;
* levers **in force** on the date: side payments ``s_i``, penalties ``k_i`` (expected:
  detection x penalty), monitoring (a higher detection ``q_i`` for its beneficiary).

**Common random numbers.** Every uncertain quantity draws from its own stream, keyed by a stable
name of the quantity (``measures.<id>.pressure``, ``target.resolve``, ``levers.<id>.amount``,
..., see :func:`uncertain_inputs`): the stream is ``SeedSequence(entropy, spawn_key=(*prefix,
h(key)))`` with ``h`` a fixed 64-bit hash of the key (:class:`KeyedStreams`). A quantity's draws
therefore depend only on the seed, the block and the quantity itself, never on what else the
scenario contains or in what order: a policy that adds a measure or switches on a lever changes
the draws of that measure or lever and of nothing else, so a policy and its baseline stay paired
run by run (common random numbers; Law, *Simulation Modeling and Analysis*, 5th ed., §11.2).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sanctionsim.scenario.schema import Agreement, Quantity, Scenario, central

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[np.float64]

# Beta(1, 1): a uniform prior on the chance that the target is the reliable type before its
# record is read. A kept agreement counts 1, a partly kept one 1/2, a broken one 0.
PRIOR_KEPT, PRIOR_BROKEN = 1.0, 1.0
OUTCOME_WEIGHT = {"kept": 1.0, "partial": 0.5, "broken": 0.0}
_NOT_PER_RUN = {"un_level_eased"}  # facts of the scenario, the same in every run


def reliable_prior_from_record(
    record: list[Agreement], date: dt.date, kept: float = PRIOR_KEPT, broken: float = PRIOR_BROKEN
) -> tuple[float, float]:
    """Beta posterior (a, b) on "the target is reliable" from agreements settled before ``date``.

    Each settled agreement is a Bernoulli trial of reliability (Beta–Binomial updating, e.g.
    Gelman et al., *Bayesian Data Analysis*, 3rd ed., §2.4); a partly kept agreement counts half.
    Records whose outcome is dated on or after ``date``, or undated, are not yet known.

    >>> from sanctionsim.scenario.loader import load_scenario
    >>> s = load_scenario("dprk-2014")
    >>> reliable_prior_from_record(s.target.track_record, s.start)
    (2.0, 6.0)
    """
    a, b = kept, broken
    for agreement in record:
        if agreement.outcome_date is None or agreement.outcome_date >= date:
            continue
        weight = OUTCOME_WEIGHT[agreement.outcome]
        a += weight
        b += 1.0 - weight
    return a, b


@dataclass(frozen=True)
class CoalitionParameters:
    """Every number of the coalition model, one array entry per run.

    Member arrays have shape ``(runs, members)``; scalars per run have shape ``(runs,)``.
    Members are ordered leader first, then members in file order (``member_ids``).
    """

    scenario_id: str
    date: dt.date
    member_ids: tuple[str, ...]
    # pressure (share of the target's external revenue denied)
    fixed_pressure: Array  # (R,) pressure of measures no member can ease
    held_pressure: Array  # (R, N) pressure of member i's easable measures at their current level
    eased_pressure: Array  # (R, N) the same measures' pressure once eased
    un_level_eased: Array  # (N,) UN-based level member i would breach by easing
    holding_cost: Array  # (R, N) c_i: cost of holding E_i rather than easing it
    # target
    resolve: Array
    hazard_base: Array
    hazard_max: Array
    hazard_steepness: Array
    reliable_prior: Array  # (R,) probability the target is the reliable type
    delivery_reliable: Array
    delivery_opportunist: Array
    renege_reliable: Array
    renege_opportunist: Array
    # third parties, (R, J)
    substitution_capacity: Array
    willingness: Array
    rent_sensitivity: Array
    # members, (R, N)
    concession_value: Array  # beta_i
    premium_base: Array  # g_i(0)
    premium_slope: Array  # dg_i/dP
    breach_cost: Array  # kappa_i
    discount_factor: Array  # delta_i
    deal_value: Array  # d_i: private issue value times the share the deal would deliver
    side_payment: Array  # s_i
    penalty: Array  # k_i per detected defection
    detection: Array  # q_i
    false_alarm: Array  # (R,)
    trade_share: Array  # w_i
    third_party_ids: tuple[str, ...] = field(default=())

    @property
    def runs(self) -> int:
        """Number of runs (1 for the central parameters)."""
        return int(self.resolve.shape[0])

    @property
    def members(self) -> int:
        """Number of coalition members (leader included)."""
        return len(self.member_ids)

    def take(self, runs: NDArray[np.intp]) -> CoalitionParameters:
        """The parameters of the given runs (indices may repeat), e.g. one run per profile."""
        changes: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            per_run = item.name not in _NOT_PER_RUN
            if per_run and isinstance(value, np.ndarray) and value.shape[:1] == (self.runs,):
                changes[item.name] = value[runs]
        return dataclasses.replace(self, **changes)

    def expected_penalty(self) -> Array:
        """k_i x q_i: the penalty a defector expects to pay each month it eases."""
        result: Array = self.penalty * self.detection
        return result

    def deal_honoured(self) -> Array:
        """q_T: the chance the target delivers a due stage before reneging, by prior type mix.

        For one type, delivery and reneging are competing monthly hazards, so the chance that
        delivery comes first is ``d / (d + r)``; mixed by the prior on the type.
        """
        reliable = _first_of(self.delivery_reliable, self.renege_reliable)
        opportunist = _first_of(self.delivery_opportunist, self.renege_opportunist)
        result: Array = self.reliable_prior * reliable + (1 - self.reliable_prior) * opportunist
        return result


def _first_of(first: Array, second: Array) -> Array:
    total = first + second
    safe = np.where(total > 0, total, 1.0)
    result: Array = np.where(total > 0, first / safe, 0.0)
    return result


def stream_key(key: str) -> int:
    """The fixed 64-bit integer naming ``key`` in a ``SeedSequence`` spawn key (BLAKE2b)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class KeyedStreams:
    """One independent generator per named quantity: ``SeedSequence(entropy, (*prefix, h(key)))``.

    >>> streams = KeyedStreams(7, (0,))
    >>> bool(streams("target.resolve").random() == KeyedStreams(7, (0,))("target.resolve").random())
    True
    """

    entropy: int
    prefix: tuple[int, ...] = ()

    def __call__(self, key: str) -> np.random.Generator:
        sequence = np.random.SeedSequence(self.entropy, spawn_key=(*self.prefix, stream_key(key)))
        return np.random.Generator(np.random.PCG64(sequence))

    @classmethod
    def from_generator(cls, rng: np.random.Generator) -> KeyedStreams:
        """Keyed streams whose entropy is one draw of ``rng`` (for callers holding a Generator)."""
        return cls(int(rng.integers(0, 2**63)))


class _Sampler:
    """Turn quantities into per-run arrays: central values, or draws from keyed streams."""

    def __init__(self, runs: int, streams: KeyedStreams | None) -> None:
        self.runs = runs
        self.streams = streams

    def __call__(self, quantity: Quantity | None, key: str, default: float = 0.0) -> Array:
        if quantity is None:
            return np.full(self.runs, default)
        if isinstance(quantity, float | int) or self.streams is None:
            return np.full(self.runs, central(quantity))
        if quantity.distribution is None:
            return np.full(self.runs, central(quantity))
        return quantity.distribution.sample(self.streams(key), self.runs)


def central_parameters(scenario: Scenario, date: dt.date | None = None) -> CoalitionParameters:
    """The model's numbers at every quantity's central value (one run)."""
    return _build(scenario, date or scenario.start, _Sampler(1, None))


def draw_parameters(
    scenario: Scenario,
    rng: np.random.Generator | KeyedStreams,
    runs: int,
    date: dt.date | None = None,
) -> CoalitionParameters:
    """``runs`` independent draws of every uncertain quantity, each from its own keyed stream.

    ``rng`` is the keyed streams to draw from (the engine passes one per block), or a Generator
    from which one entropy draw seeds them.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    streams = rng if isinstance(rng, KeyedStreams) else KeyedStreams.from_generator(rng)
    return _build(scenario, date or scenario.start, _Sampler(runs, streams))


def easable_measures(scenario: Scenario, member_id: str) -> dict[str, float]:
    """Member's easable set E_i: measure id -> level it would be eased to."""
    deal_levels: dict[str, float] = {}
    for deal in scenario.side_deals:
        if deal.member != member_id:
            continue
        for stage in deal.stages:
            for easing in stage.member_eases:
                previous = deal_levels.get(easing.measure, 1.0)
                deal_levels[easing.measure] = min(previous, easing.to_level)
    if deal_levels:
        return deal_levels
    return {
        m.id: 0.0
        for m in scenario.measures
        if m.imposer == member_id and not m.legal_basis.startswith("unsc:")
    }


def _build(scenario: Scenario, date: dt.date, sample: _Sampler) -> CoalitionParameters:
    runs = sample.runs
    members = scenario.members
    member_ids = tuple(a.id for a in members)
    n = len(members)
    easable = {i: easable_measures(scenario, i) for i in member_ids}
    owner = {mid: i for i, ms in easable.items() for mid in ms}

    # Measures: one pressure and cost draw each, in file order.
    fixed = np.zeros(runs)
    held = np.zeros((runs, n))
    eased = np.zeros((runs, n))
    cost = np.zeros((runs, n))
    un_eased = np.zeros(n)
    for measure in scenario.measures:
        pressure = sample(measure.pressure, f"measures.{measure.id}.pressure")
        measure_cost = sample(measure.cost, f"measures.{measure.id}.cost")
        level = measure.level_on(date)
        if measure.id in owner:
            index = member_ids.index(owner[measure.id])
            target_level = min(level, easable[owner[measure.id]][measure.id])
            held[:, index] += level * pressure
            eased[:, index] += target_level * pressure
            cost[:, index] += (level - target_level) * measure_cost
            if measure.legal_basis.startswith("unsc:"):
                un_eased[index] += level - target_level
        else:
            fixed += level * pressure

    target = scenario.target
    hazard = target.concession_hazard
    resolve = sample(target.resolve, "target.resolve")
    hazard_base = sample(hazard.base, "target.concession_hazard.base")
    hazard_max = np.maximum(sample(hazard.maximum, "target.concession_hazard.maximum"), hazard_base)
    steepness = sample(hazard.steepness, "target.concession_hazard.steepness")
    if target.reliable_prior is not None:
        prior = sample(target.reliable_prior, "target.reliable_prior")
    else:
        a, b = reliable_prior_from_record(target.track_record, date)
        streams = sample.streams
        prior = (
            np.full(runs, a / (a + b))
            if streams is None
            else streams("target.reliable_prior").beta(a, b, runs)
        )
    delivery_r = sample(target.delivery.reliable, "target.delivery.reliable")
    delivery_o = sample(target.delivery.opportunist, "target.delivery.opportunist")
    renege_r = sample(target.renege.reliable, "target.renege.reliable")
    renege_o = sample(target.renege.opportunist, "target.renege.opportunist")

    parties = scenario.third_parties
    capacity = np.column_stack(
        [
            sample(p.substitution_capacity, f"third_parties.{p.actor}.substitution_capacity")
            for p in parties
        ]
        or [np.zeros(runs)]
    )
    willing = np.column_stack(
        [sample(p.willingness, f"third_parties.{p.actor}.willingness") for p in parties]
        or [np.zeros(runs)]
    )
    rents = np.column_stack(
        [sample(p.rent_sensitivity, f"third_parties.{p.actor}.rent_sensitivity") for p in parties]
        or [np.zeros(runs)]
    )

    beta = np.column_stack(
        [sample(scenario.demand.value_to.get(i), f"demand.value_to.{i}") for i in member_ids]
    )
    premium_base = np.zeros((runs, n))
    premium_slope = np.zeros((runs, n))
    breach = np.zeros((runs, n))
    delta = np.zeros((runs, n))
    share = np.zeros((runs, n))
    for index, actor in enumerate(members):
        payoffs = actor.payoffs
        at = f"actors.{actor.id}"
        if payoffs is not None:
            premium_base[:, index] = sample(
                payoffs.defection_premium_base, f"{at}.payoffs.defection_premium_base"
            )
            premium_slope[:, index] = sample(
                payoffs.defection_premium_slope, f"{at}.payoffs.defection_premium_slope"
            )
            breach[:, index] = sample(payoffs.un_breach_cost, f"{at}.payoffs.un_breach_cost")
            delta[:, index] = sample(payoffs.discount_factor, f"{at}.payoffs.discount_factor")
        share[:, index] = sample(actor.trade_share, f"{at}.trade_share")

    deal_value = np.zeros((runs, n))
    for deal in scenario.side_deals:
        if deal.agreed > date or deal.member not in member_ids:
            continue
        issue = next(i for i in scenario.private_issues if i.id == deal.issue)
        delivered = sum(
            (
                sample(
                    stage.delivery_share, f"side_deals.{deal.id}.stages.{stage.id}.delivery_share"
                )
                for stage in deal.stages
            ),
            np.zeros(runs),
        )
        deal_value[:, member_ids.index(deal.member)] += (
            sample(issue.value, f"private_issues.{issue.id}.value") * delivered
        )

    observation = scenario.observation
    base_detection = sample(observation.detection, "observation.detection")
    detection = np.repeat(base_detection[:, None], n, axis=1)
    false_alarm = sample(observation.false_alarm, "observation.false_alarm")
    payment = np.zeros((runs, n))
    penalty = np.zeros((runs, n))
    for lever in scenario.levers:
        if not lever.in_force or (lever.available_from and lever.available_from > date):
            continue
        aimed = [member_ids.index(lever.beneficiary)] if lever.beneficiary else list(range(n))
        amount = sample(lever.amount, f"levers.{lever.id}.amount")
        lever_detection = (
            sample(lever.detection, f"levers.{lever.id}.detection")
            if lever.detection is not None
            else None
        )
        for index in aimed:
            if lever.kind == "side_payment":
                payment[:, index] += amount
            elif lever.kind in ("penalty", "threat"):
                penalty[:, index] += amount
            elif lever.kind == "monitoring" and lever_detection is not None:
                detection[:, index] = np.maximum(detection[:, index], lever_detection)

    return CoalitionParameters(
        scenario_id=scenario.id,
        date=date,
        member_ids=member_ids,
        fixed_pressure=fixed,
        held_pressure=held,
        eased_pressure=eased,
        un_level_eased=un_eased,
        holding_cost=cost,
        resolve=resolve,
        hazard_base=hazard_base,
        hazard_max=hazard_max,
        hazard_steepness=steepness,
        reliable_prior=prior,
        delivery_reliable=delivery_r,
        delivery_opportunist=delivery_o,
        renege_reliable=renege_r,
        renege_opportunist=renege_o,
        substitution_capacity=capacity,
        willingness=willing,
        rent_sensitivity=rents,
        concession_value=beta,
        premium_base=premium_base,
        premium_slope=premium_slope,
        breach_cost=breach,
        discount_factor=delta,
        deal_value=deal_value,
        side_payment=payment,
        penalty=penalty,
        detection=detection,
        false_alarm=false_alarm,
        trade_share=share,
        third_party_ids=tuple(p.actor for p in parties),
    )
