"""Golden outputs of model v1: `simulate`, `experiment` and `history`, byte for byte.

Saved when the evaluation issue closed (issue 12's baseline), from a frozen copy of the case
files as they were then (tests/golden/cases/; the live library changes). Moving code around must
not change a single byte of what model v1 computes; a change that is meant to must say so in its
commit and regenerate these files (`python tests/golden/test_golden.py`), never silently.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "cases").glob("*.yaml"))
# model v1 by name: the default version is v2n since 2026-12-04, and these files are v1's
SIMULATE = ("--model", "v1", "--runs", "2048", "--seed", "0", "--horizon", "24", "--json")
HISTORY = ("--model", "v1", "--runs", "512", "--seed", "0", "--json")
VERSION = re.compile(r'\n\s*"version": "[^"]*",?')

sys.path.insert(0, str(HERE.parent))
from support import run_sanctionsim  # noqa: E402


def simulate_output(case: Path) -> str:
    result = run_sanctionsim("simulate", str(case), *SIMULATE)
    assert result.returncode == 0, result.stderr
    return VERSION.sub("", result.stdout)


def experiment_output(out: Path) -> str:
    result = run_sanctionsim(
        "experiment", "experiment.yaml", "--out", str(out), "--workers", "1", "--json", cwd=HERE
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def history_forecasts() -> str:
    result = run_sanctionsim("history", *map(str, CASES), *HISTORY)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    kept: dict[str, Any] = {
        case["id"]: {
            "events": [[e["event"], e["horizon"], e["forecast"]] for e in case["events"]],
            "derived": [[d["event"], d["horizon"], d["forecast"]] for d in case["derived"]],
        }
        for case in document["cases"]
    }
    return json.dumps(kept, indent=1, sort_keys=True) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_simulate_is_byte_identical(case: Path) -> None:
    assert simulate_output(case) == (HERE / "simulate" / f"{case.stem}.json").read_text()


@pytest.mark.slow
def test_experiment_is_byte_identical(tmp_path: Path) -> None:
    assert experiment_output(tmp_path / "out") == (HERE / "experiment.json").read_text()


@pytest.mark.slow
def test_history_forecasts_are_byte_identical() -> None:
    assert history_forecasts() == (HERE / "history.json").read_text()


if __name__ == "__main__":  # regenerate: only for a change declared in its commit
    import tempfile

    (HERE / "simulate").mkdir(exist_ok=True)
    for case in CASES:
        (HERE / "simulate" / f"{case.stem}.json").write_text(simulate_output(case))
    with tempfile.TemporaryDirectory() as tmp:
        (HERE / "experiment.json").write_text(experiment_output(Path(tmp) / "out"))
    (HERE / "history.json").write_text(history_forecasts())
