"""``migrate`` upgrades a v1 file as written; ``check`` warns (exit 0), ``--strict`` fails."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sanctionsim.scenario.loader import load_file
from sanctionsim.versions import DEFAULT
from support import run_sanctionsim as sanctionsim

CORPUS = Path(__file__).resolve().parents[1] / "scenario" / "corpus_v1"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WARNING = re.compile(r"^warning: [^:\n]+:\d+:\d+: \S+: .+$")


def test_migrate_in_place_keeps_comments_makes_a_backup_and_says_what_changed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "libya.yaml"
    shutil.copy(CORPUS / "libya-1992.yaml", path)
    original = path.read_text(encoding="utf-8")
    result = sanctionsim("migrate", str(path))
    assert result.returncode == 0, result.stderr
    assert "schema_version: 1 -> 2" in result.stdout
    backup = tmp_path / "libya.yaml.v1.bak"
    assert backup.read_text(encoding="utf-8") == original
    migrated = path.read_text(encoding="utf-8")
    assert migrated == original.replace("schema_version: 1\n", "schema_version: 2\n", 1)
    assert "# UN sanctions on Libya over Lockerbie" in migrated
    again = sanctionsim("migrate", str(path))
    assert again.returncode == 0
    assert again.stdout.startswith("already current: ")
    assert not (tmp_path / "libya.yaml.v2.bak").exists()


def test_migrate_to_another_file_leaves_the_original_alone(tmp_path: Path) -> None:
    source = tmp_path / "minimal.yaml"
    shutil.copy(EXAMPLES / "minimal-scenario.yaml", source)
    out = tmp_path / "out" / "minimal-v2.yaml"
    result = sanctionsim("migrate", str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"-> {out}" in result.stdout
    assert load_file(out).schema_version == 2
    assert load_file(source).schema_version == 1
    assert not list(tmp_path.glob("*.bak"))


def test_migrate_refuses_invalid_files_and_two_files_with_one_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (EXAMPLES / "minimal-scenario.yaml")
        .read_text(encoding="utf-8")
        .replace("kind: finance", "kind: finnace"),
        encoding="utf-8",
    )
    result = sanctionsim("migrate", str(bad))
    assert result.returncode == 2
    assert re.search(r"^error: .*bad\.yaml:\d+:\d+: measures\[0\]\.kind: ", result.stderr, re.M)
    assert "Traceback" not in result.stderr
    assert "schema_version: 1" in bad.read_text(encoding="utf-8")
    two = sanctionsim("migrate", str(bad), str(bad), "-o", str(tmp_path / "x.yaml"))
    assert two.returncode == 2
    assert "-o takes one FILE" in two.stderr


def test_check_warns_with_locations_exit_0_and_strict_exit_2() -> None:
    example = str(EXAMPLES / "forms-v2.yaml")
    result = sanctionsim("check", example)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines
    assert all(WARNING.match(line) for line in lines), lines
    # the default version's reading (v2n since 2026-12-04): it reads lock_in, not settlements
    assert not any("measures[2].lock_in:" in x for x in lines)
    assert any(f"settlements: model {DEFAULT} does not read" in x for x in lines)
    strict = sanctionsim("check", "--strict", example)
    assert strict.returncode == 2
    assert strict.stderr == result.stderr


@pytest.mark.parametrize("case", ["libya-1992", "yugoslavia-1992"])
def test_strict_check_passes_a_case_without_warnings(case: str) -> None:
    result = sanctionsim("check", "--strict", str(CORPUS / f"{case}.yaml"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
