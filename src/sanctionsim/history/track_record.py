"""The score history: every model version, variant and case re-encoding ever scored, as shipped.

``data/score_history.csv`` only grows: a row per scoring of the built-in library by
``sanctionsim history`` (docs/cases.md, "The score history"), flattering or not. The report and
the app show the model's **track record** from it, the row of the model version in use, and
never recompute it on a request. ``tests/history/test_track_record.py`` checks that the row
docs/cases.md calls current equals what ``history --json`` prints at that commit.

>>> row = current_row("v1")
>>> row.model_version, row.protocol
('v1', 1)
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

COLUMNS = (
    "date",
    "commit",
    "protocol",
    "model_version",
    "calibration",
    "cases",
    "clusters",
    "headline",
    "best_reference",
    "best_reference_brier",
    "skill_vs_best",
    "skill_ci95_low",
    "skill_ci95_high",
    "current",
    "what",
)


@dataclass(frozen=True)
class ScoreRow:
    """One scoring of the library: when, what was scored, the headline and the skill."""

    date: str
    commit: str
    protocol: int
    model_version: str
    calibration: str
    cases: int
    clusters: int
    headline: float
    best_reference: str
    best_reference_brier: float | None
    skill_vs_best: float | None
    skill_ci95_low: float | None
    skill_ci95_high: float | None
    current: bool
    what: str

    def sentence(self) -> str:
        """The track record in one line, for a forecast's display."""
        skill = ""
        if self.skill_vs_best is not None:
            skill = (
                f", {self.skill_vs_best:+.3f} against the best reference ({self.best_reference}; "
                f"95% interval {self.skill_ci95_low:+.3f} to {self.skill_ci95_high:+.3f})"
            )
        return (
            f"Track record of model {self.model_version} on {self.cases} historical cases "
            f"(protocol {self.protocol}, {self.date}): Brier {self.headline:.3f}{skill}; "
            "lower is better."
        )


def _optional(text: str) -> float | None:
    return float(text) if text else None


@functools.cache
def score_history() -> tuple[ScoreRow, ...]:
    """Every row of the shipped score history, oldest first."""
    text = (
        resources.files("sanctionsim.history")
        .joinpath("data/score_history.csv")
        .read_text(encoding="utf-8")
    )
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        rows.append(
            ScoreRow(
                date=record["date"],
                commit=record["commit"],
                protocol=int(record["protocol"]),
                model_version=record["model_version"],
                calibration=record["calibration"],
                cases=int(record["cases"]),
                clusters=int(record["clusters"]),
                headline=float(record["headline"]),
                best_reference=record["best_reference"],
                best_reference_brier=_optional(record["best_reference_brier"]),
                skill_vs_best=_optional(record["skill_vs_best"]),
                skill_ci95_low=_optional(record["skill_ci95_low"]),
                skill_ci95_high=_optional(record["skill_ci95_high"]),
                current=record["current"] == "yes",
                what=record["what"],
            )
        )
    return tuple(rows)


def current_row(model_version: str) -> ScoreRow:
    """The row marked current for ``model_version``.

    Raises:
        KeyError: no current row for that model version.
    """
    for row in score_history():
        if row.current and row.model_version == model_version:
            return row
    raise KeyError(model_version)
