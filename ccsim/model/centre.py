"""The contact centre as a SimPy model: one replication from scenario to records.

Life of a contact::

    arrive ──(every trunk line taken)──▶ blocked ──▶ (redial later?)
       ├──(an eligible agent is idle)──▶ answered at once
       ├──(no waiting place)──▶ blocked ──▶ (redial later?)
       ├──(hears the predicted wait)──▶ balks, or accepts a callback (an agent calls back)
       └──▶ waits ──(patience runs out)──▶ abandoned ──▶ (redial later?)
                └──(an agent frees up, or a backup pool after the overflow delay)──▶ answered
    answered ──▶ handled (talk + wrap-up) ──▶ done, or transferred to another type (cold/warm)

The model runs on a :class:`simpy.Environment` (:class:`~ccsim.model.calendar.Calendar`)
with a few kinds of events, each a :class:`simpy.events.Timeout` with a callback: the end of
a contact's handling, staffing changes, and — only for the types that use them — patience
timers, overflow timers (on the calendar only while their contact may still wait,
:mod:`ccsim.model.overflow`), the end of a warm-transfer handover and later contacts
(redials, callback retries). The first attempts, all drawn in advance, are merged into the
calendar rather than scheduled one by one. Random numbers come from independent named
streams (:mod:`ccsim.model.streams`), drawn in vectorised batches.

A scenario of one queue and one pool runs the lean handlers of
:mod:`ccsim.model.single_queue`, chosen once in :func:`simulate`; the records are the same.

Abandonment is detected lazily (:mod:`ccsim.model.queues`) unless the contact type needs to
know at once (redials, wait predictions): then a patience timer is set for each caller who
waits.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import replace
from heapq import heappush
from typing import cast

import simpy
from simpy.events import NORMAL, EventCallbacks, Timeout

from ccsim.model.agents import Agents
from ccsim.model.arrivals import draw_first_attempts, forecast_factors
from ccsim.model.blending import Blending
from ccsim.model.calendar import Calendar, Ring, new_ring
from ccsim.model.contacts import ContactBook
from ccsim.model.handling import HandleTimes
from ccsim.model.journeys import Journeys
from ccsim.model.outbound import OutboundDialer
from ccsim.model.overflow import OverflowTimers
from ccsim.model.pools import AgentPool
from ccsim.model.queues import make_queues
from ccsim.model.routing import RoutingPolicy, policy_for
from ccsim.model.single_queue import SingleQueueLane, is_single_queue
from ccsim.model.skills_lane import take_skills_lane
from ccsim.model.staffing import staffing_plan
from ccsim.model.streams import RandomStreams
from ccsim.records import ContactRecords, Kind, Outcome
from ccsim.scenario import Scenario

# Plain ints in the hot path (an enum member is stored and compared a little slower).
ANSWERED, WAITING = int(Outcome.ANSWERED), int(Outcome.WAITING)
ABANDONED, BLOCKED = int(Outcome.ABANDONED), int(Outcome.BLOCKED)
CALLBACK, REDIAL = int(Kind.CALLBACK), int(Kind.REDIAL)
# What answering a contact involves beyond the common steps (bits of ContactCentre._at_answer).
_HANDLE_RULE, _JOURNEY, _HANDOVER = 1, 2, 4


class ContactCentre:
    """One replication of a scenario: the SimPy environment, queues, agents and records.

    The centre runs the event loop: arrivals, answers, ends of handling, timers and staffing
    changes. The agents' state and what a freed agent does live in :class:`Agents`, the
    handle-time rules in :class:`HandleTimes`, the customer journeys in :class:`Journeys`;
    the helpers see the centre through :class:`ccsim.model.protocol.Centre`.

    Args:
        scenario: the validated scenario.
        streams: the replication's random streams.
        routing: the routing policy (default: the scenario's ``routing.policy``).
        first_attempts: the first attempts to replay instead of drawing them (a trace-driven
            backtest, :mod:`ccsim.calibration.backtest`): a fresh :class:`ContactBook` in time
            order whose ``journeys`` flag equals the scenario's ``has_journeys``; it is
            filled in by the run.
        start_time: the clock at the start (seconds from day 0 midnight; a warm start from a
            live state, :mod:`ccsim.model.warm_start`): staffing changes before it are not
            put on the calendar, and only first attempts arriving at or after it arrive.
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: RandomStreams,
        routing: RoutingPolicy | None = None,
        first_attempts: ContactBook | None = None,
        start_time: float = 0.0,
    ):
        self.scenario = scenario
        self.streams = streams
        # A warm start (ccsim.model.warm_start) starts the clock at the live state's time.
        # The calendar is SimPy's, with the first attempts merged in (ccsim.model.calendar).
        self.env: Calendar = Calendar(start_time)
        types = list(scenario.contact_types.values())
        if first_attempts is None:
            first_attempts = draw_first_attempts(scenario, streams, scenario.has_journeys)
        self.book = first_attempts
        # The columns answer() and the handled callback use, bound once (a book's columns
        # keep their identity as contacts are added during the run).
        book = first_attempts
        self._type_of, self._handle = book.contact_type, book.handle
        self._answered, self._outcome = book.answered, book.outcome
        self._served_by, self._agent_of = book.served_by, book.agent_of
        self._ended = book.ended
        self._held_by = book.held_by
        self.queues, self.callback_queues = make_queues(scenario, self.book)
        self.deferrable_queues = [q for q in self.queues if types[q.index].deferrable]
        self.agents = Agents(scenario, self.book)
        self.pools = self.agents.pools
        self.idle_since = self.agents.idle_since
        # Bound once: the helpers and the hot path call these for every freed agent.
        self.free_agent = self.agents.free
        self.take = self.agents.take
        self._patience_timers = [c.needs_abandon_events for c in types]
        self._overflow_delays = [
            sorted({p.serves[n].after for p in scenario.pools.values() if n in p.serves} - {0.0})
            for n in scenario.contact_types
        ]
        # Only the timers of contacts still waiting go on the calendar (same order, times).
        self.overflow = OverflowTimers(
            self.env, self._overflow_delays, self.book.outcome, self._overflow_due
        )
        day_factors = forecast_factors(scenario, streams)[1]
        self.handling = HandleTimes(scenario, streams, self.agents.load, day_factors)
        self.journeys = Journeys(self, self.handling) if scenario.has_journeys else None
        # What answering and finishing a contact involve, resolved once per contact type
        # (and answering pool) rather than asked of every contact: see answer().
        journeys = self.journeys
        # Read only where a type's flags below say it has a journey: no Optional test.
        self._hooks = cast(Journeys, journeys)
        n_pools = len(scenario.pools)
        self._at_answer = [
            [
                (_HANDLE_RULE if self.handling.changes_at_answer(t, p) else 0)
                | (_JOURNEY if journeys is not None and journeys.acts_at_answer(t) else 0)
                | (_HANDOVER if journeys is not None and journeys.takes_handovers(t) else 0)
                for p in range(n_pools)
            ]
            for t in range(len(types))
        ]
        self._after_handling = [  # per type: a hook to call when a contact is finished, or None
            None if journeys is None else journeys.after_handling(t) for t in range(len(types))
        ]
        self._chat = [c.channel == "chat" for c in types]
        self._any_chat = any(self._chat)
        self._predicts = [c.predicts_wait for c in types]
        self._bots = [c.self_service is not None for c in types]
        self._closed_message = [c.closed_message for c in types]
        self.dialer = OutboundDialer(self) if scenario.campaigns else None
        interrupting = any(p.interrupt_deferrable for p in scenario.pools.values())
        self.blending = Blending(self) if interrupting else None
        self._routing_given = routing is not None
        if routing is None:
            routing = policy_for(scenario.routing.policy, scenario.routing.aging)
        self.routing: RoutingPolicy = routing
        self.routing.bind(self)
        self._select_agent = routing.select_agent  # bound once: every arrival asks
        self.agents.connect(self.routing, self.answer, self.blending, self.dialer)
        # The handlers of the two commonest happenings — a first attempt arrives, a contact's
        # handling ends — bound once (making a bound method per event is measurable);
        # take_single_queue_lane() may put a lean pair in their place before the start.
        self._arrive: Callable[[int, float], None] = self.admit
        self._handled_callback = self._on_handled
        self._later_contacts: EventCallbacks = [self._on_later_contact]  # shared by their Rings
        # Nobody takes a call while holding chats: no agent is ever in a pool's `calling`.
        self._calling = any(p.calls_while_chatting for p in self.pools)
        self._select_contact = routing.select_contact
        self._dials_out = self.dialer is not None  # agents with nothing to do may dial out
        if self.blending is None and not self._calling:
            self._handled_callback = self._on_handled_unblended
        self._handled_callbacks: EventCallbacks = [self._handled_callback]  # every end's Ring

    @property
    def _adjusts_handle(self) -> bool:
        """Whether any contact's handle time goes through the handle-time rules at answer."""
        return any(rules & _HANDLE_RULE for per_type in self._at_answer for rules in per_type)

    @_adjusts_handle.setter
    def _adjusts_handle(self, on: bool) -> None:
        # A live change (a slowdown, ccsim.model.live) puts every answer through the rules.
        if on:
            self._at_answer = [[rules | _HANDLE_RULE for rules in t] for t in self._at_answer]

    def take_single_queue_lane(self) -> bool:
        """Use the lean handlers of :mod:`ccsim.model.single_queue` if the scenario is one
        queue and one pool (and the routing the scenario's own); call before :meth:`start`.

        Chosen once, here, not tested per event; the records are those of the general
        handlers. Returns whether the lane was taken.
        """
        if self._routing_given or not is_single_queue(self.scenario):
            return False
        lane = SingleQueueLane(self)
        self._arrive, self._handled_callback = lane.arrive, lane.handled
        self._handled_callbacks = [lane.handled]
        return True

    # -- the run ----------------------------------------------------------------------

    def run(self) -> ContactRecords:
        """Simulate the whole horizon and return the records."""
        self.start()
        self.env.run()
        return self.finish()

    def start(self) -> None:
        """Put the staffing changes, the first arrival and the dialer on the calendar.

        :meth:`run` is ``start``, ``env.run()``, :meth:`finish`; a live run
        (:class:`ccsim.model.live.LiveCentre`) runs the calendar in steps in between.
        """
        env = self.env
        self.plan = plan = staffing_plan(self.scenario, self.streams)
        now = env.now  # 0 except for a warm start
        for time, pool_index, target, closing in plan.changes:
            if time < now:
                continue  # before a warm start: the live state sets the staffing
            event = Timeout(env, time - now, (self.pools[pool_index], target, closing))
            event.callbacks.append(self._on_staffing)
        if self.scenario.horizon.closing == "clear":
            # The closing rule "clear": at each close, before any agent frees up then (these
            # events are on the calendar first), the callers still waiting are turned away.
            for close in sorted({time for time, _, _, closing in plan.changes if closing}):
                if close >= now:
                    Timeout(env, close - now).callbacks.append(self._on_close)
        # The first attempts arrive from the calendar's merged stream, in the order (and at
        # the times) one Timeout per caller made here and at each arrival would give them.
        first = bisect_left(self.book.arrival, now) if now else 0
        env.feed(self.book.arrival, self._arrive, first)
        if self.dialer is not None:
            self.dialer.start()

    def finish(self) -> ContactRecords:
        """Settle the contacts left at the end of the horizon and return the records."""
        plan = self.plan
        self.book.settle_leftovers()
        outbound = None
        if self.dialer is not None:
            outbound = self.dialer.records(tuple(self.scenario.campaigns))
        records = self.book.records(
            self.streams.replication,
            tuple(self.scenario.contact_types),
            tuple(self.scenario.pools),
            self.agents.on_duty(),
            outbound,
            self.blending.records() if self.blending is not None else None,
        )
        return replace(records, scheduled=plan.scheduled(), at_work=plan.at_work())

    def admit(self, contact: int, now: float) -> None:
        """A contact arrives at its queue: block, answer, or let it wait."""
        t = self._type_of[contact]
        if self._closed_message[t] and self._hooks.closed_arrival(contact, now):
            return
        # A bot meets first attempts and redials only (not an escalation, a transfer, ...).
        bot = self._bots[t] and self.book.kind[contact] <= REDIAL
        if bot and self._hooks.enter_bot(contact, t, now):
            return
        queue = self.queues[t]
        limited = queue.limited
        if limited and queue.lines_busy(now):
            self.lose(contact, BLOCKED, now)
            return
        choice = self._select_agent(contact, t, now)
        if choice is None and self.blending is not None:
            choice = self.blending.interrupt(t, now)  # a call interrupts deferrable work
        if choice is not None:
            self.answer(contact, choice[0], choice[1], now)
        elif limited and queue.no_waiting_place(now):
            self.lose(contact, BLOCKED, now)
        elif not (self._predicts[t] and self._hooks.on_wait(contact, queue, now)):
            # The contact waits (written out here: this runs for every caller who waits).
            queue.join(contact)
            if self._patience_timers[t]:
                self._start_patience(contact, now)
            if self._overflow_delays[t]:
                self.overflow.start(contact, t, now)

    def _start_patience(self, contact: int, now: float) -> None:
        """A patience timer for a waiting contact of a type that must know at once."""
        deadline = self.book.deadline[contact]
        if deadline < math.inf:
            Timeout(self.env, deadline - now, contact).callbacks.append(self._on_patience)

    def queue_callback(self, contact: int, now: float) -> None:
        """A callback attempt is due: an idle agent dials now, or it joins its queue."""
        t = self.book.contact_type[contact]
        choice = self.routing.select_agent(contact, t, now)
        if choice is not None:
            self.answer(contact, choice[0], choice[1], now)
        else:
            (self.callback_queues[t] or self.queues[t]).join(contact)

    def lose(self, contact: int, outcome: int, now: float) -> None:
        """The contact ends without an agent (blocked, balked): record, maybe redial."""
        self.book.outcome[contact] = outcome
        self.book.ended[contact] = now
        if self.journeys is not None:
            self.journeys.after_lost(contact, outcome, now)

    def answer(self, contact: int, pool: AgentPool, agent: int, now: float) -> None:
        """``agent`` of ``pool`` answers ``contact`` now; the end of handling is scheduled."""
        t = self._type_of[contact]
        p = pool.index
        self._answered[contact] = now
        self._outcome[contact] = ANSWERED
        self._served_by[contact] = p
        self._agent_of[contact] = agent
        self.queues[t].in_service += 1
        handle = self._handle[contact]
        # Only where this type and pool have a rule at answer (resolved in __init__).
        rules = self._at_answer[t][p]
        if rules:
            if rules & _HANDLE_RULE:  # the pool's own handle time or factor, chat concurrency
                handle = self.handling.answered(handle, self.book.arrival[contact], t, p, agent)
            # Callback dialling, the wait predictor; a warm transfer's new leg (handover).
            if rules & _JOURNEY or (rules & _HANDOVER and contact in self._held_by):
                handle = self._hooks.answered(contact, t, handle, now)
            self._handle[contact] = handle
        # The end of handling goes straight onto SimPy's heap, keyed as the Timeout it
        # replaces would be (time, NORMAL, next event id): same order, two calls less.
        ring = new_ring(Ring)
        ring._value = contact
        ring.callbacks = self._handled_callbacks
        env = self.env
        heappush(env._queue, (env._now + handle, NORMAL, next(env._eid), ring))
        if self.blending is not None:
            self.blending.started(contact, t, p, agent, now + handle)

    def _on_handled(self, event: simpy.Event) -> None:
        contact: int = event.value  # type: ignore[assignment]  # inline: cast() is a call
        book = self.book
        if self.blending is not None:
            if self.blending.stale(contact):
                return  # the item was interrupted: its resumed part ends later
            self.blending.finished(contact, book.served_by[contact], book.agent_of[contact])
        now = self.env.now
        book.ended[contact] = now
        t = book.contact_type[contact]
        self.queues[t].in_service -= 1
        after = self._after_handling[t]
        if after is not None and not after(contact, t, now):
            return  # warm transfer: the agent stays on the line until the handover
        pool = self.pools[book.served_by[contact]]
        agent = book.agent_of[contact]
        chat = self._chat[t]
        if chat or (self._calling and agent in pool.calling):
            self.agents.chat_or_call_ended(pool, agent, chat, now)
        else:
            self.free_agent(pool, agent, now)

    def _on_handled_unblended(self, event: simpy.Event) -> None:
        """:meth:`_on_handled` without blending and calls taken while chatting (chosen in
        ``__init__`` when the scenario has neither): the same steps, fewer questions."""
        # SimPy's private fields, as the calendar reads them: the properties cost a call each.
        contact: int = event._value
        now = self.env._now
        self._ended[contact] = now
        t = self._type_of[contact]
        self.queues[t].in_service -= 1
        after = self._after_handling[t]
        if after is not None and not after(contact, t, now):
            return  # warm transfer: the agent stays on the line until the handover
        pool = self.pools[self._served_by[contact]]
        agent = self._agent_of[contact]
        if self._chat[t]:
            self.agents.chat_or_call_ended(pool, agent, True, now)
        elif self._dials_out or pool.on_duty > pool.target:
            self.free_agent(pool, agent, now)  # going home, closing, or a campaign to dial
        else:
            # Agents.free() for an agent staying on without a campaign, written out: the
            # next contact routing gives them, or the idle list.
            next_contact = self._select_contact(pool, now)
            if next_contact is None:
                self.idle_since[agent] = now
                pool.idle.append(agent)
            elif self._any_chat and self._chat[self._type_of[next_contact]]:
                self.take(pool, agent, next_contact, now)  # a chat may open more slots
            else:
                self.answer(next_contact, pool, agent, now)

    # -- timers -----------------------------------------------------------------------

    def schedule_contact(self, contact: int, delay: float) -> None:
        """A redial or callback retry arrives after ``delay`` (a conversation's next message
        is put on the calendar by :class:`Journeys` itself)."""
        # A bare Ring pushed onto SimPy's heap with the key its Timeout would have had (as
        # the end of handling in answer()): same order, two calls less.
        ring = new_ring(Ring)
        ring._value = contact
        ring.callbacks = self._later_contacts
        env = self.env
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), ring))

    def schedule_release(self, contact: int, delay: float) -> None:
        """The agent kept on ``contact`` for a warm handover hangs up after ``delay``."""
        Timeout(self.env, delay, contact).callbacks.append(self._on_release)

    def schedule_handled(self, contact: int, delay: float) -> None:
        """The agent finishes (the resumed rest of) ``contact`` after ``delay``."""
        Timeout(self.env, delay, contact).callbacks.append(self._handled_callback)

    def _on_later_contact(self, event: simpy.Event) -> None:
        contact: int = event._value  # SimPy's private field: the property costs a call
        if self.book.kind[contact] == CALLBACK:
            self.queue_callback(contact, self.env._now)
        else:
            self.admit(contact, self.env._now)

    def _on_release(self, event: simpy.Event) -> None:
        self._hooks.release(_contact_of(event), self.env.now)

    def _on_patience(self, event: simpy.Event) -> None:
        contact = _contact_of(event)
        if self.book.outcome[contact] == WAITING:
            self.queues[self.book.contact_type[contact]].abandon(contact)
            self._hooks.after_lost(contact, ABANDONED, self.env.now)

    def _on_overflow(self, event: simpy.Event) -> None:
        self._overflow_due(_contact_of(event))

    def _overflow_due(self, contact: int) -> None:
        """``contact`` has waited an overflow delay: a backup pool may answer it now."""
        book = self.book
        now = self.env._now  # SimPy's private field: the property costs a call
        if self._outcome[contact] != WAITING or book.deadline[contact] <= now:
            return  # answered, or gone (abandonment noticed lazily)
        choice = self.routing.select_agent(contact, book.contact_type[contact], now)
        if choice is not None:
            self.queues[book.contact_type[contact]].leave(contact)
            self.answer(contact, choice[0], choice[1], now)

    def _on_staffing(self, event: simpy.Event) -> None:
        pool, target, closing = cast(tuple[AgentPool, int, bool], event.value)
        # Deferrable work (email) waits for the next opening instead of being drained.
        for queue in self.deferrable_queues:
            queue.paused = closing
        self.agents.restaff(pool, target, closing, self.env.now)

    def _on_close(self, event: simpy.Event) -> None:
        """The closing rule ``clear``: callers still waiting now are turned away (unserved).

        Deferrable work (email) keeps its backlog for the next opening; callback attempts
        (agents' own outbound work) stay queued. Nobody turned away redials.
        """
        book = self.book
        now = self.env.now
        types = list(self.scenario.contact_types.values())
        for queue in self.queues:
            if types[queue.index].deferrable:
                continue
            keep: frozenset[int] = frozenset()
            if book.journeys:
                keep = frozenset(c for c in queue.ids if book.kind[c] == CALLBACK)
            queue.turn_away(now, keep)


def _contact_of(event: simpy.Event) -> int:
    # SimPy types an event's value as Optional[Any]; the centre's timers carry the contact.
    return cast(int, event.value)


def simulate(
    scenario: Scenario,
    replication: int = 0,
    seed: int | None = None,
    routing: RoutingPolicy | None = None,
    first_attempts: ContactBook | None = None,
) -> ContactRecords:
    """Simulate one replication of ``scenario`` and return its records.

    Args:
        scenario: a validated scenario (see :func:`ccsim.load_scenario`).
        replication: the replication number; with the seed it fixes every random number.
        seed: root seed (default: the scenario's ``experiment.seed``).
        routing: a routing policy (default: the scenario's ``routing.policy``).
        first_attempts: replay these first attempts instead of drawing them (see
            :class:`ContactCentre`).

    Returns:
        The replication's :class:`~ccsim.records.ContactRecords`.
    """
    root = scenario.experiment.seed if seed is None else seed
    streams = RandomStreams(root, replication)
    centre = ContactCentre(scenario, streams, routing, first_attempts)
    if not centre.take_single_queue_lane():  # one queue, one pool: the lean handlers
        take_skills_lane(centre)  # else the plain types' lean arrival; the same records
    return centre.run()
