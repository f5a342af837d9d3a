"""Calendar-month arithmetic shared by the protocol, the checks and the engine's epochs.

A scenario's clock runs in months after ``start``; these three functions are the only place that
counts them.

>>> start = dt.date(2014, 7, 4)
>>> span_months(start, dt.date(2014, 8, 5)), whole_months(start, dt.date(2014, 8, 3))
(2, 0)
>>> add_months(dt.date(2014, 1, 31), 1)
datetime.date(2014, 2, 28)
"""

from __future__ import annotations

import calendar
import datetime as dt


def span_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` needed to reach ``end`` (a part month counts as one): the
    month after ``start`` that holds ``end``.

    >>> span_months(dt.date(2014, 7, 4), dt.date(2017, 7, 4)), span_months(
    ...     dt.date(1990, 8, 6), dt.date(1990, 9, 7))
    (36, 2)
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + 1 if end.day > start.day else months


def whole_months(start: dt.date, date: dt.date) -> int:
    """Whole calendar months from ``start`` to ``date`` (a part month does not count).

    >>> whole_months(dt.date(2014, 7, 4), dt.date(2017, 7, 3)), whole_months(
    ...     dt.date(2014, 7, 4), dt.date(2017, 7, 4))
    (35, 36)
    """
    months = (date.year - start.year) * 12 + (date.month - start.month)
    return months - 1 if date.day < start.day else months


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus whole calendar months, the day clamped to the month's length."""
    years, index = divmod(date.month - 1 + months, 12)
    year, month = date.year + years, index + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))
