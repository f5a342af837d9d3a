"""How a scenario shows itself in a console or a notebook: who, when, how much, never all of it.

A scenario holds its sources, measures and estimates, so pydantic's own repr runs to tens of
thousands of characters; :class:`ScenarioDisplay` (a base of
:class:`~sanctionsim.scenario.schema.Scenario`) prints one line instead and, in Jupyter, a small
table of what the scenario holds. Its contents stay one attribute or ``model_dump()`` away.

>>> from sanctionsim.scenario.loader import load_scenario
>>> load_scenario("dprk-2014")  # doctest: +ELLIPSIS
<Scenario dprk-2014: ..., start 2014-07-04, 7 actors, 28 measures>
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sanctionsim.scenario.schema import Scenario


class ScenarioDisplay:
    """A short ``repr`` and ``str``, and a notebook table (``_repr_html_``), for a scenario."""

    def __repr__(self: Scenario) -> str:  # type: ignore[misc]
        return (
            f"<Scenario {self.id}: {self.title!r}, start {self.start}, {len(self.actors)} actors, "
            f"{len(self.measures)} measures>"
        )

    __str__ = __repr__

    def _repr_html_(self: Scenario) -> str:  # type: ignore[misc]
        roles: dict[str, list[str]] = {}
        for actor in self.actors:
            roles.setdefault(actor.role, []).append(f"{actor.name} ({actor.id})")
        rows = [
            ("id", self.id),
            ("title", self.title),
            ("start", f"{self.start}, horizon {self.horizon_months} months"),
            *((f"{role}s", ", ".join(names)) for role, names in roles.items()),
            ("measures", str(len(self.measures))),
            ("side deals", str(len(self.side_deals))),
            ("levers", str(len(self.levers))),
            ("sources", str(len(self.sources))),
        ]
        body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        return f"<table><caption>Scenario {escape(self.id)}</caption>{body}</table>"
