"""Compare on common random numbers: one more agent loses fewer customers, narrowly."""

from __future__ import annotations

import pytest

import ccsim
from ccsim.scenario.overrides import derive
from ccsim.studies.compare import compare_scenarios

pytestmark = pytest.mark.slow


def test_one_more_agent_loses_fewer_customers_with_a_narrow_paired_interval():
    base = ccsim.load_scenario("customer-experience")
    more = derive(base, {("pools", "phones", "staffing"): 8})
    comparison = compare_scenarios([base, more], ["7 agents", "8 agents"], replications=8)
    rows = comparison.differences().set_index(["group", "name", "measure"])
    lost = rows.loc[("overall", "all", "customers_lost")]
    assert lost["high"] < 0  # fewer customers lost, beyond doubt
    # Same customers with the same issues on the same random numbers: the paired interval is
    # narrower than half that of two independent runs, and small beside the difference.
    assert lost["half_width"] < lost["independent_half_width"] / 2
    assert lost["half_width"] < abs(lost["difference"]) / 4
    cost = rows.loc[("overall", "all", "cost")]
    assert cost["difference"] > 0  # the agent costs more...
    total = rows.loc[("overall", "all", "total_cost")]
    assert total["difference"] < 0  # ...and less than the customers it keeps
    phones = rows.loc[("type", "voice", "bad_contact_share")]
    assert phones["high"] < 0
