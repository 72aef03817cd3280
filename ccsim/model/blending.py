"""Pre-emptive blending: calls interrupt deferrable work, and the agent resumes it after.

Blended agents work email and messaging replies when no call is waiting. Without
pre-emption an arriving call waits until some agent finishes the item in hand. In a pool with
``interrupt_deferrable: true`` a call that finds no idle agent instead interrupts an agent of
the pool who is working a deferrable item (the one who has been at it longest): the agent
parks the item, answers the call, keeps taking calls while any are waiting, and then resumes
the parked item where it was left (pre-emptive resume: no work is lost or repeated).

The item's handling event was scheduled when it started and SimPy cannot take it back, so an
interrupted item's old end event is marked *stale* and ignored when it fires. A resumed
segment always ends no earlier than the stale event (it starts later with the same remaining
work; at equal times SimPy fires the earlier-scheduled event first), so counting stale events
per item is enough.

The item's record keeps its first answer (its response time), its final end and its total
work as the handle time; each pause is recorded (:class:`~ccsim.records.Pauses`) so that time
spent on calls is not counted as time on the item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.records import Pauses

if TYPE_CHECKING:
    from ccsim.model.pools import AgentPool
    from ccsim.model.protocol import Centre


class Blending:
    """Who is working which deferrable item, and which items are parked, in one replication."""

    def __init__(self, centre: Centre):
        self.centre = centre
        scenario = centre.scenario
        types = list(scenario.contact_types.values())
        pools = list(scenario.pools.values())
        self.deferrable = [c.deferrable for c in types]
        self.interrupting = [p.interrupt_deferrable for p in pools]
        # Per contact type: the pools whose deferrable work its calls may interrupt (those
        # that answer the type at once: an overflow pool is not yet eligible on arrival).
        self.pools_for_type = [
            [
                i
                for i, pool in enumerate(pools)
                if pool.interrupt_deferrable and name in pool.serves and not pool.serves[name].after
            ]
            if ctype.channel == "voice"
            else []
            for name, ctype in scenario.contact_types.items()
        ]
        self.working: list[dict[int, int]] = [{} for _ in pools]  # agent -> item, oldest first
        self.parked: dict[int, tuple[int, float]] = {}  # agent -> (item, work remaining)
        self._segment_end: dict[int, float] = {}  # item -> when its current segment ends
        self._stale: dict[int, int] = {}  # item -> end events still to ignore
        self._paused_at: dict[int, float] = {}
        self._pauses: tuple[list[int], list[float], list[float]] = ([], [], [])

    def started(self, contact: int, t: int, pool: int, agent: int, end: float) -> None:
        """An agent of ``pool`` started (or resumed) ``contact``, due to end at ``end``."""
        if self.interrupting[pool] and self.deferrable[t]:
            self.working[pool][agent] = contact
            self._segment_end[contact] = end

    def interrupt(self, t: int, now: float) -> tuple[AgentPool, int] | None:
        """A call of type ``t`` found no idle agent: interrupt an agent's deferrable item."""
        for index in self.pools_for_type[t]:
            working = self.working[index]
            if working:
                agent, item = next(iter(working.items()))  # at it the longest
                del working[agent]
                remaining = self._segment_end.pop(item) - now
                self._stale[item] = self._stale.get(item, 0) + 1
                self.parked[agent] = (item, remaining)
                self._paused_at[item] = now
                return self.centre.pools[index], agent
        return None

    def stale(self, contact: int) -> bool:
        """Whether this end-of-handling event belongs to an interrupted segment (ignore it)."""
        count = self._stale.get(contact)
        if not count:
            return False
        if count == 1:
            del self._stale[contact]
        else:
            self._stale[contact] = count - 1
        return True

    def finished(self, contact: int, pool: int, agent: int) -> None:
        """``contact`` is done: its agent no longer works a deferrable item."""
        if self._segment_end.pop(contact, None) is not None:
            del self.working[pool][agent]

    def resume_or_call(self, pool: AgentPool, agent: int, now: float) -> None:
        """A freed agent with a parked item takes a waiting call, else resumes the item.

        An agent due to go off duty resumes (and finishes) the item in hand first.
        """
        centre = self.centre
        if not (pool.on_duty > pool.target and not pool.closing):
            contact = self._waiting_call(pool, now)
            if contact is not None:
                centre.take(pool, agent, contact, now)
                return
        item, remaining = self.parked.pop(agent)
        pauses = self._pauses
        pauses[0].append(item)
        pauses[1].append(self._paused_at.pop(item))
        pauses[2].append(now)
        self.started(item, centre.book.contact_type[item], pool.index, agent, now + remaining)
        centre.schedule_handled(item, remaining)

    def _waiting_call(self, pool: AgentPool, now: float) -> int | None:
        """The next real-time contact for ``pool``'s agent (deferrable queues held back)."""
        queues = self.centre.deferrable_queues
        held = [queue.paused for queue in queues]
        for queue in queues:
            queue.paused = True
        try:
            return self.centre.routing.select_contact(pool, now)
        finally:
            for queue, paused in zip(queues, held, strict=True):
                queue.paused = paused

    def records(self) -> Pauses:
        """Every pause of every interrupted item, as columns."""
        contact, start, end = self._pauses
        return Pauses(
            np.array(contact, dtype=np.int64),
            np.array(start, dtype=float),
            np.array(end, dtype=float),
        )
