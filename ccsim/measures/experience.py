"""Customer experience measures: bad experiences, effort, expected churn and its price.

Computed only for a scenario with an ``experience`` block (:mod:`ccsim.scenario.experience`),
from the records of one replication:

* **bad contacts** — every contact a customer makes (first attempts, redials, transfer legs,
  bot visits, messages; not the agents' callback dials) is flagged bad when it breaks a
  contact rule: waited longer than its channel's tolerance (an unserved contact waited to
  the end), abandoned or hung up in the bot, blocked, balked or told to call back, left the
  bot for a queue, or took a callback that never reached them;
* **issues** — a first contact and everything it led to. An issue is a bad experience when
  any of its contacts was, or it broke an issue rule: more than ``transfers_over`` transfers,
  or not resolved on first contact (the customer contacted more than once — a redial, a call
  again after being told to — or came back later with it, ``repeat_issue``). Its **effort
  score** is 1 + points per extra contact, channel switch, transfer, stretch of waiting and
  repeat, capped at 5;
* **customers** — issues are given to the customers of the base
  (:mod:`ccsim.measures.customer_base`); a customer's bad experiences over the horizon (bad
  issues, or bad contacts plus issues broken by an issue rule, by ``count``) give their
  probability of leaving, p(k). **Expected customers lost** is Σ p(k) over the customers who
  contacted. A customer who has left makes no more contacts, so each issue counts with the
  probability its customer is still there, 1 − p(bad experiences before it), and the
  customer is lost at the issue where p rises (expected values, no draw: see
  :func:`_survival`); so the customers lost add up over contact types, channels and
  intervals. **Revenue at risk** =
  lost × customer value, **replacement cost** = lost × acquisition cost, **churn cost** =
  lost × the price the scenario chose (``churn_cost``), **total cost** = agent cost + churn
  cost.

Issues and contacts count under the measurement rules (:mod:`ccsim.measures.grid`): an issue
counts when its first contact counts after the warm-up, in that contact's interval and under
its contact type; a contact counts in its own interval and type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.measures.customer_base import assign_customers, churn_probability, customer_stream
from ccsim.measures.grid import IntervalGrid
from ccsim.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    BOT_DROPPED,
    CALLBACK,
    CALLBACK_REQUESTED,
    CLOSED,
    ESCALATED,
    FIRST_ATTEMPT,
    REDIAL,
    TRANSFER,
)
from ccsim.scenario.experience import Experience

if TYPE_CHECKING:
    import pandas as pd

GROUP_MEASURES = (
    "bad_contact_share",
    "bad_issue_share",
    "effort_score",
    "customers_lost",
    "revenue_at_risk",
    "replacement_cost",
    "churn_cost",
)
"""Measures per contact type, channel, interval and overall."""

PROACTIVE_MEASURES = ("issues_prevented", "bad_experiences_avoided", "customers_kept")
"""With ``experience.proactive``: per contact type, channel and overall."""


@dataclass(frozen=True)
class Experiences:
    """What one replication's customers went through (arrays over the records' rows).

    Attributes:
        contact: the row is a contact the customer made (not a callback dial) of an issue
            counted after the warm-up.
        bad_contact: the contact broke a contact rule.
        issue: rows that are counted issues (their first contact).
        issue_bad, effort, lost: per row, for the issue rows: a bad experience, its effort
            score, the expected customers lost at it.
        weight: per row, for the issue rows: the probability its customer is still a
            customer (has not left after earlier bad experiences); an issue and its contacts
            count with this weight (``contact_weight``: a contact's, its issue's).
        customers, bad_customers, bad_experiences: customers who contacted, of them expected
            to have had a bad experience while still a customer, and their bad experiences
            in all (expected values).
    """

    contact: np.ndarray
    bad_contact: np.ndarray
    issue: np.ndarray
    issue_bad: np.ndarray
    effort: np.ndarray
    lost: np.ndarray
    weight: np.ndarray
    contact_weight: np.ndarray
    customers: int
    bad_customers: float
    bad_experiences: float


def experiences(grid: IntervalGrid, rules: Experience) -> Experiences:
    """Flag the bad contacts and issues, score effort, and expect the churn of one replication."""
    records, scenario = grid.records, grid.scenario
    n = len(records)
    rows = np.arange(n)
    issue_of = records.customer.astype(np.int64)
    kind, outcome = records.kind, records.outcome
    ctype = records.contact_type.astype(np.int64)
    types = scenario.contact_types.values()
    channel = np.array([c.channel for c in types])[ctype]
    made = kind != CALLBACK  # the agents' callback dials are not contacts the customer made
    wait = np.where(np.isnan(records.wait), grid.end_of_records - records.arrival, records.wait)
    bad = rules.bad_contact

    # -- contact rules ---------------------------------------------------------------------
    tolerance = np.array([bad.wait_over.get(c.channel, np.inf) for c in types], dtype=float)[ctype]
    flagged = wait > tolerance
    if bad.abandoned:
        flagged |= np.isin(outcome, (ABANDONED, BOT_DROPPED))
    if bad.blocked:
        flagged |= np.isin(outcome, (BLOCKED, BALKED, CLOSED))
    if bad.bot_then_queue:
        flagged |= outcome == ESCALATED
    if bad.callback_missed:
        reached = np.bincount(
            issue_of[(kind == CALLBACK) & (outcome == ANSWERED)], minlength=n
        ).astype(bool)
        flagged |= (outcome == CALLBACK_REQUESTED) & ~reached[issue_of]
    flagged &= made

    # -- issues, in arrival order ----------------------------------------------------------
    firsts = np.flatnonzero((issue_of == rows) & (kind == FIRST_ATTEMPT))
    firsts = firsts[np.argsort(records.arrival[firsts], kind="stable")]
    assignment = assign_customers(
        len(firsts),
        scenario.horizon.days,
        rules.customers,
        customer_stream(scenario.experiment.seed, records.replication),
    )
    repeat = np.zeros(n, dtype=bool)
    repeat[firsts] = assignment.repeat
    repeated_later = np.zeros(n, dtype=bool)
    repeated_later[firsts] = assignment.repeated_later

    def per_issue(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(
            issue_of[mask], weights=None if weights is None else weights[mask], minlength=n
        )

    contacts = per_issue(made & np.isin(kind, (FIRST_ATTEMPT, REDIAL)))
    transfers = per_issue(kind == TRANSFER)
    bad_contacts = per_issue(flagged)
    issue_rule = np.zeros(n, dtype=bool)
    if bad.transfers_over is not None:
        issue_rule |= transfers > bad.transfers_over
    if bad.not_resolved:
        issue_rule |= (contacts > 1) | repeated_later
    issue_bad = (bad_contacts > 0) | issue_rule
    effort_rules = rules.effort
    effort = np.clip(
        1.0
        + effort_rules.per_extra_contact * np.maximum(contacts - 1, 0)
        + effort_rules.per_channel_switch
        * _channel_switches(issue_of, records.arrival, channel, made, n)
        + effort_rules.per_transfer * transfers
        + per_issue(made, np.clip(wait, 0, None)) / effort_rules.per_wait
        + effort_rules.repeat * repeat,
        1.0,
        5.0,
    )

    # -- customers and churn ---------------------------------------------------------------
    counted = grid.counted_at[firsts] >= grid.measured_from
    issues = firsts[counted]
    units = issue_bad[issues].astype(float)
    if rules.count == "contact":
        units = bad_contacts[issues] + issue_rule[issues]
    _, customer = np.unique(assignment.customer[counted], return_inverse=True)
    n_customers = int(customer.max()) + 1 if len(customer) else 0
    survival, left = _survival(rules, customer, units)
    lost = np.zeros(n)
    lost[issues] = left
    weight = np.zeros(n)
    weight[issues] = survival
    first_bad = (units > 0) & (_bad_before(customer, units) == 0)

    issue = np.zeros(n, dtype=bool)
    issue[issues] = True
    in_counted = issue[issue_of]
    return Experiences(
        contact=made & in_counted,
        bad_contact=flagged,
        issue=issue,
        issue_bad=issue_bad,
        effort=effort,
        lost=lost,
        weight=weight,
        contact_weight=weight[issue_of],
        customers=n_customers,
        bad_customers=float(survival[first_bad].sum()),
        bad_experiences=float((survival * units).sum()),
    )


def _bad_before(customer: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Per issue (in arrival order): its customer's bad experiences on their earlier issues."""
    order = np.argsort(customer, kind="stable")  # grouped by customer, arrival order kept
    grouped, u = customer[order], units[order]
    exclusive = np.cumsum(u) - u
    first = np.r_[True, grouped[1:] != grouped[:-1]] if len(u) else np.zeros(0, bool)
    start = np.maximum.accumulate(np.where(first, np.arange(len(u)), 0))
    before = np.empty_like(exclusive)
    before[order] = exclusive - exclusive[start]
    return before


def _survival(rules: Experience, customer: np.ndarray, units: np.ndarray):
    """Per issue: the probability its customer is still a customer when it arrives, and the
    share of a customer lost at it.

    A customer's probability of having left after k bad experiences is the churn response
    p(k) (p = 0 before their first issue). An issue after k earlier bad experiences counts
    with weight 1 − p(k) — a customer who has left makes no more contacts — and the
    customer is lost at it with probability p(k + its own) − p(k). These add up to p(total):
    the expected customers lost are unchanged, but they fall on the issue where the customer
    leaves, and what a customer who has left would have gone through is not counted.
    """
    before = _bad_before(customer, units)
    first = np.zeros(len(units), dtype=bool)
    if len(units):
        first[np.unique(customer, return_index=True)[1]] = True
    gone_before = np.where(
        first, 0.0, churn_probability(rules.churn, before.round().astype(np.int64))
    )
    gone_after = churn_probability(rules.churn, (before + units).round().astype(np.int64))
    return 1.0 - gone_before, gone_after - gone_before


def _channel_switches(issue_of, arrival, channel, made, n) -> np.ndarray:
    """Per issue: how often its contacts, in time order, changed channel."""
    index = np.flatnonzero(made)
    order = index[np.lexsort((arrival[index], issue_of[index]))]
    same_issue = issue_of[order[1:]] == issue_of[order[:-1]]
    switched = same_issue & (channel[order[1:]] != channel[order[:-1]])
    return np.bincount(issue_of[order[1:]][switched], minlength=n)


def group_values(e: Experiences, rules: Experience, contacts: np.ndarray, issues: np.ndarray):
    """The :data:`GROUP_MEASURES` of a group: its contacts and its issues (masks over rows)."""
    contacts = contacts & e.contact
    issues = issues & e.issue
    lost = float(e.lost[issues].sum())
    price = rules.cost_per_lost_customer
    wc, wi = e.contact_weight[contacts], e.weight[issues]
    return {
        "bad_contact_share": _share((wc * e.bad_contact[contacts]).sum(), wc.sum()),
        "bad_issue_share": _share((wi * e.issue_bad[issues]).sum(), wi.sum()),
        "effort_score": _share((wi * e.effort[issues]).sum(), wi.sum())
        if issues.any()
        else float("nan"),
        "customers_lost": lost,
        "revenue_at_risk": lost * rules.customer_value,
        "replacement_cost": lost * rules.acquisition_cost,
        "churn_cost": lost * price,
    }


def experience_measures(grid: IntervalGrid, rules: Experience):
    """The experience measures of one replication.

    Returns:
        ``(by_type, by_channel, overall, interval_columns)``: measure dicts per contact type
        and channel, the overall one, and a DataFrame keyed by ``name`` (contact type) and
        ``interval`` with the :data:`GROUP_MEASURES` per (interval, contact type).
    """
    records = grid.records
    e = experiences(grid, rules)
    ctype = records.contact_type.astype(np.int64)
    first_type = ctype[records.customer.astype(np.int64)]
    by_type = {
        name: group_values(e, rules, ctype == t, first_type == t)
        for t, name in enumerate(records.contact_types)
    }
    by_channel = {
        channel: group_values(e, rules, np.isin(ctype, types), np.isin(first_type, types))
        for channel, types in grid.channels().items()
    }
    if rules.proactive is not None:  # issue 17: what a notice before customers call saved
        _add_prevented(e, rules, records.contact_types, first_type, by_type, by_channel, grid)
    everyone = np.ones(len(records), dtype=bool)
    overall = group_values(e, rules, everyone, everyone)
    if rules.proactive is not None:
        for name in PROACTIVE_MEASURES:
            overall[name] = float(sum(by_type[t][name] for t in by_type))
    overall.update(
        customers_contacting=float(e.customers),
        bad_customer_share=_share(e.bad_customers, e.customers),
        bad_experiences_per_customer=_share(e.bad_experiences, e.customers),
    )
    return by_type, by_channel, overall, _interval_columns(grid, e, rules, ctype, first_type)


def _interval_columns(grid: IntervalGrid, e: Experiences, rules: Experience, ctype, first_type):
    """The :data:`GROUP_MEASURES` per (contact type, interval), from sums on the grid."""
    records = grid.records
    interval = np.searchsorted(grid.starts, grid.counted_at, side="right") - 1
    first_interval = interval[records.customer.astype(np.int64)]
    contact_key = np.where(e.contact, ctype * grid.n_intervals + interval, 0)
    issue_key = np.where(e.issue, first_type * grid.n_intervals + first_interval, 0)

    def sums(key: np.ndarray, mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return grid.per_interval(key[mask], values[mask]).ravel()

    # Contacts and issues count with the probability their customer is still a customer.
    contacts = sums(contact_key, e.contact, e.contact_weight)
    bad_contacts = sums(contact_key, e.contact, e.contact_weight * e.bad_contact)
    issues = sums(issue_key, e.issue, e.weight)
    lost = sums(issue_key, e.issue, e.lost)
    with np.errstate(invalid="ignore", divide="ignore"):
        columns = {
            "bad_contact_share": np.where(contacts > 0, bad_contacts / contacts, np.nan),
            "bad_issue_share": np.where(
                issues > 0, sums(issue_key, e.issue, e.weight * e.issue_bad) / issues, np.nan
            ),
            "effort_score": np.where(
                issues > 0, sums(issue_key, e.issue, e.weight * e.effort) / issues, np.nan
            ),
        }
    columns.update(
        customers_lost=lost,
        revenue_at_risk=lost * rules.customer_value,
        replacement_cost=lost * rules.acquisition_cost,
        churn_cost=lost * rules.cost_per_lost_customer,
    )
    names = np.repeat(np.array(records.contact_types, dtype=object), grid.n_intervals)
    every = np.tile(np.arange(grid.n_intervals), grid.n_types)
    import pandas as pd  # only a scenario with customer experience pays for it here

    return pd.DataFrame({"name": names, "interval": every, **columns})


def _share(numerator, denominator) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")


def add_experience(
    grid: IntervalGrid,
    rules: Experience,
    overall: dict[str, float],
    by_type: dict[str, dict[str, float]],
    by_channel: dict[str, dict[str, float]],
) -> pd.DataFrame:
    """Add the experience measures to one replication's measures (``overall``, ``by_type``,
    ``by_channel`` in place; ``total_cost`` from the agents' ``cost``) and return their
    columns for the interval table's type rows (``IntervalRows.experience``)."""
    types, channels, whole, columns = experience_measures(grid, rules)
    for name, values in types.items():
        by_type[name].update(values)
    for name, values in channels.items():
        by_channel[name].update(values)
    overall.update(whole)
    overall["total_cost"] = overall.get("cost", 0.0) + whole["churn_cost"]
    columns.insert(0, "kind", "type")
    return columns


def _add_prevented(e, rules, types, first_type, by_type, by_channel, grid) -> None:
    """Add :data:`PROACTIVE_MEASURES` to the type and channel tables (in place).

    The model thinned each type's arrivals by the share ``s`` the notice prevents, so the
    issues that came are ``1 − s`` of those the forecast held: ``n · s / (1 − s)`` more
    were expected (an expected value; none can be told when ``s`` is 1). They would have
    gone as the issues that came did: bad with the same weighted share, losing customers at
    the same rate per issue. That is the saving at this run's service — a lower bound, since
    the prevented issues would also have lengthened everyone's queue; ``ccsim compare``
    against the reactive scenario (``prevents`` at 0) gives the whole of it, paired.
    """
    for t, name in enumerate(types):
        share = rules.prevented(name)
        issues = e.issue & (first_type == t)
        came, weight = int(issues.sum()), e.weight[issues]
        prevented = came * share / (1.0 - share) if share < 1 else float("nan")
        bad_share = _share((weight * e.issue_bad[issues]).sum(), weight.sum())
        lost_per_issue = _share(e.lost[issues].sum(), came)
        by_type[name].update(
            issues_prevented=float(prevented),
            bad_experiences_avoided=float(prevented * bad_share) if came else 0.0,
            customers_kept=float(prevented * lost_per_issue) if came else 0.0,
        )
    for channel, members in grid.channels().items():
        names = [types[t] for t in members]
        by_channel[channel].update(
            {m: float(sum(by_type[n][m] for n in names)) for m in PROACTIVE_MEASURES}
        )
