"""Customer experience rules: what makes a contact bad, effort, the customer base, churn.

The optional ``experience`` block of a scenario turns the contacts the model records into
what customers go through and what it costs when they leave (measured by
:mod:`ccsim.measures.experience`; docs/experience.md for planners):

* ``bad_contact`` — which contacts and issues are *bad experiences*: waited longer than the
  channel's tolerance (by default 60 s on calls, 3 min on chats and messages, 24 h on
  email — the speeds customers judge by), abandoned (or hung up in the bot), blocked, balked
  or told to call back, a bot that could not help and then a queue, a callback promised and
  not made, more than ``transfers_over`` transfers, not resolved on first contact (the
  customer had to contact again, or came back later with the same issue);
* ``count`` — what one bad experience is: an ``issue`` with anything bad in it (default),
  or every bad ``contact`` (plus each issue broken by an issue rule);
* ``effort`` — the customer effort score of an issue, 1 (easy) to 5 (hard): 1 + points for
  every extra contact, channel switch, transfer, stretch of waiting and repeat, capped at 5;
* ``customers`` — the customer base the issues come from: its size (or the share of it
  who contact on a day) and the share of issues that are a repeat of an earlier issue of
  the same customer, so that the same customers come back over a multi-day horizon and
  their bad experiences add up;
* ``churn`` — the probability a customer leaves after 0, 1, 2, … bad experiences (the last
  value holds for more; default 0, 0.5, 0.8: half switch after one bad experience, 80 %
  after more than one), or a curve ``1 − (1 − per_bad_experience)^k``;
* money — ``customer_value`` (revenue a customer brings over the period a planner prices,
  e.g. a year: revenue at risk) and ``acquisition_cost`` (winning a new customer to replace
  one lost: replacement cost); ``churn_cost`` says which of the two prices a lost customer
  when staffing for the least total cost;
* ``proactive`` — a notice before customers call: the share of each contact type's issues
  it prevents, and the outbound campaign that carries it.

Without the block nothing is measured and nothing changes: runs stay byte-identical.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from ccsim.scenario.fields import FROZEN, PositiveDuration, Probability

CHANNELS = ("voice", "chat", "email", "messaging")
"""The channels a contact type can have (``ContactType.channel``)."""

DEFAULT_TOLERANCE = {"voice": 60.0, "chat": 180.0, "messaging": 180.0, "email": 86400.0}
"""The wait customers accept per channel before a contact counts as bad, in seconds: about
1 minute on calls and 3 minutes on messages (the standards quoted to planners), a day on email."""


class BadContact(BaseModel):
    """Which contacts and issues are bad experiences (every rule can be switched off)."""

    model_config = FROZEN

    wait_over: dict[str, PositiveDuration] = Field(default_factory=lambda: dict(DEFAULT_TOLERANCE))
    abandoned: bool = True
    blocked: bool = True
    bot_then_queue: bool = True
    callback_missed: bool = True
    transfers_over: int | None = Field(default=1, ge=0, le=100)
    not_resolved: bool = True

    @field_validator("wait_over")
    @classmethod
    def _known_channels(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [c for c in value if c not in CHANNELS]
        if unknown:
            raise ValueError(
                f"{', '.join(map(repr, unknown))} is not a channel; the channels are "
                f"{', '.join(CHANNELS)} (a channel left out has no wait rule)"
            )
        return value


class Effort(BaseModel):
    """Points of the customer effort score (1–5) of an issue: 1 plus these, capped at 5."""

    model_config = FROZEN

    per_extra_contact: float = Field(default=1.0, ge=0)
    per_channel_switch: float = Field(default=1.0, ge=0)
    per_transfer: float = Field(default=0.5, ge=0)
    per_wait: PositiveDuration = 300.0
    """One point for every this much waiting over the issue's contacts (5 min by default)."""
    repeat: float = Field(default=1.0, ge=0)


class Customers(BaseModel):
    """The customer base issues come from.

    ``size``: customers in the base; or ``daily_contact_share``: the share of them who
    contact on a day (the size is then the issues of a day over that share). Neither: every
    issue comes from a customer of its own (experiences do not add up across issues).
    ``repeat_issue``: the share of issues that are a customer coming back with an earlier
    issue that was not resolved (the earlier issue then counts as not resolved).
    """

    model_config = FROZEN

    size: int | None = Field(default=None, ge=1, le=1_000_000_000)
    daily_contact_share: float | None = Field(default=None, gt=0, le=1)
    repeat_issue: Probability = 0.0

    @model_validator(mode="after")
    def _one_way(self) -> Customers:
        if self.size is not None and self.daily_contact_share is not None:
            raise ValueError(
                f"give size ({self.size}) or daily_contact_share ({self.daily_contact_share}), "
                "not both: one follows from the other and the day's issues"
            )
        return self


class Churn(BaseModel):
    """The probability a customer leaves after k bad experiences.

    ``after_bad``: one probability per count (0, 1, 2, …), the last one holding for more;
    or ``per_bad_experience``: each bad experience alone makes a share q leave, so after k
    of them ``1 − (1 − q)^k`` have left (then ``after_bad`` is ignored).
    """

    model_config = FROZEN

    after_bad: tuple[Probability, ...] = (0.0, 0.5, 0.8)
    per_bad_experience: Probability | None = None

    @field_validator("after_bad")
    @classmethod
    def _rising(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value:
            raise ValueError("give at least one probability (after 0 bad experiences)")
        if any(b < a for a, b in zip(value, value[1:], strict=False)):
            raise ValueError(
                f"{list(value)} falls somewhere: more bad experiences cannot make a customer "
                "less likely to leave; give probabilities that never decrease"
            )
        return value

    def probability(self, bad: int) -> float:
        """The probability of leaving after ``bad`` bad experiences."""
        if self.per_bad_experience is not None:
            return 1.0 - (1.0 - self.per_bad_experience) ** bad
        return self.after_bad[min(bad, len(self.after_bad) - 1)]


class Proactive(BaseModel):
    """Proactive support: customers told before they call (a notice after an incident).

    ``prevents``: per contact type, the share of its issues the notice prevents — they never
    arrive (the model thins that type's arrivals on a stream of its own, so every other draw
    is unchanged and a comparison with the reactive scenario is paired contact by contact).
    ``campaign``: the outbound campaign that carries the notice (its agent time is then in
    the agent cost; None: a notice that costs no agent time, an e-mail or a text).
    """

    model_config = FROZEN

    prevents: dict[str, Probability] = Field(min_length=1)
    campaign: str | None = None


class Experience(BaseModel):
    """The scenario's ``experience`` block (see the module docstring)."""

    model_config = FROZEN

    bad_contact: BadContact = BadContact()
    count: Literal["issue", "contact"] = "issue"
    effort: Effort = Effort()
    customers: Customers = Customers()
    churn: Churn = Churn()
    customer_value: float = Field(default=0.0, ge=0)
    acquisition_cost: float = Field(default=0.0, ge=0)
    churn_cost: Literal["replacement", "revenue"] = "replacement"
    proactive: Proactive | None = None

    def prevented(self, contact_type: str) -> float:
        """The share of ``contact_type``'s issues a proactive notice prevents (0: none)."""
        return 0.0 if self.proactive is None else self.proactive.prevents.get(contact_type, 0.0)

    @property
    def cost_per_lost_customer(self) -> float:
        """What one lost customer costs when staffing for the least total cost."""
        return self.acquisition_cost if self.churn_cost == "replacement" else self.customer_value
