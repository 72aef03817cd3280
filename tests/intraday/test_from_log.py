"""A state from a contact log is the state of the simulated day that wrote the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccsim import load_scenario
from ccsim.calibration.contact_log import read_contact_log
from ccsim.calibration.sample_log import records_log
from ccsim.intraday.from_log import state_from_log
from ccsim.intraday.snapshot import snapshot
from ccsim.model.centre import simulate
from ccsim.model.live import LiveCentre

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(("day", "clock"), [(0, 14 * 3600.0), (3, 10.5 * 3600)])
def test_the_state_of_a_log_equals_the_snapshot_of_the_day_that_wrote_it(tmp_path, day, clock):
    scenario = load_scenario(DATA / "sample-centre.yaml")  # no wrap-up: talk is the handle
    path = tmp_path / "log.csv"
    records_log(simulate(scenario, 2, seed=9)).to_csv(path, index=False)
    log = read_contact_log(path)
    live = LiveCentre(scenario, 2, seed=9)
    live.advance(day * 86400 + clock)
    expected = snapshot(live)
    found = state_from_log(log, clock, "agents", log.dates[day].strftime("%Y-%m-%d"))
    assert found.day == expected.day == day and found.time == clock
    assert found.volume_so_far == expected.volume_so_far

    def waits(state):
        return sorted((w.type, round(w.waited, 3)) for w in state.waiting)

    def serving(state):
        return sorted((c.type, round(c.spent, 3)) for c in state.in_service)

    assert waits(found) == waits(expected)
    assert serving(found) == serving(expected) and len(found.in_service) > 0
    assert all(c.includes_wrap_up for c in found.in_service)
    busy = {a.id for a in found.agents if a.state == "busy"}
    assert len(busy) == len({a.id for a in expected.agents if a.state == "busy"})
