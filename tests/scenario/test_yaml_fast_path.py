"""libyaml reads the built-in library; the pure reader reads users' files and explains errors.

``history`` reads all 85 built-in cases on every call, and ruamel's pure-Python scanner took nine
tenths of that time. A built-in case is now composed by libyaml (ruamel.yaml.clib, under ruamel's
own YAML 1.2 resolver) when the limits admit it and libyaml reads it without error, and by the
pure reader otherwise. These tests hold the two readers to the same result.
"""

from __future__ import annotations

import pytest

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario import yaml_source
from sanctionsim.scenario.library import case_ids, case_path
from sanctionsim.scenario.yaml_source import parse_library_yaml, parse_yaml


@pytest.mark.parametrize("case_id", case_ids())
def test_both_readers_give_the_same_values_and_positions(case_id: str) -> None:
    path = case_path(case_id)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert yaml_source._compose_in_c(text) is not None  # libyaml is the reader taken
    fast = parse_library_yaml(text, case_id)
    pure = parse_yaml(text, case_id)
    assert fast.data == pure.data
    assert fast.positions == pure.positions
    assert fast.key_positions == pure.key_positions


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\nb: NO\nc: 1_000\nd: 0o17\ne: 1:20\nf: 2014-05-29\ng: ~\nh: .5\n",
        "a: &x [1, 2]\nb: *x\n",
        "'quoted': \"1\"\nplain: 1e3\n",
    ],
)
def test_yaml_1_2_resolution_is_the_same_on_both_readers(text: str) -> None:
    """YAML 1.1 readers turn NO into false and 1:20 into 80; ruamel's 1.2 resolver must hold."""
    assert yaml_source._compose_in_c(text) is not None
    fast = parse_library_yaml(text, "x.yaml")
    pure = parse_yaml(text, "x.yaml")
    assert (fast.data, fast.positions) == (pure.data, pure.positions)


def test_a_yaml_directive_is_left_to_the_pure_reader() -> None:
    """``%YAML 1.1`` makes ruamel read ``yes`` as true; libyaml's composer would not ask."""
    text = "%YAML 1.1\n---\na: yes\n"
    assert yaml_source._compose_in_c(text) is None
    assert parse_library_yaml(text, "x.yaml").data == {"a": True}


def test_a_deeply_nested_file_never_reaches_the_c_composer() -> None:
    """libyaml's composer recurses in C, without Python's guard: nesting is counted on the event
    stream first, and the pure reader gives the located refusal."""
    text = "a: " + "[" * 50_000 + "]" * 50_000 + "\n"
    assert yaml_source._compose_in_c(text) is None
    with pytest.raises(ScenarioError) as caught:
        parse_library_yaml(text, "deep.yaml")
    assert "nesting deeper than 64 levels" in str(caught.value.problems[0])


def test_a_file_libyaml_cannot_read_gets_the_pure_readers_words() -> None:
    text = "a: 1\n  b: 2\n"
    assert yaml_source._compose_in_c(text) is None
    with pytest.raises(ScenarioError) as fast:
        parse_library_yaml(text, "bad.yaml")
    with pytest.raises(ScenarioError) as pure:
        parse_yaml(text, "bad.yaml")
    assert [str(p) for p in fast.value.problems] == [str(p) for p in pure.value.problems]
    assert str(fast.value.problems[0]).startswith("bad.yaml:2:")
