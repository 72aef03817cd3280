"""Messaging: conversations of several customer messages, each answered as a short task."""

import copy

import numpy as np
import pytest
from theory_support import assert_covers, run

import ccsim
from ccsim.errors import ScenarioError
from ccsim.records import ANSWERED, MESSAGE

MEAN_MESSAGES = 4.0

CONVERSATIONS = {
    "horizon": {"days": 2, "interval": "60min", "open": "00:00", "close": "24:00", "warmup": "1h"},
    "contact_types": {
        "whatsapp": {
            "channel": "messaging",
            "arrivals": {"rate_per_hour": 30},
            "handle_time": {"distribution": "exponential", "mean": 90},
            "conversation": {
                "mean_messages": MEAN_MESSAGES,
                "think_time": {"distribution": "exponential", "mean": "2min"},
            },
            "service_level": {"threshold": "5min", "formula": "answered_only"},
        }
    },
    "pools": {"agents": {"serves": ["whatsapp"], "staffing": 5}},
    "experiment": {"seed": 17},
}


def conversation_lengths(records: ccsim.ContactRecords) -> np.ndarray:
    """Messages per conversation, for conversations started well before the end."""
    firsts = np.flatnonzero(
        (records.kind == 0) & (records.arrival < records.arrival.max() - 4 * 3600)
    )
    counts = np.bincount(records.customer, minlength=len(records))
    return counts[firsts]


def test_messages_per_conversation_have_the_configured_mean():
    data = copy.deepcopy(CONVERSATIONS)
    data["horizon"]["days"] = 3
    scenario = ccsim.load_scenario(data)
    means = []
    for replication in range(20):
        means.append(conversation_lengths(ccsim.simulate(scenario, replication)).mean())
    # Geometric on 1, 2, ... with mean 4: every conversation has at least one message.
    assert_covers(np.array(means), MEAN_MESSAGES, "messages per conversation", absolute=0.15)


def test_each_message_follows_the_previous_reply():
    r = ccsim.simulate(ccsim.load_scenario(CONVERSATIONS))
    later = np.flatnonzero(r.kind == MESSAGE)
    assert len(later) > 100
    for message in later[:300]:
        mine = np.flatnonzero(
            (r.customer == r.customer[message]) & (r.arrival < r.arrival[message])
        )
        previous = mine[np.argmax(r.arrival[mine])]
        assert r.outcome[previous] == ANSWERED
        assert r.arrival[message] > r.ended[previous]  # the customer replied after the agent


def test_agents_are_free_between_replies():
    r = ccsim.simulate(ccsim.load_scenario(CONVERSATIONS))
    answered = r.outcome == ANSWERED
    for agent in np.unique(r.agent[answered]):
        mine = np.flatnonzero(answered & (r.agent == agent))
        order = mine[np.argsort(r.answered[mine])]
        assert np.all(r.answered[order][1:] >= r.ended[order][:-1] - 1e-6)
    # One agent answers messages of many conversations: they juggle them.
    busiest = np.bincount(r.agent[answered]).argmax()
    assert len(np.unique(r.customer[answered & (r.agent == busiest)])) > 20


def test_response_times_are_measured_per_message():
    sim = run(ccsim.load_scenario(CONVERSATIONS), replications=4)
    sl = sim.by_type("service_level", "whatsapp")
    assert np.all((sl > 0.5) & (sl <= 1))
    per_customer = sim.by_type("contacts_per_customer", "whatsapp")
    assert np.all(per_customer > 2.5)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.pop("conversation"), "needs a conversation"),
        (lambda t: t.update(channel="voice"), "only for channel: messaging"),
        (lambda t: t.update(patience={"distribution": "exponential", "mean": 60}), "deferrable"),
    ],
)
def test_messaging_mistakes(change, words):
    data = copy.deepcopy(CONVERSATIONS)
    change(data["contact_types"]["whatsapp"])
    with pytest.raises(ScenarioError) as info:
        ccsim.load_scenario(data)
    assert any(words in p and p.startswith("contact_types.whatsapp") for p in info.value.problems)
