"""Agents really taking calls, from what the log shows: the work-conserving estimate.

Counting the distinct agents who answered in an interval overstates the agents available to
the queue: people log on but take breaks, do back-office work, hand a seat over, and wrap up
after calls (time the log does not show). The log does show one thing for certain: a centre
does not leave callers waiting while an agent who could take them sits idle. So

* **after-call work** (:func:`estimate_wrap_up`): when a caller was waiting as an agent's
  call ended, the agent takes the next call as soon as the after-call work is done, so the
  gap to their next answer *is* the work — unless the queue emptied first (another agent
  took the last caller), when the work is only known to be longer than the time until then:
  a censored observation, estimated as patience is (Weibull / lognormal, by AIC);
* **busy agents** at any moment: agents in a call, or within its after-call work (ended +
  wrap-up, cut at their next answer);
* **availability** in an interval: the time-average of busy agents *over the moments when a
  caller of the pool's classes was waiting* — then every available agent is busy, so busy
  equals available. Where callers waited for less than :data:`MIN_WAITING` of the interval
  this is not measured: the busy agents are then only a lower bound, and the estimate is the
  largest of the peak busy count, the agents **present** times the pool's ratio of
  available to present agents where it was measured, and the agents who answered in the
  interval times the ratio of available to those;
* **present** agents: an agent who answered at 19:10 and again at 20:40 the same business
  day was on duty in between, though the log shows no call of theirs at 19:30-20:30. So per
  agent and day, each call makes a stretch on duty from its answer to the end of its
  after-call work, joined to the agent's next answer when the gap is at most
  :data:`~ccsim.calibration.presence.PRESENCE_GAP` (longer: a break, or gone for the
  day), and present is the time-average of agents on duty over the interval
  (:mod:`ccsim.calibration.presence`). At the day's edges an agent counts as
  on duty from the pool's previous answer by a colleague, or from the centre's first call
  of the day (its opening as the log shows it), if that came within the same limit before
  their own first answer — a desk agent waits for the first caller of the morning, but one
  who sat idle while a colleague answered would as likely have had that caller, so a
  later shift is not pulled back to the opening — and likewise after their last call
  towards the next answer or the centre's last call. Agents counted by answers *within*
  the interval (``logged_on``, kept for the report as the old count) are taken too where
  more, but miss a quiet desk's agents in every interval where no call of theirs happened
  to come. Present agents overstate where two people share a seat (each is on duty across
  the other's turns): the ratio, measured where callers waited, takes that out.

The estimate does not depend on the planning interval (time averages, over waiting moments
and over the stretches on duty, whatever the interval); its uncertainty is shown by a
bootstrap over days.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from ccsim.calibration.contact_log import ContactLog
from ccsim.calibration.log_grid import IntervalGrid
from ccsim.calibration.patience import as_distribution, estimate_patience
from ccsim.calibration.presence import stretches_on_duty
from ccsim.timeline import overlap_seconds

BREAK = 300.0
"""A gap between two calls of an agent at least this long (seconds) is not after-call work."""
MIN_WAITING = 0.05
"""Share of an interval with someone waiting from which availability counts as measured."""


@dataclass(frozen=True)
class WrapUp:
    """After-call work seen in the gaps between an agent's calls.

    Attributes:
        gaps: the gaps used (seconds), one per back-to-back pair with a caller waiting.
        events: True where the gap is after-call work itself; False where the queue
            emptied first (the work lasted at least that long: censored).
        mean, cv: mean and cv of the censored fit (0, 0 without gaps).
    """

    gaps: np.ndarray
    events: np.ndarray
    mean: float
    cv: float

    @property
    def distribution(self) -> dict | None:
        """The scenario's ``wrap_up:`` (gamma of that mean and cv), None when negligible."""
        if self.mean < 1.0:
            return None
        cv = min(max(self.cv, 0.05), 5.0)
        return {"distribution": "gamma", "mean": round(self.mean, 2), "cv": round(cv, 3)}


