"""The staffing search: up where a target is missed, down while no target breaks.

Used by :func:`ccsim.optimiser.optimise_staffing` (see its module for the method). A staffing
is a matrix pools × intervals of the day; :meth:`StaffingSearch.misses` simulates a batch of
them at once — every (staffing, replication) a task for the executor — and says, for each,
which (pool, interval) need one agent more. Each task simulates one replication and keeps
only the per-interval counts it needs (:func:`ccsim.metrics.interval_sums`), a fraction of a
full measurement's cost.
"""

from __future__ import annotations

import warnings
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from ccsim.metrics import interval_sums
from ccsim.model.centre import simulate
from ccsim.risk import share_meeting
from ccsim.scenario import Scenario

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccsim.executors import Executor
    from ccsim.optimiser import Targets

MAX_ROUNDS = 200
"""Up/down rounds at most (a safety net: real cases settle in a few dozen)."""

MAX_AGENTS = 10_000
"""Agents in one (pool, interval) beyond which a target is deemed out of reach."""


class StaffingSearch:
    """Up and down over staffings, each evaluated on the same replications.

    Args:
        scenario: the scenario whose pools are staffed.
        targets: what every interval must achieve.
        replications: replications per staffing tried.
        seed: their root seed (the same for every staffing: common random numbers).
        executor: where the replications run.
        progress: called with a line of text after each step (or None).
    """

    def __init__(
        self,
        scenario: Scenario,
        targets: Targets,
        replications: int,
        seed: int,
        executor: Executor,
        progress: Callable[[str], None] | None,
    ):
        from ccsim.optimiser import first_pool  # the optimiser module imports this one

        self.scenario = scenario
        self.targets = targets
        self.replications = replications
        self.seed = seed
        self.executor = executor
        self.progress = progress
        self.evaluations = 0
        self.history: list[str] = []
        self.pools = list(scenario.pools)
        self.per_day = scenario.horizon.intervals_per_day
        self.first_pool = {
            t: self.pools.index(first_pool(scenario, t)) for t in scenario.contact_types
        }

    def run(self, staffing: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """From ``staffing`` (per pool, per interval of the day) to the minimal answer."""
        from ccsim.optimiser import StaffingError

        current = np.array([staffing[p] for p in self.pools], dtype=int)
        for _ in range(MAX_ROUNDS):
            misses = self.misses([current])[0]
            if not misses:
                break
            for pool, i in misses:
                current[pool, i] += 1
            if current.max() > 10_000:
                raise StaffingError(
                    "a target needs more than 10,000 agents in an interval; "
                    "check the targets and the scenario's load"
                )
            self._note(f"up: +1 agent in {len(misses)} (pool, interval)s")
        current = self._down(current)
        return {p: current[k].copy() for k, p in enumerate(self.pools)}

    def _down(self, current: np.ndarray) -> np.ndarray:
        current = self._down_in_bulk(current)
        # One by one, every candidate simulated at once, until no single agent can go.
        for _ in range(MAX_ROUNDS):
            candidates = [(p, i) for p, i in zip(*np.nonzero(current), strict=True)]
            trials = []
            for p, i in candidates:
                trial = current.copy()
                trial[p, i] -= 1
                trials.append(trial)
            passed = [c for c, m in zip(candidates, self.misses(trials), strict=True) if not m]
            self._note(f"down: {len(passed)} of {len(candidates)} agents could go one by one")
            if not passed:
                return current  # minimal: no single agent can go
            # Removals far apart in time barely interact: take out together those at least
            # two intervals apart within each pool (halving the set while that breaks a
            # target); the others wait for the next round.
            last: dict[int, int] = {}
            chosen = []
            for p, i in sorted(passed, key=lambda c: (c[1], c[0])):
                if i >= last.get(p, -2) + 2:
                    chosen.append((p, i))
                    last[p] = i
            while True:
                together = current.copy()
                for p, i in chosen:
                    together[p, i] -= 1
                if len(chosen) == 1 or not self.misses([together])[0]:
                    break
                chosen = chosen[::2]
            current = together
        return current

    def _down_in_bulk(self, current: np.ndarray) -> np.ndarray:
        """One agent out of every interval of a pool at once, pool after pool, again and
        again; where a target breaks, that interval and the one before (whose queue it
        inherits) keep their agents."""
        keep = current == 0
        for _ in range(MAX_ROUNDS):
            if keep.all():
                break
            for pool in range(len(current)):
                if keep[pool].all():
                    continue
                trial = current.copy()
                trial[pool] = np.where(keep[pool], current[pool], current[pool] - 1)
                misses = self.misses([trial])[0]
                if not misses:
                    self._note(f"down in bulk: {int((current - trial).sum())} agents fewer")
                    current = trial
                    keep |= current == 0
                    continue
                before = keep[pool].copy()
                for _other, i in misses:
                    keep[pool, max(i - 1, 0) : i + 1] = True
                if np.array_equal(before, keep[pool]):
                    keep[pool] = True  # the misses lie elsewhere: leave this pool be
        return current

    def misses(self, staffings: list[np.ndarray]) -> list[list[tuple[int, int]]]:
        """For each staffing: the (pool, interval of day) that need an agent more."""
        from ccsim.optimiser import with_staffing

        scenarios = [
            with_staffing(self.scenario, {p: s[k] for k, p in enumerate(self.pools)})
            for s in staffings
        ]
        tasks = [(k, r) for k in range(len(scenarios)) for r in range(self.replications)]
        # Each task carries only its own scenario (not the whole batch: pickling cost).
        items = [(scenarios[k], r) for k, r in tasks]
        snapshots: dict[tuple[int, int], dict] = {}
        for index, snapshot in self.executor.map_unordered(partial(_evaluate, self.seed), items):
            snapshots[tasks[index]] = snapshot
        self.evaluations += len(scenarios)
        return [
            self._misses([snapshots[(k, r)] for r in range(self.replications)])
            for k in range(len(scenarios))
        ]

    def _misses(self, snapshots: list[dict]) -> list[tuple[int, int]]:
        t = self.targets
        need: set[tuple[int, int]] = set()
        checks = []
        if t.service_level:
            checks.append(("service_level", "target", False))
        if t.max_abandon is not None:
            checks.append(("abandon_rate", t.max_abandon, True))
        if t.max_asa is not None:
            checks.append(("asa", t.max_asa, True))
        for measure_name, limit, at_most in checks:
            values = np.stack([s["types"][measure_name] for s in snapshots])  # reps×types×ints
            for k, name in enumerate(self.scenario.contact_types):
                ctype = self.scenario.contact_types[name]
                if ctype.deferrable:
                    continue
                bound = ctype.service_level.target if limit == "target" else limit
                for i in self._failing(values[:, k, :], bound, at_most):
                    need.add((self.first_pool[name], i))
        if t.max_occupancy is not None:
            values = np.stack([s["occupancy"] for s in snapshots])  # reps × pools × intervals
            for p in range(len(self.pools)):
                for i in self._failing(values[:, p, :], t.max_occupancy, True):
                    need.add((p, i))
        return sorted(need)

    def _failing(self, values: np.ndarray, bound: float, at_most: bool) -> set[int]:
        """Intervals of the day where ``values`` (replications × intervals) miss ``bound``:
        on the mean over replications on any day, or, with a confidence, on too small a
        share of (replication, day) pairs. Intervals with nothing to measure pass."""
        days = values.reshape(values.shape[0], -1, self.per_day)  # reps × days × intervals
        if self.targets.confidence is None:
            with warnings.catch_warnings():  # an interval nobody reached: mean NaN, passes
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(days, axis=0)  # days × intervals
            bad = (mean > bound + 1e-12) if at_most else (mean < bound - 1e-12)
            return {int(i) for i in np.nonzero(np.any(bad, axis=0))[0]}
        share = share_meeting(days, bound, axis=(0, 1), at_most=at_most)
        bad = share < self.targets.confidence - 1e-12  # NaN (nothing measured) passes
        return {int(i) for i in np.nonzero(bad)[0]}

    def _note(self, text: str) -> None:
        self.history.append(text)
        if self.progress is not None:
            self.progress(text)


def _evaluate(seed: int, task: tuple[Scenario, int]) -> dict:
    """One replication of one candidate staffing, reduced to the arrays the search needs."""
    scenario, replication = task
    records = simulate(scenario, replication=replication, seed=seed)
    sums, pools = interval_sums(records, scenario)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "types": {
                "service_level": sums["answered_within"] / sums["sl_denominator"],
                "abandon_rate": sums["abandoned"] / sums["offered"],
                "asa": sums["wait_answered"] / sums["answered"],
            },
            "occupancy": np.array([p["busy"] / p["on_duty"] for p in pools.values()]),
        }
