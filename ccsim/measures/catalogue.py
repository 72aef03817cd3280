"""The measure catalogue: what every measure ccsim computes *is*, in one place.

Each :class:`Measure` says what kind of number it is (a fraction, a time in seconds, a
count, money, hours or a rate), the range it can take (a confidence interval is clipped to
it), how people call it, its unit, whether it is a headline figure, and how it prints. The
computations (:mod:`ccsim.measures.contacts`, :mod:`~ccsim.measures.pools`,
:mod:`~ccsim.measures.journeys`, :mod:`~ccsim.measures.intervals`) produce the values; every
other module asks the catalogue what a name means instead of keeping its own list.

Adding a measure: compute it, and add one entry here (``tests/measures/test_catalogue.py``
fails for a computed measure missing from the catalogue, and for an entry nothing computes).

Where a measure appears (``groups``):

* ``type`` — per contact type; ``channel`` — per channel; ``overall`` — the whole centre;
* ``pool`` — per agent pool; ``campaign`` — per outbound campaign;
* ``interval`` — a column of the per-interval table (rows of contact types and pools);
* ``erlang`` — also an Erlang figure computed beside the simulation (:mod:`ccsim.analytic`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

INF = math.inf


class Kind(str, Enum):
    """What sort of number a measure is."""

    FRACTION = "fraction"
    """A share between 0 and 1 (service level, abandonment, occupancy); printed as a percent."""
    SECONDS = "seconds"
    """A time in seconds (ASA, waits, time in the centre)."""
    COUNT = "count"
    """A number of contacts, customers or agents (a mean over time may be fractional)."""
    MONEY = "money"
    """An amount in the scenario's currency (cost_per_hour × hours)."""
    HOURS = "hours"
    """Agent time in hours."""
    RATE = "rate"
    """A ratio that is not a share: per customer, per agent, or work over capacity."""


_UNITS = {
    Kind.FRACTION: "%",
    Kind.SECONDS: "s",
    Kind.COUNT: "",
    Kind.MONEY: "",
    Kind.HOURS: "h",
    Kind.RATE: "",
}


@dataclass(frozen=True)
class Measure:
    """One measure.

    Attributes:
        name: the key in the measures, ``summary.json`` and ``intervals.csv``.
        kind: what sort of number it is (:class:`Kind`).
        label: what people call it (table headings, sentences).
        groups: where it appears (see the module docstring).
        headline: one of the figures shown first (compare tables, summaries).
        interval_ci: its per-interval mean is reported with a confidence interval (and
            compared interval by interval).
        signed: can be negative (a bias); otherwise the measure is never below 0.
        description: one line on how it is computed.
        opt_in: the scenario option that turns the measure on (``measures.p_wait``); empty
            for the measures always computed.
    """

    name: str
    kind: Kind
    label: str
    groups: frozenset[str]
    headline: bool = False
    interval_ci: bool = False
    signed: bool = False
    description: str = ""
    opt_in: str = ""

    @property
    def bounds(self) -> tuple[float, float]:
        """The range the measure can take: its confidence interval is clipped to it."""
        if self.kind is Kind.FRACTION:
            return (0.0, 1.0)
        return (-INF, INF) if self.signed else (0.0, INF)

    @property
    def unit(self) -> str:
        """The unit its printed value carries: ``%``, ``s``, ``h`` or none."""
        return _UNITS[self.kind]

    def format(self, value: float | None) -> str:
        """The value as people read it: ``86.1 %``, ``12.3 s``, ``1,234``, ``7.5 h``; "–" when
        missing or undefined."""
        if value is None or not math.isfinite(value):
            return "–"
        if self.kind is Kind.FRACTION:
            return f"{100 * value:.1f} %"
        if self.kind is Kind.SECONDS:
            return f"{value:.1f} s"
        if self.kind is Kind.HOURS:
            return f"{_number(value)} h"
        return _number(value)

    def format_difference(self, value: float | None) -> str:
        """A difference between two values, signed: ``+1.2 pts`` (fractions, in percentage
        points), ``−3.4 s``, ``+12``; "–" when undefined."""
        if value is None or not math.isfinite(value):
            return "–"
        sign = "+" if value > 0 else ("−" if value < 0 else "±")
        if self.kind is Kind.FRACTION:
            return f"{sign}{abs(100 * value):.1f} pts"
        if self.kind is Kind.SECONDS:
            return f"{sign}{abs(value):.1f} s"
        if self.kind is Kind.HOURS:
            return f"{sign}{_number(abs(value))} h"
        return f"{sign}{_number(abs(value))}"


def _number(x: float) -> str:
    """As many decimals as the size deserves: ``1,234``, ``12.3``, ``1.23``."""
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


