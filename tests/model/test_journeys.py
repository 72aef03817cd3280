"""Behaviour of multi-skill routing and customer journeys, checked on the records.

Each test states a rule a real ACD follows and checks every contact of a run against it
(overflow delays, reservations, priorities, proficiency, transfers, redials, callbacks,
balking, wait predictions). Theory checks of the same features are in test_routing_theory.py.
"""

import copy

import numpy as np
import pytest

import ccsim
from ccsim.errors import ScenarioError
from ccsim.measures.replication import measure
from ccsim.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK,
    CALLBACK_REQUESTED,
    FIRST_ATTEMPT,
    REDIAL,
    TRANSFER,
    UNREACHED,
)

EXP = {"distribution": "exponential"}

BASE = {
    "horizon": {"days": 1, "interval": "60min", "open": "08:00", "close": "14:00"},
    "contact_types": {
        "sales": {
            "arrivals": {"rate_per_hour": 150},
            "handle_time": {**EXP, "mean": 180},
            "patience": {**EXP, "mean": 180},
        },
        "billing": {
            "arrivals": {"rate_per_hour": 60},
            "handle_time": {**EXP, "mean": 240},
            "patience": {**EXP, "mean": 300},
        },
    },
    "pools": {
        "sales_team": {"serves": {"sales": 1}, "staffing": 7},
        "billing_team": {
            "serves": {"billing": 1, "sales": {"priority": 2, "after": 40}},
            "staffing": 5,
        },
    },
    "experiment": {"seed": 5},
}


def build(change=None, **top):
    data = copy.deepcopy(BASE)
    data.update(top)
    if change is not None:
        change(data)
    return ccsim.load_scenario(data)


def waiting_at(r, t, type_index, kinds=(FIRST_ATTEMPT, REDIAL, TRANSFER)):
    """How many contacts of a type were in the queue at time t (just before)."""
    left = np.where(np.isnan(r.answered), r.ended, r.answered)
    mine = (r.contact_type == type_index) & np.isin(r.kind, kinds)
    return int(np.sum(mine & (r.arrival < t) & (left > t)))


def test_backup_pool_only_takes_contacts_that_waited_the_overflow_delay():
    r = ccsim.simulate(build())
    sales, backup = r.contact_types.index("sales"), r.pools.index("billing_team")
    overflowed = (r.contact_type == sales) & (r.pool == backup) & (r.outcome == ANSWERED)
    assert overflowed.sum() > 20
    assert np.all(r.wait[overflowed] >= 40 - 1e-6)
    # ... and some were answered exactly when the delay ran out (the overflow timer).
    assert np.sum(np.isclose(r.wait[overflowed], 40.0)) > 0


def test_reserved_agents_are_kept_for_the_primary_type():
    def reserve_all(d):
        d["pools"]["billing_team"]["reserve_for_primary"] = 5  # = staffing: never spare

    r = ccsim.simulate(build(reserve_all))
    sales, backup = r.contact_types.index("sales"), r.pools.index("billing_team")
    assert not np.any((r.contact_type == sales) & (r.pool == backup))
    unreserved = ccsim.simulate(build())
    assert np.any((unreserved.contact_type == sales) & (unreserved.pool == backup))


def test_freed_agents_take_the_higher_priority_type_first():
    def one_pool(d):
        d["pools"] = {"all": {"serves": {"sales": 1, "billing": 2}, "staffing": 9}}

    r = ccsim.simulate(build(one_pool))
    billing, sales = r.contact_types.index("billing"), r.contact_types.index("sales")
    late_billing = (r.contact_type == billing) & (r.outcome == ANSWERED) & (r.wait > 0)
    assert late_billing.sum() > 20
    for t in r.answered[late_billing]:
        assert waiting_at(r, t, sales) == 0


def test_contact_type_priority_breaks_ties_between_equal_ranks():
    def one_pool(d):
        d["pools"] = {"all": {"serves": {"sales": 1, "billing": 1}, "staffing": 9}}
        d["contact_types"]["sales"]["priority"] = 1
        d["contact_types"]["billing"]["priority"] = 2

    r = ccsim.simulate(build(one_pool))
    billing, sales = r.contact_types.index("billing"), r.contact_types.index("sales")
    late_billing = (r.contact_type == billing) & (r.outcome == ANSWERED) & (r.wait > 0)
    for t in r.answered[late_billing]:
        assert waiting_at(r, t, sales) == 0


