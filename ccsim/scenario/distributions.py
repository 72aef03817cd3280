"""Named distributions of durations: handle times, wrap-up, patience.

Each distribution is a small frozen scenario object that knows its mean and draws samples
from a given :class:`numpy.random.Generator` (never a global one). Planners usually know a
mean and how variable a duration is, so the skewed families are given by ``mean`` and ``cv``
(coefficient of variation = standard deviation / mean) rather than by their textbook
parameters.

In YAML::

    handle_time: {distribution: lognormal, mean: 4min, cv: 0.8}
    patience: {distribution: exponential, mean: 3min}
    wrap_up: {distribution: deterministic, value: 30s}

Each distribution owns its maths, in one place: the conversion between (mean, cv or shape)
and the textbook parameters (``LogNormal.mu``/``sigma``, ``Gamma.shape``, ``Weibull.scale``,
and back with ``LogNormal.from_log``, ``Gamma.from_shape_scale``, ``Weibull.from_scale``),
``cv``, ``scaled(factor)`` (every duration × factor, the shape unchanged), ``sf(t)`` (the
tail probability P(X > t)) and ``scipy()``, the same distribution frozen in
:mod:`scipy.stats` (for the families scipy has: not deterministic or empirical).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator
from functools import partial
from itertools import chain
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from ccsim.scenario.fields import FROZEN, Duration, PositiveDuration, Real

_BATCH = 4096  # numbers drawn per refill: amortises numpy's call overhead in the hot path


def _scipy_stats():
    """scipy.stats, imported on first use: it takes longer to load than a day's simulation,
    and only calibration and a few analytic figures need a distribution's scipy twin."""
    from scipy import stats

    return stats


