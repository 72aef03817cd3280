"""The debrief: the trainee's day beside other plans on the same random callers.

Every alternative runs the exercise's day — its scripted events included — on the
trainee's seed, so the same callers arrive at the same moments with the same handle times
and patience (common random numbers): differences are the plans', not luck's.

* **reference plan** — the trainer's decisions (``reference_plan`` in the exercise);
* **``ccsim staff`` answer** — the staffing study (:mod:`ccsim.studies.staffing`) run with
  few replications to keep the debrief quick (the page says so): the fewest agents per
  interval meeting the service-level targets, as a plan;
* **Erlang-only plan** — each interval's Erlang answer for its forecast, as a planner with
  only a calculator would schedule it (no carried-over queue, no spike, no outage);
* **without each decision** — the trainee's day replayed with one decision left out: what
  that decision changed (score, and the service level of its own interval and the next).
"""

from __future__ import annotations

import math

from ccsim.scenario import Scenario
from ccsim.training.exercise import Exercise
from ccsim.training.session import Decision, LeverRefused, Session, replay

STAFF_REPLICATIONS = 2
"""Replications per staffing tried by the debrief's staffing search (``ccsim staff`` uses
more; the answer here is a quick one)."""


def alternatives(exercise: Exercise, scenario: Scenario, seed: int) -> list[dict]:
    """The reference, staffing-study and Erlang-only plans' scores on the same callers."""
    result = []
    planned = [Decision(d.at, d.lever, d.value) for d in exercise.reference_plan]
    result.append(_scored("reference plan", exercise, scenario, seed, planned))
    try:
        staffed = staff_answer(scenario)
        result.append(_scored("ccsim staff answer", exercise, staffed, seed, []))
        result[-1]["note"] = f"quick search: {STAFF_REPLICATIONS} replications per staffing"
    except Exception as exc:  # the study refuses some scenarios: say why, keep the rest
        result.append({"plan": "ccsim staff answer", "score": None, "note": str(exc)[:300]})
    try:
        result.append(_scored("Erlang-only plan", exercise, erlang_plan(scenario), seed, []))
    except Exception as exc:
        result.append({"plan": "Erlang-only plan", "score": None, "note": str(exc)[:300]})
    return result


def staff_answer(scenario: Scenario) -> Scenario:
    """The scenario staffed by a quick ``ccsim staff`` search."""
    from ccsim.studies.staffing.optimiser import optimise_staffing
    from ccsim.studies.staffing.verdict import Assurance

    assurance = Assurance(rerun_replications=4, first_replications=4, max_replications=4)
    plan = optimise_staffing(
        scenario,
        replications=STAFF_REPLICATIONS,
        confirm_replications=2,
        assurance=assurance,
    )
    return plan.scenario


def erlang_plan(scenario: Scenario) -> Scenario:
    """The scenario staffed by each interval's Erlang answer (grossed up for absence)."""
    from ccsim.studies.staffing.optimiser import erlang_staffing, with_staffing
    from ccsim.studies.staffing.plan import Absence
    from ccsim.studies.staffing.targets import Targets

    absence = Absence.of(scenario)
    own = erlang_staffing(scenario, Targets())
    return with_staffing(scenario, {p: absence.scheduled(p, v) for p, v in own.items()})


def _scored(
    name: str, exercise: Exercise, scenario: Scenario, seed: int, decisions: list[Decision]
) -> dict:
    outcome = replay(exercise, scenario, decisions, seed).finish()
    return {"plan": name, "score": outcome.score["score"], "measures": outcome.score["measures"]}


def decision_effects(session: Session) -> list[dict]:
    """Each decision against the queue: the score without it, and the service level of the
    interval it was made in and the next, with and without it."""
    outcome = session.finish()
    exercise, scenario = session.exercise, session.scenario
    horizon = scenario.horizon
    rows = []
    for k, decision in enumerate(session.decisions):
        others = session.decisions[:k] + session.decisions[k + 1 :]
        try:
            without = replay(exercise, scenario, others, session.seed).finish()
        except LeverRefused as exc:  # a later decision depended on this one
            rows.append({**_plain(decision), "without": None, "note": str(exc)})
            continue
        interval = int((decision.time % 86400 - horizon.open) // horizon.interval)
        rows.append(
            {
                **_plain(decision),
                "score_with": outcome.score["score"],
                "score_without": without.score["score"],
                "service_level_with": _sl(outcome.measures, interval),
                "service_level_without": _sl(without.measures, interval),
            }
        )
    return rows


def effects_of_decisions(
    exercise: Exercise, scenario: Scenario, decisions: list[Decision], seed: int
) -> list[dict]:
    """:func:`decision_effects` of a day replayed from its decisions (what a child process
    of the server computes: a live session does not cross processes, its decisions do)."""
    return decision_effects(replay(exercise, scenario, decisions, seed))


def _plain(decision: Decision) -> dict:
    from ccsim.units import format_clock

    return {
        "time": decision.time,
        "clock": format_clock(decision.time),
        "lever": decision.lever,
        "value": decision.value,
    }


def _sl(measures, interval: int) -> float | None:
    """The overall service level of ``interval`` and the next (answered within threshold
    over the denominator, all types)."""
    table = measures.intervals
    rows = table[(table["kind"] == "type") & table["interval"].isin([interval, interval + 1])]
    within, denominator = rows["answered_within_threshold"].sum(), rows["sl_denominator"].sum()
    value = within / denominator if denominator else math.nan
    return None if math.isnan(value) else float(value)
