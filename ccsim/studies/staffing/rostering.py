"""Rostering: how many agents to put on each allowed shift to cover a requirement at least cost.

The optimiser (:mod:`ccsim.studies.staffing.optimiser`) says how many agents each interval needs;
agents,
though, come in shifts. Given a pool's shift patterns (its ``shifts`` in the scenario: start,
length, days, breaks — the headcounts are what we choose), this is the classic set-covering
integer program:

    minimise   Σ_k cost_k · x_k
    subject to Σ_k cover[k, i] · x_k ≥ required_i   for every interval i of the horizon
               x_k ∈ {0, 1, 2, …}

where ``cover[k, i]`` is the mean number of agents one head on shift k has on the phones in
interval i (less than 1 where the interval is cut by the shift's start or end or by a break;
staggered breaks are spread over the window as the model staggers them), and ``cost_k`` the
shift's paid hours × the pool's cost per hour (paid hours when the pool has no cost). It is
solved exactly with :func:`scipy.optimize.milp` (HiGHS); the roster is then checked by
simulation, because the requirement was computed for a per-interval staffing and breaks move
agents around within intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from ccsim.scenario import Scenario
from ccsim.scenario.horizon import Horizon
from ccsim.scenario.overrides import DELETE, derive
from ccsim.scenario.pool import Pool
from ccsim.scenario.roster import pool_roster, staffing_per_interval

_SAMPLE_HEADS = 120
"""Heads used to average a shift's cover over its staggered breaks."""

SLICE = 600.0
"""Seconds: an interval covered "at every moment" is covered in each of its 10-minute
slices (on average within the slice), as fine as the breaks it must see."""


class RosteringError(ValueError):
    """No roster can be chosen (no shift patterns, or the patterns cannot cover the need)."""


@dataclass(frozen=True)
class Roster:
    """Headcounts chosen for a pool's shift patterns.

    Attributes:
        pool: the pool's name.
        headcounts: agents on each shift pattern, in the scenario's order.
        cover: per interval of the horizon, the roster's mean agents on the phones (before
            absenteeism and shrinkage), to set beside the requirement.
        paid_hours: the roster's paid hours over the horizon.
        cost: paid hours × the pool's cost per hour.
    """

    pool: str
    headcounts: tuple[int, ...]
    cover: np.ndarray
    paid_hours: float
    cost: float


def choose_roster(
    pool_name: str,
    pool: Pool,
    horizon: Horizon,
    required: np.ndarray,
    strict: np.ndarray | None = None,
) -> Roster:
    """The least-cost headcounts for ``pool``'s shift patterns covering ``required``.

    Args:
        pool_name: the pool's name (for messages).
        pool: the pool; its ``shifts`` are the allowed patterns.
        horizon: the scenario's horizon.
        required: agents needed per interval of the day (or of the whole horizon).
        strict: intervals (a boolean per interval, like ``required``) to cover at every
            moment rather than on average: a head counts there by its pattern's cover in
            the worst 10-minute slice of the interval (a break the whole shift takes at once
            leaves nobody).

    Raises:
        RosteringError: the pool has no shift patterns, or they leave an interval uncovered.
    """
    if not pool.shifts:
        raise RosteringError(
            f"--shifts: pool {pool_name} has no shifts to choose headcounts for; give its "
            "allowed shift patterns (start, length, breaks) under pools."
            f"{pool_name}.shifts in the scenario"
        )
    required = np.asarray(required, dtype=float)
    if len(required) == horizon.intervals_per_day:
        required = np.tile(required, horizon.days)
    cover = np.array([_cover(pool, k, horizon) for k in range(len(pool.shifts))])
    average = cover
    if strict is not None and np.any(strict):
        strict = np.asarray(strict, dtype=bool)
        if len(strict) == horizon.intervals_per_day:
            strict = np.tile(strict, horizon.days)
        lowest = np.array([_cover(pool, k, horizon, lowest=True) for k in range(len(pool.shifts))])
        cover = np.where(strict, lowest, cover)
    hours = np.array([_paid_hours(shift, horizon) for shift in pool.shifts])
    weights = hours * (pool.cost_per_hour or 1.0)
    needed = required > 1e-9
    uncovered = needed & (cover.sum(axis=0) <= 0)
    if uncovered.any():
        first = int(np.argmax(uncovered))
        raise RosteringError(
            f"--shifts: no shift pattern of pool {pool_name} covers interval {first} "
            f"(needed {required[first]:g} agents); add a pattern that works then"
        )
    result = milp(
        c=weights,
        constraints=LinearConstraint(cover[:, needed].T, lb=required[needed], ub=np.inf),
        integrality=np.ones(len(weights)),
        bounds=Bounds(0, np.inf),
    )
    if not result.success:
        raise RosteringError(f"--shifts: no roster found for pool {pool_name} ({result.message})")
    headcounts = tuple(int(round(x)) for x in result.x)
    counts = np.array(headcounts, dtype=float)
    return Roster(
        pool_name,
        headcounts,
        counts @ average,
        float(counts @ hours),
        float(counts @ hours * pool.cost_per_hour),
    )


def with_roster(scenario: Scenario, rosters: list[Roster]) -> Scenario:
    """A copy of ``scenario`` whose pools' shift patterns have the chosen headcounts."""
    return derive(scenario, _roster_changes(rosters), source=f"{scenario.name} (roster)")


