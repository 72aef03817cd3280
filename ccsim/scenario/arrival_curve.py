"""Continuous arrival-rate curves: a rate that changes smoothly within the day.

A planner's forecast is usually one number per interval, and ccsim then keeps the rate
constant within each interval. Published models (and real days) often have a rate that rises
and falls continuously instead; ``arrivals: {curve: ...}`` gives it directly:

* ``curve: sinusoidal`` — ``λ(t) = mean_per_hour · (1 + amplitude · cos(2π (t − peak) / period))``
  contacts per hour, with ``amplitude`` between 0 (flat) and 1 (down to zero in the trough),
  ``peak`` the clock time of the highest rate and ``period`` (default 24h) the length of one
  wave.
* ``curve: piecewise_linear`` — ``points: [{at: "08:00", per_hour: 60}, ...]``: the rate at
  each clock time, straight lines in between, and held flat before the first point and after
  the last.

``t`` is the clock time of day: the same curve repeats every day (a period other than 24h
restarts at midnight), arrivals happen only during opening hours, and ``day_factors`` (and
forecast busyness) multiply the whole day's curve. Everything that needs an interval's
expected volume (Erlang figures, the staffing floor, forecasts) gets the curve's exact integral
over the interval; the simulation draws the arrival times from the curve itself (an exact
non-homogeneous Poisson process, see :func:`ccsim.model.arrivals.draw_curve_arrival_times`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field

from ccsim.scenario.fields import FROZEN, ClockTime, Real

CURVES = ("sinusoidal", "piecewise_linear")
"""The arrival-rate curves ``arrivals.curve`` may name."""


class CurvePoint(BaseModel):
    """One point of a piecewise-linear curve: the rate (contacts per hour) at a clock time."""

    model_config = FROZEN

    at: ClockTime
    per_hour: Real = Field(ge=0, allow_inf_nan=False)


@dataclass(frozen=True)
class Sinusoidal:
    """``mean · (1 + amplitude · cos(2π (t − peak) / period))`` contacts per hour.

    Times are clock seconds after midnight (any real number: the formula is periodic).
    """

    mean_per_hour: float
    amplitude: float
    peak: float
    period: float

    def _phase(self, t: np.ndarray) -> np.ndarray:
        return 2.0 * math.pi * (np.asarray(t, float) - self.peak) / self.period

    def rate_per_hour(self, t: np.ndarray) -> np.ndarray:
        """The rate at clock times ``t``."""
        return self.mean_per_hour * (1.0 + self.amplitude * np.cos(self._phase(t)))

    def volume(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Expected contacts from ``a`` to ``b`` (the exact integral of the rate)."""
        a, b = np.asarray(a, float), np.asarray(b, float)
        wave = self.period / (2.0 * math.pi) * (np.sin(self._phase(b)) - np.sin(self._phase(a)))
        return self.mean_per_hour / 3600.0 * ((b - a) + self.amplitude * wave)

    def highest_per_hour(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The highest rate on each ``[a, b]``: the peak if one falls inside, else an end."""
        a, b = np.asarray(a, float), np.asarray(b, float)
        next_peak = self.peak + np.ceil((a - self.peak) / self.period) * self.period
        ends = np.maximum(self.rate_per_hour(a), self.rate_per_hour(b))
        top = self.mean_per_hour * (1.0 + self.amplitude)
        return np.where(next_peak <= b, top, ends)


@dataclass(frozen=True)
class PiecewiseLinear:
    """Straight lines between ``(at, per_hour)`` points, flat before the first and after the
    last. ``at`` is strictly increasing (checked when the scenario is loaded)."""

    at: tuple[float, ...]
    per_hour: tuple[float, ...]

    def rate_per_hour(self, t: np.ndarray) -> np.ndarray:
        """The rate at clock times ``t``."""
        return np.interp(np.asarray(t, float), self.at, self.per_hour)

    def _cumulative(self, t: np.ndarray) -> np.ndarray:
        """Contacts per hour × seconds from the first point to ``t`` (negative before it)."""
        x, v = np.asarray(self.at), np.asarray(self.per_hour)
        t = np.asarray(t, float)
        before = np.concatenate([[0.0], np.cumsum(np.diff(x) * (v[1:] + v[:-1]) / 2.0)])
        k = np.clip(np.searchsorted(x, t, side="right") - 1, 0, len(x) - 1)
        # Within a segment (or flat beyond the last point) the area is a trapezoid from x[k];
        # before the first point, k = 0 and the flat value v[0] gives a negative area.
        return before[k] + (t - x[k]) * (v[k] + self.rate_per_hour(t)) / 2.0

    def volume(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Expected contacts from ``a`` to ``b`` (the exact integral of the rate)."""
        return (self._cumulative(b) - self._cumulative(a)) / 3600.0

    def highest_per_hour(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The highest rate on each ``[a, b]``: at an end or at a point inside."""
        a, b = np.asarray(a, float), np.asarray(b, float)
        top = np.maximum(self.rate_per_hour(a), self.rate_per_hour(b))
        for at, rate in zip(self.at, self.per_hour, strict=True):
            top = np.where((a < at) & (at < b), np.maximum(top, rate), top)
        return top


ArrivalCurve = Sinusoidal | PiecewiseLinear
"""A continuous arrival-rate curve over the clock day."""


def curve_problems(
    curve: str | None,
    mean_per_hour: float | None,
    amplitude: float | None,
    peak: float | None,
    period: float | None,
    points: list[CurvePoint] | None,
) -> list[str]:
    """What is missing or out of place among the curve keys of ``arrivals`` (one line each)."""
    sine = {"mean_per_hour": mean_per_hour, "amplitude": amplitude, "peak": peak}
    if curve is None:
        keys = {**sine, "period": period, "points": points}
        stray = [k for k, v in keys.items() if v is not None]
        return [f"{k} belongs to a curve: add curve: {_curve_for(k)}" for k in stray]
    if curve == "sinusoidal":
        problems = [
            f"curve sinusoidal needs {k} ({_MEANING[k]})" for k, v in sine.items() if v is None
        ]
        if points is not None:
            problems.append("points are for curve: piecewise_linear, not sinusoidal")
        return problems
    stray = [k for k, v in {**sine, "period": period}.items() if v is not None]
    problems = [f"{k} is for curve: sinusoidal, not piecewise_linear" for k in stray]
    if not points:
        problems.append(
            'curve piecewise_linear needs points: [{at: "08:00", per_hour: 60}, ...] '
            "(the rate at clock times, straight lines in between)"
        )
    else:
        times = [p.at for p in points]
        if any(later <= earlier for earlier, later in zip(times, times[1:], strict=False)):
            problems.append("points must be in strictly increasing order of at (clock time)")
    return problems


_MEANING = {
    "mean_per_hour": "the average contacts per hour",
    "amplitude": "from 0, flat, to 1, down to zero in the trough",
    "peak": 'the clock time of the highest rate, e.g. "11:00"',
}


def _curve_for(key: str) -> str:
    return "piecewise_linear" if key == "points" else "sinusoidal"


def make_curve(
    curve: str,
    mean_per_hour: float | None,
    amplitude: float | None,
    peak: float | None,
    period: float,
    points: list[CurvePoint] | None,
) -> ArrivalCurve:
    """The curve object of validated ``arrivals`` keys."""
    if curve == "sinusoidal":
        assert mean_per_hour is not None and amplitude is not None and peak is not None
        return Sinusoidal(mean_per_hour, amplitude, peak, period)
    assert points
    return PiecewiseLinear(tuple(p.at for p in points), tuple(p.per_hour for p in points))
