"""Volume spikes: more callers of one type than forecast, for a while, in a live day.

A trainer's exercise or a what-if may say "twice the sales calls between 10:30 and 11:00".
Every caller of a day is drawn before the run (arrival, handle time and patience,
:mod:`ccsim.model.arrivals`), so a spike is declared when the live centre is made
(:class:`VolumeSpike`) and its extra callers are drawn then, merged into the day's first
attempts in time order. They come from streams of their own (``arrivals/spike/<type>``,
``handle/spike/<type>``, ``patience/spike/<type>`` …), so every forecast caller keeps their
numbers: a day with a spike and the same day without it share their random numbers (common
random numbers).

:class:`LiveChangeError` is here too, the error of any live change the centre cannot make
(a spike of an unknown type is the first one a live day can meet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ccsim.model.arrivals import draw_first_attempts, forecast_factors, planning_day
from ccsim.model.contacts import ContactBook
from ccsim.model.handling import draw_talk_and_wrap_up, on_days, wrap_up_share
from ccsim.model.streams import RandomStreams
from ccsim.scenario import Scenario


class LiveChangeError(ValueError):
    """A live change the centre cannot make (an unknown pool, a negative count, …)."""


@dataclass(frozen=True)
class VolumeSpike:
    """More callers of one type than forecast between ``start`` and ``end`` (seconds).

    Attributes:
        contact_type: the contact type's name.
        start: when the spike begins (seconds from day 0 midnight).
        end: when it ends.
        factor: the arrival rate in the window is ``factor`` × the forecast (1.5: half as
            many again).
    """

    contact_type: str
    start: float
    end: float
    factor: float


def draw_with_spikes(
    scenario: Scenario, streams: RandomStreams, spikes: Sequence[VolumeSpike]
) -> ContactBook:
    """The first attempts with each spike's extra callers merged in, in time order."""
    base = draw_first_attempts(scenario, streams, scenario.has_journeys, True)
    assert base.wrap_up_share is not None, "asked for above"
    columns = [
        np.array(base.arrival),
        np.array(base.contact_type, dtype=np.int16),
        np.array(base.handle),
        np.array(base.deadline),
        base.wrap_up_share,
    ]
    horizon = scenario.horizon
    busyness, day_handling = forecast_factors(scenario, streams)
    starts = horizon.interval_starts()
    names = list(scenario.contact_types)
    for spike in spikes:
        if spike.contact_type not in scenario.contact_types or spike.factor < 1:
            raise LiveChangeError(
                f"a volume spike needs one of the types ({', '.join(names)}) and a factor "
                f"of 1 or more, not {spike.contact_type!r} × {spike.factor}"
            )
        ctype = scenario.contact_types[spike.contact_type]
        source = f"spike/{spike.contact_type}"
        rates = ctype.arrivals.rates_per_second(horizon) * (spike.factor - 1)
        if busyness is not None:
            rates = rates * np.repeat(busyness, horizon.intervals_per_day)
        lo = np.clip(starts, spike.start, spike.end)
        hi = np.clip(starts + horizon.interval, spike.start, spike.end)
        rng = streams.generator(f"arrivals/{source}")
        counts = rng.poisson(rates * (hi - lo))
        times = np.repeat(lo, counts) + rng.random(int(counts.sum())) * np.repeat(hi - lo, counts)
        times.sort(kind="stable")
        handle, wrap_up = draw_talk_and_wrap_up(ctype, streams, source, len(times))
        if wrap_up is not None:
            handle += wrap_up
        share = wrap_up_share(handle, wrap_up)
        if day_handling is not None:
            handle = on_days(handle, day_handling, planning_day(times, horizon))
        if ctype.patience is not None:
            patience = ctype.patience.draw(streams.generator(f"patience/{source}"), len(times))
        else:
            patience = np.full(len(times), np.inf)
        extra = [times, np.full(len(times), names.index(spike.contact_type)), handle]
        extra += [times + patience, share]
        columns = [np.concatenate([c, e]) for c, e in zip(columns, extra, strict=True)]
    order = np.argsort(columns[0], kind="stable")
    arrival, ctypes, handle, deadline, share = (c[order] for c in columns)
    return ContactBook(arrival, ctypes, handle, deadline, scenario.has_journeys, share)
