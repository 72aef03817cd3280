"""The optimiser's answer: agents per interval, the hours they add up to, and the verdicts.

Three figures a planner must not confuse, per interval and pool and summed into hours:

* **required** — agents needed *on the phones*: what the search and verification decide;
* **to schedule** — required grossed up for the pool's shrinkage and absenteeism,
  ⌈required / ((1 − shrinkage)(1 − absenteeism))⌉: the staffing written into the scenario
  (the model takes shrinkage and absentees off again);
* **paid in the chosen roster** (``--shifts``) — the paid hours of the shifts chosen to
  cover *to schedule* (more than it: shifts come in whole lengths, with breaks).

The confirmation run's agent hours are the scheduled hours less the absentees (who are not
paid), plus time past closing finishing the last contacts.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ccsim.experiment.replications import ExperimentResult
from ccsim.measures.catalogue import label
from ccsim.scenario import Scenario
from ccsim.stats import half_width
from ccsim.studies.staffing.contract import run_values
from ccsim.studies.staffing.floor import Floor
from ccsim.studies.staffing.targets import Check, Targets, own_types
from ccsim.studies.staffing.verdict import Assurance
from ccsim.units import DAY, format_clock

_SHOWN = ("offered", "service_level", "abandon_rate", "asa")
"""Contact-type measures the staffing table shows (with the targeted ones)."""


@dataclass(frozen=True)
class Absence:
    """Each pool's shrinkage and absenteeism: what separates scheduled from on the phones."""

    shrinkage: dict[str, float]
    absenteeism: dict[str, float]

    @classmethod
    def of(cls, scenario: Scenario) -> Absence:
        return cls(
            {name: pool.shrinkage for name, pool in scenario.pools.items()},
            {name: pool.absenteeism for name, pool in scenario.pools.items()},
        )

    def factor(self, pool: str) -> float:
        """Share of scheduled agents on the phones: (1 − shrinkage)(1 − absenteeism)."""
        return (1.0 - self.shrinkage[pool]) * (1.0 - self.absenteeism[pool])

    def scheduled(self, pool: str, required: np.ndarray) -> np.ndarray:
        """Agents to schedule for ``required`` on the phones."""
        return np.ceil(np.asarray(required) / self.factor(pool) - 1e-9).astype(int)


@dataclass(frozen=True)
class Effort:
    """Simulation spent: distinct staffings and replications."""

    staffings: int
    replications: int


