"""Uncertain numbers: the five distributions a scenario may use instead of a plain number.

Each distribution is a frozen pydantic model with ``central()`` (the value used for a point
analysis) and ``sample(rng, size)`` (vectorised draws from an explicit ``numpy`` Generator).
Optional ``low``/``high`` bounds truncate normal and lognormal draws. Truncation is done by
vectorised rejection with a round cap; when the cap runs out (which needs a kept mass under
about 2%: see :data:`_MAX_REJECTION_ROUNDS`), the missing draws come from the inverse CDF, so
every draw rejection can give is unchanged and whatever validates can be drawn. A distribution
whose bounds keep under :data:`MIN_TRUNCATED_MASS` of its mass is refused when the scenario is
validated (such bounds are most likely a typo).

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
from statistics import NormalDist
from typing import TYPE_CHECKING, Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# A truncated distribution must keep at least this share of its mass inside its bounds, so
# that the bounds are not a typo.
MIN_TRUNCATED_MASS = 1e-3
# Rounds of rejection before the inverse CDF takes over. Each round draws twice the missing
# count (at least 64), so rejection fills a block of 1,024 draws whenever the kept mass is 2% or
# more (measured: 16,384 draws at 2% never ran out in 2,000 tries); below 1.5% it runs out for a
# block, below 0.2% for 100 draws. Rejection is kept where it succeeds because the draws of
# every file that samples today must not change.
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

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """The inverse CDF at points ``u`` of [0, 1] (the quantiles; bounds at 0 and 1)."""
        raise NotImplementedError


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def _truncated(
    draw: Callable[[int], NDArray[np.float64]],
    inverse: Callable[[int], NDArray[np.float64]],
    low: float,
    high: float,
    size: int,
) -> NDArray[np.float64]:
    """Rejection sampling into [low, high], vectorised; ``inverse(n)`` fills what is left.

    ``draw(n)`` gives ``n`` untruncated draws and ``inverse(n)`` ``n`` truncated ones by the
    inverse CDF; the latter is called only when :data:`_MAX_REJECTION_ROUNDS` rounds of
    rejection have not filled the sample. Both give independent draws of the same truncated
    law (Devroye 1986, *Non-Uniform Random Variate Generation*, II.2 and II.3), so the mixed
    sample is still i.i.d.
    """
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
    if filled < size:
        out[filled:] = inverse(size - filled)
    return out


def _normal_ppf(
    u: NDArray[np.float64], centre: float, scale: float, a: float, b: float
) -> NDArray[np.float64]:
    """``centre + scale * z`` for the standard normal truncated to ``[a, b]`` at quantiles ``u``.

    ``Phi^-1`` of ``u`` rescaled into ``[Phi(a), Phi(b)]``; the end points stay finite (the
    bounds, or 8 standard deviations).
    """
    import numpy as np
    from scipy import stats

    lo, hi = stats.norm.cdf(a), stats.norm.cdf(b)
    z = np.clip(stats.norm.ppf(lo + u * (hi - lo)), max(a, -8.0), min(b, 8.0))
    result: NDArray[np.float64] = centre + scale * z
    return result


def _truncated_standard_normal(
    rng: np.random.Generator, z_low: float, z_high: float, size: int
) -> NDArray[np.float64]:
    """``size`` draws of the standard normal truncated to [z_low, z_high], by the inverse CDF.

    An interval in the upper half is mirrored into the lower one, where the CDF keeps its full
    relative precision; uniforms come from (0, 1] so the quantile is never taken at 0.
    """
    import numpy as np

    mirrored = z_low > 0
    if mirrored:
        z_low, z_high = -z_high, -z_low
    standard = NormalDist()
    cdf_low = 0.5 * math.erfc(-z_low / math.sqrt(2.0))
    cdf_high = 0.5 * math.erfc(-z_high / math.sqrt(2.0))
    shares = cdf_low + (cdf_high - cdf_low) * (1.0 - rng.random(size))
    z = np.clip([standard.inv_cdf(float(u)) for u in shares], z_low, z_high)
    return -z if mirrored else z


class _NormalLaw(_Dist):
    """A normal law on the scale of ``x`` (:class:`Normal`) or of ``log x`` (:class:`LogNormal`),
    truncated to ``[low, high]``.

    The check of the mass the bounds keep, the sampler (rejection, then the inverse CDF: see
    :func:`_truncated`) and the quantiles are the same for both; a subclass gives the law's
    location and scale on its scale, the way back to ``x``, its untruncated draws and its bounds
    in standard units.
    """

    def _location_scale(self) -> tuple[float, float]:
        raise NotImplementedError

    def _to_x(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        raise NotImplementedError

    def _untruncated(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        raise NotImplementedError

    def _standard_bounds(self) -> tuple[float, float]:
        """The bounds on the law's scale, in standard units."""
        raise NotImplementedError

    @model_validator(mode="after")
    def _mass_inside(self) -> Self:
        low, high = self.bounds()
        if low >= high:
            raise ValueError(f"low ({low}) must be below high ({high})")
        z_low, z_high = self._standard_bounds()
        mass = _normal_cdf(z_high) - _normal_cdf(z_low)
        if mass < MIN_TRUNCATED_MASS:
            raise ValueError(f"bounds [{low}, {high}] keep only {mass:.2g} of the distribution")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        import numpy as np

        low, high = self.bounds()
        loc, scale = self._location_scale()

        def inverse(n: int) -> NDArray[np.float64]:
            z = _truncated_standard_normal(rng, *self._standard_bounds(), n)
            return np.clip(self._to_x(loc + scale * z), low, high)

        return _truncated(lambda n: self._untruncated(rng, n), inverse, low, high, size)

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Truncated normal quantiles on the law's scale (scipy's ``norm``), taken back to ``x``."""
        import numpy as np

        low, high = self.bounds()
        loc, scale = self._location_scale()
        return np.clip(self._to_x(_normal_ppf(u, loc, scale, *self._standard_bounds())), low, high)


class Normal(_NormalLaw):
    """Normal(mean, sd), optionally truncated to [low, high]."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None

    def _location_scale(self) -> tuple[float, float]:
        return self.mean, self.sd

    def _to_x(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        return y

    def _untruncated(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        return rng.normal(self.mean, self.sd, size)

    def _standard_bounds(self) -> tuple[float, float]:
        low, high = self.bounds()
        return (
            -math.inf if math.isinf(low) else (low - self.mean) / self.sd,
            math.inf if math.isinf(high) else (high - self.mean) / self.sd,
        )

    def central(self) -> float:
        low, high = self.bounds()
        return min(max(self.mean, low), high)

    def bounds(self) -> tuple[float, float]:
        return (
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
        )


class LogNormal(_NormalLaw):
    """Log-normal given by its median and the standard deviation of the log, optionally bounded."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0, description="standard deviation of log(x)")
    low: float | None = Field(default=None, ge=0)
    high: float | None = None

    def _location_scale(self) -> tuple[float, float]:
        return math.log(self.median), self.sigma

    def _to_x(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        import numpy as np

        return np.exp(y)

    def _untruncated(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        return rng.lognormal(math.log(self.median), self.sigma, size)

    def _standard_bounds(self) -> tuple[float, float]:
        """The bounds of ``log(x)`` in standard units."""
        low, high = self.bounds()
        mu = math.log(self.median)
        z_high = math.inf if math.isinf(high) else (math.log(high) - mu) / self.sigma
        z_low = -math.inf if low <= 0 else (math.log(low) - mu) / self.sigma
        return z_low, z_high

    def central(self) -> float:
        low, high = self.bounds()
        return min(max(self.median, low), high)

    def bounds(self) -> tuple[float, float]:
        return (0.0 if self.low is None else self.low, math.inf if self.high is None else self.high)


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

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """scipy's ``beta.ppf`` rescaled to ``[low, high]``."""
        from scipy import stats

        values: NDArray[np.float64] = self.low + (self.high - self.low) * stats.beta.ppf(
            u, self.alpha, self.beta
        )
        return values


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

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Closed form: ``low + sqrt(u (high-low)(mode-low))`` below ``F(mode)``, else
        ``high - sqrt((1-u)(high-low)(high-mode))``."""
        import numpy as np

        low, mode, high = self.low, self.mode, self.high
        cut = (mode - low) / (high - low)
        left = low + np.sqrt(u * (high - low) * (mode - low))
        right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
        result: NDArray[np.float64] = np.where(u < cut, left, right)
        return result


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

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """``low + u (high - low)``."""
        return self.low + u * (self.high - self.low)


Distribution = Annotated[
    Normal | LogNormal | Beta | Triangular | Uniform, Field(discriminator="dist")
]
