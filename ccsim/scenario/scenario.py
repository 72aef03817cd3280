"""The whole scenario: a contact centre over a horizon, and how to run the experiment."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from ccsim.errors import PROBLEM_LIST
from ccsim.scenario.campaign import Campaign
from ccsim.scenario.capacity import capacity_problems
from ccsim.scenario.contact_type import ContactType
from ccsim.scenario.experience import Experience
from ccsim.scenario.fields import FROZEN, Name, PositiveDuration, Real, Whole
from ccsim.scenario.forecast import Forecast
from ccsim.scenario.horizon import Horizon
from ccsim.scenario.measure_options import MeasureOptions
from ccsim.scenario.pool import Pool
from ccsim.scenario.schedule import shift_problems
from ccsim.scenario.weekdays import DaysOfWeek
from ccsim.units import format_clock, format_duration


class Experiment(BaseModel):
    """How many replications to run, from which seed, with which confidence level."""

    model_config = FROZEN

    replications: Whole = Field(default=10, ge=1, le=100_000)
    seed: Whole = Field(default=1, ge=0, lt=2**63)
    confidence: Real = Field(default=0.95, gt=0.5, lt=1.0)


class Routing(BaseModel):
    """Which routing policy the centre's ACD follows (see :mod:`ccsim.model.routing`).

    * ``static_priority`` (default): pools and contact types by priority, then longest-idle
      agent and longest-waiting contact.
    * ``longest_idle``: priorities ignored — an arriving contact goes to the agent idle
      longest in any eligible pool, a freed agent takes the contact waiting longest of any
      type it serves.
    * ``priority_aging``: like ``static_priority``, but a waiting contact gains one priority
      level for every ``aging`` it has waited, so low-priority work is not starved.

    Overflow delays (``after``) and reservations apply under every policy.
    """

    model_config = FROZEN

    policy: Literal["static_priority", "longest_idle", "priority_aging"] = "static_priority"
    aging: PositiveDuration = 60.0


class Scenario(BaseModel):
    """A whole contact centre over a planning horizon, validated and frozen."""

    model_config = FROZEN

    name: str = "scenario"
    description: str = ""
    horizon: Horizon = Horizon()
    contact_types: dict[Name, ContactType] = Field(min_length=1)
    pools: dict[Name, Pool] = Field(min_length=1)
    routing: Routing = Routing()
    campaigns: dict[Name, Campaign] = Field(default_factory=dict)
    forecast: Forecast = Forecast()
    experience: Experience | None = None  # customer experience and churn (docs/experience.md)
    days_of_week: DaysOfWeek | None = None  # weekdays of their own shape (docs/scenarios.md)
    measures: MeasureOptions | None = None  # further definitions (docs/measures.md)
    experiment: Experiment = Experiment()

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        per_day = self.horizon.intervals_per_day
        problems: list[str] = []

        def check_length(path: str, value: object) -> None:
            if isinstance(value, list) and len(value) != per_day:
                problems.append(
                    f"{path} has {len(value)} values but the opening day has {per_day} intervals "
                    f"of {format_duration(self.horizon.interval)} "
                    f"({format_clock(self.horizon.open)}-{format_clock(self.horizon.close)}); "
                    f"give one value per interval or a single number"
                )

        for name, ctype in self.contact_types.items():
            check_length(
                f"contact_types.{name}.arrivals.rate_per_hour", ctype.arrivals.rate_per_hour
            )
            check_length(
                f"contact_types.{name}.arrivals.volume_per_interval",
                ctype.arrivals.volume_per_interval,
            )
            factors = ctype.arrivals.day_factors
            if factors is not None and len(factors) != self.horizon.days:
                problems.append(
                    f"contact_types.{name}.arrivals.day_factors has {len(factors)} values but the "
                    f"horizon has {self.horizon.days} days; give one factor per day"
                )
            if ctype.after_hours is not None and self.horizon.continuous:
                problems.append(
                    f"contact_types.{name}.after_hours: the centre is open 00:00-24:00, so it is "
                    "never closed; set horizon.open/close or remove after_hours"
                )
            for i, transfer in enumerate(ctype.transfers):
                path = f"contact_types.{name}.transfers[{i}].to"
                if transfer.to == name:
                    problems.append(f"{path}: a contact cannot be transferred to its own type")
                elif transfer.to not in self.contact_types:
                    problems.append(
                        f"{path}: {transfer.to!r} is not a defined contact type; defined: "
                        f"{', '.join(self.contact_types)}"
                    )
        for name, pool in self.pools.items():
            check_length(f"pools.{name}.staffing", pool.staffing)
            problems += shift_problems(pool.shifts or [], self.horizon, f"pools.{name}.shifts")
            if pool.reserve_for_primary and len(pool.primary_types) == len(pool.serves):
                problems.append(
                    f"pools.{name}.reserve_for_primary: the pool ranks every type it serves "
                    "equally, so there is no primary type to reserve agents for"
                )
            for served in pool.serves:
                if served not in self.contact_types:
                    problems.append(
                        f"pools.{name}.serves names contact type {served!r}, which is not defined; "
                        f"defined contact types: {', '.join(self.contact_types)}"
                    )
        for name, campaign in self.campaigns.items():
            for dialling in campaign.pools:
                if dialling not in self.pools:
                    problems.append(
                        f"campaigns.{name}.pools names pool {dialling!r}, which is not defined; "
                        f"defined pools: {', '.join(self.pools)}"
                    )
        if self.experience is not None and self.experience.proactive is not None:
            problems += _proactive_problems(self)  # issue 17
        served_types = {t for pool in self.pools.values() for t in pool.serves}
        for name in self.contact_types:
            if name not in served_types:
                problems.append(
                    f"contact_types.{name} is served by no pool; add it to some pool's serves"
                )
        if not problems:  # volumes are only summed once their shapes are right
            problems += capacity_problems(self)
        if self.days_of_week is not None:
            problems += self.days_of_week.problems(self)
        if problems:
            # One line per problem, each starting with its own YAML path (see _describe).
            raise ValueError(PROBLEM_LIST + "\n".join(problems))
        return self

    @property
    def has_journeys(self) -> bool:
        """Whether any contact type has a journey beyond one queue visit (see ContactType)."""
        return any(c.has_journey for c in self.contact_types.values())

    def resolved(self) -> dict[str, Any]:
        """The fully resolved scenario as plain data (seconds everywhere), for results."""
        return self.model_dump(mode="json", by_alias=True)


def _proactive_problems(scenario: Scenario) -> list[str]:
    """A proactive notice must name defined contact types and campaign (issue 17)."""
    proactive = scenario.experience.proactive if scenario.experience else None
    if proactive is None:
        return []
    where = "experience.proactive"
    problems = [
        f"{where}.prevents names contact type {name!r}, which is not defined; defined "
        f"contact types: {', '.join(scenario.contact_types)}"
        for name in proactive.prevents
        if name not in scenario.contact_types
    ]
    if proactive.campaign is not None and proactive.campaign not in scenario.campaigns:
        problems.append(
            f"{where}.campaign names campaign {proactive.campaign!r}, which is not defined; "
            f"defined campaigns: {', '.join(scenario.campaigns) or 'none'}"
        )
    return problems
