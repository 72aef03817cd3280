"""The steady-state floor: never fewer agents than the Erlang figure for the interval's load.

A simulated minimum can dip below what the same targets need in steady state — an interval
whose queue the simulation happened to flatter. The floor forbids it: in every interval of
the day, the pools that share contact types (a *group*: pools linked by a type they both
serve) hold together at least the per-interval Erlang C (Erlang A, with patience) figure for
their pooled load — all their real-time types' calls offered to all their agents, at the
busiest day's rate, with the rate-weighted handle time and patience, and the least demanding
of their service-level targets. Pooling is the best a group of pools can do, so the figure is
a floor the simulation cannot beat in steady state; for a pool that serves its own types
alone it is simply their Erlang figure.

The one exception: an interval that inherits no queue — the opening of a centre that closes,
where nobody is waiting — is not in steady state, and may go below the floor where the
simulation shows the targets met with fewer (see :mod:`ccsim.studies.staffing.verification`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.analytic import erlang
from ccsim.scenario import Scenario
from ccsim.studies.staffing.targets import Targets


@dataclass(frozen=True)
class Floor:
    """The floor of a scenario's pools.

    Attributes:
        groups: the pools (indexes) of each group.
        agents: per group and interval of the day, the fewest agents the group may hold.
        waived: per group and interval of the day, whether the floor is waived there (an
            opening that inherits no queue).
    """

    groups: list[list[int]]
    agents: np.ndarray
    waived: np.ndarray

    def group_of(self, pool: int) -> int:
        return next(g for g, pools in enumerate(self.groups) if pool in pools)

    def allows(self, staffing: np.ndarray, *removals: tuple[int, int]) -> bool:
        """Whether ``staffing`` with one agent fewer in each of ``removals`` (pool,
        interval) keeps every pool at zero or more and every group at its floor."""
        trial = staffing.copy()
        for pool, i in removals:
            trial[pool, i] -= 1
        if trial.min() < 0:
            return False
        held = np.array([trial[pools].sum(axis=0) for pools in self.groups])
        return bool(np.all((held >= self.agents) | self.waived))

    def removable(self, staffing: np.ndarray) -> list[tuple[int, int]]:
        """Every (pool, interval) whose agent could go without breaking the floor."""
        return [
            (p, i)
            for p in range(staffing.shape[0])
            for i in range(staffing.shape[1])
            if staffing[p, i] > 0 and self.allows(staffing, (p, i))
        ]

    def lift(self, staffing: np.ndarray, start: np.ndarray) -> np.ndarray:
        """``staffing`` raised where a group is below its floor: the missing agents go to
        the group's pools furthest below ``start`` (their own Erlang figures), in turn."""
        result = staffing.copy()
        for g, pools in enumerate(self.groups):
            for i in range(result.shape[1]):
                while not self.waived[g, i] and result[pools, i].sum() < self.agents[g, i]:
                    short = [start[p, i] - result[p, i] for p in pools]
                    result[pools[int(np.argmax(short))], i] += 1
        return result

    def waive(self, waived: np.ndarray) -> Floor:
        """The same floor, waived where ``waived`` (groups × intervals) says."""
        return Floor(self.groups, self.agents, np.asarray(waived, dtype=bool))


def staffing_floor(scenario: Scenario, targets: Targets) -> Floor:
    """The floor of ``scenario``'s pools for ``targets`` (module docstring); waived nowhere."""
    pools = list(scenario.pools)
    real_time = [n for n, c in scenario.contact_types.items() if not c.deferrable]
    groups = _groups(scenario, real_time)
    horizon = scenario.horizon
    per_day = horizon.intervals_per_day
    agents = np.zeros((len(groups), per_day), dtype=int)
    for g, members in enumerate(groups):
        types = [t for t in real_time if any(t in scenario.pools[pools[p]].serves for p in members)]
        if not types:
            continue
        rates = np.array(
            [
                scenario.contact_types[t]
                .arrivals.rates_per_second(horizon)
                .reshape(horizon.days, per_day)
                .max(0)
                for t in types
            ]
        )
        for i in range(per_day):
            agents[g, i] = _pooled_agents(scenario, types, rates[:, i], targets)
    return Floor(groups, agents, np.zeros_like(agents, dtype=bool))


def erlang_agents(
    rate: float,
    aht: float,
    threshold: float,
    target: float,
    patience: float | None,
    targets: Targets,
) -> int:
    """The per-interval Erlang C (Erlang A, with patience) figure: the fewest agents meeting
    ``targets`` for calls at ``rate`` per second of ``aht`` seconds."""
    if rate <= 0:
        return 0
    try:
        if targets.service_level:
            agents = erlang.fewest_agents(
                arrival_rate=rate, aht=aht, threshold=threshold, target=target, patience=patience
            ).agents
        else:
            agents = max(1, math.ceil(rate * aht))
        while True:
            m = erlang.analyse(
                arrival_rate=rate, aht=aht, agents=agents, threshold=threshold, patience=patience
            )
            ok = targets.max_abandon is None or m.abandon_rate <= targets.max_abandon
            ok &= targets.max_asa is None or m.asa <= targets.max_asa
            ok &= targets.max_occupancy is None or m.occupancy <= targets.max_occupancy
            if ok or agents > 10_000:
                return agents
            agents += 1
    except (ValueError, erlang.NoSteadyStateError):
        return max(1, math.ceil(rate * aht) + 1)


def _pooled_agents(
    scenario: Scenario, types: list[str], rates: np.ndarray, targets: Targets
) -> int:
    """The Erlang figure of several contact types pooled: their rates added, handle time
    and patience weighted by rate, the least demanding service-level target."""
    total = float(rates.sum())
    if total <= 0:
        return 0
    kinds = [scenario.contact_types[t] for t in types]
    weights = rates / total
    aht = float(sum(w * c.aht for w, c in zip(weights, kinds, strict=True)))
    patience = None
    patiences = [c.patience for c in kinds if c.patience is not None]
    if len(patiences) == len(kinds):  # every type's callers have a patience
        patience = float(sum(w * p.mean for w, p in zip(weights, patiences, strict=True)))
    threshold = max(c.service_level.threshold for c in kinds)
    target = min(c.service_level.target for c in kinds)
    return erlang_agents(total, aht, threshold, target, patience, targets)


def _groups(scenario: Scenario, real_time: list[str]) -> list[list[int]]:
    """Pools linked by a real-time contact type they both serve (connected components)."""
    pools = list(scenario.pools)
    parent = list(range(len(pools)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for t in real_time:
        serving = [k for k, p in enumerate(pools) if t in scenario.pools[p].serves]
        for k in serving[1:]:
            parent[root(k)] = root(serving[0])
    groups: dict[int, list[int]] = {}
    for k in range(len(pools)):
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())
