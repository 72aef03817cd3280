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

import numpy as np
import pandas as pd

from ccsim import erlang
from ccsim.executors import Executor, InProcessExecutor
from ccsim.experiment import ExperimentResult, run_experiment
from ccsim.scenario import Scenario
from ccsim.scenario.loading import parse_scenario
from ccsim.units import DAY, format_clock


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
                    "start": format_clock(start % DAY),
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
    from ccsim.staffing_search import StaffingSearch

    search = StaffingSearch(scenario, targets, replications, root, executor, progress)
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
