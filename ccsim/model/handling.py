"""Handle time: how long an agent spends on a contact — every rule in one place.

A contact's handle time is the agent's time on it, from answer until the agent is free
again. It is built up in this order:

1. **Talk + wrap-up**: the contact type's ``handle_time`` plus its ``wrap_up`` (if any), drawn
   when the contact is created — first attempts all at once before the run
   (:func:`draw_handle_times`, streams ``handle/<type>``, ``wrap_up/<type>``), contacts
   created during the run one at a time (:meth:`HandleTimes.new_contact`, streams
   ``handle-extra/<type>``, ``wrap_up-extra/<type>``).
2. **The day's factor** (forecast uncertainty, ``forecast.handle_time_cv``): times the
   handle-time factor of the day the contact counts in — for first attempts the planning day
   (a contact arriving while closed counts in the next opening's day,
   :func:`ccsim.model.arrivals.planning_day`, :func:`on_days`), for contacts created during
   the run and for a pool's own handle time the calendar day of their arrival
   (:func:`calendar_day`).
3. **Escalated from the bot**: times the bot's ``handle_time_factor`` (context passed on,
   :meth:`HandleTimes.escalated`).
4. **The answering pool's skill** (:meth:`HandleTimes.answered`): its own ``handle_time``, if
   given, replaces the whole drawn time, wrap-up included (stream ``handle/<type>@<pool>``,
   times the day's factor); then times the skill's ``handle_time_factor`` (a generalist 20 %
   slower: 1.2).
5. **Chats**: times the pool's ``concurrency_factors`` entry for the chats the agent has open
   (the new one included).
6. **Callback attempts**: the dial time, plus the talk time above if the customer is reached
   (:meth:`HandleTimes.callback_attempt`).
7. **Warm transfers**: the new leg's agent also spends the handover with the first agent
   (:func:`with_handover`); the first agent's time on the old leg runs until the handover
   ends.

A live run (:class:`ccsim.model.live.LiveCentre`) also keeps each first attempt's wrap-up
share of its drawn time (:func:`wrap_up_share`), so the live view can tell talking from
after-call work; ordinary runs keep only the sum.

Mean handle times used by the figures beside the simulation (Erlang, staffing floors) come
from the scenario (:attr:`ccsim.scenario.contact_type.ContactType.aht`), which sums the same
talk and wrap-up means.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.units import DAY

if TYPE_CHECKING:
    from ccsim.model.streams import RandomStreams
    from ccsim.scenario import Scenario
    from ccsim.scenario.contact_type import ContactType
    from ccsim.scenario.distributions import BatchSampler, Distribution
    from ccsim.scenario.pool import Pool


def draw_talk_and_wrap_up(
    ctype: ContactType, streams: RandomStreams, source: str, count: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Talk and wrap-up (None: the type has none) of ``count`` contacts, drawn at once.

    Args:
        ctype: the contact type.
        streams: the replication's random streams.
        source: the streams' suffix: ``handle/<source>`` and ``wrap_up/<source>`` (the type's
            name, or ``after_hours/<name>`` for contacts arriving while closed).
        count: how many contacts.
    """
    talk = ctype.handle_time.draw(streams.generator(f"handle/{source}"), count)
    if ctype.wrap_up is None:
        return talk, None
    return talk, ctype.wrap_up.draw(streams.generator(f"wrap_up/{source}"), count)


def draw_handle_times(
    ctype: ContactType, streams: RandomStreams, source: str, count: int
) -> np.ndarray:
    """Talk + wrap-up of ``count`` contacts of ``ctype``, drawn at once (rule 1; the
    arguments as :func:`draw_talk_and_wrap_up`)."""
    handle, wrap_up = draw_talk_and_wrap_up(ctype, streams, source, count)
    if wrap_up is not None:
        handle += wrap_up
    return handle


def wrap_up_share(handle: np.ndarray, wrap_up: np.ndarray | None) -> np.ndarray:
    """Each contact's after-call-work share of its drawn handle time (0 without wrap-up).

    Every later rule multiplies the whole handle time, so the share is what a live view
    needs to tell talking from after-call work (:mod:`ccsim.model.live`).
    """
    if wrap_up is None:
        return np.zeros(len(handle))
    share = np.zeros(len(handle))
    np.divide(wrap_up, handle, out=share, where=handle > 0)
    return share


