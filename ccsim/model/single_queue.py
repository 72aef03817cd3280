"""The lean path for the commonest centre: one queue, one pool, first come first served.

Most studies of a single skill — the Erlang C and Erlang A cases, a day of one team answering
one line — need none of the model's branches: no journeys, chats, blending, campaigns,
overflow timers, queue limits or handle-time rules at answer. The general event loop
(:class:`ccsim.model.centre.ContactCentre`) still asks about each of them for every contact,
through a routing policy, an agents object and the pools' lists of skills; on such a centre
that is about half of the time per caller. :class:`SingleQueueLane` is the same two steps —
a caller arrives, an agent finishes — written out for that centre alone.

It is chosen **once, before the run** (:func:`is_single_queue`, from the scenario; then
:meth:`ccsim.model.centre.ContactCentre.take_single_queue_lane` puts its two handlers in place
of the general ones), never tested per event. It guarantees the records of the general path,
byte for byte (``scripts/fingerprint_records.py`` on the bundled ``erlang-a`` / ``erlang-c``
scenarios, ``tests/model/test_single_queue.py`` on others): with one queue and one pool every
shipped routing policy gives a caller the longest-idle agent and a free agent the
longest-waiting caller; lazy abandonment is the queue's own (:meth:`ContactQueue.first_waiting`);
and whatever is rare — a staffing change, an agent going home, the end of the horizon — still
goes through the general code (:meth:`ccsim.model.agents.Agents.free`), whose answers end in
this lane's handler too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simpy.events import Timeout

from ccsim.records import Outcome

if TYPE_CHECKING:
    import simpy

    from ccsim.model.protocol import Centre
    from ccsim.scenario import Scenario

ANSWERED = int(Outcome.ANSWERED)  # a plain int: stored a little faster than the enum member


def is_single_queue(scenario: Scenario) -> bool:
    """Whether ``scenario`` is one queue served first come first served by one pool, with
    nothing decided at answer or after handling (the lean path's conditions)."""
    if len(scenario.contact_types) != 1 or len(scenario.pools) != 1 or scenario.campaigns:
        return False
    ((name, ctype),) = scenario.contact_types.items()
    (pool,) = scenario.pools.values()
    skill = pool.serves.get(name)
    return (
        skill is not None
        and skill.after == 0  # no overflow timer
        and skill.handle_time is None  # no handle time of the pool's own ...
        and skill.handle_time_factor == 1  # ... nor a factor: the drawn time is the time
        and pool.concurrency_factors is None
        and not pool.interrupt_deferrable  # no blending
        and ctype.channel not in ("chat", "email", "messaging")  # one contact at a time, live
        and not ctype.has_journey  # no redials, transfers, bots, predictions, callbacks
        and ctype.queue_capacity is None  # nobody blocked: no queue to count
        and ctype.lines is None
    )


class SingleQueueLane:
    """The two handlers of a single-queue centre (see the module docstring).

    Args:
        centre: a centre of a scenario for which :func:`is_single_queue` holds, before
            its start.

    Attributes:
        handled: the callback of a contact's end of handling (schedule it with
            ``Timeout(env, handle, contact)``).
    """

    def __init__(self, centre: Centre):
        book = centre.book
        self.env = centre.env
        self.queue = queue = centre.queues[0]
        self.pool = pool = centre.pools[0]
        self.idle = pool.idle
        self.idle_since = centre.idle_since
        self.free_agent = centre.free_agent  # the general rule, for an agent going home
        # The columns the two handlers write, bound once.
        self.answered, self.outcome = book.answered, book.outcome
        self.served_by, self.agent_of = book.served_by, book.agent_of
        self.ended, self.handle = book.ended, book.handle
        self.waiting = queue.ids
        self.handled = self._handled  # one bound method for every Timeout

    def arrive(self, contact: int, now: float) -> None:
        """A caller arrives: the longest-idle agent answers, or they join the queue.

        (The queue has no limit, and lazy abandonment needs no timer.)
        """
        if self.idle:
            self.answer(contact, self.idle.popleft(), now)
        else:
            self.waiting.append(contact)
            self.queue.n_waiting += 1

    def answer(self, contact: int, agent: int, now: float) -> None:
        """``agent`` answers ``contact`` now; the end of handling goes on the calendar."""
        self.answered[contact] = now
        self.outcome[contact] = ANSWERED
        self.served_by[contact] = 0
        self.agent_of[contact] = agent
        self.queue.in_service += 1
        Timeout(self.env, self.handle[contact], contact).callbacks.append(self.handled)

    def _handled(self, event: simpy.Event) -> None:
        """An agent finishes a contact: they take the longest-waiting caller, or idle."""
        contact: int = event.value  # type: ignore[assignment]  # answer() put the contact there
        now = self.env.now
        self.ended[contact] = now
        self.queue.in_service -= 1
        agent = self.agent_of[contact]
        pool = self.pool
        if pool.on_duty > pool.target:
            self.free_agent(pool, agent, now)  # going home (or closing): the general rule
            return
        queue = self.queue
        head = queue.first_waiting(now)  # expired callers are recorded abandoned on the way
        if head is None:
            self.idle_since[agent] = now
            self.idle.append(agent)
        else:
            queue.take()
            self.answer(head, agent, now)
