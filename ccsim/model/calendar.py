"""The model's calendar: SimPy's environment with the first attempts merged in.

Every first attempt's arrival time is drawn before the run (:mod:`ccsim.model.arrivals`), so
the callers form a sorted stream known in advance. Scheduling each of them as a SimPy
:class:`~simpy.events.Timeout` costs an event object, a heap push and a heap pop per caller —
about a third of the time of a whole replication on a single queue. :class:`Calendar` keeps
SimPy's heap for everything else (ends of handling, staffing changes, timers, a live run's
changes and its stop time) and *merges* the arrival stream into it: at each step it fires
whichever comes first, the heap's next event or the next caller.

What it guarantees: the order is exactly the order of the old one-Timeout-per-caller
calendar, ties included. A caller's place is the key its Timeout would have had —
``(time, NORMAL, eid)``, the event id taken from SimPy's own counter at the moment that
Timeout used to be made (when the previous caller arrived, before they were handled) — and
its time is computed with the same floating-point operations (``now + (arrival - now)``).
So the same seed gives byte-identical records (``scripts/fingerprint_records.py``), and a
reader still finds the clock, ``run(until=…)``, ``peek`` and every other event where SimPy
puts them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from heapq import heappop, heappush

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, Event, EventPriority


class Ring(Event):
    """An event put on SimPy's heap already triggered, made without ``Event.__init__``.

    The end of a contact's handling is the commonest event after arrivals; a
    :class:`~simpy.events.Timeout` for it costs two Python calls (its ``__init__`` and
    ``Environment.schedule``). A ring is made with ``object.__new__`` and pushed straight onto
    the heap with the key the Timeout would have had — ``(now + delay, NORMAL, next eid)`` —
    so it fires at the same time and in the same place among ties: same records. SimPy's
    step (and :meth:`Calendar.step`) reads only ``callbacks``, ``_ok`` and ``_value``. The
    rings of one kind share one ``callbacks`` list (nobody adds to a ring's callbacks, and
    the step only reads them): one list less to make per event.
    """

    _ok = True  # triggered (a class attribute: one store less per event)


new_ring = object.__new__  # new_ring(Ring): a bare Ring; set ``_value`` and ``callbacks``


class Calendar(simpy.Environment):
    """A :class:`simpy.Environment` that also fires a pre-drawn stream of arrivals.

    Call :meth:`feed` once, before the run, with the sorted arrival times and the function
    to call at each arrival; then ``run`` as any SimPy environment.
    """

    def __init__(self, initial_time: float = 0.0) -> None:
        super().__init__(initial_time)
        self._times: Sequence[float] = ()
        self._count = 0
        self._arrive: Callable[[int, float], None] | None = None
        self.next_arrival = 0  # the number of the next caller to arrive
        self._at = math.inf  # when they arrive (inf: no caller left)
        self._eid_at = 0  # the event id their Timeout would have had

    def feed(
        self, times: Sequence[float], arrive: Callable[[int, float], None], first: int = 0
    ) -> None:
        """Fire ``arrive(caller, now)`` at each of ``times[first:]`` (sorted), from now on.

        The first of them takes their place on the calendar now, as a Timeout made now
        would (``first`` > 0: a warm start skips the callers who came before it).
        """
        self._times = times
        self._count = len(times)
        self._arrive = arrive
        self.next_arrival = first
        if first < self._count:
            now = self._now
            self._at = now + (times[first] - now)
            self._eid_at = next(self._eid)

    def reserve(self, delay: float) -> tuple[float, int]:
        """The time and event id a Timeout of ``delay`` made now would have (the id is
        taken from SimPy's counter): for an event put on the calendar later, with
        :meth:`put`, in its rightful place."""
        return self._now + delay, next(self._eid)

    def put(self, time: float, eid: int, value: object, callback: Callable[[Event], None]) -> None:
        """Put an event ringing at ``time`` with ``value`` (``event.value``) on the calendar
        with the id from :meth:`reserve` — fired exactly where its Timeout would have been.

        Call it before any event later than ``(time, eid)`` fires.
        """
        event = Event(self)
        event._ok = True  # triggered, as SimPy's own run(until=…) makes its stop event
        event._value = value
        event.callbacks.append(callback)
        heappush(self._queue, (time, NORMAL, eid, event))

    def peek(self) -> float:
        """The time of the next event or arrival (``inf``: nothing left)."""
        queue = self._queue
        return min(self._at, queue[0][0]) if queue else self._at

    def step(self) -> None:
        """Fire the next event of SimPy's heap, or the next arrival if that comes first."""
        queue = self._queue
        at = self._at
        if queue:
            head = queue[0]
            time = head[0]
            if at > time or (at == time and (head[1], head[2]) < (NORMAL, self._eid_at)):
                # SimPy's own step (simpy.Environment.step, 4.1), written out here: it runs
                # for every event of a replication, and one call less per event is ~5 %.
                self._now, _, _, event = heappop(queue)
                callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
                try:
                    for callback in callbacks:
                        callback(event)
                except StopSimulation:
                    # Keep the callbacks not yet run for when the run resumes (as SimPy).
                    event.callbacks = callbacks[callbacks.index(callback) + 1 :]
                    self.schedule(event, EventPriority(-1))
                    raise
                if not event._ok and not hasattr(event, "_defused"):
                    exc = type(event._value)(*event._value.args)  # a failed event, undefused
                    exc.__cause__ = event._value
                    raise exc
                return
        elif at == math.inf:
            raise EmptySchedule
        # The caller is the calendar's next event: their turn, exactly as a Timeout's.
        self._now = at
        caller = self.next_arrival
        following = caller + 1
        self.next_arrival = following
        if following < self._count:
            self._at = at + (self._times[following] - at)
            self._eid_at = next(self._eid)
        else:
            self._at = math.inf
        self._arrive(caller, at)  # type: ignore[misc]  # feed() sets it before any arrival
