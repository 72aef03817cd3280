"""Pools of agents: skills, staffing and cost."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from ccsim.scenario.capacity import MAX_AGENTS
from ccsim.scenario.distributions import Distribution
from ccsim.scenario.fields import FROZEN, Duration, Flag, Name, Real, Whole
from ccsim.scenario.schedule import Shift
from ccsim.scenario.yaml_input import shown


class Skill(BaseModel):
    """How a pool serves one contact type.

    ``priority``: 1 is highest. ``after``: time-based overflow — the pool becomes eligible for
    a contact only once it has waited this long (0: at once). Proficiency: the handle time
    here is the type's times ``handle_time_factor`` (a generalist 20 % slower: 1.2), or, with
    ``handle_time``, a distribution of its own replacing the type's talk time (wrap-up kept).
    """

    model_config = FROZEN

    priority: Whole = Field(default=1, ge=1)
    after: Duration = 0.0
    handle_time_factor: Real = Field(default=1.0, gt=0, le=20)
    handle_time: Distribution | None = None


_SERVES_AS_TYPED = Name | list[Name] | dict[Name, Annotated[int, Field(ge=1)] | Skill]
"""What ``serves`` may be written as: one name, a list by rank, or names mapped to a priority
or a skill."""


class Pool(BaseModel):
    """A group of agents with the same skills, staffing and cost.

    ``serves`` lists the contact types the pool handles, most important first, or maps each
    to a priority (1 = highest) or to a :class:`Skill`. An arriving contact goes to an idle
    agent of the pool that ranks it highest; a freed agent takes the longest-waiting contact
    of its highest-priority type. ``staffing`` is agents on duty, one number or one per
    interval of the day; or ``shifts`` give a roster (:mod:`ccsim.scenario.schedule`).
    ``absenteeism``: the probability that a scheduled agent is absent for a whole day (drawn
    per day and replication); ``shrinkage``: the share of at-work time spent off the phones
    (see :mod:`ccsim.scenario.roster`). Without either, ``staffing`` is agents on the phones;
    with them, it is agents scheduled. ``reserve_for_primary`` keeps the last K idle agents
    for the pool's priority-1 types: other types get an agent only while more than K are idle.

    Chat: an agent may hold up to ``max_concurrency`` chats at once; a chat started with n
    chats open (itself included) takes ``concurrency_factors[n - 1]`` times its handle time
    (e.g. 1.0, 1.3, 1.7). New chats go to the agent with the fewest open chats
    (``chat_assignment: least_loaded``, an idle agent first) or the most (``most_loaded``,
    filling agents up and keeping others free for calls). A voice call or an email only goes
    to an agent with no open chat.

    Blending: deferrable work (email, messaging) is taken only when no real-time contact the
    pool serves is waiting, and an agent finishes the item in hand before the next call. With
    ``interrupt_deferrable: true`` an arriving call (or chat) that finds no idle agent
    interrupts an agent of the pool working a deferrable item (pre-emption); the agent parks
    the item, takes the call — and any further real-time contact waiting — and then resumes
    the item where it was left.
    """

    model_config = FROZEN

    serves: dict[Name, Skill] = Field(min_length=1)
    staffing: Whole | list[Whole] | None = None
    shifts: list[Shift] | None = None
    absenteeism: Real = Field(default=0.0, ge=0.0, lt=1.0)
    shrinkage: Real = Field(default=0.0, ge=0.0, lt=1.0)
    cost_per_hour: Real = Field(default=0.0, ge=0)
    reserve_for_primary: Whole = Field(default=0, ge=0)
    max_concurrency: Whole = Field(default=1, ge=1, le=20)
    concurrency_factors: list[Real] | None = None
    chat_assignment: Literal["least_loaded", "most_loaded"] = "least_loaded"
    calls_while_chatting: Flag = False
    interrupt_deferrable: Flag = False

    @model_validator(mode="after")
    def _check_staffing_form(self) -> Pool:
        if (self.staffing is None) == (self.shifts is None):
            raise ValueError(
                "give either staffing (agents per interval: one number or a list) or shifts "
                "(a roster of shifts with breaks), "
                + ("not both" if self.shifts is not None else "one is required")
            )
        return self

    @model_validator(mode="after")
    def _check_headcount(self) -> Pool:
        headcount = sum(shift.headcount for shift in self.shifts or ())
        if headcount > MAX_AGENTS:
            raise ValueError(
                f"the shifts' headcounts add up to {headcount:,} agents, more than a run can "
                f"hold (at most {MAX_AGENTS:,} in a pool)"
            )
        return self

    @model_validator(mode="after")
    def _check_concurrency(self) -> Pool:
        factors = self.concurrency_factors
        if factors is not None:
            if len(factors) != self.max_concurrency:
                raise ValueError(
                    f"concurrency_factors has {len(factors)} values but max_concurrency is "
                    f"{self.max_concurrency}; give one handle-time factor per number of open chats"
                )
            if any(f <= 0 for f in factors):
                raise ValueError(f"concurrency_factors must be positive, got {factors}")
        if self.interrupt_deferrable and self.max_concurrency > 1:
            raise ValueError(
                "interrupt_deferrable is for pools whose agents hold one contact at a time "
                f"(max_concurrency is {self.max_concurrency}); chat agents already juggle work"
            )
        return self

    def concurrency_factor(self, open_chats: int) -> float:
        """Handle-time factor of a chat started with ``open_chats`` open (itself included)."""
        if self.concurrency_factors is None:
            return 1.0
        return self.concurrency_factors[open_chats - 1]

    # The schema editors see (``ccsim schema``) shows the shorthands a planner may type, not
    # only the mapping they are turned into.
    @field_validator("serves", mode="before", json_schema_input_type=_SERVES_AS_TYPED)
    @classmethod
    def _serves_shorthands(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            odd = [item for item in value if not isinstance(item, str)]
            if odd:  # a list in a list, or a mapping: not a name (and not hashable)
                raise ValueError(
                    f"serves lists contact type names (serves: [voice, email]) or maps each "
                    f"to a priority or skill (serves: {{voice: 1}}); {shown(odd[0], 80)} is "
                    "not a name"
                )
            if len(set(value)) != len(value):
                raise ValueError(f"serves lists a contact type twice: {shown(value)}")
            return {name: {"priority": rank} for rank, name in enumerate(value, start=1)}
        if isinstance(value, dict):
            return {
                name: {"priority": skill}
                if isinstance(skill, int) and not isinstance(skill, bool)
                else skill
                for name, skill in value.items()
            }
        return value

    @property
    def primary_types(self) -> tuple[str, ...]:
        """The contact types this pool ranks highest."""
        best = min(skill.priority for skill in self.serves.values())
        return tuple(name for name, skill in self.serves.items() if skill.priority == best)

    @field_validator("staffing")
    @classmethod
    def _check_staffing(cls, value: int | list[int] | None) -> int | list[int] | None:
        if value is None:
            return value
        values = value if isinstance(value, list) else [value]
        if not values or any(v < 0 for v in values):
            raise ValueError(
                f"staffing must be agents >= 0 (one number or a list), got {shown(value)}"
            )
        if max(values) > MAX_AGENTS:
            raise ValueError(
                f"{max(values)} agents on duty is more than a run can hold (at most "
                f"{MAX_AGENTS:,} in a pool)"
            )
        return value
