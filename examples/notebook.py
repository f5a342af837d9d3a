"""A notebook's work as a script: load a case, forecast it, tabulate, plot, export.

Run it as ``python examples/notebook.py OUT_DIR [RUNS]``; each block is what one notebook cell
would hold. It writes ``OUT_DIR/easing.png`` (the members' cumulative easing curves),
``OUT_DIR/metrics.csv`` (the headline metrics) and ``OUT_DIR/curves.csv`` (the curves,
long-form). The test suite runs it (tests/api/test_notebook.py). Needs the ``notebook`` extra
(pandas, matplotlib: ``pip install 'sanctionsim[notebook]'``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: draw into files
import matplotlib.pyplot as plt

import sanctionsim

out = Path(sys.argv[1])
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 2048
out.mkdir(parents=True, exist_ok=True)

# Cell 1: a built-in case, shown in one line.
scenario = sanctionsim.load("dprk-2014")
print(scenario)

# Cell 2: the forecast, and its headline as a table.
result = sanctionsim.simulate(scenario, runs=runs, horizon=24, seed=7)
metrics = result.to_frame()
print(metrics[["metric", "key", "mean", "mc_low", "mc_high"]].to_string(index=False))

# Cell 3: the curves, long-form, and a plot of each member's cumulative probability of easing.
curves = result.curves.to_frame()
eased = curves[curves["curve"] == "p_eased_by"]
figure, axes = plt.subplots(figsize=(6, 4))
for member, rows in eased.groupby("key"):
    axes.plot(rows["month"], rows["value"], label=member)
axes.set_xlabel("month after the start")
axes.set_ylabel("probability of having eased (cumulative)")
axes.set_title(f"{result.scenario_id}: {result.runs:,} runs, seed {result.seed}")
axes.legend()
figure.savefig(out / "easing.png", dpi=150)
plt.close(figure)

# Cell 4: export for a spreadsheet, Stata or R.
metrics.to_csv(out / "metrics.csv", index=False)
curves.to_csv(out / "curves.csv", index=False)
print(f"wrote {out / 'easing.png'}, {out / 'metrics.csv'}, {out / 'curves.csv'}")
