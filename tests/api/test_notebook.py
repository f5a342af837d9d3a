"""The notebook-style example (examples/notebook.py) runs as a user would run it, and what it
writes is the forecast's own tables and a real figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pandas as pd

import sanctionsim

SCRIPT = Path(__file__).parents[2] / "examples" / "notebook.py"


def test_the_notebook_script_loads_simulates_tabulates_plots_and_exports(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "512"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<Scenario dprk-2014: ")
    image = matplotlib.image.imread(tmp_path / "easing.png")
    assert image.shape[:2] == (600, 900)  # 6 x 4 inches at 150 dpi
    assert image[..., :3].std() > 0.05  # lines were drawn, not a blank canvas

    expected = sanctionsim.simulate("dprk-2014", runs=512, horizon=24, seed=7)
    metrics = pd.read_csv(tmp_path / "metrics.csv", keep_default_na=False, na_values=[""])
    assert len(metrics) == len(expected.tidy_rows())
    concedes = metrics[metrics["metric"] == "p_target_concedes"].iloc[0]
    assert concedes["mean"] == expected.metrics.p_target_concedes.mean
    curves = pd.read_csv(tmp_path / "curves.csv", keep_default_na=False)
    assert len(curves) == len(expected.curves.to_rows())
    assert curves["month"].max() == 24
