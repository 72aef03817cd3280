"""What the trainee's page shows while the day runs: the floor now and the intervals so far.

Read-only: nothing here changes the centre (a waiting caller whose patience has run out is
counted as gone without being taken off the queue), so watching the day cannot change it.

The per-interval figures are a live approximation for the charts — service level over
callers answered or gone so far, ASA, abandonment, occupancy over time on duty — with the
Erlang C figure for the interval's forecast and the agents on duty beside them. The
scorecard at the end uses the official measures (:mod:`ccsim.measures`).
"""

from __future__ import annotations

import math

import numpy as np

from ccsim.analytic.erlang import erlang_c
from ccsim.model.live import LiveCentre
from ccsim.records import Kind, Outcome
from ccsim.units import format_clock

ANSWERED, ABANDONED, WAITING = int(Outcome.ANSWERED), int(Outcome.ABANDONED), int(Outcome.WAITING)


def floor_now(centre: LiveCentre) -> dict:
    """Callers waiting per type and agents by state per pool, now.

    Agents by state: ``idle``; ``busy`` on a call, an email or another contact that is not
    a chat, split into ``talking`` and ``after_call_work`` (the wrap-up part of the handle
    time, :meth:`LiveCentre.talk_ends`); ``chatting`` (chats only, in their chat slots);
    ``on_break``; ``leaving`` (going off duty when the contact in hand ends).
    """
    now = centre.now
    book = centre.book
    outcome, deadline = book.outcome, book.deadline
    queues = []
    for queue, name in zip(centre.queues, centre.type_names, strict=True):
        waiting = sum(1 for c in queue.ids if outcome[c] == WAITING and deadline[c] > now)
        callbacks = centre.callback_queues[queue.index]
        queued_callbacks = len(callbacks.ids) if callbacks is not None else 0
        queues.append({"type": name, "waiting": waiting, "callbacks": queued_callbacks})
    n = len(book)
    answered = np.frombuffer(book.answered, dtype=float, count=n)
    serving = ~np.isnan(answered) & np.isnan(np.frombuffer(book.ended, dtype=float, count=n))
    del answered
    in_hand = np.flatnonzero(serving)
    talking_now = centre.talk_ends(in_hand) > now  # else in after-call work
    served_by = np.frombuffer(book.served_by, dtype=np.int16, count=n)[in_hand]
    agent_of = np.frombuffer(book.agent_of, dtype=np.int32, count=n)[in_hand]
    chat_types = [
        i for i, c in enumerate(centre.scenario.contact_types.values()) if c.channel == "chat"
    ]
    is_chat = np.isin(
        np.frombuffer(book.contact_type, dtype=np.int16, count=n)[in_hand], chat_types
    )
    pools = []
    for p, pool in enumerate(centre.pools):
        mine = (served_by == p) & ~is_chat
        busy_agents = set(agent_of[mine].tolist())
        # An agent still talking on any contact in hand (a warm handover) is talking.
        talking = len(set(agent_of[mine & talking_now].tolist()))
        chatting = len(set(agent_of[(served_by == p) & is_chat].tolist()) - busy_agents)
        busy = len(busy_agents)
        idle = len(pool.idle)
        pools.append(
            {
                "pool": pool.name,
                "on_duty": pool.on_duty,
                "target": centre.target(p),
                "planned": centre.planned(p),
                "extra": centre.offset[p],
                "idle": idle,
                "busy": busy,
                "talking": talking,
                "after_call_work": busy - talking,
                "chatting": chatting,
                "on_break": centre.away[p],
                "offline": bool(centre.offline[p]),
                "leaving": max(pool.on_duty - pool.target, 0),
            }
        )
    return {"time": now, "clock": format_clock(now), "queues": queues, "pools": pools}


