"""The contacts a warm start begins with: the state in the model's terms, and its book.

:class:`StartState` is the centre at the start — agents on duty and on a break, contacts
waiting and in service — in the model's indexes and seconds
(:func:`ccsim.intraday.start.start_state` makes it from a state file). :func:`warm_book`
puts the state's contacts and the rest of the day's new arrivals into one
:class:`~ccsim.model.contacts.ContactBook` in time order: a waiting caller with their real
arrival and the patience left (:mod:`ccsim.model.time_left`), a contact in service with its
residual handle time, new arrivals from the forecast × the re-forecast factor, drawn from
the same named streams as an ordinary run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.model.contacts import ContactBook
from ccsim.model.handling import draw_talk_and_wrap_up
from ccsim.model.streams import RandomStreams
from ccsim.model.time_left import resampled_left, time_left
from ccsim.records import Kind
from ccsim.scenario import Scenario
from ccsim.scenario.contact_type import ContactType
from ccsim.scenario.time_bands import draw_by_band, draw_patience_by_band


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


def warm_book(
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
                left = np.where(whole, resampled_left(np.sort(pool), spent, rng), left)
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
