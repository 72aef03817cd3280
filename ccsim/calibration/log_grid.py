"""A log's days and planning intervals, and the agents on duty in each interval.

The model counts time in seconds from midnight of day 0. A log's contacts are placed on an
:class:`IntervalGrid`: the dates with contacts (in order: a date without any contact, a
closed Sunday say, is not a day of the horizon), and the day's opening hours cut into
intervals. A contact belongs to the interval in which it *arrived*, as in
:mod:`ccsim.measures.replication`.

Agents per interval come from one of two places:

* **inferred** (:func:`infer_staffing`): the number of distinct agents who *answered* a
  contact in the interval (when they answered it, whenever it arrived). An agent who
  finishes a call after going off duty answers nothing more, so overtime is not counted; an
  agent idle for a whole interval is missed (rare in busy intervals, possible in quiet ones:
  the fit report shows the counts);
* **a staffing file** (:func:`read_staffing_file`): a CSV with columns ``interval`` (the
  interval's start, ``08:30``), ``agents`` and optionally ``date`` (one row per date and
  interval; without it, the same agents every day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ccsim.calibration.contact_log import SECOND, ContactLog, LogError, durations_in
from ccsim.units import DAY, format_clock


@dataclass(frozen=True)
class IntervalGrid:
    """Dates and intervals over which a log is counted.

    Attributes:
        dates: the horizon's days (midnights), in order.
        interval: interval length in seconds.
        open, close: opening hours (seconds after the business day's midnight; past 24:00
            for a day running past midnight), a whole number of intervals.
        day_start: seconds after midnight at which a business day starts (0: at midnight).
    """

    dates: tuple[pd.Timestamp, ...]
    interval: float
    open: float
    close: float
    day_start: float = 0.0

    @classmethod
    def from_log(cls, log: ContactLog, interval: float) -> IntervalGrid:
        """The grid covering every arrival of ``log``: opening hours rounded out to intervals."""
        arrival = log.contacts["arrival"]
        clock = durations_in(arrival - log.business_dates(arrival), SECOND).to_numpy()
        start = math.floor(clock.min() / interval) * interval
        end = min(DAY + log.day_start, (math.floor(clock.max() / interval) + 1) * interval)
        return cls(tuple(log.dates), float(interval), float(start), float(end), log.day_start)

    @property
    def days(self) -> int:
        return len(self.dates)

    @property
    def intervals_per_day(self) -> int:
        return round((self.close - self.open) / self.interval)

    def starts(self) -> list[str]:
        """Each interval's start as a clock time (``08:30``)."""
        return [format_clock(self.open + k * self.interval) for k in range(self.intervals_per_day)]

    def business_dates(self, times: pd.Series) -> pd.Series:
        """The business day (its midnight) of each timestamp."""
        return (pd.Series(times) - pd.Timedelta(seconds=self.day_start)).dt.normalize()

    def day_of(self, times: pd.Series) -> np.ndarray:
        """Day index of each timestamp's business day (-1: not a day of the grid)."""
        index = pd.DatetimeIndex(list(self.dates))
        return index.get_indexer(pd.Index(self.business_dates(times)))

    def locate(self, times: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Day index and interval index of each timestamp (-1 where off the grid)."""
        times = pd.Series(times)
        index = pd.DatetimeIndex(list(self.dates))
        midnight = self.business_dates(times)
        day = index.get_indexer(pd.Index(midnight))
        clock = durations_in(times - midnight, SECOND).to_numpy(float)
        slot = np.floor((clock - self.open) / self.interval).astype(np.int64)
        inside = (day >= 0) & (slot >= 0) & (slot < self.intervals_per_day)
        return np.where(inside, day, -1), np.where(inside, slot, -1)

    def counts(self, times: pd.Series) -> np.ndarray:
        """How many of ``times`` fall in each (day, interval): an array days × intervals."""
        day, slot = self.locate(times)
        keep = day >= 0
        flat = day[keep] * self.intervals_per_day + slot[keep]
        size = self.days * self.intervals_per_day
        return np.bincount(flat, minlength=size).reshape(self.days, self.intervals_per_day)


def infer_staffing(log: ContactLog, grid: IntervalGrid) -> np.ndarray:
    """Distinct agents who answered a contact in each (day, interval): days × intervals.

    Raises:
        LogError: the log names no agents.
    """
    if not log.has_agents:
        raise LogError(
            f"{log.source}: the log has no agent column, so the agents on duty cannot be "
            "inferred; map it with --map agent=COLUMN, or give --staffing FILE (a CSV with "
            "columns interval, agents and optionally date)"
        )
    answered = log.contacts[log.contacts["outcome"] == "answered"].dropna(subset=["agent"])
    day, slot = grid.locate(answered["answered"])  # on duty when they answered
    frame = pd.DataFrame({"day": day, "slot": slot, "agent": answered["agent"].to_numpy()})
    frame = frame[frame["day"] >= 0]
    distinct = frame.groupby(["day", "slot"])["agent"].nunique()
    result = np.zeros((grid.days, grid.intervals_per_day), dtype=np.int64)
    for cell, n in distinct.items():
        d, k = cast(tuple[int, int], cell)  # grouped by (day, slot)
        result[d, k] = n
    return result


def read_staffing_file(path: Path, grid: IntervalGrid) -> np.ndarray:
    """Agents per (day, interval) from a staffing CSV (see the module docstring).

    Raises:
        LogError: the file is missing, lacks a column, or misses an interval or date.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise LogError(f"--staffing {path}: file not found") from None
    except (OSError, ValueError) as exc:
        raise LogError(f"--staffing {path}: cannot be read as CSV: {exc}") from None
    missing = [c for c in ("interval", "agents") if c not in table.columns]
    if missing:
        raise LogError(
            f"--staffing {path}: no column {', '.join(missing)}; a staffing file has columns "
            f"interval (start, e.g. 08:30), agents, and optionally date; it has: "
            f"{', '.join(table.columns)}"
        )
    agents = pd.to_numeric(table["agents"], errors="coerce")
    if agents.isna().any() or (agents < 0).any():
        row = int(np.argmax(agents.isna() | (agents < 0)))
        raise LogError(
            f"--staffing {path}: agents must be numbers >= 0; row {row + 2} has "
            f"{table['agents'][row]!r}"
        )
    starts = {s: k for k, s in enumerate(grid.starts())}
    slots = table["interval"].str.strip().str.slice(0, 5).map(starts)
    if slots.isna().any():
        row = int(np.argmax(slots.isna()))
        raise LogError(
            f"--staffing {path}: interval {table['interval'][row]!r} (row {row + 2}) is not an "
            f"interval start of the opening hours; they are {', '.join(starts)}"
        )
    if "date" in table.columns:
        dates = pd.to_datetime(table["date"], errors="coerce").dt.normalize()
        days = pd.DatetimeIndex(list(grid.dates)).get_indexer(pd.Index(dates))
    else:
        days = np.full(len(table), -1)
    result = np.full((grid.days, grid.intervals_per_day), -1.0)
    for day, slot, n in zip(days, slots.astype(int), agents, strict=True):
        if "date" not in table.columns:
            result[:, slot] = n
        elif day >= 0:
            result[day, slot] = n
    gaps = np.argwhere(result < 0)
    if len(gaps):
        d, k = gaps[0]
        raise LogError(
            f"--staffing {path}: no agents given for {grid.dates[d]:%Y-%m-%d} "
            f"{grid.starts()[k]} ({len(gaps)} date/interval pairs missing); give every interval "
            "of the opening hours (and every date of the log, with a date column)"
        )
    return np.rint(result).astype(np.int64)
