"""`experiment --resume` reuses the stored sensitivity samples (issue 15, item 7): a resume with
every chunk and sample stored simulates nothing and gives the same document to the byte."""

from __future__ import annotations

import json
from pathlib import Path

from sanctionsim.experiments.samples import SAMPLES
from support import run_sanctionsim as sanctionsim

from .conftest import write_spec

SENSITIVITY = {
    "method": "morris",
    "metric": "p_target_concedes",
    "samples": 2,
    "runs_per_sample": 64,
    "inputs": ["target.resolve", "observation.detection"],
}


def test_a_resume_reads_the_stored_samples_instead_of_simulating(spec_dir: Path) -> None:
    spec = write_spec(spec_dir, runs=1024, policies=["baseline"], sensitivity=SENSITIVITY)
    args = ("experiment", str(spec), "--out", "o", "--workers", "1", "--json")
    first = sanctionsim(*args, cwd=spec_dir)
    assert first.returncode == 0, first.stderr
    stored = json.loads((spec_dir / "o" / SAMPLES).read_text(encoding="utf-8"))
    (report,) = json.loads(first.stdout)["sensitivity"]
    assert len(stored) == report["samples"] == 2 * (2 + 1)

    again = sanctionsim(*args, "--resume", cwd=spec_dir)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout  # reused samples: the same analysis to the byte

    # Proof that the values come from the store: change them and the analysis follows.
    (spec_dir / "o" / SAMPLES).write_text(json.dumps(dict.fromkeys(stored, 0.5)), encoding="utf-8")
    flat = sanctionsim(*args, "--resume", cwd=spec_dir)
    assert flat.returncode == 0, flat.stderr
    (changed,) = json.loads(flat.stdout)["sensitivity"]
    assert changed["metric_mean"] == 0.5
    assert all(item["mu_star"] == 0.0 for item in changed["inputs"])


def test_samples_of_another_design_are_not_reused(spec_dir: Path) -> None:
    spec = write_spec(spec_dir, runs=1024, policies=["baseline"], sensitivity=SENSITIVITY)
    args = ("experiment", str(spec), "--out", "o", "--workers", "1", "--json")
    first = sanctionsim(*args, cwd=spec_dir)
    assert first.returncode == 0, first.stderr
    path = spec_dir / "o" / SAMPLES
    stored = json.loads(path.read_text(encoding="utf-8"))
    # keys of another seed: not this experiment's samples, so every one is simulated again
    path.write_text(
        json.dumps({key.replace(", 3, ", ", 4, "): 0.5 for key in stored}), encoding="utf-8"
    )
    again = sanctionsim(*args, "--resume", cwd=spec_dir)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
