"""Staffing over the horizon: when each pool's number of agents on the phones changes.

The schedule is a list of changes ``(time, pool, agents, closing)``: at each opening, at
every moment a pool's agents on the phones change — interval boundaries for ``staffing``;
shift starts and ends and every agent's break start and end for ``shifts`` — and at each
closing (agents 0, ``closing`` true: the agents on duty serve the contacts still waiting,
then leave). A centre open 00:00-24:00 runs on across days and closes only at the end of the
horizon.

A break is a drop in the target followed by a rise: at its start an idle agent leaves at
once, a busy one finishes the contact in hand first (no contact is cut off; the break is not
made up, and the minutes count as overtime); at its end an agent comes (back) on duty. Who
is absent each day is drawn here from the stream ``absence/<pool>`` (one uniform number per
scheduled agent and day, in day order), and shrinkage is applied (:mod:`ccsim.scenario.roster`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ccsim.model.streams import RandomStreams
from ccsim.scenario import Scenario
from ccsim.scenario.roster import Roster, absence_width, pool_roster
from ccsim.timeline import OnDutyTrace


@dataclass(frozen=True)
class StaffingPlan:
    """One replication's staffing.

    Attributes:
        changes: every (time, pool index, agents on the phones, closing) change, in time order.
        rosters: each pool's :class:`~ccsim.scenario.roster.Roster` (agents at work and on
            the phones, absentees per day).
    """

    changes: list[tuple[float, int, int, bool]]
    rosters: dict[str, Roster]

    def scheduled(self) -> dict[str, OnDutyTrace]:
        """Each pool's agents scheduled on the phones (the model's target) over time."""
        return {name: roster.on_phones_trace() for name, roster in self.rosters.items()}

    def at_work(self) -> dict[str, OnDutyTrace]:
        """Each pool's agents at work (paid; breaks and off-phone time included) over time."""
        return {name: roster.at_work_trace() for name, roster in self.rosters.items()}


def staffing_plan(scenario: Scenario, streams: RandomStreams | None = None) -> StaffingPlan:
    """The staffing of one replication (absences drawn from ``streams``; None: nobody absent)."""
    horizon = scenario.horizon
    changes, rosters = [], {}
    for pool_index, (name, pool) in enumerate(scenario.pools.items()):
        uniforms, week = None, scenario.days_of_week
        by_day = None if week is None else week.pool_staffing(name, pool, horizon)
        if pool.absenteeism > 0 and streams is not None:
            rng = streams.generator(f"absence/{name}")
            uniforms = rng.random((horizon.days, absence_width(pool, horizon, by_day)))
        roster = pool_roster(pool, horizon, uniforms, staffing=by_day)
        rosters[name] = roster
        previous = None
        for time, agents, closing in zip(
            roster.times, roster.on_phones, roster.closing, strict=True
        ):
            if closing:
                changes.append((float(time), pool_index, 0, True))
            elif previous is None or agents != previous:
                changes.append((float(time), pool_index, int(agents), False))
            previous = None if closing else agents
    changes.sort(key=lambda change: (change[0], change[3]))
    return StaffingPlan(changes, rosters)


def staffing_changes(
    scenario: Scenario, streams: RandomStreams | None = None
) -> list[tuple[float, int, int, bool]]:
    """Every (time, pool index, agents, closing) change of the horizon, in time order."""
    return staffing_plan(scenario, streams).changes
