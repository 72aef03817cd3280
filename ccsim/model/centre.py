"""The contact centre as a SimPy model: one replication from scenario to records.

Life of a contact::

    arrive ──(every trunk line taken)──▶ blocked ──▶ (redial later?)
       ├──(an eligible agent is idle)──▶ answered at once
       ├──(no waiting place)──▶ blocked ──▶ (redial later?)
       ├──(hears the predicted wait)──▶ balks, or accepts a callback (an agent calls back)
       └──▶ waits ──(patience runs out)──▶ abandoned ──▶ (redial later?)
                └──(an agent frees up, or a backup pool after the overflow delay)──▶ answered
    answered ──▶ handled (talk + wrap-up) ──▶ done, or transferred to another type (cold/warm)

The model runs on a :class:`simpy.Environment` with a few kinds of events, each a
:class:`simpy.events.Timeout` with a callback: the next first attempt (one pending at a time,
all drawn in advance), the end of a contact's handling, staffing changes, and — only for the
types that use them — patience timers, overflow timers, the end of a warm-transfer handover
and later contacts (redials, callback retries). Random numbers come from independent named
streams (:mod:`ccsim.model.streams`), drawn in vectorised batches.

Abandonment is detected lazily (:mod:`ccsim.model.queues`) unless the contact type needs to
know at once (redials, wait predictions): then a patience timer is set for each caller who
waits.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import simpy
from simpy.events import Timeout

from ccsim.model.arrivals import draw_first_attempts, forecast_factors
from ccsim.model.blending import Blending
from ccsim.model.contacts import ContactBook
from ccsim.model.journeys import Journeys
from ccsim.model.outbound import OutboundDialer
from ccsim.model.pools import AgentPool
from ccsim.model.prediction import WaitPredictor
from ccsim.model.queues import ContactQueue
from ccsim.model.routing import RoutingPolicy, policy_for
from ccsim.model.staffing import staffing_plan
from ccsim.model.streams import RandomStreams
from ccsim.records import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CALLBACK,
    UNSERVED,
    WAITING,
    ContactRecords,
    OnDutyTrace,
)
from ccsim.scenario import Scenario
from ccsim.scenario.roster import peak_agents
from ccsim.units import DAY


class ContactCentre:
    """One replication of a scenario: the SimPy environment, queues, pools and records.

    Args:
        scenario: the validated scenario.
        streams: the replication's random streams.
        routing: the routing policy (default: the scenario's ``routing.policy``).
        first_attempts: the first attempts to replay instead of drawing them (a trace-driven
            backtest, :mod:`ccsim.calibration.backtest`): a fresh :class:`ContactBook` in time
            order whose
            ``journeys`` flag equals the scenario's ``has_journeys``; it is filled in by the run.
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: RandomStreams,
        routing: RoutingPolicy | None = None,
        first_attempts: ContactBook | None = None,
    ):
        self.scenario = scenario
        self.streams = streams
        self.env = simpy.Environment()
        types = list(scenario.contact_types.values())
        if first_attempts is None:
            first_attempts = draw_first_attempts(scenario, streams, scenario.has_journeys)
        self.book = first_attempts
        self.queues = [
            ContactQueue(name, i, self.book, capacity=c.queue_capacity, lines=c.lines)
            for i, (name, c) in enumerate(scenario.contact_types.items())
        ]
        self.callback_queues = [
            ContactQueue(f"{name} callbacks", i, self.book, callbacks=True)
            if c.callback is not None and not c.callback.keep_place
            else None
            for i, (name, c) in enumerate(scenario.contact_types.items())
        ]
        self.deferrable_queues = [
            q for q, c in zip(self.queues, types, strict=True) if c.deferrable
        ]
        self.pools = self._make_pools()
        self._pool_specs = list(scenario.pools.values())
        self.idle_since = [0.0] * len(self.load)
        self._patience_timers = [c.needs_abandon_events for c in types]
        self._overflow_delays = [
            sorted({p.serves[n].after for p in scenario.pools.values() if n in p.serves} - {0.0})
            for n in scenario.contact_types
        ]
        self._handle_rules = self._proficiency()
        # A pool's own handle time (a skill's handle_time) carries the day's forecast factor
        # too, like every drawn handle time.
        self._day_handle = forecast_factors(scenario, streams)[1]
        self.journeys = Journeys(self) if scenario.has_journeys else None
        self._chat = [c.channel == "chat" for c in types]
        self._chat_factors = [p.concurrency_factors is not None for p in scenario.pools.values()]
        self._adjusts_handle = (
            self.journeys is not None or any(self._handle_rules) or any(self._chat_factors)
        )
        self._predicts = [c.predicts_wait for c in types]
        self._bots = [c.self_service is not None for c in types]
        self._closed_message = [c.closed_message for c in types]
        self.predictor = WaitPredictor(self)
        self.dialer = OutboundDialer(self) if scenario.campaigns else None
        interrupting = any(p.interrupt_deferrable for p in scenario.pools.values())
        self.blending = Blending(self) if interrupting else None
        if routing is None:
            routing = policy_for(scenario.routing.policy, scenario.routing.aging)
        self.routing = routing
        self.routing.bind(self)

    # -- before the run ---------------------------------------------------------------

    def _make_pools(self) -> list[AgentPool]:
        type_index = {name: i for i, name in enumerate(self.scenario.contact_types)}
        specs = self.scenario.pools
        # Agents a pool ever needs: its most at work at once; agent numbers run across pools.
        sizes = [peak_agents(p, self.scenario.horizon) for p in specs.values()]
        self.load = [0] * sum(sizes)  # open chats per agent (shared by the pools)
        pools, first_agent = [], 0
        for index, ((name, pool), size) in enumerate(zip(specs.items(), sizes, strict=True)):
            ranks = {type_index[t]: skill.priority for t, skill in pool.serves.items()}
            pools.append(
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
        return pools

    def _proficiency(self) -> list[dict[int, tuple[float, object]] | None]:
        """Per type: pool index → (handle-time factor, own sampler or None), if any differ."""
        rules: list[dict[int, tuple[float, object]] | None] = []
        for name in self.scenario.contact_types:
            per_pool = {}
            for index, (pool_name, pool) in enumerate(self.scenario.pools.items()):
                skill = pool.serves.get(name)
                if skill is None or (skill.handle_time_factor == 1 and skill.handle_time is None):
                    continue
                own = None
                if skill.handle_time is not None:
                    rng = self.streams.generator(f"handle/{name}@{pool_name}")
                    own = skill.handle_time.sampler(rng)
                per_pool[index] = (skill.handle_time_factor, own)
            rules.append(per_pool or None)
        return rules

    # -- the run ----------------------------------------------------------------------

    def run(self) -> ContactRecords:
        """Simulate the whole horizon and return the records."""
        env = self.env
        plan = staffing_plan(self.scenario, self.streams)
        for time, pool_index, target, closing in plan.changes:
            event = Timeout(env, time, (self.pools[pool_index], target, closing))
            event.callbacks.append(self._on_staffing)
        # Bound methods are made once: creating one per event is measurable in the hot path.
        self._arrival_callback = self._on_arrival
        self.handled_callback = self._on_handled
        self._next = 0
        self._n = self.book.first_attempts
        if self._n:
            Timeout(env, self.book.arrival[0]).callbacks.append(self._arrival_callback)
        if self.dialer is not None:
            self.dialer.start()
        env.run()
        self._settle_leftovers()
        outbound = None
        if self.dialer is not None:
            outbound = self.dialer.records(tuple(self.scenario.campaigns))
        records = self.book.records(
            self.streams.replication,
            tuple(self.scenario.contact_types),
            tuple(self.scenario.pools),
            {
                pool.name: OnDutyTrace(
                    np.array(pool.trace_times, dtype=float),
                    np.array(pool.trace_counts, dtype=np.int64),
                )
                for pool in self.pools
            },
            outbound,
            self.blending.records() if self.blending is not None else None,
        )
        return replace(records, scheduled=plan.scheduled(), at_work=plan.at_work())

    def _on_arrival(self, _event: simpy.Event) -> None:
        contact = self._next
        following = contact + 1
        self._next = following
        env = self.env
        now = env.now
        if following < self._n:
            Timeout(env, self.book.arrival[following] - now).callbacks.append(
                self._arrival_callback
            )
        self.admit(contact, now)

    def admit(self, contact: int, now: float) -> None:
        """A contact arrives at its queue: block, answer, or let it wait."""
        t = self.book.contact_type[contact]
        if self._closed_message[t] and self.journeys.closed_arrival(contact, now):
            return
        if self._bots[t] and self.journeys.enter_bot(contact, now):
            return
        queue = self.queues[t]
        limited = queue.limited
        if limited and queue.lines_busy(now):
            self.lose(contact, BLOCKED, now)
            return
        choice = self.routing.select_agent(contact, t, now)
        if choice is None and self.blending is not None:
            choice = self.blending.interrupt(t, now)  # a call interrupts deferrable work
        if choice is not None:
            self._answer(contact, choice[0], choice[1], now)
        elif limited and queue.no_waiting_place(now):
            self.lose(contact, BLOCKED, now)
        elif not (self._predicts[t] and self.journeys.on_wait(contact, queue, now)):
            self._wait(contact, queue, now)

    def _wait(self, contact: int, queue: ContactQueue, now: float) -> None:
        queue.join(contact)
        t = queue.index
        if self._patience_timers[t]:
            deadline = self.book.deadline[contact]
            if deadline < math.inf:
                Timeout(self.env, deadline - now, contact).callbacks.append(self._on_patience)
        for delay in self._overflow_delays[t]:
            Timeout(self.env, delay, contact).callbacks.append(self._on_overflow)

    def queue_callback(self, contact: int, now: float) -> None:
        """A callback attempt is due: an idle agent dials now, or it joins its queue."""
        t = self.book.contact_type[contact]
        choice = self.routing.select_agent(contact, t, now)
        if choice is not None:
            self._answer(contact, choice[0], choice[1], now)
        else:
            (self.callback_queues[t] or self.queues[t]).join(contact)

    def schedule_contact(self, contact: int, delay: float) -> None:
        """A redial or callback retry arrives after ``delay``."""
        Timeout(self.env, delay, contact).callbacks.append(self._on_later_contact)

    def schedule_bot_exit(self, contact: int, delay: float) -> None:
        """The contact leaves the bot after ``delay``."""
        Timeout(self.env, delay, contact).callbacks.append(self._on_bot_exit)

    def _on_bot_exit(self, event: simpy.Event) -> None:
        self.journeys.leave_bot(event.value, self.env.now)

    def _on_later_contact(self, event: simpy.Event) -> None:
        contact = event.value
        if self.book.kind[contact] == CALLBACK:
            self.queue_callback(contact, self.env.now)
        else:
            self.admit(contact, self.env.now)

    def _on_patience(self, event: simpy.Event) -> None:
        contact = event.value
        if self.book.outcome[contact] == WAITING:
            self.queues[self.book.contact_type[contact]].abandon(contact)
            self.journeys.after_lost(contact, ABANDONED, self.env.now)

    def _on_overflow(self, event: simpy.Event) -> None:
        contact = event.value
        book = self.book
        now = self.env.now
        if book.outcome[contact] != WAITING or book.deadline[contact] <= now:
            return  # answered, or gone (abandonment noticed lazily)
        choice = self.routing.select_agent(contact, book.contact_type[contact], now)
        if choice is not None:
            self.queues[book.contact_type[contact]].leave(contact)
            self._answer(contact, choice[0], choice[1], now)

    def lose(self, contact: int, outcome: int, now: float) -> None:
        """The contact ends without an agent (blocked, balked): record, maybe redial."""
        self.book.outcome[contact] = outcome
        self.book.ended[contact] = now
        if self.journeys is not None:
            self.journeys.after_lost(contact, outcome, now)

    def _answer(self, contact: int, pool: AgentPool, agent: int, now: float) -> None:
        book = self.book
        t = book.contact_type[contact]
        book.answered[contact] = now
        book.outcome[contact] = ANSWERED
        book.served_by[contact] = pool.index
        book.agent_of[contact] = agent
        self.queues[t].in_service += 1
        handle = book.handle[contact]
        if self._adjusts_handle:  # proficiency or journeys somewhere in the scenario
            handle = self._adjust_handle(contact, t, pool, handle, now)
            book.handle[contact] = handle
        Timeout(self.env, handle, contact).callbacks.append(self.handled_callback)
        if self.blending is not None:
            self.blending.started(contact, t, pool.index, agent, now + handle)

    def _adjust_handle(
        self, contact: int, t: int, pool: AgentPool, handle: float, now: float
    ) -> float:
        """The agent's time on ``contact``: proficiency, callback dialling, warm handover."""
        rules = self._handle_rules[t]
        if rules is not None and pool.index in rules:
            factor, own = rules[pool.index]
            if own is not None:
                handle = own()
                if self._day_handle is not None:
                    day = min(int(self.book.arrival[contact] // DAY), len(self._day_handle) - 1)
                    handle *= self._day_handle[day]
            handle *= factor
        if self._chat[t] and self._chat_factors[pool.index]:
            # The more chats the agent has open, the longer each takes.
            spec = self._pool_specs[pool.index]
            handle *= spec.concurrency_factor(self.load[self.book.agent_of[contact]])
        if self.journeys is None:
            return handle
        book = self.book
        if book.kind[contact] == CALLBACK:
            return self.journeys.dial(contact, handle)
        if self._predicts[t]:
            self.predictor.answered(t, now - book.arrival[contact])
        warm = book.held_by.pop(contact, None)
        if warm is not None:  # warm transfer: both agents talk for the handover
            held, handover = warm
            Timeout(self.env, handover, held).callbacks.append(self._on_release)
            handle += handover
        return handle

    def _on_handled(self, event: simpy.Event) -> None:
        contact = event.value
        if self.blending is not None:
            if self.blending.stale(contact):
                return  # the item was interrupted: its resumed part ends later
            self.blending.finished(
                contact, self.book.served_by[contact], self.book.agent_of[contact]
            )
        book = self.book
        now = self.env.now
        book.ended[contact] = now
        t = book.contact_type[contact]
        self.queues[t].in_service -= 1
        if self.journeys is not None and not self.journeys.after_handled(contact, now):
            return  # warm transfer: the agent stays on the line until the handover
        pool = self.pools[book.served_by[contact]]
        agent = book.agent_of[contact]
        if self._chat[t]:
            left = pool.end_chat(agent)
            if agent in pool.calling:
                return  # on a call: the agent is free again when it ends
        elif agent in pool.calling:
            left = pool.end_call(agent)  # a call taken while chatting
        else:
            left = 0
        if left:
            # Still chatting with others: offer the freed slot (unless going home).
            if not (pool.on_duty > pool.target and not pool.closing):
                self._fill_slots(pool, agent, now)
            return
        self.free_agent(pool, agent, now)

    def _fill_slots(self, pool: AgentPool, agent: int, now: float) -> None:
        """An agent holding chats takes waiting chats into their free slots."""
        pool.offering_slot = True
        try:
            while self.load[agent] < pool.slots:
                contact = self.routing.select_contact(pool, now)
                if contact is None:
                    break
                pool.add_chat(agent)
                self._answer(contact, pool, agent, now)
        finally:
            pool.offering_slot = False

    def _on_release(self, event: simpy.Event) -> None:
        """A warm transfer's handover is over: the first agent hangs up."""
        self.release(event.value, self.env.now)

    def release(self, contact: int, now: float) -> None:
        """The agent kept on ``contact`` (warm transfer) is free; their time counts to it."""
        book = self.book
        book.ended[contact] = now
        book.handle[contact] = now - book.answered[contact]
        self.free_agent(self.pools[book.served_by[contact]], book.agent_of[contact], now)

    def free_agent(self, pool: AgentPool, agent: int, now: float) -> None:
        """An agent is free: go home if no longer scheduled, else take a contact or idle.

        With outbound campaigns, an agent with no inbound contact to take places a campaign
        call if one is due (inbound always comes first).
        """
        if self.blending is not None and agent in self.blending.parked:
            self.blending.resume_or_call(pool, agent, now)
            return
        if pool.on_duty > pool.target and not pool.closing:
            pool.go_off_duty(agent, now)
            return
        contact = self.routing.select_contact(pool, now)
        if contact is not None:
            self.take(pool, agent, contact, now)
        elif pool.on_duty > pool.target:
            pool.go_off_duty(agent, now)  # closing and nothing left to serve
        elif self.dialer is not None and self.dialer.dial(pool, agent, now):
            return
        else:
            self.idle_since[agent] = now
            pool.idle.append(agent)

    def take(self, pool: AgentPool, agent: int, contact: int, now: float) -> None:
        """A free agent takes ``contact`` (a chat opens a slot, then more chats may follow)."""
        if self._chat[self.book.contact_type[contact]]:
            pool.add_chat(agent)
            self._answer(contact, pool, agent, now)
            self._fill_slots(pool, agent, now)
        else:
            self._answer(contact, pool, agent, now)

    def _on_staffing(self, event: simpy.Event) -> None:
        pool, target, closing = event.value
        now = self.env.now
        # Deferrable work (email) waits for the next opening instead of being drained.
        for queue in self.deferrable_queues:
            queue.paused = closing
        pool.target = target
        pool.closing = closing
        while pool.on_duty < target:
            self.free_agent(pool, pool.come_on_duty(), now)
        # Idle agents leave at once (at closing, idle agents have nothing left to serve);
        # busy ones leave when they finish, in _free_agent. The most recently idle leave
        # first, so the longest-idle agents keep their place at the head of the line.
        while pool.on_duty > target and pool.idle:
            pool.go_off_duty(pool.idle.pop(), now)
        pool.record(now)

    # -- after the run ----------------------------------------------------------------

    def _settle_leftovers(self) -> None:
        """Contacts still queued when nobody is left to serve them: abandon or unserved."""
        # Writable numpy views on the record arrays: one vectorised pass, no Python loop.
        outcome = np.frombuffer(self.book.outcome, dtype=np.int8)
        ended = np.frombuffer(self.book.ended, dtype=float)
        deadline = np.frombuffer(self.book.deadline, dtype=float)
        waiting = outcome == WAITING
        patient = waiting & np.isinf(deadline)
        gave_up = waiting & ~patient
        outcome[patient] = UNSERVED
        outcome[gave_up] = ABANDONED  # when their patience ran out
        ended[gave_up] = deadline[gave_up]


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
    return ContactCentre(scenario, streams, routing, first_attempts).run()
