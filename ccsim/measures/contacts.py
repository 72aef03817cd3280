"""Contact-side measures: counts per contact type and interval, and the ratios planners read.

Counts and sums per contact type and interval (:data:`COUNT_FIELDS`, a replication's raw
material) are added up over a group of contact types (one type, a channel, the whole centre)
and turned into ratios:

* ``service_level`` = answered_within / sl_denominator, where by the type's ``formula``:
  ``answered_and_abandoned`` (default) counts answered + abandoned (+ unserved);
  ``exclude_short_abandons`` leaves out abandons shorter than ``short_abandon``;
  ``abandons_after_threshold`` counts only abandons after T; ``answered_only`` counts answered.
  Balking is hanging up, only sooner: it counts as abandoning here.
* ``asa`` = mean wait of answered contacts; ``mean_wait`` = mean wait of all who queued
  (answered + abandoned); ``wait_p90/p95/p99`` = percentiles of that same wait.
* ``abandon_rate`` = abandoned / offered; ``blocking_rate`` = blocked / offered;
  ``balk_rate`` = balked / offered; ``mean_time_to_abandon`` = mean wait of abandoned contacts.
* ``aht`` = mean handle time (talk + wrap-up) of answered contacts.
* ``max_queue`` = most contacts waiting at once; ``mean_queue`` = time-average waiting
  within the intervals' own time; ``backlog_at_close`` and ``oldest_at_close``, the queue at
  the final closing.

What each measure *is* (kind, bounds, label) is in :mod:`ccsim.measures.catalogue`.
"""

from __future__ import annotations

import numpy as np

from ccsim.measures.grid import IntervalGrid, ratio
from ccsim.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK_REQUESTED,
    UNSERVED,
)

COUNT_FIELDS = (
    "offered",
    "answered",
    "abandoned",
    "balked",
    "callbacks_requested",
    "blocked",
    "unserved",
    "answered_within",
    "sl_denominator",
    "wait_answered",
    "wait_abandoned",
    "handle_answered",
    "delayed",
    "reached_queue",
)
"""Per (contact type, interval) sums kept for each replication:

=========================  ==============================================================
``offered``                contacts that arrived (including blocked ones)
``answered``               answered by an agent
``abandoned``              hung up while waiting
``balked``                 hung up on hearing the wait
``callbacks_requested``    left the queue for a callback
``blocked``                refused on arrival (no waiting place or line)
``unserved``               still waiting when the horizon ended (no agent, no patience)
                           or turned away at a close (``closing: clear``)
``answered_within``        answered with a wait at most the threshold T
``sl_denominator``         contacts counted in the service level's denominator
``wait_answered``          total wait of answered contacts (and so on for the others)
``delayed``                reached the queue and were not answered at once (``p_wait``)
``reached_queue``          answered, abandoned, balked, took a callback or unserved
=========================  ==============================================================
"""


def contact_sums(grid: IntervalGrid) -> dict[str, np.ndarray]:
    """:data:`COUNT_FIELDS` per contact type and interval (arrays types × intervals).

    Each field is counted (``np.bincount`` over the contacts' type-and-interval key) as
    soon as its mask is made, so a long run never holds a column per field at once.
    """
    outcome, wait = grid.outcome, grid.wait
    key = grid.key
    size = grid.n_types * grid.n_intervals

    def count(mask: np.ndarray) -> np.ndarray:
        counts = np.bincount(key[mask], minlength=size).astype(float)
        return counts.reshape(grid.n_types, grid.n_intervals)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        # Only the contacts of the mask: adding the others' zeros would not change a sum.
        return grid.per_interval(key[mask], values[mask])

    answered = outcome == ANSWERED
    abandoned_only = outcome == ABANDONED
    balked = outcome == BALKED
    unserved = outcome == UNSERVED
    callback = outcome == CALLBACK_REQUESTED
    # P(wait > 0): everyone who reached the queue and found no agent free at once; blocked
    # contacts never reached it. Unserved ones (wait NaN) waited till the end.
    reached_queue = answered | abandoned_only | balked | callback | unserved
    thresholds = np.array([c.service_level.threshold for c in grid.scenario.contact_types.values()])
    # One type: one threshold, no per-contact column of it (a long run has millions).
    threshold = thresholds[0] if len(thresholds) == 1 else thresholds[grid.ctype]
    return {
        "offered": np.bincount(key, minlength=size)
        .astype(float)
        .reshape(grid.n_types, grid.n_intervals),
        "answered": count(answered),
        "abandoned": count(abandoned_only),
        "balked": count(balked),
        "callbacks_requested": count(callback),
        "blocked": count(outcome == BLOCKED),
        "unserved": count(unserved),
        "answered_within": count(answered & (wait <= threshold)),
        # Balking is hanging up, only sooner: it counts as abandoning in service levels.
        "sl_denominator": count(_sl_denominator(grid, answered, abandoned_only | balked, unserved)),
        "wait_answered": total(answered, wait),
        "wait_abandoned": total(abandoned_only, wait),
        "handle_answered": total(answered, grid.handle),
        "delayed": count(reached_queue & ~(answered & (wait <= 0))),
        "reached_queue": count(reached_queue),
    }


