"""Cautions: where a result can mislead, said in words a planner reads.

A table of means with confidence intervals looks equally trustworthy whether the centre is
comfortably staffed or drowning. Each rule below reads one run — its scenario, its
per-interval table (``intervals.csv``: means over replications) and its summary — and
returns a :class:`Caution` when the result needs a second look:

* ``overload`` — in some interval the work offered (offered contacts × handle time)
  exceeds the time the agents on duty can give: the queue grows there whatever the routing;
* ``queue_never_clears`` — agents work past closing for more than
  :data:`AFTER_CLOSE_SHARE` of their paid hours (the day's queue is not cleared by closing
  time), or an email / messaging backlog is larger at every day's close than the day before
  and still growing on the last day;
* ``target_missed`` — intervals whose mean service level is below the target, by contact
  type and interval (how many of them with the whole confidence interval below);
* ``few_contacts`` — estimates that rest on fewer than :data:`MIN_CONTACTS` contacts over
  all replications together: too few to mean anything.

``ccsim run``, ``compare``, ``sweep`` and ``staff`` print them, write them to
``summary.json`` (``warnings``) and show them at the top of the HTML report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeGuard, cast

import numpy as np
import pandas as pd

from ccsim.scenario import Scenario

AFTER_CLOSE_SHARE = 0.02
"""Work past closing, as a share of the paid hours, beyond which the queue never clears."""

BACKLOG_GROWTH = 0.05
"""Last day's growth of a backlog at close, as a share of the day's offered contacts, for a
backlog that grows every day to count as never clearing (not merely filling up from empty)."""

MIN_CONTACTS = 30
"""Contacts, over all replications together, below which an estimate means little."""

LISTED = 10
"""Intervals named in one caution; the rest are counted."""


@dataclass(frozen=True)
class Caution:
    """One warning about a result.

    Attributes:
        rule: which rule raised it (``overload``, ``queue_never_clears``,
            ``target_missed``, ``few_contacts``).
        message: one paragraph for the planner.
    """

    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message}


def run_cautions(scenario: Scenario, intervals: pd.DataFrame, summary: dict) -> list[Caution]:
    """Every caution about one run (see the module docstring).

    Args:
        scenario: the scenario as run.
        intervals: its per-interval table
        (:meth:`~ccsim.experiment.replications.ExperimentResult.intervals`).
        summary: its summary (:meth:`~ccsim.experiment.replications.ExperimentResult.summary`).
    """
    return (
        overload(scenario, intervals)
        + queue_never_clears(scenario, intervals, summary)
        + targets_missed(scenario, intervals)
        + few_contacts(scenario, intervals, summary["replications"])
    )


def overload(scenario: Scenario, intervals: pd.DataFrame) -> list[Caution]:
    """Intervals where real-time work offered exceeds the agents on duty: for each real-time
    contact type, against the pools that serve it; and for all of them together."""
    horizon = scenario.horizon
    real_time = [n for n, c in scenario.contact_types.items() if not c.deferrable]
    if not real_time:
        return []
    capacity = {}
    for name, pool in scenario.pools.items():
        rows = _rows(intervals, "pool", name)
        capacity[name] = rows["agents"] * horizon.interval * pool.max_concurrency
    work = {
        t: _rows(intervals, "type", t)["offered"] * scenario.contact_types[t].aht for t in real_time
    }
    groups = [
        ([t], [p for p, pool in scenario.pools.items() if t in pool.serves]) for t in real_time
    ]
    if len(real_time) > 1:
        groups.append(
            (
                real_time,
                [p for p, pool in scenario.pools.items() if set(pool.serves) & set(real_time)],
            )
        )
    over: dict[int, float] = {}
    for types, pools in groups:
        offered = _sum([work[t] for t in types])
        hours = _sum([capacity[p] for p in pools]) if pools else pd.Series(0.0, index=offered.index)
        load = offered / hours.where(hours > 0, np.nan)
        load = load.where(hours > 0, np.where(offered > 0, np.inf, np.nan))
        for label, value in load.items():
            if value > 1 + 1e-9:
                interval = cast(int, label)  # the index is the interval number
                over[interval] = max(over.get(interval, 0.0), float(value))
    if not over:
        return []
    labels = _labels(intervals)
    named = [f"{labels[i]} ({_ratio(v)})" for i, v in sorted(over.items())]
    return [
        Caution(
            "overload",
            f"Offered work exceeds the agents on duty in {len(over)} interval(s): "
            f"{_listing(named)} (work offered ÷ agent time on duty). The queue grows there "
            "whatever the routing; results in and after these intervals depend on how long "
            "callers wait before hanging up.",
        )
    ]


def queue_never_clears(scenario: Scenario, intervals: pd.DataFrame, summary: dict) -> list[Caution]:
    """Work past closing beyond a small share of the day, or a backlog growing every day."""
    result = []
    horizon = scenario.horizon
    overall = summary.get("overall", {})
    paid = (overall.get("agent_hours") or {}).get("mean")
    after = (overall.get("overtime_hours") or {}).get("mean")
    if (
        _finite(paid)
        and _finite(after)
        and paid > 0
        and after > AFTER_CLOSE_SHARE * paid
        and not horizon.continuous
    ):
        result.append(
            Caution(
                "queue_never_clears",
                f"Agents worked {after:,.1f} h past their scheduled end "
                f"({_whole_percent(after / paid)} of the {paid:,.1f} paid hours): the queue is not "
                "cleared by closing time, so the last intervals' waits and the day's "
                "cost depend on agents staying late.",
            )
        )
    if horizon.days >= 3:
        per_day = horizon.intervals_per_day
        for name, ctype in scenario.contact_types.items():
            if not ctype.deferrable:
                continue
            rows = _rows_frame(intervals, "type", name)
            if "waiting_at_end" not in rows or rows.empty:
                continue
            last = rows[rows["interval"] % per_day == per_day - 1].sort_values("interval")
            backlog = last["waiting_at_end"].to_numpy(float)
            offered = rows.groupby("day")["offered"].sum().to_numpy(float)
            if len(backlog) < 3 or not np.all(np.isfinite(backlog)):
                continue
            steps = np.diff(backlog)
            daily = float(np.mean(offered)) if len(offered) else 0.0
            if np.all(steps > 0) and steps[-1] >= BACKLOG_GROWTH * daily:
                counts = ", ".join(f"{b:,.0f}" for b in backlog)
                result.append(
                    Caution(
                        "queue_never_clears",
                        f"{name}: the backlog at each day's close grows every day ({counts}; "
                        f"+{steps[-1]:,.0f} on the last day, "
                        f"{_whole_percent(steps[-1] / daily)} of a day's contacts): it never "
                        "clears, and a longer horizon would show ever longer response times.",
                    )
                )
    return result


def targets_missed(scenario: Scenario, intervals: pd.DataFrame) -> list[Caution]:
    """Intervals whose mean service level is below the contact type's target."""
    missed, significant, total = [], 0, 0
    labels = _labels(intervals)
    for name, ctype in scenario.contact_types.items():
        target = ctype.service_level.target
        rows = _rows_frame(intervals, "type", name)
        rows = rows[np.isfinite(rows["service_level"].to_numpy(float))]
        total += len(rows)
        for row in rows.itertuples(index=False):
            if row.service_level < target - 1e-12:
                missed.append(
                    f"{name} {labels[row.interval]} "
                    f"({100 * row.service_level:.1f} % vs {100 * target:g} %)"
                )
                high = getattr(row, "service_level_high", math.nan)
                significant += bool(_finite(high) and high < target)
    if not missed:
        return []
    return [
        Caution(
            "target_missed",
            f"Service level below target in {len(missed)} of {total} (contact type, interval)s "
            f"({significant} with the whole confidence interval below): {_listing(missed)}.",
        )
    ]


