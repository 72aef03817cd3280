"""Routing: which agent takes an arriving contact, which contact a freed agent takes.

A routing policy makes exactly two decisions and nothing else:

* :meth:`RoutingPolicy.select_agent` — a contact arrives (or has waited long enough to
  overflow): which idle agent of which pool answers it, or ``None`` to let it wait;
* :meth:`RoutingPolicy.select_contact` — an agent becomes free: which waiting contact they
  take next, or ``None`` to let them idle.

The shipped policies share the skill rules of the scenario (:class:`SkillRouting`): a pool
serves a type only once the contact has waited the skill's ``after`` (time-based overflow),
keeps its last ``reserve_for_primary`` idle agents for its priority-1 types, and works its
callback queues only when no caller it serves is waiting. They differ in the order:

* :class:`StaticPriorityRouting` — by priority, then longest-idle agent / longest-waiting
  contact (the ACD default);
* :class:`LongestIdleRouting` — priorities ignored: longest-idle agent of any eligible pool,
  longest-waiting contact of any type served;
* :class:`PriorityAgingRouting` — static priorities, but a waiting contact gains one level
  for every ``routing.aging`` seconds it has waited.

To write your own, subclass :class:`SkillRouting` (or :class:`RoutingPolicy` for full
control), implement the two methods using the centre's ``pools``, ``queues`` and ``book``
(see :meth:`RoutingPolicy.bind` and :class:`ccsim.model.protocol.Centre`), and pass an
instance to :func:`ccsim.simulate` with ``routing=``. Policies are called in the simulation's
hot path: precompute in ``bind``.
Chats: an agent with open chats is never idle-listed; a chat is placed with
``pool.take_slot()``, and while ``pool.offering_slot`` is set the freed slot of an agent who
still holds chats is being offered, so only chat queues may be taken from.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from ccsim.model.eligibility import Eligibility
from ccsim.records import Outcome

if TYPE_CHECKING:
    from ccsim.model.pools import AgentPool
    from ccsim.model.protocol import Centre

_EPSILON = 1e-9  # seconds: overflow timers fire at exactly `after`, up to rounding
WAITING = int(Outcome.WAITING)  # a plain int: compared for every head of a queue


class RoutingPolicy(ABC):
    """Base class of routing policies (the two routing decisions of an ACD)."""

    def bind(self, centre: Centre) -> None:
        """Attach to a centre before the run: keep references, precompute lookups."""
        self.centre = centre

    @abstractmethod
    def select_agent(
        self, contact: int, contact_type: int, now: float
    ) -> tuple[AgentPool, int] | None:
        """Choose an idle agent for a contact and remove them from the idle list."""

    @abstractmethod
    def select_contact(self, pool: AgentPool, now: float) -> int | None:
        """Choose the next contact for a free agent of ``pool`` and remove it from its queue."""


class SkillRouting(RoutingPolicy):
    """Shared skill rules: eligibility, overflow delays, reservation, callback queues.

    After :meth:`bind`, ``pools_for_type[t]`` lists the :class:`Eligibility` of every pool
    serving type ``t`` (by rank, then pool order) and ``groups[p]`` lists pool ``p``'s
    queues grouped by rank, best first, with its callback queues as a last group.
    """

    def bind(self, centre: Centre) -> None:
        super().bind(centre)
        scenario = centre.scenario
        type_names = list(scenario.contact_types)
        self.arrival = centre.book.arrival
        # The columns a queue's head is checked against (they keep their identity as the
        # book grows): ContactQueue.first_waiting()'s common case, written out.
        self._outcome, self._deadline = centre.book.outcome, centre.book.deadline
        # Per type: (skill priority, pool order, entry), sorted below into the pools' order.
        ranked: list[list[tuple[int, int, Eligibility]]] = [[] for _ in type_names]
        self.groups: list[list[list[Eligibility]]] = []
        for order, (pool, spec) in enumerate(
            zip(centre.pools, scenario.pools.values(), strict=True)
        ):
            primary = set(spec.primary_types)
            skills = []
            for name, skill in spec.serves.items():
                t = type_names.index(name)
                entry = Eligibility(
                    pool,
                    centre.queues[t],
                    skill.priority,
                    scenario.contact_types[name].priority,
                    skill.after,
                    name in primary,
                    scenario.contact_types[name].channel == "chat",
                )
                skills.append(entry)
                ranked[t].append((skill.priority, order, entry))
            ranks = sorted({s.rank for s in skills})
            groups = [[s for s in skills if s.rank == rank] for rank in ranks]
            callbacks = [
                s.with_queue(queue)
                for n, s in zip(spec.serves, skills, strict=True)
                if (queue := centre.callback_queues[type_names.index(n)]) is not None
            ]
            self.groups.append(groups + ([callbacks] if callbacks else []))
        self.pools_for_type: list[list[Eligibility]] = [
            [e for *_, e in sorted(entries)] for entries in ranked
        ]
        # Per pool, its groups as (the entry if the group is one queue, else None; the group).
        self.lanes: list[list[tuple[Eligibility | None, list[Eligibility]]]] = [
            [(group[0] if len(group) == 1 else None, group) for group in groups]
            for groups in self.groups
        ]
        if type(self).eligible_head is SkillRouting.eligible_head:  # not a policy's own
            for pool, groups in zip(centre.pools, self.groups, strict=True):
                # Only a pool serving chats ever offers a slot (Agents.fill_slots), and then
                # bars only its other queues; an `after` of 0 is never changed live. Whether
                # the queue is paused (deferrable work) the caller asks (select_contact).
                chats = any(e.chat for group in groups for e in group)
                for group in groups:
                    for e in group:
                        e.plain_head = not (
                            (chats and not e.chat) or (pool.reserve and not e.primary) or e.after
                        )
        if type(self).may_serve is SkillRouting.may_serve:  # the rule below, not a policy's own
            for entries in self.pools_for_type:
                for entry in entries:
                    entry.unconditional = entry.primary and not entry.after
        # Per type: whether a call of it may go to an agent holding chats (then, with no
        # agent free, chatting_agent() looks for one); most centres have no such pool.
        self.calls_to_chatters = [
            any(e.pool.calls_while_chatting and not e.chat for e in entries)
            for entries in self.pools_for_type
        ]

    def may_serve(self, entry: Eligibility, contact: int, now: float) -> bool:
        """Overflow delay passed and, for a secondary type, no reserved agent would be used."""
        if entry.after and now - self.arrival[contact] + _EPSILON < entry.after:
            return False
        return entry.primary or len(entry.pool.idle) > entry.pool.reserve

    def select_agent(
        self, contact: int, contact_type: int, now: float
    ) -> tuple[AgentPool, int] | None:
        may_serve = self.may_serve
        for entry in self.pools_for_type[contact_type]:
            if entry.chat:
                choice = self.chat_slot(entry, contact, now)
                if choice is not None:
                    return choice
                continue
            pool = entry.pool
            # may_serve() only where it can say no (an overflow delay, a secondary type).
            if pool.idle and (entry.unconditional or may_serve(entry, contact, now)):
                return pool, pool.idle.popleft()
        if self.calls_to_chatters[contact_type]:
            return self.chatting_agent(contact, contact_type, now)
        return None

    def chatting_agent(
        self, contact: int, contact_type: int, now: float
    ) -> tuple[AgentPool, int] | None:
        """No free agent: a call may go to an agent holding chats (``calls_while_chatting``)."""
        for entry in self.pools_for_type[contact_type]:
            pool = entry.pool
            if pool.calls_while_chatting and not entry.chat and self.may_serve(entry, contact, now):
                agent = pool.take_for_call()
                if agent is not None:
                    return pool, agent
        return None

    def chat_slot(
        self, entry: Eligibility, contact: int, now: float
    ) -> tuple[AgentPool, int] | None:
        """A free chat slot in ``entry``'s pool (least or most loaded agent), if allowed."""
        if not self.may_serve(entry, contact, now):
            return None
        agent = entry.pool.take_slot()
        return None if agent is None else (entry.pool, agent)

    def flattened(self) -> list[list[list[Eligibility]]]:
        """Per pool: all inbound queues as one group, then the callback queues (if any)."""
        result = []
        for groups in self.groups:
            inbound = [e for g in groups for e in g if not e.queue.callbacks]
            callbacks = [e for g in groups for e in g if e.queue.callbacks]
            result.append([inbound] + ([callbacks] if callbacks else []))
        return result

    def eligible_head(self, entry: Eligibility, pool: AgentPool, now: float) -> int | None:
        """The contact at the head of ``entry``'s queue, if ``pool``'s free agent may take it."""
        if pool.offering_slot and not entry.chat:
            return None  # an agent holding chats takes only more chats
        if pool.reserve and not entry.primary and len(pool.idle) < pool.reserve:
            return None  # this agent is one of the last ones kept for primary work
        if entry.queue.paused:
            return None  # deferrable work, centre closed: it waits for the next opening
        head = entry.queue.first_waiting(now)
        if head is not None and entry.after and now - self.arrival[head] + _EPSILON < entry.after:
            return None  # has not waited long enough to overflow to this pool
        return head

    def heads(self, pool: AgentPool, group: list[Eligibility], now: float):
        """(entry, head contact) for each queue of ``group`` the free agent may take from."""
        for entry in group:
            if not entry.queue.ids:
                continue  # nobody in line: no head (the cheap test first)
            head = self.eligible_head(entry, pool, now)
            if head is not None:
                yield entry, head


