"""The kernel's fast paths give exactly the general path's records (issue 15).

* The single-queue lane (:mod:`ccsim.model.single_queue`) is taken only for one queue and one
  pool, and then gives the records of the general handlers, byte for byte — under every
  shipped routing policy, staffing that changes over the day, closing with callers waiting,
  forecast uncertainty and busy agents going home when the staffing drops.
* The calendar (:mod:`ccsim.model.calendar`) fires merged arrivals exactly where one SimPy
  Timeout per caller would have put them, ties included.
* Overflow timers (:mod:`ccsim.model.overflow`), put on the calendar only while their contact
  may still be waiting, give the records of one Timeout per waiting contact.
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy
from simpy.events import Timeout

import ccsim
from ccsim.model.calendar import Calendar
from ccsim.model.centre import ContactCentre
from ccsim.model.routing import StaticPriorityRouting
from ccsim.model.single_queue import is_single_queue
from ccsim.model.streams import RandomStreams
from ccsim.scenario.overrides import derive

ONE_QUEUE = {
    "horizon": {"days": 2, "interval": "30min", "open": "08:00", "close": "13:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": [300, 420, 520, 520, 480, 400, 380, 360, 300, 200]},
            "handle_time": {"distribution": "lognormal", "mean": "200s", "cv": 0.9},
            "wrap_up": {"distribution": "exponential", "mean": "20s"},
            "patience": {"distribution": "exponential", "mean": "150s"},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": [14, 16, 18, 18, 17, 15, 14, 14, 12, 6]}},
    "experiment": {"replications": 1, "seed": 11},
}


def _columns(records) -> dict[str, np.ndarray]:
    names = ("arrival", "answered", "ended", "handle", "outcome", "pool", "agent")
    return {name: getattr(records, name) for name in names}


def _both(scenario, replication: int = 0):
    streams = RandomStreams(scenario.experiment.seed, replication)
    general = ContactCentre(scenario, streams).run()
    lane = ccsim.simulate(scenario, replication=replication)
    return general, lane


VARIANTS = {
    "as given": {},
    "longest idle": {"routing.policy": "longest_idle"},
    "priority aging": {"routing.policy": "priority_aging"},
    "no patience": {"contact_types.voice.patience": None},
    "forecast uncertainty": {"forecast": {"busyness_cv": 0.1, "handle_time_cv": 0.08}},
    "sharp staffing drops": {"pools.agents.staffing": [10, 12, 20, 8, 17, 15, 4, 14, 12, 6]},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_single_queue_lane_gives_the_general_records(variant):
    scenario = derive(ccsim.load_scenario(ONE_QUEUE), VARIANTS[variant])
    assert is_single_queue(scenario)
    general, lane = _both(scenario)
    assert len(general.arrival) > 3000
    assert (general.answered > general.arrival).sum() > 200  # queues do form
    for name, column in _columns(general).items():
        np.testing.assert_array_equal(_columns(lane)[name], column, err_msg=name)
    for pool, trace in general.on_duty.items():
        np.testing.assert_array_equal(lane.on_duty[pool].times, trace.times)
        np.testing.assert_array_equal(lane.on_duty[pool].counts, trace.counts)


@pytest.mark.parametrize(
    "change",
    [
        {"pools.backup": {"serves": ["voice"], "staffing": 2}},  # two pools
        {"contact_types.voice.queue_capacity": 5},  # callers may be blocked
        {"pools.agents.serves": {"voice": {"priority": 1, "after": 10}}},  # overflow timer
    ],
)
def test_single_queue_lane_is_not_taken_beyond_its_conditions(change):
    assert not is_single_queue(derive(ccsim.load_scenario(ONE_QUEUE), change))


def test_a_routing_policy_passed_in_keeps_the_general_path():
    scenario = ccsim.load_scenario(ONE_QUEUE)
    streams = RandomStreams(1, 0)
    given = ContactCentre(scenario, streams, routing=StaticPriorityRouting())
    assert not given.take_single_queue_lane()
    assert ContactCentre(scenario, RandomStreams(1, 0)).take_single_queue_lane()


def _firing_order(arrivals: list[float], others: list[tuple[float, float]], merged: bool):
    """Who fires when: ``others`` are (time made, delay) Timeouts made during the run."""
    fired: list[tuple[str, float]] = []
    env = Calendar() if merged else simpy.Environment()

    def make_others(now: float) -> None:
        for made, delay in others:
            if made == now:
                Timeout(env, delay, f"t{made}+{delay}").callbacks.append(
                    lambda e: fired.append((str(e.value), env.now))
                )

    def arrive(caller: int, now: float) -> None:
        fired.append((f"a{caller}", now))
        make_others(now)

    if merged:
        env.feed(arrivals, arrive)
    else:  # the old calendar: one Timeout per caller, made when the previous one arrives
        state = {"next": 0}

        def on_arrival(_event) -> None:
            caller = state["next"]
            state["next"] = caller + 1
            if caller + 1 < len(arrivals):
                Timeout(env, arrivals[caller + 1] - env.now).callbacks.append(on_arrival)
            arrive(caller, env.now)

        Timeout(env, arrivals[0]).callbacks.append(on_arrival)
    make_others(0.0)
    env.run()
    return fired


def test_calendar_fires_arrivals_where_timeouts_would_ties_included():
    arrivals = [1.0, 2.0, 3.0, 3.0, 5.0, 0.1 + 0.2 + 6.0]
    # Timeouts made before and during arrivals, some due exactly at an arrival's time.
    others = [(0.0, 2.0), (0.0, 3.0), (1.0, 1.0), (2.0, 1.0), (3.0, 2.0), (3.0, 0.0), (5.0, 1.3)]
    merged = _firing_order(arrivals, others, merged=True)
    assert merged == _firing_order(arrivals, others, merged=False)
    assert [name for name, _ in merged].count("a3") == 1 and len(merged) == 15


def test_calendar_stops_at_run_until_and_peeks_at_the_next_arrival():
    env = Calendar()
    seen: list[int] = []
    env.feed([1.0, 2.0, 4.0], lambda caller, now: seen.append(caller))
    assert env.peek() == 1.0
    env.run(until=2.0)  # the stop comes before a caller at the same time
    assert seen == [0] and env.now == 2.0 and env.peek() == 2.0
    env.run()
    assert seen == [0, 1, 2] and env.now == 4.0 and env.peek() == float("inf")


class _EveryOverflowTimer(ContactCentre):
    """The centre as it was: one Timeout per waiting contact and overflow delay."""

    def _wait(self, contact, queue, now):
        queue.join(contact)
        t = queue.index
        if self._patience_timers[t] and self.book.deadline[contact] < float("inf"):
            Timeout(self.env, self.book.deadline[contact] - now, contact).callbacks.append(
                self._on_patience
            )
        for delay in self._overflow_delays[t]:
            Timeout(self.env, delay, contact).callbacks.append(self._on_overflow)


@pytest.mark.parametrize("name", ["multi-skill.yaml", "messaging.yaml"])
def test_overflow_timers_on_the_calendar_only_while_needed_give_the_same_records(name):
    scenario = ccsim.load_scenario(name)
    assert any(s.after > 0 for p in scenario.pools.values() for s in p.serves.values())
    lean = ContactCentre(scenario, RandomStreams(5, 0)).run()
    every = _EveryOverflowTimer(scenario, RandomStreams(5, 0)).run()
    overflowed = (lean.pool >= 0) & (lean.answered - lean.arrival > 10)
    assert overflowed.sum() > 10  # some contacts did wait past an overflow delay
    for column, values in _columns(every).items():
        np.testing.assert_array_equal(_columns(lean)[column], values, err_msg=column)
