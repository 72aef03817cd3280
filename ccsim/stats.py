"""Confidence intervals over replications: the one home of ccsim's Student-t arithmetic.

Replications of a scenario are independent, identically distributed days, so a measure's
mean over ``n`` of them has the Student-t interval ``mean ± t(1−α/2, n−1) · s / √n``
(:func:`half_width`, :func:`estimate`). Two scenarios run on common random numbers are
compared replication by replication: the *paired* interval is the t interval of the
differences ``b_r − a_r`` (:func:`paired_difference`); as if the runs shared nothing, the
*Welch* interval uses both variances and the Welch–Satterthwaite degrees of freedom
(:func:`welch_difference`). Values that are NaN (a ratio undefined in a replication, such as
ASA when nothing was answered) are left out.

A foundation module: imports only numpy, pandas, :mod:`ccsim.jsonable` (and scipy.special for
fractional degrees of freedom).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from ccsim.jsonable import json_value


def t_quantile(confidence: float, dof):
    """The two-sided Student-t quantile ``t(1 − α/2, dof)`` for a ``confidence`` (1 − α);
    ``dof`` a number or an array (NaN where ``dof`` is not positive).

    Whole degrees of freedom (replications − 1, the usual case) are solved exactly here
    (:func:`_t_whole`); fractional ones (Welch's) with scipy.special, imported only then —
    scipy took longer to import than a day's simulation.
    """
    values = np.asarray(dof, dtype=float)
    flat = values.ravel()
    out = np.full(flat.shape, np.nan)
    for d in np.unique(flat[flat > 0]):
        if d.is_integer():
            out[flat == d] = _t_whole(float(confidence), int(d))
        else:
            from scipy.special import stdtrit

            out[flat == d] = stdtrit(d, (1 + confidence) / 2)
    result = out.reshape(values.shape)
    return result[()] if result.ndim == 0 else result


@lru_cache(maxsize=256)
def _t_whole(confidence: float, dof: int) -> float:
    """``t`` with ``P(|T| <= t) = confidence`` for ``T`` Student with ``dof`` (whole) degrees
    of freedom: Newton's method on the closed-form distribution (Abramowitz & Stegun 26.7.3–4),
    started from the Cornish–Fisher expansion; agrees with scipy to about 1e-14."""
    if dof == 1:
        return math.tan(math.pi * confidence / 2)
    if dof == 2:
        return confidence * math.sqrt(2.0 / (1.0 - confidence * confidence))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    t = z + (z**3 + z) / (4 * dof) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * dof**2)
    log_density = math.lgamma((dof + 1) / 2) - math.lgamma(dof / 2) - 0.5 * math.log(dof * math.pi)
    for _ in range(50):
        density = math.exp(log_density - (dof + 1) / 2 * math.log1p(t * t / dof))
        step = (_t_within(t, dof) - confidence) / (2 * density)
        t -= step
        if abs(step) <= 1e-15 * t:
            break
    return t


def _t_within(t: float, dof: int) -> float:
    """``P(|T| <= t)`` for ``dof`` (whole, ≥ 2) degrees of freedom, in closed form."""
    theta = math.atan(t / math.sqrt(dof))
    c2 = math.cos(theta) ** 2
    if dof % 2 == 0:  # sin θ (1 + 1/2 cos²θ + 1·3/(2·4) cos⁴θ + … up to cos^(ν−2) θ)
        k = np.arange(1, dof // 2, dtype=float)
        terms = np.cumprod((2 * k - 1) / (2 * k) * c2)
        return math.sin(theta) * (1.0 + float(np.sum(terms[::-1])))
    # (2/π)(θ + sin θ cos θ (1 + 2/3 cos²θ + 2·4/(3·5) cos⁴θ + … up to cos^(ν−3) θ))
    k = np.arange(1, (dof - 1) // 2, dtype=float)
    terms = np.cumprod(2 * k / (2 * k + 1) * c2)
    series = math.sin(theta) * math.cos(theta) * (1.0 + float(np.sum(terms[::-1])))
    return 2 / math.pi * (theta + series)


def half_width(sd, n, confidence: float):
    """The Student-t half-width of a mean, ``t(1 − α/2, n − 1) · sd / √n``.

    Args:
        sd: the sample standard deviation (ddof 1): a number, an array, or a pandas Series or
            DataFrame (say, one per interval and measure).
        n: how many values each ``sd`` came from, of the same shape.
        confidence: the interval's level, e.g. 0.95.

    Returns:
        The half-width, of the shape and type of ``sd``; NaN where ``n`` < 2 (one value says
        nothing about its spread).
    """
    if np.ndim(sd) == 0 and np.ndim(n) == 0:
        if n < 2:
            return math.nan
        return float(t_quantile(confidence, n - 1) * sd / math.sqrt(n))
    counts = np.asarray(n, dtype=float)
    t = t_quantile(confidence, np.maximum(counts - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        half = t * np.asarray(sd, dtype=float) / np.sqrt(counts)
    half = np.where(counts > 1, half, np.nan)
    pd = sys.modules.get("pandas")  # a pandas argument means pandas is loaded: not imported here
    if pd is not None and isinstance(sd, pd.DataFrame):
        return pd.DataFrame(half, index=sd.index, columns=sd.columns)
    if pd is not None and isinstance(sd, pd.Series):
        return pd.Series(half, index=sd.index, name=sd.name)
    return half


@dataclass(frozen=True)
class Estimate:
    """A measure's mean over replications with its confidence interval.

    Attributes:
        mean: the mean of the replications' values.
        low, high: the interval, clipped to the range the measure can take.
        half_width: the unclipped Student-t half-width.
        replications: how many replications counted (the measure was defined in).
    """

    mean: float
    low: float
    high: float
    half_width: float
    replications: int

    def as_dict(self) -> dict[str, float | int | None]:
        """As ``summary.json`` writes it (NaN as None)."""
        return {
            "mean": json_value(self.mean),
            "low": json_value(self.low),
            "high": json_value(self.high),
            "half_width": json_value(self.half_width),
            "replications": self.replications,
        }


def estimate(
    values, confidence: float, limits: tuple[float, float] = (-math.inf, math.inf)
) -> Estimate:
    """Mean and Student-t confidence interval of per-replication values (NaNs left out).

    A replication in which a ratio is undefined (say, ASA when nothing was answered) is left
    out of that measure; ``replications`` tells how many counted. The interval is clipped to
    ``limits``, the range the measure can take (a service level is never below 0 or above 1:
    :func:`ccsim.measures.catalogue.bounds`); ``half_width`` stays the unclipped one.
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(values.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, math.nan, 1)
    half = half_width(float(values.std(ddof=1)), n, confidence)
    low, high = max(mean - half, limits[0]), min(mean + half, limits[1])
    return Estimate(mean, low, high, half, n)


@dataclass(frozen=True)
class Difference:
    """A difference of means ``b − a`` with its confidence interval.

    Attributes:
        difference: the mean difference.
        low, high: its interval (NaN with fewer than two replications).
        half_width: the interval's half-width.
        replications: how many replications (pairs, for a paired difference) counted.
    """

    difference: float
    low: float
    high: float
    half_width: float
    replications: int

    @property
    def significant(self) -> bool:
        """The interval leaves out zero. Exactly equal replications (a scenario against
        itself) give a zero-width interval at zero: not significant."""
        return bool(self.low > 0 or self.high < 0)


def paired_difference(a, b, confidence: float) -> Difference:
    """The paired t interval of ``b − a``, replication by replication (common random
    numbers): ``mean(d) ± t(1−α/2, n−1) · sd(d) / √n``. Pairs where either value is NaN
    are left out."""
    a, b = _both_defined(a, b)
    n = len(a)
    d = b - a
    mean = float(d.mean()) if n else math.nan
    if n < 2:
        return Difference(mean, math.nan, math.nan, math.nan, n)
    half = half_width(float(d.std(ddof=1)), n, confidence)
    return Difference(mean, mean - half, mean + half, half, n)


def welch_half_width(a, b, confidence: float) -> float:
    """Welch's half-width for ``mean(b) − mean(a)`` of two independent samples (unequal
    variances, Welch–Satterthwaite degrees of freedom); 0 when neither varies, NaN with
    fewer than two values in either."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        return math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return 0.0
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return float(t_quantile(confidence, dof) * se)


def welch_difference(a, b, confidence: float) -> Difference:
    """Welch's interval of ``mean(b) − mean(a)`` for two independent samples (NaNs left
    out of each); ``replications`` is the smaller sample's size."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    mean = float(b.mean() - a.mean()) if len(a) and len(b) else math.nan
    half = welch_half_width(a, b, confidence)
    return Difference(mean, mean - half, mean + half, half, min(len(a), len(b)))


def _both_defined(a, b) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = ~(np.isnan(a) | np.isnan(b))
    return a[both], b[both]
