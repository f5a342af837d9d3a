"""Reading a results folder written by ``sanctionsim simulate --out DIR`` for the report.

The folder holds ``forecast.json`` (the forecast's ``to_dict()``) beside the per-run Parquet
files; the report needs only the JSON. Bad input raises :class:`~sanctionsim.errors.InputError`
naming the file and the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sanctionsim.errors import InputError

FORECAST_FILE = "forecast.json"

_REQUIRED = ("scenario", "start", "runs", "horizon", "seed", "version", "members", "metrics")
_CURVES = ("month", "p_eased_by", "p_conceded_by", "cohesion_quantiles")
_QUANTILES = ("q05", "q25", "q50", "q75", "q95")


def check_forecast(document: Any, file: str = FORECAST_FILE) -> dict[str, Any]:
    """Check that ``document`` has the keys and shapes the report draws; return it.

    >>> check_forecast({"scenario": "x"})
    Traceback (most recent call last):
    ...
    sanctionsim.errors.InputError: forecast.json: start: missing (is this a forecast?)
    """
    if not isinstance(document, dict):
        raise InputError.single(file, "expected a JSON object (a forecast)")
    for key in _REQUIRED:
        if key not in document:
            raise InputError.single(file, "missing (is this a forecast?)", key)
    curves = document.get("curves")
    if not isinstance(curves, dict):
        raise InputError.single(file, "missing or not an object", "curves")
    for key in _CURVES:
        if key not in curves:
            raise InputError.single(file, "missing", f"curves.{key}")
    months = curves["month"]
    if not isinstance(months, list) or not months:
        raise InputError.single(file, "expected a non-empty list of months", "curves.month")
    n = len(months)

    def series(path: str, values: Any) -> None:
        if not isinstance(values, list) or len(values) != n:
            raise InputError.single(file, f"expected a list of {n} numbers", path)
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            raise InputError.single(file, "expected numbers", path)

    series("curves.p_conceded_by", curves["p_conceded_by"])
    for name in ("p_eased_by", "cohesion_quantiles"):
        if not isinstance(curves[name], dict):
            raise InputError.single(file, "expected an object", f"curves.{name}")
        for key, values in curves[name].items():
            series(f"curves.{name}.{key}", values)
    for name in ("cohesion_quantiles", "pressure_quantiles"):
        if name in curves:
            for q in _QUANTILES:
                if q not in curves[name]:
                    raise InputError.single(file, "missing", f"curves.{name}.{q}")
    return document


def load_forecast(folder: Path) -> dict[str, Any]:
    """The forecast of a results folder (its ``forecast.json``), checked."""
    path = folder / FORECAST_FILE
    if not path.is_file():
        raise InputError.single(
            str(folder), f"no {FORECAST_FILE} here (write one with `sanctionsim simulate --out`)"
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError.single(str(path), f"cannot read: {error}") from None
    except json.JSONDecodeError as error:
        message = f"not JSON: {error.msg}"
        raise InputError.single(str(path), message, "", error.lineno, error.colno) from None
    return check_forecast(document, str(path))
