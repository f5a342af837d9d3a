"""One scored case of ``history``: its pairs beside every forecaster's probability for each.

:class:`CaseResult` is what :func:`sanctionsim.history.assemble.evaluate` builds per case and
:class:`~sanctionsim.history.evaluation.HistoryEvaluation` scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sanctionsim.history.joiners import Joiner
from sanctionsim.history.protocol import CaseFacts, EventPair

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CaseResult:
    """One case: the protocol's facts, its pairs, and every forecaster's probability for each.

    ``joiners``: under protocol 2, the case's joiners (docs/cases.md, "Protocol 2"), whose
    pairs, recorded months and record's reach are counted from their joining day; None under
    protocol 1.
    """

    facts: CaseFacts
    cluster: int
    pairs: tuple[EventPair, ...]
    forecast: tuple[float | None, ...]
    references: dict[str, tuple[float, ...]]
    derived: tuple[dict[str, Any], ...]
    months: dict[str, int | None]  # each event's recorded month (None: not within the record)
    joiners: tuple[Joiner, ...] | None = None

    def scored(self, forecaster: str = "model") -> tuple[FloatArray, FloatArray]:
        """(forecasts, outcomes) of the scored pairs for ``forecaster`` (or a reference)."""
        values = self.forecast if forecaster == "model" else self.references[forecaster]
        chosen = [
            (float(v), float(p.recorded or 0))
            for v, p in zip(values, self.pairs, strict=True)
            if p.scored and v is not None
        ]
        p = np.array([v for v, _ in chosen], dtype=np.float64)
        y = np.array([r for _, r in chosen], dtype=np.float64)
        return p, y

    @property
    def n_scored(self) -> int:
        """How many pairs of this case are scored."""
        return sum(p.scored for p in self.pairs)

    def covered_months(self, event: str) -> int | None:
        """The whole months the record covers for ``event``'s pairs (None: every horizon),
        counted from the joining day for a joiner scored from it, else from ``start``."""
        for joiner in self.joiners or ():
            if joiner.event == event and not joiner.after_record:
                return joiner.facts.covered_months
        return self.facts.covered_months
