"""Truncated normal and lognormal draws: whatever validates can be drawn (issue 16, item 7).

Rejection sampling stays the method wherever it fills the sample, so every draw that worked
before is unchanged (pinned against a copy of the original loop); only when its round cap runs
out does the inverse CDF fill the rest.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from numpy.typing import NDArray

from sanctionsim.scenario.distributions import MIN_TRUNCATED_MASS, LogNormal, Normal
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from support import run_sanctionsim

STANDARD = NormalDist()
# The 0.12% of issue 16: above the 0.1% that validation asks, far below what rejection fills.
LITTLE = 0.0012
Z_LITTLE = STANDARD.inv_cdf(1 - LITTLE)


def original_rejection(
    draw: Callable[[int], NDArray[np.float64]], low: float, high: float, size: int
) -> NDArray[np.float64] | None:
    """The sampler as it was before the fallback (an oracle); ``None`` where it gave up."""
    out = np.empty(size)
    filled = 0
    for _ in range(200):
        if filled == size:
            return out
        batch = draw(max(2 * (size - filled), 64))
        keep = batch[(batch >= low) & (batch <= high)][: size - filled]
        out[filled : filled + keep.size] = keep
        filled += keep.size
    return out if filled == size else None


def test_a_normal_keeping_little_mass_validates_and_draws_from_its_tail() -> None:
    dist = Normal(dist="normal", mean=0.0, sd=1.0, low=Z_LITTLE)
    assert LITTLE > MIN_TRUNCATED_MASS
    draws = dist.sample(np.random.default_rng(0), 1024)
    assert draws.shape == (1024,)
    assert draws.min() >= Z_LITTLE
    # Mean and sd of the standard normal truncated to [a, inf): lambda = phi(a) / (1 - Phi(a)).
    lam = STANDARD.pdf(Z_LITTLE) / LITTLE
    sd = math.sqrt(1 + Z_LITTLE * lam - lam * lam)
    assert abs(draws.mean() - lam) < 5 * sd / math.sqrt(draws.size)


def test_a_two_sided_normal_and_a_lognormal_keeping_little_mass_draw_within_bounds() -> None:
    # A narrow window in the lower tail, and a lognormal with the same kept share above `low`.
    low, high = -3.2, STANDARD.inv_cdf(STANDARD.cdf(-3.2) + LITTLE)
    normal = Normal(dist="normal", mean=1.0, sd=2.0, low=1.0 + 2.0 * low, high=1.0 + 2.0 * high)
    drawn = normal.sample(np.random.default_rng(1), 5000)
    assert drawn.shape == (5000,)
    assert drawn.min() >= normal.bounds()[0]
    assert drawn.max() <= normal.bounds()[1]
    floor = 200.0 * math.exp(0.5 * Z_LITTLE)
    lognormal = LogNormal(dist="lognormal", median=200.0, sigma=0.5, low=floor)
    tail = lognormal.sample(np.random.default_rng(2), 1024)
    assert tail.min() >= floor
    assert np.all(np.isfinite(tail))
    # Half the kept mass lies above the conditional median of log(x).
    cut = 200.0 * math.exp(0.5 * STANDARD.inv_cdf(1 - LITTLE / 2))
    assert abs(float(np.mean(tail > cut)) - 0.5) < 5 * 0.5 / math.sqrt(tail.size)


def _truncated_distributions() -> list[tuple[str, Normal | LogNormal]]:
    found: list[tuple[str, Normal | LogNormal]] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, Normal | LogNormal):
            found.append((where, node))
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item, where)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item, where)
        elif hasattr(node, "__pydantic_fields__"):
            for name in type(node).model_fields:
                walk(getattr(node, name), where)

    for case in case_ids():
        walk(load_scenario(case), case)
    return found


@pytest.mark.parametrize("size", [1, 37, 1024])
def test_every_built_in_truncated_draw_is_what_rejection_gave(size: int) -> None:
    cases = _truncated_distributions()
    assert cases, "the built-in cases draw truncated lognormals"
    for seed, (case, dist) in enumerate(cases):
        low, high = dist.bounds()
        if isinstance(dist, LogNormal):
            mu, sigma = math.log(dist.median), dist.sigma
            oracle_rng = np.random.default_rng(seed)
            expected = original_rejection(
                lambda n, g=oracle_rng, m=mu, s=sigma: g.lognormal(m, s, n), low, high, size
            )
        else:
            oracle_rng = np.random.default_rng(seed)
            expected = original_rejection(
                lambda n, g=oracle_rng, d=dist: g.normal(d.mean, d.sd, n), low, high, size
            )
        assert expected is not None, case
        assert np.array_equal(dist.sample(np.random.default_rng(seed), size), expected), case


def test_simulate_runs_a_scenario_whose_lognormal_keeps_little_mass(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "examples" / "minimal-scenario.yaml"
    floor = 200.0 * math.exp(0.5 * Z_LITTLE)
    old = "LEAD: {distribution: {dist: lognormal, median: 200, sigma: 0.5}"
    text = source.read_text(encoding="utf-8")
    assert old in text
    scenario = tmp_path / "tail.yaml"
    scenario.write_text(
        text.replace(
            old,
            f"LEAD: {{distribution: {{dist: lognormal, median: 200, sigma: 0.5, low: {floor!r}}}",
        ),
        encoding="utf-8",
    )
    checked = run_sanctionsim("check", str(scenario))
    assert checked.returncode == 0, checked.stderr
    result = run_sanctionsim("simulate", str(scenario), "--runs", "2048", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["runs"] == 2048
