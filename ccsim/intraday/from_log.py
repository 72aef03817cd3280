"""A state from a contact log cut at a time of day (``ccsim state LOG --at 11:40``).

The log is read exactly as calibration reads it (:func:`ccsim.calibration.contact_log.
read_contact_log`: the same mapping file, cleaning and reasons). At the cut, on the chosen
business day:

* **waiting** — contacts that had arrived but were neither answered nor gone (their wait so
  far is the cut minus their arrival);
* **in service** — contacts answered before the cut and ending after it (the time spent is
  the cut minus the answer; a log's handle time includes after-call work, so every agent in
  service is ``busy`` and the time left is drawn from talk + wrap-up: ``includes_wrap_up``);
* **agents** — those in service, and as ``idle`` those who finished a contact in the
  ``idle_window`` before the cut and hold none now (a log shows agents only when they
  handle contacts: an agent logged in but idle for longer is not seen, and breaks are not in
  a log — add them to the file by hand). Each agent goes to the pool the scenario says
  serves the contact types they answered (:mod:`ccsim.intraday.agent_pools`), to the pool
  an ``agent,pool`` table names, or, with ``pool``, all to that one pool;
* **volume so far** — contacts per type that arrived from the business day's start up to
  the cut (blocked ones included: they were offered).

Only what was known at the cut is used: nothing after it is read, so the state is what a
real-time feed would have shown (the backtest depends on it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from ccsim.calibration.contact_log import ContactLog
from ccsim.intraday.agent_pools import check_agent_pools, infer_pool
from ccsim.intraday.state import CentreState, StateError, check_against, parse_state
from ccsim.scenario import Scenario


def state_from_log(
    log: ContactLog,
    at: float,
    pool: str | None,
    date: str | None = None,
    idle_window: float = 1800.0,
    scenario: Scenario | None = None,
    agent_pools: Mapping[str, str] | None = None,
) -> CentreState:
    """The state at clock time ``at`` (seconds after midnight) of business day ``date``.

    Args:
        log: the cleaned contact log.
        at: the cut, seconds after midnight of the business day.
        pool: the pool every agent belongs to (those ``agent_pools`` names aside); ``None``
            to infer each agent's pool from ``scenario``.
        date: the business day (``YYYY-MM-DD``; default: the log's last).
        idle_window: an agent who finished a contact this long before the cut and holds none
            is counted idle.
        scenario: the scenario the state is for: agents' pools are inferred from its
            ``serves`` (when ``pool`` is ``None``), and the state is checked against it.
        agent_pools: agent → pool, overriding the inference (or ``pool``) for these agents.

    Raises:
        StateError: no such day in the log, nothing to build a state from, no pool to put an
            agent in, a pool ``agent_pools`` names is not in the scenario, or the state does
            not fit the scenario.
    """
    if pool is None and scenario is None:
        raise StateError("state_from_log needs a pool or a scenario to put the agents in")
    if scenario is not None and pool is not None and pool not in scenario.pools:
        raise StateError(
            f"--pool {pool}: no such pool in scenario {scenario.name!r} "
            f"(its pools: {', '.join(scenario.pools)})"
        )
    if scenario is not None and agent_pools:
        check_agent_pools(agent_pools, scenario, "table")

    days = log.dates
    if not days:
        raise StateError(f"{log.source}: the log has no usable contact")
    if date is None:
        day = days[-1]
    else:
        try:
            day = pd.Timestamp(date).normalize()
        except ValueError:
            raise StateError(f"--date {date!r}: write the day as YYYY-MM-DD") from None
        if day not in days:
            shown = ", ".join(d.strftime("%Y-%m-%d") for d in days[:8])
            raise StateError(f"--date {date}: no contacts that day in the log (days: {shown}…)")
    c = log.contacts
    cut = day + pd.Timedelta(seconds=at)
    arrived = c["arrival"] <= cut
    answered_before = c["answered"].notna() & (c["answered"] <= cut)
    ended_after = c["ended"] > cut
    waiting = c[arrived & ~answered_before & ended_after & (c["outcome"] != "blocked")]
    serving = c[answered_before & ended_after]
    seconds = pd.Timedelta(seconds=1)
    pool_of = _pool_finder(c[answered_before], pool, scenario, agent_pools or {})
    agents: dict[str, dict] = {}
    in_service = []
    spent = (cut - serving["answered"]).dt.total_seconds().to_numpy(dtype=float)
    names = serving["agent"].astype("string").fillna("").to_numpy(dtype=object)
    types = serving["contact_type"].astype(str).to_numpy()
    for k in range(len(serving)):
        agent = str(names[k]) or f"agent-{k}"
        home = pool_of(agent, str(types[k]))
        agents[agent] = {"id": agent, "pool": home, "state": "busy"}
        in_service.append(
            {
                "type": str(types[k]),
                "pool": home,
                "agent": agent,
                "spent": float(spent[k]),
                "includes_wrap_up": True,  # a log's handle time runs to the end of wrap-up
            }
        )
    recent = c[
        c["answered"].notna() & (c["ended"] <= cut) & (c["ended"] > cut - idle_window * seconds)
    ]
    for name in recent["agent"].dropna().astype(str).unique():
        if name and name not in agents:
            agents[name] = {"id": name, "pool": pool_of(name, None), "state": "idle"}
    business = log.business_dates(c["arrival"]) == day
    so_far = c[business & arrived]
    volume = so_far.groupby("contact_type").size()
    day_index = int((day - log.origin) / pd.Timedelta(days=1))
    source = f"{log.source} at {day.strftime('%Y-%m-%d')} {_clock(at)}"
    state = parse_state(
        {
            "time": float(at),
            "day": day_index,
            "waiting": [
                {"type": str(t), "waited": float(w)}
                for t, w in zip(
                    waiting["contact_type"].astype(str),
                    (cut - waiting["arrival"]).dt.total_seconds().to_numpy(dtype=float),
                    strict=True,
                )
            ],
            "in_service": in_service,
            "agents": list(agents.values()),
            "volume_so_far": {str(k): int(v) for k, v in volume.items()},
        },
        source,
    )
    if scenario is not None:
        check_against(state, scenario, source)
    return state


def _pool_finder(
    answered: pd.DataFrame,
    pool: str | None,
    scenario: Scenario | None,
    agent_pools: Mapping[str, str],
) -> Callable[[str, str | None], str]:
    """``(agent, type in hand) → pool``: the table's pool, else ``pool``, else the pool the
    scenario says serves the types the agent answered up to the cut."""
    named = answered[answered["agent"].notna()]
    names = named["agent"].astype(str)
    answered_types = {
        str(agent): frozenset(group.astype(str))
        for agent, group in named["contact_type"].groupby(names.to_numpy())
    }

    def pool_of(agent: str, in_hand: str | None) -> str:
        if agent in agent_pools:
            return agent_pools[agent]
        if pool is not None:
            return pool
        types = answered_types.get(agent, frozenset())
        if in_hand is not None:
            types = types | {in_hand}
        assert scenario is not None  # state_from_log needs a pool or a scenario
        return infer_pool(agent, types, scenario)

    return pool_of


def _clock(seconds: float) -> str:
    minutes = int(np.round(seconds / 60))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