def test_proficiency_factor_and_own_distribution():
    def deterministic(d):
        d["contact_types"]["sales"]["handle_time"] = {"distribution": "deterministic", "value": 100}
        d["contact_types"]["billing"]["handle_time"] = {
            "distribution": "deterministic",
            "value": 200,
        }
        d["pools"]["billing_team"]["serves"]["sales"]["handle_time_factor"] = 1.2
        d["pools"]["billing_team"]["serves"]["billing"] = {
            "priority": 1,
            "handle_time": {"distribution": "deterministic", "value": 77},
        }

    r = ccsim.simulate(build(deterministic))
    sales = r.contact_types.index("sales")
    answered = r.outcome == ANSWERED
    by_sales_team = answered & (r.pool == r.pools.index("sales_team"))
    by_backup = answered & (r.pool == r.pools.index("billing_team"))
    assert np.allclose(r.handle[by_sales_team], 100)
    assert np.allclose(r.handle[by_backup & (r.contact_type == sales)], 120)
    assert np.allclose(r.handle[by_backup & (r.contact_type != sales)], 77)


def test_policies_longest_idle_and_aging_run_and_respect_overflow():
    for policy in ("longest_idle", "priority_aging"):
        r = ccsim.simulate(build(routing={"policy": policy, "aging": "30s"}))
        sales, backup = r.contact_types.index("sales"), r.pools.index("billing_team")
        overflowed = (r.contact_type == sales) & (r.pool == backup) & (r.outcome == ANSWERED)
        assert overflowed.sum() > 0 and np.all(r.wait[overflowed] >= 40 - 1e-6)


def test_priority_aging_lets_low_priority_work_through():
    def one_pool(d):
        d["pools"] = {"all": {"serves": {"sales": 1, "billing": 2}, "staffing": 8}}
        for c in d["contact_types"].values():
            c["patience"] = None

    static = measure(ccsim.simulate(build(one_pool)), build(one_pool)).by_type
    aged_scenario = build(one_pool, routing={"policy": "priority_aging", "aging": "20s"})
    aged = measure(ccsim.simulate(aged_scenario), aged_scenario).by_type
    # Aging moves waiting from the starved low-priority type to the high-priority one.
    assert aged["billing"]["asa"] < static["billing"]["asa"]
    assert aged["sales"]["asa"] > static["sales"]["asa"]


def transfers(mode, handover=0):
    def change(d):
        d["contact_types"]["sales"]["transfers"] = [
            {"to": "billing", "probability": 0.3, "mode": mode, "handover": handover}
        ]

    return change


def test_cold_transfer_starts_a_new_leg_when_the_first_ends():
    r = ccsim.simulate(build(transfers("cold")))
    legs = np.flatnonzero(r.kind == TRANSFER)
    assert len(legs) > 50
    for leg in legs:
        customer = r.customer[leg]
        first = np.flatnonzero((r.customer == customer) & (r.transferred_to >= 0))[0]
        assert r.transferred_to[first] == r.contact_type[leg] == r.contact_types.index("billing")
        assert r.arrival[leg] == pytest.approx(r.ended[first])
    sales = r.contact_types.index("sales")
    rate = np.mean(r.transferred_to[(r.contact_type == sales) & (r.outcome == ANSWERED)] >= 0)
    assert 0.22 < rate < 0.38  # probability 0.3, a few hundred contacts


def test_warm_transfer_keeps_the_first_agent_until_the_handover_ends():
    r = ccsim.simulate(build(transfers("warm", handover=20)))
    legs = np.flatnonzero((r.kind == TRANSFER) & (r.outcome == ANSWERED))
    assert len(legs) > 50
    for leg in legs:
        first = np.flatnonzero((r.customer == r.customer[leg]) & (r.transferred_to >= 0))[0]
        assert r.ended[first] == pytest.approx(r.answered[leg] + 20)
        assert r.handle[first] == pytest.approx(r.ended[first] - r.answered[first])
    # Warm legs wait on the line with the first agent: they never abandon.
    assert not np.any((r.kind == TRANSFER) & (r.outcome == ABANDONED))


