"""Starting the model from a state: an empty state is a plain run; a state taken mid-day and
continued gives the afternoon of the uninterrupted day (in distribution)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ccsim import load_scenario
from ccsim.intraday.measures import rest_of_day, rest_of_day_grid
from ccsim.intraday.snapshot import snapshot
from ccsim.intraday.start import start_state
from ccsim.intraday.state import parse_state
from ccsim.model.centre import simulate
from ccsim.model.live import LiveCentre
from ccsim.model.staffing import staffing_plan
from ccsim.model.streams import RandomStreams
from ccsim.model.warm_start import StartState, WarmCentre
from ccsim.scenario.overrides import apply_overrides, parse_override

pytestmark = pytest.mark.model

COLUMNS = ("arrival", "answered", "ended", "outcome", "contact_type", "pool", "agent")


def _same_records(a, b) -> None:
    for name in COLUMNS:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    for pool, trace in a.on_duty.items():
        assert np.array_equal(trace.times, b.on_duty[pool].times)
        assert np.array_equal(trace.counts, b.on_duty[pool].counts)


def _override(scenario, *texts):
    return apply_overrides(scenario, [parse_override(t) for t in texts])


def test_an_empty_state_at_the_opening_is_the_plain_run_record_for_record():
    scenario = load_scenario("default-day")
    opening = scenario.horizon.interval_starts()[0]
    first = [c for c in staffing_plan(scenario).changes if c[0] == opening]
    agents = tuple(p for _, p, target, _ in first for _ in range(target))
    for replication in (0, 1):
        warm = WarmCentre(
            scenario, RandomStreams(1, replication), StartState(opening, agents)
        ).run()
        _same_records(simulate(scenario, replication, seed=1), warm)


def test_a_hand_written_empty_state_mid_day_equals_a_plain_run_opening_then():
    # The day cut at 14:00: a scenario opening at 14:00 with the afternoon's forecast and
    # staffing is the plain run "from that time"; the whole day's scenario started from a
    # hand-written state (the plan's 14:00 agents idle, nobody waiting) must equal it.
    day = load_scenario("default-day")
    volumes = day.contact_types["voice"].arrivals.volume_per_interval
    staffing = day.pools["agents"].staffing
    assert volumes is not None and isinstance(staffing, list)
    afternoon = _override(
        day,
        'horizon.open="14:00"',
        f"contact_types.voice.arrivals.volume_per_interval={list(volumes[12:])}",
        f"pools.agents.staffing={list(staffing[12:])}",
    )
    state = parse_state(
        {
            "time": "14:00",
            "agents": [
                {"id": f"a{i}", "pool": "agents", "state": "idle"} for i in range(staffing[12])
            ],
        }
    )
    for replication in (0, 3):
        warm = WarmCentre(day, RandomStreams(5, replication), start_state(state, day)).run()
        _same_records(simulate(afternoon, replication, seed=5), warm)


def _afternoon(records, scenario, grid, in_service):
    per, whole = rest_of_day(records, scenario, grid, in_service)
    return (
        per["service_level"]["voice"][0],  # the interval the state falls in: state-driven
        whole["abandon_rate"]["voice"],
        whole["service_level"]["voice"],
        whole["occupancy"]["agents"],
    )


def test_a_state_taken_mid_day_and_continued_gives_the_uninterrupted_afternoon():
    # Understaffed, with gamma patience (not memoryless: a caller who has waited long has
    # little patience left) and lognormal talk: the state's queue and calls in progress
    # shape the first interval, and only the conditional draws reproduce it.
    scenario = _override(
        load_scenario("default-day"),
        "pools.agents.staffing=*0.9",
        "contact_types.voice.patience={distribution: gamma, mean: 3min, cv: 0.3}",
    )
    t0 = 10 * 3600 + 40 * 60
    grid = rest_of_day_grid(scenario, t0, 86400.0)
    uninterrupted, continued = [], []
    for r in range(40):
        # Two independent samples: uninterrupted days (seed 21), and days (seed 22) stopped
        # at t0, snapshotted to a state file's content and continued on fresh numbers.
        day = LiveCentre(scenario, r, seed=21).run()
        serving = np.flatnonzero((day.answered < t0) & ~(day.ended <= t0))
        uninterrupted.append(_afternoon(day, scenario, grid, serving))
        live = LiveCentre(scenario, r, seed=22)
        live.advance(t0)
        state = snapshot(live)
        warm = WarmCentre(scenario, RandomStreams(77, r), start_state(state, scenario))
        again = warm.run()
        kept = warm.state_contacts[len(state.waiting) :]
        continued.append(_afternoon(again, scenario, grid, kept))
    a, b = np.array(uninterrupted), np.array(continued)
    assert np.nanmean(a[:, 1]) > 0.01, "the test needs a queue that abandons"
    for column in range(a.shape[1]):
        x, y = a[:, column], b[:, column]
        x, y = x[~np.isnan(x)], y[~np.isnan(y)]
        assert stats.ttest_ind(x, y, equal_var=False).pvalue > 0.001, column


@pytest.mark.parametrize(
    "name",
    [
        "after-hours",
        "channel-shift",
        "chatbot-front-door",
        "email-backlog-week",
        "messaging",
        "multi-skill",
        "redials-callbacks",
        "shifts-day",
        "tiers-transfers",
    ],
)
def test_every_kind_of_centre_can_be_snapshotted_mid_day_and_continued(name):
    # Chats, email backlogs and blending, bots, redials and callbacks, transfers, shifts:
    # the state taken mid-day is valid for its scenario and the day runs on from it.
    from ccsim.intraday.projection import PLAN, project

    scenario = load_scenario(name)
    starts = scenario.horizon.interval_starts()
    t0 = float(starts[len(starts) // (2 * scenario.horizon.days)] + 600)
    live = LiveCentre(scenario, 0)
    live.advance(t0)
    state = snapshot(live)
    result = project(scenario, state, replications=2)
    offered = result.totals[PLAN]["offered"]
    assert sum(float(v.sum()) for v in offered.values()) >= len(state.waiting)
    assert all(np.all((v >= 0) | np.isnan(v)) for v in result.totals[PLAN]["occupancy"].values())
