"""The engine's random numbers: one block's keyed streams, its draws before month 1, its months.

Block ``b`` draws everything it uses from its own keyed streams,
``SeedSequence(seed, spawn_key=(b, h(key)))``
(:class:`~sanctionsim.coalition.parameters.KeyedStreams`): one stream per uncertain quantity
(keyed as in :mod:`sanctionsim.coalition.quantities`), one for the target's type
(``target.type``) and one for the months (``engine.months``), from which every month draws one
fixed-size matrix of uniforms (:class:`~sanctionsim.dynamics.setup.Layout`). No draw depends on
other blocks or on how many blocks are simulated together, so results are identical whatever the
chunk size; and no draw depends on what else the scenario contains, so a policy and its baseline
share their random numbers (common random numbers; Law, *Simulation Modeling and Analysis*, 5th
ed., §11.2).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sanctionsim.coalition.parameters import CoalitionParameters, KeyedStreams, draw_parameters
from sanctionsim.coalition.quantities import draw_quantity
from sanctionsim.dynamics import target as tgt
from sanctionsim.dynamics.rules import DEFAULT_TRUST
from sanctionsim.versions import model_version

if TYPE_CHECKING:
    from sanctionsim.dynamics.escalation import EscalationDraws
    from sanctionsim.dynamics.setup import Setup

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BlockDraws:
    """Everything a block draws before month 1, and its generator for the months."""

    params: CoalitionParameters
    trust: FloatArray  # (n, N, N), symmetric, 1 on the diagonal
    widen: FloatArray  # (n, D) hold-fraction added on snap-back
    reliable: BoolArray
    rng: np.random.Generator
    choices: np.random.Generator | None = None  # model v2's month stream (engine.v2.months)
    elite: np.random.Generator | None = None  # model v2-elite's month stream (engine.elite.months)
    escalation: EscalationDraws | None = None  # v2-escalation's draws (their own streams)
    inclination: FloatArray | None = None  # model v2e's z_i, (n, N) (members.resolve)


def block_stream(seed: int, block: int) -> np.random.Generator:
    """Block ``block``'s generator: ``SeedSequence(seed, spawn_key=(block,))``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def draw_block(setup: Setup, seed: int, block: int, n: int) -> BlockDraws:
    """Draw block ``block``'s ``n`` runs: parameters, trust, widenings, target types.

    Every quantity draws from its own keyed stream (:class:`KeyedStreams` ``(seed, (block,))``);
    the returned ``rng`` is the block's month stream (key ``engine.months``), and for model v2
    ``choices`` its own month stream (key ``engine.v2.months``): a new child stream, so every
    draw v1 makes is made identically under v2; likewise ``elite`` for model v2-elite (key
    ``engine.elite.months``), so every draw v2 makes is made identically under v2-elite.
    ``v2-escalation`` draws its own too, from its own keyed streams
    (:func:`~sanctionsim.dynamics.escalation.draw_escalation`), and model v2e each member's
    persistent shock z_i ~ N(0, 1) (key ``members.resolve``).
    """
    streams = KeyedStreams(seed, (block,))
    scenario = setup.scenario
    version = model_version(setup.model)
    v2 = version.kernel == "v2"
    params = draw_parameters(
        scenario,
        streams,
        n,
        date=scenario.start,
        accounting="v2" if v2 else "v1",
        busting=version.busting,
        holding=version.holding,
        carve_outs=version.carve_outs,
    )
    members = len(setup.member_ids)
    trust = np.full((n, members, members), DEFAULT_TRUST)
    for i, j, quantity in setup.relations:
        pair = f"{setup.member_ids[i]}.{setup.member_ids[j]}"
        value = draw_quantity(quantity, streams, f"relations.{pair}.trust", n)
        trust[:, i, j] = value
        trust[:, j, i] = value
    trust[:, np.arange(members), np.arange(members)] = 1.0
    widen = np.zeros((n, len(setup.deals)))
    for d, deal in enumerate(setup.deals):
        span = params.held_pressure[:, deal.member] - params.eased_pressure[:, deal.member]
        extra = draw_quantity(deal.widen_by, streams, f"side_deals.{deal.id}.snap_back.widen_by", n)
        widen[:, d] = np.where(span > 0, extra / np.where(span > 0, span, 1.0), 0.0)
    reliable = tgt.draw_types(params, streams("target.type").random(n))
    choices = streams("engine.v2.months") if v2 else None
    elite = streams("engine.elite.months") if version.leadership else None
    inclination = None
    if version.persistent_inclination:
        inclination = streams("members.resolve").standard_normal((n, members))
    escalation = None
    if setup.escalation is not None:
        from sanctionsim.dynamics.escalation import draw_escalation

        escalation = draw_escalation(setup.escalation, streams, n)
    return BlockDraws(
        params,
        trust,
        widen,
        reliable,
        streams("engine.months"),
        choices,
        elite=elite,
        escalation=escalation,
        inclination=inclination,
    )


def concat_params(parts: Sequence[CoalitionParameters]) -> CoalitionParameters:
    """The parameters of several blocks, runs concatenated in order."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    changes: dict[str, Any] = {}
    for item in dataclasses.fields(first):
        value = getattr(first, item.name)
        if isinstance(value, np.ndarray) and item.name != "un_level_eased":
            changes[item.name] = np.concatenate([getattr(p, item.name) for p in parts])
    return dataclasses.replace(first, **changes)


class Uniforms:
    """The monthly uniform matrix of a chunk, filled block by block from each block's stream."""

    def __init__(self, streams: Sequence[np.random.Generator], sizes: Sequence[int], width: int):
        self.streams = streams
        self.bounds = np.cumsum([0, *sizes])
        self.values = np.empty((int(self.bounds[-1]), width))

    def draw(self) -> FloatArray:
        """Fill and return this month's ``(runs, width)`` uniforms."""
        for b, stream in enumerate(self.streams):
            lo, hi = self.bounds[b], self.bounds[b + 1]
            self.values[lo:hi] = stream.random((hi - lo, self.values.shape[1]))
        return self.values


class ColumnSource:
    """A stand-in ``Generator`` for a stochastic classic strategy: its column of the month.

    The strategies draw ``rng.random(n_runs)`` once per move; this hands them their column of the
    block-wise uniforms instead, so they obey the block streams too.
    """

    def __init__(self, uniforms: Uniforms, column: int) -> None:
        self.uniforms = uniforms
        self.column = column

    def random(self, size: int) -> FloatArray:
        """This month's values of the column (``size`` runs)."""
        values: FloatArray = self.uniforms.values[:size, self.column]
        return values

    def as_generator(self) -> np.random.Generator:
        """Itself, typed as the ``Generator`` the strategies take (it has the one method used)."""
        return self  # type: ignore[return-value]
