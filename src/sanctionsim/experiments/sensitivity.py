"""Sensitivity analysis: Sobol and Morris indices of one metric over the uncertain inputs (SALib).

The design is drawn in the unit hypercube by SALib (Sobol: Saltelli's extension of a scrambled
Sobol' sequence, ``N (D + 2)`` points without second-order terms, Saltelli et al. 2010, *Computer
Physics Communications* 181; Morris: ``r`` trajectories of ``D + 1`` points on a 4-level grid,
Morris 1991, *Technometrics* 33, with Campolongo et al.'s mu*, 2007). Each coordinate is mapped
to its input's distribution by the inverse CDF (:func:`sanctionsim.experiments.inputs.inverse_cdf`),
each point becomes the scenario with those inputs fixed, and the metric is its mean over
``runs_per_sample`` runs. All points use the same seed, so they share their remaining random
numbers (the target's type, the months): the indices measure the inputs, not sampling noise,
up to what ``runs_per_sample`` leaves.

Reported per input, ranked: Sobol first-order ``S1`` and total ``ST`` with SALib's bootstrap 95%
intervals (``S1_conf``, ``ST_conf``), ranked by ``ST``; Morris ``mu_star`` with its bootstrap
95% interval (``mu_star_conf``) and ``sigma``, ranked by ``mu_star``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sanctionsim.errors import InputError
from sanctionsim.experiments.inputs import inverse_cdf, uncertain_inputs

if TYPE_CHECKING:
    from sanctionsim.experiments.spec import SensitivitySpec
    from sanctionsim.scenario.schema import Scenario

FloatArray = npt.NDArray[np.float64]
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Design:
    """The sample points of one analysis: unit-cube coordinates and the inputs' values."""

    method: str
    keys: tuple[str, ...]
    unit: FloatArray  # (S, D)
    values: list[tuple[tuple[str, float], ...]]

    @property
    def problem(self) -> dict[str, Any]:
        """SALib's problem description (every input on [0, 1])."""
        return {
            "num_vars": len(self.keys),
            "names": list(self.keys),
            "bounds": [[0.0, 1.0]] * len(self.keys),
        }


def design(scenario: Scenario, spec: SensitivitySpec, seed: int) -> Design:
    """The sample points for ``spec`` over the scenario's uncertain inputs.

    Raises:
        InputError: an unknown input key, fewer than two inputs, or a Sobol sample count that
            is not a power of two.
    """
    estimates = uncertain_inputs(scenario)
    keys = list(spec.inputs) or list(estimates)
    for key in keys:
        if key not in estimates:
            raise InputError.single(
                "sensitivity.inputs",
                f"{scenario.id} has no uncertain input {key!r} (see docs/experiments.md)",
            )
    if len(keys) < 2:
        raise InputError.single("sensitivity.inputs", "name at least two uncertain inputs")
    problem = {"num_vars": len(keys), "names": keys, "bounds": [[0.0, 1.0]] * len(keys)}
    if spec.method == "sobol":
        if spec.samples & (spec.samples - 1):
            raise InputError.single(
                "sensitivity.samples", f"Sobol needs a power of two, got {spec.samples}"
            )
        from SALib.sample import sobol as sobol_sample

        unit = sobol_sample.sample(
            problem, spec.samples, calc_second_order=False, scramble=True, seed=seed
        )
    else:
        from SALib.sample import morris as morris_sample

        unit = morris_sample.sample(problem, spec.samples, num_levels=MORRIS_LEVELS, seed=seed)
    unit = np.asarray(unit, dtype=np.float64)
    columns = [inverse_cdf(estimates[k], unit[:, j]) for j, k in enumerate(keys)]
    values = [
        tuple((k, float(columns[j][i])) for j, k in enumerate(keys)) for i in range(unit.shape[0])
    ]
    return Design(spec.method, tuple(keys), unit, values)


def _clean(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else float(value)


def analyse(
    points: Design, y: FloatArray, spec: SensitivitySpec, scenario_id: str, seed: int
) -> dict[str, Any]:
    """Indices for the metric values ``y`` at the design's points, ranked, with 95% intervals."""
    rows: list[dict[str, Any]] = []
    if points.method == "sobol":
        from SALib.analyze import sobol

        si = sobol.analyze(points.problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
        for j, key in enumerate(points.keys):
            s1, s1c = float(si["S1"][j]), float(si["S1_conf"][j])
            st, stc = float(si["ST"][j]), float(si["ST_conf"][j])
            rows.append(
                {
                    "input": key,
                    "S1": _clean(s1),
                    "S1_ci95": [_clean(s1 - s1c), _clean(s1 + s1c)],
                    "ST": _clean(st),
                    "ST_ci95": [_clean(st - stc), _clean(st + stc)],
                }
            )
        order = "ST"
    else:
        from SALib.analyze import morris

        si = morris.analyze(
            points.problem,
            points.unit,
            y,
            conf_level=0.95,
            num_levels=MORRIS_LEVELS,
            seed=seed,
        )
        for j, key in enumerate(points.keys):
            mu, conf = float(si["mu_star"][j]), float(si["mu_star_conf"][j])
            rows.append(
                {
                    "input": key,
                    "mu_star": _clean(mu),
                    "mu_star_ci95": [_clean(mu - conf), _clean(mu + conf)],
                    "sigma": _clean(float(si["sigma"][j])),
                }
            )
        order = "mu_star"
    rows.sort(key=lambda r: -(r[order] if r[order] is not None else -math.inf))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {
        "scenario": scenario_id,
        "method": points.method,
        "metric": spec.metric,
        "samples": len(points.values),
        "runs_per_sample": spec.runs_per_sample,
        "metric_mean": float(np.mean(y)),
        "inputs": rows,
    }
