"""The day started from the centre as it is now (a warm start), not from an empty morning.

An intraday projection (:mod:`ccsim.intraday`) starts the model at, say, 11:40 with 23
callers waiting, 41 agents talking, 3 in after-call work, 6 at lunch until 12:10 and an email
backlog. :class:`WarmCentre` is the ordinary model (:class:`~ccsim.model.centre.ContactCentre`)
whose clock starts at that moment with that state:

* **A waiting caller keeps the patience left** given the time already waited: their patience
  is drawn from its distribution *conditional on being longer than the wait so far* (drawn
  by the inverse of the tail, ``X = sf⁻¹(U · sf(waited))``; exactly memoryless for an
  exponential patience: the time left is a fresh exponential draw). Their handle time is an
  ordinary fresh draw; their wait in the records runs from their real arrival.
* **A contact in service keeps its residual handle time** by the same rule on its talk time
  (talk left given the talk so far), then its full wrap-up; an agent in after-call work
  finishes the wrap-up left given the wrap-up so far.
* **Agents**: those on duty now take the pool's staffing from now on; an agent on a break
  comes back at the stated time. The scenario's staffing plan stays the plan: its later
  changes apply as they come. Fewer agents on the floor than the plan says now (an absence)
  is carried through the rest of the day as an offset, as in a live run
  (:class:`~ccsim.model.live.LiveCentre`); agents beyond the plan (finishing a contact after
  their shift ended) leave once free, as in any run — overtime is a change of the plan (a
  what-if).
* **Arrivals** from now to the end of the state's day are drawn afresh from the forecast,
  each type's rates multiplied by its re-forecast factor (1: as forecast). They come from the
  same named streams as an ordinary run (``arrivals/<type>``, ``handle/<type>``, …), so a
  state at the opening with nobody waiting gives the ordinary run's callers exactly; the
  contacts of the state draw from streams of their own (``patience-left/<type>``,
  ``handle/waiting/<type>``, ``residual/<type>``, ``wrap_up/residual/<type>``,
  ``residual-handle/<type>``). Two
  scenarios run from the same state on the same seed share all of these numbers (common
  random numbers).

The contacts of the state come first in the records (:attr:`WarmCentre.state_contacts`):
waiting ones with their real arrival, those in service answered at the state's time with
their residual as handle time (so busy time is counted from the state's time only).

Not carried over: outbound campaigns (refused), contacts arriving while the centre is closed
(``after_hours``), the forecast's busyness factor (the re-forecast replaces it), handle time
by clock band for the state's own contacts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from simpy.events import Timeout

from ccsim.model.centre import ContactCentre
from ccsim.model.routing import RoutingPolicy
from ccsim.model.staffing import staffing_plan
from ccsim.model.streams import RandomStreams
from ccsim.model.warm_book import (
    ContactInService,
    StartState,
    WaitingContact,
    WarmStartError,
    warm_book,
)
from ccsim.records import Outcome
from ccsim.scenario import Scenario
from ccsim.units import DAY

__all__ = [
    "ContactInService",
    "StartState",
    "WaitingContact",
    "WarmCentre",
    "WarmStartError",
    "planned_at",
]

ANSWERED = int(Outcome.ANSWERED)


class WarmCentre(ContactCentre):
    """One replication started from ``state`` (see the module docstring).

    Args:
        scenario: the validated scenario (its plan for the rest of the day).
        streams: the replication's random streams.
        state: the centre at the start.
        arrival_factors: per contact type, the rest of the day's arrival rates × factor
            (the re-forecast; default 1 for every type).
        routing: a routing policy (default: the scenario's).
        planned_now: per pool, the agents the plan *as it stands* schedules at the state's
            time (default: this scenario's). A what-if passes the plan's: the floor is then
            the state's plus what the what-if changes in the schedule, from now on.

    Attributes:
        state_contacts: the book's indexes of the state's contacts: ``waiting`` then
            ``in_service`` in the state's order (every later contact is a new arrival).
        day_end: the end of the state's day (arrivals stop there; the day's last callers are
            still served).
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: RandomStreams,
        state: StartState,
        arrival_factors: Sequence[float] | None = None,
        routing: RoutingPolicy | None = None,
        planned_now: Sequence[int] | None = None,
    ):
        if scenario.campaigns:
            raise WarmStartError("a warm start does not carry outbound campaigns over yet")
        t0 = float(state.time)
        if not 0 < t0 < scenario.horizon.days * DAY:
            raise WarmStartError(
                f"the state's time ({t0:.0f} s from the first midnight) must be after the "
                f"horizon's start and before its end ({scenario.horizon.days} day(s))"
            )
        n_types = len(scenario.contact_types)
        factors = [1.0] * n_types if arrival_factors is None else list(arrival_factors)
        if len(factors) != n_types or not all(f >= 0 for f in factors):
            raise WarmStartError("arrival_factors needs one factor of 0 or more per type")
        self.state = state
        self.day_end = (math.floor(t0 / DAY) + 1) * DAY
        book, self.state_contacts = warm_book(scenario, streams, state, factors, self.day_end)
        super().__init__(scenario, streams, routing, book, start_time=t0)
        n = len(self.pools)
        self._scheduled = [0] * n
        self._closing = [False] * n
        self._away = [0] * n
        self._offset = [0] * n
        self._planned_now = None if planned_now is None else list(planned_now)

    # -- the start --------------------------------------------------------------------

    def start(self) -> None:
        """The plan's later changes and the first new arrival on the calendar (the
        centre's own start), then the state set up at the state's time."""
        super().start()
        state, now = self.state, self.env.now
        for time, p, target, closing in self.plan.changes:
            if time <= now:
                self._scheduled[p], self._closing[p] = target, closing
        on_duty = np.bincount(np.asarray(state.agents, dtype=int), minlength=len(self.pools))
        for p, _back in state.breaks:
            self._away[p] += 1
        reference = self._planned_now or self._scheduled
        for p, pool in enumerate(self.pools):
            # A shortfall (an absence) carries through the day; agents beyond the plan
            # (finishing a contact after their shift) leave once free, as in any run.
            self._offset[p] = min(0, int(on_duty[p]) + self._away[p] - reference[p])
            self._grow(pool, int(on_duty[p]))
            pool.target, pool.closing = self._target(p), self._closing[p]
        for queue in self.deferrable_queues:
            queue.paused = any(self._closing)
        for pool in self.pools:  # a what-if may add agents now
            self._grow(pool, pool.target)
        numbers = [self.pools[p].come_on_duty() for p in state.agents]
        busy = self._in_service(numbers, now)
        self._queue_waiting(now)
        for k, p in enumerate(state.agents):  # idle agents take work; chatters fill slots
            pool, agent = self.pools[p], numbers[k]
            if k not in busy:
                self.free_agent(pool, agent, now)
            elif self.agents.load[agent] and agent not in pool.calling:
                self.agents.fill_slots(pool, agent, now)
        for pool in self.pools:  # a what-if's extra agents come on now, or some leave
            self.agents.restaff(pool, pool.target, pool.closing, now)
        for p, back in state.breaks:
            Timeout(self.env, back - now, p).callbacks.append(self._on_back)

    def _in_service(self, numbers: list[int], now: float) -> set[int]:
        book = self.book
        first = len(self.state.waiting)
        busy = set()
        for i, c in enumerate(self.state.in_service):
            contact = self.state_contacts[first + i]
            p = self.state.agents[c.agent]
            pool, agent, t = self.pools[p], numbers[c.agent], c.contact_type
            busy.add(c.agent)
            book.answered[contact] = now
            book.outcome[contact] = ANSWERED
            book.served_by[contact] = p
            book.agent_of[contact] = agent
            self.queues[t].in_service += 1
            if self._chat[t]:
                pool.add_chat(agent)
            self.schedule_handled(contact, book.handle[contact])
            if self.blending is not None:
                self.blending.started(contact, t, p, agent, now + book.handle[contact])
        return busy

    def _queue_waiting(self, now: float) -> None:
        book = self.book
        n = len(self.state.waiting)
        for contact, i in sorted(zip(self.state_contacts[:n], range(n), strict=True)):
            w = self.state.waiting[i]  # oldest first: the book is in arrival order
            t = w.contact_type
            if w.callback:
                (self.callback_queues[t] or self.queues[t]).join(contact)
                continue
            queue = self.queues[t]
            queue.join(contact)
            deadline = book.deadline[contact]
            if self._patience_timers[t] and deadline < math.inf:
                Timeout(self.env, max(deadline - now, 0.0), contact).callbacks.append(
                    self._on_patience
                )
            for delay in self._overflow_delays[t]:
                Timeout(self.env, max(delay - w.waited, 0.0), contact).callbacks.append(
                    self._on_overflow
                )

    # -- staffing ---------------------------------------------------------------------

    def _target(self, p: int) -> int:
        if self._closing[p]:
            return 0
        return max(0, self._scheduled[p] + self._offset[p] - self._away[p])

    def _grow(self, pool, agents: int) -> None:
        if agents > pool.size:  # more on the floor than the plan ever asks for
            extra = agents - pool.size
            first = len(self.agents.load)
            self.agents.load.extend([0] * extra)
            self.agents.idle_since.extend([0.0] * extra)
            pool.add_agents(range(first, first + extra))

    def _restaff(self, p: int) -> None:
        pool, target = self.pools[p], self._target(p)
        self._grow(pool, target)
        self.agents.restaff(pool, target, self._closing[p], self.env.now)

    def _on_staffing(self, event) -> None:
        pool, target, closing = event.value
        self._scheduled[pool.index], self._closing[pool.index] = target, closing
        for queue in self.deferrable_queues:
            queue.paused = closing
        self._restaff(pool.index)

    def _on_back(self, event) -> None:
        p = int(event.value)
        self._away[p] -= 1
        self._restaff(p)


def planned_at(scenario: Scenario, streams: RandomStreams, time: float) -> list[int]:
    """Per pool, the agents ``scenario``'s plan schedules at ``time`` (0 once closed)."""
    planned = [0] * len(scenario.pools)
    for at, p, target, closing in staffing_plan(scenario, streams).changes:
        if at <= time:
            planned[p] = 0 if closing else target
    return planned
