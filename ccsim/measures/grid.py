"""The interval grid a replication is measured on, and which contacts count where.

Contacts are counted in the interval in which they *arrived* (:func:`counted_at`: contacts
arriving while the centre is closed count at the next opening). Time-based quantities (busy
time, time on duty, queue length) are split exactly across interval boundaries; the last
interval of the horizon takes in whatever happens after the final closing (agents serving the
last callers). Contacts arriving during the warm-up, and time before its end, are left out.

:class:`IntervalGrid` holds those boundaries and the contacts offered to agents after the
warm-up; the contact-side (:mod:`ccsim.measures.contacts`) and agent-side
(:mod:`ccsim.measures.pools`) computations read it.
"""

from __future__ import annotations

import numpy as np

from ccsim.records import (
    BOT_DROPPED,
    CALLBACK,
    CLOSED,
    CONTAINED,
    ESCALATED,
    FIRST_ATTEMPT,
    ContactRecords,
)
from ccsim.scenario import Scenario
from ccsim.timeline import QueueLength

NOT_OFFERED = (CONTAINED, BOT_DROPPED, ESCALATED, CLOSED)
"""Outcomes of contacts never offered to agents: bot / IVR visits and closed messages."""


def counted_at(records: ContactRecords, scenario: Scenario) -> np.ndarray:
    """When each contact counts: its arrival, or the next opening for first attempts that
    arrived while the centre was closed (``after_hours``)."""
    if not any(c.after_hours for c in scenario.contact_types.values()):
        return records.arrival
    horizon = scenario.horizon
    closed = (records.kind == FIRST_ATTEMPT) & horizon.closed_at(records.arrival)
    return np.where(closed, horizon.next_opening(records.arrival), records.arrival)


