"""Short hints appended to error messages: a close id, the date format, a share typed as a
percentage. Each returns an empty string when it has nothing useful to say.

>>> did_you_mean("BRO", ["BOR", "USA"])
"; did you mean 'BOR'?"
>>> percentage_hint(15.0)
'; 15 looks like a percentage: shares are 0.15'
>>> percentage_hint(0.5), percentage_hint(150.0)
('', '')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

DATE_FORMAT = "; dates are YYYY-MM-DD"


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """``; did you mean 'X'?`` for the closest of ``choices`` (case-insensitive), or ""."""
    options = list(choices)
    lowered = {choice.lower(): choice for choice in options}
    if name.lower() in lowered and lowered[name.lower()] != name:
        return f"; did you mean {lowered[name.lower()]!r}?"
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean {lowered[close[0]]!r}?" if close else ""


def percentage_hint(value: float) -> str:
    """A share above 1 and at most 100 was most likely typed as a percentage."""
    if 1.0 < value <= 100.0:
        return f"; {value:g} looks like a percentage: shares are {value / 100:g}"
    return ""
