"""Your own scenario and policies in the app: read from the request, checked, never stored.

A scenario (or a policy) reaches the app as YAML text, pasted in a form's text area, sent as a
file in the same form (``multipart/form-data``), or as a string field of a JSON body. It is
validated by the loader's own :func:`~sanctionsim.scenario.loader.load_text`, so its errors are
the located ``FILE:LINE:COL: field.path: message`` problems of ``sanctionsim check``, and then
forgotten: nothing is kept on the server once the response is sent, and nothing is ever written
to disk.

Why nothing reaches the disk: the request body of these routes is capped at
:data:`UPLOAD_BODY_BYTES` (read into memory by the app's body limit), below Starlette's in-memory
spool size for uploaded files (1 MiB); the text is parsed from memory. The scenario text itself
is capped at :data:`MAX_SCENARIO_BYTES` (256 KiB, five times the largest built-in case and an
eighth of the loader's 2 MiB limit), which keeps one request's parsing under a second or two.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sanctionsim.errors import InputError, ScenarioError

if TYPE_CHECKING:
    from sanctionsim.experiments.policies import Policy
    from sanctionsim.scenario.schema import Scenario

MAX_SCENARIO_BYTES = 256 * 1024
"""Largest scenario text the app reads (UTF-8 bytes)."""
MAX_POLICY_BYTES = 32 * 1024
"""Largest policy text the app reads (UTF-8 bytes)."""
UPLOAD_BODY_BYTES = 512 * 1024
"""Request body cap of the routes that carry a scenario (JSON escapes and form overhead)."""
SPOOL_BYTES = 1024 * 1024
"""Starlette keeps an uploaded file in memory up to this size (its ``spool_max_size``)."""

#: Routes whose bodies may carry a scenario: they get :data:`UPLOAD_BODY_BYTES`, not the app's
#: small default.
UPLOAD_PATHS = frozenset(
    {
        "/scenario",
        "/scenario/forecast",
        "/compare",
        "/api/scenario/check",
        "/api/scenario/snapshot",
        "/api/scenario/analysis",
        "/api/scenario/forecast",
        "/api/compare",
    }
)

PASTED = "pasted.yaml"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def display_name(filename: str | None, default: str = PASTED) -> str:
    """The name an uploaded file's errors are reported under: its base name, tamed, or ``default``.

    The name is only ever shown (never used as a path): folders are dropped and anything but
    letters, digits, ``._ -`` is replaced, so a crafted name cannot inject markup or lines.
    """
    if not filename:
        return default
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    tamed = _UNSAFE.sub("_", base).strip(" .")[:80]
    return tamed or default


def decode(raw: bytes, name: str, limit: int = MAX_SCENARIO_BYTES) -> str:
    """Uploaded bytes as text: UTF-8 (a byte-order mark is dropped), within ``limit`` bytes.

    Raises:
        ScenarioError: too large, binary, or not UTF-8, located at ``name``.
    """
    check_size(len(raw), name, limit)
    if b"\x00" in raw:
        raise ScenarioError.single(name, "binary file (contains NUL bytes); expected YAML text")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text (invalid byte at offset {error.start})"
        raise ScenarioError.single(name, message) from None


def check_size(size: int, name: str, limit: int) -> None:
    """Refuse text over ``limit`` bytes, saying the limit."""
    if size > limit:
        raise ScenarioError.single(
            name, f"{size:,} bytes; the app reads files of at most {limit // 1024} KiB"
        )


def parse_scenario(text: str, name: str = PASTED) -> Scenario:
    """Validate scenario text exactly as ``sanctionsim check`` does (located problems).

    Raises:
        ScenarioError: every located problem of the text.
    """
    from sanctionsim.scenario.loader import load_text

    check_size(len(text.encode("utf-8")), name, MAX_SCENARIO_BYTES)
    return load_text(text, name)


def parse_policy(text: str, name: str = "policy.yaml") -> Policy:
    """Validate policy text as ``--policy FILE`` does (located problems).

    Raises:
        ScenarioError: every located problem of the text.
    """
    from sanctionsim.experiments.policies import policy_from_text

    check_size(len(text.encode("utf-8")), name, MAX_POLICY_BYTES)
    return policy_from_text(text, name)


def problem_records(error: InputError) -> list[dict[str, Any]]:
    """Each located problem as a JSON record (``file``, ``line``, ``column``, ``path``,
    ``message``) beside its one-line form ``text``."""
    return [
        {
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "path": p.path,
            "message": p.message,
            "text": str(p),
        }
        for p in error.problems
    ]


@dataclass(frozen=True)
class FormText:
    """A text field or the file sent beside it, whichever the user gave (the file wins)."""

    text: str
    name: str


async def text_from_form(
    form: Mapping[str, Any], field: str, default_name: str, limit: int
) -> FormText | None:
    """The YAML of a form: the file input ``<field>_file`` if one was chosen, else the text
    area ``field``; None when both are empty.

    Raises:
        ScenarioError: the file is too large, binary or not UTF-8.
    """
    upload = form.get(f"{field}_file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        name = display_name(upload.filename, default_name)
        raw = await upload.read(limit + 1)
        return FormText(decode(raw, name, limit), name)
    text = str(form.get(field) or "")
    if not text.strip():
        return None
    check_size(len(text.encode("utf-8")), default_name, limit)
    return FormText(text.replace("\r\n", "\n"), default_name)
