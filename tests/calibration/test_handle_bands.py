"""Handle-time bands are changes of the *long* calls' level over the day: a known-truth sample
(lognormal long calls, 200 s before 12:00, 170 s after, and a spike of very short calls whose
share is larger in one hour) must give the band change at 12:00, not where the spike is."""

import numpy as np

from ccsim.calibration.handle_bands import (
    SHORT,
    estimate_banded_handle,
    find_bands,
    find_day_bands,
    long_calls,
)


def _day(rng, short_share_by_hour):
    clock, handle = [], []
    for hour in range(8, 20):
        n = 1500
        mean = 200.0 if hour < 12 else 170.0
        sigma = 0.7
        long = rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, n)
        short = rng.random(n) < short_share_by_hour.get(hour, 0.06)
        long[short] = rng.uniform(1.0, SHORT, short.sum())
        clock.append(hour * 3600 + rng.uniform(0, 3600, n))
        handle.append(long)
    return np.concatenate(handle), np.concatenate(clock)


def test_bands_follow_the_long_calls_not_an_hour_with_more_short_calls():
    handle, clock = _day(np.random.default_rng(4), {11: 0.14})
    assert find_day_bands(handle, clock) == [0.0, 12 * 3600.0]
    # The spike left in moves 11:00's mean log time by ~0.3: the band change moves with it.
    assert find_bands(handle, clock) != [0.0, 12 * 3600.0]
    banded = estimate_banded_handle(handle, clock, bands=find_day_bands(handle, clock))
    morning, afternoon = banded.bands
    assert abs(morning.long_mean - 200.0) < 0.03 * 200 and abs(afternoon.long_mean - 170) < 5.1
    assert abs(morning.short_share - (3 * 0.06 + 0.14) / 4) < 0.015


def test_without_a_spike_every_call_is_long_and_one_level_gives_one_band():
    rng = np.random.default_rng(5)
    handle = rng.lognormal(5.0, 0.6, 20_000) + SHORT
    clock = rng.uniform(8 * 3600, 20 * 3600, 20_000)
    assert long_calls(handle).all()
    assert find_day_bands(handle, clock) == [0.0]


def test_a_band_change_on_two_days_of_twenty_is_no_band_of_the_day():
    """Flat 180 s all day, except two days of twenty whose afternoons ran 40 % longer (an
    event): the calls alone (BIC) see a band change at 14:00; day by day it does not hold."""
    rng = np.random.default_rng(8)
    handle, clock, days = [], [], []
    for day in range(20):
        hours = rng.uniform(8, 20, 1500)
        mean = np.where((hours >= 14) & (day in (3, 11)), 180 * 1.4, 180.0)
        handle.append(rng.lognormal(np.log(mean) - 0.5**2 / 2, 0.5))
        clock.append(hours * 3600)
        days.append(np.full(len(hours), day))
    handle, clock, days = map(np.concatenate, (handle, clock, days))
    assert find_bands(handle, clock) == [0.0, 14 * 3600.0]
    assert find_bands(handle, clock, days) == [0.0]
    assert find_day_bands(handle, clock, days) == [0.0]


def test_a_change_that_holds_every_day_is_kept_with_days_given():
    rng = np.random.default_rng(4)
    handle, clock = _day(rng, {})
    days = rng.integers(0, 20, len(handle))  # the same change on every day
    assert find_day_bands(handle, clock, days) == [0.0, 12 * 3600.0]
