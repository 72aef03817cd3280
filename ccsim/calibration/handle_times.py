"""Handle times from a contact log: fit the usual families, choose one by AIC.

A log's handle time is answer → end: talk, hold and after-call work together (most exports
do not split wrap-up out, so the fitted scenario has no separate ``wrap_up``). Every handle
time is fully observed (no censoring), so plain maximum likelihood with :mod:`scipy.stats`
applies, the location fixed at 0:

* ``lognormal`` (closed form), ``gamma``, ``weibull`` (numerical MLE), ``exponential``
  (mean) — each turned into the scenario's form (mean and cv, or mean and shape);
* the family with the smallest AIC (``2 k − 2 log L``) is chosen; the fit report lists every
  family's log-likelihood, AIC, mean, cv and Kolmogorov–Smirnov distance;
* or ``empirical``: 100 quantiles of the observed times (the 0.5 %, 1.5 % … 99.5 % points),
  resampled with equal weights — no family assumed, compact enough for a scenario file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ccsim.calibration.patience import frozen

FAMILIES = ("lognormal", "gamma", "weibull", "exponential")
"""Parametric families tried, in the order reported."""


@dataclass(frozen=True)
class HandleFit:
    """One family fitted to handle times.

    Attributes:
        family: the family's name.
        distribution: the scenario's ``handle_time:`` value (seconds).
        log_likelihood: log-likelihood at the estimate.
        aic: Akaike's information criterion (smaller is better).
        ks: Kolmogorov–Smirnov distance between the data and the fitted distribution.
    """

    family: str
    distribution: dict
    log_likelihood: float
    aic: float
    ks: float


@dataclass(frozen=True)
class HandleEstimate:
    """Handle times of one contact type and the families fitted to them.

    Attributes:
        count: handle times observed.
        mean, cv: their sample mean (seconds) and coefficient of variation.
        fits: every family that could be fitted, best AIC first.
        chosen: the distribution written to the scenario (a fit's, or the empirical one).
        chosen_family: its name (``empirical`` or a family).
    """

    count: int
    mean: float
    cv: float
    fits: tuple[HandleFit, ...]
    chosen: dict
    chosen_family: str


def estimate_handle_time(handle: np.ndarray, family: str = "auto") -> HandleEstimate:
    """Fit every family to ``handle`` (seconds, > 0) and choose one.

    Args:
        handle: observed handle times.
        family: ``auto`` (smallest AIC), one of :data:`FAMILIES`, or ``empirical``.
    """
    x = np.asarray(handle, dtype=float)
    fits = []
    for name in FAMILIES:
        fit = _fit(name, x)
        if fit is not None:
            fits.append(fit)
    fits.sort(key=lambda f: f.aic)
    if family == "empirical":
        quantiles = np.quantile(x, (np.arange(100) + 0.5) / 100)
        chosen = {"distribution": "empirical", "values": [round(float(q), 3) for q in quantiles]}
    else:
        pick = fits[0] if family == "auto" else next((f for f in fits if f.family == family), None)
        if pick is None:
            raise ValueError(f"the {family} family could not be fitted to these handle times")
        chosen, family = pick.distribution, pick.family
    mean = float(x.mean())
    cv = float(x.std(ddof=1) / mean) if len(x) > 1 else 0.0
    return HandleEstimate(len(x), mean, cv, tuple(fits), chosen, family)


def _fit(family: str, x: np.ndarray) -> HandleFit | None:
    mean = float(x.mean())
    try:
        if family == "exponential":
            params = {"distribution": "exponential", "mean": mean}
        elif family == "lognormal":
            sigma, _, scale = stats.lognorm.fit(x, floc=0)
            params = {
                "distribution": "lognormal",
                "mean": scale * math.exp(sigma**2 / 2),
                "cv": math.sqrt(math.expm1(sigma**2)),
            }
        elif family == "gamma":
            shape, _, scale = stats.gamma.fit(x, floc=0)
            params = {"distribution": "gamma", "mean": shape * scale, "cv": 1 / math.sqrt(shape)}
        else:
            shape, _, scale = stats.weibull_min.fit(x, floc=0)
            params = {
                "distribution": "weibull",
                "mean": scale * math.gamma(1 + 1 / shape),
                "shape": shape,
            }
    except (ValueError, RuntimeError, OverflowError, FloatingPointError):
        return None
    if not _acceptable(params):
        return None
    dist = frozen(params)
    log_l = float(np.sum(dist.logpdf(x)))
    if not math.isfinite(log_l):
        return None
    k = 1 if family == "exponential" else 2
    ks = float(stats.kstest(x, dist.cdf).statistic)
    return HandleFit(family, _rounded(params), log_l, 2 * k - 2 * log_l, ks)


def _acceptable(params: dict) -> bool:
    """Within what a scenario accepts (cv up to 20, Weibull shape 0.05–50)."""
    cv, shape = params.get("cv"), params.get("shape")
    return (cv is None or 0 < cv <= 20) and (shape is None or 0.05 < shape <= 50)


def _rounded(params: dict) -> dict:
    return {k: (float(round(v, 4)) if isinstance(v, float) else v) for k, v in params.items()}
