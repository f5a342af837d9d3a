"""The scenario language's building blocks: numbers with provenance, ranges, sources.

Split from :mod:`sanctionsim.scenario.schema`, which re-exports every name here. A *quantity* is
a plain number or an :class:`Estimate` (a point value and/or a distribution, its sources and an
``analyst_estimate`` flag); the annotated types below check the range of every value a quantity
can take, not only its centre.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from sanctionsim.scenario.distributions import Distribution
from sanctionsim.scenario.hints import percentage_hint

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$",
        max_length=80,
        description="a short identifier: letters, digits, '_', '-', '.'",
    ),
]
Confidence = Literal["H", "M", "L"]

SCHEMA_VERSION = 2
"""The newest schema version; files of every version from 1 on are read."""

LegalBasis = Annotated[
    str,
    Field(
        pattern=(
            r"^(unsc:[0-9]{1,5}|regional:[a-z][a-z0-9-]*|unilateral"
            r"|ifi:[a-z][a-z0-9-]*|pledge(:[a-z][a-z0-9-]*)?|private)$"
        ),
        description=(
            "'unsc:<resolution number>', 'regional:<organisation>', 'unilateral'; from schema "
            "version 2 also 'ifi:<institution>', 'pledge' or 'pledge:<group>', 'private'"
        ),
    ),
]
Role = Literal["leader", "member", "target", "third_party", "institution", "other"]
"""``other`` (schema version 2): a party that neither sends, busts nor is the target (a
territory, a mediator, a firm that is only secondary-sanctioned)."""
MeasureKindV1 = Literal[
    "trade", "finance", "travel", "shipping", "aviation", "arms", "designation", "aid"
]
MEASURE_KINDS_V1: tuple[str, ...] = get_args(MeasureKindV1)
MeasureKind = Literal[
    MeasureKindV1,
    # schema version 2
    "technology",
    "preferences",
    "investment",
    "reserves",
    "price_cap",
    "individuals",
    "membership",
    "recognition",
    "diplomatic",
]
StrategyName = Literal[
    "best_response",
    "conditional_cooperation",
    "staged_reciprocity",
    "Cooperator",
    "Defector",
    "TitForTat",
    "Grudger",
    "TitFor2Tats",
    "SuspiciousTitForTat",
    "WinStayLoseShift",
    "Alternator",
    "GTFT",
    "Random",
]
Channel = Literal["revenue", "supply", "finance", "elite", "status"]
"""How a measure bears on the target: denies revenue (exports), denies supply (technology,
arms, grain), cuts finance (reserves, credit), bears on the elite (visa bans, personal asset
freezes), or on its standing (suspension, non-recognition, isolation)."""


class _Model(BaseModel):
    # strict: a string is never silently read as a number or a date.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    since_v2: ClassVar[frozenset[str]] = frozenset()
    """Fields added by schema version 2 (:mod:`sanctionsim.scenario.reading` declares them).

    A file that does not set them serialises exactly as before they existed, so a version-1
    file keeps its dumps, content hashes and stored experiment plans byte for byte."""

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if self.since_v2 and isinstance(data, dict):
            for name in self.since_v2 - self.model_fields_set:
                data.pop(name, None)
        return data


class Estimate(_Model):
    """A number with its provenance: a point value and/or a distribution, sources, a flag."""

    value: float | None = Field(
        default=None, description="point value; defaults to the distribution's central value"
    )
    distribution: Distribution | None = Field(
        default=None, description="uncertainty: normal, lognormal, beta, triangular or uniform"
    )
    sources: list[Identifier] = Field(default_factory=list, description="ids from `sources`")
    analyst_estimate: bool = Field(
        default=False, description="true when no source states this number: a judgement"
    )
    note: str | None = Field(default=None, description="how the number was reached")

    @model_validator(mode="after")
    def _consistent(self) -> Estimate:
        if self.value is None and self.distribution is None:
            raise ValueError("give a value, a distribution, or both")
        if self.analyst_estimate and self.distribution is None:
            raise ValueError("an analyst estimate must carry a distribution (its uncertainty)")
        if self.value is not None and self.distribution is not None:
            low, high = self.distribution.bounds()
            if not low <= self.value <= high:
                raise ValueError(
                    f"value {self.value} lies outside its distribution [{low}, {high}]"
                )
        return self

    def central(self) -> float:
        """The point value (or the distribution's central value)."""
        if self.value is not None:
            return self.value
        assert self.distribution is not None
        return self.distribution.central()

    def bounds(self) -> tuple[float, float]:
        """Smallest interval holding the value and every possible draw."""
        if self.distribution is None:
            assert self.value is not None
            return (self.value, self.value)
        return self.distribution.bounds()


Quantity = float | Estimate


def central(quantity: Quantity) -> float:
    """The point value of a plain number or an estimate.

    >>> central(0.25), central(Estimate(value=0.5))
    (0.25, 0.5)
    """
    return quantity if isinstance(quantity, float | int) else quantity.central()


def bounds(quantity: Quantity) -> tuple[float, float]:
    """The interval a quantity can take."""
    if isinstance(quantity, float | int):
        return (float(quantity), float(quantity))
    return quantity.bounds()


def _within(low: float, high: float, what: str) -> Callable[[Quantity], Quantity]:
    def check(quantity: Quantity) -> Quantity:
        lo, hi = bounds(quantity)
        if lo < low or hi > high:
            shown = f"{lo}" if lo == hi else f"[{lo}, {hi}]"
            hint = percentage_hint(hi) if what == "a share" and lo == hi else ""
            raise ValueError(f"{what} must lie in [{low}, {high}], got {shown}{hint}")
        return quantity

    return check


Probability = Annotated[Quantity, AfterValidator(_within(0.0, 1.0, "a probability"))]
Share = Annotated[Quantity, AfterValidator(_within(0.0, 1.0, "a share"))]
NonNegative = Annotated[Quantity, AfterValidator(_within(0.0, float("inf"), "this value"))]
Signed = Quantity
"""A quantity of either sign (a gain or a loss), U per month unless said otherwise."""
Level = Annotated[float, Field(ge=0.0, le=1.0, description="0 = not applied, 1 = full")]


class Source(_Model):
    """Where a fact comes from."""

    id: Identifier
    citation: str = Field(min_length=1, description="author/outlet, title, date")
    date: dt.date | None = Field(default=None, description="publication date")
    confidence: Confidence = Field(description="H several consistent sources; M one; L disputed")
    url: str | None = None
    page: str | None = Field(
        default=None, description="page, section or paragraph in a printed or PDF source"
    )
    note: str | None = None

    since_v2 = frozenset({"page"})


class Easing(_Model):
    """One measure eased to a level as a side-deal stage."""

    measure: Identifier
    to_level: Level = 0.0


class SnapBack(_Model):
    """What the member does if the target reneges."""

    on_renege: bool = Field(description="restore the eased measures when the target reneges")
    widen_by: NonNegative = Field(
        default=0.0, description="extra pressure added on snap-back (share of target revenue)"
    )
    lag_months: int = Field(default=0, ge=0, le=120)
    note: str | None = None
