"""The score history: every model version, variant and case re-encoding ever scored, as shipped.

``data/score_history.csv`` only grows: a row per scoring of the built-in library by
``sanctionsim history`` (docs/cases.md, "The score history"), flattering or not. The report and
the app show the model's **track record** from it, the row of the model version in use, and
never recompute it on a request. ``tests/history/test_track_record.py`` checks that the row
docs/cases.md calls current equals what ``history --json`` prints at that commit. The columns
``brier_<kind>`` and ``reference_brier_<kind>`` (the model's and the best reference's Brier score
on one kind of event) were added for the forecast displays' per-kind lines; rows written before
them leave them empty.

>>> row = current_row("v1")
>>> row.model_version, row.protocol
('v1', 1)
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sanctionsim.history.protocol import EventKind

# = sanctionsim.history.protocol.EVENT_KINDS (not imported: it loads the scenario schema)
EVENT_KINDS: tuple[EventKind, ...] = ("concession", "leader_eases", "member_eases", "deal_delivers")

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
    *(f"brier_{kind}" for kind in EVENT_KINDS),
    *(f"reference_brier_{kind}" for kind in EVENT_KINDS),
)

# How a forecast display names each event kind (docs/cases.md, protocol rule 1).
KIND_WORDS: dict[EventKind, str] = {
    "concession": "the target conceding",
    "leader_eases": "the leader easing",
    "member_eases": "members easing",
    "deal_delivers": "side deals delivering",
}


class ScoreRow(BaseModel):
    """One scoring of the library: when, what was scored, the headline and the skill.

    Defined once: the web app publishes this record as the JSON schema of a track-record row
    (``web/schemas.py``'s ``ScoreRowOut`` only adds the refusal of unknown keys).
    """

    model_config = ConfigDict(frozen=True)

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
    # Brier score by event kind (the keys are EVENT_KINDS), the model's and the best
    # reference's; empty (None) on rows written before the history carried them.
    brier_by_kind: dict[str, float | None] = Field(
        default_factory=dict, description="the model's Brier score per event kind"
    )
    reference_brier_by_kind: dict[str, float | None] = Field(
        default_factory=dict, description="the best reference's Brier score per event kind"
    )

    def kind_sentence(self, kind: EventKind) -> str:
        """The track record on one kind of event in one line, or the whole record's line when
        this row carries no figures by kind.

        >>> print(current_row("v1").kind_sentence("concession"))  # doctest: +ELLIPSIS
        Track record of model v1 on the target conceding, ... historical cases (...): Brier ...
        """
        mine = self.brier_by_kind.get(kind)
        if mine is None:
            return self.sentence()
        reference = self.reference_brier_by_kind.get(kind)
        against = "" if reference is None else f" against {reference:.3f} for {self.best_reference}"
        return (
            f"Track record of model {self.model_version} on {KIND_WORDS[kind]}, {self.cases} "
            f"historical cases (protocol {self.protocol}, {self.date}): Brier {mine:.3f}{against}; "
            "lower is better."
        )

    def sentence(self) -> str:
        """The track record in one line, for a forecast's display."""
        skill = ""
        if self.skill_vs_best is not None:
            interval = ""
            if self.skill_ci95_low is not None and self.skill_ci95_high is not None:
                interval = (
                    f"; 95% interval {self.skill_ci95_low:+.3f} to {self.skill_ci95_high:+.3f}"
                )
            skill = (
                f", {self.skill_vs_best:+.3f} against the best reference "
                f"({self.best_reference}{interval})"
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
                brier_by_kind={k: _optional(record[f"brier_{k}"]) for k in EVENT_KINDS},
                reference_brier_by_kind={
                    k: _optional(record[f"reference_brier_{k}"]) for k in EVENT_KINDS
                },
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


def track_record_sentence(model_version: str) -> str:
    """The current row's :meth:`ScoreRow.sentence`, or, for a version the score history has no
    current row of yet (a version built but not yet scored), a sentence that says so.

    >>> print(track_record_sentence("v0"))
    Model v0 has no row in the score history yet: its forecasts of history are not scored.
    """
    try:
        return current_row(model_version).sentence()
    except KeyError:
        return (
            f"Model {model_version} has no row in the score history yet: its forecasts of "
            "history are not scored."
        )