def few_contacts(scenario: Scenario, intervals: pd.DataFrame, replications: int) -> list[Caution]:
    """Contact types and intervals whose service level rests on too few contacts."""
    result = []
    labels = _labels(intervals)
    for name in scenario.contact_types:
        rows = _rows_frame(intervals, "type", name)
        if rows.empty or "sl_denominator" not in rows:
            continue
        counted = rows["sl_denominator"].to_numpy(float) * replications
        if np.nansum(counted) < MIN_CONTACTS:
            result.append(
                Caution(
                    "few_contacts",
                    f"{name}: only {np.nansum(counted):,.0f} contacts counted in all "
                    f"{replications} replication(s) together: its measures rest on too few "
                    "contacts to mean anything; run more replications or a longer horizon.",
                )
            )
            continue
        thin = [
            labels[i]
            for i, c in zip(rows["interval"], counted, strict=True)
            if 0 < c < MIN_CONTACTS
        ]
        if thin:
            result.append(
                Caution(
                    "few_contacts",
                    f"{name}: the service level of {len(thin)} interval(s) rests on fewer than "
                    f"{MIN_CONTACTS} contacts in all {replications} replication(s) together "
                    f"({_listing(thin)}): read those intervals as rough.",
                )
            )
    return result


def _rows(intervals: pd.DataFrame, kind: str, name: str) -> pd.DataFrame:
    """One group's rows indexed by interval (the column is chosen by the caller)."""
    return _rows_frame(intervals, kind, name).set_index("interval")


def _rows_frame(intervals: pd.DataFrame, kind: str, name: str) -> pd.DataFrame:
    return intervals[(intervals["kind"] == kind) & (intervals["name"] == name)]


def _sum(series: list[pd.Series]) -> pd.Series:
    """The element-wise sum of one or more series, in their order."""
    total = series[0]
    for more in series[1:]:
        total = total + more
    return total


def _labels(intervals: pd.DataFrame) -> dict[int, str]:
    """Each interval's name in a caution: its clock time, with its day when there are several
    (made once: a sweep or a staffing search runs the cautions for every point)."""
    several_days = intervals["day"].nunique() > 1
    firsts = intervals.drop_duplicates("interval")
    return {
        int(i): f"day {int(day)} {start}" if several_days else str(start)
        for i, day, start in zip(firsts["interval"], firsts["day"], firsts["start"], strict=True)
    }


def _listing(items: list[str]) -> str:
    if len(items) <= LISTED:
        return ", ".join(items)
    return ", ".join(items[:LISTED]) + f" and {len(items) - LISTED} more (see intervals.csv)"


def _ratio(value: float) -> str:
    return "no agents" if math.isinf(value) else _whole_percent(value)


def _whole_percent(share: float) -> str:
    """``1.1`` → ``110 %``: percentages written as everywhere else in ccsim (a space before
    the sign, as ``ccsim.output.format`` writes them; the output layer is above this one)."""
    return f"{100 * share:.0f} %"


def _finite(x: object) -> TypeGuard[float]:
    return isinstance(x, (int, float)) and math.isfinite(x)
