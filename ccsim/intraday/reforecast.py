"""Re-forecast: the rest of the day's arrivals scaled by how the day is running so far.

By 11:40 the planner has seen A contacts of a type against F forecast for the same hours.
The ratio A / F says how busy the day is, but early in the day, or for a small queue, it is
mostly noise: 12 calls against 10 forecast is no reason to plan for 20 % more all afternoon.
The standard answer is to **shrink the ratio toward 1 by how much has been seen** — an
empirical-Bayes (gamma–Poisson) estimate:

* before the day, the day's busyness ratio r is believed to be about 1, give or take a
  coefficient of variation c (the scenario's ``forecast.busyness_cv``, or ``--prior-cv``,
  10 % by default): a gamma prior with mean 1 and shape k = 1 / c² — as if k contacts had
  already been seen, exactly as forecast;
* the contacts so far are Poisson with mean r × F; the posterior of r is then gamma with shape
  k + A and rate k + F, whose mean is the **re-forecast factor**

      r̂ = (k + A) / (k + F)

  — close to 1 when F is small next to k, close to A / F once F is large;
* its spread, sd(r) = √(k + A) / (k + F), is the uncertainty the rest of the day inherits:
  each replication of a projection draws its own r from the posterior (from the stream
  ``reforecast/<type>``, the same for the plan and every what-if), so the fan chart widens
  honestly when little has been seen.

A type missing from the state's ``volume_so_far`` is not re-forecast (factor 1 exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim.intraday.state import CentreState
from ccsim.model.gamma_tail import gamma_isf
from ccsim.model.streams import RandomStreams
from ccsim.scenario import Scenario
from ccsim.units import DAY

DEFAULT_PRIOR_CV = 0.10
"""The busyness cv assumed when the scenario has no ``forecast.busyness_cv``."""


@dataclass(frozen=True)
class Reforecast:
    """One contact type's re-forecast.

    Attributes:
        contact_type: the type's name.
        actual: contacts that arrived from the opening to the state's time.
        forecast: contacts the forecast expected over the same time.
        prior: k, the prior's strength in contacts (1 / cv²).
    """

    contact_type: str
    actual: float
    forecast: float
    prior: float

    @property
    def factor(self) -> float:
        """The posterior mean ratio (k + A) / (k + F): the rest of the day × this."""
        return (self.prior + self.actual) / (self.prior + self.forecast)

    @property
    def raw_ratio(self) -> float:
        """A / F without shrinkage (NaN before anything was forecast)."""
        return self.actual / self.forecast if self.forecast > 0 else float("nan")

    def band(self, coverage: float = 0.8) -> tuple[float, float]:
        """The central ``coverage`` interval of the ratio's posterior."""
        shape, scale = self.prior + self.actual, 1.0 / (self.prior + self.forecast)
        tail = (1.0 - coverage) / 2
        return gamma_isf(shape, 1.0 - tail) * scale, gamma_isf(shape, tail) * scale

    def draw(self, rng: np.random.Generator) -> float:
        """One ratio from the posterior (one replication's busyness for the rest of the day)."""
        return float(rng.gamma(self.prior + self.actual, 1.0 / (self.prior + self.forecast)))


def forecast_so_far(scenario: Scenario, contact_type: str, until: float) -> float:
    """Contacts of ``contact_type`` the forecast expects from the start of ``until``'s day
    to ``until`` (seconds from the horizon's first midnight)."""
    horizon = scenario.horizon
    ctype = scenario.contact_types[contact_type]
    if scenario.days_of_week is None:
        rates = ctype.arrivals.rates_per_second(horizon)
    else:
        rates = scenario.days_of_week.rates(contact_type, ctype.arrivals, horizon)
    starts = horizon.interval_starts()
    day_start = np.floor(until / DAY) * DAY
    lo = np.clip(starts, day_start, until)
    hi = np.clip(starts + horizon.interval, day_start, until)
    return float(np.sum(np.asarray(rates) * (hi - lo)))


def reforecast(
    state: CentreState, scenario: Scenario, prior_cv: float | None = None
) -> dict[str, Reforecast]:
    """Each re-forecast type's :class:`Reforecast` (the types in ``volume_so_far``).

    Args:
        prior_cv: the prior's cv (default: the scenario's ``forecast.busyness_cv``, else
            :data:`DEFAULT_PRIOR_CV`).
    """
    cv = prior_cv if prior_cv is not None else scenario.forecast.busyness_cv or DEFAULT_PRIOR_CV
    if not cv > 0:
        raise ValueError(f"the prior's cv must be positive, not {cv}")
    prior = 1.0 / cv**2
    return {
        name: Reforecast(name, float(actual), forecast_so_far(scenario, name, state.seconds), prior)
        for name, actual in state.volume_so_far.items()
        if name in scenario.contact_types
    }


def arrival_factors(
    scenario: Scenario, forecasts: dict[str, Reforecast], streams: RandomStreams | None
) -> list[float]:
    """Per contact type (scenario order), one replication's factor: a posterior draw from
    ``reforecast/<type>`` (``streams`` None: the posterior mean); 1 for a type not
    re-forecast."""
    factors = []
    for name in scenario.contact_types:
        found = forecasts.get(name)
        if found is None:
            factors.append(1.0)
        elif streams is None:
            factors.append(found.factor)
        else:
            factors.append(found.draw(streams.generator(f"reforecast/{name}")))
    return factors