def _sl_denominator(grid: IntervalGrid, answered, abandoned, unserved) -> np.ndarray:
    """Which contacts count in the service level's denominator (by each type's formula)."""
    types = list(grid.scenario.contact_types.values())
    wait = grid.wait
    denominator = np.zeros(len(answered), bool)
    for t, ctype in enumerate(types):
        rule = ctype.service_level
        if rule.formula == "answered_and_abandoned":
            counted = answered | abandoned | unserved
        elif rule.formula == "exclude_short_abandons":
            counted = answered | (abandoned & (wait >= rule.short_abandon)) | unserved
        elif rule.formula == "abandons_after_threshold":
            counted = answered | (abandoned & (wait > rule.threshold)) | unserved
        else:  # answered_only
            counted = answered
        if rule.count_blocked:  # busy tones count as not answered in time
            counted = counted | (grid.outcome == BLOCKED)
        if len(types) == 1:
            return counted
        mine = grid.ctype == t
        denominator[mine] = counted[mine]
    return denominator


def contact_rates(s: dict) -> dict:
    """Counts and the main ratios of a group of contacts (whole run or one interval)."""
    return {
        "offered": s["offered"],
        "answered": s["answered"],
        "abandoned": s["abandoned"],
        "blocked": s["blocked"],
        "balked": s["balked"],
        "service_level": ratio(s["answered_within"], s["sl_denominator"]),
        "asa": ratio(s["wait_answered"], s["answered"]),
        "abandon_rate": ratio(s["abandoned"], s["offered"]),
        "aht": ratio(s["handle_answered"], s["answered"]),
    }


def group_ratios(
    grid: IntervalGrid, s: dict[str, float], mine: np.ndarray, types: list[int] | None
) -> dict[str, float]:
    """Every contact-side measure of a group of contact types over the whole run.

    Args:
        s: the group's :data:`COUNT_FIELDS`, summed over its types and the intervals.
        mine: which of the grid's contacts belong to the group.
        types: the group's contact-type indexes (None: every type).
    """
    queued = mine & ((grid.outcome == ANSWERED) | (grid.outcome == ABANDONED))
    waits = grid.wait[queued]
    # waits is this function's own copy: sorted in place, not copied again (same values).
    p90, p95, p99 = (
        np.percentile(waits, [90, 95, 99], overwrite_input=True) if waits.size else (np.nan,) * 3
    )
    queue_length = grid.queue_length(types)
    close = float(grid.scenario.horizon.day_closes()[-1])
    return {
        **contact_rates(s),
        "callbacks_requested": s["callbacks_requested"],
        "unserved": s["unserved"],
        "answered_within_threshold": s["answered_within"],
        "mean_wait": ratio(
            s["wait_answered"] + s["wait_abandoned"], s["answered"] + s["abandoned"]
        ),
        "wait_p90": float(p90),
        "wait_p95": float(p95),
        "wait_p99": float(p99),
        "blocking_rate": ratio(s["blocked"], s["offered"]),
        "balk_rate": ratio(s["balked"], s["offered"]),
        "mean_time_to_abandon": ratio(s["wait_abandoned"], s["abandoned"]),
        "max_queue": float(queue_length.max_overall),
        "backlog_at_close": float(queue_length.waiting_at(np.array([close]))[0]),
        "oldest_at_close": queue_length.oldest_at(close),
        "mean_queue": ratio(queue_length.area_overall, grid.measured_seconds()),
        **optional_rates(grid, s),
    }


def optional_rates(grid: IntervalGrid, s: dict) -> dict:
    """The measures a scenario's ``measures:`` block asks for beside the usual ones
    (:class:`~ccsim.scenario.measure_options.MeasureOptions`); none without it."""
    options = grid.scenario.measures
    if options is None or not options.p_wait:
        return {}
    return {"p_wait": ratio(s["delayed"], s["reached_queue"])}
