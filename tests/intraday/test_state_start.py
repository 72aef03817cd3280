"""The model starts from the state exactly: agents back from a break at their time, the
after-call work left, the talk left, callbacks that do not abandon."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ccsim import load_scenario
from ccsim.intraday.start import start_state
from ccsim.intraday.state import parse_state
from ccsim.model.streams import RandomStreams
from ccsim.model.warm_start import WarmCentre
from ccsim.records import Outcome

pytestmark = pytest.mark.model

T0 = 10 * 3600.0


def _scenario(**voice):
    ctype = {
        "arrivals": {"rate_per_hour": 0.001},  # nobody new: the state alone
        "handle_time": {"distribution": "deterministic", "value": "100s"},
        "wrap_up": {"distribution": "deterministic", "value": "60s"},
        "service_level": {"threshold": "20s", "target": 0.8},
    } | voice
    return load_scenario(
        {
            "name": "state-start",
            "horizon": {"days": 1, "interval": "30min", "open": "08:00", "close": "18:00"},
            "contact_types": {"voice": ctype},
            "pools": {"agents": {"serves": ["voice"], "staffing": 5}},
        }
    )


def _run(scenario, state: dict):
    centre = WarmCentre(scenario, RandomStreams(1, 0), start_state(parse_state(state), scenario))
    return centre, centre.run()


def test_agents_on_a_break_come_back_at_their_time():
    scenario = _scenario()
    agents = [{"id": f"i{k}", "pool": "agents", "state": "idle"} for k in range(2)]
    agents += [
        {"id": f"b{k}", "pool": "agents", "state": "break", "until": "10:30"} for k in range(3)
    ]
    state = {"time": "10:00", "agents": agents, "waiting": [{"type": "voice"}] * 40}
    centre, records = _run(scenario, state)
    trace = records.on_duty["agents"]
    assert trace.counts[np.searchsorted(trace.times, T0, side="right") - 1] == 2
    assert trace.counts[np.searchsorted(trace.times, T0 + 1800, side="right") - 1] == 5
    waiting = centre.state_contacts[:40]
    answered = np.sort(records.answered[waiting])
    # Two agents, 160 s a contact, until 10:30: 2 × ceil(1800 / 160) = 24 answered by then.
    assert np.sum(answered < T0 + 1800) == 24
    assert np.sum((answered >= T0 + 1800) & (answered < T0 + 1800 + 1e-6)) == 3


def test_after_call_work_and_talk_left_end_when_their_rule_says():
    scenario = _scenario()
    state = {
        "time": "10:00",
        "agents": [
            {"id": "w", "pool": "agents", "state": "after_call_work", "type": "voice", "spent": 20},
            {"id": "t", "pool": "agents", "state": "busy"},
        ],
        "in_service": [{"type": "voice", "pool": "agents", "agent": "t", "spent": 30}],
        "waiting": [{"type": "voice", "waited": 50}, {"type": "voice", "waited": 10}],
    }
    centre, records = _run(scenario, state)
    # The wrap-up left is 60 − 20 = 40 s; the talk left is 100 − 30 = 70 s, then 60 s wrap.
    talking, acw = centre.state_contacts[2:]  # in_service first, then after-call work
    assert records.ended[acw] == pytest.approx(T0 + 40)
    assert records.ended[talking] == pytest.approx(T0 + 130)
    first, second = centre.state_contacts[:2]
    assert records.answered[first] == pytest.approx(T0 + 40)  # the longest waiting first
    assert records.answered[second] == pytest.approx(T0 + 130)
    assert records.answered[first] - records.arrival[first] == pytest.approx(90)  # 50 + 40


def test_a_waiting_callback_does_not_abandon_and_a_caller_past_patience_does():
    scenario = _scenario(
        patience={"distribution": "deterministic", "value": "60s"},
        callback={"offer_when_wait_over": "30s", "accept_probability": 0.5},
    )
    state = {
        "time": "10:00",
        "agents": [{"id": "t", "pool": "agents", "state": "busy"}],
        "in_service": [{"type": "voice", "pool": "agents", "agent": "t", "spent": 0}],
        "waiting": [{"type": "voice", "waited": 30, "callback": True}, {"type": "voice"}],
    }
    centre, records = _run(scenario, state)
    callback, caller = centre.state_contacts[:2]
    assert records.outcome[caller] == Outcome.ABANDONED  # 60 s patience; the agent is busy 160 s
    assert records.ended[caller] == pytest.approx(T0 + 60)
    assert records.outcome[callback] == Outcome.ANSWERED
    assert records.answered[callback] == pytest.approx(T0 + 160)


def test_the_service_level_follows_the_types_formula():
    # Same callers, same outcomes: leaving abandons out of the denominator can only raise it.
    from ccsim.intraday.projection import PLAN, project
    from ccsim.intraday.state import load_state
    from ccsim.scenario.overrides import apply_overrides, parse_override

    plan = load_scenario("default-day")
    only = apply_overrides(
        plan, [parse_override("contact_types.voice.service_level.formula=answered_only")]
    )
    state = load_state(Path(__file__).parents[2] / "ccsim/intraday/examples/now.json")
    result = project(plan, state, {"only": only}, replications=4)
    base = result.totals[PLAN]["service_level"]["voice"]
    answered_only = result.totals["only"]["service_level"]["voice"]
    assert np.all(answered_only > base)  # there are abandons in every replication
    assert np.array_equal(
        result.totals["only"]["offered"]["voice"], result.totals[PLAN]["offered"]["voice"]
    )
