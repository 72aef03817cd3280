"""Outbound campaigns: a list of customers to call, placed when agents have nothing inbound.

A campaign is a list of ``list_size`` numbers to call within a daily ``window``, by agents of
the listed ``pools``. The dialer places a call only when one of those agents would otherwise
go idle — inbound contacts always come first. Each attempt costs the agent ``dial_time``
(ringing, voicemail) and reaches the customer with ``reach_probability``; a reached customer
is then handled for ``talk_time``. An unreached number is tried again after ``retry_delay``,
up to ``max_attempts`` attempts in all.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from ccsim.scenario.distributions import Deterministic, Distribution
from ccsim.scenario.fields import FROZEN, ClockTime, Name, Probability, Whole
from ccsim.units import format_clock


class Window(BaseModel):
    """The daily hours in which the dialer may place calls."""

    model_config = FROZEN

    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _check(self) -> Window:
        if self.end <= self.start:
            raise ValueError(
                f"end ({format_clock(self.end)}) must be after start ({format_clock(self.start)})"
            )
        return self


class Campaign(BaseModel):
    """One outbound campaign (see the module docstring)."""

    model_config = FROZEN

    list_size: Whole = Field(ge=1, le=10_000_000)
    window: Window
    pools: tuple[Name, ...] = Field(min_length=1)
    reach_probability: Probability
    dial_time: Distribution = Deterministic(distribution="deterministic", value=25.0)
    talk_time: Distribution
    retry_delay: Distribution | None = None
    max_attempts: Whole = Field(default=3, ge=1, le=50)
