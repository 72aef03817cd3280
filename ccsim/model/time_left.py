"""The time left of a duration already under way: the conditional draw of a warm start.

A caller who has waited four minutes, or a call 6 minutes into its talk, is not a fresh
draw: what is left is drawn from the distribution *conditional on exceeding the time already
spent*, ``X = sf⁻¹(U · sf(elapsed))`` with U uniform, minus ``elapsed`` (``sf`` is the tail,
the share of durations longer than a value). An exponential duration is memoryless (what is
left is a fresh exponential draw); a deterministic one leaves ``value − elapsed``; a
lognormal, gamma, Weibull or uniform one has its tail and inverse in closed form, computed
here in plain Python (:mod:`ccsim.model.gamma_tail`: importing scipy took up to a second
on a busy machine, and an intraday projection answers live); an empirical one resamples its
own draws that exceed ``elapsed``.
"""

from __future__ import annotations

import math

import numpy as np

from ccsim.model.gamma_tail import gamma_isf, gamma_sf, normal_isf, normal_sf, vectorised
from ccsim.scenario.distributions import (
    Deterministic,
    Exponential,
    Gamma,
    LogNormal,
    Uniform,
    Weibull,
)

normal_tail = vectorised(normal_sf)
normal_quantile = vectorised(normal_isf)
gamma_tail = vectorised(gamma_sf)
gamma_quantile = vectorised(gamma_isf)


def tail_functions(distribution):
    """``(sf, isf)`` of ``distribution``: its tail and the tail's inverse, vectorised.

    The same laws as scipy.stats' ``lognorm``, ``gamma``, ``weibull_min`` and ``uniform``
    (within about 1e-13, tests); other families fall back to the distribution's scipy view
    (raising ``ValueError`` when it has none: an empirical distribution).
    """
    if isinstance(distribution, LogNormal):
        sigma = distribution.sigma
        scale = distribution.mean_seconds * math.exp(-(sigma**2) / 2)

        def sf(x):
            with np.errstate(divide="ignore"):
                z = np.log(np.asarray(x, dtype=float) / scale) / sigma
            return normal_tail(z)

        return sf, lambda q: scale * np.exp(normal_quantile(q) * sigma)
    if isinstance(distribution, Gamma):
        shape = 1 / distribution.cv**2
        scale = distribution.mean_seconds / shape
        return (
            lambda x: gamma_tail(np.asarray(x, dtype=float) / scale, shape),
            lambda q: scale * gamma_quantile(q, shape),
        )
    if isinstance(distribution, Weibull):
        k, scale = distribution.shape, distribution.scale
        return (
            lambda x: np.exp(-((x / scale) ** k)),
            lambda q: scale * (-np.log(q)) ** (1 / k),
        )
    if isinstance(distribution, Uniform):
        low, width = distribution.low, distribution.high - distribution.low
        if width > 0:
            return (
                lambda x: np.clip(1 - (x - low) / width, 0.0, 1.0),
                lambda q: low + (1 - q) * width,
            )
    frozen = distribution.scipy()
    return frozen.sf, frozen.isf


def time_left(distribution, elapsed: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The time left of durations known to have lasted ``elapsed`` already.

    Each is drawn from the distribution conditional on exceeding its ``elapsed``:
    ``X = sf⁻¹(U · sf(elapsed))`` with U uniform, minus ``elapsed``. For an exponential
    distribution that is exactly a fresh exponential draw (memoryless); a deterministic one
    leaves ``value − elapsed`` (0 once passed); a family without a scipy view (empirical)
    resamples its own draws that exceed ``elapsed``. Past the end of the support the time
    left is 0.
    """
    elapsed = np.asarray(elapsed, dtype=float)
    n = len(elapsed)
    if n == 0:
        return np.zeros(0)
    if isinstance(distribution, Exponential):
        return rng.exponential(distribution.mean, n)
    if isinstance(distribution, Deterministic):
        return np.maximum(distribution.value - elapsed, 0.0)
    try:
        sf, isf = tail_functions(distribution)
    except ValueError:
        return resampled_left(np.sort(distribution.draw(rng, 8192)), elapsed, rng)
    u = rng.random(n)
    tail = sf(elapsed)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = isf(u * tail)
    left = np.where(tail > 0, total - elapsed, 0.0)
    return np.maximum(np.nan_to_num(left, nan=0.0), 0.0)


def resampled_left(pool: np.ndarray, elapsed: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Time left past each ``elapsed``: a uniform pick among the sorted samples ``pool``
    that exceed it (0 past the largest)."""
    left = np.zeros(len(elapsed))
    for i, e in enumerate(elapsed):
        start = np.searchsorted(pool, e, side="right")
        if start < len(pool):
            left[i] = pool[rng.integers(start, len(pool))] - e
    return left