def on_days(handle: np.ndarray, day_factors: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Drawn handle times times the factor of the day each contact counts in (rule 2)."""
    return handle * day_factors[days]


def calendar_day(time: float, days: int) -> int:
    """The calendar day of ``time`` (clipped to the horizon's ``days``): whose factor applies."""
    return min(int(time // DAY), days - 1)


def with_handover(handle: float, handover: float) -> float:
    """A warm-transfer leg's handle time: its own plus the handover (rule 7)."""
    return handle + handover


class HandleTimes:
    """The handle-time rules of one replication (see the module docstring).

    Args:
        scenario: the validated scenario.
        streams: the replication's random streams.
        load: open chats of every agent, by agent number (read when a chat is answered).
        day_factors: the replication's daily handle-time factors (None: no forecast
            uncertainty; :func:`ccsim.model.arrivals.forecast_factors`).
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: RandomStreams,
        load: list[int],
        day_factors: np.ndarray | None,
    ):
        types = list(scenario.contact_types.values())
        pools = list(scenario.pools.values())
        self._load = load
        self._day = day_factors
        self._days = scenario.horizon.days
        self._skills = _skill_rules(scenario, streams)
        self._chat = [c.channel == "chat" for c in types]
        # Per pool: its spec if it slows chats down with every chat open, else None.
        self._concurrency: list[Pool | None] = [
            p if p.concurrency_factors is not None else None for p in pools
        ]
        self.adjusts_at_answer = any(self._skills) or any(
            chat is not None for chat in self._concurrency
        )
        self._talk: list[BatchSampler] = []
        self._wrap_up: list[BatchSampler | None] = []
        self._dial: list[BatchSampler | None] = []
        self._escalation = [
            c.self_service.handle_time_factor if c.self_service else 1.0 for c in types
        ]
        if scenario.has_journeys:  # only journeys create contacts or dial callbacks
            for name, ctype in scenario.contact_types.items():
                talk = ctype.handle_time.sampler(streams.generator(f"handle-extra/{name}"))
                self._talk.append(talk)
                self._wrap_up.append(_sampler(ctype.wrap_up, streams, f"wrap_up-extra/{name}"))
                dial = ctype.callback.dial_time if ctype.callback else None
                self._dial.append(_sampler(dial, streams, f"callback-dial/{name}"))

    def new_contact(self, contact_type: int, arrival: float) -> float:
        """The handle time of a contact created during the run (rules 1 and 2)."""
        handle = self._talk[contact_type]()
        wrap_up = self._wrap_up[contact_type]
        if wrap_up is not None:
            handle += wrap_up()
        if self._day is not None:
            handle *= self._day[calendar_day(arrival, self._days)]
        return handle

    def plain_talk(self, contact_type: int) -> BatchSampler | None:
        """The talk-time sampler alone, where :meth:`new_contact` is just one draw from it
        (no wrap-up, no daily factor), else None.

        Resolved once per type before the run: a messaging centre creates a contact per
        message, and one call less each is measurable. The draws are the same ones.
        """
        if contact_type >= len(self._talk) or self._day is not None:
            return None
        return self._talk[contact_type] if self._wrap_up[contact_type] is None else None

    def changes_at_answer(self, contact_type: int, pool: int) -> bool:
        """Whether :meth:`answered` can change the handle time of ``contact_type`` answered by
        ``pool`` (a skill's own handle time or factor, or chats slowed by concurrency).

        Resolved once per (type, pool) before the run: where it is False the centre does not
        call :meth:`answered`, which would return the drawn time unchanged.
        """
        rules = self._skills[contact_type]
        if rules is not None and pool in rules:
            return True
        return self._chat[contact_type] and self._concurrency[pool] is not None

    def escalated(self, contact_type: int, handle: float) -> float:
        """The handle time of a contact the bot passed to the agents (rule 3)."""
        return handle * self._escalation[contact_type]

    def answered(
        self, handle: float, arrival: float, contact_type: int, pool: int, agent: int
    ) -> float:
        """The handle time once ``agent`` of ``pool`` answers the contact (rules 4 and 5).

        Args:
            handle: the contact's drawn handle time.
            arrival: when it arrived (for the day's factor of a pool's own handle time).
            contact_type: its type's index.
            pool: the answering pool's index.
            agent: the answering agent (their open chats, for a chat).
        """
        rules = self._skills[contact_type]
        if rules is not None and pool in rules:
            factor, own = rules[pool]
            if own is not None:
                handle = own()
                if self._day is not None:
                    handle *= self._day[calendar_day(arrival, self._days)]
            handle *= factor
        if self._chat[contact_type]:
            spec = self._concurrency[pool]
            if spec is not None:
                # The more chats the agent has open, the longer each takes.
                handle *= spec.concurrency_factor(self._load[agent])
        return handle

    def callback_attempt(self, contact_type: int, handle: float, reached: bool) -> float:
        """An agent's time on a callback attempt: dialling, and talking if reached (rule 6)."""
        dialling = self._dial[contact_type]
        assert dialling is not None, "only a type with callbacks has callback attempts"
        dial = dialling()
        return dial + handle if reached else dial


def _sampler(
    distribution: Distribution | None, streams: RandomStreams, source: str
) -> BatchSampler | None:
    return None if distribution is None else distribution.sampler(streams.generator(source))


def _skill_rules(
    scenario: Scenario, streams: RandomStreams
) -> list[dict[int, tuple[float, BatchSampler | None]] | None]:
    """Per type: pool index → (handle-time factor, own sampler or None), where any differ."""
    rules: list[dict[int, tuple[float, BatchSampler | None]] | None] = []
    for name in scenario.contact_types:
        per_pool = {}
        for index, (pool_name, pool) in enumerate(scenario.pools.items()):
            skill = pool.serves.get(name)
            if skill is None or (skill.handle_time_factor == 1 and skill.handle_time is None):
                continue
            own = None
            if skill.handle_time is not None:
                own = skill.handle_time.sampler(streams.generator(f"handle/{name}@{pool_name}"))
            per_pool[index] = (skill.handle_time_factor, own)
        rules.append(per_pool or None)
    return rules
