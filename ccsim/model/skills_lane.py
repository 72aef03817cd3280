"""The lean arrival of a skills-based centre whose contact types are all plain.

On a multi-skill centre (several types, several pools with skills, priorities and overflow
delays) most first attempts need none of the general arrival's questions
(:meth:`ccsim.model.centre.ContactCentre.admit`): no closed message or bot, no trunk lines
or queue limit, no wait announcement, no patience timer, no blending of deferrable work, no
chat slot. :class:`SkillsLane` is the same arrival for those types with the questions
settled once per type before the run and the routing policy's choice of an agent
(:meth:`ccsim.model.routing.SkillRouting.select_agent`) written out: about a quarter of an
arrival's own time on the benchmark centre (``benchmarks/bench_multiskill.py``).

It is taken once, before the run (:func:`take_skills_lane`), only when the policy's
``select_agent`` is the shared skill rule's and every type is plain (every question has the
same answer for every contact): a centre mixing in other types (a bot, chats) keeps the
general arrival, which a detour through this lane would only slow down. Transfer legs,
redials and every later contact still arrive through the general code. Same records, byte
for byte (``scripts/fingerprint_records.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ccsim.model.routing import RoutingPolicy, SkillRouting

if TYPE_CHECKING:
    from ccsim.model.contacts import ContactBook
    from ccsim.model.overflow import OverflowTimers
    from ccsim.model.pools import AgentPool
    from ccsim.model.queues import ContactQueue


class PlainCentre(Protocol):
    """What the lane reads of a :class:`~ccsim.model.centre.ContactCentre` before its start:
    the questions it settled per contact type, and the parts an arrival uses. (Named here,
    not imported: the centre imports this module.)"""

    routing: RoutingPolicy
    queues: list[ContactQueue]
    book: ContactBook
    overflow: OverflowTimers
    _closed_message: list[bool]
    _bots: list[bool]
    _predicts: list[bool]
    _patience_timers: list[bool]
    _chat: list[bool]
    _overflow_delays: list[list[float]]
    _arrive: Callable[[int, float], None]

    @property
    def blending(self) -> object | None: ...

    def answer(self, contact: int, pool: AgentPool, agent: int, now: float) -> None: ...


def plain_types(centre: PlainCentre) -> list[bool]:
    """Per contact type: whether its first attempts may take :class:`SkillsLane`'s arrival
    (all False when the routing policy chooses agents its own way, or calls are blended)."""
    routing = centre.routing
    if (
        not isinstance(routing, SkillRouting)
        or type(routing).select_agent is not SkillRouting.select_agent
        or centre.blending is not None
    ):
        return [False] * len(centre.queues)
    return [
        not (
            centre._closed_message[t]
            or centre._bots[t]
            or centre._predicts[t]
            or centre._patience_timers[t]
            or centre._chat[t]
            or queue.limited
            or routing.calls_to_chatters[t]
        )
        for t, queue in enumerate(centre.queues)
    ]


def take_skills_lane(centre: PlainCentre) -> bool:
    """Let the first attempts arrive through :class:`SkillsLane` if every type is plain
    (:func:`plain_types`); call before the centre's start. Returns whether they do."""
    plain = all(plain_types(centre))
    if plain:
        centre._arrive = SkillsLane(centre).arrive
    return plain


class SkillsLane:
    """The arrival of a first attempt on a skills-based centre (see the module docstring).

    Args:
        centre: the centre, before its start; :func:`plain_types` found every type plain.
    """

    def __init__(self, centre: PlainCentre):
        routing = centre.routing
        assert isinstance(routing, SkillRouting)  # plain_types() found it so
        self.type_of = centre.book.contact_type
        self.answer = centre.answer
        self.queues = centre.queues
        self.skills = routing.pools_for_type  # per type: its pools' skills, best first
        self.may_serve = routing.may_serve
        self.delays = centre._overflow_delays
        self.start_overflow = centre.overflow.start

    def arrive(self, contact: int, now: float) -> None:
        """A first attempt arrives: the best eligible pool's longest-idle agent answers it,
        or it waits (and its overflow timers start)."""
        t = self.type_of[contact]
        for entry in self.skills[t]:  # SkillRouting.select_agent, written out
            idle = entry.pool.idle
            # may_serve() only where it can say no (an overflow delay, a secondary type).
            if idle and (entry.unconditional or self.may_serve(entry, contact, now)):
                self.answer(contact, entry.pool, idle.popleft(), now)
                return
        queue = self.queues[t]
        queue.ids.append(contact)  # queue.join() of a queue without limits, written out
        queue.n_waiting += 1
        if self.delays[t]:
            self.start_overflow(contact, t, now)
