"""Proactive notices: fewer inbound issues, fewer customers lost, against agent time."""

from __future__ import annotations

import pytest

import ccsim
from ccsim.studies.proactive import ProactiveError, compare_proactive, proactive_scenario

pytestmark = pytest.mark.slow

NOTICE = {
    "list_size": 300,
    "window": {"start": "08:00", "end": "16:00"},
    "pools": ["phones"],
    "reach_probability": 0.7,
    "talk_time": {"distribution": "exponential", "mean": "1min"},
}


def test_a_notice_that_prevents_a_third_of_the_calls_keeps_customers():
    reactive = ccsim.load_scenario("customer-experience")
    comparison = compare_proactive(reactive, ["voice"], 0.3, NOTICE, replications=6)
    rows = comparison.differences().set_index(["group", "name", "measure"])
    assert rows.loc[("overall", "all", "customers_lost"), "high"] < 0
    assert rows.loc[("overall", "all", "churn_cost"), "high"] < 0
    assert rows.loc[("type", "voice", "offered"), "difference"] < 0
    notices = [r.by_campaign["notice"]["connects"] for r in comparison.results[1].replications]
    assert min(notices) > 0  # the agents made the calls, in their idle time


@pytest.mark.unit
def test_the_proactive_scenario_scales_the_affected_arrivals_only():
    reactive = ccsim.load_scenario("customer-experience")
    proactive = proactive_scenario(reactive, ["voice"], 0.25)
    assert proactive.contact_types["voice"].arrivals.rate_per_hour == pytest.approx(60)
    assert proactive.contact_types["chat"].arrivals.rate_per_hour == 25
    assert not proactive.campaigns
    with pytest.raises(ProactiveError, match="'fax' is not a contact type"):
        proactive_scenario(reactive, ["fax"], 0.2)
    with pytest.raises(ProactiveError, match=r"\[0, 1\]"):
        proactive_scenario(reactive, ["voice"], 1.5)
