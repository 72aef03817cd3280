"""The contact book: every contact of one replication, as growable columns.

A *contact* is one visit to a queue. A customer's journey may take several: the first
attempt, redials after abandoning or a busy tone, legs after transfers, and callback attempts.
All carry the customer's number (the id of their first contact), so measures per customer
(served in the end? resolved by the first agent? total time in the centre?) follow from the
records.

The columns are Python ``array``s of machine numbers: item access from Python is several
times cheaper than on numpy arrays, and unlike lists they hold no object per item (8 bytes a
time instead of 32), which keeps a long run's memory small. Contacts known before the run
(first attempts) are filled in at once; redials, transfers and callbacks are appended as they
happen.
"""

from __future__ import annotations

import math
from array import array
from typing import Any, TypedDict

import numpy as np

from ccsim.records import (
    ContactRecords,
    Kind,
    OnDutyTrace,
    OutboundRecords,
    Outcome,
    Pauses,
)

# Plain ints in the hot path (an enum member is stored and compared a little slower).
FIRST_ATTEMPT = int(Kind.FIRST_ATTEMPT)
WAITING = int(Outcome.WAITING)
ABANDONED = int(Outcome.ABANDONED)
UNSERVED = int(Outcome.UNSERVED)
_BLOCK = 1024  # rows a column grows by at least, once the first attempts are all in


def doubles(values: np.ndarray) -> array:
    """A Python array of doubles holding ``values`` (a copy)."""
    return _ints("d", values, np.float64)


def _ints(code: str, values: np.ndarray, dtype: type) -> array:
    """A Python array of ``code`` items holding ``values`` (one copy, written in place:
    no bytes object in between, which would double a long run's column for a moment)."""
    result = array(code, [0]) * len(values)
    if len(values):
        np.frombuffer(result, dtype=dtype)[:] = values
    return result


def _column(code: str, dtype: type, n: int) -> tuple[array, np.ndarray]:
    """A zeroed Python array of ``n`` items and a writable numpy view on it."""
    result = array(code, [0]) * n
    return result, np.frombuffer(result, dtype=dtype) if n else np.empty(0, dtype)


def _in_order(pieces: list[np.ndarray], order: np.ndarray | None, out: np.ndarray) -> None:
    """Write the pieces, end to end, into ``out`` in ``order`` (None: as they are), and
    empty the list so each piece is freed as soon as it is written."""
    whole = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
    pieces.clear()
    if order is None:
        out[:] = whole
    else:  # mode="clip": the indexes are valid, and "raise" would buffer a copy of out
        np.take(whole, order, out=out, mode="clip")


