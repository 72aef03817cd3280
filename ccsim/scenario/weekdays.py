"""Days of the week that differ in shape, not only in volume: opening hours, arrival rates
and staffing per weekday.

A Saturday closing at 14:00 or a Sunday opening at 18:00 is not a weekday scaled down. The
optional ``days_of_week`` block says which weekday the horizon's day 0 is and gives any
weekday its own shape::

    days_of_week:
      first_day: Mon               # the weekday of day 0
      Sat:
        open: "09:00"              # within the horizon's open-close; default: those
        close: "14:00"
        rate_per_hour: {voice: [...]}   # per contact type: one per interval of the
        staffing: {agents: [...]}       # horizon's day, or one number

On that weekday the centre takes no contacts and has no agents outside its hours; the types
named in ``rate_per_hour`` arrive at those rates instead of their own (``day_factors`` and
busyness still multiply them) and the pools named in ``staffing`` have those agents instead
of their ``staffing`` (pools with ``shifts`` keep their shifts as they are). Everything
not named keeps its own figures. Agents leaving at a weekday's early close finish the
contact in hand; callers still waiting then hang up (their patience). The model follows the
block; the Erlang figures and the staffing search (``ccsim staff``) plan the horizon's own
day. Without the block nothing changes.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from ccsim.scenario.fields import FROZEN, ClockTime, Name, Real, Whole
from ccsim.units import format_clock

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class DayOfWeek(BaseModel):
    """One weekday's shape (module docstring)."""

    model_config = FROZEN

    open: ClockTime | None = None
    close: ClockTime | None = None
    rate_per_hour: dict[Name, Real | list[Real]] = Field(default_factory=dict)
    staffing: dict[Name, Whole | list[Whole]] = Field(default_factory=dict)


class DaysOfWeek(BaseModel):
    """The weekday of day 0 and the weekdays with a shape of their own."""

    model_config = FROZEN

    first_day: Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] = "Mon"
    Mon: DayOfWeek | None = None
    Tue: DayOfWeek | None = None
    Wed: DayOfWeek | None = None
    Thu: DayOfWeek | None = None
    Fri: DayOfWeek | None = None
    Sat: DayOfWeek | None = None
    Sun: DayOfWeek | None = None

    def shape(self, day: int) -> DayOfWeek | None:
        """The shape of the horizon's day ``day`` (None: the horizon's own)."""
        return getattr(self, WEEKDAYS[(WEEKDAYS.index(self.first_day) + day) % 7])

    def open_intervals(self, horizon) -> np.ndarray:
        """Whether each (day, interval) of the horizon lies within its weekday's hours."""
        starts = horizon.open + horizon.interval * np.arange(horizon.intervals_per_day)
        rows = []
        for day in range(horizon.days):
            shape = self.shape(day)
            open_ = horizon.open if shape is None or shape.open is None else shape.open
            close = horizon.close if shape is None or shape.close is None else shape.close
            rows.append((starts >= open_) & (starts < close))
        return np.array(rows, dtype=bool)

    def rates(self, name: str, arrivals, horizon) -> np.ndarray:
        """Arrival rate (per second) of contact type ``name`` in every interval of the
        horizon: its own (``arrivals.rates_per_second``) or its weekday's, within hours."""
        per_day = horizon.intervals_per_day
        rates = np.array(arrivals.rates_per_second(horizon), float).reshape(horizon.days, per_day)
        factors = arrivals.day_factors
        for day in range(horizon.days):
            shape = self.shape(day)
            if shape is not None and name in shape.rate_per_hour:
                given = np.broadcast_to(np.asarray(shape.rate_per_hour[name], float), (per_day,))
                rates[day] = given / 3600.0 * (1.0 if factors is None else factors[day])
        return (rates * self.open_intervals(horizon)).ravel()

    def staffing(self, name: str, base: np.ndarray, horizon) -> np.ndarray:
        """Agents of pool ``name`` per (day, interval): ``base`` (days × intervals) or the
        weekday's, none outside the weekday's hours."""
        result = np.array(base, dtype=np.int64).reshape(horizon.days, horizon.intervals_per_day)
        for day in range(horizon.days):
            shape = self.shape(day)
            if shape is not None and name in shape.staffing:
                result[day] = np.broadcast_to(
                    np.asarray(shape.staffing[name], np.int64), (horizon.intervals_per_day,)
                )
        return np.where(self.open_intervals(horizon), result, 0)

    def pool_staffing(self, name: str, pool, horizon) -> np.ndarray | None:
        """Pool ``name``'s agents per (day, interval) for its roster, or None when the pool
        is staffed by shifts (kept as they are)."""
        if pool.shifts is not None:
            return None
        from ccsim.scenario.roster import staffing_per_interval

        return self.staffing(name, staffing_per_interval(pool, horizon), horizon)

    def problems(self, scenario) -> list[str]:
        """What does not fit the scenario (one line per problem, starting with its path)."""
        h = scenario.horizon
        per_day, problems = h.intervals_per_day, []
        for weekday in WEEKDAYS:
            shape = getattr(self, weekday)
            if shape is None:
                continue
            path = f"days_of_week.{weekday}"
            open_ = h.open if shape.open is None else shape.open
            close = h.close if shape.close is None else shape.close
            steps = [(open_ - h.open) / h.interval, (close - h.open) / h.interval]
            if not h.open <= open_ < close <= h.close or any(
                abs(s - round(s)) > 1e-9 for s in steps
            ):
                problems.append(
                    f"{path}: hours {format_clock(open_)}-{format_clock(close)} must lie within "
                    f"the horizon's {format_clock(h.open)}-{format_clock(h.close)}, open before "
                    "close, on interval boundaries"
                )
            for kind, given, known in (
                ("rate_per_hour", shape.rate_per_hour, scenario.contact_types),
                ("staffing", shape.staffing, scenario.pools),
            ):
                for name, value in given.items():
                    if name not in known:
                        problems.append(
                            f"{path}.{kind}.{name}: not defined; defined: {', '.join(known)}"
                        )
                    elif isinstance(value, list) and len(value) != per_day:
                        problems.append(
                            f"{path}.{kind}.{name} has {len(value)} values but the day has "
                            f"{per_day} intervals; give one per interval or a single number"
                        )
                    elif any(not np.isfinite(v) or v < 0 for v in np.atleast_1d(value)):
                        problems.append(f"{path}.{kind}.{name}: must be non-negative")
            for name in shape.staffing:
                pool = scenario.pools.get(name)
                if pool is not None and pool.shifts is not None:
                    problems.append(
                        f"{path}.staffing.{name}: the pool is staffed by shifts; give its "
                        "weekday shifts (days:) instead"
                    )
        return problems