@dataclass(frozen=True)
class StaffingPlan:
    """The optimiser's answer.

    Attributes:
        scenario: the written scenario: the pools scheduling the answer (or, with
            ``--shifts``, the chosen roster), shrinkage and absenteeism kept.
        targets, assurance, checks: what was asked, and the checks it became.
        erlang: per pool, the Erlang figure of the contact types it serves first, per
            interval of the day (the per-interval Erlang answer, and the search's start).
        floor: the steady-state floor the answer respects (:mod:`ccsim.studies.staffing.floor`),
            waived at the openings that inherit no queue.
        required: per pool, agents on the phones per interval of the day.
        scheduled: per pool, agents to schedule per interval of the day.
        absence: the shrinkage and absenteeism grossed up for.
        confirmation: the written scenario run with a third, independent seed.
        verdicts: the confirmation read as a planner reads a re-run
            (:func:`ccsim.studies.staffing.verdict.contract`).
        seeds: root seeds of the search, the verification and the confirmation.
        effort: staffings and replications simulated by each stage.
        history: how the search and the verification went, a line per step.
        roster: pools given by shifts in the scenario (not chosen here): per interval of
            the day, the agents their roster schedules and not on a break.
        rosters: with ``--shifts``, the chosen headcounts
        (:class:`ccsim.studies.staffing.rostering.Roster`).
        search_replications: replications per staffing in the search.
    """

    scenario: Scenario
    targets: Targets
    assurance: Assurance
    checks: list[Check]
    erlang: dict[str, np.ndarray]
    floor: Floor
    required: dict[str, np.ndarray]
    scheduled: dict[str, np.ndarray]
    absence: Absence
    confirmation: ExperimentResult
    verdicts: list[dict]
    seeds: dict[str, int]
    effort: dict
    history: list[str] = field(default_factory=list)
    roster: dict[str, np.ndarray] = field(default_factory=dict)
    rosters: list = field(default_factory=list)
    search_replications: int = 10

    @property
    def evaluations(self) -> int:
        """Staffings simulated by the search and the verification."""
        return self.effort["search"].staffings + self.effort["verification"].staffings

    @property
    def replications(self) -> int:
        """Replications simulated in all (search, verification, confirmation)."""
        return sum(e.replications for e in self.effort.values() if isinstance(e, Effort))

    def misses(self) -> list[dict]:
        """The confirmation's verdicts that miss."""
        return [row for row in self.verdicts if not row["meets"]]

    def miss_line(self) -> str:
        """``2 intervals miss: billing 11:00 (88.1 % vs 90 %), …``, or that none does."""
        misses = self.misses()
        if not misses:
            return (
                "Every targeted (contact type, interval) meets its targets in the confirmation run."
            )
        parts = [self.describe(row) for row in misses]
        count = len({(r["check"].name, r["day"], r["interval"]) for r in misses})
        noun = "interval misses" if count == 1 else "intervals miss"
        return f"{count} {noun} in the confirmation run: " + ", ".join(parts)

    def describe(self, row: dict) -> str:
        """One verdict row in words: ``billing 11:00 (88.1 % vs 90 %)``."""
        check: Check = row["check"]
        horizon = self.scenario.horizon
        clock = format_clock(horizon.open + row["interval"] * horizon.interval)
        day = f"day {row['day']} " if row["day"] is not None and horizon.days > 1 else ""
        what = "" if check.measure == "service_level" else f"{label(check.measure)} "
        if self.targets.confidence is None:
            return f"{check.name} {day}{clock} ({what}{check.describe(row['value'])})"
        return (
            f"{check.name} {clock} ({what}on target on {100 * row['value']:.0f} % of days "
            f"vs {100 * self.targets.confidence:g} %)"
        )

    def table(self) -> pd.DataFrame:
        """One row per interval of the day, pool and contact type the pool answers for: the
        Erlang figure, required, to schedule (and the roster), the achieved measures of the
        confirmation run (mean and CI over its replications, days pooled; with a
        confidence, the share of days on each targeted bound), and the verdict."""
        horizon = self.scenario.horizon
        per_day = horizon.intervals_per_day
        starts = horizon.interval_starts()[:per_day]
        achieved = self._achieved()
        cover = {r.pool: r.cover[:per_day] for r in self.rosters}
        rows = []
        for pool, required in self.required.items():
            for i, start in enumerate(starts):
                base = {
                    "interval": i,
                    "start": format_clock(start % DAY),
                    "pool": pool,
                    "erlang_agents": int(self.erlang[pool][i]),
                    "required_agents": int(required[i]),
                    "scheduled_agents": int(self.scheduled[pool][i]),
                }
                if pool in self.roster:
                    base["rostered_agents"] = float(self.roster[pool][i])
                if pool in cover:
                    base["roster_cover"] = float(cover[pool][i])
                for (name, measure), values in achieved.items():
                    if name == pool:
                        base[measure] = values[i]
                for ctype in own_types(self.scenario, pool):
                    row = dict(base, contact_type=ctype)
                    for (name, measure), values in achieved.items():
                        if name == ctype:
                            row[measure] = values[i]
                    row.update(self._verdict(pool, ctype, i))
                    rows.append(row)
        return pd.DataFrame(rows)

    def _verdict(self, pool: str, ctype: str, i: int) -> dict:
        mine = [
            r
            for r in self.verdicts
            if r["interval"] == i
            and (r["check"].kind, r["check"].name) in (("type", ctype), ("pool", pool))
        ]
        if not mine:
            return {"verdict": "not targeted", "misses": ""}
        missed = [r for r in mine if not r["meets"]]
        return {
            "verdict": "misses" if missed else "meets",
            "misses": "; ".join(self.describe(r) for r in missed),
        }

    def _achieved(self) -> dict[tuple[str, str], np.ndarray]:
        """(contact type or pool, measure) → per interval of the day: the confirmation's
        mean over replications of each replication's mean over the days, with ``_low`` /
        ``_high`` (its t interval); with a confidence, ``days_meeting_<measure>``."""
        run = self.confirmation
        level = run.scenario.experiment.confidence
        shown = [
            ("type", t, k, m) for k, t in enumerate(self.scenario.contact_types) for m in _SHOWN
        ]
        shown += [("pool", p, k, "occupancy") for k, p in enumerate(self.scenario.pools)]
        result = {}
        for kind, name, index, measure in shown:
            values = run_values(run, Check(measure, kind, name, index, 0.0, False, index))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                daily = np.nanmean(values, axis=1)  # replications × intervals of the day
                mean = np.nanmean(daily, axis=0)
                n = np.sum(~np.isnan(daily), axis=0)
                sd = np.nanstd(daily, axis=0, ddof=1)
            half = half_width(sd, n, level)
            result[(name, measure)] = mean
            if measure != "offered":
                result[(name, f"{measure}_low")] = mean - half
                result[(name, f"{measure}_high")] = mean + half
        if self.targets.confidence is not None:
            per_day = self.scenario.horizon.intervals_per_day
            for row in self.verdicts:
                check = row["check"]
                key = (check.name, f"days_meeting_{check.measure}")
                result.setdefault(key, np.full(per_day, np.nan))[row["interval"]] = row["value"]
        return result

    def totals(self) -> dict[str, float]:
        """Agent hours and cost: required (on the phones), to schedule, the Erlang-only
        answer (grossed up alike), the chosen roster's paid hours, and the confirmation's."""
        horizon = self.scenario.horizon
        hours = horizon.interval / 3600.0 * horizon.days
        result = {
            "required_agent_hours": 0.0,
            "scheduled_agent_hours": 0.0,
            "expected_paid_hours": 0.0,
            "scheduled_cost": 0.0,
            "erlang_required_agent_hours": 0.0,
            "erlang_scheduled_agent_hours": 0.0,
            "erlang_scheduled_cost": 0.0,
        }
        for pool, required in self.required.items():
            cost = self.scenario.pools[pool].cost_per_hour
            scheduled = float(self.scheduled[pool].sum() * hours)
            erlang = float(self.absence.scheduled(pool, self.erlang[pool]).sum() * hours)
            result["required_agent_hours"] += float(required.sum() * hours)
            result["scheduled_agent_hours"] += scheduled
            result["expected_paid_hours"] += scheduled * (1 - self.absence.absenteeism[pool])
            result["scheduled_cost"] += scheduled * cost
            result["erlang_required_agent_hours"] += float(self.erlang[pool].sum() * hours)
            result["erlang_scheduled_agent_hours"] += erlang
            result["erlang_scheduled_cost"] += erlang * cost
        if self.rosters:
            result["roster_paid_hours"] = float(sum(r.paid_hours for r in self.rosters))
            result["roster_cost"] = float(sum(r.cost for r in self.rosters))
        overall = self.confirmation.summary()["overall"]
        result["confirmation_agent_hours"] = overall["agent_hours"]["mean"]
        result["confirmation_overtime_hours"] = overall["overtime_hours"]["mean"]
        return result
