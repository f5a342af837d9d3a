"""Drawing pages: the Jinja2 environment over ``templates/``, a page as a response, the refusal
page of busy work, and the Content-Security-Policy that fits the pages' one inline script."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from typing import Any

from fastapi.responses import HTMLResponse

from sanctionsim.versions import VERSIONS


@functools.cache
def templates() -> Any:
    """The pages' Jinja2 environment (built once)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sanctionsim.web", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda v, d=3: "–" if v is None else f"{v:.{d}g}"
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.1%}"
    # the shipped score history's row of the model in use: read, never recomputed on a request
    from sanctionsim.history.track_record import track_record_sentence

    env.globals["track_record"] = track_record_sentence  # one line, from the shipped history
    env.globals["model_names"] = tuple(VERSIONS)
    return env


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The template ``name`` drawn with ``context``, as an HTML response."""
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


@functools.cache
def error_html(message: str) -> bytes:
    """The error page for ``message``, drawn once per message: refusing must cost next to
    nothing."""
    return str(templates().get_template("error.html").render(message=message)).encode()


@functools.cache
def content_security_policy() -> str:
    """The pages' policy: their one inline script by hash, Vega's compiled expressions.

    Vega compiles chart expressions with ``Function`` (hence ``'unsafe-eval'``); the chart data
    sits in ``application/json`` script elements, which are never executed.
    """
    source = templates().get_template("charts.html").render()
    inline = re.findall(r"<script>(.*?)</script>", source, flags=re.DOTALL)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in inline
    )
    return (
        f"default-src 'self'; script-src 'self' 'unsafe-eval' {hashes}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
