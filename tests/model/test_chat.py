"""Chat: agents hold several chats at once, each slower the more are open.

Theory: with one slot a chat queue is a voice queue (identical records on the same seed); with
k slots and no slowdown, c agents are c·k independent servers, an M/M/(c·k) queue (Erlang C).
"""

import copy

import numpy as np
import pytest
from theory_support import assert_covers, run

import ccsim
from ccsim.analytic import erlang
from ccsim.errors import ScenarioError
from ccsim.measures.replication import measure
from ccsim.records import ANSWERED
from ccsim.timeline import union_spans

RATE, AHT, AGENTS, SLOTS = 200.0, 360.0, 8, 3

CHAT = {
    "horizon": {"days": 3, "interval": "60min", "open": "00:00", "close": "24:00", "warmup": "1h"},
    "contact_types": {
        "web": {
            "channel": "chat",
            "arrivals": {"rate_per_hour": RATE},
            "handle_time": {"distribution": "exponential", "mean": AHT},
            "service_level": {"threshold": 30},
        }
    },
    "pools": {"agents": {"serves": ["web"], "staffing": AGENTS, "max_concurrency": SLOTS}},
    "experiment": {"seed": 23},
}


def scenario(change=None) -> ccsim.Scenario:
    data = copy.deepcopy(CHAT)
    if change is not None:
        change(data)
    return ccsim.load_scenario(data)


def open_chats_at(r, agent, t):
    mine = (r.agent == agent) & (r.outcome == ANSWERED)
    return int(np.sum(mine & (r.answered <= t) & (r.ended > t)))


def test_one_slot_chat_is_voice_call_for_call():
    def one_slot(d):
        d["pools"]["agents"]["max_concurrency"] = 1

    def voice(d):
        one_slot(d)
        d["contact_types"]["web"]["channel"] = "voice"

    chat, call = ccsim.simulate(scenario(one_slot)), ccsim.simulate(scenario(voice))
    assert np.array_equal(chat.answered, call.answered, equal_nan=True)
    assert np.array_equal(chat.agent, call.agent)


@pytest.mark.slow
def test_k_slots_without_slowdown_is_an_erlang_c_queue_of_c_times_k_servers():
    sim = run(scenario(lambda d: d["horizon"].update(days=8)), replications=40)
    theory = erlang.analyse(arrival_rate=RATE / 3600, aht=AHT, agents=AGENTS * SLOTS, threshold=30)
    assert_covers(sim.by_type("asa", "web"), theory.asa, "chat ASA", rel=0.12)
    assert_covers(
        sim.by_type("service_level", "web"),
        theory.service_level,
        "chat service level",
        absolute=0.02,
    )


def test_agents_never_exceed_their_slots_and_calls_go_to_agents_without_chats():
    def blended(d):
        d["contact_types"]["voice"] = {
            "arrivals": {"rate_per_hour": 40},
            "handle_time": {"distribution": "exponential", "mean": 240},
        }
        d["pools"]["agents"]["serves"] = ["voice", "web"]
        d["pools"]["agents"]["staffing"] = 10
        d["horizon"]["days"] = 1

    r = ccsim.simulate(scenario(blended))
    voice, web = r.contact_types.index("voice"), r.contact_types.index("web")
    answered = r.outcome == ANSWERED
    calls = np.flatnonzero(answered & (r.contact_type == voice))
    assert len(calls) > 100
    for call in calls:
        chats = answered & (r.contact_type == web) & (r.agent == r.agent[call])
        assert not np.any(chats & (r.answered < r.answered[call]) & (r.ended > r.answered[call]))
    for agent in np.unique(r.agent[answered])[:10]:
        for t in r.answered[answered & (r.agent == agent)]:
            assert open_chats_at(r, agent, t) <= SLOTS


