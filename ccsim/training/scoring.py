"""The scorecard: the day's measures against the exercise's goals, 0-100 points.

Each goal earns its weight's share of 100 points, in full when met and less the further it
is missed (the rules are in :mod:`ccsim.training.exercise`): service level in proportion to
its target (or the share of intervals on target), abandonment down to nothing at twice the
limit, occupancy down to nothing 10 points outside its band, cost down to nothing at 20 %
over budget. The measures are the official ones (:func:`ccsim.measures.measure`) of the one
simulated day, so a replay scores exactly the same.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ccsim.measures import ReplicationMeasures
from ccsim.scenario import Scenario
from ccsim.training.exercise import Exercise


def _clip(value: float) -> float:
    return 0.0 if math.isnan(value) else min(1.0, max(0.0, value))


def scorecard(exercise: Exercise, scenario: Scenario, measures: ReplicationMeasures) -> dict:
    """The score (0-100) and, per goal, the measure, the goal and the points earned."""
    goals = exercise.goals
    rows = []
    for goal in goals.service_level:
        ctype = scenario.contact_types[goal.contact_type]
        target = goal.target if goal.target is not None else ctype.service_level.target
        if goal.per == "interval":
            table = measures.intervals
            mine = table[(table["kind"] == "type") & (table["name"] == goal.contact_type)]
            values = mine["service_level"].to_numpy(float)
            values = values[~np.isnan(values)]
            value = float(np.mean(values >= target)) if len(values) else math.nan
            fraction, text = value, f"intervals at or above {target:.0%}"
        else:
            value = float(measures.by_type[goal.contact_type]["service_level"])
            fraction, text = value / target, f"at least {target:.0%}"
        rows.append(_row(f"service level {goal.contact_type}", value, text, goal.weight, fraction))
    if goals.abandonment is not None:
        limit = goals.abandonment.max
        value = float(measures.overall["abandon_rate"])
        rows.append(
            _row(
                "abandonment",
                value,
                f"at most {limit:.1%}",
                goals.abandonment.weight,
                1 - (value - limit) / limit if value > limit else 1.0,
            )
        )
    if goals.occupancy is not None:
        band = goals.occupancy
        value = float(measures.overall["occupancy"])
        outside = max(band.min - value, value - band.max, 0.0)
        text = f"{band.min:.0%}–{band.max:.0%}"
        rows.append(_row("occupancy", value, text, band.weight, 1 - outside / 0.10))
    if goals.cost is not None:
        budget = goals.cost.budget
        value = float(measures.overall["cost"])
        over = max(value - budget, 0.0) / budget
        text = f"at most {budget:,.0f}"
        rows.append(_row("cost", value, text, goals.cost.weight, 1 - over / 0.2))
    total_weight = sum(r["weight"] for r in rows)
    score = sum(r["earned"] for r in rows) / total_weight * 100 if total_weight else math.nan
    for row in rows:
        row["points"] = row["earned"] / total_weight * 100 if total_weight else 0.0
        row["max_points"] = row["weight"] / total_weight * 100 if total_weight else 0.0
        del row["earned"]
    return {
        "score": round(score, 6) if not math.isnan(score) else None,
        "goals": rows,
        "measures": _headline(measures),
    }


def _row(goal: str, value: float, text: str, weight: float, fraction: float) -> dict:
    met = _clip(fraction)
    return {
        "goal": goal,
        "value": None if math.isnan(value) else value,
        "target": text,
        "weight": weight,
        "met": met >= 1.0,
        "earned": weight * met,
    }


def _headline(measures: ReplicationMeasures) -> dict:
    """The day's headline measures (numbers, or None where undefined)."""
    names = ("offered", "answered", "service_level", "asa", "abandon_rate", "occupancy", "cost")
    overall = measures.overall
    result: dict[str, Any] = {}
    for name in names:
        value = overall.get(name)
        result[name] = None if value is None or math.isnan(float(value)) else float(value)
    result["by_type"] = {
        t: {
            k: (None if math.isnan(float(v[k])) else float(v[k]))
            for k in ("offered", "service_level", "asa", "abandon_rate")
            if k in v
        }
        for t, v in measures.by_type.items()
    }
    return result
