"""The tails of the normal and gamma laws, and their inverses, without scipy.

A warm start draws the time left of a contact under way from its distribution's tail
(:mod:`ccsim.model.time_left`), and the re-forecast gives the 80 % band of a gamma posterior
(:mod:`ccsim.intraday.reforecast`). Both need only a handful of values — the callers waiting
and the contacts in service now — so they are computed here one by one in plain Python,
where importing scipy.special alone took a quarter of a second to most of a second on a busy
machine (an intraday projection answers live).

* normal: ``erfc`` and :class:`statistics.NormalDist` (Wichura's algorithm, about 1e-16);
* gamma: the regularised incomplete gamma function by its series below ``a + 1`` and its
  continued fraction (modified Lentz) above — Numerical Recipes' ``gser``/``gcf`` — and its
  inverse by safeguarded Newton steps from the Wilson–Hilferty start. Agrees with scipy to
  about 1e-13 (tests).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

_EPS = 1e-16
_STANDARD = NormalDist()


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def normal_isf(q: float) -> float:
    """The z with P(Z > z) = q (+inf at 0, −inf at 1)."""
    if q <= 0.0:
        return math.inf
    if q >= 1.0:
        return -math.inf
    return -_STANDARD.inv_cdf(q)


def gamma_sf(a: float, x: float) -> float:
    """Q(a, x) = P(X > x) for X ~ Gamma(shape a, scale 1)."""
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    if x < a + 1.0:
        return 1.0 - _lower_series(a, x)
    return _upper_fraction(a, x)


def gamma_cdf(a: float, x: float) -> float:
    """P(a, x) = P(X ≤ x) for X ~ Gamma(shape a, scale 1)."""
    if x <= 0.0:
        return 0.0
    if math.isinf(x):
        return 1.0
    if x < a + 1.0:
        return _lower_series(a, x)
    return 1.0 - _upper_fraction(a, x)


def gamma_isf(a: float, q: float) -> float:
    """The x with Q(a, x) = q (0 at q = 1, +inf at q = 0)."""
    if q >= 1.0:
        return 0.0
    if q <= 0.0:
        return math.inf
    # Solve on the smaller tail (1 − q is exact for q ≥ 0.5): no precision lost near 1.
    upper = q <= 0.5
    target = q if upper else 1.0 - q
    # Wilson–Hilferty: X/a is about (1 − 1/(9a) + z·√(1/(9a)))³ with z the normal quantile.
    c = 1.0 / (9.0 * a)
    x = a * (1.0 - c + normal_isf(q) * math.sqrt(c)) ** 3
    if not upper and (x <= 0 or target < 1e-3):  # near 0, P(a, x) is about x^a / Γ(a + 1)
        x = math.exp((math.log(target) + math.lgamma(a + 1.0)) / a)
    x = max(x, 1e-300)
    low, high = 0.0, math.inf
    log_norm = math.lgamma(a)
    for _ in range(200):
        # Newton on the log of the tail (tails fall exponentially: on the tail itself a step
        # from the wrong side moves by about 1 a time); error > 0: x is too small.
        tail = gamma_sf(a, x) if upper else gamma_cdf(a, x)
        density = math.exp((a - 1.0) * math.log(x) - x - log_norm)
        if tail > 0 and density > 0:
            error = math.log(tail / target) if upper else math.log(target / tail)
            candidate = x + error * tail / density
        else:  # underflow: say which side, no step
            error = 1.0 if (tail > 0) == upper else -1.0
            candidate = math.inf if error > 0 else 0.0
        if error > 0:
            low = x
        else:
            high = x
        if not low < candidate < high:  # Newton left the bracket: bisect (or grow)
            if not math.isfinite(high):
                candidate = 2.0 * max(x, 1.0)
            elif low > 0 and high > 4 * low:  # across orders of magnitude: geometrically
                candidate = math.sqrt(low * high)
            else:
                candidate = (low + high) / 2
        if abs(candidate - x) <= 1e-15 * max(x, 1e-300):
            return candidate
        x = candidate
    return x


def vectorised(f):
    """``f`` of one float applied to each value of an array (the inputs here are short)."""

    def apply(values, *args):
        flat = np.asarray(values, dtype=float)
        return np.array([f(*args, float(v)) for v in flat.ravel()]).reshape(flat.shape)

    return apply


def _lower_series(a: float, x: float) -> float:
    """P(a, x) by its series (converges quickly for x < a + 1)."""
    term = total = 1.0 / a
    n = a
    for _ in range(100_000):
        n += 1.0
        term *= x / n
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (converges quickly for x > a + 1)."""
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h
