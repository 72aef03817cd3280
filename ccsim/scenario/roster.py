"""A pool's staffing plan over the horizon: agents at work and on the phones, as step functions.

Both forms of staffing end up here. ``staffing`` (a number per interval) is read as a stack
of agents: agent j works the intervals whose staffing is above j. ``shifts`` give the
agents of each shift, less those on a break (:mod:`ccsim.scenario.schedule`). Then:

* **absenteeism**: each scheduled agent is absent for the whole day with that probability,
  independently per day and replication. The model draws one uniform number per scheduled
  agent and day (agent absent when it is below ``absenteeism``): a Binomial(headcount,
  absenteeism) count per shift and day, and raising the rate only adds absentees (common
  random numbers). An absent agent is not paid.
* **shrinkage**: the share of at-work time spent off the phones (meetings, coaching,
  admin). At every step the agents on the phones are ``round(at work and not on a break ×
  (1 − shrinkage))``, halves rounded up; the others are at work, paid, but take no contacts.

Agents *at work* are the paid schedule (breaks and off-phone time included); agents *on the
phones* are what the model staffs (the pools' target).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.scenario.schedule import shift_steps
from ccsim.timeline import OnDutyTrace
from ccsim.units import DAY

if TYPE_CHECKING:
    from ccsim.scenario.horizon import Horizon
    from ccsim.scenario.pool import Pool


@dataclass(frozen=True)
class Roster:
    """One pool's plan over the whole horizon (one replication's absences).

    Attributes:
        times: when the plan changes (seconds from day-0 midnight, increasing).
        at_work: agents at work (present on their shift, breaks included) from each time on.
        on_phones: agents scheduled on the phones from each time on (the model's target).
        closing: the time is a closing of the centre (every count 0 from then on that day).
        absent: scheduled agents absent on each day.
    """

    times: np.ndarray
    at_work: np.ndarray
    on_phones: np.ndarray
    closing: np.ndarray
    absent: np.ndarray

    def at_work_trace(self) -> OnDutyTrace:
        return OnDutyTrace(self.times, self.at_work)

    def on_phones_trace(self) -> OnDutyTrace:
        return OnDutyTrace(self.times, self.on_phones)


def absence_width(pool: Pool, horizon: Horizon, staffing: np.ndarray | None = None) -> int:
    """Uniform numbers drawn per day for the pool's absences (one per scheduled agent);
    ``staffing``: the agents per (day, interval) when they differ by day (days_of_week)."""
    if pool.shifts is not None:
        return sum(shift.headcount for shift in pool.shifts)
    if staffing is not None:
        return int(np.max(staffing, initial=0))
    return int(np.max(staffing_per_interval(pool, horizon), initial=0))


def pool_roster(
    pool: Pool,
    horizon: Horizon,
    uniforms: np.ndarray | None = None,
    shrink: bool = True,
    staffing: np.ndarray | None = None,
) -> Roster:
    """The pool's plan over the horizon.

    Args:
        pool: the pool.
        horizon: the scenario's horizon.
        uniforms: per day, one uniform number per scheduled agent (shape days ×
            :func:`absence_width`); an agent is absent when theirs is below the pool's
            ``absenteeism``. None: nobody is absent.
        shrink: take shrinkage off the phones (False: agents at work and not on a break).
        staffing: agents per (day, interval) instead of the pool's ``staffing`` (a scenario's
            ``days_of_week``: :meth:`~ccsim.scenario.weekdays.DaysOfWeek.pool_staffing`).
    """
    times, at_work, on_phones, closing, absent = [], [], [], [], []
    for day in range(horizon.days):
        away = None if uniforms is None else uniforms[day] < pool.absenteeism
        t, w, p, gone = _day(pool, horizon, day, away, None if staffing is None else staffing[day])
        times.append(t)
        at_work.append(w)
        on_phones.append(p)
        closing.append(np.zeros(len(t), dtype=bool))
        absent.append(gone)
        if not horizon.continuous or day == horizon.days - 1:
            times.append(np.array([day * DAY + horizon.close]))
            at_work.append(np.zeros(1, np.int64))
            on_phones.append(np.zeros(1, np.int64))
            closing.append(np.ones(1, dtype=bool))
    phones = np.concatenate(on_phones)
    if shrink and pool.shrinkage:
        phones = np.floor(phones * (1.0 - pool.shrinkage) + 0.5 + 1e-9).astype(np.int64)
    return Roster(
        np.concatenate(times),
        np.concatenate(at_work),
        phones,
        np.concatenate(closing),
        np.array(absent, dtype=np.int64),
    )


def _day(pool: Pool, horizon: Horizon, day: int, away: np.ndarray | None, today: np.ndarray | None):
    """One day's points within the opening hours (the first at the opening), and absentees
    (``today``: the day's agents per interval, when they differ by day)."""
    opening, close = day * DAY + horizon.open, day * DAY + horizon.close
    if pool.shifts is None:
        if today is None:
            staffing = np.asarray(staffing_per_interval(pool, horizon)[: horizon.intervals_per_day])
        else:
            staffing = np.asarray(today, dtype=np.int64)
        times = opening + horizon.interval * np.arange(horizon.intervals_per_day)
        if away is None:
            return times, staffing, staffing, 0
        present = np.concatenate([[0], np.cumsum(~away)])
        counts = present[staffing]
        return times, counts, counts, int(np.sum(away))
    heads: list[int] | None = None  # per shift pattern: its agents present (None: all)
    gone, first = 0, 0
    if away is not None:
        heads = []
        for shift in pool.shifts:
            missing = int(np.sum(away[first : first + shift.headcount]))
            first += shift.headcount
            heads.append(shift.headcount - missing)
            gone += missing if shift.works_on(day) else 0
    times, at_work, on_phones = shift_steps(pool.shifts, day, heads)
    keep = times < close
    times, at_work, on_phones = times[keep], at_work[keep], on_phones[keep]
    if not len(times) or times[0] > opening:
        times = np.concatenate([[opening], times])
        at_work = np.concatenate([[0], at_work])
        on_phones = np.concatenate([[0], on_phones])
    return times, at_work, on_phones, gone


def interval_means(trace: OnDutyTrace, horizon: Horizon) -> np.ndarray:
    """Time-weighted mean of a step function over every interval of the horizon."""
    starts = horizon.interval_starts()
    edges = np.column_stack([starts, starts + horizon.interval]).ravel()
    return trace.agent_seconds(edges)[::2] / horizon.interval


def roster_curve(pool: Pool, horizon: Horizon) -> np.ndarray:
    """Mean agents the pool's schedule puts on the phones in every interval of the horizon.

    Breaks and shrinkage are taken off exactly as the model does; absenteeism, being random,
    as its expectation (× (1 − absenteeism)). This is the staffing curve to set beside a
    requirement (agents needed on the phones per interval).
    """
    curve = interval_means(pool_roster(pool, horizon).on_phones_trace(), horizon)
    return curve * (1.0 - pool.absenteeism)


def peak_agents(pool: Pool, horizon: Horizon, staffing: np.ndarray | None = None) -> int:
    """Most agents the pool ever has at work at once (nobody absent): the agents it needs
    (``staffing``: per (day, interval), when it differs by day)."""
    return int(np.max(pool_roster(pool, horizon, staffing=staffing).at_work, initial=0))


def staffing_per_interval(pool: Pool, horizon: Horizon) -> np.ndarray:
    """Agents a pool schedules in every interval of the horizon, before absenteeism and shrinkage.

    ``staffing``: the numbers given (integers). ``shifts``: the time-weighted mean number of
    agents on shift and not on a break (floats). :func:`roster_curve` gives the agents on the
    phones after absenteeism and shrinkage.
    """
    if pool.shifts is not None:
        roster = pool_roster(pool, horizon, shrink=False)
        return interval_means(roster.on_phones_trace(), horizon)
    day = np.broadcast_to(np.asarray(pool.staffing, dtype=np.int64), (horizon.intervals_per_day,))
    return np.tile(day, horizon.days)
