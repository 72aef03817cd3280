"""What may happen to a contact besides being answered: transfers, redials, callbacks.

These options of a contact type describe the customer's journey through the centre:

* ``transfers``: after an agent has handled it, a contact may be passed to another contact
  type (tier 1 → tier 2, sales → billing). *Cold*: the first agent is free at once. *Warm*
  (consult/conference): the first agent stays on the line until an agent of the new type
  answers, then both talk for ``handover`` before the first leaves.
* ``redial``: a caller who abandoned, was blocked or balked calls again after a delay, with a
  probability that may fall with each attempt (redials are real load).
* ``callback``: a caller whose predicted wait exceeds a threshold is offered a callback and
  may accept it. The callback keeps the caller's place in line (virtual hold) or joins a
  callback queue worked when no caller of the type is waiting; an agent then dials, reaches
  the customer with a probability, and retries after a delay.
* ``announcement``: callers hear their predicted wait on arrival, and some hang up at once
  (balk): P(balk) = 1 − exp(−announced wait / ``balk_tolerance``).
* ``conversation``: messaging — a conversation of several customer messages separated by the
  customer's think time, each answered as a short task by any free agent.
* ``self_service``: a bot / IVR front door. A share of arriving contacts (first attempts and
  redials) spend a while with it; a fraction is contained there, some hang up, the rest are
  escalated to the agents' queue, with a shorter handle time when context is passed on.
* ``after_hours``: contacts that arrive while the centre is closed — they wait for the next
  opening (email, messaging), meet the bot only, or hear a closed message and call back.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from ccsim.scenario.distributions import Deterministic, Distribution, Exponential
from ccsim.scenario.fields import (
    FROZEN,
    Duration,
    Flag,
    Name,
    PositiveDuration,
    Probability,
    Real,
    Whole,
)
from ccsim.scenario.yaml_input import shown

MAX_TRANSFERS = 20
"""Transfers per customer at most: a safety net against transfer loops that never end."""


class Transfer(BaseModel):
    """After handling, the contact moves on to contact type ``to`` with ``probability``."""

    model_config = FROZEN

    to: Name
    probability: Probability
    mode: Literal["cold", "warm"] = "cold"
    handover: Duration = 0.0


class Redial(BaseModel):
    """A caller who did not get through tries again.

    ``probability`` is the chance of one more attempt: a single number, or one per attempt
    (first redial, second, …; the last value repeats). ``delay`` is the time until the
    redial. ``after`` says which outcomes lead to redials; ``max_attempts`` caps redials per
    customer.
    """

    model_config = FROZEN

    probability: Probability | list[Probability]
    delay: Distribution
    after: tuple[Literal["abandoned", "blocked", "balked"], ...] = ("abandoned", "blocked")
    max_attempts: Whole = Field(default=5, ge=1, le=100)

    @field_validator("probability")
    @classmethod
    def _not_empty(cls, value: float | list[float]) -> float | list[float]:
        if isinstance(value, list) and not value:
            raise ValueError("give at least one probability (or a single number)")
        return value

    def probability_for(self, attempt: int) -> float:
        """Chance of redial number ``attempt`` (1 = the first redial)."""
        if attempt > self.max_attempts:
            return 0.0
        if isinstance(self.probability, list):
            return self.probability[min(attempt, len(self.probability)) - 1]
        return self.probability


class CallbackOffer(BaseModel):
    """Offer a callback to callers whose predicted wait exceeds ``offer_when_wait_over``.

    An accepted callback keeps the caller's place in line (``keep_place: true``, virtual
    hold), or joins a callback queue that agents work only when no caller of the type is
    waiting. The agent spends ``dial_time`` on each attempt; the customer is reached with
    ``reach_probability`` (then the call is handled as usual); unreached callbacks are tried
    again after ``retry_delay``, up to ``max_attempts`` attempts in all.
    """

    model_config = FROZEN

    offer_when_wait_over: Duration
    accept_probability: Probability
    keep_place: Flag = True
    dial_time: Distribution = Deterministic(distribution="deterministic", value=20.0)
    reach_probability: Probability = 1.0
    retry_delay: Distribution | None = None
    max_attempts: Whole = Field(default=3, ge=1, le=20)


class WaitAnnouncement(BaseModel):
    """Callers who must wait hear their predicted wait; some hang up straight away.

    ``balk_tolerance``: P(balk) = 1 − exp(−announced wait / balk_tolerance); leave it out to
    announce without balking.
    """

    model_config = FROZEN

    balk_tolerance: PositiveDuration | None = None


class SelfService(BaseModel):
    """A bot / IVR in front of the agents.

    ``share`` of arriving contacts (first attempts and redials) go to the bot; they stay
    ``duration``; then a ``containment`` share is resolved, a ``drop_out`` share hangs up,
    and the rest escalate to the agents, whose handle time is multiplied by
    ``handle_time_factor`` (context passed on: below 1). ``ports`` limits contacts in the
    bot at once (IVR ports; beyond them a caller gets a busy tone); none: no limit.
    """

    model_config = FROZEN

    share: Probability = 1.0
    duration: Distribution
    containment: Probability
    drop_out: Probability = 0.0
    handle_time_factor: Real = Field(default=1.0, gt=0, le=20)
    ports: Whole | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _check_shares(self) -> SelfService:
        if self.containment + self.drop_out > 1 + 1e-9:
            raise ValueError(
                f"containment ({self.containment:g}) and drop_out ({self.drop_out:g}) add up "
                "to more than 1"
            )
        return self


class Conversation(BaseModel):
    """An asynchronous messaging conversation: several customer messages, each a short task.

    A conversation has a geometric number of customer messages with mean ``mean_messages``
    (at least one). Each message waits for an agent, who works the reply as one task (the
    type's handle time) and is free again; ``think_time`` after the reply the customer sends
    the next message, which any agent of the type may answer.
    """

    model_config = FROZEN

    mean_messages: Real = Field(ge=1.0, le=1000.0)
    think_time: Distribution


class AfterHours(BaseModel):
    """Contacts that arrive while the centre is closed, and what happens to them.

    They arrive at ``rate_per_hour`` between closing and the next opening (and from midnight
    to the first opening of the horizon): one number, or 24 numbers, one per clock hour
    (00:00–01:00 first; only the closed hours are used). ``action`` says what they meet:

    * ``next_opening`` — they wait in the queue and are worked from the next opening
      (email and messaging only; their response time runs from their real arrival);
    * ``self_service`` — the type's bot only: the bot contains some, some hang up, and those
      it would have escalated are told to call back in opening hours;
    * ``call_back`` — a closed message: they are told to call back in opening hours.

    A customer told to call back calls again with ``call_back_probability``,
    ``call_back_delay`` after the next opening (a redial; not after the horizon's end).
    """

    model_config = FROZEN

    rate_per_hour: Real | list[Real]
    action: Literal["next_opening", "self_service", "call_back"]
    call_back_probability: Probability = 0.7
    call_back_delay: Distribution = Exponential(distribution="exponential", mean=3600.0)

    @field_validator("rate_per_hour")
    @classmethod
    def _check_rates(cls, value: float | list[float]) -> float | list[float]:
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and len(value) != 24:
            raise ValueError(
                f"give one rate or 24 (one per clock hour, 00:00-01:00 first), got {len(value)}"
            )
        if any(not math.isfinite(v) or v < 0 for v in values):
            raise ValueError(f"rates must be non-negative finite numbers, got {shown(value)}")
        return value

    def rate_at_hour(self, hour: int) -> float:
        """Contacts per hour arriving in clock hour ``hour`` (0–23) while closed."""
        if isinstance(self.rate_per_hour, list):
            return self.rate_per_hour[hour]
        return self.rate_per_hour
