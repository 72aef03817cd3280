"""The total-cost search: one agent more or less in one interval, judged on paired differences.

A staffing is agents to schedule per pool and interval of the day (a matrix, pools × intervals).
Every staffing tried is run on the same root seed, replication by replication, so two
staffings see the same customers with the same issues at the same moments (common random
numbers) and their difference in total cost is what the agents changed, not luck.

:class:`CostLedger` keeps every staffing's replications and runs more of them only when a
comparison asks for them. :func:`coordinate_search` visits each pool and interval in turn and
moves one agent there (up first, then down) while the move lowers the mean total cost —
judged on the paired differences of the two staffings: a move whose difference is not clear
of zero at ``replications`` pairs gets more replications (doubling, up to
``max_replications``) before its mean decides. Sweeps repeat until no move helps: the answer
is a local minimum in which no single agent in any interval pays for itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from ccsim.experiment.executors import Executor
from ccsim.experiment.replications import ExperimentResult, run_replication
from ccsim.measures.replication import ReplicationMeasures
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import with_experiment
from ccsim.stats import Difference, paired_difference
from ccsim.studies.staffing.optimiser import with_staffing

Key = tuple[tuple[int, ...], ...]
"""A staffing as a hashable key: agents per interval of the day, per pool (pool order)."""


def key_of(matrix: np.ndarray) -> Key:
    """The key of a staffing matrix (pools × intervals)."""
    return tuple(tuple(int(v) for v in row) for row in matrix)


def _measures(scenario: Scenario, replication: int) -> ReplicationMeasures:
    """One replication's measures (a module-level task, picklable for worker processes)."""
    return run_replication(scenario, replication)[1]


class CostLedger:
    """Every staffing tried and its replications, run lazily on one root seed.

    Args:
        scenario: the scenario whose pools' staffing is replaced.
        pools: the pools, in the order of the matrix rows.
        seed: the root seed every staffing runs on.
        executor: where the replications run.
        progress: told which staffing is being run.
    """

    def __init__(
        self,
        scenario: Scenario,
        pools: tuple[str, ...],
        seed: int,
        executor: Executor,
        progress: Callable[[str], None] | None = None,
    ):
        self.scenario = with_experiment(scenario, seed=seed)
        self.pools = pools
        self.seed = seed
        self.executor = executor
        self.progress = progress
        self.runs: dict[Key, list[ReplicationMeasures]] = {}
        self.order: list[Key] = []  # in the order first tried

    def scenario_of(self, key: Key) -> Scenario:
        """The scenario with the staffing ``key``."""
        return with_staffing(
            self.scenario, {p: np.array(row) for p, row in zip(self.pools, key, strict=True)}
        )

    def replications(self, key: Key, count: int) -> list[ReplicationMeasures]:
        """The first ``count`` replications of ``key`` (run now if not run yet)."""
        done = self.runs.setdefault(key, [])
        if key not in self.order:
            self.order.append(key)
        if len(done) < count:
            if self.progress is not None:
                self.progress(
                    f"replications {len(done) + 1}–{count} of {describe(self.pools, key)}"
                )
            task = partial(_measures, self.scenario_of(key))
            more: list[ReplicationMeasures | None] = [None] * (count - len(done))
            for index, measures in self.executor.map_unordered(task, range(len(done), count)):
                more[index] = measures
            done.extend(m for m in more if m is not None)
        return done[:count]

    def totals(self, key: Key, count: int) -> np.ndarray:
        """Total cost (agent cost + churn cost) of the first ``count`` replications."""
        return np.array([r.overall["total_cost"] for r in self.replications(key, count)], float)

    def result(self, key: Key) -> ExperimentResult:
        """Every replication run of ``key`` as an experiment result (no records kept)."""
        runs = self.runs[key]
        scenario = with_experiment(self.scenario_of(key), replications=max(len(runs), 1))
        return ExperimentResult(scenario=scenario, replications=list(runs))


@dataclass(frozen=True)
class Move:
    """One move judged: which agent, and the paired difference in total cost (move − before)."""

    pool: str
    interval: int
    step: int
    difference: Difference
    accepted: bool


def judge_move(
    ledger: CostLedger,
    before: Key,
    after: Key,
    replications: int,
    max_replications: int,
    confidence: float,
) -> Difference:
    """The paired difference in total cost ``after − before``, on enough replications: more
    are run (doubling, up to ``max_replications``) while its interval still holds zero."""
    count = replications
    while True:
        difference = paired_difference(
            ledger.totals(before, count), ledger.totals(after, count), confidence
        )
        if difference.significant or count >= max_replications:
            return difference
        count = min(2 * count, max_replications)


def coordinate_search(
    ledger: CostLedger,
    start: np.ndarray,
    lowest: np.ndarray,
    *,
    replications: int,
    max_replications: int,
    confidence: float,
    max_moves: int,
) -> tuple[np.ndarray, list[Move]]:
    """The staffing (pools × intervals) reached from ``start`` by single-agent moves that
    lower the mean total cost, never below ``lowest`` (see the module docstring)."""
    current = np.array(start, dtype=np.int64)
    ceiling = 3 * current.max(axis=1, keepdims=True) + 10  # a guard against runaway growth
    moves: list[Move] = []
    accepted = 0
    changed = True
    while changed and accepted < max_moves:
        changed = False
        for k, pool in enumerate(ledger.pools):
            for interval in range(current.shape[1]):
                for step in (1, -1):
                    moved = False
                    while accepted < max_moves:
                        candidate = current.copy()
                        candidate[k, interval] += step
                        if not lowest[k, interval] <= candidate[k, interval] <= ceiling[k, 0]:
                            break
                        difference = judge_move(
                            ledger,
                            key_of(current),
                            key_of(candidate),
                            replications,
                            max_replications,
                            confidence,
                        )
                        better = difference.difference < 0
                        moves.append(Move(pool, interval, step, difference, better))
                        if not better:
                            break
                        current, moved, changed = candidate, True, True
                        accepted += 1
                    if moved:  # an agent added paid for itself: do not try taking one away
                        break
    return current, moves


def describe(pools: tuple[str, ...], key: Key) -> str:
    """A staffing in a few words: agents per interval of each pool."""
    return "; ".join(f"{p} {' '.join(map(str, row))}" for p, row in zip(pools, key, strict=True))
