"""Reading a results folder written by ``sanctionsim simulate --out DIR`` for the report.

The folder holds ``forecast.json`` (the forecast's ``to_dict()``) beside the per-run Parquet
files; the report needs only the JSON. Bad input raises :class:`~sanctionsim.errors.InputError`
naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sanctionsim.errors import InputError, Problem
from sanctionsim.scenario.checks import EARLIEST_DATE, LATEST_DATE
from sanctionsim.versions import ModelName

FORECAST_FILE = "forecast.json"
#: A forecast of 600 months for a few dozen members is well under 1 MiB; more is not one.
MAX_FORECAST_BYTES = 16 * 1024 * 1024
MAX_HORIZON = 600  # = sanctionsim.dynamics.engine.MAX_HORIZON (not imported: startup)


class _Record(BaseModel):
    # Strict: a string is never read as a number, a bool never as an int; no NaN or infinity.
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, allow_inf_nan=False)


class _Interval(_Record):
    mean: float
    ci95: Annotated[list[float], Field(min_length=2, max_length=2)]


class _Metrics(_Record):
    p_target_concedes: _Interval
    p_member_eases: dict[str, _Interval]
    p_cascade: _Interval
    p_deal_delivers_by_deal: dict[str, _Interval] = Field(default_factory=dict)
    cohesion_final: _Interval


class _Quantiles(_Record):
    q05: list[float]
    q25: list[float]
    q50: list[float]
    q75: list[float]
    q95: list[float]


class _Curves(_Record):
    month: Annotated[list[int], Field(min_length=1, max_length=MAX_HORIZON)]
    p_eased_by: dict[str, list[float]]
    p_conceded_by: list[float]
    cohesion_quantiles: _Quantiles
    pressure_quantiles: _Quantiles | None = None


Pair = Annotated[list[float], Field(min_length=2, max_length=2)]


class _FoldSet(_Record):
    slope: float
    backing_down: float
    folds: int = Field(ge=1)


class _FoldMetrics(_Record):
    p_target_concedes: Pair | None = None
    p_member_eases: dict[str, Pair] = Field(default_factory=dict)
    p_cascade: Pair | None = None
    p_deal_delivers_by_deal: dict[str, Pair] = Field(default_factory=dict)
    p_snap_back: dict[str, Pair] = Field(default_factory=dict)


class _FoldRange(_Record):
    """Model v2's range across the calibration's folds (:mod:`sanctionsim.dynamics.folds`)."""

    runs: int = Field(ge=1)
    parameter_sets: Annotated[list[_FoldSet], Field(min_length=1)]
    metrics: _FoldMetrics


class _Forecast(_Record):
    """What the report reads of a forecast: every key it draws, with its type (a v1 forecast
    has no ``model_version`` and no ``fold_range``)."""

    # a version's name (not a pattern: "v2f" and "v2-hold" are versions, "v9" is not)
    model_version: ModelName | None = None
    fold_range: _FoldRange | None = None
    scenario: str
    start: str
    runs: int = Field(ge=1)
    horizon: int = Field(ge=1, le=MAX_HORIZON)
    seed: int = Field(ge=0)
    version: str
    members: dict[str, str]
    metrics: _Metrics
    curves: _Curves

    @field_validator("start")
    @classmethod
    def _a_date_in_the_calendar(cls, value: str) -> str:
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}") from None
        if not EARLIEST_DATE <= date <= LATEST_DATE:
            raise ValueError(f"{value} is outside {EARLIEST_DATE} to {LATEST_DATE}")
        return value


def _dotted(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location)


def check_forecast(document: Any, file: str = FORECAST_FILE) -> dict[str, Any]:
    """Check every key and shape the report draws; return the forecast's checked keys only.

    Types are strict (:class:`_Forecast`); then the month numbers must be 1, 2, ... up to the
    horizon and every curve must have one value per month. Nothing unchecked is returned, so a
    hostile file cannot reach the charts or the template.

    >>> check_forecast({"scenario": "x"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sanctionsim.errors.InputError: forecast.json: start: missing (is this a forecast?)
    forecast.json: runs: missing (is this a forecast?)
    ...
    """
    if not isinstance(document, dict):
        raise InputError.single(file, "expected a JSON object (a forecast)")
    try:
        record = _Forecast.model_validate(document)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False)[:20]:
            missing = item["type"] == "missing"
            message = "missing (is this a forecast?)" if missing else item["msg"]
            problems.append(Problem(file, None, None, _dotted(item["loc"]), message))
        raise InputError(problems) from None
    curves = record.curves
    n = len(curves.month)
    if curves.month != list(range(1, n + 1)) or n != record.horizon:
        message = f"expected the months 1, 2, ... {record.horizon} (the horizon)"
        raise InputError.single(file, message, "curves.month")
    series = {"curves.p_conceded_by": curves.p_conceded_by}
    series.update({f"curves.p_eased_by.{k}": v for k, v in curves.p_eased_by.items()})
    for name in ("cohesion_quantiles", "pressure_quantiles"):
        quantiles = getattr(curves, name)
        if quantiles is not None:
            for q, values in quantiles.model_dump().items():
                series[f"curves.{name}.{q}"] = values
    for path, values in series.items():
        if len(values) != n:
            raise InputError.single(file, f"expected a list of {n} numbers", path)
    for member in (*record.metrics.p_member_eases, *curves.p_eased_by):
        if member not in record.members:
            raise InputError.single(file, f"{member!r} is not one of the members", "members")
    return record.model_dump(exclude_none=True)


def load_forecast(folder: Path) -> dict[str, Any]:
    """The forecast of a results folder (its ``forecast.json``), checked."""
    path = folder / FORECAST_FILE
    if not path.is_file():
        raise InputError.single(
            str(folder), f"no {FORECAST_FILE} here (write one with `sanctionsim simulate --out`)"
        )
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FORECAST_BYTES + 1)
        if len(raw) > MAX_FORECAST_BYTES:
            raise InputError.single(str(path), f"larger than {MAX_FORECAST_BYTES} bytes")
        document = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError.single(str(path), f"cannot read: {error}") from None
    except json.JSONDecodeError as error:
        message = f"not JSON: {error.msg}"
        raise InputError.single(str(path), message, "", error.lineno, error.colno) from None
    except RecursionError:
        raise InputError.single(str(path), "nested too deeply to be a forecast") from None
    return check_forecast(document, str(path))
