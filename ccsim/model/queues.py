"""Contact queues: contacts of one type waiting for an agent, in order of arrival.

Abandonment is handled lazily. Every waiting contact has a deadline (arrival + patience);
instead of a timer event per waiting contact, a contact whose deadline has passed is found
when it reaches the head of the queue (or when the queue must be counted) and recorded as
abandoned *at its deadline*. The records are exactly those of an eager model, at a fraction
of the cost, because no decision depends on an expired contact: agents only look at the
head, and a queue with a capacity or line limit is counted exactly before each arrival.
"""

from __future__ import annotations

import heapq
from collections import deque
from typing import TYPE_CHECKING

from ccsim.records import Outcome

if TYPE_CHECKING:
    from ccsim.model.contacts import ContactBook
    from ccsim.scenario import Scenario

# Plain ints in the hot path (an enum member is stored and compared a little slower).
ABANDONED = int(Outcome.ABANDONED)
UNSERVED = int(Outcome.UNSERVED)
WAITING = int(Outcome.WAITING)


class ContactQueue:
    """Waiting contacts of one contact type.

    A contact may also leave the line out of turn — abandoning when its patience timer fires
    (types whose abandonment must be noticed at once, for redials), or answered by an overflow
    pool: it is marked, counted out, and skipped when it reaches the head.

    Args:
        name: the contact type's name.
        index: its position among the scenario's contact types.
        book: the replication's contact book (deadlines, outcomes, end times).
        capacity: waiting places (None: unlimited).
        lines: contacts of this type allowed in the centre, waiting or served (None: unlimited).
        callbacks: this is the type's callback queue (worked when no caller is waiting).
    """

    __slots__ = (
        "name",
        "index",
        "ids",
        "n_waiting",
        "in_service",
        "capacity",
        "lines",
        "limited",
        "callbacks",
        "paused",
        "_deadline",
        "_outcome",
        "_ended",
        "_expiry",
    )

    def __init__(
        self,
        name: str,
        index: int,
        book: ContactBook,
        capacity: int | None = None,
        lines: int | None = None,
        callbacks: bool = False,
    ):
        self.name = name
        self.index = index
        self.ids: deque[int] = deque()
        self.n_waiting = 0
        self.in_service = 0
        self.capacity = capacity
        self.lines = lines
        self.limited = capacity is not None or lines is not None
        self.callbacks = callbacks
        self.paused = False  # deferrable work after closing: not worked until the next opening
        self._deadline = book.deadline
        self._outcome = book.outcome
        self._ended = book.ended
        self._expiry: list[tuple[float, int]] = []

    def join(self, contact: int) -> None:
        """Put ``contact`` at the back of the queue."""
        self.ids.append(contact)
        self.n_waiting += 1
        if self.limited:
            heapq.heappush(self._expiry, (self._deadline[contact], contact))

    def lines_busy(self, now: float) -> bool:
        """Whether every trunk line is taken (by contacts waiting or being served)."""
        if self.lines is None:
            return False
        self._expire(now)
        return self.n_waiting + self.in_service >= self.lines

    def no_waiting_place(self, now: float) -> bool:
        """Whether a contact that has to wait would find the queue full."""
        if self.capacity is None:
            return False
        self._expire(now)
        return self.n_waiting >= self.capacity

    def first_waiting(self, now: float) -> int | None:
        """The contact at the head of the queue that is still waiting at ``now``, if any."""
        ids = self.ids
        outcome = self._outcome
        deadline = self._deadline
        while ids:
            contact = ids[0]
            if outcome[contact] != WAITING:  # already found abandoned by _expire
                ids.popleft()
            elif deadline[contact] <= now:
                ids.popleft()
                self._abandon(contact)
            else:
                return contact
        return None

    def take(self) -> int:
        """Remove and return the head (call :meth:`first_waiting` first)."""
        self.n_waiting -= 1
        return self.ids.popleft()

    def leave(self, contact: int) -> None:
        """``contact`` was answered out of turn (overflow): count it out of the line."""
        self.n_waiting -= 1

    def abandon(self, contact: int) -> None:
        """``contact``'s patience ran out now: record it abandoned (patience timers)."""
        self._abandon(contact)

    def turn_away(self, now: float, keep: frozenset[int] = frozenset()) -> list[int]:
        """The closing rule ``clear``: everyone still waiting at ``now`` (the close) leaves.

        Callers whose patience ran out before are recorded abandoned at their deadline, as
        always; the others ``unserved``, ended now. Contacts in ``keep`` (callback attempts:
        agents' own work) stay in the line. Returns the contacts turned away.
        """
        outcome, deadline, ended = self._outcome, self._deadline, self._ended
        turned_away, kept = [], []
        while self.ids:
            contact = self.ids.popleft()
            if outcome[contact] != WAITING:
                continue  # left out of turn (overflow, patience timer): counted out already
            if contact in keep:
                kept.append(contact)
            elif deadline[contact] <= now:
                self._abandon(contact)
            else:
                outcome[contact] = UNSERVED
                ended[contact] = now
                self.n_waiting -= 1
                turned_away.append(contact)
        self.ids.extend(kept)
        return turned_away

    def _abandon(self, contact: int) -> None:
        self._outcome[contact] = ABANDONED
        self._ended[contact] = self._deadline[contact]
        self.n_waiting -= 1

    def _expire(self, now: float) -> None:
        expiry = self._expiry
        outcome = self._outcome
        while expiry and expiry[0][0] <= now:
            _, contact = heapq.heappop(expiry)
            if outcome[contact] == WAITING:
                self._abandon(contact)


def make_queues(
    scenario: Scenario, book: ContactBook
) -> tuple[list[ContactQueue], list[ContactQueue | None]]:
    """Per contact type: its queue, and its queue of callbacks (None: the type offers no
    callbacks, or a callback keeps the caller's place in the main queue)."""
    queues, callbacks = [], []
    for i, (name, ctype) in enumerate(scenario.contact_types.items()):
        queues.append(ContactQueue(name, i, book, capacity=ctype.queue_capacity, lines=ctype.lines))
        separate = ctype.callback is not None and not ctype.callback.keep_place
        callbacks.append(
            ContactQueue(f"{name} callbacks", i, book, callbacks=True) if separate else None
        )
    return queues, callbacks
