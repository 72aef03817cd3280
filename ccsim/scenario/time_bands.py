"""Handle time by time band: calls answered in the morning may take longer than evening ones.

A contact type's optional ``handle_time_by_band`` lists bands of the day, each from a clock
time on, with its own handle-time distribution::

    handle_time_by_band:
      - {from: "00:00", handle_time: {distribution: lognormal, mean: 200, cv: 0.6}}
      - {from: "12:00", handle_time: {distribution: lognormal, mean: 180, cv: 0.6}}
      - {from: "17:00", handle_time: {distribution: lognormal, mean: 160, cv: 0.6}}

A first attempt's handle time is drawn from the band its arrival falls in (the clock time of
its day); the type's ``handle_time`` stays the figure of everything else (redials, transfers,
callbacks, the Erlang figures and the staffing search). ``ccsim fit`` writes the bands it
finds, each with its share of very short calls.

``patience_by_band`` does the same for patience (callers at lunchtime may hang up sooner
than in the evening), without splitting the contact type::

    patience_by_band:
      - {from: "00:00", patience: {distribution: exponential, mean: 3min}}
      - {from: "12:00", patience: {distribution: exponential, mean: 1min}}

A first attempt's patience is drawn from its arrival's band; the type's ``patience``, which
must then be given, stays that of everything else and of the Erlang A figures.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from ccsim.scenario.distributions import Distribution
from ccsim.scenario.fields import FROZEN, ClockTime
from ccsim.units import DAY


class HandleBand(BaseModel):
    """One band of the day: from ``from`` (a clock time) to the next band's start."""

    model_config = FROZEN

    start: ClockTime = Field(alias="from")
    handle_time: Distribution


class PatienceBand(BaseModel):
    """One band of the day for patience: from ``from`` (a clock time) to the next band's start."""

    model_config = FROZEN

    start: ClockTime = Field(alias="from")
    patience: Distribution


def band_problems(bands: list[HandleBand] | list[PatienceBand], path: str) -> list[str]:
    """What is wrong with a list of bands (empty: nothing)."""
    if not bands:
        return [f"{path}: give at least one band, or leave {path} out"]
    starts = [b.start for b in bands]
    if starts[0] != 0.0:
        return [f"{path}: the first band must start at 00:00 (the bands cover the whole day)"]
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        return [f"{path}: the bands' from times must increase"]
    return []


def draw_by_band(
    bands: list[HandleBand], arrival: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Handle times for contacts arriving at ``arrival`` (seconds from day 0 midnight),
    each from its band's distribution (in band order, from ``rng``)."""
    return _draw(bands, [b.handle_time for b in bands], arrival, rng)


def draw_patience_by_band(
    bands: list[PatienceBand], arrival: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Patience for contacts arriving at ``arrival``, each from its band's distribution."""
    return _draw(bands, [b.patience for b in bands], arrival, rng)


def _draw(
    bands: list[HandleBand] | list[PatienceBand],
    distributions: list[Distribution],
    arrival: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    clock = np.mod(np.asarray(arrival, float), DAY)
    ends = np.array([b.start for b in bands[1:]])
    band = np.searchsorted(ends, clock, side="right")
    values = np.empty(len(clock))
    for k, distribution in enumerate(distributions):
        mine = band == k
        if mine.any():
            values[mine] = distribution.draw(rng, int(mine.sum()))
    return values
