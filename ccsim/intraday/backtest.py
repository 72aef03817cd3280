"""Backtest of the intraday projection: cut a contact log at several times of day, project
the rest of each day from the state at the cut, and compare with what happened.

For every business day of the log and every cut time, two projections of the rest of the day
(the median over replications) are set beside the log's own figures for the same contacts
(arriving after the cut, or waiting at it):

* **live** — from the state at the cut (:func:`ccsim.intraday.from_log.state_from_log`:
  who was waiting and for how long, who was being served, the agents seen) with the
  re-forecast from the volume so far;
* **state only** — from the same state, the rest of the day as forecast (no re-forecast);
* **ignoring the live state** — from an empty centre at the cut with the plan's agents idle,
  the rest of the day as forecast (what a projection without intraday would say).

The error of each is the projection minus the actual; :func:`error_table` gives the mean
absolute error per cut time for service level, ASA, abandonment and volume.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ccsim.calibration.contact_log import ContactLog
from ccsim.intraday.from_log import state_from_log
from ccsim.intraday.projection import PLAN, project
from ccsim.intraday.state import CentreState, parse_state
from ccsim.model.streams import RandomStreams
from ccsim.model.warm_start import planned_at
from ccsim.scenario import Scenario
from ccsim.units import DAY

MEASURES = ("offered", "service_level", "asa", "abandon_rate")
PROJECTIONS = ("live", "state_only", "ignoring_state")


def actual_rest_of_day(
    log: ContactLog,
    scenario: Scenario,
    day: pd.Timestamp,
    at: float,
    until: float | None = None,
) -> dict[str, dict[str, float]]:
    """The log's figures per contact type for contacts of ``day`` arriving after the cut
    (and before ``until``, seconds after midnight, if given) or waiting at it: offered,
    service level, ASA, abandonment (as the projection counts them)."""
    c = log.contacts
    cut = day + pd.Timedelta(seconds=at)
    mine = log.business_dates(c["arrival"]) == day
    if until is not None:
        mine &= c["arrival"] < day + pd.Timedelta(seconds=until)
    waiting_at_cut = (c["arrival"] < cut) & ~(c["answered"] <= cut) & (c["ended"] > cut)
    rest = c[mine & ((c["arrival"] >= cut) | waiting_at_cut)]
    found: dict[str, dict[str, float]] = {m: {} for m in MEASURES}
    for name, ctype in scenario.contact_types.items():
        rows = rest[rest["contact_type"] == name]
        answered = (rows["outcome"] == "answered").to_numpy()
        lost = (rows["outcome"] != "answered").to_numpy()
        wait = rows["wait"].to_numpy(dtype=float)
        within = answered & (wait <= ctype.service_level.threshold)
        n_answered = answered.sum()
        found["offered"][name] = float(len(rows))
        found["service_level"][name] = _ratio(within.sum(), answered.sum() + lost.sum())
        found["asa"][name] = _ratio(wait[answered].sum(), n_answered)
        found["abandon_rate"][name] = _ratio(lost.sum(), len(rows))
    return found


def empty_state(scenario: Scenario, state: CentreState, seed: int) -> CentreState:
    """The same moment with nobody waiting or in service, the plan's agents idle and no
    volume so far (no re-forecast): the projection that ignores the live state."""
    planned = planned_at(scenario, RandomStreams(seed, 0), state.seconds)
    agents = [
        {"id": f"{pool}-{k}", "pool": pool, "state": "idle"}
        for pool, count in zip(scenario.pools, planned, strict=True)
        for k in range(count)
    ]
    return parse_state({"time": state.time, "day": state.day, "agents": agents})


def with_planned_agents(scenario: Scenario, state: CentreState, seed: int) -> CentreState:
    """``state`` with idle agents added where a pool has fewer on duty than the plan
    schedules at the state's time: a log shows agents only when they handle contacts, so
    the agents it shows are a lower bound (a real-time feed knows who is logged on)."""
    planned = planned_at(scenario, RandomStreams(seed, 0), state.seconds)
    data = state.model_dump(mode="json")
    on_duty = {pool: 0 for pool in scenario.pools}
    for agent in state.agents:
        if agent.state != "break" and agent.pool in on_duty:
            on_duty[agent.pool] += 1
    for pool, count in zip(scenario.pools, planned, strict=True):
        for k in range(count - on_duty[pool]):
            data["agents"].append({"id": f"{pool}-unseen-{k}", "pool": pool, "state": "idle"})
    return parse_state(data)


def backtest_cuts(
    log: ContactLog,
    scenario: Scenario,
    cuts: Sequence[float],
    pool: str,
    replications: int = 20,
    seed: int = 1,
    days: Sequence[str] | None = None,
    top_up: bool = True,
) -> pd.DataFrame:
    """One row per (day, cut, contact type, scope, measure): the actual figure and the three
    projections' medians, over the rest of the day and over the interval after the cut
    (from the cut to that interval's end: where the state matters most). With ``top_up``,
    the agents the log shows are topped up with idle agents to the plan's number
    (:func:`with_planned_agents`)."""
    rows = []
    chosen = log.dates if days is None else [pd.Timestamp(d) for d in days]
    for day in chosen:
        for at in cuts:
            state = state_from_log(log, at, pool, day.strftime("%Y-%m-%d"))
            if top_up:
                state = with_planned_agents(scenario, state, seed)
            if state.day >= scenario.horizon.days:
                continue
            actual = actual_rest_of_day(log, scenario, day, at)
            first = actual_rest_of_day(log, scenario, day, at, _interval_end(scenario, at))
            live = project(scenario, state, replications=replications, seed=seed)
            state_only = project(
                scenario, state, replications=replications, seed=seed, reforecast_on=False
            )
            blind = project(
                scenario,
                empty_state(scenario, state, seed),
                replications=replications,
                seed=seed,
                reforecast_on=False,
            )
            found = {"live": live, "state_only": state_only, "ignoring_state": blind}
            for measure in MEASURES:
                for name in scenario.contact_types:
                    row = {"day": day.strftime("%Y-%m-%d"), "cut": at, "contact_type": name}
                    rows.append(
                        {**row, "scope": "rest of day", "measure": measure}
                        | {"actual": actual[measure][name]}
                        | {k: p.total(PLAN, measure, name)[0] for k, p in found.items()}
                    )
                    rows.append(
                        {**row, "scope": "next interval", "measure": measure}
                        | {"actual": first[measure][name]}
                        | {k: p.fan(PLAN, measure, name)[0][0] for k, p in found.items()}
                    )
    return pd.DataFrame(rows)


def error_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute error per scope, cut time and measure (over days and contact types) of
    each projection."""
    errors = {f"{c}_error": (rows[c] - rows["actual"]).abs() for c in PROJECTIONS}
    frame = rows.assign(**errors)
    table = frame.groupby(["scope", "cut", "measure"])[list(errors)].mean()
    return table.reset_index()


def _interval_end(scenario: Scenario, at: float) -> float:
    """The end (clock time) of the planning interval ``at`` falls in."""
    horizon = scenario.horizon
    ends = np.mod(horizon.interval_starts(), DAY) + horizon.interval
    return float(ends[ends > at].min()) if (ends > at).any() else at + horizon.interval


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else float(np.nan)
