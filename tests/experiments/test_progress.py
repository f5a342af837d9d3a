"""The progress bar: on stderr when it is a terminal (chunks, runs/s, ETA), never on stdout."""

from __future__ import annotations

import json
from pathlib import Path

from support import run_on_terminal

from .conftest import write_spec

FLAGS = ("--out", "o", "--workers", "1", "--json")


def test_a_terminal_gets_a_progress_bar_and_stdout_stays_json(spec_dir: Path) -> None:
    spec = write_spec(spec_dir, runs=8 * 1024, horizon=12)
    status, stdout, text = run_on_terminal(
        "experiment", str(spec), *FLAGS, cwd=spec_dir, timeout=120
    )
    assert status == 0
    assert "chunks" in text
    assert "runs/s" in text
    assert "ETA" in text
    assert "16/16" in text  # two cells x eight chunks, all done
    assert json.loads(stdout)["experiment"]["runs"] == 8 * 1024
