"""A state taken from a simulated day at a moment: what the state file would say then.

A trainer's session, a test, or a backtest runs a day live (:class:`ccsim.model.live.LiveCentre`)
to 11:40 and asks for the centre as it is: who is waiting and for how long, who is talking or
in after-call work and for how long, which agents are idle, and the volume so far. The result
is an ordinary :class:`~ccsim.intraday.state.CentreState`, as a planner would write it.

Agents are labelled ``<pool>-<number>``. A chat agent is ``busy`` while any chat is open
(their chats' ``spent`` is the time since each was answered); a voice or email agent whose
talk is over is in ``after_call_work``.
"""

from __future__ import annotations

import math

import numpy as np

from ccsim.intraday.state import CentreState, parse_state
from ccsim.model.live import LiveCentre
from ccsim.records import Kind, Outcome
from ccsim.units import DAY


def snapshot(live: LiveCentre) -> CentreState:
    """The state of ``live`` at its clock (advance it first)."""
    book, now = live.book, live.now
    types, pools = live.type_names, live.pool_names
    chat = [c.channel == "chat" for c in live.scenario.contact_types.values()]
    n = len(book)
    arrival = np.frombuffer(book.arrival, float)[:n]
    answered = np.frombuffer(book.answered, float)[:n]
    ended = np.frombuffer(book.ended, float)[:n]
    outcome = np.frombuffer(book.outcome, np.int8)[:n]
    deadline = np.frombuffer(book.deadline, float)[:n]
    ctype = np.frombuffer(book.contact_type, np.int16)[:n]
    kind = np.frombuffer(book.kind, np.int8)[:n] if book.journeys else np.zeros(n, np.int8)
    attempt = np.frombuffer(book.attempt, np.int8)[:n] if book.journeys else np.zeros(n, np.int8)
    waiting_now = (outcome == int(Outcome.WAITING)) & (arrival <= now) & (deadline > now)
    waiting = [
        {
            "type": types[ctype[c]],
            "waited": float(now - arrival[c]),
            "attempt": int(attempt[c]),
            "callback": bool(kind[c] == int(Kind.CALLBACK)),
        }
        for c in np.flatnonzero(waiting_now)
    ]
    serving = np.flatnonzero((answered <= now) & ~(ended <= now))
    talk_end = live.talk_ends(serving) if len(serving) else np.zeros(0)
    agents: dict[int, dict] = {}
    in_service = []
    for c, talk_over in zip(serving, talk_end, strict=True):
        agent, pool, t = int(book.agent_of[c]), pools[book.served_by[c]], int(ctype[c])
        label = f"{pool}-{agent}"
        if now < talk_over or chat[t]:
            agents.setdefault(agent, {"id": label, "pool": pool, "state": "busy"})
            spent = float(now - answered[c])
            in_service.append({"type": types[t], "pool": pool, "agent": label, "spent": spent})
        else:
            agents[agent] = {
                "id": label,
                "pool": pool,
                "state": "after_call_work",
                "type": types[t],
                "spent": float(now - talk_over),
            }
    for group in live.pools:
        for agent in group.idle:
            agents[agent] = {"id": f"{group.name}-{agent}", "pool": group.name, "state": "idle"}
    day_start = math.floor(now / DAY) * DAY
    first = np.arange(n) < book.first_attempts
    so_far = first & (arrival >= day_start) & (arrival <= now)
    volume = np.bincount(ctype[so_far], minlength=len(types))
    day = int(now // DAY)
    return parse_state(
        {
            "time": float(now - day * DAY),
            "day": day,
            "waiting": waiting,
            "in_service": in_service,
            "agents": list(agents.values()),
            "volume_so_far": {name: int(v) for name, v in zip(types, volume, strict=True)},
        },
        "<snapshot>",
    )
