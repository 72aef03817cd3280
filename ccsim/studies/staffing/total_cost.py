"""Staffing for the least total cost: agent cost plus the expected cost of customers lost.

Service-level targets price only one side of the trade: agents cost money, and customers
who have bad experiences leave (:mod:`ccsim.measures.experience`). Given a scenario with an
``experience`` block, :func:`total_cost_staffing` starts from a staffing — agents to schedule
per pool and interval of the day: the per-interval Erlang answer for the targets, or the
verified answer of ``ccsim staff`` when the targets must hold on top — and searches interval
by interval (:mod:`ccsim.studies.staffing.cost_search`): one agent more or less in one
interval of one pool, kept when the paired difference in mean total cost (agent cost +
churn cost, ``total_cost``) on common random numbers says it pays, with more replications
when the difference is not clear of zero. With ``keep_targets`` the search never goes below
the start.

A search that picks the lowest of many noisy figures flatters its answer, so the answer and
the start are run again on an independent seed (:func:`derived_seed`) and that figure is the
one to quote: :class:`Verification`. :meth:`TotalCostPlan.explanation` says the difference in
money and customers, and the search's own figure beside the fresh one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ccsim.experiment.executors import Executor, InProcessExecutor
from ccsim.experiment.replications import ExperimentResult, run_experiment
from ccsim.scenario import Scenario
from ccsim.scenario.roster import staffing_per_interval
from ccsim.stats import Difference, estimate, paired_difference
from ccsim.studies.staffing.cost_search import CostLedger, Key, Move, coordinate_search, key_of
from ccsim.studies.staffing.optimiser import (
    derived_seed,
    erlang_staffing,
    optimise_staffing,
    with_absence,
    with_staffing,
)
from ccsim.studies.staffing.plan import Absence
from ccsim.studies.staffing.targets import StaffingError, Targets
from ccsim.studies.staffing.verdict import Assurance


@dataclass(frozen=True)
class CostPoint:
    """One staffing priced: its cost on each side and what customers went through.

    Attributes:
        staffing: agents to schedule per interval of the day, per pool (pool order).
        replications: how many replications the figures are means of.
        agent_hours, agent_cost, churn_cost, total_cost: means over the replications.
        total_half_width: half-width of the total cost's confidence interval.
        customers_lost, customers_lost_half_width: expected customers lost, its interval.
        service_level, bad_contact_share: the centre's, means over the replications.
    """

    staffing: Key
    replications: int
    agent_hours: float
    agent_cost: float
    churn_cost: float
    total_cost: float
    total_half_width: float
    customers_lost: float
    customers_lost_half_width: float
    service_level: float
    bad_contact_share: float

    def as_dict(self, pools: tuple[str, ...]) -> dict[str, float | int | str]:
        """A row of ``total_cost.csv``: the staffing of each pool (agents per interval, and
        their sum over the day) and the figures."""
        row: dict[str, float | int | str] = {}
        for pool, agents in zip(pools, self.staffing, strict=True):
            row[f"staffing_{pool}"] = " ".join(map(str, agents))
            row[f"agent_intervals_{pool}"] = int(sum(agents))
        row["replications"] = self.replications
        for name in self.__dataclass_fields__:
            if name not in ("staffing", "replications"):
                row[name] = float(getattr(self, name))
        return row


@dataclass(frozen=True)
class Verification:
    """The start and the answer run again on an independent seed (out of sample).

    Attributes:
        seed, replications: what they were run with.
        start, answer: their costs on the fresh replications.
        difference: the paired difference in total cost, answer − start.
    """

    seed: int
    replications: int
    start: CostPoint
    answer: CostPoint
    difference: Difference


@dataclass(frozen=True)
class TotalCostPlan:
    """The least-total-cost staffing beside the start.

    Attributes:
        pools: the pools, in the order of the staffing rows.
        start: agents to schedule per pool and interval of the day at the start.
        start_kind: ``erlang`` (the per-interval Erlang answer) or ``verified`` (the
            verified answer of ``ccsim staff``, kept as a floor).
        start_point, best: the start's and the answer's costs in the search.
        points: every staffing tried, in the order tried (on their own replications).
        moves: every single-agent move judged, in order.
        scenario: the written scenario (the answer's staffing).
        replications, max_replications, seed: what the search ran with.
        verification: the fresh-seed figures of the start and the answer.
        result: the answer's verification run (its replications' measures; no records).
        interval_labels: the clock time each interval of the day starts at.
    """

    pools: tuple[str, ...]
    start: dict[str, np.ndarray]
    start_kind: str
    start_point: CostPoint
    best: CostPoint
    points: tuple[CostPoint, ...]
    moves: tuple[Move, ...]
    scenario: Scenario
    replications: int
    max_replications: int
    seed: int
    verification: Verification
    result: ExperimentResult
    interval_labels: tuple[str, ...]

    def staffing(self) -> dict[str, np.ndarray]:
        """Agents to schedule per pool and interval of the day of the answer."""
        return {p: np.array(row) for p, row in zip(self.pools, self.best.staffing, strict=True)}

    def changes(self) -> str:
        """The answer's agents against the start's, per pool and interval, in words."""
        parts = []
        for k, pool in enumerate(self.pools):
            moved = np.array(self.best.staffing[k]) - np.asarray(self.start[pool])
            steps = [
                f"{'+' if d > 0 else '−'}{abs(int(d))} at {self.interval_labels[i]}"
                for i, d in enumerate(moved)
                if d
            ]
            if steps:
                parts.append(f"pool {pool}: {', '.join(steps)}")
        return "; ".join(parts)

    def explanation(self) -> str:
        """The difference between the start and the answer, in money and customers, with
        the fresh-seed figures beside the search's."""
        a, b = self.start_point, self.best
        v = self.verification
        fresh = (
            f"On {v.replications} fresh replications (an independent seed) the answer's total "
            f"cost is {_plain(v.answer.total_cost)} against the start's "
            f"{_plain(v.start.total_cost)}: {_money(v.difference.difference)} "
            f"± {_plain(v.difference.half_width)} (the search said "
            f"{_money(b.total_cost - a.total_cost)})."
        )
        if a.staffing == b.staffing:
            return (
                f"The {self.start_name} already costs least in total: one agent more or less "
                "in any interval costs more in agents than it saves in customers, or the other "
                "way round. " + fresh
            )
        return (
            f"{self.changes()}. Agents cost {_money(b.agent_cost - a.agent_cost)}, expected "
            f"customers lost change by {_signed(b.customers_lost - a.customers_lost)} (churn "
            f"cost {_money(b.churn_cost - a.churn_cost)}), total cost "
            f"{_money(b.total_cost - a.total_cost)} ({_plain(a.total_cost)} → "
            f"{_plain(b.total_cost)}) in the search. " + fresh
        )

    @property
    def start_name(self) -> str:
        """What the start was, in words."""
        return (
            "verified target-driven staffing"
            if self.start_kind == "verified"
            else ("target-driven Erlang staffing")
        )