class ContactBook:
    """Per-contact columns; a contact is its index.

    Args:
        arrival: sorted arrival times of the first attempts.
        contact_type: their contact-type indexes.
        handle: their handle times (talk + wrap-up) before any pool's proficiency.
        deadline: their abandonment times (arrival + patience; inf: never abandon).
        journeys: keep the journey columns (customer, kind, attempt, leg, transfer, predicted
            wait). A centre without redials, transfers or callbacks leaves them out: every
            contact is then a first attempt of its own, and a long run saves ~17 bytes a
            contact.
        wrap_up_share: each first attempt's after-call-work share of its handle time (a live
            run's view tells talking from after-call work by it); None in ordinary runs.
    """

    def __init__(
        self,
        arrival: np.ndarray,
        contact_type: np.ndarray,
        handle: np.ndarray,
        deadline: np.ndarray,
        journeys: bool = True,
        wrap_up_share: np.ndarray | None = None,
    ):
        self._start(
            doubles(arrival),
            _ints("h", contact_type, np.int16),
            doubles(handle),
            doubles(deadline),
            journeys,
            wrap_up_share,
        )

    @classmethod
    def from_draws(
        cls,
        times: list[np.ndarray],
        types: list[np.ndarray],
        handles: list[np.ndarray],
        patiences: list[np.ndarray],
        shares: list[np.ndarray] | None,
        journeys: bool,
    ) -> ContactBook:
        """The book of the first attempts drawn per contact type (or source), merged in
        time order (a stable sort: equal times keep the order of the pieces).

        Each list holds one piece per source, in the same order; ``deadline`` is arrival +
        patience. The lists are emptied as the columns are written, so a long run never
        holds its draws and its columns in full at once (the peak of a long run's memory).
        """
        n = sum(len(piece) for piece in times)
        arrival, arrival_view = _column("d", np.float64, n)
        time = times[0] if len(times) == 1 else np.concatenate(times)
        # One source drawn in time order needs no sort (a stable sort would not move it).
        in_order = bool(np.all(time[1:] >= time[:-1]))
        order = None if in_order else np.argsort(time, kind="stable")
        del time
        _in_order(times, order, arrival_view)
        deadline, deadline_view = _column("d", np.float64, n)
        _in_order(patiences, order, deadline_view)
        deadline_view += arrival_view
        handle, handle_view = _column("d", np.float64, n)
        _in_order(handles, order, handle_view)
        contact_type, type_view = _column("h", np.int16, n)
        _in_order(types, order, type_view)
        share = None
        if shares is not None:
            share = np.empty(n)
            _in_order(shares, order, share)
        del order, arrival_view, deadline_view, handle_view, type_view
        book = cls.__new__(cls)
        book._start(arrival, contact_type, handle, deadline, journeys, share)
        return book

    def _start(
        self,
        arrival: array,
        contact_type: array,
        handle: array,
        deadline: array,
        journeys: bool,
        wrap_up_share: np.ndarray | None,
    ) -> None:
        """Take the first attempts' columns; make the columns the run fills in."""
        n = len(arrival)
        self._size = self._capacity = n  # contacts in the book; rows in the columns
        self.wrap_up_share = wrap_up_share
        self.first_attempts = n
        self.arrival = arrival
        self.contact_type = contact_type
        self.handle = handle
        self.deadline = deadline
        self.answered = array("d", [math.nan]) * n
        self.ended = array("d", [math.nan]) * n
        self.outcome = array("b", [WAITING]) * n
        self.served_by = array("h", [-1]) * n
        self.agent_of = array("i", [-1]) * n
        self.journeys = journeys
        if journeys:
            self.customer = _ints("i", np.arange(n), np.int32)
            self.kind = array("b", [FIRST_ATTEMPT]) * n
            self.attempt = array("b", [0]) * n
            self.leg = array("b", [0]) * n
            self.transferred_to = array("h", [-1]) * n
            self.predicted_wait = array("d", [math.nan]) * n
        # Warm transfers only (rare): new leg -> (the leg whose agent stays on the line,
        # handover seconds once the new leg is answered).
        self.held_by: dict[int, tuple[int, float]] = {}

    def __len__(self) -> int:
        return self._size

    def add(
        self,
        arrival: float,
        contact_type: int,
        handle: float,
        deadline: float,
        customer: int,
        kind: int,
        attempt: int = 0,
        leg: int = 0,
    ) -> int:
        """Append a contact created during the run and return its number."""
        # The columns grow a block at a time, the block's defaults (not yet answered, no
        # agent, ...) written at once (:meth:`_grow`): a new contact costs 8 item stores, not
        # 15 method calls. The unused rows are cut off before the columns are read whole.
        contact = self._size
        if contact == self._capacity:
            self._grow()
        self._size = contact + 1
        self.arrival[contact] = arrival
        self.contact_type[contact] = contact_type
        self.handle[contact] = handle
        self.deadline[contact] = deadline
        self.customer[contact] = customer
        self.kind[contact] = kind
        self.attempt[contact] = attempt
        self.leg[contact] = leg
        return contact

    def _grow(self) -> None:
        """Room for a block of contacts more, every column holding its default."""
        block = max(_BLOCK, self._capacity // 16)
        self._capacity += block
        columns: tuple[tuple[array[Any], float], ...] = (
            (self.arrival, math.nan),
            (self.contact_type, 0),
            (self.handle, math.nan),
            (self.deadline, math.nan),
            (self.answered, math.nan),
            (self.ended, math.nan),
            (self.outcome, WAITING),
            (self.served_by, -1),
            (self.agent_of, -1),
            (self.customer, -1),
            (self.kind, FIRST_ATTEMPT),
            (self.attempt, 0),
            (self.leg, 0),
            (self.transferred_to, -1),
            (self.predicted_wait, math.nan),
        )
        for column, default in columns:
            column.extend(array(column.typecode, [default]) * block)

    def _trim(self) -> None:
        """Cut the unused rows of the last block off every column (before reading them whole)."""
        size = self._size
        if self._capacity == size:
            return
        for column in (self.arrival, self.contact_type, self.handle, self.deadline):
            del column[size:]
        for column in (self.answered, self.ended, self.outcome, self.served_by, self.agent_of):
            del column[size:]
        if self.journeys:
            for column in (self.customer, self.kind, self.attempt, self.leg):
                del column[size:]
            del self.transferred_to[size:], self.predicted_wait[size:]
        self._capacity = size

    def settle_leftovers(self) -> None:
        """At the end of the horizon, contacts still queued with nobody left to serve them:
        abandoned when their patience ran out, unserved if they had no patience limit."""
        self._trim()
        # Writable numpy views on the columns: one vectorised pass, no Python loop.
        outcome = np.frombuffer(self.outcome, dtype=np.int8)
        ended = np.frombuffer(self.ended, dtype=float)
        deadline = np.frombuffer(self.deadline, dtype=float)
        waiting = outcome == WAITING
        patient = waiting & np.isinf(deadline)
        gave_up = waiting & ~patient
        outcome[patient] = UNSERVED
        outcome[gave_up] = ABANDONED  # when their patience ran out
        ended[gave_up] = deadline[gave_up]

    def records(
        self,
        replication: int,
        contact_types: tuple[str, ...],
        pools: tuple[str, ...],
        on_duty: dict[str, OnDutyTrace],
        outbound: OutboundRecords | None = None,
        pauses: Pauses | None = None,
    ) -> ContactRecords:
        """The finished columns as :class:`ContactRecords` (numpy views, no copies)."""
        self._trim()
        answered = np.frombuffer(self.answered, dtype=float)
        handle = np.frombuffer(self.handle, dtype=float)
        handle[np.isnan(answered)] = np.nan  # no agent, no handle time (in place: no copy)
        journey: _JourneyColumns = {}
        if self.journeys:  # otherwise ContactRecords fills in first-attempt defaults
            journey = {
                "customer": np.frombuffer(self.customer, dtype=np.int32),
                "kind": np.frombuffer(self.kind, dtype=np.int8),
                "attempt": np.frombuffer(self.attempt, dtype=np.int8),
                "transferred_to": np.frombuffer(self.transferred_to, dtype=np.int16),
                "predicted_wait": np.frombuffer(self.predicted_wait, dtype=float),
            }
        return ContactRecords(
            replication=replication,
            contact_types=contact_types,
            pools=pools,
            arrival=np.frombuffer(self.arrival, dtype=float),
            answered=answered,
            ended=np.frombuffer(self.ended, dtype=float),
            handle=handle,
            outcome=np.frombuffer(self.outcome, dtype=np.int8),
            contact_type=np.frombuffer(self.contact_type, dtype=np.int16),
            pool=np.frombuffer(self.served_by, dtype=np.int16),
            agent=np.frombuffer(self.agent_of, dtype=np.int32),
            on_duty=on_duty,
            has_journeys=self.journeys,
            outbound=outbound,
            pauses=pauses,
            **journey,
        )


class _JourneyColumns(TypedDict, total=False):
    """The journey columns of :class:`ContactRecords`, passed only when they were recorded."""

    customer: np.ndarray
    kind: np.ndarray
    attempt: np.ndarray
    transferred_to: np.ndarray
    predicted_wait: np.ndarray
