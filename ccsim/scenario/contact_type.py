"""Contact types: how contacts arrive, how long they take, how patient callers are."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, field_validator, model_validator

from ccsim.scenario.arrival_curve import (
    CURVES,
    ArrivalCurve,
    CurvePoint,
    curve_problems,
    make_curve,
)
from ccsim.scenario.distributions import Distribution
from ccsim.scenario.fields import (
    FROZEN,
    ClockTime,
    Duration,
    PositiveDuration,
    Probability,
    Real,
    Whole,
)
from ccsim.scenario.horizon import Horizon
from ccsim.scenario.journey import (
    AfterHours,
    CallbackOffer,
    Conversation,
    Redial,
    SelfService,
    Transfer,
    WaitAnnouncement,
)
from ccsim.scenario.time_bands import HandleBand, PatienceBand, band_problems
from ccsim.scenario.yaml_input import shown
from ccsim.units import DAY

SERVICE_LEVEL_FORMULAS = (
    "answered_and_abandoned",
    "exclude_short_abandons",
    "abandons_after_threshold",
    "answered_only",
)
"""Ways to count service level (see :mod:`ccsim.measures.replication` for the exact definitions)."""


class Arrivals(BaseModel):
    """How many contacts arrive: a Poisson stream, piecewise constant per interval or along
    a continuous curve.

    Give exactly one of ``rate_per_hour`` (contacts per hour), ``volume_per_interval``
    (expected contacts in each interval), either as one number for the whole day or as one
    number per interval of the opening day, or ``curve`` (a rate changing continuously within
    the day: ``sinusoidal`` with ``mean_per_hour``, ``amplitude``, ``peak`` and ``period``, or
    ``piecewise_linear`` with ``points``; see :mod:`ccsim.scenario.arrival_curve`).
    ``day_factors`` multiplies the whole day (one factor per day of the horizon: a busier
    Monday).
    """

    model_config = FROZEN

    rate_per_hour: Real | list[Real] | None = None
    volume_per_interval: Real | list[Real] | None = None
    day_factors: list[Real] | None = None
    curve: Literal[CURVES] | None = None  # type: ignore[valid-type]
    mean_per_hour: Real | None = Field(default=None, ge=0, allow_inf_nan=False)
    amplitude: Probability | None = None  # 0 (flat) to 1 (down to zero in the trough)
    peak: ClockTime | None = None
    period: PositiveDuration | None = None  # default 24h
    points: list[CurvePoint] | None = None

    @model_validator(mode="after")
    def _check(self) -> Arrivals:
        given = [self.rate_per_hour is not None, self.volume_per_interval is not None]
        if self.curve is not None and any(given):
            both = "rate_per_hour" if given[0] else "volume_per_interval"
            raise ValueError(
                f"give either curve ({self.curve}) or {both}, not both: a curve sets the rate "
                "at every moment, rate_per_hour and volume_per_interval per interval"
            )
        if self.curve is None and sum(given) != 1:
            raise ValueError(
                "give exactly one of rate_per_hour (contacts per hour), volume_per_interval "
                "(contacts in each interval) or curve (sinusoidal or piecewise_linear)"
            )
        problems = curve_problems(
            self.curve, self.mean_per_hour, self.amplitude, self.peak, self.period, self.points
        )
        if problems:
            raise ValueError("; ".join(problems))
        for name in ("rate_per_hour", "volume_per_interval", "day_factors"):
            value = getattr(self, name)
            values = value if isinstance(value, list) else [] if value is None else [value]
            if any(not np.isfinite(v) or v < 0 for v in values):
                raise ValueError(f"{name} must be non-negative finite numbers, got {shown(value)}")
            if isinstance(value, list) and not value:
                raise ValueError(f"{name} must not be an empty list")
        return self

    @property
    def arrival_curve(self) -> ArrivalCurve | None:
        """The continuous rate curve over the clock day, or None (constant per interval)."""
        if self.curve is None:
            return None
        period = DAY if self.period is None else self.period
        return make_curve(
            self.curve, self.mean_per_hour, self.amplitude, self.peak, period, self.points
        )

    def rates_per_second(self, horizon: Horizon) -> np.ndarray:
        """Arrival rate (contacts per second) in every interval of the horizon.

        With a curve, each interval's rate is the curve's exact integral over the interval
        divided by its length, so every per-interval figure (Erlang, staffing floor,
        forecasts) sees the expected volume the simulation draws.
        """
        per_day = horizon.intervals_per_day
        curve = self.arrival_curve
        if curve is not None:
            starts = horizon.open + horizon.interval * np.arange(per_day)
            day = curve.volume(starts, starts + horizon.interval) / horizon.interval
        elif self.rate_per_hour is not None:
            day = np.broadcast_to(np.asarray(self.rate_per_hour, float) / 3600.0, (per_day,))
        else:
            day = np.broadcast_to(
                np.asarray(self.volume_per_interval, float) / horizon.interval, (per_day,)
            )
        factors = (
            np.ones(horizon.days)
            if self.day_factors is None
            else np.asarray(self.day_factors, float)
        )
        return (factors[:, None] * day[None, :]).ravel()


class ServiceLevel(BaseModel):
    """The service-level goal, e.g. 80/20: 80 % of contacts answered within 20 seconds.

    ``formula`` chooses how abandoned contacts count (see docs/measures.md): the default
    ``answered_and_abandoned`` is answered-within-threshold / (answered + abandoned).
    ``short_abandon`` is the cut-off for ``exclude_short_abandons``. ``count_blocked``
    adds blocked contacts (refused on arrival) to the denominator under any formula: a caller
    who got a busy tone was not served in time either, as many published studies count it.
    """

    model_config = FROZEN

    threshold: Duration = 20.0
    target: Probability = 0.8
    formula: Literal[SERVICE_LEVEL_FORMULAS] = "answered_and_abandoned"  # type: ignore[valid-type]
    short_abandon: Duration = 5.0
    count_blocked: bool = False  # blocked contacts also count in the denominator


class ContactType(BaseModel):
    """A stream of contacts (a queue): arrivals, handle time, patience and targets.

    Handle time is the agent's time on the contact: talk and hold (``handle_time``) plus
    after-call work (``wrap_up``, optional). ``patience`` is how long a caller waits before
    hanging up (none: callers never abandon). ``queue_capacity`` limits waiting places and
    ``lines`` the contacts of this type in the centre (waiting + being served, the trunk
    lines); a contact arriving beyond either is blocked (busy tone). ``priority`` breaks ties
    between types a pool ranks equally (1 = highest). ``channel`` is ``voice`` (real time) or
    ``email`` (deferrable: no abandonment, worked within opening hours, the backlog carried to
    the next day; give the response target as the service-level threshold, e.g. ``4h``) or
    ``messaging`` (deferrable too, in ``conversation``s of several customer messages, each
    answered as a short task), or ``chat`` (real time like voice, but an agent may hold
    several at once: see the pool's ``max_concurrency``).
    ``after_hours`` adds contacts arriving while the centre is closed (see
    :class:`~ccsim.scenario.journey.AfterHours`). ``wait_predictor`` is how the wait
    announced to callers and used for callback offers is predicted. The journey options
    (``announcement``, ``callback``, ``redial``, ``transfers``, ``self_service``) are described
    in :mod:`ccsim.scenario.journey`.
    """

    model_config = FROZEN

    channel: Literal["voice", "chat", "email", "messaging"] = "voice"
    arrivals: Arrivals
    handle_time: Distribution
    handle_time_by_band: list[HandleBand] | None = None  # first attempts (time_bands.py)
    wrap_up: Distribution | None = None
    patience: Distribution | None = None
    patience_by_band: list[PatienceBand] | None = None  # first attempts (time_bands.py)
    service_level: ServiceLevel = ServiceLevel()
    queue_capacity: Whole | None = Field(default=None, ge=0)
    lines: Whole | None = Field(default=None, ge=1)
    priority: Whole = Field(default=1, ge=1)
    wait_predictor: Literal["queue_position", "last_to_enter"] = "queue_position"
    announcement: WaitAnnouncement | None = None
    callback: CallbackOffer | None = None
    redial: Redial | None = None
    transfers: tuple[Transfer, ...] = ()
    self_service: SelfService | None = None
    conversation: Conversation | None = None
    after_hours: AfterHours | None = None

    @field_validator("transfers")
    @classmethod
    def _check_transfers(cls, value: tuple[Transfer, ...]) -> tuple[Transfer, ...]:
        total = sum(t.probability for t in value)
        if total > 1 + 1e-9:
            raise ValueError(f"transfer probabilities add up to {total:g}; at most 1 is allowed")
        return value

    @model_validator(mode="after")
    def _check_bands(self) -> ContactType:
        if self.handle_time_by_band is not None:
            problems = band_problems(self.handle_time_by_band, "handle_time_by_band")
            if problems:
                raise ValueError(problems[0])
        if self.patience_by_band is not None:
            problems = band_problems(self.patience_by_band, "patience_by_band")
            if problems:
                raise ValueError(problems[0])
            if self.patience is None:
                raise ValueError(
                    "patience_by_band needs patience too: the patience of redials, transfers, "
                    "callbacks and the Erlang A figures (give the usual patience there)"
                )
        return self

    @model_validator(mode="after")
    def _check_channel(self) -> ContactType:
        if self.channel == "messaging" and self.conversation is None:
            raise ValueError(
                "a messaging contact type needs a conversation: {mean_messages: ..., "
                "think_time: ...} (messages per conversation and the customer's time to reply)"
            )
        if self.channel != "messaging" and self.conversation is not None:
            raise ValueError("conversation is only for channel: messaging")
        closed = self.after_hours.action if self.after_hours is not None else None
        if closed == "next_opening" and not self.deferrable:
            raise ValueError(
                f"after_hours.action next_opening is for email and messaging (work that waits); "
                f"a {self.channel} customer does not hold until the morning: use self_service "
                "(the bot) or call_back (a closed message)"
            )
        if closed == "self_service" and self.self_service is None:
            raise ValueError(
                "after_hours.action self_service needs the type's bot: add self_service: "
                "{duration: ..., containment: ...}"
            )
        if closed in ("self_service", "call_back") and self.deferrable:
            raise ValueError(
                f"after_hours.action {closed} is for real-time channels; {self.channel} work "
                "waits for the next opening: use action next_opening"
            )
        if self.deferrable:
            real_time = [
                key
                for key in (
                    "patience",
                    "announcement",
                    "callback",
                    "redial",
                    "lines",
                    "self_service",
                )
                if getattr(self, key) is not None
            ]
            if real_time:
                raise ValueError(
                    f"an {self.channel} contact type is deferrable work: it cannot have "
                    f"{', '.join(real_time)} (its customers do not hang up, hear announcements "
                    "or take trunk lines); remove those keys or use channel: voice"
                )
        return self

    @property
    def deferrable(self) -> bool:
        """Work that waits for the next opening instead of being served after closing."""
        return self.channel in ("email", "messaging")

    @property
    def has_journey(self) -> bool:
        """Whether contacts may make more than one plain queue visit (journey options set)."""
        return bool(
            self.transfers
            or self.redial
            or self.predicts_wait
            or self.self_service
            or self.conversation
            or self.closed_message
        )

    @property
    def closed_message(self) -> bool:
        """Whether contacts arriving while closed are turned away (bot only or call back)."""
        return self.after_hours is not None and self.after_hours.action != "next_opening"

    @property
    def predicts_wait(self) -> bool:
        """Whether callers of this type get a wait prediction (announcement or callback)."""
        return self.announcement is not None or self.callback is not None

    @property
    def needs_abandon_events(self) -> bool:
        """Whether abandonment must be noticed when it happens (redials depend on it)."""
        return self.redial is not None or self.predicts_wait

    @property
    def aht(self) -> float:
        """Average handle time in seconds (talk + wrap-up)."""
        return self.handle_time.mean + (self.wrap_up.mean if self.wrap_up else 0.0)
