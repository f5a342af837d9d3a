"""What the case page and the page of your own scenario both show: the state on a date and the
game analysis (``templates/_measures.html`` and ``templates/_analysis.html`` draw them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanctionsim.errors import InputError
from sanctionsim.scenario.schema import Scenario


def state_and_analysis(scenario: Scenario, date: dt.date) -> dict[str, Any]:
    """The measures on ``date`` (by imposer, legal basis, id), how many are in force, and each
    member's stage game on that date (or why there is none)."""
    from sanctionsim.game.coalition import analyze
    from sanctionsim.scenario.views import snapshot

    view = snapshot(scenario, date)
    try:
        analysis: dict[str, Any] | None = analyze(scenario, date).to_dict()
        analysis_problem = None
    except InputError as error:
        analysis, analysis_problem = None, str(error)
    measures = sorted(
        (m.to_dict() for m in view.measures),
        key=lambda m: (m["imposer"], m["legal_basis"], m["id"]),
    )
    return {
        "measures": measures,
        "in_force": len(view.in_force()),
        "analysis": analysis,
        "analysis_problem": analysis_problem,
    }
