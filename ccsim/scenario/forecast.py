"""Forecast uncertainty: how far a real day may stray from the forecast.

A forecast gives the *expected* volume and handle time of every interval. Real days differ
from it by more than Poisson noise: a whole day is busier or quieter (weather, a mailing, an
outage), and contacts on some days take longer. ``forecast:`` models both as random factors,
one per day of the horizon, with mean 1 — so the forecast stays right on average — and a
chosen coefficient of variation (cv = standard deviation / mean):

* ``busyness_cv``: a gamma factor per day multiplies the arrival rates of *every* contact
  type that day (one factor shared by all types: a busy day is busy on every queue; after-hours
  arrivals take the factor of the day of the next opening, the day they count in). Daily
  counts are then over-dispersed: a day's expected count *m* becomes a
  Poisson–gamma (negative-binomial) mixture with variance ``m + cv² m²``.
* ``handle_time_cv``: a gamma factor per day, drawn independently of the busyness factor,
  multiplies every handle time (talk + wrap-up) of contacts arriving that day — first
  attempts and, during the run, redials, transfer legs and callbacks alike.

Factors are per day, not per replication: with a one-day horizon the two coincide, and over
a week each day gets its own. With both cvs 0 (the default) nothing is drawn and the run is
exactly the run without ``forecast:``.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, field_validator

from ccsim.scenario.fields import FROZEN, Real
from ccsim.scenario.yaml_input import shown

MAX_CV = 2.0
"""Largest coefficient of variation accepted (a gamma with cv 2 already has shape 0.25)."""


class Forecast(BaseModel):
    """Day-to-day forecast uncertainty: random busyness and handle-time factors (mean 1).

    Attributes:
        busyness_cv: coefficient of variation of the daily arrival factor (0: none).
        handle_time_cv: coefficient of variation of the daily handle-time factor (0: none).
    """

    model_config = FROZEN

    busyness_cv: Real = 0.0
    handle_time_cv: Real = 0.0

    @field_validator("busyness_cv", "handle_time_cv")
    @classmethod
    def _check_cv(cls, value: float) -> float:
        if not math.isfinite(value) or not 0.0 <= value <= MAX_CV:
            raise ValueError(
                f"must be a coefficient of variation from 0 (no uncertainty) to {MAX_CV:g}, "
                f"e.g. 0.1 for days typically within ±10 % of the forecast; got {shown(value)}"
            )
        return value

    @property
    def uncertain(self) -> bool:
        """Whether any factor is random (a cv above 0)."""
        return self.busyness_cv > 0 or self.handle_time_cv > 0
