"""Sensitivity: inverse CDFs against scipy, SALib indices on a known function, and end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sanctionsim.experiments.inputs import inverse_cdf
from sanctionsim.experiments.sensitivity import Design, analyse, design
from sanctionsim.experiments.spec import SensitivitySpec
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Estimate
from support import run_sanctionsim as sanctionsim

from .conftest import write_spec

U = np.array([0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1.0])


def estimate(**distribution: object) -> Estimate:
    return Estimate.model_validate({"distribution": distribution})


@pytest.mark.parametrize(
    ("dist", "oracle"),
    [
        ({"dist": "uniform", "low": 0.2, "high": 0.7}, stats.uniform(0.2, 0.5)),
        (
            {"dist": "triangular", "low": 0.1, "mode": 0.2, "high": 0.6},
            stats.triang(c=0.2, loc=0.1, scale=0.5),
        ),
        (
            {"dist": "beta", "alpha": 2.0, "beta": 5.0, "low": 1.0, "high": 3.0},
            stats.beta(2.0, 5.0, loc=1.0, scale=2.0),
        ),
        (
            {"dist": "normal", "mean": 0.3, "sd": 0.1, "low": 0.2, "high": 0.6},
            stats.truncnorm(-1.0, 3.0, loc=0.3, scale=0.1),
        ),
    ],
)
def test_inverse_cdf_matches_scipy(dist: dict[str, object], oracle: object) -> None:
    ours = inverse_cdf(estimate(**dist), U)
    theirs = oracle.ppf(U)  # type: ignore[attr-defined]
    assert np.allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_lognormal_inverse_cdf_is_exp_of_a_truncated_normal() -> None:
    e = estimate(dist="lognormal", median=2.0, sigma=0.5, low=1.0, high=5.0)
    mu = math.log(2.0)
    a, b = (math.log(1.0) - mu) / 0.5, (math.log(5.0) - mu) / 0.5
    theirs = np.exp(stats.truncnorm(a, b, loc=mu, scale=0.5).ppf(U))
    assert np.allclose(inverse_cdf(e, U), theirs, rtol=1e-9)
    # unbounded: the unit cube's corners stay finite
    free = inverse_cdf(estimate(dist="lognormal", median=2.0, sigma=0.5), U)
    assert np.isfinite(free).all()
    assert free[4] == pytest.approx(2.0)


def test_indices_rank_the_only_input_that_matters_first() -> None:
    # y = 4 x0 + 0.5 x1 + 0 x2 on the unit cube: Sobol and Morris both rank x0, x1, x2.
    spec_sobol = SensitivitySpec(method="sobol", samples=256)
    spec_morris = SensitivitySpec(method="morris", samples=20)
    keys = ("a", "b", "c")
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 3, "names": list(keys), "bounds": [[0.0, 1.0]] * 3}
    for spec, unit in (
        (spec_sobol, sobol_sample.sample(problem, 256, calc_second_order=False, seed=1)),
        (spec_morris, morris_sample.sample(problem, 20, num_levels=4, seed=1)),
    ):
        points = Design(spec.method, keys, np.asarray(unit), [])
        y = 4 * points.unit[:, 0] + 0.5 * points.unit[:, 1]
        report = analyse(points, y, spec, "toy", seed=1)
        assert [r["input"] for r in report["inputs"]] == ["a", "b", "c"]
        assert [r["rank"] for r in report["inputs"]] == [1, 2, 3]
        top = report["inputs"][0]
        name = "ST" if spec.method == "sobol" else "mu_star"
        low, high = top[f"{name}_ci95"]
        assert low <= top[name] <= high
        assert report["inputs"][2][name] == pytest.approx(0.0, abs=1e-9)


def test_a_design_maps_every_point_into_its_inputs_bounds() -> None:
    dprk = load_scenario("dprk-2014")
    spec = SensitivitySpec(method="morris", samples=2)
    points = design(dprk, spec, seed=0)
    assert len(points.values) == 2 * (len(points.keys) + 1)
    from sanctionsim.experiments.inputs import uncertain_inputs

    estimates = uncertain_inputs(dprk)
    for values in points.values:
        for key, value in values:
            dist = estimates[key].distribution
            assert dist is not None
            low, high = dist.bounds()
            assert low <= value <= high, key


def test_sensitivity_block_end_to_end(spec_dir: Path) -> None:
    spec = write_spec(
        spec_dir,
        runs=1024,
        policies=["baseline"],
        sensitivity={
            "method": "sobol",
            "metric": "p_member_eases.JPN",
            "samples": 4,
            "runs_per_sample": 128,
            "inputs": [
                "target.resolve",
                "side_deals.stockholm-2014.stages.sic-launch.delivery_share",
            ],
        },
    )
    result = sanctionsim(
        "experiment", str(spec), "--out", "o", "--workers", "1", "--json", cwd=spec_dir
    )
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)["sensitivity"]
    assert report["method"] == "sobol"
    assert report["samples"] == 4 * (2 + 2)
    assert sorted(r["rank"] for r in report["inputs"]) == [1, 2]
    assert {"S1", "S1_ci95", "ST", "ST_ci95"} <= set(report["inputs"][0])
    table = sanctionsim(
        "experiment", str(spec), "--out", "o", "--resume", "--workers", "1", cwd=spec_dir
    )
    assert "Sensitivity of p_member_eases.JPN" in table.stdout


def test_unknown_sensitivity_input_is_bad_input(spec_dir: Path) -> None:
    spec = write_spec(
        spec_dir, runs=1024, sensitivity={"method": "morris", "inputs": ["target.nope", "x"]}
    )
    result = sanctionsim("experiment", str(spec), "--out", "o", cwd=spec_dir)
    assert result.returncode == 2
    assert "no uncertain input 'target.nope'" in result.stderr
    assert not (spec_dir / "o").exists()  # checked before the store is made
