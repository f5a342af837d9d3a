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
  detection x penalty), monitoring (a higher detection ``q_i`` for its beneficiary);
* **third parties**: capacity, willingness and rent sensitivity as stated (``busting=
  "commercial"``, every version but one); under ``busting="knights"`` (model ``v2-knights``,
  docs/model-v2.md, "Mechanism: black knights and counter-blocs") their stance on the date, a
  political knight's willingness fixed whatever the rents, full willingness for a counter-bloc's
  members, and the revenue their support supplies (:func:`third_party_supply`).

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
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from sanctionsim.coalition.carve_outs import carve_out
from sanctionsim.coalition.quantities import (
    ACTORS,
    DEMAND,
    ISSUES,
    LEVERS,
    MEASURES,
    OBSERVATION,
    SIDE_DEALS,
    TARGET,
    THIRD_PARTIES,
    Draws,
    deal_read,
    lever_read,
)
from sanctionsim.errors import ArgumentError
from sanctionsim.scenario.schema import Agreement, Scenario
from sanctionsim.versions import Busting

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[np.float64]

# Beta(1, 1): a uniform prior on the chance that the target is the reliable type before its
# record is read. A kept agreement counts 1, a partly kept one 1/2, a broken one 0.
PRIOR_KEPT, PRIOR_BROKEN = 1.0, 1.0
OUTCOME_WEIGHT = {"kept": 1.0, "partial": 0.5, "broken": 0.0}
_NOT_PER_RUN = {"un_level_eased"}  # facts of the scenario, the same in every run
Accounting = Literal["v1", "v2"]
"""Which easable sets and premium rule: model v1's or v2's (docs/model-v2.md, item 1)."""


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
    accounting: Accounting = "v1"  # which easable sets and premium rule (see easable_measures)
    # (R,) share of the target's external revenue third parties' support supplies whatever the
    # pressure (model v2-knights, K3); None: no support read (every other version's leakage)
    support: Array | None = None
    # (R, N) H_i: what member i gains each month it holds, whatever the others do (model v2-hold,
    # docs/model-v2.md, H1); None: not read (every other version)
    holding_value: Array | None = None
    # (R, N) model v2g's carve-out (docs/model-v2.md, G1): φ_i, the share of member i's easable
    # pressure its carve-out measure brings (0: no carve-out in that run), and c_m*, that
    # measure's own cost; None: not read (every other version)
    carve_share: Array | None = None
    carve_cost: Array | None = None

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

    def has_something_to_ease(self) -> NDArray[np.bool_]:
        """``(R, N)``: whether easing changes member i's pressure at all in this run."""
        result: NDArray[np.bool_] = self.held_pressure > self.eased_pressure
        return result

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


def central_parameters(
    scenario: Scenario,
    date: dt.date | None = None,
    accounting: Accounting = "v1",
    busting: Busting = "commercial",
    holding: bool = False,
    carve_outs: bool = False,
) -> CoalitionParameters:
    """The model's numbers at every quantity's central value (one run)."""
    date = date or scenario.start
    draws = Draws(scenario, date, 1, None)
    return _build(scenario, date, draws, accounting, busting, holding, carve_outs)


def draw_parameters(
    scenario: Scenario,
    rng: np.random.Generator | KeyedStreams,
    runs: int,
    date: dt.date | None = None,
    accounting: Accounting = "v1",
    busting: Busting = "commercial",
    holding: bool = False,
    carve_outs: bool = False,
) -> CoalitionParameters:
    """``runs`` independent draws of every uncertain quantity, each from its own keyed stream.

    ``rng`` is the keyed streams to draw from (the engine passes one per block), or a Generator
    from which one entropy draw seeds them. ``accounting`` only decides which measures each
    member can ease (:func:`easable_measures`): the draws are the same for both. ``busting``
    decides what third parties supply (:func:`third_party_supply`); a quantity both readings
    read is drawn identically. ``holding`` reads each member's holding value H_i (model
    ``v2-hold``), drawn from its own stream, so every other draw is the same with or without it.
    ``carve_outs`` computes each member's carve-out (model ``v2g``) from the measures' draws,
    drawing nothing new.
    """
    if runs < 1:
        raise ArgumentError.of("runs", f"must be at least 1, got {runs}")
    streams = rng if isinstance(rng, KeyedStreams) else KeyedStreams.from_generator(rng)
    date = date or scenario.start
    draws = Draws(scenario, date, runs, streams)
    return _build(scenario, date, draws, accounting, busting, holding, carve_outs)


