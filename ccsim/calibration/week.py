"""Days of the week differ in shape, not only in volume: opening hours, arrival profile and
staffing per weekday.

A Saturday closing at 14:00 or a Sunday opening at 18:00 is not a weekday scaled down.
For each weekday of the log: its opening hours (the median over its dates of the first and
last arrival, rounded out to whole intervals), its mean volume, its arrival profile (mean
arrivals per interval of the log's grid) and its agents per pool (mean availability). The
fitted scenario, whose opening hours are the same every day, takes the *main* shape — the
hours shared by the most dates — and the others are reported (and used by the backtest,
which replays each date with its own hours).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccsim.calibration.contact_log import SECOND, durations_in
from ccsim.calibration.log_grid import IntervalGrid
from ccsim.units import format_clock

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class DayShape:
    """One weekday's shape.

    Attributes:
        weekday: 0 = Monday.
        days: indexes of its dates on the grid.
        open, close: opening hours (seconds after the business day's midnight).
        volume: mean contacts per day.
        profile: mean arrivals per interval of the grid (all types).
        agents: pool → mean agents available per interval of the grid.
    """

    weekday: int
    days: tuple[int, ...]
    open: float
    close: float
    volume: float
    profile: np.ndarray
    agents: dict[str, np.ndarray]

    @property
    def name(self) -> str:
        return WEEKDAYS[self.weekday]

    @property
    def hours(self) -> str:
        return f"{format_clock(self.open)}-{_clock(self.close)}"


def day_shapes(
    grid: IntervalGrid, arrival: pd.Series, counts: np.ndarray, agents: dict[str, np.ndarray]
) -> list[DayShape]:
    """Each weekday's shape (module docstring). ``counts``: all types' arrivals per (day,
    interval); ``agents``: pool → availability per (day, interval)."""
    day = grid.day_of(arrival)
    clock = durations_in(arrival - grid.business_dates(arrival), SECOND).to_numpy(float)
    frame = pd.DataFrame({"day": day, "clock": clock})[day >= 0]
    first = frame.groupby("day")["clock"].min()
    last = frame.groupby("day")["clock"].max()
    shapes = []
    for weekday in range(7):
        days = [d for d, date in enumerate(grid.dates) if date.weekday() == weekday]
        if not days:
            continue
        step = grid.interval
        open_ = math.floor(float(first.reindex(days).median()) / step) * step
        close = (math.floor(float(last.reindex(days).median()) / step) + 1) * step
        shapes.append(
            DayShape(
                weekday,
                tuple(days),
                open_,
                close,
                float(counts[days].sum(axis=1).mean()),
                counts[days].mean(axis=0),
                {pool: values[days].mean(axis=0) for pool, values in agents.items()},
            )
        )
    return shapes


def main_hours(shapes: list[DayShape]) -> tuple[float, float]:
    """The opening hours shared by the most dates (the fitted scenario's)."""
    dates: dict[tuple[float, float], int] = {}
    for shape in shapes:
        if shape.close <= 24 * 3600.0:
            key = (shape.open, shape.close)
            dates[key] = dates.get(key, 0) + len(shape.days)
    if not dates:
        return shapes[0].open, min(shapes[0].close, 24 * 3600.0)
    return max(dates, key=lambda hours: dates[hours])


def lines(shapes: list[DayShape], grid: IntervalGrid) -> list[str]:
    """The fit report's table of weekday shapes."""
    result = ["Days of the week (hours, mean volume, busiest interval, agents at the peak):"]
    for shape in shapes:
        peak = int(np.argmax(shape.profile))
        agents = ", ".join(f"{p} {v[peak]:.1f}" for p, v in shape.agents.items())
        at = format_clock(grid.open + peak * grid.interval)
        result.append(
            f"  {shape.name}  {len(shape.days)} date(s)  {shape.hours:<22}  "
            f"{shape.volume:8,.0f} contacts/day  peak {at}  ({agents})"
        )
    return result


def _clock(seconds: float) -> str:
    if seconds <= 24 * 3600.0:
        return format_clock(seconds)
    return f"{format_clock(seconds - 24 * 3600.0)} (next day)"
