"""A state taken from a simulated day at a moment: what the state file would say then.

A trainer's session, a test, or a backtest runs a day live (:class:`ccsim.model.live.LiveCentre`)
to 11:40 and asks for the centre as it is: who is waiting and for how long, who is talking or
in after-call work and for how long, which agents are idle, and the volume so far. The result
is an ordinary :class:`~ccsim.intraday.state.CentreState`, as a planner would write it.

Agents are labelled ``<pool>-<number>``. A chat agent is ``busy`` while any chat is open
(their chats' ``spent`` is the time since each was answered); a voice or email agent whose
talk is over is in ``after_call_work``. An email parked while its agent takes a call
(blending) goes back to the backlog: it will be started again, not resumed.
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
    held: dict[int, list[tuple[int, float]]] = {}
    for c, talk_over in zip(serving, talk_end, strict=True):
        held.setdefault(int(book.agent_of[c]), []).append((int(c), float(talk_over)))
    agents: dict[int, dict] = {}
    in_service = []
    for agent, contacts in held.items():
        pool = pools[book.served_by[contacts[0][0]]]
        label = f"{pool}-{agent}"
        if not chat[int(ctype[contacts[0][0]])] and len(contacts) > 1:
            # An email parked for a call (blending): the call is in hand, the email goes
            # back to the backlog (it will be started again, not resumed).
            contacts.sort(key=lambda item: answered[item[0]])
            for parked, _ in contacts[:-1]:
                waiting.append(
                    {"type": types[ctype[parked]], "waited": float(now - arrival[parked])}
                )
            contacts = contacts[-1:]
        lead, lead_talk_over = contacts[0]
        if len(contacts) == 1 and not chat[int(ctype[lead])] and now >= lead_talk_over:
            agents[agent] = {
                "id": label,
                "pool": pool,
                "state": "after_call_work",
                "type": types[ctype[lead]],
                "spent": float(now - lead_talk_over),
            }
            continue
        agents[agent] = {"id": label, "pool": pool, "state": "busy"}
        for contact, _ in contacts:
            spent = float(now - answered[contact])
            in_service.append(
                {"type": types[ctype[contact]], "pool": pool, "agent": label, "spent": spent}
            )
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
