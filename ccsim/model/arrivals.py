"""Arrival times: a Poisson stream whose rate is constant within each planning interval.

For a piecewise-constant rate the exact way to draw a non-homogeneous Poisson process is:
draw the count of each interval from a Poisson distribution with mean rate × length, then
scatter that many arrivals uniformly over the interval. Everything is drawn at once with
numpy before the simulation starts.
"""

from __future__ import annotations

import numpy as np


def draw_arrival_times(
    rates_per_second: np.ndarray,
    interval_starts: np.ndarray,
    interval_length: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Sorted arrival times of one contact type over the whole horizon.

    Args:
        rates_per_second: arrival rate in each interval.
        interval_starts: start time of each interval (seconds from day 0 midnight).
        interval_length: length of every interval in seconds.
        rng: the contact type's arrival stream.

    Returns:
        A sorted float array of arrival times.
    """
    counts = rng.poisson(np.asarray(rates_per_second) * interval_length)
    offsets = rng.uniform(0.0, interval_length, int(counts.sum()))
    times = np.repeat(np.asarray(interval_starts, dtype=float), counts) + offsets
    # Intervals do not overlap, so sorting within each interval is sorting overall.
    times.sort(kind="stable")
    return times
