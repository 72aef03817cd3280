"""Agent-side measures: what the pools did (occupancy, hours, cost), chat concurrency, and
outbound campaigns.

Per pool and interval :func:`pool_sums` collects busy time, time on duty, scheduled time and
contacts answered on the interval grid (:mod:`ccsim.measures.grid`); the ratios below turn
them into the measures planners read:

* ``occupancy`` = busy time / time on duty (overtime included; per contact type: of the pools
  that serve it, shared pools included);
* ``agent_hours`` = paid time: on duty (on the phones), plus the planned breaks and off-phone
  time of shifts and shrinkage; ``overtime_hours`` = on duty beyond the schedule;
* ``cost`` = agent_hours × cost_per_hour; ``cost_per_contact`` = cost / answered;
* ``utilisation`` = offered work (offered × AHT) / time on duty of the serving pools: the
  load a planner compares with the Erlang ρ; above 1, more work arrives than the staff can do.

Every ratio is defined once, here.
"""

from __future__ import annotations

import numpy as np

from ccsim.measures.busy_spans import busy_per_interval
from ccsim.measures.grid import IntervalGrid, ratio
from ccsim.records import ANSWERED, ContactRecords, OutboundRecords
from ccsim.scenario import Scenario
from ccsim.scenario.roster import pool_roster
from ccsim.timeline import overlap_seconds, union_spans


def pool_sums(grid: IntervalGrid) -> dict[str, dict[str, np.ndarray]]:
    """Per pool, per interval: contacts ``answered``, ``busy``, ``on_duty``, ``scheduled``
    (on the phones by plan), ``rostered`` (at work) and ``paid`` seconds, and the
    ``cost_per_hour``."""
    records = grid.records
    scheduled, at_work = _staffing_plan(records, grid.scenario)
    result = {}
    measured = grid.counted_at >= grid.measured_from
    answered = measured & (records.outcome == ANSWERED)  # incl. callbacks that reached
    options = grid.scenario.measures
    open_spans = _opening_spans(grid) if options and options.occupancy_open_hours else None
    open_hours: dict[str, np.ndarray] = {}
    engaged = ~np.isnan(records.answered)  # agent busy: incl. unreached callback attempts
    for index, (name, pool) in enumerate(grid.scenario.pools.items()):
        mine = (records.pool == index) & engaged
        # An agent with three chats open is busy once; a call taken while an email is
        # parked overlaps the email's span (answered → ended) and is busy time once.
        merge = pool.max_concurrency > 1 or pool.interrupt_deferrable
        busy = busy_per_interval(records, mine, grid.boundaries, merge)
        if records.outbound is not None:  # campaign calls keep agents busy too
            calls = records.outbound.pool == index
            busy = busy + overlap_seconds(
                records.outbound.start[calls], records.outbound.end[calls], grid.boundaries
            )
        on_duty = records.on_duty[name].agent_seconds(grid.boundaries)
        if open_spans is not None:  # measures.occupancy_open_hours: within opening hours only
            busy_open = busy_per_interval(records, mine, open_spans, merge)[::2]
            if records.outbound is not None:
                busy_open = (
                    busy_open
                    + overlap_seconds(
                        records.outbound.start[calls], records.outbound.end[calls], open_spans
                    )[::2]
                )
            open_hours = {
                "busy_open": busy_open,
                "on_duty_open": records.on_duty[name].agent_seconds(open_spans)[::2],
            }
        planned = scheduled[name].agent_seconds(grid.boundaries)
        rostered = at_work[name].agent_seconds(grid.boundaries)
        handled_in = np.bincount(
            np.searchsorted(
                grid.starts, grid.counted_at[answered & (records.pool == index)], "right"
            )
            - 1,
            minlength=grid.n_intervals,
        )
        result[name] = {
            "answered": handled_in.astype(float),
            "busy": busy,
            "on_duty": on_duty,
            "scheduled": planned,
            "rostered": rostered,
            # Paid: on the phones (overtime included) + planned breaks and off-phone time.
            "paid": on_duty + (rostered - planned),
            "cost_per_hour": np.full(grid.n_intervals, pool.cost_per_hour),
            **open_hours,
        }
    return result


def _opening_spans(grid: IntervalGrid) -> np.ndarray:
    """Each interval's own scheduled span after the warm-up, interleaved start, end, start,
    …: unlike the grid's boundaries, the day's last interval stops at closing time, so time
    between spans (work after closing) is in the odd-numbered gaps and left out."""
    interval = grid.scenario.horizon.interval
    spans = np.column_stack([grid.starts, grid.starts + interval]).ravel()
    return np.maximum(spans, grid.measured_from)


def _staffing_plan(records: ContactRecords, scenario: Scenario) -> tuple[dict, dict]:
    """Each pool's agents scheduled on the phones, and at work, over time (step functions):
    as the replication drew its absences, or from the scenario (nobody absent)."""
    if records.scheduled is not None and records.at_work is not None:
        return records.scheduled, records.at_work
    h, week = scenario.horizon, scenario.days_of_week
    rosters = {
        name: pool_roster(
            pool, h, staffing=None if week is None else week.pool_staffing(name, pool, h)
        )
        for name, pool in scenario.pools.items()
    }
    return (
        {name: roster.on_phones_trace() for name, roster in rosters.items()},
        {name: roster.at_work_trace() for name, roster in rosters.items()},
    )