@dataclass(frozen=True)
class Availability:
    """Agents taking a pool's calls per (business day, interval).

    Attributes:
        pool: the pool.
        estimate: agents available (fractional), days × intervals.
        measured: whether the interval had enough waiting to measure it.
        logged_on: distinct agents who answered in the interval (the old, optimistic count).
        ratio: available / logged-on where measured (a factor of the fallback, for logged_on).
        present: agents on duty (time-average over the interval), from the stretches
            between their answers (module docstring).
        on_duty: available / present where measured (the fallback's factor).
    """

    pool: str
    estimate: np.ndarray
    measured: np.ndarray
    logged_on: np.ndarray
    ratio: float
    present: np.ndarray
    on_duty: float

    @property
    def agents(self) -> np.ndarray:
        """Whole agents for the model: the estimate rounded."""
        return np.rint(self.estimate).astype(np.int64)

    def band(self, days: np.ndarray, level: float = 0.9, draws: int = 200, seed: int = 1):
        """Mean over ``days`` (indexes) per interval and a bootstrap band over those days."""
        values = self.estimate[days]
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, len(values), (draws, len(values)))
        means = values[picks].mean(axis=1)
        low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2], axis=0)
        return values.mean(axis=0), low, high


def estimate_wrap_up(
    log: ContactLog, pools: Mapping[str, tuple[tuple[str, ...], tuple[str, ...] | None]]
) -> WrapUp:
    """After-call work from the gaps between an agent's calls (module docstring).

    Args:
        log: the cleaned log.
        pools: pool → (the classes it serves, its agents or None for everyone).
    """
    observed, events = [], []
    contacts = log.contacts
    index = pd.DatetimeIndex(log.dates)
    arrival_day = index.get_indexer(pd.Index(log.business_dates(contacts["arrival"])))
    for classes, agents in pools.values():
        calls = _answered(log, agents)
        day_calls = _DayCalls.of(
            calls, index.get_indexer(pd.Index(log.business_dates(calls["answered"]))), log.dates
        )
        mine = (contacts["contact_type"].isin(classes) & (contacts["wait"] > 0)).to_numpy()
        waits = _DayWaits.of(contacts[mine], arrival_day[mine], log.dates)
        for d in range(len(log.dates)):
            agent, answered, ended = day_calls.day(d)
            w_begin, w_end = waits.day(d)
            gap, event = _gaps(agent, answered, ended, w_begin, w_end)
            observed.append(gap)
            events.append(event)
    gaps, done = np.concatenate(observed), np.concatenate(events)
    if done.sum() < 10:
        return WrapUp(gaps, done, 0.0, 0.0)
    fits = estimate_patience(gaps, done).fits  # the same censored families as patience
    best = next((f for f in fits if f.family != "exponential"), fits[0])
    dist = as_distribution(best.distribution)
    return WrapUp(gaps, done, float(dist.mean), float(dist.cv))


def _gaps(agent, answered, ended, w_begin: np.ndarray, w_end: np.ndarray):
    """Back-to-back gaps of one day with a caller waiting when the call ended: the gap,
    or the time until the queue emptied when that came first (then censored)."""
    next_answer, waiting, emptied = _after_call(agent, answered, ended, w_begin, w_end)
    keep = waiting & (next_answer - ended < BREAK)  # longer: a break or a seat handed over
    gap = np.maximum(next_answer - ended, 0.01)[keep]
    limit = np.maximum(emptied - ended, 0.01)[keep]
    return np.minimum(gap, limit), gap <= limit


def _after_call(
    agent: np.ndarray,
    answered: np.ndarray,
    ended: np.ndarray,
    w_begin: np.ndarray,
    w_end: np.ndarray,
):
    """Per call of one day (sorted by agent and answer): the same agent's next answer (inf:
    none that day), whether a caller was waiting at its end, and when the queue next
    emptied after it."""
    same = np.zeros(len(agent), dtype=bool)
    same[:-1] = agent[:-1] == agent[1:]
    next_answer = np.where(same, np.roll(answered, -1), np.inf)
    begins, ends = np.sort(w_begin), np.sort(w_end)

    def queue(t: np.ndarray) -> np.ndarray:
        return np.searchsorted(begins, t, side="right") - np.searchsorted(ends, t, side="right")

    times = np.sort(np.concatenate([w_begin, w_end]))
    empty_at = times[queue(times) == 0]
    if len(empty_at):
        after = np.minimum(np.searchsorted(empty_at, ended, side="right"), len(empty_at) - 1)
        emptied = np.where(empty_at[after] > ended, empty_at[after], np.inf)
    else:
        emptied = np.full(len(ended), np.inf)
    return next_answer, queue(ended) > 0, emptied


