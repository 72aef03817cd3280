"""The steady-state floor of ``ccsim staff`` (ccsim.studies.staffing.floor): Erlang figures of the
pooled load of pools that share contact types, checked against the Erlang formulas."""

import numpy as np

import ccsim
from ccsim.analytic import erlang
from ccsim.studies.staffing.floor import staffing_floor
from ccsim.studies.staffing.optimiser import Targets, erlang_staffing


def test_one_pool_one_type_floor_is_its_erlang_figure():
    scenario = ccsim.load_scenario("scenarios/default-day.yaml")
    floor = staffing_floor(scenario, Targets())
    assert floor.groups == [[0]]
    assert list(floor.agents[0]) == list(erlang_staffing(scenario, Targets())["agents"])
    voice = scenario.contact_types["voice"]
    rate = 60 / 1800  # 08:00: 60 calls in half an hour
    figure = erlang.fewest_agents(
        arrival_rate=rate, aht=voice.aht, threshold=20, target=0.8, patience=voice.patience.mean
    ).agents
    assert floor.agents[0, 0] == figure


def test_pools_sharing_a_type_are_floored_together_on_their_pooled_load():
    scenario = ccsim.load_scenario("scenarios/two-pools.yaml")
    floor = staffing_floor(scenario, Targets())
    assert floor.groups == [[0, 1]]
    own = erlang_staffing(scenario, Targets())
    each = own["sales_team"] + own["billing_team"]
    # Pooling is the best two pools can do: never more than the per-type figures added.
    assert np.all(floor.agents[0] <= each) and np.any(floor.agents[0] < each)
    # Hand check of 09:00: 120 sales + 80 billing an hour, rate-weighted handle and patience,
    # the least demanding target (80 % in 60 s).
    sales, billing = scenario.contact_types["sales"], scenario.contact_types["billing"]
    aht = (120 * sales.aht + 80 * billing.aht) / 200
    patience = (120 * sales.patience.mean + 80 * billing.patience.mean) / 200
    figure = erlang.fewest_agents(
        arrival_rate=200 / 3600, aht=aht, threshold=60, target=0.8, patience=patience
    ).agents
    assert floor.agents[0, 0] == figure


def test_the_floor_allows_lifts_and_is_waived_where_asked():
    scenario = ccsim.load_scenario("scenarios/two-pools.yaml")
    floor = staffing_floor(scenario, Targets())
    own = erlang_staffing(scenario, Targets())
    start = np.array([own["sales_team"], own["billing_team"]])
    empty = np.zeros_like(start)
    lifted = floor.lift(empty, start)
    assert np.array_equal(lifted.sum(axis=0), floor.agents[0])
    assert np.all(lifted <= start)  # the missing agents go where each pool's own need is
    assert not floor.allows(lifted, (0, 3))  # at the floor: nobody can go
    assert floor.allows(lifted + 1, (0, 3), (1, 3)) and not floor.allows(lifted, (0, 3))
    assert (0, 3) in floor.removable(lifted + np.eye(2, 8, 3, dtype=int))
    waived = np.zeros_like(floor.waived)
    waived[0, 0] = True
    opened = floor.waive(waived)
    assert opened.allows(lifted, (0, 0)) and not opened.allows(lifted, (0, 1))
    assert np.array_equal(opened.lift(empty, start)[:, 0], [0, 0])
