"""Staffing for the least total cost: agent cost plus the expected cost of customers lost.

Service-level targets price only one side of the trade: agents cost money, and customers
who have bad experiences leave (:mod:`ccsim.measures.experience`). Given a scenario with an
``experience`` block, :func:`total_cost_staffing` starts from a staffing (the target-driven
answer: agents to schedule per pool and interval of the day) and moves each pool's whole
day up or down by whole agents — the same number in every interval — as long as the mean
total cost (agent cost + churn cost, ``total_cost``) falls, one pool at a time until no move
helps. Every staffing tried runs on the same seed (common random numbers): the same customers
with the same issues call at the same moments, so two staffings differ by what the agents
changed, not by luck. With ``keep_targets`` the search never goes below the start, so the
service-level targets hold on top.

The answer is set beside the start, and :meth:`TotalCostPlan.explanation` says the
difference in money and customers. The curve of every staffing tried (agent cost against
churn cost) is the picture of the HTML report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ccsim.experiment.executors import Executor
from ccsim.experiment.replications import ExperimentResult, run_experiment
from ccsim.scenario import Scenario
from ccsim.scenario.roster import staffing_per_interval
from ccsim.stats import estimate
from ccsim.studies.staffing.optimiser import erlang_staffing, with_absence, with_staffing
from ccsim.studies.staffing.plan import Absence
from ccsim.studies.staffing.targets import StaffingError, Targets

Shift = tuple[int, ...]
"""Agents added (or taken away, negative) in every interval of each pool, in pool order."""


@dataclass(frozen=True)
class CostPoint:
    """One staffing tried: its cost on each side and what customers went through.

    Attributes:
        shift: agents added to the start in every interval, per pool.
        agent_hours, agent_cost, churn_cost, total_cost: means over the replications.
        total_half_width: half-width of the total cost's confidence interval.
        customers_lost, customers_lost_half_width: expected customers lost, its interval.
        service_level, bad_contact_share: the centre's, means over the replications.
    """

    shift: Shift
    agent_hours: float
    agent_cost: float
    churn_cost: float
    total_cost: float
    total_half_width: float
    customers_lost: float
    customers_lost_half_width: float
    service_level: float
    bad_contact_share: float

    def as_dict(self, pools: tuple[str, ...]) -> dict[str, float | int]:
        row: dict[str, float | int] = {
            f"agents_added_{p}": s for p, s in zip(pools, self.shift, strict=True)
        }
        for name in self.__dataclass_fields__:
            if name != "shift":
                row[name] = float(getattr(self, name))
        return row


@dataclass(frozen=True)
class TotalCostPlan:
    """The least-total-cost staffing beside the start.

    Attributes:
        pools: the pools, in the order of the shifts.
        start: agents to schedule per pool and interval of the day at the start.
        start_point, best: the start's and the answer's costs.
        points: every staffing tried, in the order tried.
        scenario: the written scenario (the answer's staffing).
        replications, seed: what each staffing was run with.
        result: the answer's run (its replications' measures; no records kept).
    """

    pools: tuple[str, ...]
    start: dict[str, np.ndarray]
    start_point: CostPoint
    best: CostPoint
    points: tuple[CostPoint, ...]
    scenario: Scenario
    replications: int
    seed: int
    result: ExperimentResult

    def staffing(self, shift: Shift | None = None) -> dict[str, np.ndarray]:
        """Agents per pool and interval of the day of a shift (default: the answer)."""
        shift = self.best.shift if shift is None else shift
        return {p: np.maximum(self.start[p] + s, 0) for p, s in zip(self.pools, shift, strict=True)}

    def explanation(self) -> str:
        """The difference between the start and the answer, in money and customers."""
        a, b = self.start_point, self.best
        if a.shift == b.shift:
            return (
                "The target-driven staffing already costs least in total: one agent more or "
                "less in any pool costs more in agents than it saves in customers, or the other "
                "way round."
            )
        moves = ", ".join(
            f"{'+' if s > 0 else '−'}{abs(s)} agent{'s' if abs(s) != 1 else ''} in pool {p}"
            for p, s in zip(self.pools, b.shift, strict=True)
            if s
        )
        return (
            f"{moves} in every interval: agents cost {_money(b.agent_cost - a.agent_cost)}, "
            f"expected customers lost change by {_signed(b.customers_lost - a.customers_lost)} "
            f"(churn cost {_money(b.churn_cost - a.churn_cost)}), "
            f"total cost {_money(b.total_cost - a.total_cost)} "
            f"({_plain(a.total_cost)} → {_plain(b.total_cost)})."
        )


def total_cost_staffing(
    scenario: Scenario,
    start: dict[str, np.ndarray] | None = None,
    *,
    replications: int = 10,
    seed: int | None = None,
    keep_targets: bool = False,
    max_moves: int = 60,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> TotalCostPlan:
    """The staffing with the least mean agent cost + churn cost (see the module docstring).

    Args:
        scenario: a scenario with an ``experience`` block that prices a lost customer.
        start: agents to schedule per pool and interval of the day (default: the scenario's
            own staffing, which must be the same every day).
        replications: replications per staffing tried.
        seed: the seed every staffing runs on (default: the scenario's).
        keep_targets: never below the start (the targets it was sized for hold on top).
        max_moves: at most this many moves of one agent (a guard, not a tuning knob).
        executor: runs the replications (default: in this process).
        progress: told what is being tried.

    Raises:
        StaffingError: no experience block, no price of a lost customer, or no start.
    """
    rules = scenario.experience
    if rules is None or rules.cost_per_lost_customer <= 0:
        price = "customer_value" if rules and rules.churn_cost == "revenue" else "acquisition_cost"
        raise StaffingError(
            "--objective total-cost prices lost customers: give the scenario an experience "
            f"block with a positive {price} (docs/experience.md)"
        )
    pools = tuple(scenario.pools)
    start = start or _own_staffing(scenario)
    root = scenario.experiment.seed if seed is None else seed
    tried: dict[Shift, CostPoint] = {}
    runs: dict[Shift, ExperimentResult] = {}

    def cost(shift: Shift) -> CostPoint:
        if shift not in tried:
            if progress is not None:
                progress(f"trying {_describe(pools, shift)}")
            staffing = {p: np.maximum(start[p] + s, 0) for p, s in zip(pools, shift, strict=True)}
            result = run_experiment(
                with_staffing(scenario, staffing),
                replications=replications,
                seed=root,
                keep_records=False,
                executor=executor,
            )
            tried[shift] = _point(shift, result)
            runs[shift] = result
        return tried[shift]

    current: Shift = (0,) * len(pools)
    lowest = {p: -int(start[p].max()) for p in pools}  # below that every interval is empty
    moves = 0
    improved = True
    while improved and moves < max_moves:
        improved = False
        for k, pool in enumerate(pools):
            for step in (1, -1):
                while moves < max_moves:
                    candidate = list(current)
                    candidate[k] += step
                    if candidate[k] < (0 if keep_targets else lowest[pool]):
                        break
                    if cost(tuple(candidate)).total_cost >= cost(current).total_cost:
                        break
                    current = tuple(candidate)
                    moves += 1
                    improved = True
    best = cost(current)
    answer = {p: np.maximum(start[p] + s, 0) for p, s in zip(pools, current, strict=True)}
    return TotalCostPlan(
        pools=pools,
        start={p: np.asarray(start[p]) for p in pools},
        start_point=cost((0,) * len(pools)),
        best=best,
        points=tuple(tried.values()),
        scenario=with_staffing(scenario, answer),
        replications=replications,
        seed=root,
        result=runs[current],
    )


def _own_staffing(scenario: Scenario) -> dict[str, np.ndarray]:
    """The scenario's agents per pool and interval of the day (one day's worth)."""
    horizon = scenario.horizon
    result = {}
    for name, pool in scenario.pools.items():
        days = staffing_per_interval(pool, horizon).reshape(horizon.days, -1)
        if pool.shifts is not None or not (days == days[0]).all():
            raise StaffingError(
                f"pools.{name}: the total-cost search moves one staffing of the day; give "
                "staffing per interval (not shifts), the same every day"
            )
        result[name] = days[0].astype(np.int64)
    return result


def _point(shift: Shift, result) -> CostPoint:
    confidence = result.confidence

    def values(name: str) -> np.ndarray:
        return np.array([r.overall.get(name, np.nan) for r in result.replications], float)

    total = estimate(values("total_cost"), confidence)
    lost = estimate(values("customers_lost"), confidence)
    return CostPoint(
        shift=shift,
        agent_hours=float(np.nanmean(values("agent_hours"))),
        agent_cost=float(np.nanmean(values("cost"))),
        churn_cost=float(np.nanmean(values("churn_cost"))),
        total_cost=total.mean,
        total_half_width=total.half_width,
        customers_lost=lost.mean,
        customers_lost_half_width=lost.half_width,
        service_level=float(np.nanmean(values("service_level"))),
        bad_contact_share=float(np.nanmean(values("bad_contact_share"))),
    )


def _describe(pools: tuple[str, ...], shift: Shift) -> str:
    return ", ".join(f"{p} {s:+d}" for p, s in zip(pools, shift, strict=True))


def _money(value: float) -> str:
    return f"{'+' if value >= 0 else '−'}{abs(value):,.0f}"


def _signed(value: float) -> str:
    return f"{'+' if value >= 0 else '−'}{abs(value):,.1f}"


def _plain(value: float) -> str:
    return f"{value:,.0f}"


def target_driven_start(
    scenario: Scenario,
    targets: Targets,
    shrinkage: float | None = None,
    absenteeism: float | None = None,
) -> tuple[Scenario, dict[str, np.ndarray]]:
    """The scenario with the chosen shrinkage and absenteeism, and the target-driven start:
    the per-interval Erlang answer for the targets (:func:`erlang_staffing`), grossed up to
    agents to schedule. The busiest day's rate sets each interval, as in ``ccsim staff``."""
    scenario = with_absence(scenario, shrinkage, absenteeism)
    required = erlang_staffing(scenario, targets)
    absence = Absence.of(scenario)
    return scenario, {p: absence.scheduled(p, required[p]) for p in scenario.pools}
