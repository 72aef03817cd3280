"""Patience from a contact log: censored observations, estimated correctly.

A caller's *patience* is how long they would wait before hanging up. A log shows it only for
callers who did hang up (their wait **is** their patience). For a caller who was answered
after waiting *w*, the log says only that their patience was longer than *w*: the
observation is **censored** at *w*. Averaging the waits of abandoned callers (the "mean time
to abandon" every ACD report shows) looks only at the impatient ones — those whose patience
happened to be shorter than the short waits on offer — and badly underestimates patience
when most callers are answered. Here, both kinds of observation count:

* **exponential**, closed form: mean patience = total waiting time of everyone who queued
  (answered and abandoned) / number of abandons (the censored maximum-likelihood estimate);
* **Weibull** and **lognormal**: censored maximum likelihood, ``Σ log f(abandon waits) +
  Σ log S(answered waits)``, maximised with :func:`scipy.optimize.minimize`;
* the family with the smallest AIC is chosen (a family whose fit lies outside what a
  scenario accepts — lognormal cv above 20, Weibull shape outside 0.05–50 — is left out);
* **Kaplan–Meier**: the survival curve of patience without assuming a family (for the plot
  and the median, when the curve falls below one half within the waits observed).

The naive mean time to abandon is reported beside the estimate, to show the difference.
Patience beyond the longest wait in the log is never observed: every family extrapolates
there, which is why the fitted mean may lie well above any wait seen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydantic import TypeAdapter
from scipy import optimize, special

from ccsim.scenario.distributions import Distribution, LogNormal, Weibull

_DISTRIBUTION: TypeAdapter = TypeAdapter(Distribution)
_WITH_TAIL = ("exponential", "weibull", "lognormal", "gamma")
"""Families with a closed-form tail that the fits and the backtest use."""

_LOGNORMAL_MAX_SIGMA = LogNormal(distribution="lognormal", mean=1.0, cv=20.0).sigma
"""σ of a lognormal of cv 20, the scenario's limit."""


@dataclass(frozen=True)
class PatienceFit:
    """One family fitted to censored patience observations.

    Attributes:
        family: ``exponential``, ``weibull`` or ``lognormal``.
        distribution: the scenario's ``patience:`` value (seconds), e.g.
            ``{distribution: weibull, mean: 310.2, shape: 0.8}``.
        log_likelihood: the censored log-likelihood at the estimate.
        aic: Akaike's information criterion, ``2 k - 2 log L`` (smaller is better).
    """

    family: str
    distribution: dict
    log_likelihood: float
    aic: float

    @property
    def mean(self) -> float:
        return float(self.distribution["mean"])


@dataclass(frozen=True)
class PatienceEstimate:
    """Everything estimated about one contact type's patience.

    Attributes:
        queued: contacts that queued (answered, possibly at once, or abandoned).
        abandoned: of them, how many hung up.
        naive_mean: the mean wait of abandoned contacts (NaN without abandons): what the
            usual report calls patience, biased low under censoring.
        fits: every acceptable family, best (smallest AIC) first; empty without abandons.
        km_times, km_survival: the Kaplan–Meier curve (survival just after each abandon time).
        km_median: the time the curve falls to one half (None when it never does).
    """

    queued: int
    abandoned: int
    naive_mean: float
    fits: tuple[PatienceFit, ...]
    km_times: np.ndarray
    km_survival: np.ndarray
    km_median: float | None

    @property
    def censored_share(self) -> float:
        """Share of queued contacts whose patience is only known to exceed their wait."""
        return 1 - self.abandoned / self.queued if self.queued else math.nan

    @property
    def chosen(self) -> PatienceFit | None:
        return self.fits[0] if self.fits else None

    def fit(self, family: str) -> PatienceFit | None:
        """The fit of ``family`` (None if it was not acceptable)."""
        return next((f for f in self.fits if f.family == family), None)


def estimate_patience(waits: np.ndarray, abandoned: np.ndarray) -> PatienceEstimate:
    """Estimate patience from the waits of queued contacts.

    Args:
        waits: seconds each contact waited (until answered or until hanging up), >= 0.
        abandoned: True where the contact hung up (its wait is its patience), False where
            it was answered (its patience exceeds its wait: censored).
    """
    waits = np.asarray(waits, dtype=float)
    events = np.asarray(abandoned, dtype=bool)
    count = int(events.sum())
    naive = float(waits[events].mean()) if count else math.nan
    times, survival = kaplan_meier(waits, events)
    below = np.nonzero(survival <= 0.5)[0]
    median = float(times[below[0]]) if below.size else None
    fits: list[PatienceFit] = []
    if count:
        fits.append(_exponential(waits, events))
        for fitter in (_weibull, _lognormal):
            fit = fitter(waits, events)
            if fit is not None:
                fits.append(fit)
        fits.sort(key=lambda f: f.aic)
    return PatienceEstimate(len(waits), count, naive, tuple(fits), times, survival, median)


