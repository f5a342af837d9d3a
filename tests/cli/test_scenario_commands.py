"""The command line as a user meets it: real processes, exit statuses, stdout and stderr."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from sanctionsim.scenario.library import case_path
from support import run_sanctionsim as sanctionsim

LOCATED = re.compile(r"^error: [^:\n]+(:\d+:\d+)?: .+$")


def assert_bad_input(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, "no message on stderr"
    assert all(LOCATED.match(line) for line in lines), lines
    assert any(fragment in line for line in lines), lines


def test_show_answers_the_dated_question_in_json() -> None:
    result = sanctionsim("show", "dprk-2014", "--at", "2014-07-05", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    japan = {m["id"]: m for m in document["measures"] if m["imposer"] == "JPN"}
    assert japan["jpn-entry-ban"]["status"] == "suspended"
    assert japan["jpn-entry-ban"]["since"] == "2014-07-04"
    assert japan["jpn-mgb92-port-ban"]["status"] == "in force"
    assert japan["jpn-dprk-ship-port-ban"]["level"] == 0.8
    later = json.loads(sanctionsim("show", "dprk-2014", "--at", "2016-03-01", "--json").stdout)
    japan_2016 = {m["id"]: m for m in later["measures"] if m["imposer"] == "JPN"}
    assert japan_2016["jpn-entry-ban"]["level"] == 1.0
    assert "jpn-remittance-ban" in japan_2016


def test_show_prints_a_table_grouped_by_imposer() -> None:
    result = sanctionsim("show", "dprk-2014", "--at", "2014-07-05")
    assert result.returncode == 0, result.stderr
    assert "jpn-entry-ban" in result.stdout
    assert "suspended" in result.stdout
    assert "unsc:2094" in result.stdout


def test_cases_and_schema_and_check() -> None:
    cases = json.loads(sanctionsim("cases", "--json").stdout)["cases"]
    assert {"dprk-2014", "argentina-1982"} <= {c["id"] for c in cases}
    schema = json.loads(sanctionsim("schema").stdout)
    assert schema["title"] == "sanctionsim scenario"
    path = case_path("dprk-2014")
    assert path is not None
    checked = sanctionsim("check", str(path))
    assert checked.returncode == 0
    assert checked.stdout.startswith("ok: ")


def test_run_prints_the_default_case_summary(tmp_path: Path) -> None:
    result = sanctionsim("run", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "dprk-2014" in result.stdout
    assert "analyst estimates" in result.stdout


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    path = case_path("dprk-2014")
    assert path is not None
    good = path.read_text(encoding="utf-8")
    texts = {
        "syntax": "id: x\nactors: [1, 2\n",
        "type": good.replace("horizon_months: 36", "horizon_months: many"),
        "unknown": good.replace("    kind: shipping\n", "    sort: shipping\n", 1),
        "dangling": good.replace("    imposer: KOR\n", "    imposer: ROK\n", 1),
        "dates": good.replace("    lifted: 2008-10-11", "    lifted: 1980-10-11"),
        "probability": good.replace(
            "{dist: triangular, low: 0.6, mode: 0.85, high: 0.98}",
            "{dist: triangular, low: 0.6, mode: 0.85, high: 1.2}",
        ),
        "bomb": "a: &a [x,x,x,x,x,x,x,x,x]\n"
        + "".join(
            f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n"
            for p, n in zip("abcdefg", "bcdefgh", strict=True)
        ),
    }
    files = {}
    for name, text in texts.items():
        files[name] = folder / f"{name}.yaml"
        files[name].write_text(text, encoding="utf-8")
    files["binary"] = folder / "binary.yaml"
    files["binary"].write_bytes(bytes(range(256)) * 8)
    files["empty"] = folder / "empty.yaml"
    files["empty"].write_bytes(b"")
    files["huge"] = folder / "huge.yaml"
    with files["huge"].open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    files["directory"] = folder / "a-directory"
    files["directory"].mkdir()
    files["missing"] = folder / "missing.yaml"
    return files


EXPECTED = {
    "syntax": "invalid YAML",
    "type": "horizon_months: input should be a valid integer",
    "unknown": "unknown key 'sort'",
    "dangling": "imposer 'ROK' is not an actor",
    "dates": "is not after imposed",
    "probability": "observation.detection: a probability must lie in [0.0, 1.0]",
    "bomb": "alias bomb",
    "binary": "binary file",
    "empty": "file is empty",
    "huge": "MiB; scenario files are limited",
    "directory": "is a directory",
    "missing": "no such file",
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
@pytest.mark.parametrize("command", ["show", "check"])
def test_bad_input_exits_2_with_a_located_message(
    bad_files: dict[str, Path], case: str, command: str
) -> None:
    assert_bad_input(sanctionsim(command, str(bad_files[case])), EXPECTED[case])


def test_unknown_case_id_and_bad_date() -> None:
    assert_bad_input(sanctionsim("show", "atlantis-2030"), "not a built-in case")
    assert_bad_input(sanctionsim("show", "dprk-2014", "--at", "July 2014"), "expected a date")
    assert_bad_input(sanctionsim("show", "dprk-2014", "--at", "2014-02-30"), "expected a date")


def test_json_output_is_one_document_and_nothing_else() -> None:
    result = sanctionsim("show", "argentina-1982", "--json")
    assert result.returncode == 0
    json.loads(result.stdout)  # the whole of stdout parses
    assert result.stderr == ""
