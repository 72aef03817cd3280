"""Rostering: how many agents to put on each allowed shift to cover a requirement at least cost.

The optimiser (:mod:`ccsim.optimiser`) says how many agents each interval needs; agents,
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

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from ccsim.scenario import Scenario
from ccsim.scenario.horizon import Horizon
from ccsim.scenario.loading import parse_scenario
from ccsim.scenario.pool import Pool

_SAMPLE_HEADS = 120
"""Heads used to average a shift's cover over its staggered breaks."""


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


def choose_roster(pool_name: str, pool: Pool, horizon: Horizon, required: np.ndarray) -> Roster:
    """The least-cost headcounts for ``pool``'s shift patterns covering ``required``.

    Args:
        pool_name: the pool's name (for messages).
        pool: the pool; its ``shifts`` are the allowed patterns.
        horizon: the scenario's horizon.
        required: agents needed per interval of the day (or of the whole horizon).

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
        counts @ cover,
        float(counts @ hours),
        float(counts @ hours * pool.cost_per_hour),
    )


def with_roster(scenario: Scenario, rosters: list[Roster]) -> Scenario:
    """A copy of ``scenario`` whose pools' shift patterns have the chosen headcounts."""
    data = scenario.resolved()
    for roster in rosters:
        spec = data["pools"][roster.pool]
        spec.pop("staffing", None)
        for shift, headcount in zip(spec["shifts"], roster.headcounts, strict=True):
            shift["headcount"] = headcount
    return parse_scenario(data, source=f"{scenario.name} (roster)")


def _cover(pool: Pool, k: int, horizon: Horizon) -> np.ndarray:
    """Mean agents on the phones per interval per head on shift pattern ``k``."""
    shift = pool.shifts[k].model_copy(update={"headcount": _SAMPLE_HEADS})
    alone = pool.model_copy(update={"shifts": [shift], "absenteeism": 0.0, "shrinkage": 0.0})
    return np.asarray(alone.staffing_per_interval(horizon), float) / _SAMPLE_HEADS


def _paid_hours(shift, horizon: Horizon) -> float:
    days = sum(1 for d in range(horizon.days) if shift.works_on(d))
    return shift.length / 3600.0 * days
