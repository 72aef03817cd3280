"""The fitted scenario file: valid YAML with a comment beside every estimate.

:func:`scenario_text` turns a :class:`~ccsim.calibration.fit.LogFit` into the text of a scenario
file
(durations in seconds, one pool serving every contact type first come, first served) and
checks it with the scenario schema before anyone writes it, so a fitted file always loads
with ``ccsim validate`` and runs with ``ccsim run``.
"""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import yaml

from ccsim.calibration.fit import LogFit, TypeFit
from ccsim.calibration.fitted_week import week_lines, week_slots
from ccsim.scenario import Scenario, parse_scenario
from ccsim.units import format_clock

POOL = "agents"
"""The fitted scenario's one pool."""


def forecast_supported() -> bool:
    """Whether this ccsim's scenarios have ``forecast: {busyness_cv: …}``."""
    return "forecast" in Scenario.model_fields


def scenario_text(fit: LogFit, name: str) -> str:
    """The commented scenario file for ``fit`` (validated).

    Raises:
        ScenarioError: the estimates do not make a valid scenario (a bug, not a user error).
    """
    from ccsim import __version__

    grid, log = fit.grid, fit.log
    days, slots = fit.main_days, fit.main_slots
    week = week_slots(fit)
    if week is not None:  # the day widened to every weekday's hours; every date a day
        slots = week
    open_ = grid.open + slots.start * grid.interval
    close = grid.open + slots.stop * grid.interval
    first, last = grid.dates[0], grid.dates[-1]
    excluded = log.rows_read - len(log.contacts)
    lines = [
        f"# Fitted by ccsim {__version__} on {datetime.now():%Y-%m-%d %H:%M} from {log.source}:",
        f"# {len(log.contacts):,} contacts over {grid.days} day(s), {first:%Y-%m-%d} ({first:%a}) "
        f"to {last:%Y-%m-%d} ({last:%a}); {excluded:,} row(s) of {log.rows_read:,} not used",
        "# (see the fit report for why, and for every estimate below). Durations in seconds.",
        f"name: {_flow(name)}",
        f"description: {_flow(f'Fitted from {log.source}, {first:%Y-%m-%d} to {last:%Y-%m-%d}')}",
        "",
        *_horizon_comment(fit, days, week is not None, open_, close),
        "horizon:",
        f"  days: {grid.days if week is not None else len(days)}",
        f"  interval: {grid.interval:g}",
        f'  open: "{format_clock(open_)}"',
        f'  close: "{format_clock(close)}"',
    ]
    if week is not None:
        lines += week_lines(fit, slots)
    lines += ["", "contact_types:"]
    for ctype in fit.types.values():
        lines += _contact_type_lines(fit, ctype, slots, week is None)
    lines += ["", "pools:"] + _pool_lines(fit, slots)
    volumes = fit.volumes
    if volumes.overdispersed:
        comment = (
            f"# daily volumes vary {volumes.dispersion_index:.1f}x more than Poisson "
            f"(p = {volumes.p_value:.3g}): a random busyness factor per day, cv estimated"
        )
        cv = min(volumes.busyness_cv, 2.0)
        if forecast_supported():
            lines += ["", comment, f"forecast: {{busyness_cv: {cv:.4g}}}"]
        else:
            lines += ["", f"{comment} {cv:.3g}", "# (not written: this ccsim has no forecast:)"]
    lines += ["", "experiment: {replications: 20, seed: 1}", ""]
    text = "\n".join(lines)
    parse_scenario(yaml.safe_load(text), source=f"fitted scenario {name}")
    return text


def _horizon_comment(fit: LogFit, days: list[int], weekly: bool, open_, close) -> list[str]:
    grid = fit.grid
    hours = f"{format_clock(open_)}-{format_clock(close)}"
    if weekly:
        return [
            f"# Every day of the log ({grid.days}; day 0 = {grid.dates[0]:%Y-%m-%d}), {hours}: "
            "every weekday's hours,",
            "# rounded out to whole intervals; each weekday's shape is under days_of_week.",
        ]
    return [
        f"# The log's days with the main opening hours ({len(days)} of {grid.days}; day 0 = "
        f"{grid.dates[days[0]]:%Y-%m-%d}), {hours}, rounded",
        "# out to whole intervals; days of other shapes are in the fit report (Days of the week).",
    ]


def _pool_lines(fit: LogFit, slots: slice) -> list[str]:
    grid, days = fit.grid, fit.main_days
    discipline = fit.discipline
    pools = discipline.pools if discipline is not None else {POOL: tuple(fit.types)}
    staffing = fit.pool_staffing()
    first = grid.open + slots.start * grid.interval
    lines = []
    for pool, classes in pools.items():
        levels = {c: (discipline.priorities.get(c, 1) if discipline else 1) for c in classes}
        same = len(set(levels.values())) == 1
        profile = [int(v) for v in np.rint(staffing[pool][days][:, slots].mean(axis=0))]
        lines += [
            f"  {pool}:",
            "    # "
            + (
                "every type at priority 1: first come, first served across types"
                if same
                else "priorities from who overtook whom in the log (1 = first; see the report)"
            ),
            f"    serves: {_flow(levels)}",
            f"    # agents per interval from {format_clock(first)} ...: mean over the main days "
            "(rounded) of the",
            f"    # {fit.staffing_source}",
            f"    staffing: {_flow(profile)}",
        ]
    return lines