def total_cost_staffing(
    scenario: Scenario,
    start: dict[str, np.ndarray] | None = None,
    *,
    replications: int = 10,
    max_replications: int | None = None,
    verify_replications: int = 40,
    seed: int | None = None,
    keep_targets: bool = False,
    start_kind: str = "erlang",
    max_moves: int = 400,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> TotalCostPlan:
    """The staffing with the least mean agent cost + churn cost (see the module docstring).

    Args:
        scenario: a scenario with an ``experience`` block that prices a lost customer.
        start: agents to schedule per pool and interval of the day (default: the scenario's
            own staffing, which must be the same every day).
        replications: replications per staffing when a move is first judged.
        max_replications: at most this many when its paired difference is not clear of zero
            (default: 4 × ``replications``; equal to ``replications``: the mean decides).
        verify_replications: replications of the fresh-seed run of the start and the answer.
        seed: the seed every staffing runs on (default: the scenario's).
        keep_targets: never below the start (the targets it was sized for hold on top).
        start_kind: what the start is (``erlang`` or ``verified``), for the explanation.
        max_moves: at most this many agents moved (a guard, not a tuning knob).
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
    if replications < 2:
        raise StaffingError("--reps: the search compares paired replications; give at least 2")
    pools = tuple(scenario.pools)
    start = start or _own_staffing(scenario)
    matrix = np.array([np.asarray(start[p], dtype=np.int64) for p in pools])
    root = scenario.experiment.seed if seed is None else seed
    most = max(replications, max_replications or 4 * replications)
    executor = executor or InProcessExecutor()
    ledger = CostLedger(scenario, pools, root, executor, progress)
    lowest = matrix if keep_targets else np.zeros_like(matrix)
    answer, moves = coordinate_search(
        ledger,
        matrix,
        lowest,
        replications=replications,
        max_replications=most,
        confidence=scenario.experiment.confidence,
        max_moves=max_moves,
    )
    ledger.replications(key_of(matrix), replications)  # priced even if nothing could move
    points = {key: _point(key, ledger.result(key)) for key in ledger.order}
    verification, fresh = _verify(
        ledger, key_of(matrix), key_of(answer), derived_seed(root, "total cost"),
        verify_replications,
    )  # fmt: skip
    written = with_staffing(scenario, {p: answer[k] for k, p in enumerate(pools)})
    horizon = scenario.horizon
    labels = tuple(
        f"{int(s // 3600) % 24:02d}:{int(s % 3600 // 60):02d}"
        for s in horizon.interval_starts()[: horizon.intervals_per_day]
    )
    return TotalCostPlan(
        pools=pools,
        start={p: matrix[k].copy() for k, p in enumerate(pools)},
        start_kind=start_kind,
        start_point=points[key_of(matrix)],
        best=points[key_of(answer)],
        points=tuple(points.values()),
        moves=tuple(moves),
        scenario=written,
        replications=replications,
        max_replications=most,
        seed=root,
        verification=verification,
        result=fresh,
        interval_labels=labels,
    )


def _verify(
    ledger: CostLedger, start: Key, answer: Key, seed: int, replications: int
) -> tuple[Verification, ExperimentResult]:
    """The start and the answer on ``replications`` fresh replications of ``seed``; the
    answer's run is also returned (the results folder is written from it)."""
    runs = {}
    for key in dict.fromkeys((start, answer)):  # once when the answer is the start
        runs[key] = run_experiment(
            ledger.scenario_of(key),
            replications=replications,
            seed=seed,
            keep_records=False,
            executor=ledger.executor,
        )
    confidence = runs[start].confidence

    def totals(key: Key) -> np.ndarray:
        return np.array([r.overall["total_cost"] for r in runs[key].replications], float)

    verification = Verification(
        seed=seed,
        replications=replications,
        start=_point(start, runs[start]),
        answer=_point(answer, runs[answer]),
        difference=paired_difference(totals(start), totals(answer), confidence),
    )
    return verification, runs[answer]


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


def _point(staffing: Key, result: ExperimentResult) -> CostPoint:
    confidence = result.confidence

    def values(name: str) -> np.ndarray:
        return np.array([r.overall.get(name, np.nan) for r in result.replications], float)

    total = estimate(values("total_cost"), confidence)
    lost = estimate(values("customers_lost"), confidence)
    return CostPoint(
        staffing=staffing,
        replications=len(result.replications),
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


def verified_start(
    scenario: Scenario,
    targets: Targets,
    *,
    shrinkage: float | None = None,
    absenteeism: float | None = None,
    replications: int = 10,
    seed: int | None = None,
    confirm_replications: int = 40,
    assurance: Assurance | None = None,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Scenario, dict[str, np.ndarray]]:
    """The scenario with the chosen shrinkage and absenteeism, and the verified answer of
    ``ccsim staff`` for the targets (:func:`optimise_staffing`: searched, verified on an
    independent seed, confirmed): agents to schedule per pool and interval of the day."""
    plan = optimise_staffing(
        scenario,
        targets,
        replications=replications,
        seed=seed,
        confirm_replications=confirm_replications,
        shrinkage=shrinkage,
        absenteeism=absenteeism,
        assurance=assurance,
        executor=executor,
        progress=progress,
    )
    return with_absence(scenario, shrinkage, absenteeism), dict(plan.scheduled)
