"""Uncertain numbers: the five distributions a scenario may use instead of a plain number.

Each distribution is a frozen pydantic model with ``central()`` (the value used for a point
analysis) and ``sample(rng, size)`` (vectorised draws from an explicit ``numpy`` Generator).
Optional ``low``/``high`` bounds truncate normal and lognormal draws; truncation is done by
vectorised rejection with a cap, and a distribution whose bounds keep too little mass is
rejected when the scenario is validated rather than when it is sampled.

>>> import numpy as np
>>> d = Triangular(dist="triangular", low=0.1, mode=0.2, high=0.6)
>>> round(d.central(), 6), d.bounds()
(0.2, (0.1, 0.6))
>>> x = d.sample(np.random.default_rng(0), 1000)
>>> bool(x.min() >= 0.1 and x.max() <= 0.6)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# A truncated distribution must keep at least this share of its mass inside its bounds, so
# that rejection sampling stays fast and the bounds are not a typo.
MIN_TRUNCATED_MASS = 1e-3
_MAX_REJECTION_ROUNDS = 200


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def central(self) -> float:
        """The value used when the analysis needs one number."""
        raise NotImplementedError

    def bounds(self) -> tuple[float, float]:
        """The smallest interval holding every possible draw."""
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """``size`` independent draws using ``rng``."""
        raise NotImplementedError


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def _truncated(
    draw: Callable[[int], NDArray[np.float64]], low: float, high: float, size: int
) -> NDArray[np.float64]:
    """Rejection sampling into [low, high], vectorised, with a round cap."""
    import numpy as np

    out = np.empty(size)
    filled = 0
    for _ in range(_MAX_REJECTION_ROUNDS):
        if filled == size:
            return out
        batch = draw(max(2 * (size - filled), 64))
        keep = batch[(batch >= low) & (batch <= high)][: size - filled]
        out[filled : filled + keep.size] = keep
        filled += keep.size
    if filled == size:
        return out
    raise RuntimeError("truncated distribution keeps too little mass to sample")


class Normal(_Dist):
    """Normal(mean, sd), optionally truncated to [low, high]."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _mass_inside(self) -> Normal:
        low, high = self.bounds()
        if low >= high:
            raise ValueError(f"low ({low}) must be below high ({high})")
        mass = _normal_cdf((high - self.mean) / self.sd) - _normal_cdf((low - self.mean) / self.sd)
        if mass < MIN_TRUNCATED_MASS:
            raise ValueError(f"bounds [{low}, {high}] keep only {mass:.2g} of the distribution")
        return self

    def central(self) -> float:
        low, high = self.bounds()
        return min(max(self.mean, low), high)

    def bounds(self) -> tuple[float, float]:
        return (
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
        )

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        low, high = self.bounds()
        return _truncated(lambda n: rng.normal(self.mean, self.sd, n), low, high, size)


class LogNormal(_Dist):
    """Log-normal given by its median and the standard deviation of the log, optionally bounded."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0, description="standard deviation of log(x)")
    low: float | None = Field(default=None, ge=0)
    high: float | None = None

    @model_validator(mode="after")
    def _mass_inside(self) -> LogNormal:
        low, high = self.bounds()
        if low >= high:
            raise ValueError(f"low ({low}) must be below high ({high})")
        mu = math.log(self.median)
        z_high = math.inf if math.isinf(high) else (math.log(high) - mu) / self.sigma
        z_low = -math.inf if low <= 0 else (math.log(low) - mu) / self.sigma
        mass = _normal_cdf(z_high) - _normal_cdf(z_low)
        if mass < MIN_TRUNCATED_MASS:
            raise ValueError(f"bounds [{low}, {high}] keep only {mass:.2g} of the distribution")
        return self

    def central(self) -> float:
        low, high = self.bounds()
        return min(max(self.median, low), high)

    def bounds(self) -> tuple[float, float]:
        return (0.0 if self.low is None else self.low, math.inf if self.high is None else self.high)

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        low, high = self.bounds()
        mu = math.log(self.median)
        return _truncated(lambda n: rng.lognormal(mu, self.sigma, n), low, high, size)


class Beta(_Dist):
    """Beta(alpha, beta) rescaled to [low, high] (default [0, 1])."""

    dist: Literal["beta"]
    alpha: float = Field(gt=0)
    beta: float = Field(gt=0)
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Beta:
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def central(self) -> float:
        return self.low + (self.high - self.low) * self.alpha / (self.alpha + self.beta)

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        return self.low + (self.high - self.low) * rng.beta(self.alpha, self.beta, size)


class Triangular(_Dist):
    """Triangular(low, mode, high): the usual form of an analyst's three-point estimate."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"need low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    def central(self) -> float:
        return self.mode

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        return rng.triangular(self.low, self.mode, self.high, size)


class Uniform(_Dist):
    """Uniform(low, high)."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def central(self) -> float:
        return (self.low + self.high) / 2

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        return rng.uniform(self.low, self.high, size)


Distribution = Annotated[
    Normal | LogNormal | Beta | Triangular | Uniform, Field(discriminator="dist")
]
