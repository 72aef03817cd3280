"""Staffing over the horizon: when each pool's scheduled number of agents changes.

The schedule is a list of changes ``(time, pool, agents, closing)``: at every interval
boundary where a pool's staffing changes, at each opening, and at each closing (agents 0,
``closing`` true: the agents on duty serve the contacts still waiting, then leave). A centre
open 00:00-24:00 runs on across days and closes only at the end of the horizon.
"""

from __future__ import annotations

from ccsim.scenario import Scenario


def staffing_changes(scenario: Scenario) -> list[tuple[float, int, int, bool]]:
    """Every (time, pool index, agents, closing) change of the horizon, in time order."""
    horizon = scenario.horizon
    starts = horizon.interval_starts()
    per_day = horizon.intervals_per_day
    closes = horizon.day_closes()
    changes = []
    for pool_index, pool in enumerate(scenario.pools.values()):
        staffing = pool.staffing_per_interval(horizon)
        previous = None
        for i, start in enumerate(starts):
            opening = i % per_day == 0 and not (horizon.continuous and i > 0)
            if opening or staffing[i] != previous:
                changes.append((float(start), pool_index, int(staffing[i]), False))
                previous = staffing[i]
            last_of_day = i % per_day == per_day - 1
            if last_of_day and (not horizon.continuous or i == len(starts) - 1):
                changes.append((float(closes[i // per_day]), pool_index, 0, True))
                previous = None
    changes.sort(key=lambda change: (change[0], change[3]))
    return changes
