"""Customer journeys: announcements and balking, callbacks, redials and transfers.

The centre (:mod:`ccsim.model.centre`) calls these hooks at the moments a real ACD decides
something about a contact beyond routing it (and the hooks reach back only through
:class:`ccsim.model.protocol.Centre`):

* :meth:`Journeys.on_wait` — the caller must wait: predict the wait, play the announcement
  (the caller may balk), offer a callback (the caller may accept and leave the line);
* :meth:`Journeys.answered` — an agent answers: a callback attempt dials (is the customer
  reached?), a wait predictor learns the wait, a warm transfer's handover starts;
* :meth:`Journeys.after_handled` — an agent finished: transfer the contact (cold or warm)?
  retry an unreached callback?
* :meth:`Journeys.after_lost` — the caller abandoned, was blocked or balked: redial later?
* :meth:`Journeys.enter_bot` / :meth:`Journeys.leave_bot` — the bot / IVR front door:
  contained, dropped out, or escalated to the agents?
* :meth:`Journeys.closed_arrival` — a contact arrives while the centre is closed: the bot
  only, or a closed message; either way the customer may call back after the next opening.

Every decision draws from its own named random stream, so a scenario without a feature
shares all its other random numbers with one that has it (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappush
from typing import TYPE_CHECKING

from simpy.events import NORMAL, EventCallbacks

from ccsim.model.calendar import Ring, new_ring
from ccsim.model.conversations import Conversations
from ccsim.model.handling import with_handover
from ccsim.model.prediction import WaitPredictor
from ccsim.records import Kind, Outcome
from ccsim.scenario.distributions import BatchSampler, Uniform
from ccsim.scenario.journey import MAX_TRANSFERS
from ccsim.units import DAY

if TYPE_CHECKING:
    import simpy

    from ccsim.model.handling import HandleTimes
    from ccsim.model.protocol import Centre
    from ccsim.model.queues import ContactQueue

# Plain ints: these are compared and stored for every contact of a journey.
ABANDONED, BALKED, BLOCKED = int(Outcome.ABANDONED), int(Outcome.BALKED), int(Outcome.BLOCKED)
BOT_DROPPED, CONTAINED = int(Outcome.BOT_DROPPED), int(Outcome.CONTAINED)
ESCALATED, UNREACHED = int(Outcome.ESCALATED), int(Outcome.UNREACHED)
CALLBACK_REQUESTED, CLOSED = int(Outcome.CALLBACK_REQUESTED), int(Outcome.CLOSED)
FIRST_ATTEMPT, REDIAL, TRANSFER = int(Kind.FIRST_ATTEMPT), int(Kind.REDIAL), int(Kind.TRANSFER)
CALLBACK, ESCALATION = int(Kind.CALLBACK), int(Kind.ESCALATION)

_UNIT = Uniform(distribution="uniform", low=0.0, high=1.0)
_LOST = {ABANDONED: "abandoned", BLOCKED: "blocked", BALKED: "balked"}


class Journeys:
    """The journey rules of every contact type, bound to one replication's centre.

    Args:
        centre: the replication's centre.
        handling: its handle-time rules (new contacts' handle times, callback dialling).
    """

    def __init__(self, centre: Centre, handling: HandleTimes):
        self.centre = centre
        self.book = centre.book
        self.env = centre.env
        self.handling = handling
        self._bot_exits: EventCallbacks = [self.leave_bot]  # shared by the exits' Rings
        self.predictor = WaitPredictor(centre)
        scenario = centre.scenario
        self.horizon = scenario.horizon
        self.types = list(scenario.contact_types.values())
        names = list(scenario.contact_types)
        streams = centre.streams

        def per_type(source: str, distribution_of) -> list[BatchSampler | None]:
            """One sampler per contact type (None where the type lacks the feature)."""
            samplers = []
            for name, ctype in zip(names, self.types, strict=True):
                distribution = distribution_of(ctype)
                samplers.append(
                    None
                    if distribution is None
                    else distribution.sampler(streams.generator(f"{source}/{name}"))
                )
            return samplers

        def uniform(source: str) -> list[BatchSampler]:
            """One uniform(0, 1) sampler per contact type (every type has one)."""
            return [_UNIT.sampler(streams.generator(f"{source}/{name}")) for name in names]

        self._patience = per_type("patience-extra", lambda c: c.patience)
        # Per type: the talk sampler where a new contact's handle time is one draw from it
        # (else None: HandleTimes.new_contact), and the bot's handle-time factor for an
        # escalation — both settled here, not asked per contact.
        self._plain_talk = [handling.plain_talk(t) for t in range(len(names))]
        self._escalated = [handling.escalated(t, 1.0) for t in range(len(names))]
        self._balk = uniform("balk")
        self._accept = uniform("callback-accept")
        self._reach = uniform("callback-reach")
        self._retry = per_type("callback-retry", lambda c: c.callback and c.callback.retry_delay)
        self._redial = uniform("redial")
        self._redial_delay = per_type("redial-delay", lambda c: c.redial and c.redial.delay)
        self._transfer = uniform("transfer")
        self._bot_share = uniform("bot-share")
        self._bot_outcome = uniform("bot-outcome")
        self._bot_time = per_type("bot-time", lambda c: c.self_service and c.self_service.duration)
        self._in_bot = [0] * len(names)
        self._call_back = uniform("after-hours-call-back")
        self._call_back_delay = per_type(
            "after-hours-delay", lambda c: c.after_hours and c.after_hours.call_back_delay
        )
        self._predicts = [ctype.predicts_wait for ctype in self.types]
        # Only a type offering callbacks has callback attempts (maybe unreached).
        self._calls_back = [ctype.callback is not None for ctype in self.types]
        self._converses = [ctype.conversation is not None for ctype in self.types]
        self.conversations = Conversations(
            centre,
            handling,
            self._plain_talk,
            self._patience,
            per_type("think-time", lambda c: c.conversation and c.conversation.think_time),
            uniform("messages"),
        )
        self._next_message = self.conversations.next_message
        self._closed_message = [ctype.closed_message for ctype in self.types]
        # Per type with a bot: (share of callers it takes, containment, containment +
        # drop-out, ports or None) — the bounds its uniform draws are compared with.
        self._bot_rules: list[tuple[float, float, float, int | None]] = [
            (0.0, 0.0, 0.0, None)
            if (bot := ctype.self_service) is None
            else (bot.share, bot.containment, bot.containment + bot.drop_out, bot.ports)
            for ctype in self.types
        ]
        # Transfers as cumulative probabilities: (upper bound, target type, transfer).
        self._transfers = []
        for ctype in self.types:
            cumulative, table = 0.0, []
            for transfer in ctype.transfers:
                cumulative += transfer.probability
                table.append((cumulative, names.index(transfer.to), transfer))
            self._transfers.append(table)

    # -- which hooks a contact type needs --------------------------------------------

    def acts_at_answer(self, t: int) -> bool:
        """Whether :meth:`answered` has something to do for every contact of type ``t``: the
        type offers callbacks (an attempt dials) or predicts waits (the predictor learns).
        Elsewhere the centre calls it only for the new leg of a warm transfer
        (:meth:`takes_handovers`), never otherwise."""
        return self.types[t].callback is not None or self._predicts[t]

    def takes_handovers(self, t: int) -> bool:
        """Whether type ``t`` is the target of a warm transfer: the new legs held in
        ``book.held_by`` get the handover when answered (:meth:`answered`)."""
        return any(
            x.mode == "warm" and target == t for table in self._transfers for _, target, x in table
        )

    def after_handling(self, t: int) -> Callable[[int, int, float], bool] | None:
        """What the centre calls when an agent finishes a contact of type ``t``, or None:
        :meth:`after_handled` if the type offers callbacks (an unreached attempt is retried)
        or transfers a conversation; else, one call less per contact, the transfer draw or
        the customer's next message (:meth:`Conversations.next_message`), or None."""
        ctype, transfers = self.types[t], bool(self._transfers[t])
        if ctype.callback is not None or (ctype.conversation is not None and transfers):
            return self.after_handled
        if ctype.conversation is not None:
            return self._next_message
        return self._transfer_or_not if transfers else None

    # -- creating contacts ------------------------------------------------------------

    def new_contact(
        self,
        contact_type: int,
        arrival: float,
        customer: int,
        kind: int,
        attempt: int = 0,
        leg: int = 0,
        patient: bool = False,
    ) -> int:
        """Add a redial, transfer leg or callback attempt, with its own handle time and patience
        (see :meth:`ccsim.model.handling.HandleTimes.new_contact`)."""
        talk = self._plain_talk[contact_type]
        handle = talk() if talk is not None else self.handling.new_contact(contact_type, arrival)
        patience = self._patience[contact_type]
        deadline = math.inf if patient or patience is None else arrival + patience()
        return self.book.add(arrival, contact_type, handle, deadline, customer, kind, attempt, leg)

    # -- the hooks --------------------------------------------------------------------

    def on_wait(self, contact: int, queue: ContactQueue, now: float) -> bool:
        """The caller must wait. Returns True if they balked or took a callback instead."""
        book = self.book
        t = queue.index
        ctype = self.types[t]
        predicted = self.predictor.predict(queue)
        book.predicted_wait[contact] = predicted
        if book.kind[contact] == TRANSFER:
            return False  # handed over by an agent: no announcement, no offer
        tolerance = ctype.announcement.balk_tolerance if ctype.announcement else None
        # P(balk) = 1 - exp(-announced / tolerance)
        if tolerance is not None and self._balk[t]() < -math.expm1(-predicted / tolerance):
            self.centre.lose(contact, BALKED, now)
            return True
        offer = ctype.callback
        if (
            offer is not None
            and predicted > offer.offer_when_wait_over
            and self._accept[t]() < offer.accept_probability
        ):
            book.outcome[contact] = CALLBACK_REQUESTED
            book.ended[contact] = now
            callback = self.new_contact(
                t, now, book.customer[contact], CALLBACK, 1, book.leg[contact], patient=True
            )
            self.centre.queue_callback(callback, now)
            return True
        return False

    def answered(self, contact: int, t: int, handle: float, now: float) -> float:
        """An agent answers ``contact`` (of type ``t``) now: the agent's time on it.

        A callback attempt dials (the customer reached or not); a type that predicts waits
        learns this one; the new leg of a warm transfer adds the handover, after which the
        first agent hangs up.
        """
        book = self.book
        if book.kind[contact] == CALLBACK:
            return self.dial(contact, handle)
        if self._predicts[t]:
            self.predictor.answered(t, now - book.arrival[contact])
        warm = book.held_by.pop(contact, None)
        if warm is not None:  # warm transfer: both agents talk for the handover
            held, handover = warm
            self.centre.schedule_release(held, handover)
            handle = with_handover(handle, handover)
        return handle

    def dial(self, contact: int, handle: float) -> float:
        """An agent starts a callback attempt: the agent's time on it (reached or not)."""
        t = self.book.contact_type[contact]
        reached = self._reach[t]() < self.types[t].callback.reach_probability
        if not reached:
            self.book.outcome[contact] = UNREACHED
        return self.handling.callback_attempt(t, handle, reached)

    def release(self, contact: int, now: float) -> None:
        """A warm transfer's handover is over: the agent kept on ``contact`` hangs up; their
        time until now counts to it."""
        book = self.book
        book.ended[contact] = now
        book.handle[contact] = now - book.answered[contact]
        pool = self.centre.pools[book.served_by[contact]]
        self.centre.free_agent(pool, book.agent_of[contact], now)

    def after_handled(self, contact: int, t: int, now: float) -> bool:
        """An agent finished ``contact`` (of type ``t``). Returns False if the agent stays on
        (warm transfer)."""
        if self._calls_back[t] and self.book.outcome[contact] == UNREACHED:
            self._retry_callback(contact, now)
            return True
        if self._converses[t]:
            self._next_message(contact, t, now)
        return self._transfer_or_not(contact, t, now)

    def _transfer_or_not(self, contact: int, t: int, now: float) -> bool:
        """Maybe transfer ``contact`` (of type ``t``), just finished: False if the agent stays
        on (warm). The hook of a type with nothing else to do after handling."""
        book = self.book
        table = self._transfers[t]
        if not table or book.leg[contact] >= MAX_TRANSFERS:
            return True
        draw = self._transfer[t]()
        for slot in table:  # (upper bound, target, transfer): the slot holding the draw
            if draw < slot[0]:
                break
        else:
            return True  # resolved: no transfer
        _, target, transfer = slot
        book.transferred_to[contact] = target
        warm = transfer.mode == "warm"
        leg = self.new_contact(
            target, now, book.customer[contact], TRANSFER, 0, book.leg[contact] + 1, patient=warm
        )
        if warm:
            book.held_by[leg] = (contact, transfer.handover)
        self.centre.admit(leg, now)
        if warm and book.outcome[leg] == BLOCKED:
            del book.held_by[leg]
            return True  # the new leg got a busy tone: the first agent hangs up
        return not warm

    def after_lost(self, contact: int, outcome: int, now: float) -> None:
        """The caller abandoned, was blocked or balked: maybe they call again later."""
        book = self.book
        customer = book.customer[contact]
        first_type = book.contact_type[customer]  # redials go where the customer started
        redial = self.types[first_type].redial
        if redial is None or _LOST[outcome] not in redial.after:
            return
        if book.kind[contact] == CALLBACK:
            return
        attempt = book.attempt[contact] + 1 if book.kind[contact] == REDIAL else 1
        if self._redial[first_type]() >= redial.probability_for(attempt):
            return
        delay = self._redial_delay[first_type]()
        if not self._open_at(now + delay):
            return  # the centre is closed by then: the customer gives up
        redialled = self.new_contact(first_type, now + delay, customer, REDIAL, attempt)
        self.centre.schedule_contact(redialled, delay)

    def enter_bot(self, contact: int, t: int, now: float) -> bool:
        """A first attempt or redial of type ``t`` arrives (the centre asks for no other
        kind): does it start in the bot (True) or go to the agents (False)?"""
        share = self._bot_rules[t][0]
        # A bot taking every caller (share 1) needs no draw: a uniform draw is below 1.
        if share < 1.0 and self._bot_share[t]() >= share:
            return False
        self._start_bot(contact, t, now)
        return True

    def closed_arrival(self, contact: int, now: float) -> bool:
        """A contact arrives: if the centre is closed, the bot or a closed message takes it.

        Returns True if the contact arrived while closed (and was dealt with here).
        """
        book = self.book
        if book.kind[contact] != FIRST_ATTEMPT or self._open_at(now):
            return False
        t = book.contact_type[contact]
        if self.types[t].after_hours.action == "self_service":
            self._start_bot(contact, t, now)  # every after-hours caller meets the bot
        else:
            book.outcome[contact] = CLOSED
            book.ended[contact] = now
            self._call_back_later(contact, now)
        return True

    def _start_bot(self, contact: int, t: int, now: float) -> None:
        bot_time = self._bot_time[t]
        assert bot_time is not None, "only a type with a bot starts one"
        ports = self._bot_rules[t][3]
        if ports is not None and self._in_bot[t] >= ports:
            self.centre.lose(contact, BLOCKED, now)  # every IVR port taken: busy tone
            return
        self._in_bot[t] += 1
        # The exit goes straight onto SimPy's heap as a bare Ring, keyed as the Timeout it
        # replaces would be (as the centre's ends of handling): same order, fewer calls.
        ring = new_ring(Ring)
        ring._value = contact
        ring.callbacks = self._bot_exits
        env = self.env
        heappush(env._queue, (env._now + bot_time(), NORMAL, next(env._eid), ring))

    def leave_bot(self, event: simpy.Event) -> None:
        """A contact's time in the bot is over (its exit rang): contained, dropped out, or
        escalated."""
        contact: int = event._value  # SimPy's private fields: the properties cost a call
        now = self.env._now
        book = self.book
        t = book.contact_type[contact]
        _, contained, dropped, _ = self._bot_rules[t]
        self._in_bot[t] -= 1
        book.ended[contact] = now
        draw = self._bot_outcome[t]()
        if draw < contained:
            book.outcome[contact] = CONTAINED
        elif draw < dropped:
            book.outcome[contact] = BOT_DROPPED
        elif self._closed_message[t] and not self._open_at(now):
            book.outcome[contact] = CLOSED  # no agent to escalate to: call back later
            self._call_back_later(contact, now)
        else:
            book.outcome[contact] = ESCALATED
            leg = self.new_contact(t, now, book.customer[contact], ESCALATION, 0, book.leg[contact])
            book.handle[leg] *= self._escalated[t]  # context passed on (HandleTimes.escalated)
            self.centre.admit(leg, now)

    # -- helpers ----------------------------------------------------------------------

    def _retry_callback(self, contact: int, now: float) -> None:
        book = self.book
        t = book.contact_type[contact]
        offer = self.types[t].callback
        if self._retry[t] is None or book.attempt[contact] >= offer.max_attempts:
            return
        delay = self._retry[t]()
        retry = self.new_contact(
            t,
            now + delay,
            book.customer[contact],
            CALLBACK,
            book.attempt[contact] + 1,
            book.leg[contact],
            patient=True,
        )
        self.centre.schedule_contact(retry, delay)

    def _call_back_later(self, contact: int, now: float) -> None:
        """Told the centre is closed: the customer may call again after the next opening."""
        book = self.book
        t = book.contact_type[contact]
        rule = self.types[t].after_hours
        if self._call_back[t]() >= rule.call_back_probability:
            return
        day, clock = divmod(now, DAY)
        opening = (day if clock < self.horizon.open else day + 1) * DAY + self.horizon.open
        when = opening + self._call_back_delay[t]()
        if not self._open_at(when):
            return  # the horizon ends (or the centre closes again) first: never counted
        attempt = book.attempt[contact] + 1 if book.kind[contact] == REDIAL else 1
        redialled = self.new_contact(t, when, book.customer[contact], REDIAL, attempt)
        self.centre.schedule_contact(redialled, when - now)

    def _open_at(self, time: float) -> bool:
        """Whether contacts can arrive at ``time`` (within opening hours of the horizon)."""
        horizon = self.horizon
        day, clock = divmod(time, DAY)
        return day < horizon.days and horizon.open <= clock < horizon.close
