"""The bot / IVR front door: containment thins the agents' arrivals (checked against Erlang),
escalations carry on the customer's journey, and IVR ports limit the bot."""

import copy

import numpy as np
import pytest
from theory_support import assert_covers, run, steady_state

import ccsim
from ccsim.analytic import erlang
from ccsim.errors import ScenarioError
from ccsim.records import BLOCKED, BOT_DROPPED, CONTAINED, ESCALATED, ESCALATION

LAMBDA, AHT, FACTOR, AGENTS, CONTAINMENT = 400.0, 180.0, 0.8, 15, 0.3


def bot_centre(days: int, seed: int, **bot) -> ccsim.Scenario:
    front_door = {
        "duration": {"distribution": "exponential", "mean": 60},
        "containment": CONTAINMENT,
        "handle_time_factor": FACTOR,
        **bot,
    }
    voice = {
        "arrivals": {"rate_per_hour": LAMBDA},
        "handle_time": {"distribution": "exponential", "mean": AHT},
        "service_level": {"threshold": 20},
        "self_service": front_door,
    }
    return steady_state(
        {"voice": voice}, {"agents": {"serves": ["voice"], "staffing": AGENTS}}, days, seed
    )


@pytest.mark.slow
def test_containment_thins_the_agents_arrivals_to_an_erlang_queue():
    # Poisson arrivals pass an infinite-server bot (M/G/inf): in steady state its output is
    # Poisson again, and a random (1 - p) share of it escalates - Poisson with rate
    # (1 - p) lambda. Escalated calls take FACTOR x AHT, so the agents are an M/M/c queue.
    sim = run(bot_centre(days=6, seed=77), replications=30)
    thinned = (1 - CONTAINMENT) * LAMBDA
    per_hour = sim.by_type("offered") / sim.measured_hours
    assert_covers(per_hour, thinned, "agent arrivals per hour", rel=0.01)
    theory = erlang.analyse(
        arrival_rate=thinned / 3600, aht=AHT * FACTOR, agents=AGENTS, threshold=20
    )
    assert_covers(sim.by_type("asa"), theory.asa, "ASA of escalated calls", rel=0.08)
    assert_covers(
        sim.by_type("service_level"), theory.service_level, "service level", absolute=0.01
    )
    assert_covers(sim.by_type("containment_rate"), CONTAINMENT, "containment", absolute=0.01)
    # Without the bot the same agents would be overloaded: the thinning is what the
    # planner buys.
    assert LAMBDA * AHT / 3600 > AGENTS


def test_escalations_continue_the_journey_with_a_shorter_handle_time():
    s = bot_centre(days=1, seed=3, handle_time_factor=0.5, drop_out=0.1)
    data = s.model_dump(mode="json", by_alias=True)
    data["contact_types"]["voice"]["handle_time"] = {"distribution": "deterministic", "value": 200}
    r = ccsim.simulate(ccsim.load_scenario(data))
    escalated = np.flatnonzero(r.outcome == ESCALATED)
    legs = np.flatnonzero(r.kind == ESCALATION)
    assert len(escalated) == len(legs) > 100
    for leg in legs:  # legs are created in bot-exit order: pair them by customer
        (visit,) = escalated[r.customer[escalated] == r.customer[leg]]
        assert r.arrival[leg] == pytest.approx(r.ended[visit])
    answered = ~np.isnan(r.answered[legs])
    assert np.allclose(r.handle[legs][answered], 100.0)  # 200 s x 0.5
    shares = [np.mean(r.outcome[r.kind == 0] == o) for o in (CONTAINED, BOT_DROPPED)]
    assert shares[0] == pytest.approx(CONTAINMENT, abs=0.03)
    assert shares[1] == pytest.approx(0.1, abs=0.02)


def test_ivr_ports_limit_the_bot():
    r = ccsim.simulate(bot_centre(days=1, seed=4, ports=3))
    visits = np.isin(r.outcome, (CONTAINED, BOT_DROPPED, ESCALATED))
    starts, ends = r.arrival[visits], r.ended[visits]
    for t in np.linspace(3600, 20 * 3600, 500):
        assert np.sum((starts <= t) & (ends > t)) <= 3
    assert np.sum((r.outcome == BLOCKED) & (r.kind == 0)) > 0


def test_share_zero_sends_everyone_to_the_agents():
    r = ccsim.simulate(bot_centre(days=1, seed=5, share=0.0))
    assert not np.any(r.kind == ESCALATION)
    assert not np.any(np.isin(r.outcome, (CONTAINED, BOT_DROPPED, ESCALATED)))


def test_bot_mistakes_name_their_path():
    data = bot_centre(days=1, seed=1).model_dump(mode="json", by_alias=True)
    bad = copy.deepcopy(data)
    bad["contact_types"]["voice"]["self_service"]["drop_out"] = 0.9
    with pytest.raises(ScenarioError) as info:
        ccsim.load_scenario(bad)
    assert any(
        p.startswith("contact_types.voice.self_service") and "more than 1" in p
        for p in info.value.problems
    )
    bad = copy.deepcopy(data)
    bad["contact_types"]["voice"]["self_service"]["ports"] = 0
    with pytest.raises(ScenarioError, match="self_service.ports"):
        ccsim.load_scenario(bad)