def busy_seconds(grid: IntervalGrid, types: list[int]) -> float:
    """Agent time spent on contacts of ``types`` after the warm-up (any pool); an agent
    with several chats open at once spends that time once."""
    records = grid.records
    mine = np.isin(records.contact_type, types) & ~np.isnan(records.answered)
    busy = float(busy_per_interval(records, mine, grid.boundaries, merge=True).sum())
    pauses = records.pauses
    if pauses is not None and len(pauses):  # parked items: the agent was on calls
        parked = np.isin(records.contact_type[pauses.contact], types)
        busy -= float(
            overlap_seconds(pauses.start[parked], pauses.end[parked], grid.boundaries).sum()
        )
    return busy


def pool_ratios(values: dict[str, np.ndarray], total: bool) -> dict:
    collapse = (lambda a: float(np.sum(a))) if total else (lambda a: a)
    busy, on_duty = collapse(values["busy"]), collapse(values["on_duty"])
    scheduled = collapse(values["scheduled"])
    # Paid time: on the phones plus planned breaks and off-phone time (shifts, shrinkage).
    paid = values.get("paid", values["on_duty"])
    cost = collapse(paid / 3600 * values["cost_per_hour"])
    answered = collapse(values["answered"])
    return {
        "answered": answered,
        "occupancy": ratio(busy, on_duty),
        "agent_hours": collapse(paid) / 3600,
        "overtime_hours": np.maximum(on_duty - scheduled, 0) / 3600,
        "cost": cost,
        "cost_per_contact": ratio(cost, answered),
        **(
            {
                "occupancy_open_hours": ratio(
                    collapse(values["busy_open"]), collapse(values["on_duty_open"])
                )
            }
            if "busy_open" in values
            else {}
        ),
    }


def utilisation(measures: dict[str, float], pools) -> float:
    """Offered work (offered contacts × AHT) / time on duty of the pools that serve it."""
    on_duty = sum(float(p["on_duty"].sum()) for p in pools)
    aht = measures["aht"]
    return ratio(measures["offered"] * aht, on_duty) if np.isfinite(aht) else float("nan")


def add_pools(pools) -> dict[str, np.ndarray]:
    pools = list(pools)
    total = {k: sum(p[k] for p in pools) for k in ("answered", "busy", "on_duty", "scheduled")}
    total["paid"] = sum(p.get("paid", p["on_duty"]) for p in pools)
    if pools and all("busy_open" in p for p in pools):  # measures.occupancy_open_hours
        total["busy_open"] = sum(p["busy_open"] for p in pools)
        total["on_duty_open"] = sum(p["on_duty_open"] for p in pools)
    # Cost per hour differs by pool: carry the cost through as a paid-time-weighted rate.
    cost = sum(p.get("paid", p["on_duty"]) / 3600 * p["cost_per_hour"] for p in pools)
    with np.errstate(invalid="ignore", divide="ignore"):
        total["cost_per_hour"] = np.where(total["paid"] > 0, cost * 3600 / total["paid"], 0)
    return total


def campaign_measures(outbound: OutboundRecords | None) -> dict[str, dict[str, float]]:
    """Per outbound campaign: ``attempts``; ``connects``, customers reached;
    ``connect_rate`` = connects / attempts; ``list_completion``, the share of the list
    reached; ``not_attempted``, numbers never dialled; ``agent_hours`` spent on the campaign.
    """
    if outbound is None:
        return {}
    result = {}
    for index, name in enumerate(outbound.campaigns):
        mine = outbound.campaign == index
        size = outbound.list_sizes[index]
        reached = np.unique(outbound.number[mine & outbound.reached])
        dialled = np.unique(outbound.number[mine])
        attempts = int(mine.sum())
        result[name] = {
            "attempts": float(attempts),
            "connects": float(len(reached)),
            "connect_rate": ratio(float(len(reached)), float(attempts)),
            "list_completion": len(reached) / size,
            "not_attempted": float(size - len(dialled)),
            "agent_hours": float(np.sum(outbound.end[mine] - outbound.start[mine]) / 3600),
        }
    return result


def chat_measures(
    records: ContactRecords, scenario: Scenario, types: list[int], measured_from: float
) -> dict[str, float]:
    """Chat agents' concurrency: ``mean_concurrency``, chats open per agent while the agent
    had any open (chat time / time chatting); and ``aht_concurrency_1``, ``_2``, ..., the mean
    chat handle time by the number of chats open when it started (itself included).
    """
    chats = np.isin(records.contact_type, types) & ~np.isnan(records.answered)
    agent, start, end = records.agent[chats], records.answered[chats], records.ended[chats]
    union_start, union_end = union_spans(agent, start, end)
    result = {
        "mean_concurrency": ratio(
            float(np.sum(end - start)), float(np.sum(union_end - union_start))
        )
    }
    # Every chat counts towards its agent's load (warm-up ones too); measured ones are averaged.
    measured = records.arrival[chats] >= measured_from
    level = np.zeros(len(start), dtype=np.int64)
    for who in np.unique(agent):
        own = np.flatnonzero(agent == who)
        starts, ends = np.sort(start[own]), np.sort(end[own])
        # Open at a chat's start: the agent's chats started by then and not yet ended.
        level[own] = np.searchsorted(starts, start[own], "right") - np.searchsorted(
            ends, start[own], "right"
        )
    slots = max(pool.max_concurrency for pool in scenario.pools.values())
    handle = end - start
    for n in range(1, slots + 1):
        at_level = measured & (level == n)
        result[f"aht_concurrency_{n}"] = (
            float(handle[at_level].mean()) if at_level.any() else float("nan")
        )
    return result
