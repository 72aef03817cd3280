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
from dataclasses import dataclass

import numpy as np
from simpy.events import Timeout

from ccsim.model.centre import ContactCentre
from ccsim.model.contacts import ContactBook
from ccsim.model.handling import draw_talk_and_wrap_up
from ccsim.model.routing import RoutingPolicy
from ccsim.model.staffing import staffing_plan
from ccsim.model.streams import RandomStreams
from ccsim.records import Kind, Outcome
from ccsim.scenario import Scenario
from ccsim.scenario.contact_type import ContactType
from ccsim.scenario.distributions import Deterministic, Exponential
from ccsim.scenario.time_bands import draw_by_band, draw_patience_by_band
from ccsim.units import DAY

ANSWERED = int(Outcome.ANSWERED)


class WarmStartError(ValueError):
    """A state the model cannot start from (a scenario feature it does not carry over)."""


@dataclass(frozen=True)
class WaitingContact:
    """A contact waiting at the start (``contact_type`` is the type's index)."""

    contact_type: int
    waited: float
    attempt: int = 0
    callback: bool = False


@dataclass(frozen=True)
class ContactInService:
    """A contact being handled at the start by agent ``agent`` (an index into
    :attr:`StartState.agents`); ``wrap_up_only``: the agent is in after-call work and
    ``spent`` is the wrap-up so far; ``whole_handle``: ``spent`` counts talk and after-call
    work together (a contact log cannot tell them apart), so the time left is drawn from
    talk + wrap-up conditional on exceeding it."""

    contact_type: int
    agent: int
    spent: float
    wrap_up_only: bool = False
    whole_handle: bool = False


@dataclass(frozen=True)
class StartState:
    """The centre at the start, in the model's terms (indexes, seconds).

    Attributes:
        time: seconds from the horizon's first midnight.
        agents: the pool index of each agent on duty (idle or busy; not on a break).
        waiting: contacts waiting, in any order (they queue oldest first).
        in_service: contacts being handled (and agents in after-call work).
        breaks: (pool index, back at) of each agent on a break.
    """

    time: float
    agents: tuple[int, ...] = ()
    waiting: tuple[WaitingContact, ...] = ()
    in_service: tuple[ContactInService, ...] = ()
    breaks: tuple[tuple[int, float], ...] = ()


