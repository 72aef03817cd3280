"""Hand-computed experiences: one customer, scripted contacts, exact churn probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.errors import ScenarioError
from ccsim.measures.customer_base import assign_customers, churn_probability
from ccsim.measures.experience import experience_measures
from ccsim.measures.grid import IntervalGrid
from ccsim.records import ContactRecords, Kind, Outcome
from ccsim.scenario import parse_scenario
from ccsim.scenario.experience import Churn, Customers

NAN = np.nan
A, AB, CB = int(Outcome.ANSWERED), int(Outcome.ABANDONED), int(Outcome.CALLBACK_REQUESTED)
FIRST, REDIAL, CALLBACK = int(Kind.FIRST_ATTEMPT), int(Kind.REDIAL), int(Kind.CALLBACK)
OPEN = 8 * 3600.0


def scenario(**experience):
    """One voice queue open 08:00-16:00, one customer in the base, money in round figures."""
    rules = {"customers": {"size": 1}, "customer_value": 300, "acquisition_cost": 200}
    rules.update(experience)
    return parse_scenario(
        {
            "horizon": {"days": 1, "interval": "1h", "open": "08:00", "close": "16:00"},
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": 10},
                    "handle_time": {"distribution": "exponential", "mean": "3min"},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 2}},
            "experience": rules,
        },
        source="<test>",
    )


def records(rows):
    """Records from (arrival offset, wait, outcome, kind, customer) rows."""
    arrival = OPEN + np.array([r[0] for r in rows], float)
    wait = np.array([r[1] for r in rows], float)
    outcome = np.array([r[2] for r in rows], np.int8)
    answered = np.where(outcome == A, arrival + wait, NAN)
    ended = np.where(outcome == A, answered + 120, arrival + wait)
    n = len(rows)
    return ContactRecords(
        replication=0,
        contact_types=("voice",),
        pools=("agents",),
        arrival=arrival,
        answered=answered,
        ended=ended,
        handle=np.where(outcome == A, 120.0, NAN),
        outcome=outcome,
        contact_type=np.zeros(n, np.int16),
        pool=np.where(outcome == A, 0, -1),
        agent=np.where(outcome == A, 0, -1),
        customer=np.array([r[4] for r in rows], np.int32),
        kind=np.array([r[3] for r in rows], np.int8),
        attempt=np.zeros(n, np.int8),
        transferred_to=np.full(n, -1, np.int16),
        predicted_wait=np.full(n, NAN),
        has_journeys=True,
    )


# Three issues of the one customer: answered at once, answered after 90 s (over the 60 s
# tolerance), abandoned after 30 s.
THREE_ISSUES = [
    (0, 5, A, FIRST, 0),
    (3600, 90, A, FIRST, 1),
    (7200, 30, AB, FIRST, 2),
]


def overall(rows, **rules):
    s = scenario(**rules)
    return experience_measures(IntervalGrid(records(rows), s), s.experience)[2]


def test_two_bad_issues_of_one_customer_lose_them_with_the_second_value():
    m = overall(THREE_ISSUES)
    assert m["customers_contacting"] == 1
    # The third issue comes after one bad experience: the customer is still there with
    # probability 1 − 0.5, and it counts with that weight (issues 1, 1, 0.5; bad 0, 1, 0.5).
    assert m["bad_contact_share"] == pytest.approx(1.5 / 2.5)
    assert m["bad_issue_share"] == pytest.approx(1.5 / 2.5)
    assert m["bad_experiences_per_customer"] == pytest.approx(1.5)
    assert m["customers_lost"] == pytest.approx(0.8)
    assert m["revenue_at_risk"] == pytest.approx(0.8 * 300)
    assert m["replacement_cost"] == pytest.approx(0.8 * 200)
    assert m["churn_cost"] == pytest.approx(0.8 * 200)


def test_a_customer_who_has_left_counts_with_the_probability_they_are_still_there():
    """Bad, good, bad: still a customer with probability 1, 0.5, 0.5 at the three issues;
    lost 0.5 at the first (0 → 0.5), none at the second, 0.3 at the third (0.5 → 0.8)."""
    rows = [(0, 90, A, FIRST, 0), (3600, 5, A, FIRST, 1), (7200, 30, AB, FIRST, 2)]
    s = scenario()
    _, _, m, intervals = experience_measures(IntervalGrid(records(rows), s), s.experience)
    assert m["customers_lost"] == pytest.approx(0.8)
    assert m["bad_issue_share"] == pytest.approx((1 + 0 + 0.5) / (1 + 0.5 + 0.5))
    assert m["bad_experiences_per_customer"] == pytest.approx(1 + 0.5)
    assert m["bad_customer_share"] == pytest.approx(1.0)
    lost = intervals.set_index("interval")["customers_lost"]
    assert lost.loc[[0, 1, 2]].tolist() == pytest.approx([0.5, 0.0, 0.3])
    # Good, then two bad: the customer is there for the first bad one with probability 1.
    late = [(0, 5, A, FIRST, 0), (3600, 90, A, FIRST, 1), (7200, 30, AB, FIRST, 2)]
    _, _, m, intervals = experience_measures(IntervalGrid(records(late), s), s.experience)
    assert intervals.set_index("interval")["customers_lost"].loc[[0, 1, 2]].tolist() == (
        pytest.approx([0.0, 0.5, 0.3])
    )


def test_a_curve_and_a_longer_table():
    assert overall(THREE_ISSUES, churn={"per_bad_experience": 0.3})[
        "customers_lost"
    ] == pytest.approx(1 - 0.7**2)
    table = {"after_bad": [0.01, 0.2, 0.35, 0.6]}
    assert overall(THREE_ISSUES, churn=table)["customers_lost"] == pytest.approx(0.35)
    assert overall(THREE_ISSUES[:1], churn=table)["customers_lost"] == pytest.approx(0.01)


def test_switching_a_rule_off_and_a_longer_tolerance():
    assert overall(THREE_ISSUES, bad_contact={"abandoned": False})[
        "customers_lost"
    ] == pytest.approx(0.5)
    assert overall(THREE_ISSUES, bad_contact={"wait_over": {"voice": "2min"}})[
        "customers_lost"
    ] == pytest.approx(0.5)


def test_customers_of_their_own_each_lose_half():
    # Without a base every issue is a customer of its own: two of three had one bad experience.
    m = overall(THREE_ISSUES, customers={})
    assert m["customers_contacting"] == 3
    assert m["customers_lost"] == pytest.approx(0.5 + 0.5)


def test_a_redial_is_one_bad_issue_but_two_bad_experiences_by_contact():
    # Abandoned after 30 s, redialled 10 min later and answered at once: the issue was not
    # resolved on first contact; its effort is 1 + 1 extra contact + 35 s / 5 min.
    rows = [(0, 30, AB, FIRST, 0), (600, 5, A, REDIAL, 0)]
    m = overall(rows)
    assert m["bad_contact_share"] == pytest.approx(0.5)
    assert m["bad_issue_share"] == 1
    assert m["customers_lost"] == pytest.approx(0.5)
    assert m["effort_score"] == pytest.approx(2 + 35 / 300)
    assert overall(rows, count="contact")["customers_lost"] == pytest.approx(0.8)  # 1 + 1


def test_a_callback_promised_and_not_made_is_bad():
    rows = [(0, 0, CB, FIRST, 0), (900, 0, int(Outcome.UNREACHED), CALLBACK, 0)]
    assert overall(rows)["customers_lost"] == pytest.approx(0.5)
    made = [(0, 0, CB, FIRST, 0), (900, 0, A, CALLBACK, 0)]
    assert overall(made)["customers_lost"] == 0


def test_effort_is_capped_at_five():
    rows = [(0, 2000, A, FIRST, 0)]  # 1 + 2000 s / 300 s would be 7.7
    assert overall(rows)["effort_score"] == 5


@pytest.mark.unit
def test_churn_probability_table_and_curve():
    churn = Churn()
    assert list(churn_probability(churn, np.array([0, 1, 2, 7]))) == [0, 0.5, 0.8, 0.8]
    assert churn.probability(3) == 0.8
    curve = Churn(per_bad_experience=0.5)
    assert list(churn_probability(curve, np.array([0, 1, 2]))) == [0, 0.5, 0.75]


@pytest.mark.unit
def test_repeats_go_back_to_an_earlier_customer():
    rng = np.random.default_rng(3)
    a = assign_customers(10_000, 5, Customers(size=1_000_000, repeat_issue=0.3), rng)
    assert a.repeat.mean() == pytest.approx(0.3, abs=0.02)
    assert not a.repeat[0]
    # A repeat belongs to a customer seen before; fresh issues almost never collide.
    seen = set()
    for customer, repeat in zip(a.customer, a.repeat, strict=True):
        assert (customer in seen) or not repeat
        seen.add(customer)
    assert a.repeated_later.sum() <= a.repeat.sum()
    share = assign_customers(1000, 5, Customers(daily_contact_share=0.1), rng)
    assert share.size == 2000  # 200 issues a day are 10 % of 2,000 customers


@pytest.mark.unit
def test_rules_are_validated_with_their_paths():
    with pytest.raises(ScenarioError) as error:
        scenario(
            churn={"after_bad": [0, 0.6, 0.4]},
            bad_contact={"wait_over": {"fax": 10}},
            customers={"size": 10, "daily_contact_share": 0.1},
        )
    message = str(error.value)
    assert "experience.churn.after_bad" in message
    assert "experience.bad_contact.wait_over" in message and "'fax' is not a channel" in message
    assert "experience.customers" in message and "not both" in message