def _contact_type_lines(
    fit: LogFit, ctype: TypeFit, slots: slice, day_factors: bool = True
) -> list[str]:
    grid = fit.grid
    days = fit.main_days
    counts = ctype.counts[days][:, slots]
    rates = [round(float(r), 3) for r in counts.mean(axis=0) * 3600.0 / grid.interval]
    lines = [
        f"  {ctype.name}:",
        f"    # {ctype.offered:,} offered: {ctype.answered:,} answered, {ctype.abandoned:,} "
        f"abandoned, {ctype.blocked:,} blocked",
        "    arrivals:",
        f"      # contacts per hour in each {grid.interval / 60:g}-minute interval from "
        f"{format_clock(grid.open + slots.start * grid.interval)} (mean over {len(days)} day(s))",
        f"      rate_per_hour: {_flow(rates)}",
    ]
    factors = _day_factors(fit) if day_factors else None
    if factors is not None:
        lines += [
            "      # day-of-week profile (weekday mean / overall mean), one factor per day",
            f"      day_factors: {_flow(factors)}",
        ]
    handle = ctype.handle
    if handle is None:
        lines += [
            "    # nothing answered: handle time unknown, 5 minutes assumed (edit me)",
            "    handle_time: {distribution: exponential, mean: 300}",
        ]
    else:
        others = ", ".join(f"{f.family} {f.aic - handle.fits[0].aic:+.1f}" for f in handle.fits[1:])
        why = (
            f"chosen by AIC (others: {others})"
            if handle.chosen_family != "empirical"
            else "100 quantiles of the observed times"
        )
        banded = ctype.banded
        if banded is not None and (len(banded.bands) > 1 or len(banded.short_values)):
            means = ", ".join(f"{format_clock(b.start)}- {b.long_mean:.0f} s" for b in banded.bands)
            lines += [
                f"    # answer to end as logged, {handle.count:,} contacts: mean {handle.mean:.1f} "
                f"s; by time band (long calls): {means};",
                f"    # {banded.short_share:.1%} under 10 s (a component of its own). One "
                "distribution per type here: the day's mixture",
                f"    handle_time: {_flow(banded.mixture())}",
            ]
            if len(banded.bands) > 1:
                lines += [
                    "    # first attempts by the band of the day they arrive in (long calls "
                    "fitted per band, the short ones kept)",
                    "    handle_time_by_band:",
                ]
                lines += [
                    f'      - {{from: "{format_clock(b.start)}", handle_time: '
                    f"{_flow(banded.band_mixture(k))}}}"
                    for k, b in enumerate(banded.bands)
                ]
        else:
            lines += [
                f"    # answer to end as logged, {handle.count:,} contacts: mean "
                f"{handle.mean:.1f} s, cv {handle.cv:.2f};",
                f"    # {handle.chosen_family}, {why}",
                f"    handle_time: {_flow(handle.chosen)}",
            ]
        if fit.wrap_up is not None and fit.wrap_up.distribution is not None:
            lines += [
                f"    # after-call work, not in the log: {fit.wrap_up.mean:.1f} s on average, "
                "from the gaps between an agent's calls while callers waited",
                f"    wrap_up: {_flow(fit.wrap_up.distribution)}",
            ]
    patience = ctype.patience
    chosen = patience.chosen
    if chosen is None:
        lines.append("    # nobody abandoned: no patience (callers never hang up in the model)")
    else:
        naive = patience.naive_mean
        lines += [
            f"    # censored MLE over {patience.queued:,} queued contacts, "
            f"{patience.censored_share:.0%} answered (censored): mean "
            f"{chosen.mean:.0f} s ({chosen.family}, by AIC);",
            f"    # the naive mean time to abandon, {naive:.0f} s, looks only at the "
            "impatient and is biased low",
            f"    patience: {_flow(_rounded(chosen.distribution))}",
        ]
    lines.append(
        f"    service_level: {{threshold: {fit.threshold:g}, target: {fit.target:g}}}"
        "   # your goal (not estimated)"
    )
    return lines


def _day_factors(fit: LogFit) -> list[float] | None:
    """One factor per main day: its weekday's mean volume over the main days' mean."""
    if fit.volumes.day_factors is None:
        return None
    days = fit.main_days
    totals = sum(t.counts.sum(axis=1) for t in fit.types.values())[days]
    weekdays = [fit.grid.dates[d].weekday() for d in days]
    means = {
        w: float(np.mean([t for t, x in zip(totals, weekdays, strict=True) if x == w]))
        for w in set(weekdays)
    }
    overall = float(np.mean(totals))
    return [round(means[w] / overall, 4) for w in weekdays]


def _rounded(distribution: dict) -> dict:
    return {k: float(round(v, 4)) if isinstance(v, float) else v for k, v in distribution.items()}


def _flow(value: object) -> str:
    """``value`` as one line of YAML flow style (strings quoted, JSON being YAML)."""
    if isinstance(value, str):
        return json.dumps(value)
    return yaml.safe_dump(value, default_flow_style=True, width=10**6, sort_keys=False).strip()