def _roster_changes(rosters: list[Roster]) -> dict:
    """The changes giving each roster's pool its shift headcounts (and no per-interval
    staffing)."""
    changes: dict = {}
    for roster in rosters:
        changes["pools", roster.pool, "staffing"] = DELETE
        for k, headcount in enumerate(roster.headcounts):
            changes["pools", roster.pool, "shifts", k, "headcount"] = headcount
    return changes


def _cover(pool: Pool, k: int, horizon: Horizon, lowest: bool = False) -> np.ndarray:
    """Agents on the phones per interval per head on shift pattern ``k``: the mean over the
    interval, or (``lowest``) the mean over its worst :data:`SLICE` (a break the whole shift
    takes at once leaves nobody there)."""
    assert pool.shifts is not None, "only a shift pool has shift patterns"
    shift = pool.shifts[k].model_copy(update={"headcount": _SAMPLE_HEADS})
    alone = pool.model_copy(update={"shifts": [shift], "absenteeism": 0.0, "shrinkage": 0.0})
    if not lowest:
        return np.asarray(staffing_per_interval(alone, horizon), float) / _SAMPLE_HEADS
    trace = pool_roster(alone, horizon, shrink=False).on_phones_trace()
    slices = max(1, round(horizon.interval / SLICE))
    width = horizon.interval / slices
    edges = horizon.interval_starts()[:, None] + width * np.arange(slices + 1)[None, :]
    seconds = np.array([trace.agent_seconds(row) for row in edges])  # intervals × slices
    return seconds.min(axis=1) / width / _SAMPLE_HEADS


def _paid_hours(shift, horizon: Horizon) -> float:
    days = sum(1 for d in range(horizon.days) if shift.works_on(d))
    return shift.length / 3600.0 * days


ROSTER_ROUNDS = 30
"""Rounds of repairing a roster at most; what still misses then is reported, not hidden."""

BUMPS_BEFORE_STRICT = 2
"""Agents added to an interval's requirement before it is covered at every moment instead."""


def settle_roster(
    base: Scenario,
    scheduled: dict[str, np.ndarray],
    judge,
    verifier,
    executor,
) -> tuple[list[Roster], Scenario]:
    """Headcounts for the shift pools that cover ``scheduled`` and hold on fresh days.

    The least-cost roster covering the agents to schedule (on average over each interval)
    is simulated on the verification's independent replications, with the same prediction
    bound as the per-interval answer (:mod:`ccsim.studies.staffing.verdict`). Where it misses, one
    agent more is required there; where :data:`BUMPS_BEFORE_STRICT` more did not help — the
    agents are there on average but not at every moment: a break a whole shift takes at
    once, a shift starting late in the interval — the interval is covered at every moment
    instead. The roster is chosen again, until it misses nowhere (or after
    :data:`ROSTER_ROUNDS` rounds, when the confirmation run reports what still misses).
    Pools without shifts keep their per-interval schedule.

    Returns:
        The rosters chosen and the written scenario (shift pools with those headcounts).
    """
    from ccsim.studies.staffing.trials import Trials
    from ccsim.studies.staffing.verification import Verifier

    pools = list(base.pools)
    horizon = base.horizon
    per_day = horizon.intervals_per_day
    design = np.zeros((2, len(pools), per_day), dtype=np.int64)
    design[0] = np.array([scheduled[p] for p in pools])
    # Where some pattern has a head on the phones at every moment, an interval can be
    # covered strictly; elsewhere only more agents can help.
    strictly = np.zeros((len(pools), per_day), dtype=bool)
    for k, pool in enumerate(base.pools.values()):
        if pool.shifts is not None:
            lowest = [
                _cover(pool, s, horizon, lowest=True)[:per_day] for s in range(len(pool.shifts))
            ]
            strictly[k] = np.max(lowest, axis=0) > 0
    trials = Trials(partial(_rostered_design, base), executor)
    check = Verifier(trials, judge, verifier.seed, verifier.serves, verifier.progress)
    for _ in range(ROSTER_ROUNDS):
        misses = check.verify([(design, 0)])[0].misses
        if not misses:
            break
        design = design.copy()
        for p, i in misses:
            if design[0, p, i] - scheduled[pools[p]][i] >= BUMPS_BEFORE_STRICT and (
                strictly[p, i] and not design[1, p, i]
            ):
                design[1, p, i] = 1  # more agents on average did not help: the dips do
            else:
                design[0, p, i] += 1
        check.note(f"roster: more cover in {len(misses)} (pool, interval)s")
    verifier.history.extend(check.history)
    verifier.effort.append((trials.staffings, trials.replications))
    return _rosters(base, design), _rostered_design(base, design)


def _rosters(base: Scenario, design: np.ndarray) -> list[Roster]:
    return [
        choose_roster(name, pool, base.horizon, design[0, k], design[1, k].astype(bool))
        for k, (name, pool) in enumerate(base.pools.items())
        if pool.shifts is not None
    ]


def _rostered_design(base: Scenario, design: np.ndarray) -> Scenario:
    """The scenario of a requirement (``design[0]``: pools × intervals, agents to schedule;
    ``design[1]``: intervals to cover at every moment): shift pools get the least-cost
    roster, the others schedule the requirement per interval."""
    rosters = _rosters(base, design)
    changes = _roster_changes(rosters)
    rostered = {r.pool for r in rosters}
    for k, name in enumerate(base.pools):
        if name not in rostered:
            changes["pools", name, "shifts"] = DELETE
            changes["pools", name, "staffing"] = [int(v) for v in design[0, k]]
    return derive(base, changes, source=f"{base.name} (roster)")
