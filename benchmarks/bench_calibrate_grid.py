"""Benchmark calibrate's grid: a case's grid points played together against one at a time.

``calibrate`` forecasts every case at every point of its version's grid (48 points, 512 runs,
120 months). Played one at a time (:func:`~sanctionsim.history.forecast.model_forecast` per
point, as before 2026-12-03), each point pays the month's fixed cost (the rules, the payoffs, the
recorder: a few hundred runs are too few to amortise it); played together
(:func:`~sanctionsim.history.forecast.grid_forecasts`: the points' runs stacked, up to 8,192 at a
time), the stack pays it once. Both give the same forecasts bit for bit (checked here, and by
``tests/dynamics/test_grid_outcomes.py``). For each case, both are timed ``--repeats`` times in
the same run, alternating; the medians and the per-round ratio are printed as JSON.

Run: ``.venv/bin/python benchmarks/bench_calibrate_grid.py [--repeats N] [--model v2k]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

from sanctionsim.history.calibrate import SEARCH_RUNS
from sanctionsim.history.forecast import grid_forecasts, model_forecast
from sanctionsim.history.grids import grid_of
from sanctionsim.history.protocol import DEFAULT_HORIZONS
from sanctionsim.scenario.loader import load_scenario

CASES = ("dprk-2014", "argentina-1982", "kenya-1991")  # 3, 6 and 8 members and leaders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", default="v2k")
    args = parser.parse_args()
    grid = grid_of(args.model)
    results = {}
    for case in CASES:
        scenario = load_scenario(case)
        settings = {"runs": SEARCH_RUNS, "seed": 0, "model": args.model, "omega": 1 / 12}
        alone_times, together_times = [], []
        for _ in range(args.repeats):
            start = time.perf_counter()
            alone = [
                model_forecast(scenario, DEFAULT_HORIZONS, choice=point, **settings)
                for point in grid
            ]
            alone_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            together = grid_forecasts(scenario, DEFAULT_HORIZONS, grid, **settings)
            together_times.append(time.perf_counter() - start)
            if [f.probabilities for f in alone] != [f.probabilities for f in together]:
                raise SystemExit(f"{case}: the stacked grid differs from the points played alone")
        ratios = [a / t for a, t in zip(alone_times, together_times, strict=True)]
        results[case] = {
            "one_at_a_time_s": statistics.median(alone_times),
            "together_s": statistics.median(together_times),
            "speedup_median": statistics.median(ratios),
            "speedup_min": min(ratios),
            "speedup_max": max(ratios),
        }
    print(
        json.dumps(
            {
                "model": args.model,
                "grid_points": len(grid),
                "runs": SEARCH_RUNS,
                "repeats": args.repeats,
                "machine": platform.machine(),
                "python": platform.python_version(),
                "cases": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