class StaticPriorityRouting(SkillRouting):
    """Static priorities, longest-idle agent, longest-waiting contact (the ACD default).

    * A contact goes to the pool that ranks its type highest (ties: the order pools are
      listed in), to that pool's longest-idle agent; if none is idle it waits.
    * A free agent takes, among the types their pool ranks highest that have someone waiting,
      the contact of the highest-priority type, longest waiting first.
    """

    def select_contact(self, pool: AgentPool, now: float) -> int | None:
        arrival = self.arrival
        eligible_head = self.eligible_head
        for single, group in self.lanes[pool.index]:
            if single is not None:  # the common case, kept lean: one queue at this rank
                queue = single.queue
                ids = queue.ids
                if not ids:
                    continue  # nobody in line (the cheap test first)
                if single.plain_head:
                    if queue.paused:
                        continue  # deferrable work, centre closed: it waits for the opening
                    # The head still waiting (first_waiting(), its common case written out).
                    first = ids[0]
                    if (
                        self._outcome[first] != WAITING or self._deadline[first] <= now
                    ) and queue.first_waiting(now) is None:
                        continue
                elif eligible_head(single, pool, now) is None:
                    continue
                queue.n_waiting -= 1  # queue.take(), written out
                return ids.popleft()
            best = None
            best_priority, best_arrival = 0, 0.0  # (type priority, arrival) of best
            for entry in group:  # heads(), written out: this runs for every freed agent
                queue = entry.queue
                ids = queue.ids
                if not ids:
                    continue  # nobody in line (most queues, most of the time): no head
                if entry.plain_head:
                    if queue.paused:
                        continue
                    first = ids[0]  # still waiting? first_waiting()'s common case, inline
                    head = (
                        queue.first_waiting(now)
                        if self._outcome[first] != WAITING or self._deadline[first] <= now
                        else first
                    )
                else:
                    head = eligible_head(entry, pool, now)
                if head is None:
                    continue
                # The smallest (type priority, arrival), compared without making tuples.
                priority = entry.type_priority
                if (
                    best is None
                    or priority < best_priority
                    or (priority == best_priority and arrival[head] < best_arrival)
                ):
                    best, best_priority, best_arrival = entry, priority, arrival[head]
            if best is not None:
                queue = best.queue
                queue.n_waiting -= 1  # queue.take(), written out
                return queue.ids.popleft()
        return None


