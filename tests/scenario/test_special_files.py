"""Paths that are not regular files (devices, FIFOs) are refused at once, never read or waited on.

``/dev/zero`` reports a size of 0 and never ends; a FIFO blocks ``open`` until a writer comes.
Every file the command line reads (scenario, spec, policy, a scenario named in a spec) goes
through one reader that refuses both, and that never reads more than the size limit plus one
byte whatever ``st_size`` says.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from sanctionsim.errors import ScenarioError
from sanctionsim.experiments.policies import load_policy
from sanctionsim.experiments.spec import load_spec
from sanctionsim.scenario import yaml_source
from sanctionsim.scenario.loader import load_scenario
from support import run_sanctionsim as sanctionsim

LOCATED = re.compile(r"^error: [^:\n]+(:\d+:\d+)?: .+$")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def _refused(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines
    assert all(LOCATED.match(line) for line in lines), lines
    assert any(fragment in line for line in lines), lines


@pytest.mark.parametrize("loader", [load_scenario, load_spec, load_policy])
def test_dev_zero_is_refused_by_every_loader(loader: object) -> None:
    with pytest.raises(ScenarioError, match="character device, not a regular file"):
        loader(Path("/dev/zero"))  # type: ignore[operator]


@pytest.mark.parametrize("loader", [load_scenario, load_spec, load_policy])
def test_a_fifo_is_refused_without_waiting_for_a_writer(loader: object, fifo: Path) -> None:
    with pytest.raises(ScenarioError, match=r"FIFO .*not a regular file"):
        loader(fifo)  # type: ignore[operator]


def test_the_reader_never_trusts_st_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A regular file whose size reads 0 (as /proc files do) is still cut at the limit + 1."""
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"a: 1\n" * (yaml_source.MAX_FILE_BYTES // 5 + 10))
    real_fstat = os.fstat
    reads: list[int] = []
    real_read = os.read

    def zero_size(descriptor: int) -> os.stat_result:
        stat = real_fstat(descriptor)
        return os.stat_result((*stat[:6], 0, *stat[7:]))

    def counted(descriptor: int, size: int) -> bytes:
        chunk = real_read(descriptor, size)
        reads.append(len(chunk))
        return chunk

    monkeypatch.setattr(yaml_source.os, "fstat", zero_size)
    monkeypatch.setattr(yaml_source.os, "read", counted)
    with pytest.raises(ScenarioError, match="larger than 2 MiB"):
        yaml_source.read_text(path)
    assert sum(reads) == yaml_source.MAX_FILE_BYTES + 1


def test_check_refuses_dev_zero_and_a_fifo(fifo: Path) -> None:
    _refused(sanctionsim("check", "/dev/zero", timeout=60), "not a regular file")
    _refused(sanctionsim("check", str(fifo), timeout=60), "not a regular file")


def test_experiment_refuses_special_spec_scenario_and_policy_paths(
    tmp_path: Path, fifo: Path
) -> None:
    _refused(
        sanctionsim("experiment", "/dev/zero", "--out", "o", cwd=tmp_path, timeout=60),
        "/dev/zero: is a character device",
    )
    _refused(
        sanctionsim("experiment", str(fifo), "--out", "o", cwd=tmp_path, timeout=60),
        "is a FIFO",
    )
    for field, value in (
        ("scenarios", ["/dev/zero"]),
        ("scenarios", [str(fifo)]),
        ("policies", ["baseline", "/dev/zero"]),
        ("policies", ["baseline", str(fifo)]),
    ):
        spec = tmp_path / "spec.yaml"
        base = {"scenarios": ["dprk-2014"], "runs": 1024, "horizon": 3}
        spec.write_text(json.dumps({**base, field: value}))
        result = sanctionsim("experiment", str(spec), "--out", "o", cwd=tmp_path, timeout=60)
        _refused(result, "not a regular file")


def test_simulate_refuses_a_fifo_policy(fifo: Path) -> None:
    result = sanctionsim(
        "simulate", "dprk-2014", "--runs", "1024", "--policy", str(fifo), timeout=60
    )
    _refused(result, "not a regular file")