def ratio(numerator, denominator):
    """numerator / denominator, NaN where the denominator is 0 (scalars or arrays)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.divide(numerator, denominator)
    if np.ndim(result) == 0:
        return float(result) if denominator else float("nan")
    return np.where(np.asarray(denominator) > 0, result, np.nan)


class IntervalGrid:
    """One replication's planning intervals and the contacts offered to agents on them.

    Attributes:
        records, scenario: what is measured.
        starts: each interval's start (seconds from the first midnight).
        measured_from: the end of the warm-up.
        end_of_records: a moment after every recorded time.
        boundaries: where time is split: each interval runs to the next one's start, the
            last one past every recorded time; parts inside the warm-up shrink to nothing.
        interval_ends: where each interval hands over to the next (the last one: the final
            closing time).
        scheduled_spans: each interval's own span after the warm-up, interleaved start, end,
            start, …: the time a queue's mean length is taken over.
        measured_fraction: the share of each interval's scheduled time after the warm-up.
        counted_at: when each contact counts (:func:`counted_at`).
        keep: the contacts offered to agents after the warm-up (mask over the records).
        interval, ctype, outcome, wait, handle: those contacts' interval (index), contact
            type (index), outcome, wait and handle time (views on the records when every
            contact counts).
        queued: the contacts offered after the warm-up that queued (mask over the records).
        n_types, n_intervals: the grid's size.
    """

    def __init__(self, records: ContactRecords, scenario: Scenario):
        self.records = records
        self.scenario = scenario
        horizon = scenario.horizon
        self.starts = horizon.interval_starts()
        self.measured_from = horizon.open + horizon.warmup
        # Work after the final closing belongs to the last interval: it runs past every
        # recorded time.
        last_times = [np.nanmax(records.ended, initial=0.0), self.starts[-1] + horizon.interval]
        last_times += [trace.times[-1] for trace in records.on_duty.values() if len(trace.times)]
        self.end_of_records = float(max(last_times)) + 1.0
        self.boundaries = np.maximum(
            np.append(self.starts, self.end_of_records), self.measured_from
        )
        self.interval_ends = np.append(self.starts[1:], horizon.day_closes()[-1])
        # Not the night an email backlog waits; after the final closing, the last interval
        # still takes the rest.
        self.scheduled_spans = np.maximum(
            np.column_stack([self.starts, self.starts + horizon.interval]).ravel(),
            self.measured_from,
        )
        self.scheduled_spans[-1] = self.boundaries[-1]
        self.measured_fraction = np.clip(
            (self.starts + horizon.interval - self.measured_from) / horizon.interval, 0.0, 1.0
        )
        # Offered contacts: first attempts, redials and transfer legs; callback attempts are
        # agents' outbound work, measured with the journeys.
        self.counted_at = counted_at(records, scenario)
        keep = self.counted_at >= self.measured_from
        keep &= records.kind != CALLBACK
        keep &= ~np.isin(records.outcome, NOT_OFFERED)  # bot visits: see the journey measures
        self.keep = keep
        # Memory: a long run has millions of contacts, so each column below is taken once,
        # as a view when every contact counts (no copy), in its own small dtype.
        every = bool(keep.all())

        def kept(column: np.ndarray) -> np.ndarray:
            return column if every else column[keep]

        wait = records.wait  # computed: taken once here
        # Contacts that queued (blocked, balked and callback takers never did, wait 0;
        # unserved ones, wait NaN, queued until the end): what queue lengths are made of.
        self.queued = keep & ~(wait <= 0)
        self.wait = kept(wait)
        del wait
        self.interval = np.searchsorted(self.starts, kept(self.counted_at), side="right") - 1
        self.interval = self.interval.astype(np.min_scalar_type(-len(self.starts)))
        self.ctype = kept(records.contact_type)
        self.outcome = kept(records.outcome)
        self.handle = kept(records.handle)
        self.n_types = len(records.contact_types)
        self.n_intervals = len(self.starts)
        self._queues: dict[tuple[int, ...] | None, QueueLength] = {}

    def drop_waits(self) -> None:
        """Free the waits once the contact-side measures are made: the grid's largest column,
        which the agent-side and journey measures do not read (a long run's peak memory)."""
        del self.wait

    @property
    def key(self) -> np.ndarray:
        """``ctype * n_intervals + interval`` of each offered contact (the bincount key)."""
        return self.ctype.astype(np.int64) * self.n_intervals + self.interval

    def per_interval(self, key: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Sums of ``values`` per (contact type, interval), as an array types × intervals;
        ``key`` is ``ctype * n_intervals + interval`` of each value."""
        size = self.n_types * self.n_intervals
        return np.bincount(key, weights=np.asarray(values, float), minlength=size).reshape(
            self.n_types, self.n_intervals
        )

    def queue_length(self, types: list[int] | None) -> QueueLength:
        """Contacts of ``types`` (all when None) waiting over time.

        Kept once made: the per-type, per-channel and whole-centre measures and the
        interval table ask for the same queues (a group of every type is the whole centre).
        """
        key = None if types is None else tuple(sorted(set(types)))
        if key is not None and len(key) == self.n_types:
            key = None
        if key not in self._queues:
            self._queues[key] = self._queue_length(key)
        return self._queues[key]

    def _queue_length(self, types: tuple[int, ...] | None) -> QueueLength:
        records = self.records
        mine = self.queued
        if types is not None:
            mine = mine & np.isin(records.contact_type, types)
        joined = records.arrival[mine]
        answered = records.answered[mine]
        left = np.where(np.isnan(answered), records.ended[mine], answered)
        del answered
        left = np.where(np.isnan(left), self.end_of_records, left)  # unserved: to the end
        return QueueLength(joined, left, self.boundaries, self.scheduled_spans)

    def measured_seconds(self) -> float:
        """The intervals' scheduled time after the warm-up."""
        return float(self.measured_fraction.sum() * self.scenario.horizon.interval)

    def channels(self) -> dict[str, list[int]]:
        """Contact-type indexes of each channel, in order of first appearance."""
        channels: dict[str, list[int]] = {}
        for t, ctype in enumerate(self.scenario.contact_types.values()):
            channels.setdefault(ctype.channel, []).append(t)
        return channels
