"""The contact centre as a SimPy model: one replication from scenario to records.

Life of a voice contact::

    arrive ──(no waiting place / line free)──▶ blocked
       │
       ├──(idle eligible agent)──▶ answered at once
       └──▶ wait in queue ──(patience runs out)──▶ abandoned
                 └──(an agent frees up and picks it)──▶ answered ──▶ handled (talk + wrap-up)

The model runs on a :class:`simpy.Environment` with three kinds of events, each a
:class:`simpy.events.Timeout` with a callback: the next arrival (one pending at a time, the
times drawn in advance), the end of a contact's handling, and staffing changes at interval
boundaries, openings and closings. Random numbers are drawn per contact type in vectorised
batches before the run from independent named streams (:mod:`ccsim.streams`), so contact *i*
of a type gets the same handle time and patience in every scenario compared on the same seed.
"""

from __future__ import annotations

import math
from array import array

import numpy as np
import simpy
from simpy.events import Timeout

from ccsim.model.arrivals import draw_arrival_times
from ccsim.model.pools import AgentPool
from ccsim.model.queues import ContactQueue
from ccsim.model.routing import RoutingPolicy, StaticPriorityRouting
from ccsim.records import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    UNSERVED,
    WAITING,
    ContactRecords,
    OnDutyTrace,
)
from ccsim.scenario import Scenario
from ccsim.streams import RandomStreams


