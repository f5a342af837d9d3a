"""Load a scenario from a YAML file or a built-in case id, with located errors.

Three passes, each reporting every problem it finds as ``FILE:LINE:COL: field.path: message``:
safe YAML composition with limits (:mod:`.yaml_source`), the schema (:mod:`.schema`), and the
cross-field checks (:mod:`.checks`).

>>> from sanctionsim.scenario.loader import load_scenario
>>> load_scenario("dprk-2014").target.actor
'PRK'
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sanctionsim.errors import Problem, ScenarioError
from sanctionsim.scenario import library
from sanctionsim.scenario.checks import check_scenario
from sanctionsim.scenario.hints import DATE_FORMAT, did_you_mean
from sanctionsim.scenario.schema import Scenario
from sanctionsim.scenario.yaml_source import (
    Located,
    PathKey,
    magnitude_problems,
    parse_library_yaml,
    parse_yaml,
    read_text,
)

M = TypeVar("M", bound=BaseModel)


def load_scenario(reference: str | Path) -> Scenario:
    """Load a scenario from a file path or a built-in case id (``dprk-2014``).

    A path that exists wins over a case id of the same name. Raises
    :class:`~sanctionsim.errors.ScenarioError` with every located problem.
    """
    if names_a_file(reference):
        return load_file(Path(reference))
    case_path = library.case_path(str(reference))
    if case_path is None:
        cases = ", ".join(library.case_ids())
        hint = did_you_mean(str(reference), library.case_ids())
        raise ScenarioError.single(
            str(reference),
            f"no such file, and not a built-in case (built-in cases: {cases}){hint}",
        )
    stat = case_path.stat()
    return _load_built_in(case_path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=128)
def _load_built_in(case_path: Path, _mtime_ns: int, _size: int) -> Scenario:
    """A built-in case, parsed once per process while its file is unchanged (the scenario is
    frozen, so sharing it is safe): ``history`` reads every case twice, to forecast it and to
    train the references, and parsing is most of a case's load time."""
    display = f"<case {case_path.stem}>/{case_path.name}"
    return validate_data(parse_library_yaml(read_text(case_path, display), display))


def names_a_file(reference: str | Path) -> bool:
    """Whether :func:`load_scenario` reads ``reference`` as a file (else as a built-in id)."""
    path = Path(reference)
    return path.exists() or isinstance(reference, Path) or _looks_like_path(str(reference))


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith((".yaml", ".yml", ".json"))


def load_file(path: Path, display: str | None = None) -> Scenario:
    """Load and validate one scenario file."""
    name = display or str(path)
    return load_text(read_text(path, name), name)


def load_text(text: str, file: str = "<string>") -> Scenario:
    """Parse and validate scenario text; ``file`` names it in error messages."""
    located = parse_yaml(text, file)
    return validate_data(located)


def validate_data(located: Located) -> Scenario:
    """Validate located YAML data as a scenario, then check it as a whole."""
    scenario, too_large = validate_as(
        Scenario, located, "a scenario", also=checks_on_what_validated
    )
    if too_large:
        raise ScenarioError(too_large)
    findings = check_scenario(scenario)
    if findings:
        raise ScenarioError([located.problem(path, message) for path, message in findings])
    return scenario


MAX_REPAIRS = 10
"""Schema errors beyond which the cross-field checks wait for the next run (see below)."""
_DELETE = object()
_PLACEHOLDERS: tuple[Any, ...] = (
    _DELETE,
    0.5,
    {"value": 0.5},
    0.0,
    1.0,
    dt.date(2000, 1, 1),
    "placeholder",
    [],
    {},
)


def checks_on_what_validated(error: ValidationError, located: Located) -> list[Problem]:
    """The cross-field problems of a file that fails the schema, so that one run reports them all.

    Each field the schema refused is set aside (its key removed when it has a default, or a
    neutral placeholder put in its place), the rest is validated and checked as a whole, and the
    findings that could come from a set-aside field are dropped: those in the same list item or
    under it, or above it (a total over a list). With a refused ``id`` or top-level value (such
    as ``start``), or more than :data:`MAX_REPAIRS` refused fields, nothing is checked: the
    findings could mislead.
    """
    paths: dict[PathKey, list[Any]] = {}
    for item in error.errors(include_url=False):
        path = _data_path(item["loc"], located.data, item["type"])
        paths.setdefault(path, []).append(item)
    if not paths or len(paths) > MAX_REPAIRS or any(_pivotal(p, located.data) for p in paths):
        return []
    data = copy.deepcopy(located.data)
    for path in sorted(paths, key=len, reverse=True):
        candidates = [*_siblings(located.data, path), *_choices(paths[path]), *_PLACEHOLDERS]
        if not _set_aside(data, path, candidates):
            return []
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError:
        return []
    return [
        located.problem(path, message)
        for path, message in check_scenario(scenario)
        if not any(_related(path, refused) for refused in paths)
    ]


