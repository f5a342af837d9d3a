"""Helpers of the web tests (``web_support``): JSON calls, form posts, a broken file."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any


def call(
    server: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """GET (or POST ``body``) and read the JSON answer, whatever the status."""
    request = urllib.request.Request(
        server + path, data=body, method="POST" if body is not None else "GET"
    )
    for key, value in (headers or {"Content-Type": "application/json"}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def multipart(
    fields: dict[str, str | list[str]], files: dict[str, tuple[str, str | bytes]]
) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body as a browser sends it, and its content type."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        for item in [value] if isinstance(value, str) else value:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + item.encode()
                + b"\r\n"
            )
    for name, (filename, content) in files.items():
        data = content.encode() if isinstance(content, str) else content
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/x-yaml\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_page(
    server: str,
    path: str,
    fields: dict[str, str | list[str]] | None = None,
    files: dict[str, tuple[str, str | bytes]] | None = None,
    method: str = "POST",
    origin: str | None = None,
) -> tuple[int, str]:
    """Send a page's form (multipart, from the app's own origin unless told) and read the HTML."""
    body, content_type = (None, None)
    if method == "POST":
        body, content_type = multipart(fields or {}, files or {})
    request = urllib.request.Request(server + path, data=body, method=method)
    if content_type is not None:
        request.add_header("Content-Type", content_type)
        request.add_header("Origin", origin or server)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def broken_minimal(text: str) -> str:
    """examples/minimal-scenario.yaml with two independent mistakes: a role and a share."""
    broken = text.replace("role: member", "role: membr").replace(
        "trade_share: {value: 0.1,", "trade_share: {value: 15,"
    )
    assert broken.count("membr") == 1
    assert "value: 15," in broken
    return broken


def console_problems(page: Any) -> list[str]:
    """A browser page's console errors and warnings, and its uncaught exceptions (a script or
    style refused by the Content-Security-Policy shows up here as an error)."""
    return [m for m in page.messages if m.split(":", 1)[0] in ("error", "warning", "pageerror")]