class _Distribution(BaseModel, ABC):
    """Common behaviour: every distribution has a mean and draws arrays of samples.

    Every family also has ``cv``, the coefficient of variation (standard deviation / mean):
    a field where the scenario gives it (lognormal, gamma), a property elsewhere.
    """

    model_config = FROZEN

    @property
    @abstractmethod
    def mean(self) -> float:
        """The mean duration in seconds."""

    @abstractmethod
    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent samples, in seconds."""

    def sampler(self, rng: np.random.Generator) -> BatchSampler:
        """A fast one-at-a-time sampler drawing from ``rng`` in batches."""
        return BatchSampler(self, rng)

    def scaled(self, factor: float) -> _Distribution:
        """The same distribution with every duration × ``factor`` (mean × factor; cv and
        shape unchanged): a handle time 10 % longer is ``scaled(1.1)``."""
        if not (math.isfinite(factor) and factor > 0):
            raise ValueError(f"a distribution scales by a positive factor, not {factor!r}")
        return self.model_copy(update=self._scaled_fields(factor))

    @abstractmethod
    def _scaled_fields(self, factor: float) -> dict:
        """The fields that carry durations, multiplied by ``factor``."""

    def scipy(self):
        """The distribution frozen in :mod:`scipy.stats` (pdf, cdf, sf, isf …).

        Raises:
            ValueError: the family has no scipy counterpart (deterministic, empirical).
        """
        raise ValueError(f"a {self.distribution} distribution has no scipy.stats view")

    def sf(self, t) -> np.ndarray:
        """The tail probability P(X > t) at each of ``t`` (seconds): for patience, the
        share of callers still waiting after ``t``."""
        return self.scipy().sf(np.asarray(t, dtype=float))


class _GivenByMean(_Distribution):
    """A family given by its mean (and, in the subclasses, a cv or a shape): the mean is the
    only field that carries a duration, so scaling multiplies it alone."""

    distribution: str  # each family narrows it to its own name (the discriminator)
    mean_seconds: PositiveDuration = Field(alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_seconds

    def _scaled_fields(self, factor: float) -> dict:
        return {"mean_seconds": self.mean_seconds * factor}


class Exponential(_GivenByMean):
    """Memoryless durations: the classic Erlang assumption for handle time and patience."""

    distribution: Literal["exponential"]

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_seconds, size)

    @property
    def cv(self) -> float:
        return 1.0

    def scipy(self):
        return _scipy_stats().expon(scale=self.mean_seconds)


class Deterministic(_Distribution):
    """A fixed duration (M/D/1 checks, scripted wrap-up)."""

    distribution: Literal["deterministic"]
    value: Duration

    @property
    def mean(self) -> float:
        return self.value

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)

    @property
    def cv(self) -> float:
        return 0.0

    def _scaled_fields(self, factor: float) -> dict:
        return {"value": self.value * factor}

    def sf(self, t) -> np.ndarray:
        return np.where(np.asarray(t, dtype=float) < self.value, 1.0, 0.0)


class LogNormal(_GivenByMean):
    """Right-skewed durations, the usual best fit for talk times; given by mean and cv."""

    distribution: Literal["lognormal"]
    cv: Real = Field(gt=0, le=20)

    @classmethod
    def from_log(cls, mu: float, sigma: float) -> LogNormal:
        """The lognormal whose logarithm has mean ``mu`` and standard deviation ``sigma``."""
        return cls(
            distribution="lognormal",
            mean=math.exp(mu + sigma**2 / 2),
            cv=math.sqrt(math.expm1(sigma**2)),
        )

    @property
    def sigma(self) -> float:
        """The standard deviation of log X: √log(1 + cv²)."""
        return math.sqrt(math.log1p(self.cv**2))

    @property
    def mu(self) -> float:
        """The mean of log X: log(mean) − σ²/2."""
        return math.log(self.mean_seconds) - math.log1p(self.cv**2) / 2

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.lognormal(self.mu, self.sigma, size)

    def scipy(self):
        sigma = self.sigma
        return _scipy_stats().lognorm(sigma, scale=self.mean_seconds * math.exp(-(sigma**2) / 2))


class Gamma(_GivenByMean):
    """Gamma durations given by mean and cv (cv = 1 is exponential, cv < 1 is Erlang-like)."""

    distribution: Literal["gamma"]
    cv: Real = Field(gt=0, le=20)

    @classmethod
    def from_shape_scale(cls, shape: float, scale: float) -> Gamma:
        """The gamma of textbook ``shape`` k and ``scale`` θ: mean kθ, cv 1/√k."""
        return cls(distribution="gamma", mean=shape * scale, cv=1 / math.sqrt(shape))

    @property
    def shape(self) -> float:
        """The textbook shape k = 1 / cv²."""
        return 1.0 / self.cv**2

    @property
    def scale(self) -> float:
        """The textbook scale θ = mean / k."""
        return self.mean_seconds / self.shape

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, size)

    def scipy(self):
        return _scipy_stats().gamma(self.shape, scale=self.scale)


class Weibull(_GivenByMean):
    """Weibull durations given by mean and shape (shape < 1: impatience fades with waiting)."""

    distribution: Literal["weibull"]
    shape: Real = Field(gt=0.05, le=50)

    @classmethod
    def from_scale(cls, shape: float, scale: float) -> Weibull:
        """The Weibull of textbook ``shape`` k and ``scale`` λ: mean λ Γ(1 + 1/k)."""
        return cls(distribution="weibull", mean=scale * math.gamma(1 + 1 / shape), shape=shape)

    @property
    def scale(self) -> float:
        """The textbook scale λ = mean / Γ(1 + 1/k)."""
        return self.mean_seconds / math.gamma(1 + 1 / self.shape)

    @property
    def cv(self) -> float:
        k = self.shape
        return math.sqrt(math.gamma(1 + 2 / k) / math.gamma(1 + 1 / k) ** 2 - 1)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.scale * rng.weibull(self.shape, size)

    def scipy(self):
        return _scipy_stats().weibull_min(self.shape, scale=self.scale)


class Uniform(_Distribution):
    """Durations equally likely between ``low`` and ``high``."""

    distribution: Literal["uniform"]
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _check_order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g} s) must not be below low ({self.low:g} s)")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def cv(self) -> float:
        return (self.high - self.low) / math.sqrt(12) / self.mean if self.mean else 0.0

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    def _scaled_fields(self, factor: float) -> dict:
        return {"low": self.low * factor, "high": self.high * factor}

    def scipy(self):
        return _scipy_stats().uniform(loc=self.low, scale=self.high - self.low)


class Empirical(_Distribution):
    """Durations resampled from observed values (optionally with weights)."""

    distribution: Literal["empirical"]
    values: list[Duration] = Field(min_length=1)
    weights: list[Real] | None = None

    @model_validator(mode="after")
    def _check_weights(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has "
                    f"{len(self.values)}; give one weight per value"
                )
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        return self

    @property
    def probabilities(self) -> np.ndarray:
        if self.weights is None:
            return np.full(len(self.values), 1 / len(self.values))
        weights = np.asarray(self.weights, dtype=float)
        return weights / weights.sum()

    @property
    def mean(self) -> float:
        return float(np.dot(self.values, self.probabilities))

    @property
    def cv(self) -> float:
        values, p = np.asarray(self.values, dtype=float), self.probabilities
        mean = float(np.dot(values, p))
        return math.sqrt(float(np.dot((values - mean) ** 2, p))) / mean if mean else 0.0

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size, p=self.probabilities)

    def _scaled_fields(self, factor: float) -> dict:
        return {"values": [v * factor for v in self.values]}

    def sf(self, t) -> np.ndarray:
        values, p = np.asarray(self.values, dtype=float), self.probabilities
        t = np.asarray(t, dtype=float)
        return (values > t[..., None]).astype(float) @ p


Distribution = Annotated[
    Exponential | Deterministic | LogNormal | Gamma | Weibull | Uniform | Empirical,
    Field(discriminator="distribution"),
]
"""Any named distribution, chosen by its ``distribution`` key."""

DISTRIBUTION_NAMES = (
    "exponential",
    "deterministic",
    "lognormal",
    "gamma",
    "weibull",
    "uniform",
    "empirical",
)


class BatchSampler(partial[float]):
    """Hands out one sample at a time from batches drawn with numpy.

    Drawing one number per numpy call costs about a microsecond; drawing 4,096 at once and
    handing them out costs a few tens of nanoseconds each, which matters in the simulation's
    hot path. Calling a sampler is ``next()`` on a chain of the batches: a
    :func:`functools.partial` of built-ins, so no Python frame is entered per sample (half
    the cost of a method popping from a list); a batch is drawn when the previous one runs
    out, and the samples come out in the order drawn.
    """

    __slots__ = ()

    def __new__(cls, distribution: _Distribution, rng: np.random.Generator) -> BatchSampler:
        return super().__new__(cls, next, chain.from_iterable(_batches(distribution, rng)))


def _batches(distribution: _Distribution, rng: np.random.Generator) -> Iterator[list[float]]:
    """Batches of ``distribution``'s samples drawn from ``rng``, one after another, forever."""
    while True:
        yield distribution.draw(rng, _BATCH).tolist()
