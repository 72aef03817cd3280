"""The projection: the rest of the day from the state, for the plan and each what-if.

Every replication starts from the same state (:class:`~ccsim.model.warm_start.WarmCentre`)
with its own re-forecast ratio drawn from the posterior (:mod:`ccsim.intraday.reforecast`)
and its own callers; the plan and every what-if run replication *r* on the same random
numbers (common random numbers: the same ratio, the same new callers, the same patience left
for the same waiting callers), so a what-if's **paired difference** from the plan — what-if
minus plan, replication by replication — is much narrower than the spread of either.

Each measure is reported per interval left as a **fan**: the median across replications and
the 80 % band (10th to 90th percentile) — the range the afternoon will probably fall in,
not a confidence interval of a mean. Over the whole rest of the day, each what-if's paired
difference is given as its mean with a 95 % confidence interval and its own 80 % band.
"""

from __future__ import annotations

import math
import time as clock
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ccsim.experiment.executors import make_executor
from ccsim.intraday.measures import (
    CONTACT_MEASURES,
    POOL_MEASURES,
    Grid,
    rest_of_day,
    rest_of_day_grid,
)
from ccsim.intraday.reforecast import Reforecast, arrival_factors, reforecast
from ccsim.intraday.start import start_state
from ccsim.intraday.state import CentreState, StateError
from ccsim.model.streams import RandomStreams
from ccsim.model.warm_start import StartState, WarmCentre, planned_at
from ccsim.scenario import Scenario
from ccsim.stats import half_width
from ccsim.units import DAY, format_clock

PLAN = "plan"
"""The name of the plan as it stands (the scenario with ``--set`` overrides)."""


@dataclass(frozen=True)
class Projection:
    """The projection of the rest of the day.

    Attributes:
        time: the state's time (seconds from the horizon's first midnight).
        starts: the start of each interval left (the first may begin before ``time``).
        plans: the plan's name (:data:`PLAN`) then each what-if's.
        groups: per measure, its groups (contact types, or pools for occupancy).
        values: plan → measure → group → array (replications × intervals).
        totals: plan → measure → group → array (replications) over the rest of the day.
        reforecasts: the re-forecast of each type in ``volume_so_far``.
        replications: replications per plan.
        seed: the root seed.
        seconds: wall time of the projection.
    """

    time: float
    starts: np.ndarray
    plans: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, dict[str, np.ndarray]]]
    totals: dict[str, dict[str, dict[str, np.ndarray]]]
    reforecasts: dict[str, Reforecast]
    replications: int
    seed: int
    seconds: float = field(default=0.0, compare=False)

    def fan(self, plan: str, measure: str, group: str) -> tuple[np.ndarray, ...]:
        """Per interval: the median, 10th and 90th percentiles across replications."""
        values = self.values[plan][measure][group]
        return _quantiles(values, axis=0)

    def total(self, plan: str, measure: str, group: str) -> tuple[float, float, float]:
        """Over the rest of the day: the median, 10th and 90th percentiles."""
        median, low, high = _quantiles(self.totals[plan][measure][group], axis=0)
        return float(median), float(low), float(high)

    def difference(self, plan: str, measure: str, group: str) -> dict[str, float]:
        """``plan`` minus the plan over the rest of the day, replication by replication:
        mean, 95 % confidence interval of the mean, median and 80 % band."""
        diff = self.totals[plan][measure][group] - self.totals[PLAN][measure][group]
        diff = diff[~np.isnan(diff)]
        if len(diff) == 0:
            nan = float("nan")
            return {"mean": nan, "low": nan, "high": nan, "median": nan, "p10": nan, "p90": nan}
        mean = float(diff.mean())
        half = (
            float(half_width(diff.std(ddof=1), len(diff), 0.95)) if len(diff) > 1 else float("nan")
        )
        median, p10, p90 = np.quantile(diff, [0.5, 0.1, 0.9])
        return {
            "mean": mean,
            "low": mean - half,
            "high": mean + half,
            "median": float(median),
            "p10": float(p10),
            "p90": float(p90),
        }


@dataclass(frozen=True)
class _Replications:
    """Runs replications of every plan from its start state (in this process or in a
    worker: a picklable task, called with a range of replication numbers)."""

    plans: dict[str, Scenario]
    starts: dict[str, StartState]
    forecasts: dict[str, Reforecast]
    root: int
    t0: float
    grid: Grid

    def __call__(self, replications: range) -> dict[int, dict]:
        """Replication number → plan → (per-interval measures, rest-of-day measures)."""
        scenario = self.plans[PLAN]
        found = {}
        for r in replications:
            factors = arrival_factors(scenario, self.forecasts, RandomStreams(self.root, r))
            # What a what-if changes in the schedule applies from now on, on top of the floor.
            planned = planned_at(scenario, RandomStreams(self.root, r), self.t0)
            by_plan = {}
            for name, plan in self.plans.items():
                start = self.starts[name]
                streams = RandomStreams(self.root, r)
                centre = WarmCentre(plan, streams, start, factors, planned_now=planned)
                records = centre.run()
                in_service = centre.state_contacts[len(start.waiting) :]
                by_plan[name] = rest_of_day(records, plan, self.grid, in_service)
            found[r] = by_plan
        return found


