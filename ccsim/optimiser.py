"""The staffing optimiser: the fewest agents per interval and pool that meet the targets.

A planner's question is rarely "what happens with 42 agents" but "how many do I need, when".
The per-interval Erlang answer is the usual start — and wrong in the ways that matter: a
queue built up in one interval is still there in the next, shared pools lend each other
agents, closing time, non-exponential handle times and patience. So the optimiser starts from
Erlang and corrects by simulation:

1. **Erlang start.** Each contact type's per-interval Erlang C (or Erlang A, with patience)
   minimum for its targets, at the busiest day's rate, added to the pool that serves it first.
2. **Up.** Simulate; wherever a target is missed (an interval's service level, abandonment,
   ASA, or a pool's occupancy), add an agent there — to the first pool of the contact type
   that missed it — and simulate again, until every interval meets every target.
3. **Down.** Try taking one agent out of each (pool, interval), all candidates simulated at
   once; keep every removal that still meets all targets, check them together, and repeat
   until no single agent can go. The answer is then minimal: removing one agent from any
   interval breaks a target (in that interval or, through the queue it leaves behind, a
   later one).

Every evaluation simulates the same replications with the same seed (common random numbers),
so the search compares staffings on identical callers and the answer is reproducible. A
final *confirmation* run with fresh seeds reports the achieved measures with confidence
intervals. Targets are met on the mean over replications (days), or with ``confidence`` q on
at least a share q of the (replication, day) pairs: staffing for risk.

Deferrable work (email, messaging) is not targeted per interval: it rides on the agents the
real-time targets need (check its measures in the confirmation run).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from ccsim import erlang
from ccsim.executors import Executor, InProcessExecutor
from ccsim.experiment import ExperimentResult, run_experiment
from ccsim.metrics import interval_sums
from ccsim.model.centre import simulate
from ccsim.scenario import Scenario
from ccsim.scenario.loading import parse_scenario

MAX_ROUNDS = 200
"""Up/down rounds at most (a safety net: real cases settle in a few dozen)."""


class StaffingError(ValueError):
    """The optimiser cannot do what was asked (a target no staffing can meet, bad options)."""


@dataclass(frozen=True)
class Targets:
    """What every interval must achieve.

    Attributes:
        service_level: meet each real-time contact type's service-level target (its
            ``service_level.threshold`` / ``target`` in the scenario).
        max_abandon: at most this share of offered contacts abandoned, per interval.
        max_asa: at most this mean wait of answered contacts (seconds), per interval.
        max_occupancy: at most this occupancy per pool and interval.
        confidence: None — targets met on the mean over replications, in every day's
            interval; q — met in at least a share q of the (replication, day) pairs of each
            interval of the day (the target is met on q of days).
    """

    service_level: bool = True
    max_abandon: float | None = None
    max_asa: float | None = None
    max_occupancy: float | None = None
    confidence: float | None = None

    def __post_init__(self) -> None:
        for name in ("max_abandon", "max_occupancy", "confidence"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= 1:
                raise StaffingError(
                    f"--{name.replace('_', '-')}: give a share in (0, 1], got {value}"
                )
        if self.max_asa is not None and self.max_asa <= 0:
            raise StaffingError(f"--max-asa: give a positive number of seconds, got {self.max_asa}")
        if not (self.service_level or self.max_abandon or self.max_asa or self.max_occupancy):
            raise StaffingError(
                "no target: keep the service level or give --max-abandon, "
                "--max-asa or --max-occupancy"
            )


@dataclass(frozen=True)
class StaffingPlan:
    """The optimiser's answer.

    Attributes:
        scenario: the scenario staffed with the answer (pools' ``staffing`` per interval).
        erlang: per pool, the Erlang-only agents per interval of the day.
        required: per pool, the simulated requirement (agents on the phones) per interval.
        shrinkage: the share grossed up for (scheduled = required / (1 − shrinkage)).
        confirmation: a run of the answer with fresh seeds (achieved measures with CIs).
        evaluations: staffings simulated during the search.
        history: how the search went, a line per step.
        roster: for pools given by shifts in the scenario, the mean agents their roster
            schedules (and not on a break) per interval of the first day, in the same terms
            as ``required``: the curve to set beside the requirement.
    """

    scenario: Scenario
    erlang: dict[str, np.ndarray]
    required: dict[str, np.ndarray]
    shrinkage: float
    confirmation: ExperimentResult
    evaluations: int
    history: list[str] = field(default_factory=list)
    roster: dict[str, np.ndarray] = field(default_factory=dict)

    def scheduled(self, values: np.ndarray) -> np.ndarray:
        """Agents to schedule for ``values`` on the phones, grossed up for shrinkage."""
        return np.ceil(values / (1.0 - self.shrinkage) - 1e-9).astype(int)

    def table(self) -> pd.DataFrame:
        """One row per interval of the day and pool: Erlang-only, required, scheduled, and
        the achieved measures of the confirmation run (mean and CI)."""
        horizon = self.scenario.horizon
        starts = horizon.interval_starts()[: horizon.intervals_per_day]
        achieved = self.confirmation.intervals()
        rows = []
        for pool, required in self.required.items():
            serves = list(self.scenario.pools[pool].serves)
            for i, start in enumerate(starts):
                row = {
                    "interval": i,
                    "start": _clock(start),
                    "pool": pool,
                    "erlang_agents": int(self.erlang[pool][i]),
                    "required_agents": int(required[i]),
                    "scheduled_agents": int(self.scheduled(required[i : i + 1])[0]),
                    "erlang_scheduled": int(self.scheduled(self.erlang[pool][i : i + 1])[0]),
                }
                if pool in self.roster:
                    row["rostered_agents"] = float(self.roster[pool][i])
                row.update(_achieved(achieved, pool, serves, i, horizon.intervals_per_day))
                rows.append(row)
        return pd.DataFrame(rows)

    def totals(self) -> dict[str, float]:
        """Agent hours and cost of the answer and of the Erlang-only answer (scheduled)."""
        horizon = self.scenario.horizon
        hours = horizon.interval / 3600.0 * horizon.days
        result = {
            "required_agent_hours": 0.0,
            "scheduled_agent_hours": 0.0,
            "erlang_scheduled_agent_hours": 0.0,
            "scheduled_cost": 0.0,
            "erlang_scheduled_cost": 0.0,
        }
        for pool, required in self.required.items():
            cost = self.scenario.pools[pool].cost_per_hour
            scheduled = self.scheduled(required).sum() * hours
            erlang_scheduled = self.scheduled(self.erlang[pool]).sum() * hours
            result["required_agent_hours"] += float(required.sum() * hours)
            result["scheduled_agent_hours"] += float(scheduled)
            result["erlang_scheduled_agent_hours"] += float(erlang_scheduled)
            result["scheduled_cost"] += float(scheduled * cost)
            result["erlang_scheduled_cost"] += float(erlang_scheduled * cost)
        return result


def optimise_staffing(
    scenario: Scenario,
    targets: Targets | None = None,
    replications: int = 10,
    seed: int | None = None,
    confirm_replications: int = 20,
    shrinkage: float = 0.0,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> StaffingPlan:
    """Find the fewest agents per interval and pool that meet ``targets`` (module docstring).

    Args:
        scenario: the scenario; its pools' staffing is replaced (per interval of the day).
        targets: what to meet (default: every real-time type's service-level target).
        replications: replications per evaluation during the search.
        seed: the search's root seed (default: the scenario's); the confirmation run uses
            seed + 1 (fresh random numbers).
        confirm_replications: replications of the confirmation run.
        shrinkage: share of scheduled time not on the phones, for the gross-up.
        executor: where simulations run (default: this process).
        progress: called with a line of text after each step.

    Raises:
        StaffingError: a target cannot be met (e.g. 500 agents per interval are not enough).
    """
    targets = targets or Targets()
    if not 0 <= shrinkage < 1:
        raise StaffingError(f"--shrinkage: give a share in [0, 1), got {shrinkage}")
    executor = executor or InProcessExecutor()
    root = scenario.experiment.seed if seed is None else seed
    search = _Search(scenario, targets, replications, root, executor, progress)
    start = erlang_staffing(scenario, targets)
    required = search.run({pool: values.copy() for pool, values in start.items()})
    staffed = with_staffing(scenario, required)
    confirmation = run_experiment(
        staffed,
        replications=confirm_replications,
        seed=root + 1,
        keep_records=True,
        executor=executor,
    )
    per_day = scenario.horizon.intervals_per_day
    # The roster in the requirement's terms (agents scheduled and not on a break: the
    # model takes shrinkage and absenteeism off both alike).
    roster = {
        name: np.asarray(pool.staffing_per_interval(scenario.horizon), float)[:per_day]
        for name, pool in scenario.pools.items()
        if pool.shifts is not None
    }
    return StaffingPlan(
        staffed,
        start,
        required,
        shrinkage,
        confirmation,
        search.evaluations,
        search.history,
        roster,
    )


def erlang_staffing(scenario: Scenario, targets: Targets) -> dict[str, np.ndarray]:
    """Per pool and interval of the day: the per-interval Erlang answer of the contact
    types it serves first (the busiest day's rate; Erlang A with patience, else Erlang C)."""
    horizon = scenario.horizon
    per_day = horizon.intervals_per_day
    result = {pool: np.zeros(per_day, dtype=int) for pool in scenario.pools}
    for name, ctype in scenario.contact_types.items():
        if ctype.deferrable:
            continue
        rates = ctype.arrivals.rates_per_second(horizon).reshape(horizon.days, per_day).max(0)
        patience = ctype.patience.mean if ctype.patience is not None else None
        pool = first_pool(scenario, name)
        for i, rate in enumerate(rates):
            result[pool][i] += _erlang_agents(rate, ctype, patience, targets)
    return result


def first_pool(scenario: Scenario, contact_type: str) -> str:
    """The pool that serves ``contact_type`` first (highest priority, no overflow delay)."""
    candidates = [
        (skill.priority, skill.after, order, name)
        for order, (name, pool) in enumerate(scenario.pools.items())
        for t, skill in pool.serves.items()
        if t == contact_type
    ]
    return min(candidates)[3]


def with_staffing(scenario: Scenario, staffing: dict[str, np.ndarray]) -> Scenario:
    """A copy of ``scenario`` whose pools have ``staffing`` (one value per interval of day)."""
    data = scenario.resolved()
    for pool, values in staffing.items():
        spec = data["pools"][pool]
        spec.pop("shifts", None)  # a roster is replaced by the per-interval answer
        spec["staffing"] = [int(v) for v in values]
    return parse_scenario(data, source=f"{scenario.name} (staffing)")


# -- the search --------------------------------------------------------------------------


class _Search:
    """Up and down over staffings, each evaluated on the same replications."""

    def __init__(self, scenario, targets, replications, seed, executor, progress):
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
        """Intervals of the day where ``values`` (replications × intervals) miss ``bound``."""
        days = values.reshape(values.shape[0], -1, self.per_day)  # reps × days × intervals
        if self.targets.confidence is None:
            mean = np.nanmean(days, axis=0) if np.isfinite(days).any() else days[0]
            bad = mean > bound + 1e-12 if at_most else mean < bound - 1e-12
            return {int(i) for i in np.nonzero(np.any(bad & np.isfinite(mean), axis=0))[0]}
        meets = days <= bound + 1e-12 if at_most else days >= bound - 1e-12
        counted = np.isfinite(days)
        share = np.sum(meets & counted, axis=(0, 1)) / np.maximum(counted.sum(axis=(0, 1)), 1)
        bad = (share < self.targets.confidence - 1e-12) & (counted.sum(axis=(0, 1)) > 0)
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


def _erlang_agents(rate: float, ctype, patience: float | None, targets: Targets) -> int:
    if rate <= 0:
        return 0
    rule = ctype.service_level
    aht = ctype.aht
    try:
        if targets.service_level:
            agents = erlang.fewest_agents(
                arrival_rate=rate,
                aht=aht,
                threshold=rule.threshold,
                target=rule.target,
                patience=patience,
            ).agents
        else:
            agents = max(1, math.ceil(rate * aht))
        while True:
            m = erlang.analyse(
                arrival_rate=rate,
                aht=aht,
                agents=agents,
                threshold=rule.threshold,
                patience=patience,
            )
            ok = targets.max_abandon is None or m.abandon_rate <= targets.max_abandon
            ok &= targets.max_asa is None or m.asa <= targets.max_asa
            ok &= targets.max_occupancy is None or m.occupancy <= targets.max_occupancy
            if ok or agents > 10_000:
                return agents
            agents += 1
    except (ValueError, erlang.NoSteadyStateError):
        return max(1, math.ceil(rate * aht) + 1)


def _achieved(frame: pd.DataFrame, pool: str, serves: list[str], i: int, per_day: int) -> dict:
    """Achieved measures of the interval of the day ``i`` (mean over days) for a pool's row:
    its occupancy, and the service level / ASA / abandonment of its first contact type."""
    rows = frame[(frame["interval"] % per_day) == i]
    result = {}
    mine = rows[(rows["kind"] == "pool") & (rows["name"] == pool)]
    result["occupancy"] = float(mine["occupancy"].mean()) if len(mine) else math.nan
    first = rows[(rows["kind"] == "type") & (rows["name"] == serves[0])]
    for column in (
        "offered",
        "service_level",
        "service_level_low",
        "service_level_high",
        "asa",
        "abandon_rate",
    ):
        result[f"{serves[0]}_{column}" if column != "offered" else f"{serves[0]}_offered"] = (
            float(first[column].mean()) if column in first and len(first) else math.nan
        )
    return result


def _clock(seconds: float) -> str:
    minutes = int(round(seconds % 86400 / 60))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