class ContactCentre:
    """One replication of a scenario: the SimPy environment, queues, pools and records.

    Args:
        scenario: the validated scenario.
        streams: the replication's random streams.
        routing: the routing policy (default: :class:`StaticPriorityRouting`).
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: RandomStreams,
        routing: RoutingPolicy | None = None,
    ):
        self.scenario = scenario
        self.streams = streams
        self.env = simpy.Environment()
        self._draw_contacts()
        self.queues = [
            ContactQueue(
                name,
                index,
                self.deadline,
                self.outcome,
                self.ended,
                capacity=ctype.queue_capacity,
                lines=ctype.lines,
            )
            for index, (name, ctype) in enumerate(scenario.contact_types.items())
        ]
        type_index = {name: i for i, name in enumerate(scenario.contact_types)}
        self.pools: list[AgentPool] = []
        first_agent = 0
        for index, (name, pool) in enumerate(scenario.pools.items()):
            size = int(max(np.max(pool.staffing_per_interval(scenario.horizon)), 0))
            ranks = {type_index[t]: rank for t, rank in pool.serves.items()}
            self.pools.append(AgentPool(name, index, ranks, first_agent, size))
            first_agent += size
        self.routing = routing if routing is not None else StaticPriorityRouting()
        self.routing.bind(self)

    # -- before the run ---------------------------------------------------------------

    def _draw_contacts(self) -> None:
        """Draw every contact's arrival time, handle time and patience, in arrival order."""
        scenario = self.scenario
        horizon = scenario.horizon
        starts = horizon.interval_starts()
        times, types, handles, patiences = [], [], [], []
        for index, (name, ctype) in enumerate(scenario.contact_types.items()):
            rates = ctype.arrivals.rates_per_second(horizon)
            arrivals = draw_arrival_times(
                rates, starts, horizon.interval, self.streams.generator(f"arrivals/{name}")
            )
            count = len(arrivals)
            handle = ctype.handle_time.draw(self.streams.generator(f"handle/{name}"), count)
            if ctype.wrap_up is not None:
                handle = handle + ctype.wrap_up.draw(
                    self.streams.generator(f"wrap_up/{name}"), count
                )
            if ctype.patience is not None:
                patience = ctype.patience.draw(self.streams.generator(f"patience/{name}"), count)
            else:
                patience = np.full(count, np.inf)
            times.append(arrivals)
            types.append(np.full(count, index, dtype=np.int64))
            handles.append(handle)
            patiences.append(patience)
        time = np.concatenate(times)
        order = np.argsort(time, kind="stable")
        arrival = time[order]
        n = len(arrival)
        # Python arrays of machine numbers: item access from Python is several times cheaper
        # than on numpy arrays, and unlike lists they hold no float object per item (8 bytes
        # a value instead of 32), which keeps a long run's memory small.
        self.arrival = _doubles(arrival)
        self.entered = self.arrival  # when each contact joined its current queue
        self.contact_type = array("h", np.concatenate(types)[order].astype(np.int16).tobytes())
        self.handle = _doubles(np.concatenate(handles)[order])
        self.deadline = _doubles(arrival + np.concatenate(patiences)[order])
        self.answered = array("d", [math.nan]) * n
        self.ended = array("d", [math.nan]) * n
        self.outcome = array("b", [WAITING]) * n
        self.served_by = array("h", [-1]) * n
        self.agent_of = array("i", [-1]) * n

    def _staffing_changes(self) -> list[tuple[float, int, int, bool]]:
        """Every (time, pool, target agents, closing) change of the horizon, in time order."""
        horizon = self.scenario.horizon
        starts = horizon.interval_starts()
        per_day = horizon.intervals_per_day
        closes = horizon.day_closes()
        changes = []
        for pool_index, pool in enumerate(self.scenario.pools.values()):
            staffing = pool.staffing_per_interval(horizon)
            previous = None
            for i, start in enumerate(starts):
                opening = i % per_day == 0 and not (horizon.continuous and i > 0)
                if opening or staffing[i] != previous:
                    changes.append((float(start), pool_index, int(staffing[i]), False))
                    previous = staffing[i]
                last_of_day = i % per_day == per_day - 1
                if last_of_day and (not horizon.continuous or i == len(starts) - 1):
                    changes.append((float(closes[i // per_day]), pool_index, 0, True))
                    previous = None
        changes.sort(key=lambda change: (change[0], change[3]))
        return changes

    # -- the run ----------------------------------------------------------------------

    def run(self) -> ContactRecords:
        """Simulate the whole horizon and return the records."""
        env = self.env
        for time, pool_index, target, closing in self._staffing_changes():
            event = Timeout(env, time, (self.pools[pool_index], target, closing))
            event.callbacks.append(self._on_staffing)
        # Bound methods are made once: creating one per event is measurable in the hot path.
        self._arrival_callback = self._on_arrival
        self._handled_callback = self._on_handled
        self._next = 0
        self._n = len(self.arrival)
        if self._n:
            Timeout(env, self.arrival[0]).callbacks.append(self._arrival_callback)
        env.run()
        self._settle_leftovers()
        return self._records()

    def _on_arrival(self, _event: simpy.Event) -> None:
        contact = self._next
        following = contact + 1
        self._next = following
        env = self.env
        now = env.now
        if following < self._n:
            Timeout(env, self.arrival[following] - now).callbacks.append(self._arrival_callback)
        queue = self.queues[self.contact_type[contact]]
        limited = queue.limited
        if limited and queue.lines_busy(now):
            self._block(contact, now)
            return
        choice = self.routing.select_agent(contact, queue.index, now)
        if choice is not None:
            self._answer(contact, queue, choice[0], choice[1], now)
        elif limited and queue.no_waiting_place(now):
            self._block(contact, now)
        else:
            queue.join(contact)

    def _block(self, contact: int, now: float) -> None:
        self.outcome[contact] = BLOCKED
        self.ended[contact] = now

    def _answer(
        self, contact: int, queue: ContactQueue, pool: AgentPool, agent: int, now: float
    ) -> None:
        self.answered[contact] = now
        self.outcome[contact] = ANSWERED
        self.served_by[contact] = pool.index
        self.agent_of[contact] = agent
        queue.in_service += 1
        Timeout(self.env, self.handle[contact], contact).callbacks.append(self._handled_callback)

    def _on_handled(self, event: simpy.Event) -> None:
        contact = event.value
        now = self.env.now
        self.ended[contact] = now
        self.queues[self.contact_type[contact]].in_service -= 1
        pool = self.pools[self.served_by[contact]]
        agent = self.agent_of[contact]
        if pool.on_duty > pool.target and not pool.closing:
            pool.go_off_duty(agent, now)
            return
        self._free_agent(pool, agent, now)

    def _free_agent(self, pool: AgentPool, agent: int, now: float) -> None:
        """An agent is free: take the next contact, or idle, or go home if off schedule."""
        contact = self.routing.select_contact(pool, now)
        if contact is not None:
            self._answer(contact, self.queues[self.contact_type[contact]], pool, agent, now)
        elif pool.on_duty > pool.target:
            pool.go_off_duty(agent, now)  # closing and nothing left to serve
        else:
            pool.idle.append(agent)

    def _on_staffing(self, event: simpy.Event) -> None:
        pool, target, closing = event.value
        now = self.env.now
        pool.target = target
        pool.closing = closing
        while pool.on_duty < target:
            self._free_agent(pool, pool.come_on_duty(), now)
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
        outcome = np.frombuffer(self.outcome, dtype=np.int8)
        ended = np.frombuffer(self.ended, dtype=float)
        deadline = np.frombuffer(self.deadline, dtype=float)
        waiting = outcome == WAITING
        patient = waiting & np.isinf(deadline)
        gave_up = waiting & ~patient
        outcome[patient] = UNSERVED
        outcome[gave_up] = ABANDONED  # when their patience ran out
        ended[gave_up] = deadline[gave_up]

    def _records(self) -> ContactRecords:
        answered = np.frombuffer(self.answered, dtype=float)
        return ContactRecords(
            replication=self.streams.replication,
            contact_types=tuple(self.scenario.contact_types),
            pools=tuple(self.scenario.pools),
            arrival=np.frombuffer(self.arrival, dtype=float),
            answered=answered,
            ended=np.frombuffer(self.ended, dtype=float),
            handle=np.where(np.isnan(answered), np.nan, np.frombuffer(self.handle, dtype=float)),
            outcome=np.frombuffer(self.outcome, dtype=np.int8),
            contact_type=np.frombuffer(self.contact_type, dtype=np.int16),
            pool=np.frombuffer(self.served_by, dtype=np.int16),
            agent=np.frombuffer(self.agent_of, dtype=np.int32),
            on_duty={
                pool.name: OnDutyTrace(
                    np.array(pool.trace_times, dtype=float),
                    np.array(pool.trace_counts, dtype=np.int64),
                )
                for pool in self.pools
            },
        )


def _doubles(values: np.ndarray) -> array:
    """A Python array of doubles holding ``values`` (a copy)."""
    result = array("d")
    result.frombytes(np.ascontiguousarray(values, dtype=float).tobytes())
    return result


def simulate(
    scenario: Scenario,
    replication: int = 0,
    seed: int | None = None,
    routing: RoutingPolicy | None = None,
) -> ContactRecords:
    """Simulate one replication of ``scenario`` and return its records.

    Args:
        scenario: a validated scenario (see :func:`ccsim.load_scenario`).
        replication: the replication number; with the seed it fixes every random number.
        seed: root seed (default: the scenario's ``experiment.seed``).
        routing: a routing policy (default: static priorities, longest idle/waiting).

    Returns:
        The replication's :class:`~ccsim.records.ContactRecords`.
    """
    root = scenario.experiment.seed if seed is None else seed
    streams = RandomStreams(root, replication)
    return ContactCentre(scenario, streams, routing).run()
