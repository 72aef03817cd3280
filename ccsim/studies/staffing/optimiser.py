"""The staffing optimiser: how many agents, when — an answer that holds on fresh days.

A planner's question is rarely "what happens with 42 agents" but "how many do I need, when".
The per-interval Erlang answer is the usual start — and wrong in the ways that matter: a
queue built up in one interval is still there in the next, shared pools lend each other
agents, the centre closes, handle times are not exponential. A simulation corrects it, but
a minimum found on the same replications that judge it is biased low (the search keeps
whatever those replications happen to flatter). So the optimiser searches on one set of
random numbers and decides on another:

1. **Erlang start and floor.** Each contact type's per-interval Erlang C (or Erlang A, with
   patience) figure for its targets, at the busiest day's rate, in the pool that serves it
   first, is where the search starts; the Erlang figure of the pooled load of the pools
   that share contact types is a floor (:mod:`ccsim.studies.staffing.floor`).
2. **Search** (:mod:`ccsim.studies.staffing.search`, root seed = the scenario's or ``--seed``):
   up where a target is missed, then down while none breaks, every staffing on the same
   ``--reps`` replications (common random numbers).
3. **Verification** (:mod:`ccsim.studies.staffing.verification`, an independent root seed derived
   from the seed): the answer is judged on replications the search never saw; agents are
   added where they miss, then taken out only where the independent replications show
   them not needed, until no single agent can go. Never below the floor, except at an
   opening that inherits no queue.
4. **Confirmation**: the written scenario run with a third independent seed
   (``--confirm-reps``), read the way a planner reads a re-run (:func:`contract`).

"Meets" is the prediction bound of :mod:`ccsim.studies.staffing.verdict`: an interval is accepted
only if a planner's re-run (``--rerun-reps``, default 40 replications, another seed) will
show it on the right side of its target, for the whole day at once with probability
``--assurance`` (default 95 %). With ``confidence`` q the statement is about the share of
days meeting the target.

**Hours.** The search works in *required agents* — on the phones. The written scenario
schedules *agents to schedule* = ⌈required / ((1 − shrinkage)(1 − absenteeism))⌉ with the
pool's shrinkage and absenteeism kept, so the model takes them off again: every replication
the verification and confirmation simulate is the schedule the planner would publish, absent
agents and off-phone time included.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.experiment.executors import Executor, InProcessExecutor
from ccsim.experiment.replications import run_experiment
from ccsim.model.streams import source_key
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import DELETE, derive
from ccsim.scenario.overrides import Path as KeyPath
from ccsim.scenario.roster import staffing_per_interval
from ccsim.studies.staffing.contract import contract
from ccsim.studies.staffing.floor import erlang_agents, staffing_floor
from ccsim.studies.staffing.plan import Absence, Effort, StaffingPlan
from ccsim.studies.staffing.search import StaffingSearch
from ccsim.studies.staffing.targets import StaffingError, Targets, first_pool, staffing_checks
from ccsim.studies.staffing.trials import Trials
from ccsim.studies.staffing.verdict import Assurance, Judge
from ccsim.studies.staffing.verification import Verifier

if TYPE_CHECKING:
    from ccsim.studies.staffing.rostering import Roster

__all__ = [
    "Assurance",
    "StaffingError",
    "StaffingPlan",
    "Targets",
    "derived_seed",
    "erlang_staffing",
    "first_pool",
    "optimise_staffing",
    "with_staffing",
]


def optimise_staffing(
    scenario: Scenario,
    targets: Targets | None = None,
    replications: int = 10,
    seed: int | None = None,
    confirm_replications: int = 40,
    shrinkage: float | None = None,
    absenteeism: float | None = None,
    assurance: Assurance | None = None,
    shifts: bool = False,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> StaffingPlan:
    """Find the fewest agents per interval and pool that meet ``targets`` on fresh days.

    Args:
        scenario: the scenario; its pools' staffing is replaced (per interval of the day).
        targets: what to meet (default: every real-time type's service-level target).
        replications: replications per staffing tried by the search.
        seed: the search's root seed (default: the scenario's); the verification and the
            confirmation use independent seeds derived from it (:func:`derived_seed`).
        confirm_replications: replications of the confirmation run.
        shrinkage, absenteeism: for every pool (default: each pool's own setting).
        assurance: the re-run the answer must survive (default: 40 replications, 95 %).
        shifts: also choose headcounts for the pools' shift patterns
            (:func:`ccsim.studies.staffing.rostering.settle_roster`); the written scenario is the
            roster.
        executor: where simulations run (default: this process).
        progress: called with a line of text after each step.

    Raises:
        StaffingError: a target cannot be met, an option is out of range, or ``shifts`` is
            asked of a scenario without shift patterns.
        RosteringError: ``shifts`` and the shift patterns cannot cover the requirement.
    """
    if shifts and all(pool.shifts is None for pool in scenario.pools.values()):
        raise StaffingError(
            "--shifts: no pool of the scenario has shifts; give the allowed shift patterns "
            "(start, length, breaks) under a pool's shifts, and ccsim chooses headcounts"
        )
    targets = targets or Targets()
    assurance = assurance or Assurance()
    executor = executor or InProcessExecutor()
    root = scenario.experiment.seed if seed is None else seed
    base = with_absence(scenario, shrinkage, absenteeism)
    absence = Absence.of(base)
    horizon = base.horizon
    pools = list(base.pools)
    checks = staffing_checks(base, targets)
    judge = Judge(checks, assurance, targets.confidence, horizon.days, horizon.intervals_per_day)
    own = np.array([erlang_staffing(base, targets)[p] for p in pools])
    floor = staffing_floor(base, targets)
    trials = Trials(partial(_scheduled_matrix, base, absence), executor)
    openings = [] if horizon.continuous else [0]
    tentative = np.zeros_like(floor.waived)
    tentative[:, openings] = True  # the verification decides whether openings may go lower
    search = StaffingSearch(trials, judge, replications, root, floor.waive(tentative), progress)
    found = search.run(own)
    searched = Effort(trials.staffings, trials.replications)
    names = list(base.contact_types)
    serves = [[names.index(t) for t in base.pools[p].serves] for p in pools]
    verifier = Verifier(trials, judge, derived_seed(root, "verification"), serves, progress)
    answer = verifier.settle(found, floor, openings, own)
    settled_floor = verifier.floor
    assert settled_floor is not None, "settle() leaves the floor it settled on"
    floor = settled_floor
    required = {p: answer[k].copy() for k, p in enumerate(pools)}
    scheduled = {p: absence.scheduled(p, v) for p, v in required.items()}
    written = scheduled_scenario(base, scheduled)
    rosters: list[Roster] = []
    if shifts:
        from ccsim.studies.staffing.rostering import settle_roster

        rosters, written = settle_roster(base, scheduled, judge, verifier, executor)
    verified = Effort(
        trials.staffings - searched.staffings + sum(e[0] for e in verifier.effort),
        trials.replications - searched.replications + sum(e[1] for e in verifier.effort),
    )
    confirm_seed = derived_seed(root, "confirmation")
    confirmation = run_experiment(
        written,
        replications=confirm_replications,
        seed=confirm_seed,
        keep_records=True,
        executor=executor,
    )
    per_day = horizon.intervals_per_day
    own_roster = {  # pools given by shifts (not chosen here): their roster beside the need
        name: np.asarray(staffing_per_interval(pool, horizon), float)[:per_day]
        for name, pool in scenario.pools.items()
        if pool.shifts is not None and not shifts
    }
    return StaffingPlan(
        scenario=written,
        targets=targets,
        assurance=assurance,
        checks=checks,
        erlang={p: own[k].copy() for k, p in enumerate(pools)},
        floor=floor,
        required=required,
        scheduled=scheduled,
        absence=absence,
        confirmation=confirmation,
        verdicts=contract(confirmation, checks, targets.confidence),
        seeds={
            "search": root,
            "verification": verifier.seed,
            "confirmation": confirm_seed,
        },
        effort={
            "search": searched,
            "verification": verified,
            "verification_most_replications": verifier.most_replications,
            "confirmation": Effort(1, confirm_replications),
        },
        history=search.history + verifier.history,
        roster=own_roster,
        rosters=rosters,
        search_replications=replications,
    )


def derived_seed(root: int, purpose: str) -> int:
    """An independent root seed for ``purpose`` (``verification``, ``confirmation``),
    derived from ``root``: random numbers that share nothing with the root's."""
    words = np.random.SeedSequence(entropy=root, spawn_key=(source_key(purpose),)).generate_state(
        2, np.uint32
    )
    return ((int(words[0]) << 32) | int(words[1])) >> 1  # below 2**63, as seeds must be


def with_absence(
    scenario: Scenario, shrinkage: float | None, absenteeism: float | None
) -> Scenario:
    """``scenario`` with every pool's shrinkage and absenteeism set (None: kept as they are)."""
    for option, value in (("--shrinkage", shrinkage), ("--absenteeism", absenteeism)):
        if value is not None and not 0 <= value < 1:
            raise StaffingError(
                f"{option}: give the share of scheduled agents' time lost, in [0, 1) "
                f"(e.g. 0.3), got {value}"
            )
    if shrinkage is None and absenteeism is None:
        return scenario
    changes: dict[KeyPath, Any] = {}
    for pool in scenario.pools:
        if shrinkage is not None:
            changes["pools", pool, "shrinkage"] = shrinkage
        if absenteeism is not None:
            changes["pools", pool, "absenteeism"] = absenteeism
    return derive(scenario, changes, source=scenario.name)


def scheduled_scenario(base: Scenario, scheduled: dict[str, np.ndarray]) -> Scenario:
    """``base`` with every pool scheduling ``scheduled`` agents per interval of the day (its
    shrinkage and absenteeism kept: the model takes them off again)."""
    return with_staffing(base, scheduled)


def with_staffing(scenario: Scenario, staffing: dict[str, np.ndarray]) -> Scenario:
    """A copy of ``scenario`` whose pools have ``staffing`` (one value per interval of day)."""
    changes: dict[KeyPath, Any] = {}
    for pool, values in staffing.items():
        changes["pools", pool, "shifts"] = DELETE  # a roster gives way to the per-interval answer
        changes["pools", pool, "staffing"] = [int(v) for v in values]
    return derive(scenario, changes, source=f"{scenario.name} (staffing)")


def _scheduled_matrix(base: Scenario, absence: Absence, required: np.ndarray) -> Scenario:
    """The scenario of a candidate: ``required`` (pools × intervals) grossed up."""
    pools = list(base.pools)
    return scheduled_scenario(
        base, {p: absence.scheduled(p, required[k]) for k, p in enumerate(pools)}
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
        rule = ctype.service_level
        for i, rate in enumerate(rates):
            result[pool][i] += erlang_agents(
                rate, ctype.aht, rule.threshold, rule.target, patience, targets
            )
    return result
