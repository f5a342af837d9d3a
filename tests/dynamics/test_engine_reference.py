"""The vectorised engine against the plain per-run Python loop of the same rules.

``benchmarks/reference_loop.py`` draws the very same random numbers as the engine (the block
streams, read column by column), so the comparison is run by run and exact for every integer
outcome: same seed, same months of easing, concession, delivery and snap-back. The loop plays
model v1's rules, so the engine is asked for v1 by name (the default version is v2n).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from sanctionsim.dynamics.engine import run_outcomes
from sanctionsim.dynamics.plan import BLOCK
from sanctionsim.scenario.loader import load_scenario


@pytest.fixture(scope="module")
def reference(repo_root: Path) -> ModuleType:
    path = repo_root / "benchmarks" / "reference_loop.py"
    spec = importlib.util.spec_from_file_location("reference_loop", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("case", "seed"), [("dprk-2014", 3), ("dprk-2014", 8)])
def test_same_seed_same_outcomes_run_by_run(reference: ModuleType, case: str, seed: int) -> None:
    scenario = load_scenario(case)
    runs, horizon = BLOCK + 76, 24
    ours = run_outcomes(scenario, runs=runs, horizon=horizon, seed=seed, model="v1")
    theirs = reference.reference_outcomes(scenario, runs=runs, horizon=horizon, seed=seed)
    for name in ("eased_month", "conceded_month", "delivered_month", "snapped_month"):
        assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name
    # real-valued outcomes agree to rounding (numpy's and math's exp may differ in the last bit)
    assert np.allclose(ours.cohesion_final, theirs.cohesion_final, rtol=1e-12, atol=0)
    assert np.allclose(ours.payoff_mean, theirs.payoff_mean, rtol=1e-9, atol=1e-9)
    # and the comparison is not vacuous: things happen in these runs
    assert (ours.eased_month > 0).any()
    assert (ours.snapped_month > 0).any()
    assert (ours.delivered_month > 0).any()