def kaplan_meier(waits: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Kaplan–Meier survival curve: at each distinct abandon time *t*, the share of
    callers whose patience exceeds *t* (callers answered at *t* still count as at risk)."""
    waits = np.asarray(waits, dtype=float)
    events = np.asarray(events, dtype=bool)
    times, deaths = np.unique(waits[events], return_counts=True)
    ordered = np.sort(waits)
    at_risk = len(ordered) - np.searchsorted(ordered, times, side="left")
    return times, np.cumprod(1.0 - deaths / at_risk)


def survival(fit: PatienceFit, t: np.ndarray) -> np.ndarray:
    """The fitted family's survival function S(t) = P(patience > t)."""
    return as_distribution(fit.distribution).sf(np.asarray(t, dtype=float))


def as_distribution(distribution: dict):
    """A scenario's duration distribution (``{distribution: weibull, mean: …, shape: …}``,
    in seconds) as its :mod:`ccsim.scenario.distributions` object, which owns its maths."""
    return _DISTRIBUTION.validate_python(distribution)


def frozen(distribution: dict):
    """A scenario duration distribution (exponential, weibull, lognormal, gamma) as a frozen
    :mod:`scipy.stats` distribution, or None for the other families (whose tail the callers
    do not model)."""
    if distribution["distribution"] not in _WITH_TAIL:
        return None
    return as_distribution(distribution).scipy()


# -- the families -------------------------------------------------------------------------


def _exponential(waits: np.ndarray, events: np.ndarray) -> PatienceFit:
    total, count = float(waits.sum()), int(events.sum())
    rate = count / total
    log_l = count * math.log(rate) - rate * total
    return PatienceFit(
        "exponential", {"distribution": "exponential", "mean": 1 / rate}, log_l, 2 - 2 * log_l
    )


def _weibull(waits: np.ndarray, events: np.ndarray) -> PatienceFit | None:
    t_event = waits[events]
    scale0 = waits.sum() / events.sum()

    def negative_log_l(params: np.ndarray) -> float:
        shape, scale = math.exp(params[0]), math.exp(params[1])
        z = waits / scale
        log_f = math.log(shape / scale) + (shape - 1) * np.log(t_event / scale)
        return -(float(log_f.sum()) - float(np.sum(z**shape)))

    result = optimize.minimize(
        negative_log_l, [0.0, math.log(scale0)], method="Nelder-Mead", options={"xatol": 1e-8}
    )
    shape, scale = math.exp(result.x[0]), math.exp(result.x[1])
    if not (result.success and 0.05 < shape <= 50):
        return None
    fitted = Weibull.from_scale(shape, scale)
    log_l = -float(result.fun)
    return PatienceFit(
        "weibull",
        {"distribution": "weibull", "mean": fitted.mean, "shape": fitted.shape},
        log_l,
        4 - 2 * log_l,
    )


def _lognormal(waits: np.ndarray, events: np.ndarray) -> PatienceFit | None:
    log_event = np.log(waits[events])
    censored = waits[~events]
    log_censored = np.log(censored[censored > 0])  # answered at once: S(0) = 1, no information

    def negative_log_l(params: np.ndarray) -> float:
        mu, sigma = params[0], math.exp(params[1])
        z = (log_event - mu) / sigma
        log_f = -0.5 * z**2 - math.log(sigma * math.sqrt(2 * math.pi)) - log_event
        log_s = special.log_ndtr(-(log_censored - mu) / sigma)
        return -(float(log_f.sum()) + float(log_s.sum()))

    start = [float(log_event.mean()) + 1.0, math.log(max(float(log_event.std()), 0.3))]
    result = optimize.minimize(negative_log_l, start, method="Nelder-Mead")
    mu, sigma = float(result.x[0]), math.exp(result.x[1])
    if not (result.success and sigma <= _LOGNORMAL_MAX_SIGMA):
        return None
    try:
        fitted = LogNormal.from_log(mu, sigma)
    except ValueError:  # cv a rounding above the scenario's limit of 20
        return None
    log_l = -float(result.fun)
    return PatienceFit(
        "lognormal",
        {"distribution": "lognormal", "mean": fitted.mean, "cv": fitted.cv},
        log_l,
        4 - 2 * log_l,
    )