def easable_measures(
    scenario: Scenario, member_id: str, accounting: Accounting = "v1"
) -> dict[str, float]:
    """Member's easable set E_i: measure id -> level it would be eased to.

    With a side deal, the deal's measures at the deal's levels. Without one, its own measures to
    zero: under model v1's accounting only unilateral and regional ones (a UN-based measure only
    through a deal); under v2's (docs/model-v2.md, item 1) any legal basis, UN-based ones at the
    breach cost kappa_i per unit of level.
    """
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
        if m.imposer == member_id and (accounting == "v2" or not m.legal_basis.startswith("unsc:"))
    }


def _pressures(
    scenario: Scenario,
    date: dt.date,
    draw: Draws,
    accounting: Accounting,
    carve_outs: bool = False,
) -> dict[str, Any]:
    """Fixed pressure, each member's held and eased pressure, holding cost and UN level eased
    (and, for model v2g, each member's carve-out)."""
    member_ids = tuple(a.id for a in scenario.members)
    runs, n = draw.runs, len(member_ids)
    easable = {i: easable_measures(scenario, i, accounting) for i in member_ids}
    owner = {mid: i for i, ms in easable.items() for mid in ms}
    fixed, un_eased = np.zeros(runs), np.zeros(n)
    held, eased, cost = np.zeros((runs, n)), np.zeros((runs, n)), np.zeros((runs, n))
    # per member, each easable measure's pressure removed and own cost saved by easing it
    parts: list[list[tuple[Array, Array]]] = [[] for _ in member_ids]
    for measure in scenario.measures:  # in file order
        pressure = draw(MEASURES.key(measure.id, "pressure"))
        measure_cost = draw(MEASURES.key(measure.id, "cost"))
        level = measure.level_on(date)
        if measure.id in owner:
            index = member_ids.index(owner[measure.id])
            target_level = min(level, easable[owner[measure.id]][measure.id])
            held[:, index] += level * pressure
            eased[:, index] += target_level * pressure
            cost[:, index] += (level - target_level) * measure_cost
            parts[index].append(
                ((level - target_level) * pressure, (level - target_level) * measure_cost)
            )
            if measure.legal_basis.startswith("unsc:"):
                un_eased[index] += level - target_level
        else:
            fixed += level * pressure
    share: Array | None = None
    saved: Array | None = None
    if carve_outs:
        dealt = {deal.member for deal in scenario.side_deals}
        share, saved = np.zeros((runs, n)), np.zeros((runs, n))
        for index, member in enumerate(member_ids):
            if member not in dealt and len(parts[index]) >= 2:
                share[:, index], saved[:, index] = carve_out(
                    np.column_stack([d for d, _ in parts[index]]),
                    np.column_stack([c for _, c in parts[index]]),
                )
    return {
        "fixed_pressure": fixed,
        "held_pressure": held,
        "eased_pressure": eased,
        "un_level_eased": un_eased,
        "holding_cost": cost,
        "carve_share": share,
        "carve_cost": saved,
    }


def _target(scenario: Scenario, date: dt.date, draw: Draws) -> dict[str, Array]:
    """The target's resolve, concession hazard, type prior and deal behaviour."""
    target = scenario.target
    hazard_base = draw(TARGET.key("", "concession_hazard.base"))
    values = {
        "resolve": draw(TARGET.key("", "resolve")),
        "hazard_base": hazard_base,
        "hazard_max": np.maximum(draw(TARGET.key("", "concession_hazard.maximum")), hazard_base),
        "hazard_steepness": draw(TARGET.key("", "concession_hazard.steepness")),
    }
    if target.reliable_prior is not None:
        values["reliable_prior"] = draw(TARGET.key("", "reliable_prior"))
    else:  # the record's Beta posterior, drawn from the prior's own stream
        a, b = reliable_prior_from_record(target.track_record, date)
        streams = draw.streams
        values["reliable_prior"] = (
            np.full(draw.runs, a / (a + b))
            if streams is None
            else streams(TARGET.key("", "reliable_prior")).beta(a, b, draw.runs)
        )
    for group in ("delivery", "renege"):
        for kind in ("reliable", "opportunist"):
            values[f"{group}_{kind}"] = draw(TARGET.key("", f"{group}.{kind}"))
    return values


