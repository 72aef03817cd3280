"""The centre run live: the day advances in steps and changes take effect as it runs.

A supervisor steering a day — or a trainee in ``ccsim train``, or an intraday what-if —
changes the centre *while* it runs: more agents on a pool from now on, three agents to a
break for 15 minutes, two agents moved from sales to service, the callback offer or the bot
switched off, overflow closed. :class:`LiveCentre` is the same model as
:func:`ccsim.model.simulate` (a :class:`~ccsim.model.centre.ContactCentre`), run in steps with
SimPy's ``run(until=…)``; every change applies at the simulated instant it is made, before
anything else that happens at that instant, and a change for later is put on the calendar
(:meth:`LiveCentre.at`).

How staffing changes combine with the schedule: the scenario's staffing (per interval or by
shifts) stays the plan, and the live changes sit on top of it as an **offset** per pool —
``add_agents(pool, 2)`` means two more than the plan from now on, whatever the plan does
later; :meth:`LiveCentre.set_agents` sets the offset so that the pool has that many agents
now. Agents on a break the supervisor called and a pool taken offline (an outage) come off
the phones for a while and come back by themselves. At closing the plan's rule holds: the
agents on duty serve what is waiting, then leave. A pool may grow past the largest number
its schedule ever asks for: new agents get new numbers.

Leaving: as in the plan, an idle agent leaves at once and a busy one when the contact in
hand is finished (nobody is cut off).

Scripted events: ``pool_offline`` and ``handle_time_factor`` may be called at any moment; a
volume spike adds callers, and since every caller is drawn before the run (arrival, handle
time and patience, :mod:`ccsim.model.arrivals`), spikes are declared when the centre is
made (:class:`VolumeSpike`, :mod:`ccsim.model.spikes`). The extra callers come from streams
of their own (``spike/<type>`` …), so every other caller keeps their numbers (common random
numbers).

Without any change the records are exactly those of :func:`ccsim.model.simulate`, however
the day is cut into steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, cast

import numpy as np
from simpy.events import Timeout

from ccsim.model.arrivals import draw_first_attempts
from ccsim.model.centre import ContactCentre
from ccsim.model.routing import RoutingPolicy, SkillRouting
from ccsim.model.spikes import LiveChangeError, VolumeSpike, draw_with_spikes
from ccsim.model.streams import RandomStreams
from ccsim.records import ContactRecords
from ccsim.scenario import Scenario
from ccsim.timeline import OnDutyTrace
from ccsim.units import DAY

if TYPE_CHECKING:
    from ccsim.model.handling import HandleTimes

__all__ = ["LiveCentre", "LiveChangeError", "VolumeSpike"]


class _ScaledHandling:
    """The handle-time rules with a live factor on every contact answered (a slowdown)."""

    def __init__(self, inner):
        self._inner = inner
        self.factor = 1.0

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def answered(self, handle: float, arrival: float, contact_type: int, pool: int, agent: int):
        handle = self._inner.answered(handle, arrival, contact_type, pool, agent)
        return handle * self.factor if self.factor != 1.0 else handle


class LiveCentre(ContactCentre):
    """One replication run in steps, with changes at run time (see the module docstring).

    Args:
        scenario: the validated scenario.
        replication: the replication number (with the seed it fixes every random number).
        seed: root seed (default: the scenario's ``experiment.seed``).
        routing: a routing policy (default: the scenario's).
        spikes: volume spikes to add to the forecast callers.
    """

    def __init__(
        self,
        scenario: Scenario,
        replication: int = 0,
        seed: int | None = None,
        routing: RoutingPolicy | None = None,
        spikes: Sequence[VolumeSpike] = (),
    ):
        root = scenario.experiment.seed if seed is None else seed
        streams = RandomStreams(root, replication)
        # The first attempts keep their wrap-up shares: the live view tells talking from
        # after-call work by them (nothing drawn changes).
        if spikes:
            book = draw_with_spikes(scenario, streams, spikes)
        else:
            book = draw_first_attempts(scenario, streams, scenario.has_journeys, True)
        super().__init__(scenario, streams, routing, book)
        n = len(self.pools)
        self.pool_names = list(scenario.pools)
        self.type_names = list(scenario.contact_types)
        self._scheduled = [0] * n
        self._closing = [False] * n
        self.offset = [0] * n
        self.away = [0] * n
        self.offline = [0] * n
        self._targets: list[tuple[list[float], list[int]]] = [([], []) for _ in range(n)]
        self._offsets: list[tuple[list[float], list[int]]] = [([0.0], [0]) for _ in range(n)]
        self._scaled = _ScaledHandling(self.handling)
        self.handling = cast("HandleTimes", self._scaled)  # the centre calls answered()
        self._overflow: dict[int, float] = {}
        self._started = False
        self._staffing_changed = False
        self.finished = False
        self.end = float(scenario.horizon.days * DAY)
        types = scenario.contact_types.values()
        self._mean_share = np.array(
            [c.wrap_up.mean / c.aht if c.wrap_up and c.aht else 0.0 for c in types]
        )

    # -- running ----------------------------------------------------------------------

    def start(self) -> None:
        """Put the day's staffing and first arrival on the calendar (once)."""
        if not self._started:
            self._started = True
            super().start()

    def advance(self, until: float) -> None:
        """Run the day up to ``until`` (seconds); at or past the end, run it to the end."""
        self.start()
        if self.finished:
            return
        if until >= self.end:
            self.env.run()
            self.finished = True
        elif until > self.env.now:
            self.env.run(until=until)

    def run(self) -> ContactRecords:
        """Run what is left of the day and return the records."""
        self.advance(math.inf)
        return self.records()

    def records(self) -> ContactRecords:
        """The records of the finished day, with the staffing as actually run.

        ``scheduled`` is the pools' target as changed live; ``at_work`` the plan's paid
        agents plus the agents added (or minus those removed) — agents on a break or
        offline are still paid.
        """
        if not self.finished:
            raise LiveChangeError("the day is not over: advance it to the end first")
        records = self.finish()
        if not self._staffing_changed:
            return records  # exactly the records of simulate()
        scheduled = {
            name: OnDutyTrace(np.array(times, float), np.array(counts, np.int64))
            for name, (times, counts) in zip(self.pool_names, self._targets, strict=True)
        }
        at_work = {}
        assert records.at_work is not None, "finish() sets the plan's at-work traces"
        for name, (times, counts) in zip(self.pool_names, self._offsets, strict=True):
            at_work[name] = _plus(records.at_work[name], np.array(times), np.array(counts))
        return replace(records, scheduled=scheduled, at_work=at_work)

    def talk_ends(self, contacts: np.ndarray) -> np.ndarray:
        """When the talk of each answered contact in ``contacts`` ends: after it, until
        the contact's handle time is up, its agent is in after-call work (wrap-up).

        The handle time as answered (every rule applied) is split by the contact's drawn
        wrap-up share; a contact created during the run (a redial, a transfer, a callback
        attempt) takes its type's mean share (mean wrap-up over mean handle time).
        """
        book = self.book
        contacts = np.asarray(contacts, dtype=np.int64)
        share = self._mean_share[np.frombuffer(book.contact_type, np.int16)[contacts]]
        drawn = contacts < book.first_attempts
        if book.wrap_up_share is not None:
            share[drawn] = book.wrap_up_share[contacts[drawn]]
        answered = np.frombuffer(book.answered, float)[contacts]
        handle = np.frombuffer(book.handle, float)[contacts]
        return answered + handle * (1.0 - share)

    @property
    def now(self) -> float:
        """The simulated clock (seconds from day 0 midnight)."""
        return float(self.env.now)

    def at(self, time: float, change: Callable[[], None]) -> None:
        """Make ``change`` (a call of this API) at simulated ``time`` (now or later)."""
        self.start()
        delay = time - self.env.now
        if delay < 0:
            raise LiveChangeError(f"cannot change the past: {time:.0f} s is before now")
        Timeout(self.env, delay).callbacks.append(lambda _event: change())

    # -- staffing ---------------------------------------------------------------------

    def pool_index(self, pool: str | int) -> int:
        """The index of ``pool`` (a name or an index)."""
        if isinstance(pool, int) and 0 <= pool < len(self.pools):
            return pool
        if pool in self.pool_names:
            return self.pool_names.index(pool)
        raise LiveChangeError(f"no pool {pool!r}; the pools are {', '.join(self.pool_names)}")

    def type_index(self, contact_type: str | int) -> int:
        """The index of ``contact_type`` (a name or an index)."""
        if isinstance(contact_type, int) and 0 <= contact_type < len(self.type_names):
            return contact_type
        if contact_type in self.type_names:
            return self.type_names.index(contact_type)
        names = ", ".join(self.type_names)
        raise LiveChangeError(f"no contact type {contact_type!r}; the types are {names}")

    def target(self, pool: str | int) -> int:
        """Agents ``pool`` should have on the phones now (plan + changes − breaks)."""
        p = self.pool_index(pool)
        if self._closing[p] or self.offline[p]:
            return 0
        return max(0, self._scheduled[p] + self.offset[p] - self.away[p])

    def planned(self, pool: str | int) -> int:
        """Agents the scenario's plan asks for on ``pool`` now."""
        return self._scheduled[self.pool_index(pool)]

    def add_agents(self, pool: str | int, count: int) -> None:
        """``count`` more agents on ``pool`` from now on (negative: fewer)."""
        p = self.pool_index(pool)
        self._set_offset(p, self.offset[p] + int(count))

    def set_agents(self, pool: str | int, agents: int) -> None:
        """``pool`` has ``agents`` on the phones from now on (the offset to the plan is kept
        as the plan changes)."""
        if agents < 0:
            raise LiveChangeError(f"agents must be 0 or more, not {agents}")
        p = self.pool_index(pool)
        self._set_offset(p, int(agents) - self._scheduled[p] + self.away[p])

    def move_agents(self, source: str | int, destination: str | int, count: int) -> None:
        """Move ``count`` agents from ``source`` to ``destination`` (each leaves the source as
        a leaving agent does: when the contact in hand is finished)."""
        if count < 0:
            raise LiveChangeError(f"agents to move must be 0 or more, not {count}")
        self.add_agents(source, -count)
        self.add_agents(destination, count)

    def send_to_break(self, pool: str | int, count: int, duration: float) -> None:
        """``count`` agents of ``pool`` go on a break (or training) for ``duration`` seconds."""
        if count < 0 or duration < 0:
            raise LiveChangeError("a break needs 0 or more agents and a duration of 0 or more")
        p = self.pool_index(pool)
        self.away[p] += int(count)
        self._restaff(p)
        self.at(self.now + duration, lambda: self._back(p, int(count)))

    def pool_offline(self, pool: str | int, duration: float) -> None:
        """A scripted outage: ``pool`` takes no contact for ``duration`` seconds (its agents
        finish the contact in hand first)."""
        if duration < 0:
            raise LiveChangeError(f"an outage lasts 0 seconds or more, not {duration}")
        p = self.pool_index(pool)
        self.offline[p] += 1
        self._restaff(p)
        self.at(self.now + duration, lambda: self._online(p))

    def _back(self, p: int, count: int) -> None:
        self.away[p] -= count
        self._restaff(p)

    def _online(self, p: int) -> None:
        self.offline[p] -= 1
        self._restaff(p)

    def _set_offset(self, p: int, offset: int) -> None:
        self.offset[p] = offset
        self._restaff(p)

    def _restaff(self, p: int) -> None:
        self.start()
        self._staffing_changed = True
        self._restaff_to(self.pools[p], self.target(p), self._closing[p])

    def _restaff_to(self, pool, target: int, closing: bool) -> None:
        if target > pool.size:  # past the plan's peak: new agent numbers
            extra = target - pool.size
            first = len(self.agents.load)
            self.agents.load.extend([0] * extra)
            self.agents.idle_since.extend([0.0] * extra)
            pool.add_agents(range(first, first + extra))
        self._note_target(pool.index, target)
        self.agents.restaff(pool, target, closing, self.env.now)

    def _note_target(self, p: int, target: int) -> None:
        # The target as run, and the agents paid beyond the plan (none once closed).
        extra = 0 if self._closing[p] else self.offset[p]
        for (times, counts), value in ((self._targets[p], target), (self._offsets[p], extra)):
            if times and times[-1] == self.env.now:
                counts[-1] = value
            elif not counts or counts[-1] != value:
                times.append(float(self.env.now))
                counts.append(value)

    def _on_staffing(self, event) -> None:
        pool, target, closing = event.value
        self._scheduled[pool.index] = target
        self._closing[pool.index] = closing
        for queue in self.deferrable_queues:
            queue.paused = closing
        self._restaff_to(pool, self.target(pool.index), closing)

    # -- offers, routing, handle time -------------------------------------------------

    def set_callback_offer(self, contact_type: str | int, offered: bool) -> None:
        """Offer callbacks to callers of ``contact_type`` (as the scenario says) or not."""
        t = self.type_index(contact_type)
        original = self.scenario.contact_types[self.type_names[t]]
        if original.callback is None or self.journeys is None:
            raise LiveChangeError(f"{self.type_names[t]} has no callback offer in the scenario")
        offer = original.callback
        if not offered:
            offer = offer.model_copy(update={"offer_when_wait_over": math.inf})
        self.journeys.types[t] = original.model_copy(update={"callback": offer})

    def set_bot(self, contact_type: str | int, on: bool) -> None:
        """Let the bot take ``contact_type``'s callers (as the scenario says) or not."""
        t = self.type_index(contact_type)
        if self.scenario.contact_types[self.type_names[t]].self_service is None:
            raise LiveChangeError(f"{self.type_names[t]} has no bot in the scenario")
        self._bots[t] = bool(on)

    def set_overflow(self, on: bool) -> None:
        """Open or close time-based overflow (every skill with an ``after`` delay)."""
        if not isinstance(self.routing, SkillRouting):
            raise LiveChangeError("overflow can be switched only with the shipped routing")
        entries = {id(e): e for per_type in self.routing.pools_for_type for e in per_type}
        for key, entry in entries.items():
            if not on and entry.after > 0 and key not in self._overflow:
                self._overflow[key] = entry.after
                entry.after = math.inf
            elif on and key in self._overflow:
                entry.after = self._overflow.pop(key)
        if on:  # idle backup agents may take callers who have waited past the delay
            for pool in self.pools:
                self._wake(pool)

    def has_overflow(self) -> bool:
        """Whether the scenario has time-based overflow (a skill with an ``after`` delay)."""
        return any(s.after > 0 for p in self.scenario.pools.values() for s in p.serves.values())

    def handle_time_factor(self, factor: float) -> None:
        """Every contact answered from now on takes ``factor`` × its handle time (1: normal)."""
        if not factor > 0:
            raise LiveChangeError(f"a handle-time factor must be positive, not {factor}")
        self._scaled.factor = float(factor)
        self._adjusts_handle = True

    def _wake(self, pool) -> None:
        now = self.env.now
        while pool.idle:
            agent = pool.idle.popleft()
            contact = self.routing.select_contact(pool, now)
            if contact is None:
                pool.idle.appendleft(agent)
                return
            self.agents.take(pool, agent, contact, now)


def _plus(trace: OnDutyTrace, times: np.ndarray, offsets: np.ndarray) -> OnDutyTrace:
    """A step function plus a step offset (never below zero)."""
    at = np.union1d(trace.times, times)
    base = _value_at(trace.times, trace.counts, at)
    extra = _value_at(times, offsets, at)
    return OnDutyTrace(at, np.maximum(base + extra, 0).astype(np.int64))


def _value_at(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    index = np.searchsorted(times, at, side="right") - 1
    result = np.asarray(values)[np.clip(index, 0, None)]
    return np.where(index < 0, 0, result)
