"""Staffing for the least total cost: brute force on a small case, a shaped day, a fresh seed."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ccsim.experiment.replications import run_experiment
from ccsim.scenario import parse_scenario
from ccsim.studies.staffing.optimiser import with_staffing
from ccsim.studies.staffing.targets import StaffingError
from ccsim.studies.staffing.total_cost import total_cost_staffing

pytestmark = pytest.mark.slow


def scenario(acquisition_cost: float = 150.0, rates=(60, 60), seed: int = 11):
    """Calls (60 an hour: 4 Erlangs) in hourly intervals, agents at 30 an hour, a lost
    customer at ``acquisition_cost``."""
    close = f"{8 + len(rates):02d}:00"
    return parse_scenario(
        {
            "horizon": {"days": 1, "interval": "1h", "open": "08:00", "close": close},
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": list(rates)},
                    "handle_time": {"distribution": "exponential", "mean": "4min"},
                    "patience": {"distribution": "exponential", "mean": "3min"},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 5, "cost_per_hour": 30}},
            "experience": {"acquisition_cost": acquisition_cost},
            "experiment": {"seed": seed},
        },
        source="<small>",
    )


def mean_total(base, staffing, replications: int, seed: int | None = None) -> float:
    result = run_experiment(
        with_staffing(base, {"agents": np.asarray(staffing)}),
        replications=replications,
        seed=seed,
        keep_records=False,
    )
    return float(np.mean([r.overall["total_cost"] for r in result.replications]))


def test_the_search_finds_the_brute_force_optimum():
    """Two hourly intervals, every staffing from 2 to 12 agents in each, on the search's seed."""
    base = scenario(acquisition_cost=60.0)
    plan = total_cost_staffing(base, replications=6, max_replications=6, verify_replications=6)
    costs = {
        (a, b): mean_total(base, [a, b], 6) for a, b in itertools.product(range(2, 13), repeat=2)
    }
    best = min(costs, key=costs.get)
    assert min(best) > 2 and max(best) < 12  # inside the brute force's range
    assert plan.best.staffing == (best,)
    assert plan.best.total_cost == pytest.approx(costs[best])
    assert plan.scenario.pools["agents"].staffing == list(best)
    # Far fewer staffings tried than the brute force, each priced on the same customers.
    assert len(plan.points) < len(costs) / 3
    assert plan.best.total_cost <= plan.start_point.total_cost
    if best != (5, 5):
        assert "total cost −" in plan.explanation()


def test_a_day_whose_optimum_differs_by_interval():
    """A quiet hour, two busy ones and a quiet one: the answer staffs the busy hours more,
    beats the best flat staffing, and keeps its saving on a fresh seed."""
    base = scenario(rates=(20, 90, 90, 20))
    plan = total_cost_staffing(base, replications=4, verify_replications=30)
    answer = plan.best.staffing[0]
    assert answer[1] > answer[0] + 2 and answer[2] > answer[3] + 2
    flat = min(mean_total(base, [n] * 4, 4) for n in range(3, 11))
    assert plan.best.total_cost < flat  # the shape of the day is worth money
    v = plan.verification
    assert v.seed != plan.seed and v.replications == 30
    assert v.difference.high < 0  # out of sample, the answer still costs less than the start
    assert v.answer.total_cost == pytest.approx(
        mean_total(base, list(answer), 30, seed=v.seed)
    )  # the fresh figure is an independent run of the written answer
    assert "fresh replications" in plan.explanation()
    assert "at 09:00" in plan.changes()


def test_cheap_customers_need_fewer_agents_and_targets_can_hold_on_top():
    def agents(plan) -> int:
        return sum(plan.best.staffing[0])

    cheap = total_cost_staffing(scenario(acquisition_cost=5.0), replications=4)
    dear = total_cost_staffing(scenario(acquisition_cost=500.0), replications=4)
    assert agents(cheap) < agents(dear)
    kept = total_cost_staffing(scenario(acquisition_cost=5.0), replications=4, keep_targets=True)
    assert min(kept.best.staffing[0]) >= 5


@pytest.mark.unit
def test_without_a_price_there_is_no_total_cost():
    with pytest.raises(StaffingError, match="acquisition_cost"):
        total_cost_staffing(scenario(acquisition_cost=0.0))
