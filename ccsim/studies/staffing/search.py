"""The staffing search: up where a target is missed, down while no target breaks.

Step 2 of :func:`ccsim.studies.staffing.optimiser.optimise_staffing` (see its module for the whole
method).
A staffing is a matrix pools × intervals of the day. The search simulates candidates on its
own replications (one root seed, the same for every candidate: common random numbers) and
judges them with the prediction bound of :mod:`ccsim.studies.staffing.verdict`, aiming at the bound
the verification will apply. It is a quick, cheap first answer: its minimum is judged on the
replications that found it (and so is optimistic), which is why the verification that
follows never reuses them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ccsim.studies.staffing.floor import Floor
from ccsim.studies.staffing.trials import Trials
from ccsim.studies.staffing.verdict import Judge, check_values

MAX_ROUNDS = 200
"""Up/down rounds at most (a safety net: real cases settle in a few dozen)."""

MAX_AGENTS = 10_000
"""Agents in one (pool, interval) beyond which a target is deemed out of reach."""


class StaffingSearch:
    """Up and down over staffings, each evaluated on the same replications.

    Args:
        trials: the simulations (shared with the verification).
        judge: the verdicts.
        replications: replications per staffing tried.
        seed: their root seed (the same for every staffing: common random numbers).
        floor: the steady-state floor (:mod:`ccsim.studies.staffing.floor`) the search never goes
            below.
        progress: called with a line of text after each step (or None).
    """

    def __init__(
        self,
        trials: Trials,
        judge: Judge,
        replications: int,
        seed: int,
        floor: Floor,
        progress: Callable[[str], None] | None,
    ):
        self.trials = trials
        self.judge = judge
        self.replications = replications
        self.seed = seed
        self.floor = floor
        self.progress = progress
        self.history: list[str] = []

    def run(self, start: np.ndarray) -> np.ndarray:
        """From ``start`` (pools × intervals of the day) to the search's minimal answer."""
        current = self.floor.lift(start, start)
        for _ in range(MAX_ROUNDS):
            misses = self.misses([current])[0]
            if not misses:
                return self._one_by_one(self._in_bulk(current))
            current = add_agents(current, misses)
            self._note(f"search up: +1 agent in {len(misses)} (pool, interval)s")
        raise out_of_reach()

    def misses(self, staffings: list[np.ndarray]) -> list[set[tuple[int, int]]]:
        """For each staffing: the (pool, interval of the day) that need an agent more."""
        asked = [(s, self.seed, self.replications) for s in staffings]
        aim = self.judge.assurance.max_replications
        result = []
        for snapshots in self.trials.snapshots(asked):
            values = [check_values(snapshots, c, self.judge.days) for c in self.judge.checks]
            verdicts = self.judge.verdicts(values, aim=aim)
            result.append(self.judge.misses(verdicts))
        return result

    def _in_bulk(self, current: np.ndarray) -> np.ndarray:
        """One agent out of every interval of a pool at once, pool after pool, again and
        again; where a target breaks, that interval and the one before (whose queue it
        inherits) keep their agents."""
        keep = np.zeros(current.shape, dtype=bool)
        for _ in range(MAX_ROUNDS):
            keep |= self._held(current)
            if keep.all():
                break
            for pool in range(len(current)):
                keep |= self._held(current)
                if keep[pool].all():
                    continue
                trial = current.copy()
                trial[pool] = np.where(keep[pool], current[pool], current[pool] - 1)
                misses = self.misses([trial])[0]
                if not misses:
                    self._note(f"search down in bulk: {int((current - trial).sum())} agents fewer")
                    current = trial
                    continue
                before = keep[pool].copy()
                for _other, i in misses:
                    keep[pool, max(i - 1, 0) : i + 1] = True
                if np.array_equal(before, keep[pool]):
                    keep[pool] = True  # the misses lie elsewhere: leave this pool be
        return current

    def _held(self, current: np.ndarray) -> np.ndarray:
        """Where no agent can go: none left, or the floor would break."""
        held = np.ones(current.shape, dtype=bool)
        for pool, i in self.floor.removable(current):
            held[pool, i] = False
        return held

    def _one_by_one(self, current: np.ndarray) -> np.ndarray:
        """Every single agent out, all candidates simulated at once; those that break
        nothing go together where far enough apart, until no single agent can go."""
        for _ in range(MAX_ROUNDS):
            candidates = self.floor.removable(current)
            trials = [without(current, c) for c in candidates]
            passed = [c for c, m in zip(candidates, self.misses(trials), strict=True) if not m]
            self._note(f"search down: {len(passed)} of {len(candidates)} agents could go")
            if not passed:
                return current
            chosen = spaced(passed, current, self.floor)
            while True:
                together = without(current, *chosen)
                if len(chosen) == 1 or not self.misses([together])[0]:
                    break
                chosen = chosen[::2]
            current = together
        return current

    def _note(self, text: str) -> None:
        self.history.append(text)
        if self.progress is not None:
            self.progress(text)


def add_agents(current: np.ndarray, misses: set[tuple[int, int]]) -> np.ndarray:
    """One agent more in every (pool, interval) of ``misses``."""
    result = current.copy()
    for pool, i in misses:
        result[pool, i] += 1
    if result.max() > MAX_AGENTS:
        raise out_of_reach()
    return result


def out_of_reach():
    """The error for targets no staffing reaches."""
    from ccsim.studies.staffing.targets import StaffingError

    return StaffingError(
        f"the targets are out of reach: adding agents ({MAX_AGENTS:,} at most in an interval, "
        f"{MAX_ROUNDS} rounds) does not make every interval meet them. Check the targets "
        "(a --max-abandon or --max-asa a queue cannot meet, a --confidence too close to 1) "
        "and the scenario's load"
    )


def without(current: np.ndarray, *removals: tuple[int, int]) -> np.ndarray:
    """``current`` with one agent fewer in each of ``removals``."""
    result = current.copy()
    for pool, i in removals:
        result[pool, i] -= 1
    return result


def spaced(
    candidates: list[tuple[int, int]], current: np.ndarray, floor: Floor
) -> list[tuple[int, int]]:
    """Removals far apart in time barely interact: those at least two intervals apart
    within each pool, earliest first, as long as they keep the floor together (the others
    wait for the next round)."""
    last: dict[int, int] = {}
    chosen: list[tuple[int, int]] = []
    for pool, i in sorted(candidates, key=lambda c: (c[1], c[0])):
        if i >= last.get(pool, -2) + 2 and floor.allows(current, *chosen, (pool, i)):
            chosen.append((pool, i))
            last[pool] = i
    return chosen
