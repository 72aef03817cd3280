"""Behaviour of the SimPy model: the contact lifecycle, staffing, routing, reproducibility."""

import copy

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.measures.replication import measure
from ccsim.model.routing import StaticPriorityRouting
from ccsim.records import ABANDONED, ANSWERED, BLOCKED, UNSERVED

DAY = {
    "horizon": {"days": 1, "interval": "30min", "open": "08:00", "close": "12:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 240},
            "handle_time": {"distribution": "exponential", "mean": "3min"},
            "patience": {"distribution": "exponential", "mean": "2min"},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": [8, 10, 14, 14, 12, 9, 6, 3]}},
    "experiment": {"replications": 4, "seed": 3},
}


def scenario(**changes):
    data = copy.deepcopy(DAY)
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for key in parents:
            node = node[key]
        node[last] = value
    return ccsim.load_scenario(data)


def busy_agents_at(records, t):
    answered = records.outcome == ANSWERED
    return int(np.sum(answered & (records.answered <= t) & (records.ended > t)))


def on_duty_at(records, pool, t):
    trace = records.on_duty[pool]
    index = np.searchsorted(trace.times, t, side="right") - 1
    return 0 if index < 0 else int(trace.counts[index])


def test_every_contact_has_one_consistent_outcome():
    r = ccsim.simulate(scenario())
    assert len(r) > 500
    assert set(np.unique(r.outcome)) <= {ANSWERED, ABANDONED, BLOCKED, UNSERVED}
    answered = r.outcome == ANSWERED
    assert np.all(r.answered[answered] >= r.arrival[answered])
    assert np.all(np.isclose(r.ended[answered], r.answered[answered] + r.handle[answered]))
    abandoned = r.outcome == ABANDONED
    assert np.all(r.ended[abandoned] > r.arrival[abandoned])
    assert np.all(np.isnan(r.answered[~answered]))


def test_abandoned_contacts_leave_exactly_when_patience_runs_out():
    # Patience is drawn per contact from its own stream: with a deterministic patience every
    # abandoned caller waited exactly that long and every answered one waited less.
    s = scenario(contact_types__voice__patience={"distribution": "deterministic", "value": 45})
    r = ccsim.simulate(s)
    abandoned = r.outcome == ABANDONED
    assert abandoned.sum() > 10
    assert np.allclose(r.wait[abandoned], 45.0)
    assert np.all(r.wait[r.outcome == ANSWERED] <= 45.0)


def test_single_queue_is_first_come_first_served():
    r = ccsim.simulate(scenario())
    answered = r.outcome == ANSWERED
    order = np.argsort(r.arrival[answered], kind="stable")
    assert np.all(np.diff(r.answered[answered][order]) >= 0)


def test_agents_never_serve_more_contacts_than_are_on_duty():
    r = ccsim.simulate(scenario())
    for t in np.linspace(8 * 3600, 12.5 * 3600, 400):
        assert busy_agents_at(r, t) <= on_duty_at(r, "agents", t)


def test_nobody_waits_while_an_agent_is_idle():
    r = ccsim.simulate(scenario())
    answered = r.outcome == ANSWERED
    for t in np.linspace(8 * 3600 + 1, 11.9 * 3600, 300):
        waiting = np.sum((r.arrival < t) & (np.where(answered, r.answered, r.ended) > t))
        if waiting:
            assert busy_agents_at(r, t) == on_duty_at(r, "agents", t)


def test_a_leaving_agent_finishes_the_contact_in_hand():
    # Staffing falls from 14 to 3 agents over the morning: nobody is cut off, the extra agents
    # stay on duty until their contact ends (overtime), then leave.
    r = ccsim.simulate(scenario())
    trace = r.on_duty["agents"]
    drop = 11.5 * 3600  # 6 -> 3 agents
    assert on_duty_at(r, "agents", drop - 1) == 6
    later = [on_duty_at(r, "agents", drop + s) for s in (0, 60, 600, 1700)]
    assert later[0] >= 3 and later[-1] == 3 and later == sorted(later, reverse=True)
    # Every handled contact ran its full handle time (no contact is cut off).
    answered = r.outcome == ANSWERED
    assert np.allclose(r.ended[answered] - r.answered[answered], r.handle[answered])
    assert trace.times[0] == 8 * 3600


def test_at_closing_waiting_callers_are_still_served():
    # Without patience nobody hangs up: everyone who arrived before 12:00 is answered,
    # some after closing, and agents then go home.
    s = scenario(contact_types__voice__patience=None)
    r = ccsim.simulate(s)
    assert np.all(r.outcome == ANSWERED)
    assert r.ended.max() > 12 * 3600
    assert on_duty_at(r, "agents", r.ended.max() + 1) == 0


def test_an_unstaffed_queue_leaves_callers_unserved_at_the_end():
    s = scenario(contact_types__voice__patience=None, pools__agents__staffing=0)
    r = ccsim.simulate(s)
    assert len(r) > 0 and np.all(r.outcome == UNSERVED)


def test_callers_left_waiting_at_the_end_hang_up_when_patience_runs_out():
    s = scenario(
        contact_types__voice__patience={"distribution": "deterministic", "value": 90},
        pools__agents__staffing=0,
    )
    r = ccsim.simulate(s)
    assert len(r) > 0 and np.all(r.outcome == ABANDONED)
    assert np.allclose(r.ended - r.arrival, 90.0)


def test_queue_capacity_blocks_only_callers_who_would_have_to_wait():
    s = scenario(contact_types__voice__queue_capacity=0, contact_types__voice__patience=None)
    r = ccsim.simulate(s)
    blocked = r.outcome == BLOCKED
    assert 0 < blocked.sum() < len(r)
    assert np.all(r.wait[r.outcome == ANSWERED] == 0)  # no waiting places: nobody waits
    for t in r.arrival[blocked][:50]:
        assert busy_agents_at(r, t) == on_duty_at(r, "agents", t)


def test_lines_limit_contacts_in_the_centre():
    s = scenario(contact_types__voice__lines=5, contact_types__voice__patience=None)
    r = ccsim.simulate(s)
    in_centre_end = np.where(r.outcome == ANSWERED, r.ended, r.arrival)
    for t in np.linspace(8 * 3600, 12 * 3600, 300):
        assert np.sum((r.arrival <= t) & (in_centre_end > t)) <= 5
    assert (r.outcome == BLOCKED).sum() > 0


def test_same_seed_same_records_and_different_seeds_differ():
    a = ccsim.simulate(scenario(), replication=1)
    b = ccsim.simulate(scenario(), replication=1)
    c = ccsim.simulate(scenario(), replication=2)
    assert np.array_equal(a.answered, b.answered, equal_nan=True)
    assert not np.array_equal(a.arrival[:50], c.arrival[:50])


def test_records_identical_whatever_the_number_of_worker_processes():
    s = scenario()
    one = ccsim.run_experiment(s, replications=4, jobs=1)
    two = ccsim.run_experiment(s, replications=4, jobs=2)
    assert one.contacts().equals(two.contacts())
    assert one.summary() == two.summary()


def test_common_random_numbers_across_staffing_changes():
    # Two scenarios that differ only in staffing see the same callers, with the same handle
    # times and patience: the difference in results is due to staffing alone.
    lean = ccsim.simulate(scenario(pools__agents__staffing=8))
    rich = ccsim.simulate(scenario(pools__agents__staffing=12))
    assert np.array_equal(lean.arrival, rich.arrival)
    both = (lean.outcome == ANSWERED) & (rich.outcome == ANSWERED)
    assert np.allclose(lean.handle[both], rich.handle[both])
    assert rich.wait[rich.outcome != BLOCKED].mean() < lean.wait[lean.outcome != BLOCKED].mean()


def test_a_custom_routing_policy_can_be_plugged_in():
    class MostRecentlyIdle(StaticPriorityRouting):
        """Picks the most recently idle agent instead of the longest idle."""

        def select_agent(self, contact, contact_type, now):
            for entry in self.pools_for_type[contact_type]:
                pool = entry.pool
                if pool.idle:
                    return pool, pool.idle.pop()
            return None

    s = scenario(pools__agents__staffing=30)
    default = ccsim.simulate(s)
    custom = ccsim.simulate(s, routing=MostRecentlyIdle())
    # Same callers and outcomes (agents are identical), but a different agent takes the calls:
    # longest-idle spreads the work evenly, most-recently-idle piles it on a few agents.
    assert np.array_equal(default.outcome, custom.outcome)

    def spread(r):
        return np.bincount(r.agent[r.outcome == ANSWERED], minlength=30).std()

    assert spread(custom) > 2 * spread(default)


def test_priority_routing_between_two_pools():
    s = ccsim.load_scenario("scenarios/two-pools.yaml")
    r = ccsim.simulate(s)
    sales, billing = r.contact_types.index("sales"), r.contact_types.index("billing")
    sales_team, billing_team = r.pools.index("sales_team"), r.pools.index("billing_team")
    answered = r.outcome == ANSWERED
    # Billing is only ever handled by the billing team.
    assert np.all(r.pool[answered & (r.contact_type == billing)] == billing_team)
    # Sales overflows to billing agents, but most sales calls go to the sales team.
    sales_pools = r.pool[answered & (r.contact_type == sales)]
    assert 0 < np.sum(sales_pools == billing_team) < np.sum(sales_pools == sales_team)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rate=st.floats(10, 400),
    staffing=st.lists(st.integers(0, 15), min_size=4, max_size=4),
    patience=st.one_of(st.none(), st.floats(5, 600)),
    capacity=st.one_of(st.none(), st.integers(0, 10)),
    seed=st.integers(0, 2**32),
)
def test_conservation_and_sanity_for_any_small_centre(rate, staffing, patience, capacity, seed):
    data = copy.deepcopy(DAY)
    data["horizon"]["close"] = "10:00"
    voice = data["contact_types"]["voice"]
    voice["arrivals"] = {"rate_per_hour": rate}
    voice["patience"] = (
        None if patience is None else {"distribution": "exponential", "mean": patience}
    )
    voice["queue_capacity"] = capacity
    data["pools"]["agents"]["staffing"] = staffing
    data["experiment"]["seed"] = seed
    s = ccsim.load_scenario(data)
    r = ccsim.simulate(s)
    m = measure(r, s)
    o = m.overall
    assert o["offered"] == o["answered"] + o["abandoned"] + o["blocked"] + o["unserved"]
    assert np.all(r.wait[~np.isnan(r.wait)] >= 0)
    if patience is None:
        assert o["abandoned"] == 0
    if not np.isnan(o["service_level"]):
        assert 0 <= o["service_level"] <= 1
    if not np.isnan(o["occupancy"]):
        assert 0 <= o["occupancy"] <= 1 + 1e-9
    if sum(staffing) == 0:
        assert o["answered"] == 0
