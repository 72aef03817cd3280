"""Arrival times: a Poisson stream whose rate is constant within each planning interval.

For a piecewise-constant rate the exact way to draw a non-homogeneous Poisson process is:
draw the count of each interval from a Poisson distribution with mean rate × length, then
scatter that many arrivals uniformly over the interval. Everything is drawn at once with
numpy before the simulation starts. A continuous rate curve (``arrivals: {curve: ...}``) is
drawn exactly by thinning (:func:`draw_curve_arrival_times`).

Forecast uncertainty (``forecast:``, see :mod:`ccsim.scenario.forecast`) multiplies a day's
rates by its busyness factor and the day's handle times by its handle-time factor; both are
drawn here, once per replication, from streams of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.contacts import ContactBook
from ccsim.model.handling import draw_talk_and_wrap_up, on_days, wrap_up_share
from ccsim.model.streams import RandomStreams
from ccsim.scenario.time_bands import draw_by_band, draw_patience_by_band
from ccsim.units import DAY

if TYPE_CHECKING:
    from ccsim.scenario import Scenario
    from ccsim.scenario.arrival_curve import ArrivalCurve
    from ccsim.scenario.contact_type import ContactType
    from ccsim.scenario.horizon import Horizon
    from ccsim.scenario.journey import AfterHours


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


def draw_curve_arrival_times(
    curve: ArrivalCurve,
    rates_per_second: np.ndarray,
    interval_starts: np.ndarray,
    interval_length: float,
    rng: np.random.Generator,
    shaped: np.ndarray,
) -> np.ndarray:
    """Sorted arrival times along a continuous rate curve (``arrivals: {curve: ...}``).

    Within interval *i* the rate is ``rates_per_second[i] · g(t) / ḡᵢ``, with ``g`` the curve
    and ``ḡᵢ`` its mean over the interval: the curve itself, times whatever multiplies the
    interval's rate (``day_factors``, forecast busyness, a weekday's hours), with exactly the
    interval's expected volume. It is drawn exactly by thinning (Lewis and Shedler, 1979):
    a Poisson count at the curve's highest rate over the interval, uniform times, and each
    time kept with probability ``g(t) / highest``. Intervals not ``shaped`` (a weekday whose
    rates replace the curve's) keep every time: constant within the interval.

    Args:
        curve: the contact type's rate curve over the clock day.
        rates_per_second: the mean arrival rate of each interval.
        interval_starts: start time of each interval (seconds from day 0 midnight).
        interval_length: length of every interval in seconds.
        rng: the contact type's arrival stream.
        shaped: per interval, whether the curve shapes it.

    Returns:
        A sorted float array of arrival times.
    """
    starts = np.asarray(interval_starts, dtype=float)
    clock = np.mod(starts, DAY)
    mean = curve.volume(clock, clock + interval_length) * 3600.0 / interval_length
    highest = curve.highest_per_hour(clock, clock + interval_length)
    over = np.where(shaped & (mean > 0), highest / np.where(mean > 0, mean, 1.0), 1.0)
    counts = rng.poisson(np.asarray(rates_per_second) * interval_length * over)
    times = np.repeat(starts, counts) + rng.uniform(0.0, interval_length, int(counts.sum()))
    draw = rng.random(len(times)) * np.repeat(highest, counts)
    kept = ~np.repeat(shaped, counts) | (draw <= curve.rate_per_hour(np.mod(times, DAY)))
    times = times[kept]
    times.sort(kind="stable")
    return times


def draw_closed_arrival_times(
    after_hours: AfterHours,
    horizon: Horizon,
    rng: np.random.Generator,
    busyness: np.ndarray | None = None,
) -> np.ndarray:
    """Sorted arrival times of contacts arriving while the centre is closed.

    The closed stretches are cut at clock hours, so each piece has the rate of its hour;
    within a piece the count is Poisson and the times uniform (an exact NHPP). With
    ``busyness`` (one factor per day), each piece's rate is multiplied by the factor of the
    day of the next opening, the day its contacts count in.
    """
    starts, lengths = horizon.closed_stretches()
    hours = (np.mod(starts, DAY) // 3600).astype(int)
    rates = np.array([after_hours.rate_at_hour(h) for h in hours], dtype=float) / 3600.0
    if busyness is not None:
        rates = rates * busyness[planning_day(starts, horizon)]
    counts = rng.poisson(rates * lengths)
    offsets = rng.random(int(counts.sum())) * np.repeat(lengths, counts)
    times = np.repeat(starts, counts) + offsets
    times.sort(kind="stable")
    return times


def forecast_factors(
    scenario: Scenario, streams: RandomStreams
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The replication's daily busyness and handle-time factors (``None`` where the cv is 0).

    Each factor is gamma with mean 1 and the configured cv, one per day of the horizon, drawn
    from its own stream (``forecast/busyness``, ``forecast/handle_time``). The generators are
    made afresh from the seed and replication, so every caller (the arrivals here, the
    journeys during the run) gets the same factors, and a scenario without forecast
    uncertainty draws nothing at all.
    """
    forecast, days = scenario.forecast, scenario.horizon.days
    own = RandomStreams(streams.seed, streams.replication)

    def draw(source: str, cv: float) -> np.ndarray | None:
        if cv <= 0:
            return None
        shape = 1.0 / cv**2
        return own.generator(source).gamma(shape, 1.0 / shape, days)

    return (
        draw("forecast/busyness", forecast.busyness_cv),
        draw("forecast/handle_time", forecast.handle_time_cv),
    )


def planning_day(times: np.ndarray, horizon: Horizon) -> np.ndarray:
    """The day each time counts in: its own, or the next opening's while the centre is closed
    (clipped to the horizon's last day)."""
    day = horizon.next_opening(np.asarray(times, dtype=float)) // DAY
    return np.minimum(day.astype(np.int64), horizon.days - 1)


def _shaped(scenario: Scenario, name: str) -> np.ndarray:
    """Per interval of the horizon, whether type ``name``'s own curve shapes it: not on a
    weekday that gives the type rates of its own (``days_of_week``)."""
    horizon, weekdays = scenario.horizon, scenario.days_of_week
    own = np.ones(horizon.days, dtype=bool)
    if weekdays is not None:
        for day in range(horizon.days):
            shape = weekdays.shape(day)
            own[day] = shape is None or name not in shape.rate_per_hour
    return np.repeat(own, horizon.intervals_per_day)


def _draw_work(ctype: ContactType, streams: RandomStreams, source: str, count: int):
    """Handle times (talk + wrap-up), patience and wrap-up (or None) of ``count`` contacts
    from ``source``."""
    handle, wrap_up = draw_talk_and_wrap_up(ctype, streams, source, count)
    if wrap_up is not None:
        handle += wrap_up
    if ctype.patience is not None:
        patience = ctype.patience.draw(streams.generator(f"patience/{source}"), count)
    else:
        patience = np.full(count, np.inf)
    return handle, patience, wrap_up


def draw_first_attempts(
    scenario: Scenario, streams: RandomStreams, journeys: bool, wrap_up_shares: bool = False
) -> ContactBook:
    """Draw every first attempt's arrival time, handle time and patience, in time order.

    Each contact type draws from its own named streams (``arrivals/<type>``,
    ``handle/<type>``, ``wrap_up/<type>``, ``patience/<type>``), all at once with numpy.
    Contacts arriving while the centre is closed (``after_hours``) draw from streams of
    their own (``after_hours/<type>`` …), so adding them leaves every other draw unchanged.
    With forecast uncertainty, each day's rates are multiplied by its busyness factor and
    each contact's handle time by the handle-time factor of the day it counts in (see
    :func:`forecast_factors`, :func:`planning_day`).

    With ``wrap_up_shares`` (a live run), the book also keeps each contact's after-call-work
    share of its handle time (:func:`ccsim.model.handling.wrap_up_share`); nothing drawn
    changes.
    """
    horizon = scenario.horizon
    starts = horizon.interval_starts()
    busyness, handling = forecast_factors(scenario, streams)
    times, types, handles, patiences = [], [], [], []
    shares: list[np.ndarray] = []  # only with wrap_up_shares
    for index, (name, ctype) in enumerate(scenario.contact_types.items()):
        if scenario.days_of_week is None:
            rates = ctype.arrivals.rates_per_second(horizon)
        else:
            rates = scenario.days_of_week.rates(name, ctype.arrivals, horizon)
        if busyness is not None:
            rates = rates * np.repeat(busyness, horizon.intervals_per_day)
        curve = ctype.arrivals.arrival_curve
        if curve is None:
            arrivals = draw_arrival_times(
                rates, starts, horizon.interval, streams.generator(f"arrivals/{name}")
            )
        else:  # a continuous rate: thinning on the same stream
            arrivals = draw_curve_arrival_times(
                curve,
                rates,
                starts,
                horizon.interval,
                streams.generator(f"arrivals/{name}"),
                _shaped(scenario, name),
            )
        handle, patience, wrap_up = _draw_work(ctype, streams, name, len(arrivals))
        if ctype.handle_time_by_band is not None:  # by the clock time of arrival
            rng = streams.generator(f"handle_by_band/{name}")
            handle = draw_by_band(ctype.handle_time_by_band, arrivals, rng)
            if ctype.wrap_up is not None:
                rng = streams.generator(f"wrap_up_by_band/{name}")
                wrap_up = ctype.wrap_up.draw(rng, len(arrivals))
                handle += wrap_up
        if ctype.patience_by_band is not None:  # by the clock time of arrival
            rng = streams.generator(f"patience_by_band/{name}")
            patience = draw_patience_by_band(ctype.patience_by_band, arrivals, rng)
        share = wrap_up_share(handle, wrap_up) if wrap_up_shares else None
        if ctype.after_hours is not None:
            closed = draw_closed_arrival_times(
                ctype.after_hours, horizon, streams.generator(f"after_hours/{name}"), busyness
            )
            closed_handle, closed_patience, closed_wrap_up = _draw_work(
                ctype, streams, f"after_hours/{name}", len(closed)
            )
            arrivals = np.concatenate([arrivals, closed])
            handle = np.concatenate([handle, closed_handle])
            patience = np.concatenate([patience, closed_patience])
            if share is not None:
                share = np.concatenate([share, wrap_up_share(closed_handle, closed_wrap_up)])
        del wrap_up
        if handling is not None:
            handle = on_days(handle, handling, planning_day(arrivals, horizon))
        prevented = scenario.experience.prevented(name) if scenario.experience else 0.0
        if prevented:  # issue 17: a proactive notice; thinned on a stream of its own
            kept = streams.generator(f"proactive/{name}").random(len(arrivals)) >= prevented
            arrivals, handle, patience = arrivals[kept], handle[kept], patience[kept]
            share = None if share is None else share[kept]
        count = len(arrivals)
        times.append(arrivals)
        types.append(np.full(count, index, dtype=np.int16))
        handles.append(handle)
        patiences.append(patience)
        if share is not None:
            shares.append(share)
        # Only the lists hold the draws now: the merge frees each one as it is written.
        del arrivals, handle, patience, share
    # Merged in time order straight into the book's columns: for long runs these arrays,
    # not the simulation, set the peak memory.
    return ContactBook.from_draws(
        times, types, handles, patiences, shares if wrap_up_shares else None, journeys
    )