# Where the groups of measures appear.
_TYPE = frozenset({"type", "channel", "overall"})  # contact-side ratios of a group of types
_TYPE_INTERVAL = _TYPE | {"interval"}
_JOURNEY = frozenset({"type", "overall"})  # by the type each customer started in
_POOL = frozenset({"pool", "overall"})
_POOL_INTERVAL = _POOL | {"interval"}
_CAMPAIGN = frozenset({"campaign"})
_INTERVAL = frozenset({"interval"})
_F, _S, _C, _M, _H, _R = Kind.FRACTION, Kind.SECONDS, Kind.COUNT, Kind.MONEY, Kind.HOURS, Kind.RATE

_ENTRIES = (
    # -- contacts (ccsim.measures.contacts) ------------------------------------------------
    Measure("offered", _C, "offered", _TYPE_INTERVAL, True, True,
            description="contacts that arrived (blocked ones included)"),
    Measure("answered", _C, "answered", _TYPE_INTERVAL | _POOL,
            description="contacts answered by an agent"),
    Measure("abandoned", _C, "abandoned contacts", _TYPE_INTERVAL,
            description="contacts that hung up while waiting"),
    Measure("blocked", _C, "blocked", _TYPE_INTERVAL,
            description="contacts refused on arrival (no waiting place or line)"),
    Measure("balked", _C, "balked", _TYPE_INTERVAL,
            description="callers who hung up on hearing the wait"),
    Measure("service_level", _F, "service level", _TYPE_INTERVAL | {"erlang"}, True, True,
            description="answered within the threshold / the formula's denominator"),
    Measure("asa", _S, "ASA", _TYPE_INTERVAL | {"erlang"}, True, True,
            description="average speed of answer: mean wait of answered contacts"),
    Measure("abandon_rate", _F, "abandoned", _TYPE_INTERVAL | {"erlang"}, True, True,
            description="abandoned / offered"),
    Measure("aht", _S, "AHT", _TYPE_INTERVAL,
            description="mean handle time (talk + wrap-up) of answered contacts"),
    Measure("callbacks_requested", _C, "callbacks requested", _TYPE,
            description="callers who left the queue for a callback"),
    Measure("unserved", _C, "unserved", _TYPE,
            description="contacts still waiting when the horizon ended "
            "(or turned away at a close, closing: clear)"),
    Measure("answered_within_threshold", _C, "answered within threshold", _TYPE_INTERVAL,
            description="answered with a wait at most the service level's threshold"),
    Measure("sl_denominator", _C, "service level denominator", _INTERVAL,
            description="contacts counted in the service level's denominator"),
    Measure("mean_wait", _S, "mean wait", _TYPE, True,
            description="mean wait of everyone who queued (answered + abandoned)"),
    Measure("wait_p90", _S, "90th percentile wait", _TYPE,
            description="90th percentile of the wait of everyone who queued"),
    Measure("wait_p95", _S, "95th percentile wait", _TYPE,
            description="95th percentile of the wait of everyone who queued"),
    Measure("wait_p99", _S, "99th percentile wait", _TYPE,
            description="99th percentile of the wait of everyone who queued"),
    Measure("blocking_rate", _F, "blocking", _TYPE,
            description="blocked / offered"),
    Measure("balk_rate", _F, "balked", _TYPE,
            description="balked / offered"),
    Measure("mean_time_to_abandon", _S, "mean time to abandon", _TYPE,
            description="mean wait of abandoned contacts"),
    Measure("max_queue", _C, "longest queue", _TYPE_INTERVAL,
            description="most contacts waiting at once"),
    Measure("mean_queue", _C, "mean queue", _TYPE_INTERVAL,
            description="time-average number waiting within the intervals' own time"),
    Measure("backlog_at_close", _C, "backlog at close", _TYPE,
            description="contacts waiting at the final closing"),
    Measure("oldest_at_close", _S, "oldest wait at close", _TYPE,
            description="how long the oldest contact waiting at the final closing had waited"),
    Measure("waiting_at_end", _C, "waiting at interval end", _INTERVAL,
            description="contacts waiting when the interval hands over to the next"),
    Measure("oldest_at_end", _S, "oldest wait at interval end", _INTERVAL,
            description="how long the oldest contact waiting at the interval's end had waited"),
    Measure("utilisation", _R, "utilisation", frozenset({"type", "overall"}),
            description="offered work (offered × AHT) / time on duty of the serving pools"),
    # -- channels (ccsim.measures.contacts, ccsim.measures.pools) --------------------------
    Measure("busy_hours", _H, "busy agent hours", frozenset({"channel"}),
            description="agent time spent on the channel's contacts"),
    Measure("mean_concurrency", _R, "chats per agent", frozenset({"channel"}),
            description="chats open per agent while the agent had any open"),
    Measure("aht_concurrency_", _S, "chat handle time by chats open", frozenset({"channel"}),
            description="(a family: _1, _2, …) mean chat handle time by chats open at its start"),
    # -- pools (ccsim.measures.pools) ------------------------------------------------------
    Measure("occupancy", _F, "occupancy",
            frozenset({"type", "pool", "overall", "interval", "erlang"}), True, True,
            description="busy time / time on duty (overtime included)"),
    Measure("occupancy_open_hours", _F, "occupancy in opening hours",
            frozenset({"type", "pool", "overall", "interval"}),
            description="busy time / time on duty, both within the opening hours only",
            opt_in="measures.occupancy_open_hours"),
    Measure("agent_hours", _H, "agent hours", _POOL_INTERVAL | _CAMPAIGN, True,
            description="paid time: on duty plus planned breaks and off-phone time"),
    Measure("overtime_hours", _H, "overtime hours", _POOL_INTERVAL,
            description="time on duty beyond the schedule"),
    Measure("cost", _M, "cost", _POOL_INTERVAL, True,
            description="agent hours × cost per hour"),
    Measure("cost_per_contact", _M, "cost per contact", _POOL_INTERVAL,
            description="cost / answered"),
    Measure("agents", _C, "agents scheduled", _INTERVAL,
            description="agents scheduled on the phones, mean over the interval"),
    Measure("rostered", _C, "agents at work", _INTERVAL,
            description="agents at work (on the phones, on a break or off-phone), mean"),
    # -- outbound campaigns (ccsim.measures.pools) -----------------------------------------
    Measure("attempts", _C, "attempts", _CAMPAIGN, description="dialling attempts"),
    Measure("connects", _C, "connects", _CAMPAIGN, description="customers reached"),
    Measure("connect_rate", _F, "connect rate", _CAMPAIGN,
            description="connects / attempts"),
    Measure("list_completion", _F, "list completed", _CAMPAIGN,
            description="share of the list reached"),
    Measure("not_attempted", _C, "not dialled", _CAMPAIGN,
            description="numbers never dialled"),
    # -- customers' journeys (ccsim.measures.journeys) -------------------------------------
    Measure("customers", _C, "customers", _JOURNEY,
            description="customers (unique first attempts)"),
    Measure("contacts_per_customer", _R, "contacts per customer", _JOURNEY,
            description="contacts offered to agents per customer"),
    Measure("redials", _C, "redials", _JOURNEY, description="redial contacts"),
    Measure("customers_served", _F, "served", _JOURNEY,
            description="share of customers an agent or the bot eventually served"),
    Measure("transfers", _C, "transfers", _JOURNEY, description="transfer legs"),
    Measure("transfers_per_customer", _R, "transfers per customer", _JOURNEY,
            description="transfers / customers"),
    Measure("first_contact_resolution", _F, "first-contact resolution", _JOURNEY,
            description="share of served customers whose first answered contact stayed"),
    Measure("time_in_system", _S, "time in centre", _JOURNEY,
            description="mean first arrival → end of the last contact, served customers"),
    Measure("callbacks_offered", _C, "callbacks offered", _JOURNEY,
            description="callback offers made"),
    Measure("callbacks_accepted", _C, "callbacks", _JOURNEY,
            description="callback offers accepted"),
    Measure("callback_attempts", _C, "callback attempts", _JOURNEY,
            description="agents' callback dialling attempts"),
    Measure("callbacks_reached", _C, "callbacks reached", _JOURNEY,
            description="callback attempts that reached the customer"),
    Measure("callback_success", _F, "callbacks reached", _JOURNEY,
            description="share of accepting customers eventually reached"),
    Measure("time_to_callback", _S, "time to callback", _JOURNEY,
            description="mean time from accepting a callback to being reached"),
    Measure("prediction_error", _S, "wait prediction error", _JOURNEY,
            description="mean absolute error of the wait announced to answered callers"),
    Measure("prediction_bias", _S, "wait prediction bias", _JOURNEY, signed=True,
            description="mean (actual − announced) wait of answered callers"),
    Measure("bot_visits", _C, "bot visits", _JOURNEY,
            description="contacts that started in the bot / IVR"),
    Measure("contained", _C, "bot contained", _JOURNEY,
            description="bot visits resolved there"),
    Measure("bot_drop_outs", _C, "bot drop-outs", _JOURNEY,
            description="bot visits that hung up"),
    Measure("escalations", _C, "escalations", _JOURNEY,
            description="bot visits sent on to the agents"),
    Measure("containment_rate", _F, "bot contained", _JOURNEY,
            description="contained / bot visits"),
    Measure("agent_hours_saved", _H, "agent hours saved", _JOURNEY,
            description="contained contacts × their type's AHT"),
    Measure("after_hours_contacts", _C, "after hours", _JOURNEY,
            description="first contacts that arrived while the centre was closed"),
    Measure("told_to_call_back", _C, "told to call back", _JOURNEY,
            description="contacts turned away while closed"),
    Measure("called_back", _C, "called back", _JOURNEY,
            description="customers told to call back who called again in hours"),
    # -- customer experience and churn (ccsim.measures.experience; scenarios with experience)
    Measure("bad_contact_share", _F, "bad contacts", _TYPE_INTERVAL,
            description="contacts that broke an experience rule / contacts customers made"),
    Measure("bad_issue_share", _F, "bad issues", _TYPE_INTERVAL,
            description="issues with a bad contact or a broken issue rule / issues"),
    Measure("effort_score", _R, "effort score (1-5)", _TYPE_INTERVAL,
            description="mean customer effort score of the issues, 1 (easy) to 5"),
    Measure("customers_lost", _C, "customers lost", _TYPE_INTERVAL,
            description="expected customers lost: Σ p(bad experiences) over customers"),
    Measure("revenue_at_risk", _M, "revenue at risk", _TYPE_INTERVAL,
            description="customers lost × customer value"),
    Measure("replacement_cost", _M, "replacement cost", _TYPE_INTERVAL,
            description="customers lost × acquisition cost"),
    Measure("churn_cost", _M, "churn cost", _TYPE_INTERVAL,
            description="customers lost × the price of a lost customer (experience.churn_cost)"),
    Measure("customers_contacting", _C, "customers who contacted", frozenset({"overall"}),
            description="customers of the base with at least one issue"),
    Measure("bad_customer_share", _F, "customers with a bad experience", frozenset({"overall"}),
            description="customers with at least one bad experience / customers who contacted"),
    Measure("bad_experiences_per_customer", _R, "bad experiences per customer",
            frozenset({"overall"}),
            description="bad experiences / customers who contacted"),
    Measure("total_cost", _M, "total cost", frozenset({"overall"}),
            description="agent cost + churn cost"),
    Measure("issues_prevented", _C, "issues prevented", _TYPE,
            description="expected issues a proactive notice kept from arriving"),
    Measure("bad_experiences_avoided", _C, "bad experiences avoided", _TYPE,
            description="issues prevented × the bad-issue share of those that came"),
    Measure("customers_kept", _C, "customers kept", _TYPE,
            description="issues prevented × customers lost per issue that came"),
    # -- Erlang figures only (ccsim.analytic) ----------------------------------------------
    Measure("p_wait", _F, "probability of waiting", _TYPE_INTERVAL | {"erlang"},
            description="P(wait > 0): contacts not answered at once / contacts that reached "
            "the queue (blocked left out); the Erlang figure beside it",
            opt_in="measures.p_wait"),
    Measure("blocking", _F, "blocking", frozenset({"erlang"}),
            description="Erlang figure: probability an arriving contact is blocked"),
)  # fmt: skip