class LongestIdleRouting(SkillRouting):
    """Priorities ignored: the longest-idle agent and the longest-waiting contact win."""

    def bind(self, centre: Centre) -> None:
        super().bind(centre)
        self.idle_since = centre.idle_since
        self.flat = self.flattened()

    def select_agent(
        self, contact: int, contact_type: int, now: float
    ) -> tuple[AgentPool, int] | None:
        best = None
        best_since = float("inf")
        for entry in self.pools_for_type[contact_type]:
            pool = entry.pool
            if entry.chat:  # chats go by the pool's slot rule
                choice = self.chat_slot(entry, contact, now)
                if choice is not None:
                    return choice
            elif pool.idle and self.may_serve(entry, contact, now):
                since = self.idle_since[pool.idle[0]]
                if since < best_since:
                    best, best_since = pool, since
        if best is None:
            if self.calls_to_chatters[contact_type]:
                return self.chatting_agent(contact, contact_type, now)
            return None
        return best, best.idle.popleft()

    def select_contact(self, pool: AgentPool, now: float) -> int | None:
        arrival = self.arrival
        for group in self.flat[pool.index]:
            best = None
            best_arrival = float("inf")
            for entry, head in self.heads(pool, group, now):
                if arrival[head] < best_arrival:
                    best, best_arrival = entry, arrival[head]
            if best is not None:
                return best.queue.take()
        return None


class PriorityAgingRouting(SkillRouting):
    """Static priorities that age: each ``aging`` seconds of waiting is one level higher."""

    def __init__(self, aging: float = 60.0):
        if aging <= 0:
            raise ValueError("aging must be a positive number of seconds")
        self.aging = aging

    def bind(self, centre: Centre) -> None:
        super().bind(centre)
        self.flat = self.flattened()

    def select_contact(self, pool: AgentPool, now: float) -> int | None:
        arrival = self.arrival
        for group in self.flat[pool.index]:
            best = None
            best_key = None
            for entry, head in self.heads(pool, group, now):
                # Whole levels: within a level the type's own priority still breaks ties.
                aged = entry.rank - math.floor((now - arrival[head]) / self.aging)
                key = (aged, entry.type_priority, arrival[head])
                if best_key is None or key < best_key:  # set together with best
                    best, best_key = entry, key
            if best is not None:
                return best.queue.take()
        return None


def policy_for(name: str, aging: float) -> RoutingPolicy:
    """The shipped policy called ``name`` in the scenario's ``routing.policy``."""
    if name == "longest_idle":
        return LongestIdleRouting()
    if name == "priority_aging":
        return PriorityAgingRouting(aging)
    return StaticPriorityRouting()
