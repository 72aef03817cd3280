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
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from ccsim.scenario.fields import FROZEN, Duration, PositiveDuration

_BATCH = 4096  # numbers drawn per refill: amortises numpy's call overhead in the hot path


class _Distribution(BaseModel, ABC):
    """Common behaviour: every distribution has a mean and draws arrays of samples."""

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


class Exponential(_Distribution):
    """Memoryless durations: the classic Erlang assumption for handle time and patience."""

    distribution: Literal["exponential"]
    mean_seconds: PositiveDuration = Field(alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_seconds

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_seconds, size)


class Deterministic(_Distribution):
    """A fixed duration (M/D/1 checks, scripted wrap-up)."""

    distribution: Literal["deterministic"]
    value: Duration

    @property
    def mean(self) -> float:
        return self.value

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)


class LogNormal(_Distribution):
    """Right-skewed durations, the usual best fit for talk times; given by mean and cv."""

    distribution: Literal["lognormal"]
    mean_seconds: PositiveDuration = Field(alias="mean")
    cv: float = Field(gt=0, le=20)

    @property
    def mean(self) -> float:
        return self.mean_seconds

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean_seconds) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)


class Gamma(_Distribution):
    """Gamma durations given by mean and cv (cv = 1 is exponential, cv < 1 is Erlang-like)."""

    distribution: Literal["gamma"]
    mean_seconds: PositiveDuration = Field(alias="mean")
    cv: float = Field(gt=0, le=20)

    @property
    def mean(self) -> float:
        return self.mean_seconds

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean_seconds / shape, size)


class Weibull(_Distribution):
    """Weibull durations given by mean and shape (shape < 1: impatience fades with waiting)."""

    distribution: Literal["weibull"]
    mean_seconds: PositiveDuration = Field(alias="mean")
    shape: float = Field(gt=0.05, le=50)

    @property
    def mean(self) -> float:
        return self.mean_seconds

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        scale = self.mean_seconds / math.gamma(1 + 1 / self.shape)
        return scale * rng.weibull(self.shape, size)


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

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class Empirical(_Distribution):
    """Durations resampled from observed values (optionally with weights)."""

    distribution: Literal["empirical"]
    values: list[Duration] = Field(min_length=1)
    weights: list[float] | None = None

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

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size, p=self.probabilities)


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


class BatchSampler:
    """Hands out one sample at a time from batches drawn with numpy.

    Drawing one number per numpy call costs about a microsecond; drawing 4,096 at once and
    handing them out from a Python list costs a few tens of nanoseconds each, which matters
    in the simulation's hot path.
    """

    __slots__ = ("_distribution", "_rng", "_buffer")

    def __init__(self, distribution: _Distribution, rng: np.random.Generator):
        self._distribution = distribution
        self._rng = rng
        self._buffer: list[float] = []

    def __call__(self) -> float:
        """The next sample, in seconds."""
        buffer = self._buffer
        if not buffer:
            # Reversed so that pop() from the end hands samples out in drawn order.
            buffer.extend(self._distribution.draw(self._rng, _BATCH)[::-1].tolist())
        return buffer.pop()
