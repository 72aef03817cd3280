"""Staffings tried by simulation, replication by replication, each result remembered.

The optimiser asks the same questions many times: the search tries a staffing on its
replications, the verification asks for more replications of it where a verdict is
uncertain, pruning tries it with one agent fewer. :class:`Trials` simulates only what has not
been simulated yet — a (staffing, seed, replication) is run once — and runs every missing
replication of a batch of questions at once on the executor. Each replication is reduced to
the per-interval arrays the verdicts need (:func:`snapshot`), a fraction of a full
measurement's cost.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ccsim.experiment.executors import Executor
from ccsim.measures.replication import interval_sums
from ccsim.model.centre import simulate
from ccsim.scenario import Scenario


class Trials:
    """Simulations of staffings, remembered.

    Args:
        build: the scenario of a staffing (an integer array; see the optimiser).
        executor: where replications run.

    Attributes:
        staffings: distinct (staffing, seed) pairs simulated.
        replications: replications simulated.
    """

    def __init__(self, build: Callable[[np.ndarray], Scenario], executor: Executor):
        self.build = build
        self.executor = executor
        self.staffings = 0
        self.replications = 0
        self._scenarios: dict[bytes, Scenario] = {}
        self._done: dict[tuple[bytes, int], dict[int, dict]] = {}

    def snapshots(self, asked: list[tuple[np.ndarray, int, int]]) -> list[list[dict]]:
        """For each (staffing, seed, replications): the snapshots of replications
        0 … replications − 1, simulating the missing ones (all of them in one batch)."""
        tasks, owners, wanted = [], [], set()
        for staffing, seed, count in asked:
            key = self._key(staffing)
            done = self._done.get((key, seed))
            if done is None:
                done = self._done[(key, seed)] = {}
                self.staffings += 1
            for r in range(count):
                if r not in done and (key, seed, r) not in wanted:
                    wanted.add((key, seed, r))
                    owners.append((key, seed, r))
                    tasks.append((self._scenario(staffing, key), r))
        seeds = [seed for _key, seed, _r in owners]
        items = [(scenario, seeds[k], r) for k, (scenario, r) in enumerate(tasks)]
        for index, result in self.executor.map_unordered(_simulate, items):
            key, seed, r = owners[index]
            self._done[(key, seed)][r] = result
        self.replications += len(items)
        return [
            [self._done[(self._key(staffing), seed)][r] for r in range(count)]
            for staffing, seed, count in asked
        ]

    def _scenario(self, staffing: np.ndarray, key: bytes) -> Scenario:
        scenario = self._scenarios.get(key)
        if scenario is None:
            scenario = self._scenarios[key] = self.build(staffing)
        return scenario

    @staticmethod
    def _key(staffing: np.ndarray) -> bytes:
        return np.ascontiguousarray(staffing, dtype=np.int64).tobytes() + bytes(
            str(staffing.shape), "ascii"
        )


def _simulate(task: tuple[Scenario, int, int]) -> dict:
    scenario, seed, replication = task
    return snapshot(scenario, seed, replication)


def snapshot(scenario: Scenario, seed: int, replication: int) -> dict:
    """One replication, reduced to per-interval arrays (NaN where undefined): per contact
    type (types × intervals) ``service_level``, ``abandon_rate``, ``asa`` and
    ``waiting_at_start``; per pool (pools × intervals) ``occupancy``. The ratios are those
    of the run's ``intervals.csv`` (:mod:`ccsim.measures.replication`)."""
    records = simulate(scenario, replication=replication, seed=seed)
    sums, pools = interval_sums(records, scenario)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "service_level": _ratio(sums["answered_within"], sums["sl_denominator"]),
            "abandon_rate": _ratio(sums["abandoned"], sums["offered"]),
            "asa": _ratio(sums["wait_answered"], sums["answered"]),
            "waiting_at_start": sums["waiting_at_start"],
            "occupancy": np.array([_ratio(p["busy"], p["on_duty"]) for p in pools.values()]),
        }


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)
