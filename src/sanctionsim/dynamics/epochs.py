"""When a member reconsiders its measures: model v2's decision epochs (docs/model-v2.md, item 2).

States do not reconsider sanctions every month. They do at the dates their measures must be
renewed or lapse (the EU's sectoral decisions on Russia, renewed every six months by unanimity;
the EC's Falklands embargo at its May 1982 renewal, when Italy and Ireland dropped out; a US
national emergency's yearly continuation), and otherwise rarely: with probability ω a month
(1/12 in the design note, 1/6 and 1/24 reported as sensitivity, never chosen by score).

:func:`renewal_calendar` marks, month by month, the renewal dates of each member's own measures
in force on the start (a measure's ``renewal_months``, else :data:`DEFAULT_RENEWAL_MONTHS` by
legal basis); :func:`epoch_probability` is then 1 at a renewal date and ω elsewhere.

>>> from sanctionsim.scenario.loader import load_scenario
>>> russia = load_scenario("russia-2014")  # EU sectoral measures of 31 July 2014, for a year
>>> marks = renewal_calendar(russia, ("USA", "DEU"), horizon=13)
>>> [t + 1 for t in range(13) if marks[t, 1]], bool(marks[:, 0].any())
([12], False)
>>> untermed = [m.model_copy(update={"renewal_months": None}) for m in russia.measures]
>>> by_basis = russia.model_copy(update={"measures": untermed})  # the EU's default: six months
>>> [t + 1 for t in range(13) if renewal_calendar(by_basis, ("USA", "DEU"), 13)[t, 1]]
[6, 12]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sanctionsim.scenario.months import add_months, span_months
from sanctionsim.scenario.schema import Measure, Scenario

OMEGA = 1.0 / 12.0
"""Monthly chance of reconsidering outside renewal dates (fixed in docs/model-v2.md)."""
OMEGA_SENSITIVITY = (1.0 / 6.0, 1.0 / 24.0)
DEFAULT_RENEWAL_MONTHS = {"regional:eu": 6, "regional:ec": 6}
"""Renewal periods by legal basis where a measure states none (docs/scenario-format.md)."""


def renewal_period(measure: Measure) -> int | None:
    """Months between a measure's renewal dates: its own ``renewal_months``, else the default of
    its legal basis, else None (it runs until lifted)."""
    if measure.renewal_months is not None:
        return measure.renewal_months
    return DEFAULT_RENEWAL_MONTHS.get(measure.legal_basis)


def renewal_calendar(
    scenario: Scenario, member_ids: Sequence[str], horizon: int
) -> npt.NDArray[np.bool_]:
    """``(horizon, members)``: True where month t (1-based, row t − 1) holds a renewal date
    (imposed + k·period months, k ≥ 1) of one of the member's own measures in force on the
    start."""
    start = scenario.start
    result = np.zeros((horizon, len(member_ids)), dtype=bool)
    for i, member in enumerate(member_ids):
        for measure in scenario.measures:
            period = renewal_period(measure)
            if measure.imposer != member or period is None or measure.level_on(start) <= 0:
                continue
            k = 1
            while (renewal := add_months(measure.imposed, k * period)) <= start:
                k += 1
            while (month := span_months(start, renewal)) <= horizon:
                result[month - 1, i] = True
                k += 1
                renewal = add_months(measure.imposed, k * period)
    return result


def epoch_probability(
    calendar: npt.NDArray[np.bool_], omega: float = OMEGA
) -> npt.NDArray[np.float64]:
    """1 at a renewal date, ``omega`` elsewhere: each member's chance of reconsidering.

    Raises:
        ValueError: ``omega`` outside (0, 1].
    """
    if not 0.0 < omega <= 1.0:
        raise ValueError(f"omega must lie in (0, 1], got {omega}")
    return np.where(calendar, 1.0, omega)