CATALOGUE: dict[str, Measure] = {m.name: m for m in _ENTRIES}
"""Every measure by name, in the order of the entries above."""

_FAMILIES = tuple(m for m in _ENTRIES if m.name.endswith("_"))
"""Measures numbered by a suffix (``aht_concurrency_1``, ``_2``, …): one entry per family."""


def lookup(name: str) -> Measure:
    """The catalogue entry of a measure (``aht_concurrency_3`` finds its family).

    Raises:
        KeyError: no such measure — add it to the catalogue.
    """
    found = CATALOGUE.get(name)
    if found is not None and not name.endswith("_"):
        return found
    for family in _FAMILIES:
        suffix = name[len(family.name) :]
        if name.startswith(family.name) and suffix.isdigit():
            return family
    raise KeyError(f"{name!r} is not in the measure catalogue (ccsim.measures.catalogue)")


def bounds(name: str) -> tuple[float, float]:
    """The range a measure can take: its confidence interval is clipped to it."""
    return lookup(name).bounds


def label(name: str) -> str:
    """What people call a measure."""
    return lookup(name).label


def of_kind(kind: Kind) -> frozenset[str]:
    """The names of every measure of one kind."""
    return frozenset(m.name for m in _ENTRIES if m.kind is kind)


FRACTIONS = of_kind(Kind.FRACTION)
"""Measures that are fractions (0–1); utilisation is not one (work can exceed the staff's time)."""

TIMES = of_kind(Kind.SECONDS)
"""Measures that are times in seconds."""

HEADLINE = tuple(m.name for m in _ENTRIES if m.headline)
"""The headline measures, in catalogue order: offered, service level, ASA, abandonment,
mean wait, occupancy, agent hours, cost."""

INTERVAL_CI = tuple(m.name for m in _ENTRIES if m.interval_ci)
"""Per-interval measures reported with a confidence interval (others: mean only)."""
