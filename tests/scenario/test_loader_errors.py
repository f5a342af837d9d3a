"""Bad input: every problem is a located ScenarioError, never another exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario.library import case_path
from sanctionsim.scenario.loader import load_scenario, load_text

DPRK = case_path("dprk-2014")
assert DPRK is not None
GOOD = DPRK.read_text(encoding="utf-8")
LOCATED = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<path>[\w.\[\]-]+): (?P<msg>.+)$"
)


def problems_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "case.yaml")
    return [str(p) for p in caught.value.problems]


def mutate(old: str, new: str, count: int = 1) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


def test_the_built_in_case_is_valid() -> None:
    assert load_text(GOOD, "dprk.yaml").id == "dprk-2014"


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("horizon_months: 36", "horizon_months: thirty", "horizon_months", "valid integer"),
        ("    kind: shipping\n", "    knd: shipping\n", "measures[10].knd", "unknown key 'knd'"),
        (
            "    imposer: KOR\n",
            "    imposer: ROK\n",
            "measures[22].imposer",
            "'ROK' is not an actor",
        ),
        ("    level: 0.5\n", "    level: 1.5\n", "measures[17].level", "less than or equal to 1"),
        ("    lifted: 2008-10-11", "    lifted: 1980-10-11", "measures[24].lifted", "not after"),
        ("imposed: 2009-06-16", "imposed: 2009-02-30", "measures[14].imposed", "impossible date"),
        (
            "{dist: triangular, low: 0.01, mode: 0.03, high: 0.08}",
            "{dist: triangular, low: 0.01, mode: 0.03, high: 1.8}",
            "measures[1].pressure",
            "a share must lie in [0.0, 1.0]",
        ),
        (
            "- {measure: jpn-mgb92-port-ban, to_level: 0.0}",
            "- {measure: jpn-mgb-port-ban, to_level: 0.0}",
            "side_deals[0].stages[1].member_eases[0].measure",
            "unknown measure 'jpn-mgb-port-ban'",
        ),
        (
            "- {measure: jpn-charter-flight-ban, to_level: 0.0}",
            "- {measure: jpn-un-asset-freeze, to_level: 0.0}",
            "side_deals[0].stages[1].member_eases[1].measure",
            "unilateral_only",
        ),
        ("sources: [un-sc-8778]\n", "sources: [un-sc-9999]\n", "sources[0]", "unknown source"),
        ("start: 2014-07-04", "start: 2014-07-04\nstart: 2014-07-05", "start", "duplicate key"),
        (
            "    analyst_estimate: true\n",
            "    analyst_estimate: yes\n",
            "analyst_estimate",
            "boolean",
        ),
    ],
)
def test_each_bad_field_is_located(old: str, new: str, path: str, message: str) -> None:
    problems = problems_of(mutate(old, new))
    matching = [p for p in problems if path in p and message in p]
    assert matching, problems
    parsed = LOCATED.match(matching[0])
    assert parsed is not None, matching[0]
    line = int(parsed["line"])
    # the reported line really holds the offending text (or, for a missing key, its mapping)
    text_line = mutate(old, new).splitlines()[line - 1]
    assert path.rsplit(".", 1)[-1].split("[")[0] in text_line or new.strip()[:12] in text_line


def test_an_analyst_estimate_without_a_range_is_refused() -> None:
    text = mutate(
        "  resolve:\n    distribution: {dist: triangular, low: 0.35, mode: 0.6, high: 0.9}\n",
        "  resolve:\n    value: 0.6\n",
    )
    assert any(
        "must carry a distribution" in p and "target.resolve" in p for p in problems_of(text)
    )


def test_value_outside_its_distribution_is_refused() -> None:
    text = mutate(
        "    value: 0.0\n      distribution: {dist: uniform, low: 0.0, high: 0.01}",
        "    value: 0.5\n      distribution: {dist: uniform, low: 0.0, high: 0.01}",
    )
    assert any("actors[0].trade_share" in p and "outside" in p for p in problems_of(text))


def test_unparsable_yaml_gives_line_and_column() -> None:
    (problem,) = problems_of("id: x\nactors: [1, 2\n")
    assert re.match(r"case\.yaml:3:1: invalid YAML", problem), problem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("- a\n- b\n", "mapping of fields at top level"),
        ("x: !!python/object/apply:os.system ['true']\n", "not allowed"),
        ("a: &x 1\n<<: {b: 2}\n", "merge keys"),
        ("a: .nan\n", "non-finite"),
        ("[" * 100 + "]" * 100, "nesting deeper"),
    ],
)
def test_hostile_or_odd_text(text: str, message: str) -> None:
    assert any(message in p for p in problems_of(text))


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    (problem,) = problems_of("\n".join(lines) + "\n")
    assert "alias bomb" in problem


def test_files_that_are_not_scenarios(tmp_path: Path) -> None:
    cases = {
        "missing.yaml": None,
        "folder.yaml": "dir",
        "binary.yaml": b"\x00\x01\x02YAML",
        "latin1.yaml": "caf\xe9: 1\n".encode("latin-1"),
        "empty.yaml": b"",
    }
    expected = {
        "missing.yaml": "no such file",
        "folder.yaml": "is a directory",
        "binary.yaml": "binary file",
        "latin1.yaml": "not UTF-8",
        "empty.yaml": "file is empty",
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content == "dir":
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        assert expected[name] in str(caught.value), (name, str(caught.value))
        assert str(caught.value).startswith(str(path))


def test_a_50_megabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    with pytest.raises(ScenarioError, match=r"50\.0 MiB; scenario files are limited"):
        load_scenario(path)


def test_unknown_case_id_lists_the_cases() -> None:
    with pytest.raises(ScenarioError, match=r"not a built-in case .*dprk-2014"):
        load_scenario("atlantis-2030")
