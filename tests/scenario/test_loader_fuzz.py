"""Random and mutated YAML: the loader returns a scenario or a located error, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario.library import case_path
from sanctionsim.scenario.loader import load_text
from sanctionsim.scenario.schema import Scenario

ARGENTINA = case_path("argentina-1982")
assert ARGENTINA is not None
LINES = ARGENTINA.read_text(encoding="utf-8").splitlines()
TOKENS = [
    "",
    " ",
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a",
    "*a",
    "!!str",
    "!!python/name:os.system",
    "1e309",
    "-1",
    "2.5",
    "0x1F",
    "null",
    "~",
    "true",
    "2014-02-30",
    "'",
    '"',
    "#",
    "|",
    ">",
    "\t",
    "...",
    "---",
    "%YAML 1.2",
    "<<: *a",
    "\\u0000",
    "é",
    "\ufeff",
    "?",
]


def check(text: str) -> None:
    problems = ()
    try:
        result = load_text(text, "fuzz.yaml")
    except ScenarioError as error:
        problems = error.problems
        assert problems, "an error without a located problem"
    else:
        assert isinstance(result, Scenario)
    for problem in problems:
        assert problem.file == "fuzz.yaml"
        assert problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    check(text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "indent"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "indent":
            lines[index] = draw(st.sampled_from(["  ", "", "\t"])) + lines[index].lstrip()
        else:
            token = draw(st.sampled_from(TOKENS))
            line = lines[index]
            cut = draw(st.integers(0, len(line)))
            if action == "insert":
                lines[index] = line[:cut] + token + line[cut:]
            else:
                lines[index] = line[:cut] + token
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_case_file(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(max_size=8),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_structured_garbage_as_json_flow_yaml(value: object) -> None:
    import json

    check(json.dumps({"schema_version": 1, "id": "x", "actors": value}))
