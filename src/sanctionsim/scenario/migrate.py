"""Upgrade a scenario file to the newest ``schema_version``, keeping it as written.

Version 2 only *adds* optional forms: every version-1 field keeps its name, default and meaning,
so a version-1 file needs no rewriting to stay valid (it loads as it is). Migrating it sets
``schema_version: 2``, which lets it use the new forms. The edit is made in place in the text,
at the position ruamel's round-trip loader gives for the value, so comments, anchors, quoting and
layout are kept byte for byte; the result is loaded again and must be the same scenario.

>>> text = "# a comment\\nschema_version: 1  # the format\\n"
>>> migrate_text(text).text
'# a comment\\nschema_version: 2  # the format\\n'
"""

from __future__ import annotations

from dataclasses import dataclass

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario.schema import SCHEMA_VERSION


@dataclass(frozen=True)
class Migration:
    """The upgraded text and what changed (empty when the file was already current)."""

    text: str
    old_version: int
    new_version: int
    changes: tuple[str, ...]

    @property
    def current(self) -> bool:
        """Whether the file was already at the newest version."""
        return not self.changes


def migrate_text(text: str, file: str = "<string>") -> Migration:
    """``text`` upgraded to :data:`SCHEMA_VERSION` (comments and layout kept).

    Raises:
        ScenarioError: the text has no top-level ``schema_version`` integer to upgrade.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="rt", pure=True).load(text)
    except YAMLError as error:
        raise ScenarioError.single(file, f"invalid YAML: {error}") from None
    if not isinstance(data, CommentedMap) or "schema_version" not in data:
        raise ScenarioError.single(file, "no top-level schema_version to migrate", "schema_version")
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScenarioError.single(file, "schema_version must be an integer", "schema_version")
    if version > SCHEMA_VERSION:
        raise ScenarioError.single(
            file,
            f"schema_version {version} is newer than this sanctionsim reads ({SCHEMA_VERSION})",
            "schema_version",
        )
    if version == SCHEMA_VERSION:
        return Migration(text, version, version, ())
    line, column = data.lc.value("schema_version")
    lines = text.splitlines(keepends=True)
    old = str(version)
    if lines[line][column : column + len(old)] != old:
        raise ScenarioError.single(
            file, "schema_version is not written as a plain number", "schema_version"
        )
    lines[line] = lines[line][:column] + str(SCHEMA_VERSION) + lines[line][column + len(old) :]
    change = (
        f"schema_version: {version} -> {SCHEMA_VERSION} (line {line + 1}); nothing else changes: "
        "every version-1 field keeps its meaning, and the version-2 forms become available"
    )
    return Migration("".join(lines), version, SCHEMA_VERSION, (change,))