def test_each_chat_is_slower_the_more_are_open():
    def slowdown(d):
        d["contact_types"]["web"]["handle_time"] = {"distribution": "deterministic", "value": 100}
        d["pools"]["agents"]["concurrency_factors"] = [1.0, 1.5, 2.0]
        d["pools"]["agents"]["chat_assignment"] = "most_loaded"  # reach every level soon
        d["horizon"]["days"] = 1

    r = ccsim.simulate(scenario(slowdown))
    answered = np.flatnonzero(r.outcome == ANSWERED)
    levels = set()
    for c in answered[:400]:
        open_now = open_chats_at(r, r.agent[c], r.answered[c])  # itself included
        assert r.handle[c] == pytest.approx(100 * [1.0, 1.5, 2.0][open_now - 1])
        levels.add(open_now)
    assert levels == {1, 2, 3}
    s = scenario(slowdown)
    by_level = measure(r, s).by_channel["chat"]
    for n, factor in enumerate([1.0, 1.5, 2.0], start=1):
        assert by_level[f"aht_concurrency_{n}"] == pytest.approx(100 * factor)


def test_occupancy_counts_an_agent_once_and_concurrency_is_measured():
    s = scenario(lambda d: d["horizon"].update(days=1))
    r = ccsim.simulate(s)
    m = measure(r, s)
    assert 0 < m.by_pool["agents"]["occupancy"] <= 1
    concurrency = m.by_channel["chat"]["mean_concurrency"]
    assert 1 < concurrency <= SLOTS
    # Agent time on chat counts an agent once however many chats are open.
    answered = r.outcome == ANSWERED
    chat_time = np.sum(r.ended[answered] - r.answered[answered]) / 3600
    busy = m.by_channel["chat"]["busy_hours"]
    # (busy_hours leaves out the warm-up hour; the chat time here does not)
    assert chat_time / SLOTS * 0.9 < busy <= m.by_pool["agents"]["agent_hours"] < chat_time


def test_most_loaded_fills_agents_up():
    def most(d):
        d["pools"]["agents"]["chat_assignment"] = "most_loaded"
        d["horizon"]["days"] = 1

    def least(d):
        d["horizon"]["days"] = 1

    def time_chatting(r):
        answered = r.outcome == ANSWERED
        start, end = union_spans(r.agent[answered], r.answered[answered], r.ended[answered])
        return np.sum(end - start)

    # The same chats packed onto fewer agents: less agent time with any chat open.
    assert time_chatting(ccsim.simulate(scenario(most))) < time_chatting(
        ccsim.simulate(scenario(least))
    )


def test_chat_mistakes_name_their_path():
    def bad(d):
        d["pools"]["agents"]["concurrency_factors"] = [1.0, 1.3]

    with pytest.raises(ScenarioError) as info:
        scenario(bad)
    assert any(p.startswith("pools.agents") and "max_concurrency" in p for p in info.value.problems)


def test_calls_while_chatting_when_configured():
    def blended(d, allowed):
        d["contact_types"]["voice"] = {
            "arrivals": {"rate_per_hour": 90},
            "handle_time": {"distribution": "exponential", "mean": 240},
            "patience": {"distribution": "exponential", "mean": 120},
        }
        d["pools"]["agents"]["serves"] = ["voice", "web"]
        d["pools"]["agents"]["calls_while_chatting"] = allowed
        d["horizon"]["days"] = 1

    for allowed in (False, True):
        r = ccsim.simulate(scenario(lambda d, a=allowed: blended(d, a)))
        voice, web = r.contact_types.index("voice"), r.contact_types.index("web")
        answered = r.outcome == ANSWERED
        chats = answered & (r.contact_type == web)
        while_chatting = 0
        for call in np.flatnonzero(answered & (r.contact_type == voice)):
            mine = chats & (r.agent == r.agent[call])
            t0, t1 = r.answered[call], r.ended[call]
            if np.any(mine & (r.answered < t0) & (r.ended > t0)):
                while_chatting += 1
                # No new chat starts for that agent during the call.
                assert not np.any(mine & (r.answered > t0) & (r.answered < t1))
        assert (while_chatting > 0) == allowed
