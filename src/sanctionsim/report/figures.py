"""The report's figures as files, for papers and slides: SVG, PDF and PNG at 300 dpi.

Every figure is the Vega-Lite specification of :mod:`sanctionsim.report.charts`, the one the
HTML report and the web app draw, converted by vl-convert (which runs Vega itself, offline): a
figure is drawn once, whatever the format. Sizes follow Vega's pixels taken as points (1/72
inch), as in the PDF, so a PNG at :data:`PPI` has the PDF's physical size: a 440-pixel-wide
chart is 6.1 inches wide and 1,833 pixels in the PNG.

:func:`write_figures` writes ``DIRECTORY/NAME.FORMAT`` for every chart and format, each through
a temporary file; :func:`parse_formats` reads the command line's ``--format svg,pdf,png``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from sanctionsim.errors import InputError
from sanctionsim.files import write_atomically

#: The formats a figure is exported in, in the order they are written.
FORMATS = ("svg", "pdf", "png")
#: The resolution of PNG files (recorded in their ``pHYs`` chunk): print quality.
PPI = 300
#: How big a PNG is against the specification's pixels (points): 300 / 72.
PNG_SCALE = PPI / 72


def vega_lite_version() -> str:
    """The Vega-Lite version of Altair's specifications, as vl-convert names it ("v6.4")."""
    import altair as alt

    return str(alt.SCHEMA_VERSION.rsplit(".", 1)[0])


def parse_formats(text: str, option: str = "--format") -> tuple[str, ...]:
    """The formats named in a comma-separated list, each once, in :data:`FORMATS` order.

    >>> parse_formats("png, SVG,png")
    ('svg', 'png')
    >>> parse_formats("jpg")
    Traceback (most recent call last):
    ...
    sanctionsim.errors.InputError: --format: 'jpg' is not a figure format; choose from svg, pdf, png
    """
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise InputError.single(option, "name at least one format: svg, pdf, png")
    for name in names:
        if name not in FORMATS:
            raise InputError.single(
                option, f"{name!r} is not a figure format; choose from {', '.join(FORMATS)}"
            )
    return tuple(f for f in FORMATS if f in names)


def render(spec: dict[str, Any], fmt: str) -> bytes:
    """One chart in one format: SVG text (UTF-8), a one-page PDF, or a PNG at :data:`PPI`."""
    import vl_convert

    version = vega_lite_version()
    if fmt == "svg":
        return str(vl_convert.vegalite_to_svg(spec, vl_version=version)).encode("utf-8")
    if fmt == "pdf":
        return bytes(vl_convert.vegalite_to_pdf(spec, vl_version=version))
    if fmt == "png":
        # vl-convert scales by ppi / 72 itself: scale 1 keeps the PDF's physical size
        return bytes(vl_convert.vegalite_to_png(spec, vl_version=version, scale=1, ppi=PPI))
    raise ValueError(f"unknown figure format {fmt!r}; one of {', '.join(FORMATS)}")


def _write_bytes(content: bytes, path: str) -> None:
    Path(path).write_bytes(content)


def write_figures(
    charts: dict[str, dict[str, Any]], directory: Path, formats: tuple[str, ...] = FORMATS
) -> list[Path]:
    """Save every chart as ``DIRECTORY/NAME.FORMAT`` for each format; return the files written.

    Each file goes to a temporary file first and is renamed, so an interrupted export never
    leaves half a figure.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in charts.items():
        for fmt in formats:
            target = directory / f"{name}.{fmt}"
            write_atomically(target, functools.partial(_write_bytes, render(spec, fmt)))
            written.append(target)
    return written
