"""One case's block of ``sanctionsim history --json`` (docs/cli.md), apart from
:mod:`sanctionsim.history.evaluation`, which computes the scores around it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sanctionsim.history.case_result import CaseResult


def case_document(case: CaseResult) -> dict[str, Any]:
    """The case's block of the document: its facts, every pair with the forecast and the
    references, its derived events and its mean Brier score over the scored pairs; under
    protocol 2, its joiners (each member, joining day, episode age and group on that day, and
    whether the day is past the record)."""
    from sanctionsim.history.scores import brier_scores

    p, y = case.scored()
    document = {
        "id": case.facts.id,
        "start": case.facts.start.isoformat(),
        "episode_age_months": round(case.facts.episode_age_months, 2),
        "group": case.facts.group,
        "cluster": case.cluster,
        "ended_by": case.facts.ended_by,
        "events": [
            {
                "event": pair.event,
                "kind": pair.kind,
                "horizon": pair.horizon,
                "forecast": v,
                "recorded": pair.recorded,
                "reason": pair.reason,
                "references": {r: values[i] for r, values in case.references.items()},
            }
            for i, (v, pair) in enumerate(zip(case.forecast, case.pairs, strict=True))
        ],
        "derived": list(case.derived),
        "brier": float(brier_scores(p, y).mean()) if p.size else None,
    }
    if case.joiners is not None:  # protocol 2
        document["joiners"] = [
            {
                "member": j.member,
                "joining_day": j.day.isoformat(),
                "episode_age_months": round(j.facts.episode_age_months, 2),
                "group": j.facts.group,
                "after_record": j.after_record,
            }
            for j in case.joiners
        ]
    return document
