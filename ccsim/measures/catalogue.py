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
from collections.abc import Callable
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
_CHANNEL = frozenset({"channel"})
_OVERALL = frozenset({"overall"})
_INTERVAL = frozenset({"interval"})


def _of_kind(kind: Kind) -> Callable[..., Measure]:
    """The constructor of one kind's entries: an entry then states only what differs — its
    name, groups and description, and its label where that is not the name in words
    (``agent_hours`` → "agent hours"), and the flags it sets."""

    def entry(
        name: str,
        groups: frozenset[str],
        description: str,
        *,
        label: str | None = None,
        headline: bool = False,
        interval_ci: bool = False,
        signed: bool = False,
        opt_in: str = "",
    ) -> Measure:
        return Measure(
            name,
            kind,
            name.replace("_", " ") if label is None else label,
            groups,
            headline=headline,
            interval_ci=interval_ci,
            signed=signed,
            description=description,
            opt_in=opt_in,
        )

    return entry


_share = _of_kind(Kind.FRACTION)
_duration = _of_kind(Kind.SECONDS)
_count = _of_kind(Kind.COUNT)
_money = _of_kind(Kind.MONEY)
_hours = _of_kind(Kind.HOURS)
_rate = _of_kind(Kind.RATE)

_ENTRIES = (
    # -- contacts (ccsim.measures.contacts) ------------------------------------------------
    _count("offered", _TYPE_INTERVAL,
           "contacts that arrived (blocked ones included)", headline=True, interval_ci=True),
    _count("answered", _TYPE_INTERVAL | _POOL, "contacts answered by an agent"),
    _count("abandoned", _TYPE_INTERVAL,
           "contacts that hung up while waiting", label="abandoned contacts"),
    _count("blocked", _TYPE_INTERVAL, "contacts refused on arrival (no waiting place or line)"),
    _count("balked", _TYPE_INTERVAL, "callers who hung up on hearing the wait"),
    _share("service_level", _TYPE_INTERVAL | {"erlang"},
           "answered within the threshold / the formula's denominator",
           headline=True, interval_ci=True),
    _duration("asa", _TYPE_INTERVAL | {"erlang"},
              "average speed of answer: mean wait of answered contacts",
              label="ASA", headline=True, interval_ci=True),
    _share("abandon_rate", _TYPE_INTERVAL | {"erlang"},
           "abandoned / offered", label="abandoned", headline=True, interval_ci=True),
    _duration("aht", _TYPE_INTERVAL,
              "mean handle time (talk + wrap-up) of answered contacts", label="AHT"),
    _count("callbacks_requested", _TYPE, "callers who left the queue for a callback"),
    _count("unserved", _TYPE,
           "contacts still waiting when the horizon ended "
           "(or turned away at a close, closing: clear)"),
    _count("answered_within_threshold", _TYPE_INTERVAL,
           "answered with a wait at most the service level's threshold"),
    _count("sl_denominator", _INTERVAL,
           "contacts counted in the service level's denominator",
           label="service level denominator"),
    _duration("mean_wait", _TYPE,
              "mean wait of everyone who queued (answered + abandoned)", headline=True),
    _duration("wait_p90", _TYPE,
              "90th percentile of the wait of everyone who queued", label="90th percentile wait"),
    _duration("wait_p95", _TYPE,
              "95th percentile of the wait of everyone who queued", label="95th percentile wait"),
    _duration("wait_p99", _TYPE,
              "99th percentile of the wait of everyone who queued", label="99th percentile wait"),
    _share("blocking_rate", _TYPE, "blocked / offered", label="blocking"),
    _share("balk_rate", _TYPE, "balked / offered", label="balked"),
    _duration("mean_time_to_abandon", _TYPE, "mean wait of abandoned contacts"),
    _count("max_queue", _TYPE_INTERVAL, "most contacts waiting at once", label="longest queue"),
    _count("mean_queue", _TYPE_INTERVAL,
           "time-average number waiting within the intervals' own time"),
    _count("backlog_at_close", _TYPE, "contacts waiting at the final closing"),
    _duration("oldest_at_close", _TYPE,
              "how long the oldest contact waiting at the final closing had waited",
              label="oldest wait at close"),
    _count("waiting_at_end", _INTERVAL,
           "contacts waiting when the interval hands over to the next",
           label="waiting at interval end"),
    _duration("oldest_at_end", _INTERVAL,
              "how long the oldest contact waiting at the interval's end had waited",
              label="oldest wait at interval end"),
    _rate("utilisation", frozenset({"type", "overall"}),
          "offered work (offered × AHT) / time on duty of the serving pools"),
    # -- channels (ccsim.measures.contacts, ccsim.measures.pools) --------------------------
    _hours("busy_hours", _CHANNEL,
           "agent time spent on the channel's contacts", label="busy agent hours"),
    _rate("mean_concurrency", _CHANNEL,
          "chats open per agent while the agent had any open", label="chats per agent"),
    _duration("aht_concurrency_", _CHANNEL,
              "(a family: _1, _2, …) mean chat handle time by chats open at its start",
              label="chat handle time by chats open"),
    # -- pools (ccsim.measures.pools) ------------------------------------------------------
    _share("occupancy", frozenset({"type", "pool", "overall", "interval", "erlang"}),
           "busy time / time on duty (overtime included)", headline=True, interval_ci=True),
    _share("occupancy_open_hours", frozenset({"type", "pool", "overall", "interval"}),
           "busy time / time on duty, both within the opening hours only",
           label="occupancy in opening hours", opt_in="measures.occupancy_open_hours"),
    _hours("agent_hours", _POOL_INTERVAL | _CAMPAIGN,
           "paid time: on duty plus planned breaks and off-phone time", headline=True),
    _hours("overtime_hours", _POOL_INTERVAL, "time on duty beyond the schedule"),
    _money("cost", _POOL_INTERVAL, "agent hours × cost per hour", headline=True),
    _money("cost_per_contact", _POOL_INTERVAL, "cost / answered"),
    _count("agents", _INTERVAL,
           "agents scheduled on the phones, mean over the interval", label="agents scheduled"),
    _count("rostered", _INTERVAL,
           "agents at work (on the phones, on a break or off-phone), mean",
           label="agents at work"),
    # -- outbound campaigns (ccsim.measures.pools) -----------------------------------------
    _count("attempts", _CAMPAIGN, "dialling attempts"),
    _count("connects", _CAMPAIGN, "customers reached"),
    _share("connect_rate", _CAMPAIGN, "connects / attempts"),
    _share("list_completion", _CAMPAIGN, "share of the list reached", label="list completed"),
    _count("not_attempted", _CAMPAIGN, "numbers never dialled", label="not dialled"),
    # -- customers' journeys (ccsim.measures.journeys) -------------------------------------
    _count("customers", _JOURNEY, "customers (unique first attempts)"),
    _rate("contacts_per_customer", _JOURNEY, "contacts offered to agents per customer"),
    _count("redials", _JOURNEY, "redial contacts"),
    _share("customers_served", _JOURNEY,
           "share of customers an agent or the bot eventually served", label="served"),
    _count("transfers", _JOURNEY, "transfer legs"),
    _rate("transfers_per_customer", _JOURNEY, "transfers / customers"),
    _share("first_contact_resolution", _JOURNEY,
           "share of served customers whose first answered contact stayed",
           label="first-contact resolution"),
    _duration("time_in_system", _JOURNEY,
              "mean first arrival → end of the last contact, served customers",
              label="time in centre"),
    _count("callbacks_offered", _JOURNEY, "callback offers made"),
    _count("callbacks_accepted", _JOURNEY, "callback offers accepted", label="callbacks"),
    _count("callback_attempts", _JOURNEY, "agents' callback dialling attempts"),
    _count("callbacks_reached", _JOURNEY, "callback attempts that reached the customer"),
    _share("callback_success", _JOURNEY,
           "share of accepting customers eventually reached", label="callbacks reached"),
    _duration("time_to_callback", _JOURNEY,
              "mean time from accepting a callback to being reached"),
    _duration("prediction_error", _JOURNEY,
              "mean absolute error of the wait announced to answered callers",
              label="wait prediction error"),
    _duration("prediction_bias", _JOURNEY,
              "mean (actual − announced) wait of answered callers",
              label="wait prediction bias", signed=True),
    _count("bot_visits", _JOURNEY, "contacts that started in the bot / IVR"),
    _count("contained", _JOURNEY, "bot visits resolved there", label="bot contained"),
    _count("bot_drop_outs", _JOURNEY, "bot visits that hung up", label="bot drop-outs"),
    _count("escalations", _JOURNEY, "bot visits sent on to the agents"),
    _share("containment_rate", _JOURNEY, "contained / bot visits", label="bot contained"),
    _hours("agent_hours_saved", _JOURNEY, "contained contacts × their type's AHT"),
    _count("after_hours_contacts", _JOURNEY,
           "first contacts that arrived while the centre was closed", label="after hours"),
    _count("told_to_call_back", _JOURNEY, "contacts turned away while closed"),
    _count("called_back", _JOURNEY, "customers told to call back who called again in hours"),
    # -- customer experience and churn (ccsim.measures.experience; scenarios with experience)
    _share("bad_contact_share", _TYPE_INTERVAL,
           "contacts that broke an experience rule / contacts customers made",
           label="bad contacts"),
    _share("bad_issue_share", _TYPE_INTERVAL,
           "issues with a bad contact or a broken issue rule / issues", label="bad issues"),
    _rate("effort_score", _TYPE_INTERVAL,
          "mean customer effort score of the issues, 1 (easy) to 5", label="effort score (1-5)"),
    _count("customers_lost", _TYPE_INTERVAL,
           "expected customers lost: Σ p(bad experiences) over customers"),
    _money("revenue_at_risk", _TYPE_INTERVAL, "customers lost × customer value"),
    _money("replacement_cost", _TYPE_INTERVAL, "customers lost × acquisition cost"),
    _money("churn_cost", _TYPE_INTERVAL,
           "customers lost × the price of a lost customer (experience.churn_cost)"),
    _count("customers_contacting", _OVERALL,
           "customers of the base with at least one issue", label="customers who contacted"),
    _share("bad_customer_share", _OVERALL,
           "customers with at least one bad experience / customers who contacted",
           label="customers with a bad experience"),
    _rate("bad_experiences_per_customer", _OVERALL,
          "bad experiences / customers who contacted"),
    _money("total_cost", _OVERALL, "agent cost + churn cost"),
    _count("issues_prevented", _TYPE, "expected issues a proactive notice kept from arriving"),
    _count("bad_experiences_avoided", _TYPE,
           "issues prevented × the bad-issue share of those that came"),
    _count("customers_kept", _TYPE, "issues prevented × customers lost per issue that came"),
    # -- Erlang figures only (ccsim.analytic) ----------------------------------------------
    _share("p_wait", _TYPE_INTERVAL | {"erlang"},
           "P(wait > 0): contacts not answered at once / contacts that reached the queue "
           "(blocked left out); the Erlang figure beside it",
           label="probability of waiting", opt_in="measures.p_wait"),
    _share("blocking", frozenset({"erlang"}),
           "Erlang figure: probability an arriving contact is blocked"),
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
