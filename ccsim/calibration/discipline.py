"""Who is served before whom: overtaking shares, dedicated agents and priorities from a log.

First come, first served means nobody is answered while someone who came earlier is still
waiting. A log shows how far a centre departs from it:

* **overtaking share** of a class: the share of its answered calls answered while a call
  that arrived earlier (of a given class) was still waiting — answered later, or hanging up
  later. Computed with a running maximum of "end of wait" in arrival order, per class.
  Waits end on two clocks (the queue's, the agents'), so an overtaking counts only beyond
  the clock tolerance.
* **dedicated path**: a class answered (almost) only by agents who answer (almost) nothing
  else has agents of its own (a desk, a pool in the scenario).
* **priorities** among the classes sharing agents: class A is above class B when A's calls
  overtake waiting B calls clearly more often than the reverse (at least 5 points, and A
  overtakes B in at least 5 % of its answered calls); classes not told apart share a level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccsim.calibration.contact_log import ContactLog

DEDICATED_SHARE = 0.95
"""Share of a class's answers given by agents who answer almost only it (and of their
answers going to it) from which the class has a dedicated path."""
CLEAR = 0.05
"""Overtaking difference (share of answered calls) that sets one class above another."""


@dataclass(frozen=True)
class Discipline:
    """What the log shows about the order of service.

    Attributes:
        overtaking: class → share of its answered calls that overtook anyone waiting.
        pairwise: (class A, class B) → share of A's answered calls that overtook a waiting B.
        answered_at_once: class → share of its answered calls with no wait (within the
            clock tolerance).
        dedicated: class → the agents who serve only it (a desk of its own).
        priorities: class served by the shared agents → level (1 = first).
        pools: pool name → the classes it serves (the shared pool ``agents`` first).
        agents_of: pool name → its agents.
    """

    overtaking: dict[str, float]
    pairwise: dict[tuple[str, str], float]
    answered_at_once: dict[str, float]
    dedicated: dict[str, tuple[str, ...]]
    priorities: dict[str, int]
    pools: dict[str, tuple[str, ...]]
    agents_of: dict[str, tuple[str, ...]]

    def one_pool(self) -> Discipline:
        """The same findings with every class in one pool (a staffing file is for one pool)."""
        classes = tuple(self.overtaking)
        levels = {c: self.priorities.get(c, 1) for c in classes}
        return Discipline(
            self.overtaking,
            self.pairwise,
            self.answered_at_once,
            {},
            levels,
            {"agents": classes},
            {},
        )

    @property
    def fcfs(self) -> bool:
        """No priorities, no dedicated path: one queue in arrival order."""
        return not self.dedicated and len(set(self.priorities.values())) <= 1

    def lines(self) -> list[str]:
        """The fit report's paragraph."""
        lines = ["Order of service (who overtakes whom):"]
        for name, share in self.overtaking.items():
            lines.append(
                f"  {name:<14} {share:6.1%} of answered calls went ahead of someone still "
                f"waiting; {self.answered_at_once[name]:6.1%} answered at once"
            )
        for (a, b), share in self.pairwise.items():
            if a != b and share >= 0.01:
                lines.append(f"  {a} ahead of a waiting {b}: {share:.1%} of {a}'s answered calls")
        for name, agents in self.dedicated.items():
            lines.append(
                f"  {name} has a path of its own: {len(agents)} agent(s) answer only {name} "
                f"(pool {pool_name(name)} in the scenario)"
            )
        if self.priorities:
            order = sorted(self.priorities.items(), key=lambda kv: kv[1])
            lines.append(
                "  Shared agents: "
                + ", ".join(f"{n} priority {p}" for n, p in order)
                + ("  (first come, first served)" if len({p for _, p in order}) == 1 else "")
            )
        return lines


def pool_name(ctype: str) -> str:
    """The scenario pool of a class's dedicated agents."""
    return f"{ctype}_desk"


