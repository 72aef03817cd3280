"""The fitted scenario's days of the week: each weekday's hours, arrival rates and agents.

When the log's weekdays have different opening hours (a Saturday closing at 14:00, a Sunday
opening at 18:00), :func:`week_slots` widens the fitted scenario's day to every weekday's
hours (up to 24:00: a scenario's day ends at midnight), its horizon takes every day of the
log, and :func:`week_lines` writes the ``days_of_week`` block (:mod:`ccsim.scenario.weekdays`):
per weekday its hours, each contact type's mean arrivals per interval over its dates and each
pool's mean agents taking calls, rounded (at least one where any was seen). The contact
types' and pools' own figures stay the main days' (weekdays' outside those hours: none).
With one shape for every day nothing is written and the scenario is as before.
"""

from __future__ import annotations

import json

import numpy as np

from ccsim.calibration.fit import LogFit
from ccsim.units import DAY, format_clock


def week_slots(fit: LogFit) -> slice | None:
    """The grid's intervals of the widened day (module docstring), or None when every
    weekday has the same hours."""
    if len({(s.open, s.close) for s in fit.shapes}) <= 1:
        return None
    grid = fit.grid
    open_ = min(s.open for s in fit.shapes)
    close = min(max(s.close for s in fit.shapes), DAY)
    first = round((open_ - grid.open) / grid.interval)
    return slice(first, round((close - grid.open) / grid.interval))


def week_lines(fit: LogFit, slots: slice) -> list[str]:
    """The ``days_of_week`` block of the fitted scenario."""
    grid = fit.grid
    per_hour = 3600.0 / grid.interval
    staffing = fit.pool_staffing()
    if len(staffing) == 1 and fit.discipline is None:
        staffing = {"agents": next(iter(staffing.values()))}
    lines = [
        "",
        "# Each weekday's own hours, arrivals per hour per interval (mean over its dates) and",
        "# agents taking calls (mean, rounded), per interval of the day above",
        "days_of_week:",
        f"  first_day: {grid.dates[0]:%a}",
    ]
    for shape in fit.shapes:
        days = list(shape.days)
        close = min(shape.close, DAY)
        cut = ""
        if shape.close > DAY:
            after = sum(
                int(t.counts[days][:, slots.stop :].sum()) for t in fit.types.values()
            ) / len(days)
            cut = f"; the {after:.0f} contacts a day after midnight are not modelled"
        lines += [
            f"  {shape.name}:   # {len(days)} date(s), {shape.volume:,.0f} contacts a day{cut}",
            f'    open: "{format_clock(shape.open)}"',
            f'    close: "{format_clock(close)}"',
            "    rate_per_hour:",
        ]
        for t in fit.types.values():
            rates = t.counts[days][:, slots].mean(axis=0) * per_hour
            lines.append(f"      {t.name}: {_flow([round(float(r), 3) for r in rates])}")
        lines.append("    staffing:")
        for pool, agents in staffing.items():
            mean = agents[days][:, slots].mean(axis=0)
            # An agent part of the time on most dates is one agent, not none (callers came).
            mean = np.where(mean > 0, np.maximum(np.rint(mean), 1), 0)
            lines.append(f"      {pool}: {_flow([int(a) for a in mean])}")
    return lines


def _flow(values: list) -> str:
    return json.dumps(values)