def _pivotal(path: PathKey, data: Any) -> bool:
    """A refused field that other fields are checked against (an id, or a top-level value such
    as ``start``): a placeholder in its place would make the checks mislead."""
    if not path or path[-1] == "id":
        return True
    return len(path) == 1 and not isinstance(_value_at(data, path), dict | list)


def _siblings(data: Any, path: PathKey) -> list[Any]:
    """The values other items of the same list give the same field (valid ones, most likely)."""
    for index in range(len(path) - 1, -1, -1):
        if isinstance(path[index], int):
            items = _value_at(data, path[:index])
            rest = path[index + 1 :]
            found = [_value_at(item, rest) for n, item in enumerate(items) if n != path[index]]
            return [value for value in found[:3] if value is not None]
    return []


def _choices(items: list[Any]) -> list[Any]:
    """The first choice a refused literal lists (pydantic's ``expected`` context)."""
    import re

    out = []
    for item in items:
        expected = str((item.get("ctx") or {}).get("expected", ""))
        first = re.match(r"'([^']*)'", expected)
        if first:
            out.append(first[1])
    return out


def _set_aside(data: Any, path: PathKey, candidates: list[Any]) -> bool:
    """Replace the value at ``path`` so that the schema accepts it; False when nothing does."""
    parent = _value_at(data, path[:-1])
    key = path[-1]
    if not isinstance(parent, dict | list) or (isinstance(parent, list) and key == len(parent)):
        return False
    had = isinstance(parent, dict) and key in parent
    original = parent[key] if had or isinstance(parent, list) else None  # type: ignore[index]
    for candidate in candidates:
        if candidate is _DELETE:
            if not isinstance(parent, dict):
                continue
            parent.pop(key, None)
        else:
            parent[key] = copy.deepcopy(candidate)  # type: ignore[index]
        try:
            Scenario.model_validate(data)
            return True
        except ValidationError as again:
            stuck = any(
                _data_path(i["loc"], data, i["type"])[: len(path)] == path
                for i in again.errors(include_url=False)
            )
            if not stuck:
                return True
    if had or isinstance(parent, list):
        parent[key] = original
    return False


def _related(finding: PathKey, refused: PathKey) -> bool:
    """Whether a finding at ``finding`` may come from a placeholder at ``refused``."""
    if finding[: len(refused)] == refused or refused[: len(finding)] == finding:
        return True
    item = 2 if len(refused) >= 2 and isinstance(refused[1], int) else 1
    return finding[:item] == refused[:item]


MAX_PROBLEMS = 200
"""Problems reported per file; beyond it one last line says how many more there are."""


def validate_as(
    model: type[M],
    located: Located,
    noun: str,
    *,
    under: PathKey = (),
    also: Callable[[ValidationError, Located], list[Problem]] | None = None,
) -> tuple[M, list[Problem]]:
    """A YAML file's data validated as ``model`` (a scenario, a policy, an experiment spec), with
    the numbers under ``under`` that are too large, for the caller to report with its own checks.

    Raises:
        ScenarioError: the data is not a mapping (``noun``: "a scenario" names it), or the schema
            refuses it: every too-large number, then every schema problem, then ``also``'s
            problems, each located.
    """
    if not isinstance(located.data, dict):
        raise ScenarioError([located.problem((), f"{noun} is a mapping of fields at top level")])
    too_large = magnitude_problems(located, under)
    try:
        value = model.model_validate(located.data)
    except ValidationError as error:
        more = also(error, located) if also is not None else []
        raise ScenarioError([*too_large, *schema_problems(error, located), *more]) from None
    return value, too_large


