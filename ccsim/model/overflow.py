"""Overflow timers: when a waiting contact may also go to a backup pool.

A skill with ``after: 30s`` lets a pool take a contact only once it has waited 30 s. So each
contact that has to wait needs a timer per overflow delay of its type: when it rings, a
backup pool with an idle agent may answer the contact. Most contacts are answered long
before — in a multi-skill centre about one contact in three waits, and nearly all of those
are answered within seconds — so most timers would ring for nobody.

:class:`OverflowTimers` therefore keeps, per (contact type, delay), the timers in a line
(they are started in time order, so each line is sorted) and puts only the first timer of
a line whose contact still waits on SimPy's calendar; when it rings, the next one whose
contact still waits goes on. A timer whose contact was answered (or abandoned and noticed)
never reaches the calendar: it would have rung and done nothing.

What it guarantees: the timers that ring do so exactly when and in the order one
:class:`~simpy.events.Timeout` per waiting contact would have — each keeps the time
(``now + delay``) and SimPy event id it would have had when the contact started waiting
(:meth:`ccsim.model.calendar.Calendar.reserve`), and is on the calendar before anything
later than it is fired. Same seed, same records.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from heapq import heappush
from typing import TYPE_CHECKING

from simpy.events import NORMAL

from ccsim.model.calendar import Ring, new_ring
from ccsim.records import Outcome

if TYPE_CHECKING:
    from array import array

    import simpy

    from ccsim.model.calendar import Calendar

WAITING = int(Outcome.WAITING)


class _Line:
    """The timers of one (contact type, delay), in the order they were started."""

    __slots__ = ("delay", "pending", "armed", "ring", "callbacks")

    def __init__(self, delay: float):
        self.delay = delay
        self.pending: deque[tuple[float, int, int]] = deque()  # (time, event id, contact)
        self.armed = False  # its first timer is on the calendar
        self.ring: Callable[[simpy.Event], None] = _unset  # the timers' callback
        self.callbacks: list[Callable[[simpy.Event], None]] = []  # [ring], shared by its Rings


class OverflowTimers:
    """Every overflow timer of one replication (see the module docstring).

    Args:
        env: the replication's calendar.
        delays: per contact type, its overflow delays (distinct, sorted; may be empty).
        outcome: the contacts' outcome column (a timer of a contact no longer waiting is
            dropped).
        due: called with a contact whose timer rang (it may still be waiting).
    """

    def __init__(
        self,
        env: Calendar,
        delays: list[list[float]],
        outcome: array,
        due: Callable[[int], None],
    ):
        self._env = env
        self._outcome = outcome
        self._due = due
        self._lines = [[_Line(delay) for delay in of_type] for of_type in delays]
        for of_type in self._lines:
            for line in of_type:
                line.ring = self._ringer(line)  # one callback per line, made once
                line.callbacks = [line.ring]

    def start(self, contact: int, contact_type: int, now: float) -> None:
        """``contact`` starts waiting now: start its timers (one per overflow delay)."""
        env = self._env
        for line in self._lines[contact_type]:
            # The time and event id a Timeout made now would have (Calendar.reserve(), inline).
            time, eid = env._now + line.delay, next(env._eid)
            if line.armed:
                line.pending.append((time, eid, contact))
            else:
                line.armed = True
                self._put(time, eid, contact, line)

    def _put(self, time: float, eid: int, contact: int, line: _Line) -> None:
        """The line's timer on the calendar with its reserved key: a bare Ring pushed onto
        SimPy's heap (as :meth:`Calendar.put` would, without making a whole Event)."""
        ring = new_ring(Ring)
        ring._value = contact
        ring.callbacks = line.callbacks
        heappush(self._env._queue, (time, NORMAL, eid, ring))

    def _ringer(self, line: _Line) -> Callable[[simpy.Event], None]:
        def ring(event: simpy.Event) -> None:
            self._due(event._value)  # the contact (_put() gave it; the property is a call)
            self._arm_next(line)

        return ring

    def _arm_next(self, line: _Line) -> None:
        """Put the line's next timer whose contact still waits on the calendar."""
        pending, outcome = line.pending, self._outcome
        while pending:
            time, eid, contact = pending.popleft()
            if outcome[contact] == WAITING:  # answered or gone: it would ring for nobody
                ring = new_ring(Ring)  # _put(), written out: once per timer that rings
                ring._value = contact
                ring.callbacks = line.callbacks
                heappush(self._env._queue, (time, NORMAL, eid, ring))
                return
        line.armed = False


def _unset(_event: simpy.Event) -> None:
    raise AssertionError("an overflow line rang before its callback was set")
