"""Shifts and breaks: a pool's roster, and the agents on the phones it gives over a day.

A pool may give its staffing as a list of shifts instead of a number per interval::

    shifts:
      - name: early                 # optional label
        start: "08:00"              # clock time
        length: 8h
        days: [0, 1, 2, 3, 4]       # optional: days of the horizon (0-based); default every day
        headcount: 12
        breaks:
          - {window: ["10:00", "11:00"], length: 15min}            # staggered in a window
          - {name: lunch, window: ["12:00", "14:00"], length: 30min}
          - {at: 6h, length: 10min}                               # everyone at once

Decisions (the issue is silent on them):

* A shift lies within the day's opening hours (start at or after ``open``, end at or before
  ``close``); a continuous centre (00:00-24:00) may roster any shift that ends by midnight —
  a night shift is two shifts, 22:00-24:00 and 00:00-06:00.
* A break with a ``window`` is staggered deterministically over the shift's agents present
  that day: agent k of n starts it at ``window_start + k·(window_len − length)/max(n − 1, 1)``,
  so the first starts at the window's start and the last ends at its end. A break ``at`` an
  offset from the shift's start takes every agent of the shift at once — use a window to
  stagger. A lunch is just a longer break.
* A shift's breaks may not overlap each other (their windows, or fixed spans), so an agent is
  never on two breaks at once.
* Absent agents (``absenteeism``) leave the shift smaller; the breaks are staggered over the
  agents who came in.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field, model_validator

from ccsim.scenario.fields import FROZEN, ClockTime, Duration, PositiveDuration, Whole
from ccsim.scenario.horizon import Horizon
from ccsim.units import DAY, format_clock, format_duration


class Break(BaseModel):
    """A break (or lunch) every agent of a shift takes once.

    Exactly one of ``at`` (an offset from the shift's start: everyone at once) and ``window``
    (two clock times: staggered over the shift's agents, see the module docstring).
    """

    model_config = FROZEN

    name: str | None = None
    at: Duration | None = None
    window: tuple[ClockTime, ClockTime] | None = None
    length: PositiveDuration

    @model_validator(mode="after")
    def _check(self) -> Break:
        if (self.at is None) == (self.window is None):
            raise ValueError(
                "give a break either 'at' (an offset from the shift's start, e.g. 2h) or "
                "'window' (two clock times, e.g. ['10:00', '11:00']), not both or neither"
            )
        if self.window is not None:
            begin, end = self.window
            if end - begin < self.length:
                raise ValueError(
                    f"window {format_clock(begin)}-{format_clock(end)} is shorter than the "
                    f"break's length {format_duration(self.length)}; widen it or shorten the break"
                )
        return self

    def span(self, shift_start: float) -> tuple[float, float]:
        """When the break may be taken, as clock times (seconds after midnight)."""
        if self.window is not None:
            return self.window
        assert self.at is not None  # exactly one of at and window (validated)
        return shift_start + self.at, shift_start + self.at + self.length

    def starts(self, shift_start: float, agents: int) -> np.ndarray:
        """Clock time at which each of ``agents`` agents starts the break."""
        if self.window is None:
            assert self.at is not None  # exactly one of at and window (validated)
            return np.full(agents, shift_start + self.at)
        begin, end = self.window
        step = (end - begin - self.length) / max(agents - 1, 1)
        return begin + step * np.arange(agents)


class Shift(BaseModel):
    """``headcount`` agents working from ``start`` for ``length`` on the given ``days``."""

    model_config = FROZEN

    name: str | None = None
    start: ClockTime
    length: PositiveDuration
    days: list[Whole] | None = None
    headcount: Whole = Field(ge=0)
    breaks: list[Break] = Field(default_factory=list)

    @property
    def end(self) -> float:
        """The shift's end as seconds after midnight."""
        return self.start + self.length

    @model_validator(mode="after")
    def _check(self) -> Shift:
        spans: list[tuple[float, float]] = []
        for i, item in enumerate(self.breaks):
            begin, end = item.span(self.start)
            if begin < self.start or end > self.end:
                raise ValueError(
                    f"breaks[{i}] ({format_clock(begin)}-{format_clock(end)}) is not within the "
                    f"shift ({format_clock(self.start)}-{format_clock(self.end)})"
                )
            for j, (other_begin, other_end) in enumerate(spans):
                if begin < other_end and other_begin < end:
                    raise ValueError(
                        f"breaks[{i}] ({format_clock(begin)}-{format_clock(end)}) overlaps "
                        f"breaks[{j}] ({format_clock(other_begin)}-{format_clock(other_end)}); "
                        "an agent takes one break at a time"
                    )
            spans.append((begin, end))
        if self.days is not None and (
            any(d < 0 for d in self.days) or len(set(self.days)) != len(self.days)
        ):
            raise ValueError(f"days must be distinct day numbers >= 0, got {self.days}")
        return self

    def works_on(self, day: int) -> bool:
        """Whether the shift is worked on ``day`` (0-based day of the horizon)."""
        return self.days is None or day in self.days

    def events(self, agents: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The shift's changes over one day with ``agents`` present.

        Returns:
            Clock times (seconds after midnight), the change in agents at work (shift start
            and end), and the change in agents on the phones (also every break's start and end).
        """
        times = [np.array([self.start, self.end])]
        at_work = [np.array([agents, -agents])]
        on_phones = [np.array([agents, -agents])]
        for item in self.breaks:
            starts = item.starts(self.start, agents)
            times.append(np.concatenate([starts, starts + item.length]))
            at_work.append(np.zeros(2 * agents, dtype=np.int64))
            on_phones.append(np.repeat([-1, 1], agents))
        return np.concatenate(times), np.concatenate(at_work), np.concatenate(on_phones)


def shift_problems(shifts: list[Shift], horizon: Horizon, path: str) -> list[str]:
    """What is wrong with a pool's shifts given the horizon: one ``path: message`` each.

    Args:
        shifts: the pool's shifts.
        horizon: the scenario's horizon.
        path: the YAML path of the shifts list (``pools.team.shifts``).
    """
    problems = []
    for i, shift in enumerate(shifts):
        where = f"{path}[{i}]"
        if shift.start < horizon.open or shift.end > horizon.close:
            problems.append(
                f"{where}: the shift ({format_clock(shift.start)}-{format_clock(shift.end)}) "
                f"must lie within the opening hours ({format_clock(horizon.open)}-"
                f"{format_clock(horizon.close)}); split a shift that runs past midnight in two"
            )
        late = [d for d in shift.days or () if d >= horizon.days]
        if late:
            problems.append(
                f"{where}.days: day(s) {late} are beyond the horizon of {horizon.days} day(s) "
                f"(days count from 0 to {horizon.days - 1})"
            )
    return problems


def shift_steps(
    shifts: list[Shift], day: int, present: list[int] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The agents a roster has at work and on the phones over one day, as step functions.

    Args:
        shifts: the pool's shifts.
        day: the day of the horizon (0-based).
        present: agents present in each shift that day (default: every shift's headcount).

    Returns:
        Times (seconds from day-0 midnight, increasing), agents at work and agents on the
        phones from each time until the next (breaks taken off; before absence is known,
        shrinkage not applied). The last count is 0 once every shift has ended.
    """
    times, at_work, on_phones = [np.zeros(0)], [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for s, shift in enumerate(shifts):
        agents = shift.headcount if present is None else present[s]
        if shift.works_on(day) and agents > 0:
            t, w, p = shift.events(agents)
            times.append(t + day * DAY)
            at_work.append(w)
            on_phones.append(p)
    steps, working, phones = _steps(
        np.concatenate(times), np.concatenate(at_work), np.concatenate(on_phones)
    )
    return steps, working, phones


def _steps(times, *deltas) -> tuple[np.ndarray, ...]:
    """Changes at (possibly repeated, unsorted) times → step functions at distinct times."""
    unique, where = np.unique(times, return_inverse=True)
    counts = []
    for delta in deltas:
        total = np.zeros(len(unique), dtype=np.int64)
        np.add.at(total, where, delta)
        counts.append(np.cumsum(total))
    return (unique, *counts)