def time_left(distribution, elapsed: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The time left of durations known to have lasted ``elapsed`` already.

    Each is drawn from the distribution conditional on exceeding its ``elapsed``:
    ``X = sf⁻¹(U · sf(elapsed))`` with U uniform, minus ``elapsed``. For an exponential
    distribution that is exactly a fresh exponential draw (memoryless); a deterministic one
    leaves ``value − elapsed`` (0 once passed); a family without a scipy view (empirical)
    resamples its own draws that exceed ``elapsed``. Past the end of the support the time
    left is 0.
    """
    elapsed = np.asarray(elapsed, dtype=float)
    n = len(elapsed)
    if n == 0:
        return np.zeros(0)
    if isinstance(distribution, Exponential):
        return rng.exponential(distribution.mean, n)
    if isinstance(distribution, Deterministic):
        return np.maximum(distribution.value - elapsed, 0.0)
    try:
        frozen = distribution.scipy()
    except ValueError:
        return _resampled_left(np.sort(distribution.draw(rng, 8192)), elapsed, rng)
    u = rng.random(n)
    tail = frozen.sf(elapsed)
    with np.errstate(invalid="ignore"):
        total = frozen.isf(u * tail)
    left = np.where(tail > 0, total - elapsed, 0.0)
    return np.maximum(np.nan_to_num(left, nan=0.0), 0.0)


def _resampled_left(pool: np.ndarray, elapsed: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Time left past each ``elapsed``: a uniform pick among the sorted samples ``pool``
    that exceed it (0 past the largest)."""
    left = np.zeros(len(elapsed))
    for i, e in enumerate(elapsed):
        start = np.searchsorted(pool, e, side="right")
        if start < len(pool):
            left[i] = pool[rng.integers(start, len(pool))] - e
    return left


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
        book, self.state_contacts = _book(scenario, streams, state, factors, self.day_end)
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


def _book(
    scenario: Scenario,
    streams: RandomStreams,
    state: StartState,
    factors: list[float],
    day_end: float,
) -> tuple[ContactBook, list[int]]:
    """The state's contacts, then the new arrivals to ``day_end``, in time order; and the
    book index of each state contact (waiting, then in service, in the state's order)."""
    t0 = float(state.time)
    before = np.nextafter(t0, -math.inf)  # a state contact must not arrive again
    types = list(scenario.contact_types.values())
    names = list(scenario.contact_types)
    n_wait, n_serv = len(state.waiting), len(state.in_service)
    arrival = np.empty(n_wait + n_serv)
    ctype = np.empty(n_wait + n_serv, dtype=np.int16)
    handle = np.empty(n_wait + n_serv)
    deadline = np.full(n_wait + n_serv, math.inf)
    for t, (name, c) in enumerate(zip(names, types, strict=True)):
        rows = [i for i, w in enumerate(state.waiting) if w.contact_type == t]
        if rows:
            waited = np.array([state.waiting[i].waited for i in rows])
            talk, wrap = draw_talk_and_wrap_up(c, streams, f"waiting/{name}", len(rows))
            handle[rows] = talk if wrap is None else talk + wrap
            arrival[rows] = np.minimum(t0 - waited, before)
            ctype[rows] = t
            if c.patience is not None:
                left = time_left(c.patience, waited, streams.generator(f"patience-left/{name}"))
                calls = np.array([not state.waiting[i].callback for i in rows])
                deadline[rows] = np.where(calls, t0 + left, math.inf)
        rows = [i for i, s in enumerate(state.in_service) if s.contact_type == t]
        if rows:
            spent = np.array([state.in_service[i].spent for i in rows])
            only = np.array([state.in_service[i].wrap_up_only for i in rows])
            rng = streams.generator(f"residual/{name}")
            talk_left = time_left(c.handle_time, spent, rng)
            if c.wrap_up is not None:
                wrap_rng = streams.generator(f"wrap_up/residual/{name}")
                wrap = c.wrap_up.draw(wrap_rng, len(rows))
                wrap_left = time_left(c.wrap_up, spent, wrap_rng)
                left = np.where(only, wrap_left, talk_left + wrap)
            else:
                left = np.where(only, 0.0, talk_left)
            whole = np.array([state.in_service[i].whole_handle for i in rows])
            if whole.any() and c.wrap_up is not None:  # talk + wrap-up has no closed form
                rng = streams.generator(f"residual-handle/{name}")
                pool = c.handle_time.draw(rng, 8192) + c.wrap_up.draw(rng, 8192)
                left = np.where(whole, _resampled_left(np.sort(pool), spent, rng), left)
            at = [n_wait + i for i in rows]
            handle[at], ctype[at] = left, t
            arrival[at] = np.minimum(t0 - spent, before)
    columns: list[np.ndarray] = [arrival, ctype, handle, deadline]
    for t, (name, c) in enumerate(zip(names, types, strict=True)):
        new = _new_arrivals(scenario, streams, t, name, c, factors[t], t0, day_end)
        columns = [np.concatenate([a, b]) for a, b in zip(columns, new, strict=True)]
    order = np.argsort(columns[0], kind="stable")
    arrival, ctype, handle, deadline = (col[order] for col in columns)
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    book = ContactBook(arrival, ctype, handle, deadline, scenario.has_journeys)
    state_contacts = [int(x) for x in position[: n_wait + n_serv]]
    if book.journeys:
        for i, w in enumerate(state.waiting):
            contact = state_contacts[i]
            book.attempt[contact] = min(w.attempt, 127)
            if w.callback:
                book.kind[contact] = int(Kind.CALLBACK)
            elif w.attempt:
                book.kind[contact] = int(Kind.REDIAL)
    return book, state_contacts


def _new_arrivals(
    scenario: Scenario,
    streams: RandomStreams,
    t: int,
    name: str,
    ctype: ContactType,
    factor: float,
    t0: float,
    day_end: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Arrivals of one type from ``t0`` to ``day_end`` at the forecast rates × ``factor``:
    per interval a Poisson count over the part of it left, uniform times (an exact NHPP)."""
    horizon = scenario.horizon
    if scenario.days_of_week is None:
        rates = ctype.arrivals.rates_per_second(horizon)
    else:
        rates = scenario.days_of_week.rates(name, ctype.arrivals, horizon)
    starts = horizon.interval_starts()
    lo = np.clip(starts, t0, day_end)
    hi = np.clip(starts + horizon.interval, t0, day_end)
    rng = streams.generator(f"arrivals/{name}")
    counts = rng.poisson(np.asarray(rates) * factor * (hi - lo))
    times = np.repeat(lo, counts) + rng.uniform(0.0, 1.0, int(counts.sum())) * np.repeat(
        hi - lo, counts
    )
    times.sort(kind="stable")
    n = len(times)
    talk, wrap = draw_talk_and_wrap_up(ctype, streams, name, n)
    handle = talk if wrap is None else talk + wrap
    if ctype.patience is not None:
        patience = ctype.patience.draw(streams.generator(f"patience/{name}"), n)
    else:
        patience = np.full(n, math.inf)
    if ctype.handle_time_by_band is not None:
        handle = draw_by_band(
            ctype.handle_time_by_band, times, streams.generator(f"handle_by_band/{name}")
        )
        if ctype.wrap_up is not None:
            handle += ctype.wrap_up.draw(streams.generator(f"wrap_up_by_band/{name}"), n)
    if ctype.patience_by_band is not None:
        rng = streams.generator(f"patience_by_band/{name}")
        patience = draw_patience_by_band(ctype.patience_by_band, times, rng)
    return times, np.full(n, t, dtype=np.int16), handle, times + patience