def _quantiles(values: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN interval stays NaN
        found = np.nanquantile(values, [0.5, 0.1, 0.9], axis=axis)
    return found[0], found[1], found[2]


def project(
    scenario: Scenario,
    state: CentreState,
    what_ifs: Mapping[str, Scenario] | None = None,
    what_if_states: Mapping[str, CentreState] | None = None,
    replications: int = 40,
    seed: int | None = None,
    prior_cv: float | None = None,
    reforecast_on: bool = True,
    progress: Callable[[int], None] | None = None,
    source: str = "<state>",
    jobs: int = 1,
) -> Projection:
    """Project the rest of the day from ``state`` for ``scenario`` and each what-if.

    Args:
        scenario: the plan as it stands.
        state: the centre now.
        what_ifs: name → the scenario of that what-if (the plan with its overrides).
        what_if_states: name → the state a what-if starts from when it changes the state
            itself (agents back from lunch early, a break put off): default ``state``. The
            re-forecast is the plan's state's.
        replications: replications per plan (each plan runs the same ones).
        seed: root seed (default: the scenario's ``experiment.seed``).
        prior_cv: the re-forecast prior's cv (see :func:`~ccsim.intraday.reforecast.reforecast`).
        reforecast_on: False: the rest of the day as forecast (no scaling, no ratio drawn).
        progress: called with the replications done so far.
        source: the state's name for error messages.
        jobs: worker processes for the replications (1: in this process; 0: every core).
            The results are the same for any ``jobs``.
    """
    started = clock.perf_counter()
    plans = {PLAN: scenario, **dict(what_ifs or {})}
    root = scenario.experiment.seed if seed is None else seed
    states = {name: state for name in plans} | dict(what_if_states or {})
    unknown = set(states) - set(plans)
    if unknown:
        raise ValueError(f"what_if_states names no what-if: {', '.join(sorted(unknown))}")
    starts = {name: start_state(states[name], plan, source) for name, plan in plans.items()}
    forecasts = reforecast(state, scenario, prior_cv) if reforecast_on else {}
    t0 = state.seconds
    values: dict = {name: {} for name in plans}
    totals: dict = {name: {} for name in plans}
    try:
        grid = rest_of_day_grid(scenario, t0, (math.floor(t0 / DAY) + 1) * DAY)
    except ValueError:
        raise StateError(
            f"{source}: time: {format_clock(state.time)} is after the day's last planning "
            "interval; nothing is left to project (give a time within the day's opening hours)"
        ) from None
    task = _Replications(plans, starts, forecasts, root, t0, grid)
    # Replication r draws only from its own streams (root, r): where it runs, and with which
    # others, changes nothing — the results are the same for any jobs.
    size = max(1, math.ceil(replications / (4 * max(jobs, 1))))
    chunks = [range(k, min(k + size, replications)) for k in range(0, replications, size)]
    found: dict[int, dict] = {}
    with make_executor(jobs, "", len(chunks)) as executor:
        for _, results in executor.map_unordered(task, chunks):
            found.update(results)
            if progress is not None:
                progress(len(found))
    for r in range(replications):
        for name, (per, whole) in found[r].items():
            for measure, by_group in per.items():
                for group, row in by_group.items():
                    values[name].setdefault(measure, {}).setdefault(group, []).append(row)
                    totals[name].setdefault(measure, {}).setdefault(group, []).append(
                        whole[measure][group]
                    )
    groups = {m: tuple(scenario.contact_types) for m in CONTACT_MEASURES}
    groups.update({m: tuple(scenario.pools) for m in POOL_MEASURES})
    return Projection(
        time=t0,
        starts=grid.starts,
        plans=tuple(plans),
        groups=groups,
        values={
            p: {m: {g: np.array(rows) for g, rows in by.items()} for m, by in v.items()}
            for p, v in values.items()
        },
        totals={
            p: {m: {g: np.array(rows) for g, rows in by.items()} for m, by in v.items()}
            for p, v in totals.items()
        },
        reforecasts=forecasts,
        replications=replications,
        seed=root,
        seconds=clock.perf_counter() - started,
    )
