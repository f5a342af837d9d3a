"""``sanctionsim run``: the main job prints the dprk-2014 forecast and writes its results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_run_prints_the_forecast_and_writes_results(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sanctionsim", "run", "--out", "out"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Forecast for dprk-2014 from 2014-07-04: 10,000 runs, 36 months" in text
    for line in (
        "target concedes within 36 months",
        "USA eases",
        "JPN eases",
        "KOR eases",
        "cascade: two or more members ease",
        "side deal stockholm-2014 delivers in full",
    ):
        assert line in text
    assert "simulated in" in text
    document = json.loads((tmp_path / "out" / "forecast.json").read_text(encoding="utf-8"))
    assert document["runs"] == 10_000
    assert document["horizon"] == 36
    assert document["start"] == "2014-07-04"
    parts = sorted((tmp_path / "out" / "runs").glob("chunk-*.parquet"))
    assert len(parts) == 1  # 10,000 runs fit in one default chunk of 16,384
