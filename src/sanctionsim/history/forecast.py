"""The forecasts to score: the model's, from its start date, or any forecaster's file.

:func:`model_forecast` simulates a case from ``start`` over the longest horizon with the Monte
Carlo engine (:mod:`sanctionsim.dynamics.engine`) and reads, at each horizon H, the probability
of each primitive event of :mod:`sanctionsim.history.protocol` by H (a member's easing counts
only before the target concedes, as in the engine), and of the derived ``cascade`` and
``coalition_holds``.

**The recorded outcome is never read by the forecast.** The ``recorded_outcome`` block is
removed before the engine sees the scenario (and the engine itself never reads it);
``tests/history/test_forecast.py`` rewrites the block and checks the forecast is identical.

:func:`read_forecasts` reads another forecaster's probabilities from a CSV file with the columns
``case, event, horizon, forecast`` (one row per pair), so that it is scored on the same pairs
against the same references.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sanctionsim.errors import InputError, Problem

if TYPE_CHECKING:
    from sanctionsim.dynamics.calibration import FittedParameters
    from sanctionsim.dynamics.records import RunOutcomes
    from sanctionsim.dynamics.setup import Setup
from sanctionsim.history.protocol import TARGET_CONCEDES, delivers_event, eases_event
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import DEFAULT, VERSIONS

DEFAULT_RUNS = 2048
DEFAULT_SEED = 0
FORECAST_COLUMNS = ("case", "event", "horizon", "forecast")
MAX_FORECAST_FILE = 64 * 1024 * 1024

Key = tuple[str, int]  # (event, horizon)


@dataclass(frozen=True)
class CaseForecast:
    """A forecaster's probabilities for one case: primitive events and derived ones."""

    case: str
    source: str  # "model v1", or the forecasts file
    probabilities: dict[Key, float]
    derived: dict[Key, float]


def model_forecast(
    scenario: Scenario,
    horizons: Sequence[int],
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    model: str = DEFAULT,
    choice: FittedParameters | None = None,
    omega: float | None = None,
) -> CaseForecast:
    """Simulate ``scenario`` (without its record) to the longest horizon; each event's probability
    by each horizon. Model v2 plays ``choice`` (λ, α) with epoch rate ``omega``, and its members'
    easing is their mean smooth chance (docs/model-v2.md, item 4).

    Raises:
        InputError: bad sizes, an unknown model, or a scenario the engine cannot play.
    """
    from sanctionsim.dynamics.engine import run_outcomes
    from sanctionsim.dynamics.setup import prepare

    _check_model(model)
    blind = scenario.model_copy(update={"recorded_outcome": None})
    setup = prepare(blind, model, choice=choice, omega=omega)
    outcomes = run_outcomes(
        blind, runs=runs, horizon=max(horizons), seed=seed, model=model, choice=choice, omega=omega
    )
    return _forecast_of(scenario.id, model, setup, outcomes, horizons)


def grid_forecasts(
    scenario: Scenario,
    horizons: Sequence[int],
    choices: Sequence[FittedParameters],
    *,
    runs: int,
    seed: int,
    model: str,
    omega: float | None = None,
) -> list[CaseForecast]:
    """:func:`model_forecast` at each of ``choices`` (calibrate's grid), identical to it point by
    point, the points played together (:func:`~sanctionsim.dynamics.engine.grid_outcomes`).

    Raises:
        InputError: bad sizes, a model outside the fitted v2 family, or a scenario the engine
            cannot play.
    """
    from sanctionsim.dynamics.engine import grid_outcomes
    from sanctionsim.dynamics.setup import prepare

    _check_model(model)
    blind = scenario.model_copy(update={"recorded_outcome": None})
    setup = prepare(blind, model, choice=choices[0] if choices else None, omega=omega)
    outcomes = grid_outcomes(
        blind, choices, runs=runs, horizon=max(horizons), seed=seed, model=model, omega=omega
    )
    return [_forecast_of(scenario.id, model, setup, each, horizons) for each in outcomes]


