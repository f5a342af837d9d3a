"""Read YAML safely into plain Python data, remembering where every value came from.

Only the YAML *composer* is used: it turns text into a node graph without constructing any
object, so no tag can run code. We then build plain ``dict``/``list``/scalars ourselves, record
each value's line and column under its path, and enforce limits against hostile files:
file size, nesting depth and the number of nodes after alias expansion (a "billion laughs"
alias bomb composes into a few nodes but expands exponentially; we count expansions and stop).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanctionsim.errors import Problem, ScenarioError

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 20_000  # five times the largest built-in case (dprk-2014: about 4,000 values)
MAX_MAGNITUDE = 1e12
"""The largest magnitude a number in a scenario, policy or spec grid may have.

Utilities are on an interval scale the analyst chooses (1 U = USD 10 million per month in the
built-in cases), so a bound costs nothing: rescale the unit. It keeps every sum, product and
discounted total of the model far from float overflow (``1.7e308`` would overflow the first
addition). An unbounded log-normal must keep its 1-in-10^12 upper tail,
``median * exp(7.03 * sigma)``, within the bound too.
"""
_LOGNORMAL_TAIL_Z = 7.034  # the standard normal's upper 1e-12 quantile

PathKey = tuple[str | int, ...]

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Located:
    """Plain data read from YAML plus the 1-based (line, column) of every path in it."""

    data: Any
    file: str
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: PathKey) -> tuple[int | None, int | None]:
        """Position of ``path``, or of its closest recorded ancestor."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if end == len(path) and prefix in self.key_positions:
                return self.key_positions[prefix]
            if prefix in self.positions:
                return self.positions[prefix]
        return None, None

    def problem(self, path: PathKey, message: str) -> Problem:
        """A located problem at ``path``."""
        line, column = self.where(path)
        return Problem(self.file, line, column, dotted(path), message)


