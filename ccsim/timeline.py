"""Quantities over time, split exactly across planning intervals.

Busy agents, agents on duty and callers waiting change at arbitrary moments; planners read
them per interval. These helpers turn spans (start, end) into seconds per interval and the
queue's step function into per-interval maxima, with sorted arrays and prefix sums rather
than a contacts × intervals matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class QueueLength:
    """Contacts waiting over time, from the times they joined and left the queue."""

    def __init__(
        self,
        joined: np.ndarray,
        left: np.ndarray,
        boundaries: np.ndarray,
        scheduled: np.ndarray | None = None,
    ):
        """``scheduled``: each interval's own span (start, end, start, end, …): the waiting
        counted in the interval's mean queue, leaving out the night an email backlog waits."""
        if scheduled is None:
            self.area_per_interval = overlap_seconds(joined, left, boundaries)
        else:
            self.area_per_interval = overlap_seconds(joined, left, scheduled)[::2]
        self.area_overall = float(self.area_per_interval.sum())
        self.max_per_interval = _max_waiting(joined, left, boundaries)
        self.max_overall = float(self.max_per_interval.max()) if len(boundaries) > 1 else 0.0
        self._joined = joined
        self._left = left

    def waiting_at(self, times: np.ndarray) -> np.ndarray:
        """How many contacts were waiting just before each of ``times``.

        "Just before": a contact answered at exactly an interval boundary (agents coming on
        duty at opening) still counts in the backlog the interval hands over.
        """
        joined = np.sort(self._joined)
        left = np.sort(self._left)
        times = np.asarray(times, dtype=float)
        return (
            np.searchsorted(joined, times, side="left") - np.searchsorted(left, times, "left")
        ).astype(float)

    def oldest_at_each(self, times: np.ndarray) -> np.ndarray:
        """How long the longest-waiting contact had waited just before each of ``times``
        (ascending; 0 where nobody was waiting): the age of the oldest item in the backlog.

        In the order the contacts joined, the oldest still waiting just before ``t`` is the
        first one that had not left before ``t``: the first whose leaving time is ≥ ``t``,
        which is where the running maximum of the leaving times first reaches ``t`` (one
        sorted search for every time; no Python list of a long run's millions of waits).
        """
        order = np.argsort(self._joined, kind="stable")
        joined = self._joined[order]
        reached = self._left[order]
        del order
        np.maximum.accumulate(reached, out=reached)  # each prefix's latest leaving time
        times = np.asarray(times, dtype=float)
        first = np.searchsorted(reached, times, side="left")
        del reached
        ages = np.zeros(len(times))
        there = first < len(joined)  # someone had not left yet
        oldest = joined[first[there]]
        # ... and had joined by then: the wait so far of the first of them.
        ages[there] = np.where(oldest < times[there], times[there] - oldest, 0.0)
        return ages

    def oldest_at(self, time: float) -> float:
        """How long the longest-waiting contact had waited just before ``time`` (0: nobody)."""
        waiting = (self._joined < time) & (self._left >= time)
        return float(time - self._joined[waiting].min()) if waiting.any() else 0.0