def with_joiners(
    start: CaseForecast, joined: Sequence[tuple[Sequence[str], CaseForecast]]
) -> CaseForecast:
    """A case's forecast under protocol 2: the run from ``start``'s, with each joiner's easing
    read from the run from its joining day (``joined``: the day's joiners and that run); every
    other event and the derived ones are the run from ``start``'s (docs/cases.md, "Protocol 2")."""
    probabilities = dict(start.probabilities)
    for members, from_day in joined:
        events = {eases_event(m) for m in members}
        for (event, horizon), value in from_day.probabilities.items():
            if event in events:
                probabilities[event, horizon] = value
    return CaseForecast(start.case, start.source, probabilities, start.derived)


def _check_model(model: str) -> None:
    if model not in VERSIONS:
        known = ", ".join(VERSIONS)
        raise InputError.single("--model", f"unknown model {model!r} (known: {known})")


def _forecast_of(
    case: str, model: str, setup: Setup, outcomes: RunOutcomes, horizons: Sequence[int]
) -> CaseForecast:
    """Each event's probability by each horizon, from the runs' outcomes."""
    from sanctionsim.dynamics.records import METRIC

    probabilities: dict[Key, float] = {}
    derived: dict[Key, float] = {}
    for h in horizons:
        eased_by = METRIC["p_member_eases"].of(outcomes, h)
        conceded_by = METRIC["p_target_concedes"].of(outcomes, h)
        probabilities[TARGET_CONCEDES, h] = float(conceded_by.mean())
        for i, member in enumerate(setup.member_ids):
            probabilities[eases_event(member), h] = float(eased_by[:, i].mean())
        delivered_by = METRIC["p_deal_delivers"].of(outcomes, h)
        for k, deal in enumerate(setup.deals):
            probabilities[delivers_event(deal.id), h] = float(delivered_by[:, k].mean())
        derived["cascade", h] = float(np.mean(METRIC["p_cascade"].of(outcomes, h)))
        derived["coalition_holds", h] = float(np.mean(~eased_by.any(axis=1)))
    return CaseForecast(case, f"model {model}", probabilities, derived)


def read_forecasts(path: Path) -> dict[str, dict[Key, float]]:
    """A forecaster's probabilities by case, from a CSV file ``case, event, horizon, forecast``.

    Raises:
        InputError: an unreadable file, missing columns, a bad horizon or probability (located
            by line), or a pair given twice.
    """
    name = str(path)
    try:
        if not path.is_file():
            raise InputError.single(name, "not a regular file")
        if path.stat().st_size > MAX_FORECAST_FILE:
            raise InputError.single(name, f"larger than {MAX_FORECAST_FILE // 2**20} MiB")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError.single(name, f"cannot read: {error}") from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None or [h.strip() for h in header] != list(FORECAST_COLUMNS):
        raise InputError.single(
            name, f"the first line must be the header {','.join(FORECAST_COLUMNS)}", line=1
        )
    result: dict[str, dict[Key, float]] = {}
    problems: list[Problem] = []
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != len(FORECAST_COLUMNS):
            problems.append(Problem(name, line, None, "", f"expected 4 fields, got {len(row)}"))
            continue
        case, event, horizon_text, value_text = (cell.strip() for cell in row)
        try:
            horizon = int(horizon_text)
            value = float(value_text)
        except ValueError:
            problems.append(
                Problem(name, line, None, "", "horizon must be an integer and forecast a number")
            )
            continue
        if horizon < 1 or not (math.isfinite(value) and 0.0 <= value <= 1.0):
            problems.append(
                Problem(name, line, None, "", "horizon must be >= 1, forecast within [0, 1]")
            )
            continue
        if (event, horizon) in result.setdefault(case, {}):
            problems.append(Problem(name, line, None, "", f"{case} {event} {horizon} given twice"))
            continue
        result[case][event, horizon] = value
    if problems:
        raise InputError(problems[:200])
    return result


def file_forecast(
    table: dict[str, dict[Key, float]], name: str, case: str, needed: Sequence[Key]
) -> CaseForecast:
    """One case's probabilities from a forecasts file, checking that every scored pair is there.

    Raises:
        InputError: a scored pair of the case has no row in the file.
    """
    given = table.get(case, {})
    missing = [key for key in needed if key not in given]
    if missing:
        listed = ", ".join(f"{e}@{h}" for e, h in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise InputError.single(name, f"no forecast for case {case}: {listed}{more}")
    return CaseForecast(case, name, dict(given), {})
