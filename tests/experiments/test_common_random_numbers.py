"""Common random numbers survive policies: every draw depends on (seed, block, the quantity's key).

Before keyed streams, parameters were drawn in file order from one stream per block, so a policy
that added a measure (``relist-sst``) shifted every later draw and the month uniforms: baseline
and policy were no longer paired run by run. These tests fail under that scheme.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from sanctionsim.coalition.parameters import KeyedStreams, draw_parameters
from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.plan import BLOCK
from sanctionsim.dynamics.setup import prepare
from sanctionsim.dynamics.streams import draw_block
from sanctionsim.experiments.inputs import uncertain_inputs
from sanctionsim.experiments.policies import apply_policy, builtin_policy, load_policy
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario

# A policy that changes nothing the model reads, but adds an uncertain quantity: a third party's
# measure with no pressure and an uncertain cost (only members' costs count). Under file-order
# draws its cost draw shifted every later draw; under keyed streams nothing moves.
INERT_POLICY = """\
id: inert-measure
description: A third party's symbolic measure; it adds an uncertain cost that nobody pays.
changes:
  - change: add_measure
    measure:
      id: chn-symbolic-ban
      name: A symbolic ban
      imposer: CHN
      kind: trade
      legal_basis: unilateral
      pressure: 0.0
      cost: {distribution: {dist: uniform, low: 0.1, high: 0.9}, analyst_estimate: true}
"""


@pytest.fixture(scope="module")
def dprk() -> Scenario:
    return load_scenario("dprk-2014")


def test_an_inert_policy_leaves_every_run_identical(dprk: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "inert.yaml"
    path.write_text(INERT_POLICY)
    policy = apply_policy(dprk, load_policy(path))
    assert len(policy.measures) == len(dprk.measures) + 1
    runs, horizon = BLOCK + 100, 24
    base = run_outcomes(dprk, runs=runs, horizon=horizon, seed=9)
    same = run_outcomes(policy, runs=runs, horizon=horizon, seed=9)
    for item in dataclasses.fields(base):
        assert np.array_equal(getattr(base, item.name), getattr(same, item.name)), item.name
    # the outcomes are not trivial: members ease and the target sometimes concedes
    assert (base.eased_month > 0).any()
    assert (base.conceded_month > 0).any()


def test_relisting_changes_only_what_it_touches(dprk: Scenario) -> None:
    # relist-sst adds a unilateral US measure (the leader's held pressure and cost) and switches
    # on a side payment to Japan; every other drawn number stays the same, run by run.
    relisted = apply_policy(dprk, builtin_policy("relist-sst"))
    a = draw_block(prepare(dprk), 4, 2, 300)
    b = draw_block(prepare(relisted), 4, 2, 300)
    members = a.params.member_ids
    usa, jpn = members.index("USA"), members.index("JPN")
    touched = {
        "held_pressure": usa,
        "eased_pressure": usa,
        "holding_cost": usa,
        "side_payment": jpn,
    }
    changed = []
    for item in dataclasses.fields(a.params):
        x, y = getattr(a.params, item.name), getattr(b.params, item.name)
        if not isinstance(x, np.ndarray):
            continue
        if item.name in touched:
            column = touched[item.name]
            others = [i for i in range(len(members)) if i != column]
            assert np.array_equal(x[:, others], y[:, others]), item.name
            if not np.array_equal(x[:, column], y[:, column]):
                changed.append(item.name)
        else:
            assert np.array_equal(x, y), item.name
    assert "side_payment" in changed
    assert "held_pressure" in changed
    assert np.array_equal(a.trust, b.trust)
    assert np.array_equal(a.reliable, b.reliable)
    assert np.array_equal(a.rng.random((5, 7)), b.rng.random((5, 7)))  # the month stream


def test_changing_one_quantity_changes_only_its_draws(dprk: Scenario) -> None:
    # Widen the target's resolve: only the resolve draws change.
    wider = dprk.model_copy(update={"target": dprk.target.model_copy(update={"resolve": 0.123})})
    a = draw_parameters(dprk, KeyedStreams(5, (1,)), 400)
    b = draw_parameters(wider, KeyedStreams(5, (1,)), 400)
    for item in dataclasses.fields(a):
        x, y = getattr(a, item.name), getattr(b, item.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y) == (item.name != "resolve"), item.name


class _Recording(KeyedStreams):
    def __call__(self, key: str) -> np.random.Generator:
        self.__dict__.setdefault("seen", []).append(key)
        return super().__call__(key)


def test_stream_keys_are_the_uncertain_inputs(dprk: Scenario) -> None:
    # The keys the engine draws with are the uncertain inputs the experiment module lists (grid
    # overrides and sensitivity inputs address the same quantities); the engine also draws
    # measures that are not in force on the start (level 0: they add nothing), which are not
    # listed as inputs. The members' holding values are drawn by the version that reads them
    # (v2-hold), so the draw here reads everything a version reads.
    setup = prepare(dprk)
    streams = _Recording(0, (0,))
    draw_parameters(setup.scenario, streams, 10, holding=True)
    drawn = streams.__dict__["seen"]
    seen = set(drawn)
    assert len(seen) == len(drawn)  # no key drawn twice
    listed = set(uncertain_inputs(dprk))
    engine_only = {k for k in listed if k.startswith("relations.") or ".snap_back." in k}
    assert listed - engine_only <= seen
    start = setup.scenario.start
    levels = {m.id: m.level_on(start) for m in setup.scenario.measures}
    for key in seen - listed - {"target.reliable_prior"}:
        kind, measure, _ = key.split(".")
        assert kind == "measures"
        assert levels[measure] == 0.0, key


def test_blocks_and_quantities_have_independent_streams() -> None:
    one = KeyedStreams(3, (0,))
    assert one("target.resolve").random() != one("target.hazard").random()
    assert one("target.resolve").random() != KeyedStreams(3, (1,))("target.resolve").random()
    assert one("target.resolve").random() != KeyedStreams(4, (0,))("target.resolve").random()
