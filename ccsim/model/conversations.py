"""Messaging conversations: after each reply, the customer may write again.

A contact type with a ``conversation`` (:class:`ccsim.scenario.journey.Conversation`) is a
run of messages from one customer, each a short task for an agent. At the first reply the
conversation's length is drawn (geometric with the configured mean); after each reply the
customer, if they have more to say, writes again after their think time: a new contact of
kind ``message``, with its own handle time and patience, arriving at its queue like any
other.

:class:`Conversations` belongs to :class:`ccsim.model.journeys.Journeys`; for a type that
only converses (no callbacks, no transfers) the centre calls :meth:`Conversations.next_message`
directly as its after-handling hook: a message centre's commonest hook, one call less.
"""

from __future__ import annotations

import math
from heapq import heappush
from typing import TYPE_CHECKING

from simpy.events import NORMAL, EventCallbacks

from ccsim.model.calendar import Ring, new_ring
from ccsim.records import Kind

if TYPE_CHECKING:
    import simpy

    from ccsim.model.handling import HandleTimes
    from ccsim.model.protocol import Centre
    from ccsim.scenario.distributions import BatchSampler

MESSAGE = int(Kind.MESSAGE)  # a plain int: stored for every message


class Conversations:
    """The conversations of one replication: how many messages are still to come.

    Args:
        centre: the replication's centre.
        handling: its handle-time rules (a message's handle time where it is not one draw).
        plain_talk: per type, the talk sampler where a new contact's handle time is one draw
            from it (else None: :meth:`HandleTimes.new_contact`).
        patience: per type, its patience sampler (None: the type has no patience).
        think: per type, the customer's think time between messages (None: no conversation).
        lengths: per type, the uniform draws a conversation's length comes from.
    """

    def __init__(
        self,
        centre: Centre,
        handling: HandleTimes,
        plain_talk: list[BatchSampler | None],
        patience: list[BatchSampler | None],
        think: list[BatchSampler | None],
        lengths: list[BatchSampler],
    ):
        self.centre = centre
        self.book = centre.book
        self.env = centre.env
        self.handling = handling
        self.types = list(centre.scenario.contact_types.values())
        self._plain_talk, self._patience = plain_talk, patience
        self._think, self._lengths = think, lengths
        self._remaining: dict[int, int] = {}  # customer -> messages still to come
        self._messages_due: EventCallbacks = [self._message_due]  # shared by their Rings

    def next_message(self, contact: int, t: int, now: float) -> bool:
        """A reply to ``contact`` (of type ``t``) was sent: the customer writes again after
        their think time, or is done. Returns True: the agent is free (as an after-handling
        hook, :meth:`ccsim.model.journeys.Journeys.after_handling`)."""
        book = self.book
        customer = book.customer[contact]
        remaining = self._remaining.pop(customer, None)
        if remaining is None:  # the conversation's first reply: how many messages in all?
            remaining = self._length(t) - 1
        if remaining <= 0:
            return True
        think = self._think[t]
        assert think is not None, "only a chat conversation has further messages"
        delay = think()
        arrival = now + delay
        # Journeys.new_contact(), written out: one message per handled message.
        talk = self._plain_talk[t]
        handle = talk() if talk is not None else self.handling.new_contact(t, arrival)
        patience = self._patience[t]
        deadline = math.inf if patience is None else arrival + patience()
        message = book.add(arrival, t, handle, deadline, customer, MESSAGE, 0, book.leg[contact])
        self._remaining[customer] = remaining - 1
        # Straight onto SimPy's heap as a bare Ring, keyed as the Timeout it replaces would
        # be (as the centre's ends of handling): same order, fewer calls.
        ring = new_ring(Ring)
        ring._value = message
        ring.callbacks = self._messages_due
        env = self.env
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), ring))
        return True

    def _message_due(self, event: simpy.Event) -> None:
        """A conversation's next message arrives (its Ring rang)."""
        self.centre.admit(event._value, self.env._now)  # SimPy's private fields: no calls

    def _length(self, t: int) -> int:
        """Messages in a conversation: geometric on 1, 2, ... with the configured mean."""
        conversation = self.types[t].conversation
        assert conversation is not None, "only a chat conversation has a length"
        p = 1.0 / conversation.mean_messages
        u = self._lengths[t]()
        if p >= 1.0:
            return 1
        # Inverse transform: P(N > n) = (1 - p)^n.
        return 1 + int(math.log1p(-u) / math.log1p(-p))