def test_agents_never_hold_two_contacts_at_once_with_journeys():
    def everything(d):
        transfers("warm", 15)(d)
        sales = d["contact_types"]["sales"]
        sales["redial"] = {"probability": 0.5, "delay": {**EXP, "mean": 300}}
        sales["callback"] = {
            "offer_when_wait_over": 30,
            "accept_probability": 0.5,
            "keep_place": False,
            "reach_probability": 0.7,
            "retry_delay": {**EXP, "mean": 300},
        }

    r = ccsim.simulate(build(everything))
    engaged = ~np.isnan(r.answered)
    for agent in np.unique(r.agent[engaged]):
        mine = np.flatnonzero(engaged & (r.agent == agent))
        order = mine[np.argsort(r.answered[mine])]
        assert np.all(r.answered[order][1:] >= r.ended[order][:-1] - 1e-6)


def redials(**options):
    def change(d):
        d["contact_types"]["sales"]["redial"] = {"delay": {**EXP, "mean": 120}, **options}
        d["pools"]["sales_team"]["staffing"] = 4  # many abandon

    return change


def test_redials_follow_lost_contacts_after_a_delay():
    r = ccsim.simulate(build(redials(probability=[0.8, 0.5], max_attempts=2)))
    redialled = np.flatnonzero(r.kind == REDIAL)
    assert len(redialled) > 30
    for c in redialled:
        earlier = np.flatnonzero((r.customer == r.customer[c]) & (r.arrival < r.arrival[c]))
        lost = earlier[np.isin(r.outcome[earlier], [ABANDONED, BLOCKED])]
        assert len(lost) and r.arrival[c] > r.ended[lost].max()
    assert r.attempt[redialled].max() <= 2
    share = len(redialled[r.attempt[redialled] == 1]) / np.sum(
        (r.kind == FIRST_ATTEMPT) & (r.outcome == ABANDONED) & (r.contact_type == 0)
    )
    assert 0.65 < share < 0.95  # probability 0.8 (redials after closing are not made)


def test_no_redials_after_outcomes_not_listed_or_with_probability_zero():
    r = ccsim.simulate(build(redials(probability=1.0, after=["blocked"])))
    assert not np.any(r.kind == REDIAL)  # nobody is blocked here, and abandons don't redial
    r = ccsim.simulate(build(redials(probability=0.0)))
    assert not np.any(r.kind == REDIAL)


def callbacks(**options):
    def change(d):
        d["contact_types"]["sales"]["callback"] = {
            "offer_when_wait_over": 45,
            "accept_probability": 0.6,
            **options,
        }
        d["pools"]["sales_team"]["staffing"] = 5

    return change


def test_callbacks_are_offered_only_above_the_threshold():
    r = ccsim.simulate(build(callbacks()))
    took = r.outcome == CALLBACK_REQUESTED
    assert took.sum() > 20
    assert np.all(r.predicted_wait[took] > 45)
    for c in np.flatnonzero(took):
        attempts = np.flatnonzero((r.customer == r.customer[c]) & (r.kind == CALLBACK))
        assert len(attempts) >= 1 and np.all(r.arrival[attempts] >= r.ended[c])


def test_callback_queue_is_worked_only_when_no_caller_waits():
    r = ccsim.simulate(build(callbacks(keep_place=False)))
    sales = r.contact_types.index("sales")
    dialled = np.flatnonzero((r.kind == CALLBACK) & ~np.isnan(r.answered))
    assert len(dialled) > 10
    by_sales_team = dialled[r.pool[dialled] == r.pools.index("sales_team")]
    for c in by_sales_team:
        if r.answered[c] > r.arrival[c]:  # waited in the callback queue
            assert waiting_at(r, r.answered[c], sales) == 0


def test_unreached_callbacks_are_retried_up_to_the_limit():
    r = ccsim.simulate(
        build(
            callbacks(
                reach_probability=0.0,
                max_attempts=3,
                retry_delay={"distribution": "deterministic", "value": 60},
            )
        )
    )
    attempts = r.kind == CALLBACK
    dialled = attempts & ~np.isnan(r.answered)
    assert np.all(r.outcome[dialled] == UNREACHED)
    assert r.attempt[attempts].max() == 3
    customers = np.unique(r.customer[r.outcome == CALLBACK_REQUESTED])
    counts = np.bincount(r.customer[attempts], minlength=len(r))[customers]
    assert counts.max() == 3


def test_balking_only_when_the_caller_must_wait():
    def announce(d):
        d["contact_types"]["sales"]["announcement"] = {"balk_tolerance": "1s"}

    r = ccsim.simulate(build(announce))
    balked = r.outcome == BALKED
    assert balked.sum() > 20
    assert np.all(r.wait[balked] == 0) and np.all(r.predicted_wait[balked] > 0)
    # With a 1-second tolerance almost everyone told to wait hangs up.
    sales = r.contact_types.index("sales")
    told = (r.contact_type == sales) & np.isfinite(r.predicted_wait)
    assert balked.sum() / told.sum() > 0.9