@dataclass(frozen=True)
class _DayCalls:
    """Answered calls as arrays, sorted by business day, agent and answer time, with times in
    seconds after their own day's midnight (the per-day pandas work done once, vectorised)."""

    agent: np.ndarray
    answered: np.ndarray
    ended: np.ndarray
    bounds: np.ndarray

    @classmethod
    def of(cls, calls: pd.DataFrame, day: np.ndarray, dates) -> _DayCalls:
        """``calls`` whose business day is ``dates[day]`` (day -1: none, left out)."""
        on = day >= 0
        day = day[on]
        agent = pd.factorize(calls["agent"].to_numpy()[on], sort=True)[0]
        answered = calls["answered"].to_numpy("datetime64[ns]")[on]
        order = np.lexsort((answered, agent, day))  # stable, as pandas' sort by agent, answer
        midnight = _midnights(dates)[day[order]]
        ended = calls["ended"].to_numpy("datetime64[ns]")[on][order]
        return cls(
            agent[order],
            _since(answered[order], midnight),
            _since(ended, midnight),
            np.searchsorted(day[order], np.arange(len(dates) + 1)),
        )

    def day(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Agent codes, answer and end times of day ``d``."""
        part = slice(self.bounds[d], self.bounds[d + 1])
        return self.agent[part], self.answered[part], self.ended[part]


@dataclass(frozen=True)
class _DayWaits:
    """Callers' waits as arrays grouped by business day: begin and end in seconds after their
    day's midnight."""

    begin: np.ndarray
    end: np.ndarray
    bounds: np.ndarray

    @classmethod
    def of(cls, waiting: pd.DataFrame, day: np.ndarray, dates) -> _DayWaits:
        on = day >= 0
        order = np.argsort(day[on], kind="stable")
        day = day[on][order]
        arrival = waiting["arrival"].to_numpy("datetime64[ns]")[on][order]
        begin = _since(arrival, _midnights(dates)[day])
        end = begin + waiting["wait"].to_numpy(float)[on][order]
        return cls(begin, end, np.searchsorted(day, np.arange(len(dates) + 1)))

    def day(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        part = slice(self.bounds[d], self.bounds[d + 1])
        return self.begin[part], self.end[part]


def _midnights(dates) -> np.ndarray:
    return np.array([pd.Timestamp(d).to_datetime64() for d in dates], dtype="datetime64[ns]")


def _since(times: np.ndarray, midnight: np.ndarray) -> np.ndarray:
    """Seconds from ``midnight`` to ``times`` (both datetime64[ns])."""
    return (times - midnight) / np.timedelta64(1, "s")


def estimate_availability(
    log: ContactLog,
    grid: IntervalGrid,
    pool: str,
    classes: tuple[str, ...],
    agents: tuple[str, ...] | None,
    wrap_up: WrapUp,
) -> Availability:
    """Agents available to ``pool`` per (day, interval) of ``grid`` (module docstring)."""
    contacts = log.contacts
    calls = _answered(log, agents)
    mine = contacts[contacts["contact_type"].isin(classes) & (contacts["outcome"] != "blocked")]
    shape = (grid.days, grid.intervals_per_day)
    busy_time, wait_time, busy_wait = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    peak, present = np.zeros(shape), np.zeros(shape)
    starts = grid.open + grid.interval * np.arange(grid.intervals_per_day + 1)
    day_calls = _DayCalls.of(calls, grid.day_of(calls["answered"]), grid.dates)
    waits = _DayWaits.of(mine, grid.day_of(mine["arrival"]), grid.dates)
    opening, closing = _centre_hours(contacts, grid)
    for d in range(grid.days):
        agent, begin, ended = day_calls.day(d)
        w_begin, w_end = waits.day(d)
        keep = w_end > w_begin
        nxt, queued, emptied = _after_call(agent, begin, ended, w_begin[keep], w_end[keep])
        # Busy through the after-call work: the whole gap to the next answer when callers
        # waited all through it (the work itself), else the mean, cut at the next answer.
        whole = queued & (emptied >= nxt) & (nxt - ended < BREAK)
        end = np.where(whole, nxt, np.minimum(ended + wrap_up.mean, nxt))
        pieces = _pieces(begin, end, w_begin[keep], w_end[keep], starts)
        for k, (length, busy, queue) in enumerate(pieces):
            busy_time[d, k] = float(np.dot(length, busy))
            on_wait = queue > 0
            wait_time[d, k] = float(length[on_wait].sum())
            busy_wait[d, k] = float(np.dot(length[on_wait], busy[on_wait]))
            peak[d, k] = float(busy.max()) if len(busy) else 0.0
        present[d] = overlap_seconds(
            *stretches_on_duty(agent, begin, ended + wrap_up.mean, opening[d], closing[d]), starts
        )
    logged_on = grid_logged_on(calls, grid).astype(float)
    measured = wait_time >= MIN_WAITING * grid.interval
    estimate = np.where(measured, busy_wait / np.where(measured, wait_time, 1.0), 0.0)
    ratio = (
        float(estimate[measured].sum() / logged_on[measured].sum())
        if measured.any() and logged_on[measured].sum() > 0
        else 1.0
    )
    present /= grid.interval
    on_duty = (  # available per agent present, where measured: a shared seat has two present
        float(estimate[measured].sum() / present[measured].sum())
        if measured.any() and present[measured].sum() > 0
        else 1.0
    )
    # Agents present, beside those who answered within the interval: a desk agent with one
    # call an hour is on duty all the hour, counted in the intervals between their calls too.
    fallback = np.maximum(np.maximum(peak, busy_time / grid.interval), ratio * logged_on)
    fallback = np.maximum(fallback, on_duty * present)
    estimate = np.where(measured, np.maximum(estimate, busy_time / grid.interval), fallback)
    return Availability(pool, estimate, measured, logged_on, min(ratio, 1.0), present, on_duty)


def _centre_hours(contacts: pd.DataFrame, grid: IntervalGrid) -> tuple[np.ndarray, np.ndarray]:
    """Per business day of ``grid``: the first and last arrival of any contact (seconds after
    the day's midnight), the centre's opening hours as the log shows them (inf, -inf: none)."""
    day = grid.day_of(contacts["arrival"])
    on = day >= 0
    clock = _since(
        contacts["arrival"].to_numpy("datetime64[ns]")[on], _midnights(grid.dates)[day[on]]
    )
    opening, closing = np.full(grid.days, np.inf), np.full(grid.days, -np.inf)
    np.minimum.at(opening, day[on], clock)
    np.maximum.at(closing, day[on], clock)
    return opening, closing


def grid_logged_on(calls: pd.DataFrame, grid: IntervalGrid) -> np.ndarray:
    """Distinct agents who answered a call in each (day, interval)."""
    day, slot = grid.locate(calls["answered"])
    frame = pd.DataFrame({"day": day, "slot": slot, "agent": calls["agent"].to_numpy()})
    distinct = frame[frame["day"] >= 0].groupby(["day", "slot"])["agent"].nunique()
    result = np.zeros((grid.days, grid.intervals_per_day), dtype=np.int64)
    for cell, n in distinct.items():
        d, k = cast(tuple[int, int], cell)  # grouped by (day, slot)
        result[d, k] = n
    return result


def _answered(log: ContactLog, agents: tuple[str, ...] | None) -> pd.DataFrame:
    calls = log.contacts[log.contacts["outcome"] == "answered"].dropna(subset=["agent"])
    if agents is not None:
        calls = calls[calls["agent"].isin(agents)]
    return calls


def _pieces(begin, end, w_begin, w_end, starts):
    """Per interval [starts[k], starts[k+1]): piece lengths, busy agents and callers waiting
    on each piece where both counts are constant."""
    edges = np.concatenate([begin, end, w_begin, w_end, starts])
    times = np.unique(edges[(edges >= starts[0]) & (edges <= starts[-1])])

    def level(up: np.ndarray, down: np.ndarray) -> np.ndarray:
        return np.searchsorted(np.sort(up), times, side="right") - np.searchsorted(
            np.sort(down), times, side="right"
        )

    busy = level(begin, end)[:-1]
    queue = level(w_begin, w_end)[:-1]
    length = np.diff(times)
    # The pieces are in time order, so each interval's are one run: cut, not masked.
    cut = np.searchsorted(times[:-1], starts, side="left")
    return [(length[a:b], busy[a:b], queue[a:b]) for a, b in zip(cut[:-1], cut[1:], strict=True)]


def describe(availability: Availability, grid: IntervalGrid) -> str:
    """One line for the report: measured share and the overstatement of the old count."""
    measured = availability.measured
    est, on = availability.estimate, availability.logged_on
    share = float(measured.mean()) if measured.size else math.nan
    busy = float(est[on > 0].mean()) if (on > 0).any() else math.nan
    return (
        f"pool {availability.pool}: {busy:.1f} agents available on average against "
        f"{float(on[on > 0].mean()):.1f} logged on (ratio {availability.ratio:.2f}); measured "
        f"(callers waiting) in {share:.0%} of the {measured.size:,} day-intervals"
    )
