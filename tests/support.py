"""Helpers shared by test modules (importable as ``support``: pytest puts tests/ on the path)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# As documented for this machine: no sandbox as root, no GPU, and no background networking.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_sanctionsim(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh process, as a user would; never raises on exit status."""
    return subprocess.run(
        [sys.executable, "-m", "sanctionsim", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )
