"""Across days: the mean of daily ratios, the definition some published studies use.

ccsim's own definition pools a replication's days: a ratio such as the service level is the
horizon's answered-in-time over the horizon's denominator, so a busy day with many callers
weighs more than a quiet one. Many studies instead report each day's ratio and average the
days, every day weighing the same. With ``measures: {across_days: mean_of_daily_ratios}``
the contact-side ratios of each contact type, channel and the whole centre are that mean
(days with nothing counted toward a ratio — closed, or all in the warm-up — are left out);
counts, wait percentiles, queue figures and the pools' figures stay those of the horizon.
"""

from __future__ import annotations

import numpy as np

from ccsim.measures.contacts import COUNT_FIELDS
from ccsim.measures.grid import IntervalGrid, ratio

DAILY_RATIOS = (
    "service_level",
    "asa",
    "abandon_rate",
    "aht",
    "mean_wait",
    "blocking_rate",
    "balk_rate",
    "mean_time_to_abandon",
    "p_wait",
)
"""The measures that become a mean of daily ratios (``p_wait`` only when it is asked for)."""


def _ratios(s: dict[str, float]) -> dict[str, float]:
    """The ratios of :data:`DAILY_RATIOS` from one day's counts and sums."""
    return {
        "service_level": ratio(s["answered_within"], s["sl_denominator"]),
        "asa": ratio(s["wait_answered"], s["answered"]),
        "abandon_rate": ratio(s["abandoned"], s["offered"]),
        "aht": ratio(s["handle_answered"], s["answered"]),
        "mean_wait": ratio(
            s["wait_answered"] + s["wait_abandoned"], s["answered"] + s["abandoned"]
        ),
        "blocking_rate": ratio(s["blocked"], s["offered"]),
        "balk_rate": ratio(s["balked"], s["offered"]),
        "mean_time_to_abandon": ratio(s["wait_abandoned"], s["abandoned"]),
        "p_wait": ratio(s["delayed"], s["reached_queue"]),
    }


def mean_of_daily_ratios(
    grid: IntervalGrid, sums: dict[str, np.ndarray], types: list[int]
) -> dict[str, float]:
    """Each of :data:`DAILY_RATIOS` for the contact types ``types``: the mean, over the days
    of the horizon on which it is defined, of the day's ratio.

    Args:
        grid: the replication's interval grid.
        sums: the count fields per (contact type, interval) (:func:`contact_sums`).
        types: the contact-type indexes of the group.
    """
    horizon = grid.scenario.horizon
    per_day = horizon.intervals_per_day
    daily: dict[str, list[float]] = {name: [] for name in DAILY_RATIOS}
    for day in range(horizon.days):
        columns = slice(day * per_day, (day + 1) * per_day)
        s = {f: float(sums[f][types, columns].sum()) for f in COUNT_FIELDS}
        for name, value in _ratios(s).items():
            daily[name].append(value)
    result = {}
    for name, values in daily.items():
        defined = np.array(values, float)
        defined = defined[np.isfinite(defined)]
        result[name] = float(defined.mean()) if defined.size else float("nan")
    return result