def _third_parties(
    scenario: Scenario, date: dt.date, draw: Draws, busting: Busting = "commercial"
) -> dict[str, Any]:
    """Substitution capacity, willingness and rent sensitivity, one column per third party
    (and, read as black knights, the revenue their support supplies)."""
    if busting == "knights":
        from sanctionsim.coalition.knights import third_party_supply

        return third_party_supply(scenario, date, draw)
    values = {}
    for name in ("substitution_capacity", "willingness", "rent_sensitivity"):
        columns = [draw(THIRD_PARTIES.key(p.actor, name)) for p in scenario.third_parties]
        values[name] = np.column_stack(columns or [np.zeros(draw.runs)])
    return values


_MEMBER_FIELDS = {
    "premium_base": "payoffs.defection_premium_base",
    "premium_slope": "payoffs.defection_premium_slope",
    "breach_cost": "payoffs.un_breach_cost",
    "discount_factor": "payoffs.discount_factor",
    "trade_share": "trade_share",
}


def _members(scenario: Scenario, date: dt.date, draw: Draws) -> dict[str, Array]:
    """Each member's own numbers: concession value, premium, breach cost, discount, deal value."""
    member_ids = tuple(a.id for a in scenario.members)
    values = {
        name: np.column_stack([draw(ACTORS.key(i, field)) for i in member_ids])
        for name, field in _MEMBER_FIELDS.items()
    }
    values["concession_value"] = np.column_stack([draw(DEMAND.key(i, "")) for i in member_ids])
    deal_value = np.zeros((draw.runs, len(member_ids)))
    for deal in scenario.side_deals:
        if not deal_read(deal, member_ids, date):
            continue
        issue = next(i for i in scenario.private_issues if i.id == deal.issue)
        shares = (
            draw(SIDE_DEALS.key(deal.id, f"stages.{s.id}.delivery_share")) for s in deal.stages
        )
        delivered = sum(shares, np.zeros(draw.runs))
        value = draw(ISSUES.key(issue.id, "value"))
        deal_value[:, member_ids.index(deal.member)] += value * delivered
    values["deal_value"] = deal_value
    return values


def _levers(scenario: Scenario, date: dt.date, draw: Draws) -> dict[str, Array]:
    """Side payments, penalties and detection (monitoring raises its beneficiary's)."""
    member_ids = tuple(a.id for a in scenario.members)
    n = len(member_ids)
    detection = np.repeat(draw(OBSERVATION.key("", "detection"))[:, None], n, axis=1)
    payment, penalty = np.zeros((draw.runs, n)), np.zeros((draw.runs, n))
    for lever in scenario.levers:
        if not lever_read(lever, date):
            continue
        aimed = [member_ids.index(lever.beneficiary)] if lever.beneficiary else list(range(n))
        amount = draw(LEVERS.key(lever.id, "amount"))
        for index in aimed:
            if lever.kind == "side_payment":
                payment[:, index] += amount
            elif lever.kind in ("penalty", "threat"):
                penalty[:, index] += amount
            elif lever.kind == "monitoring" and lever.detection is not None:
                lever_detection = draw(LEVERS.key(lever.id, "detection"))
                detection[:, index] = np.maximum(detection[:, index], lever_detection)
    return {
        "side_payment": payment,
        "penalty": penalty,
        "detection": detection,
        "false_alarm": draw(OBSERVATION.key("", "false_alarm")),
    }


def _build(
    scenario: Scenario,
    date: dt.date,
    draw: Draws,
    accounting: Accounting = "v1",
    busting: Busting = "commercial",
    holding: bool = False,
    carve_outs: bool = False,
) -> CoalitionParameters:
    """Every parameter of the model from the quantity table's draws (``docs/model.md``)."""
    member_ids = tuple(a.id for a in scenario.members)
    held = [draw(ACTORS.key(i, "payoffs.holding_value")) for i in member_ids] if holding else None
    return CoalitionParameters(
        scenario_id=scenario.id,
        date=date,
        member_ids=member_ids,
        **_pressures(scenario, date, draw, accounting, carve_outs),
        **_target(scenario, date, draw),
        **_third_parties(scenario, date, draw, busting),
        **_members(scenario, date, draw),
        **_levers(scenario, date, draw),
        third_party_ids=tuple(p.actor for p in scenario.third_parties),
        accounting=accounting,
        holding_value=None if held is None else np.column_stack(held),
    )
