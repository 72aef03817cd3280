"""The planning horizon: opening hours, days and intervals."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from ccsim.scenario.fields import FROZEN, ClockTime, Duration, PositiveDuration, Whole
from ccsim.units import DAY, format_clock, format_duration


class Horizon(BaseModel):
    """When the centre is open and how the day is cut into planning intervals.

    Opening hours are the same every day. A centre open ``"00:00"``–``"24:00"`` runs
    continuously across days (for steady-state studies); otherwise the doors close at
    ``close``: no new contacts arrive, and the agents on duty serve the contacts still
    waiting before they leave (that time is recorded as overtime).

    Attributes:
        closing: the closing rule. ``serve`` (default): callers already waiting at the close
            are still served. ``clear``: at each day's close (the end of the horizon for a
            centre open 00:00-24:00) the callers still waiting are turned away — recorded
            ``unserved``, ended at the close (or ``abandoned`` at their patience if it ran
            out before) — and agents only finish the contacts in hand, as many published
            models of a day assume. Deferrable work (email) keeps its backlog either way.
    """

    model_config = FROZEN

    days: Whole = Field(default=1, ge=1, le=366)
    interval: PositiveDuration = 1800.0
    open: ClockTime = 0.0
    close: ClockTime = DAY
    warmup: Duration = 0.0
    closing: Literal["serve", "clear"] = "serve"

    @model_validator(mode="after")
    def _check(self) -> Horizon:
        if self.close <= self.open:
            raise ValueError(
                f"close ({format_clock(self.close)}) must be after open ({format_clock(self.open)})"
            )
        length = self.close - self.open
        if self.interval < 60 or abs(length / self.interval - round(length / self.interval)) > 1e-9:
            raise ValueError(
                f"interval {format_duration(self.interval)} must be at least 1 minute and divide "
                f"the opening hours ({format_duration(length)}) exactly; 15min, 30min and 60min "
                "are usual"
            )
        if self.warmup >= self.days * length:
            raise ValueError("warmup must be shorter than the whole horizon")
        return self

    @property
    def continuous(self) -> bool:
        """True when the centre never closes (open 00:00 to 24:00)."""
        return self.open == 0.0 and self.close == DAY

    @property
    def intervals_per_day(self) -> int:
        return round((self.close - self.open) / self.interval)

    @property
    def n_intervals(self) -> int:
        """Intervals over the whole horizon."""
        return self.days * self.intervals_per_day

    def interval_starts(self) -> np.ndarray:
        """Start time (seconds from day 0 midnight) of every interval of the horizon."""
        per_day = self.open + self.interval * np.arange(self.intervals_per_day)
        return (DAY * np.arange(self.days)[:, None] + per_day[None, :]).ravel()

    def day_closes(self) -> np.ndarray:
        """The closing time of each day (seconds from day 0 midnight)."""
        return DAY * np.arange(self.days) + self.close

    def closed_stretches(self) -> tuple[np.ndarray, np.ndarray]:
        """When the centre is closed within the horizon, cut at every clock hour.

        Closed time is midnight to the first opening, and each closing to the next day's
        opening (not after the last closing: nobody would ever answer). Returns the start
        times and lengths (seconds) of the pieces; each lies within one clock hour.
        """
        windows = [(0.0, self.open)] if self.open > 0 else []
        windows += [(d * DAY + self.close, (d + 1) * DAY + self.open) for d in range(self.days - 1)]
        starts, lengths = [], []
        for begin, end in windows:
            edge = begin
            while edge < end:
                step = min((np.floor(edge / 3600.0) + 1) * 3600.0, end)
                starts.append(edge)
                lengths.append(step - edge)
                edge = step
        return np.array(starts, dtype=float), np.array(lengths, dtype=float)

    def closed_at(self, times: np.ndarray) -> np.ndarray:
        """Whether the centre is closed at each of ``times`` (seconds from day 0 midnight)."""
        clock = np.mod(times, DAY)
        return (clock < self.open) | (clock >= self.close)

    def next_opening(self, times: np.ndarray) -> np.ndarray:
        """For times when the centre is closed, the next opening; other times unchanged."""
        times = np.asarray(times, dtype=float)
        day, clock = np.divmod(times, DAY)
        opening = np.where(clock < self.open, day, day + 1) * DAY + self.open
        return np.where(self.closed_at(times), opening, times)