def detect_discipline(log: ContactLog, tolerance: float = 2.0) -> Discipline:
    """Overtaking shares, dedicated paths and priorities of ``log`` (module docstring)."""
    contacts = log.contacts
    classes = log.contact_types
    queued = contacts[contacts["outcome"] != "blocked"]
    arrival = queued["arrival"].to_numpy("datetime64[ns]").astype(np.int64) / 1e9
    end = queued["answered"].where(queued["outcome"] == "answered", queued["ended"])
    wait_end = end.to_numpy("datetime64[ns]").astype(np.int64) / 1e9
    answered = (queued["outcome"] == "answered").to_numpy()
    kind = queued["contact_type"].to_numpy()
    order = np.argsort(arrival, kind="stable")
    arrival, wait_end = arrival[order], wait_end[order]
    answered, kind = answered[order], kind[order]
    overtook_any = np.zeros(len(arrival), dtype=bool)
    pairwise = {}
    for b in classes:
        # The latest end of wait among earlier arrivals of class b (strictly earlier).
        ends = np.where(kind == b, wait_end, -np.inf)
        running = np.concatenate(([-np.inf], np.maximum.accumulate(ends)[:-1]))
        overtook = answered & (running > wait_end + tolerance)
        overtook_any |= overtook
        for a in classes:
            mine = answered & (kind == a)
            pairwise[(a, b)] = float(overtook[mine].mean()) if mine.any() else 0.0
    overtaking, at_once = {}, {}
    waits = contacts["wait"].to_numpy(float)
    for a in classes:
        mine = answered & (kind == a)
        overtaking[a] = float(overtook_any[mine].mean()) if mine.any() else 0.0
        served = ((contacts["contact_type"] == a) & (contacts["outcome"] == "answered")).to_numpy()
        at_once[a] = float((waits[served] <= tolerance).mean()) if served.any() else 0.0
    dedicated = _dedicated(contacts, classes) if log.has_agents else {}
    shared = [c for c in classes if c not in dedicated]
    priorities = _priorities(shared, pairwise)
    pools = {"agents": tuple(shared)} if shared else {}
    pools.update({pool_name(c): (c,) for c in dedicated})
    agents_of = {pool_name(c): agents for c, agents in dedicated.items()}
    if shared and log.has_agents:
        desk = {a for agents in dedicated.values() for a in agents}
        everyone = contacts["agent"].dropna().unique()
        agents_of["agents"] = tuple(a for a in everyone if a not in desk)
    return Discipline(overtaking, pairwise, at_once, dedicated, priorities, pools, agents_of)


def _dedicated(contacts: pd.DataFrame, classes: list[str]) -> dict[str, tuple[str, ...]]:
    answered = contacts[contacts["outcome"] == "answered"].dropna(subset=["agent"])
    table = pd.crosstab(answered["agent"], answered["contact_type"])
    shares = table.div(table.sum(axis=1), axis=0)
    result: dict[str, tuple[str, ...]] = {}
    if len(classes) < 2:
        return result
    for name in classes:
        if name not in table.columns:
            continue
        own = shares.index[shares[name] >= DEDICATED_SHARE]
        covers = table.loc[own, name].sum() >= DEDICATED_SHARE * table[name].sum()
        if len(own) and covers and len(own) < len(shares):  # not everyone: a path of its own
            result[name] = tuple(sorted(own))
    return result


def _priorities(shared: list[str], pairwise: dict[tuple[str, str], float]) -> dict[str, int]:
    """Levels from clear pairwise overtaking (1 = first)."""
    above = {name: 0 for name in shared}
    for a in shared:
        for b in shared:
            if a != b and pairwise[(a, b)] >= CLEAR and pairwise[(a, b)] - pairwise[(b, a)] > CLEAR:
                above[a] += 1
    levels = sorted(set(above.values()), reverse=True)
    return {name: levels.index(above[name]) + 1 for name in shared}
