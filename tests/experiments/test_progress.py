"""The progress bar: on stderr when it is a terminal (chunks, runs/s, ETA), never on stdout."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from .conftest import write_spec

FLAGS = ("--out", "o", "--workers", "1", "--json")


def test_a_terminal_gets_a_progress_bar_and_stdout_stays_json(spec_dir: Path) -> None:
    spec = write_spec(spec_dir, runs=8 * 1024, horizon=12)
    controller, terminal = pty.openpty()
    env = dict(os.environ, COLUMNS="120", TERM="xterm")
    process = subprocess.Popen(
        [sys.executable, "-m", "sanctionsim", "experiment", str(spec), *FLAGS],
        cwd=spec_dir,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    drawn = b""
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not data:
            break
        drawn += data
    stdout, _ = process.communicate(timeout=120)
    os.close(controller)
    assert process.returncode == 0
    text = drawn.decode(errors="replace")
    assert "chunks" in text
    assert "runs/s" in text
    assert "ETA" in text
    assert "16/16" in text  # two cells x eight chunks, all done
    assert json.loads(stdout)["experiment"]["runs"] == 8 * 1024
