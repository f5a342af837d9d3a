"""What every route of the app shares: the bounds on a request, the gates busy work must pass,
the forecast request, and the names a case and a date are given by."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from sanctionsim.versions import DEFAULT, ModelName

CASE_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,79}$"
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

# Module-level, so that FastAPI can resolve them (annotations are strings here).
CaseId = Annotated[
    str, Path(pattern=CASE_ID_PATTERN, max_length=80, description="a built-in case id")
]
DateQuery = Annotated[
    dt.date | None,
    Query(description="YYYY-MM-DD, between 1900-01-01 and 2100-12-31 (default: the start)"),
]

#: Host names the app answers to unless told otherwise: loopback only.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Limits:
    """Server-side bounds on what one request may ask for."""

    max_body_bytes: int = 16 * 1024
    max_runs: int = 4096
    default_runs: int = 2048
    max_horizon: int = 60
    time_limit_seconds: float = 20.0
    max_renders: int = 2  # pages drawn at once; more starve the event loop of the GIL
    retry_after_seconds: int = 5
    client_timeout_seconds: float = 10.0  # to send the request's headers, then its body


@dataclass(frozen=True)
class Gates:
    """What a request must get, without waiting, before it may start busy work."""

    forecast: threading.Lock
    renders: threading.BoundedSemaphore

    def forecast_busy(self) -> bool:
        """Whether a forecast (or a comparison) is under way."""
        return self.forecast.locked()

    def renders_full(self) -> bool:
        """Whether every page-render slot is taken (a peek: acquiring is what counts)."""
        if not self.renders.acquire(blocking=False):
            return True
        self.renders.release()
        return False


class ForecastRequest(BaseModel):
    """A bounded forecast with a few central values fixed (the rest keep their uncertainty)."""

    model_config = ConfigDict(extra="forbid")

    runs: int = Field(default=2048, ge=1, le=4096, description="Monte Carlo runs")
    horizon: int | None = Field(
        default=None, ge=1, le=60, description="months (default: the case's horizon, capped)"
    )
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    resolve: float | None = Field(
        default=None, ge=0.0, le=1.0, description="fix the target's resolve at this value"
    )
    detection: float | None = Field(
        default=None, ge=0.0, le=1.0, description="fix the detection probability q at this value"
    )
    model: ModelName = Field(
        default=DEFAULT,
        description="model version (the v2 family: docs/model-v2.md, its shipped calibration)",
    )
    fold_range: bool = Field(
        default=True,
        description=(
            "model v2: also each probability's range across the calibration's folds (one more "
            "bounded simulation per distinct fold parameter set: about twice the time); "
            "false skips it"
        ),
    )


class ForecastTimeoutError(Exception):
    """A forecast ran past the time limit."""


def parse_date(text: str | None, default: dt.date) -> tuple[dt.date, str | None]:
    """A date from a form field, with an error message when it is not a usable date."""
    if text is None or not text.strip():
        return default, None
    try:
        date = dt.date.fromisoformat(text.strip())
    except ValueError:
        return default, f"'{text}' is not a date: use YYYY-MM-DD, e.g. 2014-07-05."
    if not MIN_DATE <= date <= MAX_DATE:
        return default, f"{date} is outside {MIN_DATE}..{MAX_DATE}."
    return date, None
