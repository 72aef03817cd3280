"""The agents of one replication: who is idle, busy or chatting, and what a freed agent does.

Agents are numbers running across the pools (:class:`~ccsim.model.pools.AgentPool` keeps one
pool's idle list, chat slots and on-duty count). Here live the state shared by all pools —
each agent's open chats and the moment they last became idle — and the decisions about an
agent rather than a contact:

* an agent is free (:meth:`Agents.free`): a parked deferrable item comes back first (pre-emptive
  blending); an agent no longer scheduled goes home; otherwise they take the next contact
  routing gives them, or place an outbound call, or join the idle list;
* a chat or a call taken while chatting ends (:meth:`Agents.chat_or_call_ended`): the agent
  still holding chats offers the freed slot instead of going idle;
* the staffing target of a pool changes (:meth:`Agents.restaff`): agents come on duty at
  once; idle ones leave at once, busy ones when they finish.

The centre's event loop calls these; answering a contact stays the centre's (``answer``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.pools import AgentPool
from ccsim.scenario.roster import peak_agents
from ccsim.timeline import OnDutyTrace

if TYPE_CHECKING:
    from ccsim.model.blending import Blending
    from ccsim.model.contacts import ContactBook
    from ccsim.model.outbound import OutboundDialer
    from ccsim.model.protocol import Router
    from ccsim.scenario import Scenario


class Agents:
    """Every agent of one replication (see the module docstring).

    Args:
        scenario: the validated scenario.
        book: the replication's contact book (to know a contact's type).

    Attributes:
        pools: the run-time pools, in scenario order.
        load: open chats per agent (shared by the pools).
        idle_since: when each agent last joined an idle list.
    """

    def __init__(self, scenario: Scenario, book: ContactBook):
        self.book = book
        type_index = {name: i for i, name in enumerate(scenario.contact_types)}
        specs = scenario.pools
        # Agents a pool ever needs: its most at work at once; agent numbers run across pools.
        h, week = scenario.horizon, scenario.days_of_week
        sizes = [
            peak_agents(p, h, None if week is None else week.pool_staffing(name, p, h))
            for name, p in specs.items()
        ]
        self.load = [0] * sum(sizes)
        self.idle_since = [0.0] * len(self.load)
        self.pools: list[AgentPool] = []
        first_agent = 0
        for index, ((name, pool), size) in enumerate(zip(specs.items(), sizes, strict=True)):
            ranks = {type_index[t]: skill.priority for t, skill in pool.serves.items()}
            self.pools.append(
                AgentPool(
                    name,
                    index,
                    ranks,
                    first_agent,
                    size,
                    pool.reserve_for_primary,
                    slots=pool.max_concurrency,
                    most_loaded=pool.chat_assignment == "most_loaded",
                    load=self.load,
                    calls_while_chatting=pool.calls_while_chatting,
                )
            )
            first_agent += size
        self._chat = [c.channel == "chat" for c in scenario.contact_types.values()]
        self._any_chat = any(self._chat)  # no chats: a free agent answers without take()

    def connect(
        self,
        routing: Router,
        answer: Callable[[int, AgentPool, int, float], None],
        blending: Blending | None,
        dialer: OutboundDialer | None,
    ) -> None:
        """Attach the collaborators made after the agents (before the run)."""
        self._routing = routing
        self._select_contact = routing.select_contact  # bound once: every freed agent asks
        self._answer = answer
        self._blending = blending
        self._dialer = dialer

    def free(self, pool: AgentPool, agent: int, now: float) -> None:
        """An agent is free: go home if no longer scheduled, else take a contact or idle.

        With outbound campaigns, an agent with no inbound contact to take places a campaign
        call if one is due (inbound always comes first).
        """
        blending = self._blending
        if blending is not None and agent in blending.parked:
            blending.resume_or_call(pool, agent, now)
            return
        if pool.on_duty > pool.target and not pool.closing:
            pool.go_off_duty(agent, now)
            return
        contact = self._select_contact(pool, now)
        if contact is not None:
            if self._any_chat:
                self.take(pool, agent, contact, now)
            else:
                self._answer(contact, pool, agent, now)  # take() without its chat test
        elif pool.on_duty > pool.target:
            pool.go_off_duty(agent, now)  # closing and nothing left to serve
        elif self._dialer is not None and self._dialer.dial(pool, agent, now):
            return
        else:
            self.idle_since[agent] = now
            pool.idle.append(agent)

    def take(self, pool: AgentPool, agent: int, contact: int, now: float) -> None:
        """A free agent takes ``contact`` (a chat opens a slot, then more chats may follow)."""
        if self._chat[self.book.contact_type[contact]]:
            pool.add_chat(agent)
            self._answer(contact, pool, agent, now)
            self.fill_slots(pool, agent, now)
        else:
            self._answer(contact, pool, agent, now)

    def fill_slots(self, pool: AgentPool, agent: int, now: float) -> None:
        """An agent holding chats takes waiting chats into their free slots."""
        pool.offering_slot = True
        try:
            while self.load[agent] < pool.slots:
                contact = self._routing.select_contact(pool, now)
                if contact is None:
                    break
                pool.add_chat(agent)
                self._answer(contact, pool, agent, now)
        finally:
            pool.offering_slot = False

    def chat_or_call_ended(self, pool: AgentPool, agent: int, chat: bool, now: float) -> None:
        """A chat (``chat``), or a call an agent took while chatting, ended.

        The agent is free only once nothing is open; still chatting, they offer the freed
        slot (unless going home).
        """
        if chat:
            left = pool.end_chat(agent)
            if agent in pool.calling:
                return  # on a call: the agent is free again when it ends
        else:
            left = pool.end_call(agent)
        if left:
            if not (pool.on_duty > pool.target and not pool.closing):
                self.fill_slots(pool, agent, now)
            return
        self.free(pool, agent, now)

    def restaff(self, pool: AgentPool, target: int, closing: bool, now: float) -> None:
        """``pool``'s staffing target becomes ``target`` (``closing``: the centre closes)."""
        pool.target = target
        pool.closing = closing
        while pool.on_duty < target:
            self.free(pool, pool.come_on_duty(), now)
        # Idle agents leave at once (at closing, idle agents have nothing left to serve);
        # busy ones leave when they finish, in free(). The most recently idle leave first,
        # so the longest-idle agents keep their place at the head of the line.
        while pool.on_duty > target and pool.idle:
            pool.go_off_duty(pool.idle.pop(), now)
        pool.record(now)

    def on_duty(self) -> dict[str, OnDutyTrace]:
        """Each pool's agents on duty over the run, as step functions."""
        return {
            pool.name: OnDutyTrace(
                np.array(pool.trace_times, dtype=float),
                np.array(pool.trace_counts, dtype=np.int64),
            )
            for pool in self.pools
        }
