"""The staffing optimiser (``ccsim staff``).

Checked against theory (a steady single queue needs the Erlang C minimum, ±1 agent), against
fresh random numbers (a confirmation run meets the targets in every interval, within its
confidence interval), and for minimality (taking one agent from any interval breaks a target,
there or in a later interval that inherits its queue).
"""

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

import ccsim
from ccsim import erlang
from ccsim.cli import main
from ccsim.executors import make_executor
from ccsim.optimiser import StaffingError, Targets, optimise_staffing
from ccsim.staffing_search import StaffingSearch

DAY_RATES = [40, 70, 110, 130, 120, 90, 100, 60]


def day_scenario(**pool):
    return ccsim.load_scenario(
        {
            "name": "day",
            "horizon": {"days": 1, "interval": "60min", "open": "08:00", "close": "16:00"},
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": DAY_RATES},
                    "handle_time": {"distribution": "exponential", "mean": "3min"},
                    "patience": {"distribution": "exponential", "mean": "2min"},
                    "service_level": {"threshold": "20s", "target": 0.8},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 5, **pool}},
            "experiment": {"seed": 17},
        }
    )


@pytest.fixture(scope="module")
def executor():
    with make_executor(2, "", 100) as pool:
        yield pool


@pytest.fixture(scope="module")
def day_plan(executor):
    return optimise_staffing(
        day_scenario(cost_per_hour=20), replications=12, confirm_replications=30, executor=executor
    )


def test_a_steady_single_queue_needs_the_erlang_c_minimum(executor):
    """M/M/c in steady state (one 24-hour interval per day): the answer is Erlang C's."""
    scenario = ccsim.load_scenario(
        {
            "horizon": {
                "days": 2,
                "interval": "24h",
                "open": "00:00",
                "close": "24:00",
                "warmup": "1h",
            },
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": 200},
                    "handle_time": {"distribution": "exponential", "mean": "3min"},
                    "service_level": {"threshold": "20s", "target": 0.8},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 20}},
            "experiment": {"seed": 4},
        }
    )
    plan = optimise_staffing(scenario, replications=6, confirm_replications=4, executor=executor)
    theory = erlang.fewest_agents(arrival_rate=200 / 3600, aht=180, threshold=20, target=0.8)
    below = erlang.analyse(arrival_rate=200 / 3600, aht=180, threshold=20, agents=theory.agents - 1)
    assert below.service_level < 0.8 <= theory.service_level
    assert abs(int(plan.required["agents"][0]) - theory.agents) <= 1
    assert plan.erlang["agents"][0] == theory.agents


def test_the_answer_meets_the_target_with_fresh_random_numbers(day_plan):
    frame = day_plan.confirmation.intervals()
    voice = frame[(frame["kind"] == "type") & (frame["name"] == "voice")]
    assert len(voice) == len(DAY_RATES)
    # Not significantly below the target anywhere (the upper confidence limit reaches it),
    # and on average over the day comfortably at it.
    assert (voice["service_level_high"] >= 0.8).all(), voice["service_level"].to_numpy()
    assert voice["service_level"].mean() >= 0.8


def test_the_answer_is_minimal(day_plan, executor):
    """One agent fewer in any interval breaks a target there or in a later interval."""
    search = StaffingSearch(day_scenario(), Targets(), 12, 17, executor, None)
    required = day_plan.required["agents"]
    trials = []
    for i in range(len(required)):
        trial = required.copy()[None, :]
        trial[0, i] -= 1
        trials.append(trial)
    assert not search.misses([required[None, :]])[0]  # the answer itself meets the targets
    for i, misses in enumerate(search.misses(trials)):
        assert misses, f"interval {i}: an agent could go"
        assert min(interval for _pool, interval in misses) >= i


def test_the_answer_follows_the_load_and_reports_erlang_beside(day_plan):
    required = day_plan.required["agents"]
    assert np.argmax(required) == np.argmax(DAY_RATES)
    table = day_plan.table()
    assert list(table["erlang_agents"]) == list(day_plan.erlang["agents"])
    totals = day_plan.totals()
    assert totals["scheduled_agent_hours"] == pytest.approx(required.sum())
    assert totals["scheduled_cost"] == pytest.approx(20 * required.sum())


def test_shrinkage_grosses_up_the_schedule(day_plan):
    scheduled = day_plan.scheduled.__func__  # the rule, on another shrinkage
    plan = type(day_plan)(
        day_plan.scenario,
        day_plan.erlang,
        day_plan.required,
        0.3,
        day_plan.confirmation,
        day_plan.evaluations,
    )
    required = day_plan.required["agents"]
    expected = [math.ceil(r / 0.7 - 1e-9) for r in required]
    assert list(scheduled(plan, required)) == expected


def test_an_abandonment_cap_is_met(executor):
    plan = optimise_staffing(
        day_scenario(),
        Targets(service_level=False, max_abandon=0.03),
        replications=8,
        confirm_replications=20,
        executor=executor,
    )
    frame = plan.confirmation.intervals()
    voice = frame[(frame["kind"] == "type") & (frame["name"] == "voice")]
    assert voice["abandon_rate"].mean() <= 0.03 + 0.01


def test_bad_targets_are_explained():
    with pytest.raises(StaffingError, match="--confidence"):
        Targets(confidence=1.5)
    with pytest.raises(StaffingError, match="no target"):
        Targets(service_level=False)
    with pytest.raises(StaffingError, match="--max-asa"):
        Targets(max_asa=-1)


def test_ccsim_staff_writes_the_answer(tmp_path):
    spec = day_scenario().resolved()
    path = tmp_path / "day.yaml"
    import yaml

    path.write_text(yaml.safe_dump(spec))
    out = tmp_path / "staff"
    result = CliRunner().invoke(
        main,
        [
            "staff",
            str(path),
            "--reps",
            "4",
            "--confirm-reps",
            "4",
            "--jobs",
            "1",
            "--shrinkage",
            "0.25",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    required = summary["required"]["agents"]
    assert summary["scheduled"]["agents"] == [math.ceil(r / 0.75 - 1e-9) for r in required]
    files = {p.name for p in out.iterdir()}
    assert {
        "staffing.csv",
        "staffing.json",
        "scenario.yaml",
        "summary.json",
        "report.html",
    } <= files
    # The folder's scenario is the staffed one: `ccsim run` on it repeats the answer.
    staffed = ccsim.load_scenario(out / "scenario.yaml")
    assert staffed.pools["agents"].staffing == required
    bad = CliRunner().invoke(main, ["staff", str(path), "--confidence", "2"])
    assert bad.exit_code == 2 and "--confidence" in bad.output and "Traceback" not in bad.output


def test_staffing_for_risk_needs_more_agents_when_days_vary(executor):
    """With a daily busyness factor, meeting the target on 90 % of days costs more agents
    than meeting it on average; without variance the risk answer needs no more than that."""
    spec = day_scenario().resolved()
    spec["forecast"] = {"busyness_cv": 0.2}
    busy = ccsim.load_scenario(spec)
    on_average = optimise_staffing(busy, replications=20, confirm_replications=4, executor=executor)
    for_risk = optimise_staffing(
        busy, Targets(confidence=0.9), replications=20, confirm_replications=4, executor=executor
    )
    assert for_risk.required["agents"].sum() > on_average.required["agents"].sum()
    assert np.all(for_risk.required["agents"] >= on_average.required["agents"] - 1)
