"""Agents of a contact log land in the pools the scenario says serve what they answered."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ccsim import load_scenario
from ccsim.calibration.contact_log import read_contact_log
from ccsim.calibration.sample_log import records_log
from ccsim.cli import main
from ccsim.intraday.from_log import state_from_log
from ccsim.intraday.state import StateError, check_against
from ccsim.model.centre import simulate

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def two_pool_day(tmp_path_factory):
    """The log of a simulated two-pool day and each agent's true pool (from the records)."""
    scenario = load_scenario("two-pools")  # sales_team: sales; billing_team: billing, sales
    records = simulate(scenario, 0, seed=9)
    path = tmp_path_factory.mktemp("log") / "log.csv"
    records_log(records).to_csv(path, index=False)
    truth: dict[str, set[str]] = {}
    for agent, pool in zip(records.agent, records.pool, strict=True):
        if agent >= 0:
            truth.setdefault(f"ag{agent + 1:03d}", set()).add(records.pools[pool])
    assert all(len(pools) == 1 for pools in truth.values())  # an agent stays in one pool
    return scenario, path, {agent: pools.pop() for agent, pools in truth.items()}


@pytest.mark.parametrize("clock", [9.5 * 3600, 11 * 3600, 14 * 3600])
def test_agents_land_in_the_pool_that_served_their_contacts(two_pool_day, clock):
    scenario, path, truth = two_pool_day
    state = state_from_log(read_contact_log(path), clock, None, scenario=scenario)
    check_against(state, scenario)  # raises if a pool holds a type it does not serve
    pools = {a.pool for a in state.agents}
    assert pools == {"sales_team", "billing_team"}
    assert len(state.agents) > 15
    assert {a.id: a.pool for a in state.agents} == {a.id: truth[a.id] for a in state.agents}
    for contact in state.in_service:
        assert contact.pool == truth[contact.agent]


def _agent_pool(text: str, agent: str) -> str:
    return next(a["pool"] for a in json.loads(text)["agents"] if a["id"] == agent)


def test_an_agent_pools_file_overrides_the_inference(two_pool_day, tmp_path):
    _, path, truth = two_pool_day
    runner = CliRunner()
    common = ["state", str(path), "--at", "11:00", "--scenario", "two-pools"]
    inferred = runner.invoke(main, common)
    assert inferred.exit_code == 0, inferred.output
    agent = next(
        a["id"] for a in json.loads(inferred.output)["agents"] if a["pool"] == "billing_team"
    )
    assert truth[agent] == "billing_team"
    table = tmp_path / "pools.csv"
    table.write_text(f"agent,pool\n{agent},sales_team\n")
    # A billing agent moved to sales_team: if they hold a billing call the state no longer
    # fits the scenario (exit 2); otherwise they are in sales_team.
    moved = runner.invoke(main, [*common, "--agent-pools", str(table)])
    holds_billing = any(
        c["agent"] == agent and c["type"] == "billing"
        for c in json.loads(inferred.output)["in_service"]
    )
    if holds_billing:
        assert moved.exit_code == 2 and "does not serve billing" in moved.output
    else:
        assert moved.exit_code == 0, moved.output
        assert _agent_pool(moved.output, agent) == "sales_team"
    # Without a scenario the table still names the pool; everyone else goes to --pool.
    plain = runner.invoke(
        main, ["state", str(path), "--at", "11:00", "--agent-pools", str(table), "--pool", "x"]
    )
    assert plain.exit_code == 0, plain.output
    assert _agent_pool(plain.output, agent) == "sales_team"
    assert {a["pool"] for a in json.loads(plain.output)["agents"]} == {"sales_team", "x"}


def test_pool_puts_everyone_in_one_pool(two_pool_day):
    scenario, path, _ = two_pool_day
    log = read_contact_log(path)
    state = state_from_log(log, 9.5 * 3600, "billing_team", scenario=scenario)
    assert {a.pool for a in state.agents} == {"billing_team"}  # serves both types
    with pytest.raises(StateError, match="does not serve billing"):
        state_from_log(log, 11 * 3600, "sales_team", scenario=scenario)


def test_a_pool_the_scenario_lacks_is_one_paragraph_and_exit_2(two_pool_day, tmp_path):
    _, path, _ = two_pool_day
    table = tmp_path / "pools.csv"
    table.write_text("agent,pool\nag001,night_team\n")
    runner = CliRunner()
    common = ["state", str(path), "--at", "11:00", "--scenario", "two-pools"]
    found = runner.invoke(main, [*common, "--agent-pools", str(table)])
    assert found.exit_code == 2
    assert "night_team" in found.output and "sales_team, billing_team" in found.output
    assert "Traceback" not in found.output and found.output.count("\n") == 1
    found = runner.invoke(main, [*common, "--pool", "night_team"])
    assert found.exit_code == 2 and "--pool night_team" in found.output
    table.write_text("who,where\nag001,sales_team\n")
    found = runner.invoke(main, [*common, "--agent-pools", str(table)])
    assert found.exit_code == 2 and "agent,pool" in found.output


def test_the_pool_serving_exactly_the_agents_types_then_the_highest_rank_wins():
    from ccsim.intraday.agent_pools import infer_pool

    scenario = load_scenario(
        {
            "name": "three-pools",
            "horizon": {"days": 1, "interval": "60min", "open": "09:00", "close": "10:00"},
            "contact_types": {
                name: {
                    "arrivals": {"rate_per_hour": [10]},
                    "handle_time": {"distribution": "exponential", "mean": "5min"},
                }
                for name in ("sales", "billing")
            },
            "pools": {
                "blended": {"serves": {"sales": 2, "billing": 1}, "staffing": 1},
                "sales_first": {"serves": {"sales": 1, "billing": 2}, "staffing": 1},
                "billing_only": {"serves": ["billing"], "staffing": 1},
            },
        }
    )
    assert infer_pool("a", frozenset({"billing"}), scenario) == "billing_only"  # exact
    assert infer_pool("a", frozenset({"sales"}), scenario) == "sales_first"  # ranks sales 1
    both = frozenset({"sales", "billing"})
    assert infer_pool("a", both, scenario) == "blended"  # a tie: the scenario's first
    with pytest.raises(StateError, match="no pool of scenario 'three-pools' serves all"):
        infer_pool("a", frozenset({"sales", "email"}), scenario)