def schema_problems(error: ValidationError, located: Located) -> list[Problem]:
    """Turn pydantic's errors into located problems: one per field, union noise removed.

    Linear in the number of errors (paths are indexed, not compared pairwise), and messages are
    composed for the first :data:`MAX_PROBLEMS` fields only, then ``… and N more problems``.
    """
    by_path: dict[PathKey, list[dict[str, Any]]] = {}
    for item in error.errors(include_url=False):
        path = _data_path(item["loc"], located.data, item["type"])
        by_path.setdefault(path, []).append(dict(item))
    # A union field given as a mapping fails both as a number (here) and as an estimate
    # (deeper); the deeper errors say what is wrong, so the shallow "not a number" goes.
    prefixes = {path[:end] for path in by_path for end in range(len(path))}
    for path in list(by_path):
        if path in prefixes and all(i["type"] in _SCALAR_TYPES for i in by_path[path]):
            del by_path[path]
    problems: list[Problem] = []
    for done, (path, items) in enumerate(by_path.items()):
        if len(problems) >= MAX_PROBLEMS:
            more = len(by_path) - done
            problems.append(
                Problem(located.file, None, None, "", f"\u2026 and {more} more problems")
            )
            break
        value = _value_at(located.data, path)
        for message in _best_messages(items, value, located.data, path):
            problems.append(located.problem(path, message))
    return problems


_SCALAR_TYPES = {"float_type", "int_type", "float_parsing", "int_parsing"}
_MAPPING_TYPES = {"model_type", "dict_type"}


def _data_path(loc: tuple[Any, ...], data: Any, kind: str) -> PathKey:
    """Keep the parts of pydantic's location that walk the data; drop union and tag labels."""
    path: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        walks_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        walks_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if walks_dict or walks_list:
            path.append(part)
            node = node[part]
        elif last and kind == "missing" and isinstance(part, str):
            path.append(part)
    return tuple(path)


def _value_at(data: Any, path: PathKey) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _best_messages(items: list[dict[str, Any]], value: Any, data: Any, path: PathKey) -> list[str]:
    """Choose what to say about one field when a union produced several errors."""
    kinds = {i["type"] for i in items}
    if kinds & _SCALAR_TYPES and kinds & _MAPPING_TYPES and not isinstance(value, dict | list):
        return [
            f"expected a number or an estimate (value, distribution, ...); got {_describe(value)}"
        ]
    if isinstance(value, dict):
        kept = [i for i in items if i["type"] not in _SCALAR_TYPES]
    elif isinstance(value, int | float) and not isinstance(value, bool):
        kept = [i for i in items if i["type"] not in _MAPPING_TYPES]
    else:
        kept = items
    kept = kept or items
    messages: list[str] = []
    for item in kept:
        message = _message(item, data, path)
        if message not in messages:
            messages.append(message)
    if len(messages) > 1 and all(i["type"].endswith("_type") for i in kept):
        return [" or ".join(messages).replace(" or input should be", " or")]
    return messages


def _message(item: dict[str, Any], data: Any, path: PathKey) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        key = path[-1] if path else "?"
        parent = _value_at(data, path[:-1])
        allowed = _allowed_keys(item, parent)
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        suffix = f"; did you mean {hint[0]!r}?" if hint else ""
        return f"unknown key {key!r}{suffix}"
    if kind == "missing":
        return "required field is missing"
    message = str(item["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    if kind in {"float_type", "int_type", "bool_type", "string_type", "date_type", "list_type"}:
        message += f" (got {_describe(item.get('input'))})"
    if kind.startswith("date_"):
        message += DATE_FORMAT
    return message[0].lower() + message[1:] if message else kind


def _allowed_keys(item: dict[str, Any], parent: Any) -> list[str]:
    # pydantic does not list the allowed keys; the close-match hint draws on the field names
    # of every model, which is enough to catch a typo.
    return list(_field_names())


@functools.cache
def _field_names() -> tuple[str, ...]:
    from pydantic import BaseModel

    from sanctionsim.scenario import schema

    names: set[str] = set()
    for model in vars(schema).values():
        if isinstance(model, type) and issubclass(model, BaseModel):
            names.update(model.model_fields)
    return tuple(sorted(names))


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"text {value!r}" if len(value) < 40 else "text"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return repr(value)


def load_file_with_warnings(path: Path) -> tuple[Scenario, list[Problem]]:
    """Load one scenario file; also return its located warnings (valid, but probably not meant).

    Raises:
        ScenarioError: every located problem, as :func:`load_file`.
    """
    from sanctionsim.scenario.checks import scenario_warnings

    located = parse_yaml(read_text(path, str(path)), str(path))
    scenario = validate_data(located)
    return scenario, [located.problem(at, message) for at, message in scenario_warnings(scenario)]