def intervals_so_far(centre: LiveCentre) -> list[dict]:
    """One row per (interval begun, contact type): offered, SL, ASA, abandonment,
    occupancy of the pools serving the type first, the Erlang C figure and the target."""
    scenario = centre.scenario
    horizon = scenario.horizon
    now = centre.now
    starts = horizon.interval_starts()
    begun = int(np.searchsorted(starts, now, side="right"))
    if begun == 0:
        return []
    length = horizon.interval
    book = centre.book
    n = len(book)
    arrival = np.frombuffer(book.arrival, dtype=float, count=n).copy()
    answered = np.frombuffer(book.answered, dtype=float, count=n).copy()
    outcome = np.frombuffer(book.outcome, dtype=np.int8, count=n).copy()
    deadline = np.frombuffer(book.deadline, dtype=float, count=n).copy()
    ctype = np.frombuffer(book.contact_type, dtype=np.int16, count=n).copy()
    handle = np.frombuffer(book.handle, dtype=float, count=n).copy()
    pool_of = np.frombuffer(book.served_by, dtype=np.int16, count=n).copy()
    if book.journeys:
        kind = np.frombuffer(book.kind, dtype=np.int8, count=n).copy()
        counted = kind != int(Kind.CALLBACK)
    else:
        counted = np.ones(n, bool)
    gone = (outcome == ABANDONED) | ((outcome == WAITING) & (deadline <= now))
    slot = np.searchsorted(starts, arrival, side="right") - 1
    boundaries = np.append(starts[:begun], starts[begun - 1] + length)
    ends = np.minimum(boundaries[1:], now)
    occupancy = _occupancy(centre, answered, handle, pool_of, boundaries[:-1], ends)
    rows = []
    for t, (name, spec) in enumerate(scenario.contact_types.items()):
        mine = (ctype == t) & counted & (slot >= 0) & (slot < begun) & (arrival <= now)
        first_pool = _first_pool(scenario, name)
        rates = spec.arrivals.rates_per_second(horizon)
        for i in range(begun):
            rows_i = mine & (slot == i)
            ans = rows_i & (outcome == ANSWERED)
            wait = answered[ans] - arrival[ans]
            lost = int((rows_i & gone).sum())
            within = int((wait <= spec.service_level.threshold).sum())
            done = int(ans.sum()) + lost
            on_duty = occupancy[first_pool][1][i] if first_pool is not None else math.nan
            rows.append(
                {
                    "interval": i,
                    "start": format_clock(starts[i]),
                    "type": name,
                    "offered": int(rows_i.sum()),
                    "service_level": within / done if done else None,
                    "asa": float(wait.mean()) if len(wait) else None,
                    "abandon_rate": lost / done if done else None,
                    "occupancy": occupancy[first_pool][0][i] if first_pool is not None else None,
                    "agents": on_duty,
                    "target": spec.service_level.target,
                    "erlang": _erlang_sl(rates[i], spec.aht, on_duty, spec.service_level.threshold),
                }
            )
    return rows


def _first_pool(scenario, contact_type: str) -> int | None:
    for index, pool in enumerate(scenario.pools.values()):
        skill = pool.serves.get(contact_type)
        if skill is not None and skill.priority == 1:
            return index
    return None


def _occupancy(centre, answered, handle, pool_of, starts, ends) -> dict:
    """Per pool: (occupancy per interval, mean agents on duty per interval)."""
    result = {}
    for p, pool in enumerate(centre.pools):
        times = np.array(pool.trace_times + [centre.now], float)
        counts = np.array(pool.trace_counts + [pool.on_duty], float)
        seconds = []
        for a, b in zip(starts, ends, strict=True):
            lo, hi = np.clip(times[:-1], a, b), np.clip(times[1:], a, b)
            seconds.append(float(((hi - lo) * counts[:-1]).sum()))
        duty = np.array(seconds)
        mine = (pool_of == p) & ~np.isnan(answered)
        begin, finish = answered[mine], np.minimum(answered[mine] + handle[mine], centre.now)
        busy = np.array(
            [
                float(np.clip(np.minimum(finish, b) - np.maximum(begin, a), 0, None).sum())
                for a, b in zip(starts, ends, strict=True)
            ]
        )
        span = np.maximum(ends - starts, 1e-9)
        with np.errstate(invalid="ignore", divide="ignore"):
            occupancy = np.where(duty > 0, np.minimum(busy / duty, 1.0), np.nan)
        result[p] = (
            [None if math.isnan(v) else float(v) for v in occupancy],
            [float(v) for v in duty / span],
        )
    return result


def _erlang_sl(rate: float, aht: float, agents: float, threshold: float) -> float | None:
    """Erlang C service level for ``rate`` (per second) with ``agents`` (rounded down)."""
    load = rate * aht
    c = int(math.floor(agents + 1e-9)) if not math.isnan(agents) else 0
    if load <= 0 or c <= load:
        return None if load <= 0 else 0.0
    wait = erlang_c(c, load)
    return float(1 - wait * math.exp(-(c - load) * threshold / aht))
