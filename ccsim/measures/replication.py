"""Measures of one replication: records → counts and sums → the ratios planners read.

:func:`measure` is the one entry point. Contacts are counted in the interval in which they
*arrived*; time-based quantities (agent busy time, time on duty, queue length) are split
exactly across interval boundaries, the last interval of each day taking in whatever happens
after closing (agents serving the last callers). Contacts arriving during the warm-up, and
time before its end, are left out. Contacts arriving while the centre is closed
(``after_hours``) count in the next opening's first interval; their waits run from their
real arrival.

Where each part is defined:

* the interval grid and which contacts count where — :mod:`ccsim.measures.grid`;
* counts per contact type and interval and the contact-side ratios (service level by its
  formula, ASA, waits, abandonment, queues) — :mod:`ccsim.measures.contacts`;
* per pool busy time, time on duty, occupancy, hours, cost, utilisation, chat concurrency
  and outbound campaigns — :mod:`ccsim.measures.pools`;
* customers' journeys (redials, transfers, callbacks, the bot) —
  :mod:`ccsim.measures.journeys`;
* the per-interval table — :mod:`ccsim.measures.intervals`;
* what each measure *is* (kind, bounds, label, headline) — :mod:`ccsim.measures.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ccsim.measures.across_days import mean_of_daily_ratios
from ccsim.measures.catalogue import FRACTIONS as FRACTIONS  # re-exported (was defined here)
from ccsim.measures.catalogue import bounds as bounds  # re-exported (was defined here)
from ccsim.measures.contacts import COUNT_FIELDS, contact_sums, group_ratios
from ccsim.measures.experience import add_experience
from ccsim.measures.grid import NOT_OFFERED as NOT_OFFERED  # re-exported (was defined here)
from ccsim.measures.grid import IntervalGrid, ratio
from ccsim.measures.grid import counted_at as counted_at  # re-exported (was defined here)
from ccsim.measures.intervals import IntervalRows, interval_rows
from ccsim.measures.intervals import interval_sums as interval_sums  # re-exported
from ccsim.measures.journeys import journey_measures
from ccsim.measures.pools import (
    add_pools,
    busy_seconds,
    campaign_measures,
    chat_measures,
    pool_ratios,
    pool_sums,
    utilisation,
)
from ccsim.records import ContactRecords
from ccsim.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd


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


@dataclass(frozen=True)
class MeasuredReplication:
    """One replication measured, its interval table still numpy columns.

    :func:`measure_numbers` makes it from the records with numpy alone; :meth:`finish`
    makes the :class:`ReplicationMeasures` (the interval table a DataFrame). A caller that
    does not keep the records lets go of them in between, so that pandas, imported for the
    table, and a long run's records are never in memory together.
    """

    replication: int
    overall: dict[str, float]
    by_type: dict[str, dict[str, float]]
    by_pool: dict[str, dict[str, float]]
    rows: IntervalRows
    by_channel: dict[str, dict[str, float]]
    by_campaign: dict[str, dict[str, float]]

    def finish(self) -> ReplicationMeasures:
        """The measures, with the interval table made a DataFrame."""
        return ReplicationMeasures(
            self.replication,
            self.overall,
            self.by_type,
            self.by_pool,
            self.rows.frame(),
            self.by_channel,
            self.by_campaign,
        )


def measure(records: ContactRecords, scenario: Scenario) -> ReplicationMeasures:
    """Compute every measure of one replication from its records."""
    return measure_numbers(records, scenario).finish()


def _group_ratios(
    grid: IntervalGrid, sums: dict[str, np.ndarray], types: list[int] | None
) -> dict[str, float]:
    """The contact-side measures of one contact type, several, or every one (None)."""
    if types is None:
        totals = {f: sums[f].sum() for f in COUNT_FIELDS}
        return group_ratios(grid, totals, np.ones(len(grid.ctype), bool), None)
    if len(types) == 1:
        t = types[0]
        return group_ratios(grid, {f: sums[f][t].sum() for f in COUNT_FIELDS}, grid.ctype == t, [t])
    totals = {f: sums[f][types].sum() for f in COUNT_FIELDS}
    return group_ratios(grid, totals, np.isin(grid.ctype, types), types)


def measure_numbers(records: ContactRecords, scenario: Scenario) -> MeasuredReplication:
    """Every measure of one replication from its records, with numpy only (no pandas)."""
    grid = IntervalGrid(records, scenario)
    sums = contact_sums(grid)  # field → (types, intervals)

    made: dict[frozenset[int], dict[str, float]] = {}

    def ratios_of(types: list[int] | None) -> dict[str, float]:
        """The contact-side measures of these contact types together (None: all). A group of
        the same types as one already made is that one again, copied: a centre's only type
        is also the whole centre and its channel (waits' percentiles and all, made once)."""
        key = frozenset(range(grid.n_types) if types is None else types)
        if key not in made:
            made[key] = _group_ratios(grid, sums, types)
        return dict(made[key])

    by_type = {name: ratios_of([t]) for t, name in enumerate(records.contact_types)}
    overall = ratios_of(None)
    by_channel = {}
    for channel, types in grid.channels().items():
        by_channel[channel] = ratios_of(types)
        by_channel[channel]["busy_hours"] = busy_seconds(grid, types) / 3600
        if channel == "chat":
            by_channel[channel].update(chat_measures(records, scenario, types, grid.measured_from))
    options = scenario.measures
    if options is not None and options.across_days == "mean_of_daily_ratios":
        groups = [(by_type[name], [t]) for t, name in enumerate(records.contact_types)]
        groups += [(by_channel[c], types) for c, types in grid.channels().items()]
        groups.append((overall, list(range(grid.n_types))))
        for table, types in groups:
            daily = mean_of_daily_ratios(grid, sums, types)
            table.update({k: v for k, v in daily.items() if k in table})
    grid.drop_waits()  # every contact-side ratio is made (a long run's memory)
    pools = pool_sums(grid)
    by_pool = {name: pool_ratios(values, total=True) for name, values in pools.items()}
    overall.update(pool_ratios(add_pools(pools.values()), total=True))
    overall["utilisation"] = utilisation(overall, pools.values())
    for name, measures in by_type.items():
        serving = [pools[p] for p, pool in scenario.pools.items() if name in pool.serves]
        busy = sum(float(p["busy"].sum()) for p in serving)
        measures["occupancy"] = ratio(busy, sum(float(p["on_duty"].sum()) for p in serving))
        if serving and "busy_open" in serving[0]:  # measures.occupancy_open_hours
            measures["occupancy_open_hours"] = ratio(
                sum(float(p["busy_open"].sum()) for p in serving),
                sum(float(p["on_duty_open"].sum()) for p in serving),
            )
        measures["utilisation"] = utilisation(measures, serving)
    journeys = journey_measures(records, scenario, grid.measured_from, grid.counted_at)
    for name, measures in by_type.items():
        measures.update(journeys[name])
    overall.update(journeys[None])
    rows = interval_rows(grid, sums, pools)
    if scenario.experience is not None:  # customer experience and churn (issue 17)
        experience = add_experience(grid, scenario.experience, overall, by_type, by_channel)
        rows = replace(rows, experience=experience)
    return MeasuredReplication(
        records.replication,
        overall,
        by_type,
        by_pool,
        rows,
        by_channel,
        campaign_measures(records.outbound),
    )