def test_queue_position_prediction():
    def announce(d):
        d["contact_types"]["sales"]["announcement"] = {}
        d["pools"] = {"one": {"serves": ["sales", "billing"], "staffing": 7}}

    s = build(announce)
    r = ccsim.simulate(s)
    told = np.isfinite(r.predicted_wait) & (r.contact_type == 0)
    assert told.sum() > 50
    # (waiting ahead + 1) × AHT / agents: an integer number of AHT/7 steps.
    steps = r.predicted_wait[told] * 7 / 180
    assert np.allclose(steps, np.round(steps)) and steps.min() >= 1
    m = measure(r, s).by_type["sales"]
    assert np.isfinite(m["prediction_error"]) and m["prediction_error"] > 0


def test_journey_measures_add_up():
    def everything(d):
        transfers("cold")(d)
        redials(probability=0.5)(d)
        callbacks(keep_place=True)(d)

    s = build(everything)
    r = ccsim.simulate(s)
    m = measure(r, s)
    o = m.overall
    assert o["customers"] == np.sum(r.kind == FIRST_ATTEMPT)
    assert o["redials"] == np.sum(r.kind == REDIAL)
    assert o["transfers"] == np.sum(r.kind == TRANSFER)
    inbound = np.sum(r.kind != CALLBACK)
    assert o["contacts_per_customer"] == pytest.approx(inbound / o["customers"])
    assert o["offered"] == inbound
    assert o["callbacks_accepted"] == np.sum(r.outcome == CALLBACK_REQUESTED)
    assert 0 < o["customers_served"] <= 1
    assert 0 < o["first_contact_resolution"] < 1
    assert o["time_in_system"] > 0


def test_same_seed_same_journeys_whatever_the_workers():
    def everything(d):
        transfers("warm", 10)(d)
        redials(probability=0.5)(d)
        callbacks(keep_place=False, reach_probability=0.5, retry_delay={**EXP, "mean": 200})(d)

    s = build(everything)
    one = ccsim.run_experiment(s, replications=3, jobs=1)
    two = ccsim.run_experiment(s, replications=3, jobs=2)
    assert one.contacts().equals(two.contacts())


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda d: d["contact_types"]["sales"].update(
                transfers=[{"to": "tech", "probability": 0.1}]
            ),
            "contact_types.sales.transfers[0].to: 'tech' is not a defined",
        ),
        (
            lambda d: d["contact_types"]["sales"].update(
                transfers=[{"to": "sales", "probability": 0.1}]
            ),
            "own type",
        ),
        (
            lambda d: d["contact_types"]["sales"].update(
                transfers=[
                    {"to": "billing", "probability": 0.7},
                    {"to": "billing", "probability": 0.5},
                ]
            ),
            "add up to 1.2",
        ),
        (
            lambda d: d["contact_types"]["sales"].update(
                transfers=[{"to": "billing", "probability": 0.2, "mode": "lukewarm"}]
            ),
            "contact_types.sales.transfers[0].mode",
        ),
        (
            lambda d: d["pools"]["billing_team"]["serves"]["sales"].update(afterr=3),
            "pools.billing_team.serves.sales.afterr: unknown key",
        ),
        (
            lambda d: d["pools"]["billing_team"]["serves"]["sales"].update(after="-3s"),
            "pools.billing_team.serves.sales.after",
        ),
        (lambda d: d["pools"]["sales_team"].update(reserve_for_primary=2), "no primary type"),
        (lambda d: d.update(routing={"policy": "random"}), "routing.policy"),
        (
            lambda d: d["contact_types"]["sales"].update(
                redial={"probability": 1.5, "delay": {**EXP, "mean": 3}}
            ),
            "contact_types.sales.redial.probability",
        ),
        (
            lambda d: d["contact_types"]["sales"].update(redial={"probability": 0.5}),
            "contact_types.sales.redial.delay: required",
        ),
        (
            lambda d: d["contact_types"]["sales"].update(callback={"accept_probability": 0.5}),
            "contact_types.sales.callback.offer_when_wait_over: required",
        ),
    ],
)
def test_journey_mistakes_name_their_path(change, words):
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(ScenarioError) as info:
        ccsim.load_scenario(data)
    assert any(words in p for p in info.value.problems), info.value.problems
