"""Agent-side measures: what the pools did (occupancy, hours, cost), chat concurrency, and
outbound campaigns.

Per pool and interval the measurer (:mod:`ccsim.measures.replication`) collects busy time, time on
duty,
scheduled time and contacts answered; the ratios below turn them into the measures planners
read. Every ratio is defined once, here.
"""

from __future__ import annotations

import numpy as np

from ccsim.records import ContactRecords, OutboundRecords
from ccsim.scenario import Scenario
from ccsim.timeline import union_spans


def ratio(numerator, denominator):
    """numerator / denominator, NaN where the denominator is 0 (scalars or arrays)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.divide(numerator, denominator)
    if np.ndim(result) == 0:
        return float(result) if denominator else float("nan")
    return np.where(np.asarray(denominator) > 0, result, np.nan)


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
