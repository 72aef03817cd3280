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

from ccsim.records import ABANDONED, WAITING


class ContactQueue:
    """Waiting contacts of one contact type.

    Args:
        name: the contact type's name.
        index: its position among the scenario's contact types.
        deadline: shared list, each contact's abandonment time (inf: never abandons).
        outcome: shared list, each contact's outcome code.
        ended: shared list, each contact's end time.
        capacity: waiting places (None: unlimited).
        lines: contacts of this type allowed in the centre, waiting or served (None: unlimited).
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
        "_deadline",
        "_outcome",
        "_ended",
        "_expiry",
    )

    def __init__(
        self,
        name: str,
        index: int,
        deadline: list[float],
        outcome: list[int],
        ended: list[float],
        capacity: int | None = None,
        lines: int | None = None,
    ):
        self.name = name
        self.index = index
        self.ids: deque[int] = deque()
        self.n_waiting = 0
        self.in_service = 0
        self.capacity = capacity
        self.lines = lines
        self.limited = capacity is not None or lines is not None
        self._deadline = deadline
        self._outcome = outcome
        self._ended = ended
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
