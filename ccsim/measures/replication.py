"""Measures: records of one replication → counts and sums → the ratios planners read.

Every measure is defined here, once. Contacts are counted in the interval in which they
*arrived*; time-based quantities (agent busy time, time on duty, queue length) are split
exactly across interval boundaries, the last interval of each day taking in whatever happens
after closing (agents serving the last callers). Contacts arriving during the warm-up, and
time before its end, are left out.

Counts and sums per contact type and interval (a replication's raw material):

=========================  ==============================================================
``offered``                contacts that arrived (including blocked ones)
``answered``               answered by an agent
``abandoned``              hung up while waiting
``blocked``                refused on arrival (no waiting place or line)
``unserved``               still waiting when the horizon ended (no agent, no patience)
``answered_within``        answered with a wait at most the threshold T
``sl_denominator``         contacts counted in the service level's denominator
=========================  ==============================================================

Ratios (computed from the sums of a whole group, per replication):

* ``service_level`` = answered_within / sl_denominator, where by the type's ``formula``:
  ``answered_and_abandoned`` (default) counts answered + abandoned (+ unserved);
  ``exclude_short_abandons`` leaves out abandons shorter than ``short_abandon``;
  ``abandons_after_threshold`` counts only abandons after T; ``answered_only`` counts answered.
* ``asa`` = mean wait of answered contacts; ``mean_wait`` = mean wait of all who queued
  (answered + abandoned); ``wait_p90/p95/p99`` = percentiles of that same wait.
* ``abandon_rate`` = abandoned / offered; ``blocking_rate`` = blocked / offered;
  ``mean_time_to_abandon`` = mean wait of abandoned contacts.
* ``aht`` = mean handle time (talk + wrap-up) of answered contacts.
* ``max_queue`` = most contacts waiting at once; ``mean_queue`` = time-average waiting
  within the intervals' own time (the night an email backlog waits, or callers served after
  an earlier day's closing, is not averaged into any interval; after the final closing the
  last interval takes the rest).
* contacts arriving while the centre is closed (``after_hours``) count in the next
  opening's first interval; their waits run from their real arrival.
* ``utilisation`` = offered work (offered × AHT) / time on duty of the serving pools: the
  load a planner compares with the Erlang ρ; above 1, more work arrives than the staff can do.
* per pool (ratios in :mod:`ccsim.measures.pools`): ``occupancy`` = busy time / time on duty
  (overtime included; per contact type:
  of the pools that serve it, shared pools included);
  ``agent_hours`` = paid time: on duty (on the phones), plus the planned breaks and
  off-phone time of shifts and shrinkage; ``overtime_hours`` = on duty beyond the schedule;
  ``cost`` = agent_hours × cost_per_hour; ``cost_per_contact`` = cost / answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ccsim.measures.journeys import journey_measures
from ccsim.measures.pools import (
    add_pools,
    campaign_measures,
    chat_measures,
    pool_ratios,
    ratio,
    utilisation,
)
from ccsim.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    BOT_DROPPED,
    CALLBACK,
    CALLBACK_REQUESTED,
    CLOSED,
    CONTAINED,
    ESCALATED,
    FIRST_ATTEMPT,
    UNSERVED,
    ContactRecords,
)
from ccsim.scenario import Scenario
from ccsim.scenario.roster import pool_roster
from ccsim.timeline import QueueLength, overlap_seconds, union_spans

NOT_OFFERED = (CONTAINED, BOT_DROPPED, ESCALATED, CLOSED)
"""Outcomes of contacts never offered to agents: bot / IVR visits and closed messages."""

COUNT_FIELDS = (
    "offered",
    "answered",
    "abandoned",
    "balked",
    "callbacks_requested",
    "blocked",
    "unserved",
    "answered_within",
    "sl_denominator",
    "wait_answered",
    "wait_abandoned",
    "handle_answered",
)
"""Per (contact type, interval) sums kept for each replication."""

FRACTIONS = frozenset(
    {
        "service_level",
        "abandon_rate",
        "blocking_rate",
        "occupancy",
        "connect_rate",
        "list_completion",
        "containment_rate",
        "customers_served",
        "first_contact_resolution",
        "callback_success",
        "balk_rate",
    }
)
# (utilisation is not a fraction: offered work can exceed the staff's time.)
"""Measures that are fractions (0–1); every other measure is a non-negative count or time."""


def bounds(name: str) -> tuple[float, float]:
    """The range a measure can take: its confidence interval is clipped to it."""
    return (0.0, 1.0) if name in FRACTIONS else (0.0, float("inf"))


@dataclass(frozen=True)
class ReplicationMeasures:
    """The measures of one replication.

    Attributes:
        replication: the replication number.
        overall: measure → value for the whole centre.
        by_type: contact type → measure → value.
        by_pool: pool → measure → value.
        intervals: one row per (interval, contact type) and per (interval, pool), with the
            interval's start, day and clock time and every measure that applies.
        by_channel: channel → measure → value (contact types of a channel together, and the
            agent time spent on them, ``busy_hours``).
        by_campaign: outbound campaign → measure → value (see :func:`campaign_measures`).
    """

    replication: int
    overall: dict[str, float]
    by_type: dict[str, dict[str, float]]
    by_pool: dict[str, dict[str, float]]
    intervals: pd.DataFrame
    by_channel: dict[str, dict[str, float]] = field(default_factory=dict)
    by_campaign: dict[str, dict[str, float]] = field(default_factory=dict)


def counted_at(records: ContactRecords, scenario: Scenario) -> np.ndarray:
    """When each contact counts: its arrival, or the next opening for first attempts that
    arrived while the centre was closed (``after_hours``)."""
    if not any(c.after_hours for c in scenario.contact_types.values()):
        return records.arrival
    horizon = scenario.horizon
    closed = (records.kind == FIRST_ATTEMPT) & horizon.closed_at(records.arrival)
    return np.where(closed, horizon.next_opening(records.arrival), records.arrival)


def measure(records: ContactRecords, scenario: Scenario) -> ReplicationMeasures:
    """Compute every measure of one replication from its records."""
    return _Measurer(records, scenario).run()


def interval_sums(
    records: ContactRecords, scenario: Scenario
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Only the raw per-interval material: per contact type and interval the counts and sums
    of :data:`COUNT_FIELDS` (arrays types × intervals) and ``waiting_at_start``, the contacts
    waiting just before the interval starts (the queue it inherits: at an opening, callers
    who came while the centre was closed, or an email backlog); and per pool its busy,
    on-duty and scheduled seconds per interval. A fraction of :func:`measure`'s cost, for
    searches that evaluate many staffings (the optimiser)."""
    measurer = _Measurer(records, scenario)
    sums = measurer._sums()
    sums["waiting_at_start"] = np.array(
        [measurer._queue_length([t]).waiting_at(measurer.starts) for t in range(measurer.n_types)]
    ).reshape(measurer.n_types, measurer.n_intervals)
    return sums, measurer._pool_sums()


