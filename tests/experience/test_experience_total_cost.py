"""Staffing for the least total cost, checked against brute force on a small case."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.experiment.replications import run_experiment
from ccsim.scenario import parse_scenario
from ccsim.studies.staffing.optimiser import with_staffing
from ccsim.studies.staffing.targets import StaffingError
from ccsim.studies.staffing.total_cost import total_cost_staffing

pytestmark = pytest.mark.slow


def scenario(acquisition_cost: float = 150.0):
    """A morning of calls (4 Erlangs), agents at 30 an hour, a lost customer at 150."""
    return parse_scenario(
        {
            "horizon": {"days": 1, "interval": "1h", "open": "08:00", "close": "12:00"},
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": 60},
                    "handle_time": {"distribution": "exponential", "mean": "4min"},
                    "patience": {"distribution": "exponential", "mean": "3min"},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 5, "cost_per_hour": 30}},
            "experience": {"acquisition_cost": acquisition_cost},
            "experiment": {"seed": 11},
        },
        source="<small>",
    )


def brute_force(base, replications: int) -> dict[int, float]:
    """Mean total cost of every staffing from 1 to 12 agents, on the search's seed."""
    costs = {}
    for agents in range(1, 13):
        result = run_experiment(
            with_staffing(base, {"agents": np.full(4, agents)}),
            replications=replications,
            keep_records=False,
        )
        costs[agents] = float(np.mean([r.overall["total_cost"] for r in result.replications]))
    return costs


def test_the_search_finds_the_brute_force_optimum():
    base = scenario()
    plan = total_cost_staffing(base, replications=6)
    costs = brute_force(base, 6)
    best = min(costs, key=costs.get)
    assert 5 + plan.best.shift[0] == best
    assert plan.best.total_cost == pytest.approx(costs[best])
    assert plan.scenario.pools["agents"].staffing == [best] * 4
    # Fewer staffings tried than the brute force, each priced on the same customers.
    assert len(plan.points) < len(costs)
    assert plan.best.total_cost <= plan.start_point.total_cost
    if best != 5:
        assert "total cost −" in plan.explanation()


def test_cheap_customers_need_fewer_agents_and_targets_can_hold_on_top():
    cheap = total_cost_staffing(scenario(acquisition_cost=5.0), replications=4)
    dear = total_cost_staffing(scenario(acquisition_cost=500.0), replications=4)
    assert cheap.best.shift[0] < dear.best.shift[0]
    kept = total_cost_staffing(scenario(acquisition_cost=5.0), replications=4, keep_targets=True)
    assert kept.best.shift[0] >= 0


@pytest.mark.unit
def test_without_a_price_there_is_no_total_cost():
    with pytest.raises(StaffingError, match="acquisition_cost"):
        total_cost_staffing(scenario(acquisition_cost=0.0))
