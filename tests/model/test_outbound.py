"""Outbound campaigns: calls placed only when agents have no inbound work, within the window,
retried up to a limit; connects against the reach probability."""

import copy

import numpy as np
import pytest
from theory_support import assert_covers, run

import ccsim
from ccsim.errors import ScenarioError
from ccsim.measures.replication import measure
from ccsim.records import ANSWERED
from ccsim.units import DAY

REACH = 0.35

CENTRE = {
    "horizon": {"days": 2, "interval": "60min", "open": "08:00", "close": "18:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 70},
            "handle_time": {"distribution": "exponential", "mean": 180},
            "patience": {"distribution": "exponential", "mean": 240},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": 6}},
    "campaigns": {
        "renewals": {
            "list_size": 400,
            "window": {"start": "10:00", "end": "16:00"},
            "pools": ["agents"],
            "reach_probability": REACH,
            "talk_time": {"distribution": "exponential", "mean": 240},
            "retry_delay": {"distribution": "exponential", "mean": "1h"},
            "max_attempts": 3,
        }
    },
    "experiment": {"seed": 12},
}


def centre(change=None) -> ccsim.Scenario:
    data = copy.deepcopy(CENTRE)
    if change is not None:
        change(data)
    return ccsim.load_scenario(data)


def test_connects_follow_the_reach_probability_without_inbound():
    # No inbound: every attempt is an independent Bernoulli(REACH) draw.
    def no_inbound(d):
        d["contact_types"]["voice"]["arrivals"]["rate_per_hour"] = 0

    sim = run(centre(no_inbound), replications=20)
    rates = np.array([r.by_campaign["renewals"]["connect_rate"] for r in sim.replications])
    assert_covers(rates, REACH, "connects / attempts", absolute=0.02)
    attempts = np.array([r.by_campaign["renewals"]["attempts"] for r in sim.replications])
    connects = np.array([r.by_campaign["renewals"]["connects"] for r in sim.replications])
    assert np.all(connects <= attempts)


def test_calls_are_placed_only_when_no_inbound_caller_waits():
    r = ccsim.simulate(centre())
    o = r.outbound
    assert len(o) > 100
    left = np.where(np.isnan(r.answered), r.ended, r.answered)
    for start in o.start:
        waiting = np.sum((r.arrival < start) & (left > start))
        assert waiting == 0


def test_window_attempt_limit_and_retries():
    r = ccsim.simulate(centre())
    o = r.outbound
    clock = np.mod(o.start, DAY)
    assert np.all((clock >= 10 * 3600) & (clock < 16 * 3600))
    assert o.attempt.max() <= 3
    for number in np.unique(o.number[o.attempt > 1])[:50]:
        tries = np.flatnonzero(o.number == number)
        assert not np.any(o.reached[tries][:-1])  # only unreached numbers are tried again
        assert np.all(np.diff(o.start[tries]) > 0)
    # No agent holds an inbound call and a campaign call at once.
    engaged = r.outcome == ANSWERED
    for agent in np.unique(o.agent):
        spans = sorted(
            list(
                zip(
                    r.answered[engaged & (r.agent == agent)],
                    r.ended[engaged & (r.agent == agent)],
                    strict=True,
                )
            )
            + list(zip(o.start[o.agent == agent], o.end[o.agent == agent], strict=True))
        )
        assert all(b[0] >= a[1] - 1e-6 for a, b in zip(spans, spans[1:], strict=False))


def test_campaign_work_counts_in_occupancy():
    s = centre()
    with_campaign = measure(ccsim.simulate(s), s)

    def no_campaign(d):
        d["campaigns"] = {}

    plain_scenario = centre(no_campaign)
    plain = measure(ccsim.simulate(plain_scenario), plain_scenario)
    assert with_campaign.by_pool["agents"]["occupancy"] > plain.by_pool["agents"]["occupancy"]
    m = with_campaign.by_campaign["renewals"]
    assert 0 < m["list_completion"] <= 1 and m["agent_hours"] > 0
    # Inbound keeps priority, but agents busy on campaign calls answer later.
    assert with_campaign.by_type["voice"]["asa"] >= plain.by_type["voice"]["asa"]


def test_campaign_mistakes_name_their_path():
    def unknown_pool(d):
        d["campaigns"]["renewals"]["pools"] = ["sales"]

    with pytest.raises(ScenarioError, match="campaigns.renewals.pools"):
        centre(unknown_pool)

    def backwards(d):
        d["campaigns"]["renewals"]["window"] = {"start": "16:00", "end": "10:00"}

    with pytest.raises(ScenarioError, match="campaigns.renewals.window"):
        centre(backwards)