def _max_waiting(joined: np.ndarray, left: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Most contacts waiting at once in each interval [boundaries[k], boundaries[k+1]).

    At equal times people leave before others join, so a maximum is not inflated. The
    queue only grows when someone joins, so an interval's maximum is reached just after one
    of its joins, or is the queue it took over when it began: with both time lists sorted,
    the queue just after the i-th join (0-based) at time t is i + 1 minus those who left at
    or before t, counted one interval at a time (no array over every join and leave: a
    long run has millions of waits).
    """
    n = len(boundaries) - 1
    maxima = np.zeros(n)
    if len(joined) == 0:
        return maxima
    in_order = bool(np.all(joined[1:] >= joined[:-1]))
    joins = joined if in_order else np.sort(joined)  # often in order already: no copy
    leaves = np.sort(left)
    first = np.searchsorted(joins, boundaries, side="left")  # joins of interval k: first[k]..
    # An interval also holds whoever was already waiting when it began (joined and not
    # left strictly before its start).
    maxima[:] = first[:-1] - np.searchsorted(leaves, boundaries[:-1], side="left")
    for k in np.flatnonzero(first[1:] > first[:-1]).tolist():
        a, b = int(first[k]), int(first[k + 1])
        after_join = np.arange(a + 1, b + 1) - np.searchsorted(leaves, joins[a:b], "right")
        maxima[k] = max(maxima[k], float(after_join.max()))
    return maxima


def overlap_seconds(start: np.ndarray, end: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Total time the spans [start, end) spend between consecutive boundaries.

    Evaluates F(b) = Σ min(max(b − start, 0), end − start) at every boundary as
    Σ_{end ≤ b} (end − start) + Σ_{start ≤ b < end} (b − start), with sorted arrays and prefix
    sums: O(n log n), never an n × intervals matrix. Needs end ≥ start and finite times.
    """
    if len(start) == 0:
        return np.zeros(len(boundaries) - 1)
    # Temporaries are dropped as soon as used: a long run has millions of spans.
    # Only the prefix sums at the boundaries are kept: a long run has millions of spans.
    start_sorted = np.sort(start)
    started = np.searchsorted(start_sorted, boundaries, side="right")
    started_sum = _prefix_sums_at(start_sorted, started)
    del start_sorted
    by_end = np.argsort(end, kind="stable")
    start_by_end = start[by_end]
    del by_end
    end_sorted = np.sort(end)  # = end[by_end]: the same values, without a third array
    ended = np.searchsorted(end_sorted, boundaries, side="right")
    if end_sorted.dtype == float:  # each span's duration, in place
        end_sorted -= start_by_end
        durations = end_sorted
    else:
        durations = end_sorted - start_by_end
    del end_sorted
    duration_sum = _prefix_sums_at(durations, ended)
    del durations
    ended_start_sum = _prefix_sums_at(start_by_end, ended)
    del start_by_end
    running = boundaries * (started - ended) - (started_sum - ended_start_sum)
    return np.diff(duration_sum + running)


_BLOCK = 2**19
"""Values summed per block by :func:`_prefix_sums_at` (4 MiB of float64 at a time)."""


def _prefix_sums_at(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The running totals of ``values`` (0 before the first) read at the indexes ``at``.

    The same additions, in the same order, as ``_prefix_sums(values)[at]``, carried from
    block to block, so a long run never holds a second n-sized array for them.
    """
    if values.dtype != np.float64:  # integer times (tests): summed exactly, at once
        return _prefix_sums(values)[at]
    at = np.asarray(at)
    result = np.zeros(len(at))
    carry = np.empty(1)
    for low in range(0, len(values), _BLOCK):
        high = min(low + _BLOCK, len(values))
        if low == 0:
            sums = np.cumsum(values[:high])
        else:  # go on from the previous block's total: the same sequence of additions
            sums = np.cumsum(np.concatenate([carry, values[low:high]]))[1:]
        inside = (at > low) & (at <= high)  # prefix i (i values summed) is sums[i - low - 1]
        result[inside] = sums[at[inside] - low - 1]
        carry[0] = sums[-1]
    return result


def _prefix_sums(values: np.ndarray) -> np.ndarray:
    """0, then the running totals of ``values`` (one array, no concatenated copy)."""
    result = np.empty(len(values) + 1)
    result[0] = 0.0
    if values.dtype == result.dtype:
        np.cumsum(values, out=result[1:])
    else:  # integer times (tests): summed exactly as integers, then made floats
        result[1:] = np.cumsum(values)
    return result


def union_spans(
    owner: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge each owner's overlapping spans: the time an agent had at least one chat open.

    Returns the merged spans' starts and ends (owners are dropped: the spans of different
    owners are kept apart, never merged).
    """
    if len(start) == 0:
        return start, end
    order = np.lexsort((start, owner))
    # One column at a time, each original dropped as its sorted copy is made (temporaries
    # dropped as soon as used: a long run has millions of spans).
    owner = owner[order]
    start = start[order]
    end = end[order]
    del order
    first_of_owner = np.r_[True, owner[1:] != owner[:-1]]
    del owner
    # A running maximum of the ends within each owner: shift every owner's times past the
    # previous owner's, take one cumulative maximum, shift back.
    shift = np.cumsum(first_of_owner) - 1  # the owner's group number
    shift = float(np.max(end) - np.min(start) + 1.0) * shift
    running = end + shift
    np.maximum.accumulate(running, out=running)
    running -= shift
    del shift
    # A span opens a merged one when it starts after every earlier span of its owner ended.
    opens = first_of_owner
    opens[1:] |= start[1:] > running[:-1]
    del running
    index = np.flatnonzero(opens)
    return start[index], np.maximum.reduceat(end, index)


@dataclass(frozen=True)
class OnDutyTrace:
    """How many agents of a pool were on duty over time (a step function).

    ``counts[i]`` agents were on duty from ``times[i]`` until ``times[i + 1]``; before the
    first time nobody was. Agents finishing a contact after their scheduled end are counted
    until they leave, so the area under this curve is the paid time including overtime.
    """

    times: np.ndarray
    counts: np.ndarray

    def agent_seconds(self, boundaries: np.ndarray) -> np.ndarray:
        """Agent-seconds on duty between consecutive ``boundaries`` (len(boundaries) - 1 values)."""
        return np.diff(self._cumulative(boundaries))

    def _cumulative(self, at: np.ndarray) -> np.ndarray:
        if self.times.size == 0:
            return np.zeros(len(at))
        # Area under the step function from the first change up to each time in `at`.
        steps = np.diff(self.times) * self.counts[:-1]
        area = np.concatenate([[0.0], np.cumsum(steps)])
        index = np.searchsorted(self.times, at, side="right") - 1
        before = index < 0
        index = np.clip(index, 0, None)
        result = area[index] + (at - self.times[index]) * self.counts[index]
        result[before] = 0.0
        return result