class _Measurer:
    def __init__(self, records: ContactRecords, scenario: Scenario):
        self.records = records
        self.scenario = scenario
        horizon = scenario.horizon
        self.starts = horizon.interval_starts()
        self.measured_from = horizon.open + horizon.warmup
        # Boundaries for splitting time: each interval runs to the next one's start; the very
        # last one runs past every recorded time (work after the final closing belongs to it).
        # Intervals (or parts) inside the warm-up shrink to nothing.
        last_times = [np.nanmax(records.ended, initial=0.0), self.starts[-1] + horizon.interval]
        last_times += [trace.times[-1] for trace in records.on_duty.values() if len(trace.times)]
        self.end_of_records = float(max(last_times)) + 1.0
        self.boundaries = np.maximum(
            np.append(self.starts, self.end_of_records), self.measured_from
        )
        # Where each interval hands over to the next (the last one: the final closing time).
        self.interval_ends = np.append(self.starts[1:], horizon.day_closes()[-1])
        # Each interval's own span (after the warm-up), interleaved start, end, start, …:
        # the time a queue's mean length is taken over — not the night an email backlog
        # waits; after the final closing, the last interval still takes the rest.
        self.scheduled_spans = np.maximum(
            np.column_stack([self.starts, self.starts + horizon.interval]).ravel(),
            self.measured_from,
        )
        self.scheduled_spans[-1] = self.boundaries[-1]
        # Share of each interval's scheduled time that lies after the warm-up.
        self.measured_fraction = np.clip(
            (self.starts + horizon.interval - self.measured_from) / horizon.interval, 0.0, 1.0
        )
        # Offered contacts: first attempts, redials and transfer legs; callback attempts are
        # agents' outbound work, measured with the journeys.
        # Contacts that arrive while the centre is closed count at the next opening.
        self.counted_at = counted_at(records, scenario)
        keep = (
            (self.counted_at >= self.measured_from)
            & (records.kind != CALLBACK)
            & ~np.isin(records.outcome, NOT_OFFERED)  # bot visits: see the journey measures
        )
        self.keep = keep
        self.interval = np.searchsorted(self.starts, self.counted_at[keep], side="right") - 1
        self.ctype = records.contact_type[keep].astype(np.int64)
        self.outcome = records.outcome[keep]
        self.wait = records.wait[keep]
        self.handle = records.handle[keep]
        self.n_types = len(records.contact_types)
        self.n_intervals = len(self.starts)

    def run(self) -> ReplicationMeasures:
        sums = self._sums()  # field → (types, intervals)
        type_names = self.records.contact_types
        by_type = {
            name: self._type_ratios(
                {f: sums[f][t].sum() for f in COUNT_FIELDS}, self.ctype == t, [t]
            )
            for t, name in enumerate(type_names)
        }
        overall = self._type_ratios(
            {f: sums[f].sum() for f in COUNT_FIELDS}, np.ones(len(self.ctype), bool), None
        )
        by_channel = {}
        for channel, types in self._channels().items():
            by_channel[channel] = self._type_ratios(
                {f: sums[f][types].sum() for f in COUNT_FIELDS}, np.isin(self.ctype, types), types
            )
            by_channel[channel]["busy_hours"] = self._busy_seconds(types) / 3600
            if channel == "chat":
                by_channel[channel].update(
                    chat_measures(self.records, self.scenario, types, self.measured_from)
                )
        pools = self._pool_sums()
        by_pool = {name: pool_ratios(values, total=True) for name, values in pools.items()}
        overall.update(pool_ratios(add_pools(pools.values()), total=True))
        overall["utilisation"] = utilisation(overall, pools.values())
        for name, measures in by_type.items():
            serving = [pools[p] for p, pool in self.scenario.pools.items() if name in pool.serves]
            busy = sum(float(p["busy"].sum()) for p in serving)
            measures["occupancy"] = ratio(busy, sum(float(p["on_duty"].sum()) for p in serving))
            measures["utilisation"] = utilisation(measures, serving)
        journeys = journey_measures(
            self.records, self.scenario, self.measured_from, self.counted_at
        )
        for name, measures in by_type.items():
            measures.update(journeys[name])
        overall.update(journeys[None])
        intervals = self._interval_frame(sums, pools)
        return ReplicationMeasures(
            self.records.replication,
            overall,
            by_type,
            by_pool,
            intervals,
            by_channel,
            campaign_measures(self.records.outbound),
        )

    # -- contact types ----------------------------------------------------------------

    def _sums(self) -> dict[str, np.ndarray]:
        outcome, wait = self.outcome, self.wait
        thresholds = np.array(
            [c.service_level.threshold for c in self.scenario.contact_types.values()]
        )[self.ctype]
        answered = outcome == ANSWERED
        balked = outcome == BALKED
        # Balking is hanging up, only sooner: it counts as abandoning in service levels.
        abandoned = (outcome == ABANDONED) | balked
        unserved = outcome == UNSERVED
        fields = {
            "offered": np.ones(len(outcome)),
            "answered": answered,
            "abandoned": outcome == ABANDONED,
            "balked": balked,
            "callbacks_requested": outcome == CALLBACK_REQUESTED,
            "blocked": outcome == BLOCKED,
            "unserved": unserved,
            "answered_within": answered & (wait <= thresholds),
            "sl_denominator": self._sl_denominator(answered, abandoned, unserved, wait),
            "wait_answered": np.where(answered, wait, 0.0),
            "wait_abandoned": np.where(outcome == ABANDONED, wait, 0.0),
            "handle_answered": np.where(answered, self.handle, 0.0),
        }
        key = self.ctype * self.n_intervals + self.interval
        size = self.n_types * self.n_intervals
        return {
            name: np.bincount(key, weights=np.asarray(values, float), minlength=size).reshape(
                self.n_types, self.n_intervals
            )
            for name, values in fields.items()
        }

    def _sl_denominator(self, answered, abandoned, unserved, wait) -> np.ndarray:
        denominator = np.zeros(len(answered))
        for t, ctype in enumerate(self.scenario.contact_types.values()):
            mine = self.ctype == t
            rule = ctype.service_level
            if rule.formula == "answered_and_abandoned":
                counted = answered | abandoned | unserved
            elif rule.formula == "exclude_short_abandons":
                counted = answered | (abandoned & (wait >= rule.short_abandon)) | unserved
            elif rule.formula == "abandons_after_threshold":
                counted = answered | (abandoned & (wait > rule.threshold)) | unserved
            else:  # answered_only
                counted = answered
            denominator[mine] = counted[mine]
        return denominator

    def _channels(self) -> dict[str, list[int]]:
        """Contact-type indexes of each channel, in order of first appearance."""
        channels: dict[str, list[int]] = {}
        for t, ctype in enumerate(self.scenario.contact_types.values()):
            channels.setdefault(ctype.channel, []).append(t)
        return channels

    def _busy_seconds(self, types: list[int]) -> float:
        """Agent time spent on contacts of ``types`` after the warm-up (any pool); an agent
        with several chats open at once spends that time once."""
        records = self.records
        mine = np.isin(records.contact_type, types) & ~np.isnan(records.answered)
        start, end = union_spans(records.agent[mine], records.answered[mine], records.ended[mine])
        busy = float(overlap_seconds(start, end, self.boundaries).sum())
        pauses = records.pauses
        if pauses is not None and len(pauses):  # parked items: the agent was on calls
            parked = np.isin(records.contact_type[pauses.contact], types)
            busy -= float(
                overlap_seconds(pauses.start[parked], pauses.end[parked], self.boundaries).sum()
            )
        return busy

    def _type_ratios(self, s: dict[str, float], mine: np.ndarray, types: list[int] | None) -> dict:
        queued = mine & ((self.outcome == ANSWERED) | (self.outcome == ABANDONED))
        waits = self.wait[queued]
        p90, p95, p99 = np.percentile(waits, [90, 95, 99]) if waits.size else (np.nan,) * 3
        queue_length = self._queue_length(types)
        close = float(self.scenario.horizon.day_closes()[-1])
        return {
            **_contact_rates(s),
            "callbacks_requested": s["callbacks_requested"],
            "unserved": s["unserved"],
            "answered_within_threshold": s["answered_within"],
            "mean_wait": ratio(
                s["wait_answered"] + s["wait_abandoned"], s["answered"] + s["abandoned"]
            ),
            "wait_p90": float(p90),
            "wait_p95": float(p95),
            "wait_p99": float(p99),
            "blocking_rate": ratio(s["blocked"], s["offered"]),
            "balk_rate": ratio(s["balked"], s["offered"]),
            "mean_time_to_abandon": ratio(s["wait_abandoned"], s["abandoned"]),
            "max_queue": float(queue_length.max_overall),
            "backlog_at_close": float(queue_length.waiting_at(np.array([close]))[0]),
            "oldest_at_close": queue_length.oldest_at(close),
            "mean_queue": ratio(queue_length.area_overall, self._measured_seconds()),
        }

    def _queue_length(self, types: list[int] | None) -> QueueLength:
        records = self.records
        # Blocked, balked and callback takers never queued (wait 0); unserved contacts
        # (wait NaN) queued until the end.
        mine = self.keep & ~(records.wait <= 0)
        if types is not None:
            mine &= np.isin(records.contact_type, types)
        joined = records.arrival[mine]
        answered = records.answered[mine]
        left = np.where(np.isnan(answered), records.ended[mine], answered)
        left = np.where(np.isnan(left), self.end_of_records, left)  # unserved: to the end
        return QueueLength(joined, left, self.boundaries, self.scheduled_spans)

    def _measured_seconds(self) -> float:
        return float(self.measured_fraction.sum() * self.scenario.horizon.interval)

    # -- pools ------------------------------------------------------------------------

    def _pool_sums(self) -> dict[str, dict[str, np.ndarray]]:
        records = self.records
        scheduled, at_work = self._staffing_plan()
        result = {}
        measured = self.counted_at >= self.measured_from
        answered = measured & (records.outcome == ANSWERED)  # incl. callbacks that reached
        engaged = ~np.isnan(records.answered)  # agent busy: incl. unreached callback attempts
        for index, (name, pool) in enumerate(self.scenario.pools.items()):
            mine = (records.pool == index) & engaged
            start, end = records.answered[mine], records.ended[mine]
            # An agent with three chats open is busy once; a call taken while an email is
            # parked overlaps the email's span (answered → ended) and is busy time once.
            if pool.max_concurrency > 1 or pool.interrupt_deferrable:
                start, end = union_spans(records.agent[mine], start, end)
            busy = overlap_seconds(start, end, self.boundaries)
            if records.outbound is not None:  # campaign calls keep agents busy too
                calls = records.outbound.pool == index
                busy = busy + overlap_seconds(
                    records.outbound.start[calls], records.outbound.end[calls], self.boundaries
                )
            on_duty = records.on_duty[name].agent_seconds(self.boundaries)
            planned = scheduled[name].agent_seconds(self.boundaries)
            rostered = at_work[name].agent_seconds(self.boundaries)
            handled_in = np.bincount(
                np.searchsorted(
                    self.starts, self.counted_at[answered & (records.pool == index)], "right"
                )
                - 1,
                minlength=self.n_intervals,
            )
            result[name] = {
                "answered": handled_in.astype(float),
                "busy": busy,
                "on_duty": on_duty,
                "scheduled": planned,
                "rostered": rostered,
                # Paid: on the phones (overtime included) + planned breaks and off-phone time.
                "paid": on_duty + (rostered - planned),
                "cost_per_hour": np.full(self.n_intervals, pool.cost_per_hour),
            }
        return result

    def _staffing_plan(self) -> tuple[dict, dict]:
        """Each pool's agents scheduled on the phones, and at work, over time (step functions):
        as the replication drew its absences, or from the scenario (nobody absent)."""
        records = self.records
        if records.scheduled is not None and records.at_work is not None:
            return records.scheduled, records.at_work
        rosters = {
            name: pool_roster(pool, self.scenario.horizon)
            for name, pool in self.scenario.pools.items()
        }
        return (
            {name: roster.on_phones_trace() for name, roster in rosters.items()},
            {name: roster.at_work_trace() for name, roster in rosters.items()},
        )

    def _interval_frame(self, sums, pools) -> pd.DataFrame:
        horizon = self.scenario.horizon
        day = (self.starts // 86400).astype(int)
        clock = self.starts - day * 86400
        frames = []
        for t, name in enumerate(self.records.contact_types):
            s = {f: sums[f][t] for f in COUNT_FIELDS}
            queue = self._queue_length([t])
            frames.append(
                pd.DataFrame(
                    {
                        "kind": "type",
                        "name": name,
                        "interval": np.arange(self.n_intervals),
                        **_contact_rates(s),
                        # the service level's counts, for daily levels (ccsim.studies.staffing.risk)
                        "answered_within_threshold": s["answered_within"],
                        "sl_denominator": s["sl_denominator"],
                        "max_queue": queue.max_per_interval,
                        "mean_queue": _divide(
                            queue.area_per_interval, horizon.interval * self.measured_fraction
                        ),
                        "waiting_at_end": queue.waiting_at(self.interval_ends),
                        "oldest_at_end": queue.oldest_at_each(self.interval_ends),
                    }
                )
            )
        for name, values in pools.items():
            ratios = pool_ratios(values, total=False)
            frames.append(
                pd.DataFrame(
                    {
                        "kind": "pool",
                        "name": name,
                        "interval": np.arange(self.n_intervals),
                        "agents": values["scheduled"] / horizon.interval,
                        "rostered": values["rostered"] / horizon.interval,
                        **ratios,
                    }
                )
            )
        frame = pd.concat(frames, ignore_index=True)
        frame.insert(3, "day", day[frame["interval"]])
        frame.insert(4, "start", [_clock(c) for c in clock[frame["interval"]]])
        frame = frame[self.measured_fraction[frame["interval"].to_numpy()] > 0]
        return frame.reset_index(drop=True)


def _contact_rates(s: dict) -> dict:
    """Counts and the main ratios of a group of contacts (whole run or one interval)."""
    return {
        "offered": s["offered"],
        "answered": s["answered"],
        "abandoned": s["abandoned"],
        "blocked": s["blocked"],
        "balked": s["balked"],
        "service_level": ratio(s["answered_within"], s["sl_denominator"]),
        "asa": ratio(s["wait_answered"], s["answered"]),
        "abandon_rate": ratio(s["abandoned"], s["offered"]),
        "aht": ratio(s["handle_answered"], s["answered"]),
    }


def _clock(seconds: float) -> str:
    total = int(round(seconds))
    return f"{total // 3600:02d}:{(total % 3600) // 60:02d}"


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ratio, NaN where the denominator is 0 (an interval inside the warm-up)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )
