"""Measures of customers' journeys: redials, transfers, callbacks, wait announcements.

Contacts are visits to a queue; a customer may make several (redials, transfer legs,
callback attempts). Here the records are grouped by customer — each customer counted under
the contact type of their first contact, when it arrived after the warm-up:

=============================  ==========================================================
``customers``                  customers (unique first attempts)
``contacts_per_customer``      contacts offered to agents (first attempts + redials +
                               transfer legs + bot escalations) per customer
``redials``                    redial contacts
``customers_served``           share of customers an agent eventually talked to (any leg,
                               or a callback that reached them) or the bot resolved
``transfers``                  transfer legs; ``transfers_per_customer`` = transfers /
                               customers
``first_contact_resolution``   share of served customers whose first answered contact was
                               not transferred
``time_in_system``             mean, over served customers, of first arrival → end of their
                               last contact
``callbacks_offered``          offers made (predicted wait over the threshold)
``callbacks_accepted``         offers accepted
``callback_attempts``          agents' dialling attempts; ``callbacks_reached`` those that
                               reached the customer
``callback_success``           share of accepting customers eventually reached
``time_to_callback``           mean time from accepting to being reached
``prediction_error``           mean absolute error of the predicted wait of callers who were
                               answered; ``prediction_bias`` = mean (actual − predicted)
``bot_visits``                 contacts that started in the bot / IVR; of them
                               ``contained`` (resolved there), ``bot_drop_outs`` (hung up)
                               and ``escalations`` (sent on to the agents)
``containment_rate``           contained / bot visits
``agent_hours_saved``          contained contacts × their type's AHT, in hours
``after_hours_contacts``       first contacts that arrived while the centre was closed
``told_to_call_back``          contacts turned away while closed (closed message, or the
                               after-hours bot could not pass them on)
``called_back``                customers told to call back who called again in hours
=============================  ==========================================================
"""

from __future__ import annotations

import numpy as np

from ccsim.records import (
    ANSWERED,
    BALKED,
    BOT_DROPPED,
    CALLBACK,
    CALLBACK_REQUESTED,
    CLOSED,
    CONTAINED,
    ESCALATED,
    FIRST_ATTEMPT,
    REDIAL,
    TRANSFER,
    ContactRecords,
)
from ccsim.scenario import Scenario

_BLOCK = 2**18
"""Customers taken at a time where a whole column's temporaries would be large."""


def journey_measures(
    records: ContactRecords, scenario: Scenario, measured_from: float, counted_at: np.ndarray
) -> dict[str | None, dict[str, float]]:
    """Journey measures per contact type (keys: type names) and overall (key ``None``).

    ``counted_at``: when each contact counts (its arrival, or the next opening for contacts
    that arrived while the centre was closed).
    """
    n_customers = len(records.arrival)  # customer ids are first-contact indexes
    # Without journeys every contact is a customer of its own (customer = contact number):
    # the per-customer columns are then the per-contact ones, with no n-sized index arrays
    # (a long run has millions of contacts: memory, not only time).
    alone = _each_its_own_customer(records)
    customer = None if alone else records.customer.astype(np.int64)

    def per_customer(column: np.ndarray) -> np.ndarray:
        return column if customer is None else column[customer]

    def any_per_customer(mask: np.ndarray) -> np.ndarray:
        if customer is None:
            return mask
        return np.bincount(customer[mask], minlength=n_customers) > 0

    first_type = per_customer(records.contact_type)
    counted = per_customer(counted_at) >= measured_from  # the customer's first arrival
    after_hours = counted_at != records.arrival
    answered = records.outcome == ANSWERED
    # Served: an agent talked to them, or the bot resolved their request.
    helped = answered | (records.outcome == CONTAINED)
    served_customer = any_per_customer(helped)
    del helped
    closed = records.outcome == CLOSED
    # A contact turned away by the after-hours bot was a bot visit too.
    bot_closed = (
        closed
        & np.array(
            [
                c.after_hours is not None and c.after_hours.action == "self_service"
                for c in scenario.contact_types.values()
            ],
            dtype=bool,
        )[records.contact_type]
    )
    bot_visit = np.isin(records.outcome, (CONTAINED, BOT_DROPPED, ESCALATED)) | bot_closed
    del bot_closed
    told = any_per_customer(closed)
    redialled = any_per_customer(records.kind == REDIAL)
    aht = np.array([c.aht for c in scenario.contact_types.values()])
    first_answer: np.ndarray | None = None
    if customer is None:  # one contact: its own end (NaN, never ended, is left out below)
        journey_end = records.ended
    else:
        journey_end = _max_per_customer(customer, records.ended, n_customers)
        first_answer = _first_answered(records, customer, answered, n_customers)
    accepted = records.outcome == CALLBACK_REQUESTED
    reached = answered & (records.kind == CALLBACK)
    accepted_at: np.ndarray | None = None
    reached_at: np.ndarray | None = None
    if accepted.any():
        ids = np.arange(n_customers) if customer is None else customer
        accepted_at = _min_per_customer(ids[accepted], records.ended[accepted], n_customers)
        reached_at = _min_per_customer(ids[reached], records.answered[reached], n_customers)
        del ids
    # (else nobody took a callback: no n-sized columns of NaN)
    offered = _callback_offers(records, scenario)
    # The prediction errors, only where a wait was predicted (a run without announcements
    # or callback offers has none).
    predicted = np.flatnonzero(
        np.isfinite(records.predicted_wait) & answered & (records.kind != CALLBACK)
    )
    error = _wait_at(records, predicted) - records.predicted_wait[predicted]

    is_first = records.kind == FIRST_ATTEMPT
    if customer is not None:
        is_first &= customer == np.arange(n_customers)
    result: dict[str | None, dict[str, float]] = {}
    groups = [(name, first_type == t) for t, name in enumerate(records.contact_types)]
    for name, mine in [*groups, (None, np.ones(n_customers, bool))]:
        rows = mine & counted  # contacts of customers who started in this group
        # Masks, not index arrays: a long run's customers are millions.
        first = rows & is_first  # the group's customers (their first contacts)
        n = int(np.count_nonzero(first))
        served = served_customer & first
        inbound = rows & (records.kind != CALLBACK) & ~bot_visit  # offered to agents
        contained = rows & (records.outcome == CONTAINED)
        if accepted_at is None or reached_at is None:
            took_callback = got_through = np.zeros(0, np.int64)
            time_to_callback = float("nan")
        else:
            took_callback = np.flatnonzero(first & ~np.isnan(accepted_at))
            got_through = took_callback[~np.isnan(reached_at[took_callback])]
            time_to_callback = _mean(reached_at[got_through] - accepted_at[got_through])
        if first_answer is None:  # each customer's only contact, if answered (a mask)
            answered_first = first & answered
            fcr = _ratio(
                np.count_nonzero(answered_first & (records.transferred_to < 0)),
                np.count_nonzero(answered_first),
            )
            del answered_first
        else:  # the first answered contact of each customer who got one
            resolved = first_answer[first]
            resolved = resolved[resolved >= 0]
            fcr = _ratio((records.transferred_to[resolved] < 0).sum(), len(resolved))
        errors = error[rows[predicted]]
        result[name] = {
            "customers": float(n),
            "contacts_per_customer": _ratio(inbound.sum(), n),
            "redials": float((rows & (records.kind == REDIAL)).sum()),
            "customers_served": _ratio(served.sum(), n),
            "transfers": float((rows & (records.kind == TRANSFER)).sum()),
            "transfers_per_customer": _ratio((rows & (records.kind == TRANSFER)).sum(), n),
            "first_contact_resolution": fcr,
            "time_in_system": _time_in_system(journey_end, records.arrival, served),
            "callbacks_offered": float((rows & offered).sum()),
            "callbacks_accepted": float(len(took_callback)),
            "callback_attempts": float((rows & (records.kind == CALLBACK)).sum()),
            "callbacks_reached": float((rows & reached).sum()),
            "callback_success": _ratio(len(got_through), len(took_callback)),
            "time_to_callback": time_to_callback,
            "prediction_error": _mean(np.abs(errors)),
            "prediction_bias": _mean(errors),
            "bot_visits": float((rows & bot_visit).sum()),
            "contained": float(contained.sum()),
            "bot_drop_outs": float((rows & (records.outcome == BOT_DROPPED)).sum()),
            "escalations": float((rows & (records.outcome == ESCALATED)).sum()),
            "containment_rate": _ratio(contained.sum(), (rows & bot_visit).sum()),
            # Agent work the bot saved: contained contacts at their type's AHT.
            "agent_hours_saved": float(aht[records.contact_type[contained]].sum() / 3600),
            "after_hours_contacts": float((after_hours & first).sum()),
            "told_to_call_back": float((rows & closed).sum()),
            "called_back": float((told & redialled & first).sum()),
        }
    return result


def _time_in_system(journey_end: np.ndarray, arrival: np.ndarray, who: np.ndarray) -> float:
    """Mean first arrival → end of the last contact, over the customers ``who``."""
    # A block of customers at a time into one array: a long run's customers are millions,
    # and whole-column temporaries would double this measure's memory.
    spent = np.empty(int(np.count_nonzero(who)))
    filled = 0
    for low in range(0, len(who), _BLOCK):
        mine = who[low : low + _BLOCK]
        part = spent[filled : filled + int(np.count_nonzero(mine))]
        np.subtract(
            journey_end[low : low + _BLOCK][mine], arrival[low : low + _BLOCK][mine], out=part
        )
        filled += len(part)
    return _mean(spent)


def _each_its_own_customer(records: ContactRecords) -> bool:
    """Every contact is its customer's first and only one (customer = contact number)."""
    customer = records.customer
    return len(customer) == 0 or (int(customer[0]) == 0 and bool(np.all(np.diff(customer) == 1)))


def _wait_at(records: ContactRecords, index: np.ndarray) -> np.ndarray:
    """:attr:`ContactRecords.wait` of the contacts at ``index`` only."""
    answered = records.answered[index]
    return np.where(np.isnan(answered), records.ended[index], answered) - records.arrival[index]


def _callback_offers(records: ContactRecords, scenario: Scenario) -> np.ndarray:
    """Contacts offered a callback: predicted wait over the type's threshold, not balked."""
    if all(c.callback is None for c in scenario.contact_types.values()):
        return np.zeros(len(records), bool)  # no threshold: nobody is offered one
    thresholds = np.array(
        [
            c.callback.offer_when_wait_over if c.callback is not None else np.inf
            for c in scenario.contact_types.values()
        ]
    )[records.contact_type]
    return (
        (records.predicted_wait > thresholds)
        & (records.outcome != BALKED)
        & ((records.kind == FIRST_ATTEMPT) | (records.kind == REDIAL))
    )


def _first_answered(records, customer, answered, n) -> np.ndarray:
    """Per customer: the index of their first answered contact (-1 if none)."""
    result = np.full(n, -1, dtype=np.int64)
    index = np.flatnonzero(answered)
    # Reversed so that the earliest-created answered contact of a customer is written last.
    # Contacts are numbered in creation order, which for one customer is time order.
    order = np.argsort(records.answered[index], kind="stable")[::-1]
    result[customer[index[order]]] = index[order]
    return result


def _max_per_customer(customer, values, n) -> np.ndarray:
    result = np.full(n, -np.inf)
    np.fmax.at(result, customer, values)
    return result


def _min_per_customer(customer, values, n) -> np.ndarray:
    result = np.full(n, np.inf)
    np.fmin.at(result, customer, values)
    return np.where(np.isinf(result), np.nan, result)


def _ratio(numerator, denominator) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")


def _mean(values: np.ndarray) -> float:
    finite = np.isfinite(values)
    if not finite.all():  # (no copy when every value counts)
        values = values[finite]
    return float(values.mean()) if values.size else float("nan")