def dotted(path: PathKey) -> str:
    """Render a path as ``measures[3].level``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def read_text(path: Path, display: str | None = None) -> str:
    """Read a scenario file as UTF-8 text, refusing what is not a small regular text file.

    Devices (``/dev/zero`` reports size 0 and never ends) and FIFOs (``open`` blocks until a
    writer comes) are refused from ``fstat`` of a non-blocking descriptor, and at most
    ``MAX_FILE_BYTES + 1`` bytes are ever read, whatever ``st_size`` says.
    """
    name = display or str(path)

    def bad(message: str) -> ScenarioError:
        return ScenarioError.single(name, message)

    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise bad("no such file") from None
    except IsADirectoryError:
        raise bad("is a directory, not a scenario file") from None
    except OSError as error:
        raise bad(f"cannot read file: {error.strerror or error}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise bad("is a directory, not a scenario file")
        if not stat.S_ISREG(mode):
            raise bad(f"is a {_kind(mode)}, not a regular file; refusing to read it")
        size = os.fstat(descriptor).st_size
        if size > MAX_FILE_BYTES:
            raise bad(
                f"file is {size / 2**20:.1f} MiB; scenario files are limited to "
                f"{MAX_FILE_BYTES / 2**20:.0f} MiB"
            )
        raw = _read_at_most(descriptor, MAX_FILE_BYTES + 1)
    except OSError as error:
        raise bad(f"cannot read file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(raw) > MAX_FILE_BYTES:
        raise bad(f"file is larger than {MAX_FILE_BYTES / 2**20:.0f} MiB, the limit")
    if not raw.strip():
        raise bad("file is empty")
    if b"\x00" in raw:
        raise bad("binary file (contains NUL bytes); expected YAML text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad(f"not UTF-8 text (invalid byte at offset {error.start})") from None


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISSOCK, "socket"),
    )
    return next((label for test, label in kinds if test(mode)), "special file")


def _read_at_most(descriptor: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``descriptor`` (fewer only at the end of the file)."""
    parts: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(descriptor, min(left, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def parse_yaml(text: str, file: str) -> Located:
    """Compose ``text`` and convert it to plain data with positions (safe: no object tags)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ScenarioError.single(file, f"text larger than {MAX_FILE_BYTES / 2**20:.0f} MiB")
    if not text.strip():
        raise ScenarioError.single(file, "file is empty")
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _counting_composer(file)
    try:
        root = yaml.compose(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        message = "invalid YAML: " + plain_yaml_problem(
            str(error.problem or error.context or ""), text, line, column
        )
        raise ScenarioError.single(file, message, line=line, column=column) from None
    except (YAMLError, RecursionError, ValueError) as error:
        raise ScenarioError.single(file, f"invalid YAML: {error}") from None
    if root is None:
        raise ScenarioError.single(file, "file holds no YAML document")
    return _located(root, file)


def _located(root: Any, file: str) -> Located:
    located = Located(data=None, file=file)
    located.data = _Builder(located).build(root, (), 0)
    return located


def parse_library_yaml(text: str, file: str) -> Located:
    """:func:`parse_yaml` for a built-in case: the same result, composed by libyaml.

    ruamel's pure-Python scanner takes about a tenth of a second a case file, and every
    ``history`` reads the whole library (135 files today). libyaml (ruamel.yaml.clib), under
    ruamel's own YAML 1.2 resolver, composes the same node graph about four times faster
    (benchmarks/bench_library_read.py); tests/scenario/test_yaml_fast_path.py checks that every
    built-in case gives the same values and positions both ways. A user's file is never read
    this way: libyaml may accept, at the edges, text the pure reader refuses, and the pure
    reader's errors are the ones explained in plain words.
    """
    root = _compose_in_c(text)
    return parse_yaml(text, file) if root is None else _located(root, file)


def _compose_in_c(text: str) -> Any:
    """The node graph of ``text`` composed by libyaml, or None when the pure reader must read it.

    None for a document the limits exclude, one libyaml cannot read, one with a ``%YAML``
    directive (only ruamel's pure resolver honours it), or when the C extension is absent. The
    limits are checked first on libyaml's event stream, produced one event at a time: the C
    composer recurses without Python's guard, so a deeply nested file must never reach it.
    """
    try:
        from _ruamel_yaml import CParser
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError
        from ruamel.yaml.events import (
            CollectionEndEvent,
            CollectionStartEvent,
            DocumentStartEvent,
            NodeEvent,
        )
    except ImportError:
        return None
    depth = nodes = 0
    try:
        events = CParser(text)
        while events.check_event():
            event = events.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            nodes += isinstance(event, NodeEvent)
            if nodes > MAX_NODES or depth > MAX_DEPTH + 1:
                return None
            if isinstance(event, DocumentStartEvent) and event.version is not None:
                return None  # a %YAML directive: only the pure resolver honours it
        yaml = YAML(typ="safe", pure=False)
        yaml.Resolver = _remembering_resolver()
        return yaml.compose(text)
    except (YAMLError, ValueError):
        return None


@functools.cache
def _remembering_resolver() -> type[Any]:
    """ruamel's YAML 1.2 resolver, answering a (kind, value, implicit) it has seen in the
    document from memory.

    ruamel finds the YAML version anew for every node, through two caught exceptions: about
    half of a case's compose time. Without a %YAML directive (which never reaches libyaml) or
    a path resolver, a node's tag depends on its kind, its text and its implicit flags alone,
    so the answer remembered is the one ruamel would give (the same Tag object for equal
    nodes, as ruamel shares its default tags; nothing here writes to a tag).
    """
    from ruamel.yaml.resolver import VersionedResolver

    class RememberingResolver(VersionedResolver):
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            known: dict[Any, Any] = self.__dict__.setdefault("_known_tags", {})
            key = (kind, value, implicit)
            if key not in known:
                known[key] = super().resolve(kind, value, implicit)
            return known[key]

    return RememberingResolver


def plain_yaml_problem(problem: str, text: str, line: int | None, column: int | None) -> str:
    """What the YAML parser's ``problem`` means, in plain words (never its own jargon).

    >>> print(plain_yaml_problem("mapping values are not allowed here", "", None, None))
    a 'key: value' where none can start: this line is indented deeper than the key above it, \
or the value above holds ': ' and needs quotes
    """
    indent = None
    if line is not None and 0 < line <= len(text.splitlines()):
        source = text.splitlines()[line - 1]
        indent = len(source) - len(source.lstrip(" "))
    spaces = "" if indent is None else f" by {indent} space{'s' if indent != 1 else ''}"
    if "'\\t'" in problem or "\t" in problem:
        return "a tab indents this line; YAML is indented with spaces only"
    if problem.startswith("expected <block end>"):
        if "<scalar>" in problem:
            return (
                "text where a new key or list item should start: a quote opened above may "
                "not be closed, or this line is indented wrongly"
            )
        return (
            f"this line is indented{spaces}, which lines it up with nothing above it: keys of "
            "one mapping and items of one list start in the same column"
        )
    if problem.startswith("mapping values are not allowed"):
        return (
            "a 'key: value' where none can start: this line is indented deeper than the key "
            "above it, or the value above holds ': ' and needs quotes"
        )
    if problem.startswith("could not find expected ':'"):
        return "a line of a mapping without ': ' after its key (or a line indented wrongly)"
    if problem.startswith(("did not find expected key", "did not find expected '-'")):
        return (
            f"this line is indented{spaces} like a key or list item, but none is open at that "
            "column: line it up with its siblings"
        )
    if "found unexpected end of stream" in problem or "found unexpected end" in problem:
        return "the file ends inside a quoted text or a bracket opened above"
    if problem.startswith("found duplicate anchor") or "found undefined alias" in problem:
        return "an alias (*name) without its anchor (&name) above it"
    return "this line cannot be read as YAML (check its indentation, colons and quotes)"


def _counting_composer(file: str) -> type[Any]:
    """ruamel's composer, stopped as soon as the nodes or the nesting exceed the limits.

    The builder counts nodes again after alias expansion; counting here, while composing, keeps
    a long file from being composed in full only to be refused.
    """
    from ruamel.yaml.composer import Composer

    class CountingComposer(Composer):
        nodes = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.nodes += 1
            # The builder reports nesting with the field path; the composer only stops the
            # descent one level below it, before Python's recursion limit.
            if self.nodes > MAX_NODES or self.depth > MAX_DEPTH + 1:
                mark = self.parser.peek_event().start_mark
                message = (
                    f"document holds more than {MAX_NODES:,} values; refusing to read it"
                    if self.nodes > MAX_NODES
                    else f"nesting deeper than {MAX_DEPTH} levels"
                )
                raise ScenarioError.single(
                    file, message, line=mark.line + 1, column=mark.column + 1
                )
            return super().compose_node(parent, index)

    return CountingComposer


class _Builder:
    def __init__(self, located: Located) -> None:
        self.located = located
        self.count = 0

    def fail(self, node: Any, message: str, path: PathKey = ()) -> ScenarioError:
        mark = node.start_mark
        return ScenarioError.single(
            self.located.file, message, dotted(path), line=mark.line + 1, column=mark.column + 1
        )

    def build(self, node: Any, path: PathKey, depth: int) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node,
                f"document expands to more than {MAX_NODES:,} values "
                "(an alias bomb?); refusing to read it",
            )
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting deeper than {MAX_DEPTH} levels", path)
        self.located.positions.setdefault(
            path, (node.start_mark.line + 1, node.start_mark.column + 1)
        )
        tag = str(node.tag)
        if isinstance(node, MappingNode):
            if tag != _MAP:
                raise self.fail(node, f"YAML tag {tag!r} is not allowed", path)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, "mapping keys must be plain strings", path)
                key = str(key_node.value)
                if key == "<<":
                    raise self.fail(key_node, "YAML merge keys ('<<') are not supported", path)
                if key in result:
                    raise self.fail(key_node, f"duplicate key {key!r}", (*path, key))
                self.located.key_positions[(*path, key)] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                result[key] = self.build(value_node, (*path, key), depth + 1)
            return result
        if isinstance(node, SequenceNode):
            if tag != _SEQ:
                raise self.fail(node, f"YAML tag {tag!r} is not allowed", path)
            return [
                self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)
            ]
        return self.scalar(node, tag, path)

    def scalar(self, node: Any, tag: str, path: PathKey) -> Any:
        value = str(node.value)
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:  # under a %YAML 1.1 directive, yes/on read as true too
            return value.lower() in {"true", "yes", "on"}
        if tag == _INT:
            try:
                return int(value.replace("_", ""), 0)
            except ValueError:
                raise self.fail(node, f"not an integer: {value!r}", path) from None
        if tag == _FLOAT:
            text = value.replace("_", "").lower()
            if text in {".nan", ".inf", "-.inf", "+.inf"}:
                raise self.fail(node, f"non-finite number {value!r} is not allowed", path)
            try:
                number = float(text)
            except ValueError:
                raise self.fail(node, f"not a number: {value!r}", path) from None
            if not math.isfinite(number):
                raise self.fail(
                    node, f"non-finite number {value!r} is not allowed (it reads as {number})", path
                )
            return number
        if tag == _TIMESTAMP:
            if not _DATE_RE.match(value):
                raise self.fail(node, f"expected a date YYYY-MM-DD, got {value!r}", path)
            try:
                return dt.date.fromisoformat(value)
            except ValueError as error:
                raise self.fail(node, f"impossible date {value!r}: {error}", path) from None
        raise self.fail(node, f"YAML tag {tag!r} is not allowed", path)


def magnitude_problems(located: Located, under: PathKey = ()) -> list[Problem]:
    """Numbers under ``under`` beyond :data:`MAX_MAGNITUDE`, and log-normals whose tail is."""
    problems: list[Problem] = []
    limit = f"within \u00b1{MAX_MAGNITUDE:g}"

    def walk(value: Any, path: PathKey) -> None:
        if isinstance(value, dict):
            if value.get("dist") == "lognormal" and value.get("high") is None:
                median: Any = value.get("median")
                sigma: Any = value.get("sigma")
                if _positive(median) and _positive(sigma):
                    tail = math.log(median) + _LOGNORMAL_TAIL_Z * sigma
                    if tail > math.log(MAX_MAGNITUDE):
                        problems.append(
                            located.problem(
                                path,
                                f"an unbounded log-normal with median {median:g} and sigma "
                                f"{sigma:g} reaches beyond \u00b1{MAX_MAGNITUDE:g}, the bound "
                                "on numbers; give it a high bound or a smaller sigma",
                            )
                        )
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))
        elif _number(value) and abs(value) > MAX_MAGNITUDE:
            problems.append(
                located.problem(
                    path,
                    f"{_show(value)} is too large: numbers must lie {limit} (rescale the unit)",
                )
            )

    walk(_at(located.data, under), under)
    return problems


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positive(value: Any) -> bool:
    return _number(value) and 0 < value < math.inf


def _show(value: float) -> str:
    if isinstance(value, int) and abs(value) >= 10**16:
        return f"a {len(str(abs(value)))}-digit integer"
    return f"{value:g}"


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data
