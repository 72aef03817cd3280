"""The fit report in words: what a planner reads in ``fit.txt`` (and ``ccsim fit`` prints).

:func:`report_text` tells, section by section, what the contact log held and what was fitted
from it: the period, the daily volumes (day-of-week profile, over-dispersion against Poisson),
per contact type the handle-time families compared (mean, spread, log-likelihood, AIC, KS) and
the patience (naive mean time to abandon beside the Kaplan–Meier median, since answered
callers' waits are censored observations), the staffing written, and the findings: agents
really available, order of service, handle times by time band and days of the week. Each
number is the one in ``fit.json`` (:mod:`ccsim.output.fit_summary`).
"""

from __future__ import annotations

import math

import numpy as np

from ccsim.calibration.fit import LogFit
from ccsim.calibration.fitted_scenario import forecast_supported
from ccsim.calibration.tuning import Tuning
from ccsim.units import format_clock


def report_text(fit: LogFit, tuning: Tuning | None = None) -> str:
    """The fit report a planner reads (with the availability ``tuning``, when it was run)."""
    grid, volumes = fit.grid, fit.volumes
    lines = ["Contact log", *(f"  {line}" for line in fit.log.summary_lines()), ""]
    lines.append(
        f"Period: {grid.days} day(s), {grid.dates[0]:%Y-%m-%d} to {grid.dates[-1]:%Y-%m-%d}; "
        f"{grid.interval / 60:g}-minute intervals {format_clock(grid.open)}-"
        f"{format_clock(grid.close)}."
    )
    totals = ", ".join(
        f"{d:%a %d %b} {int(v):,}" for d, v in zip(grid.dates, volumes.totals, strict=True)
    )
    lines += ["", "Daily volumes", f"  {totals}"]
    profile = ", ".join(f"{k} {v:.2f}" for k, v in volumes.weekday_factors.items())
    written = (
        "written as day_factors"
        if volumes.day_factors is not None
        else "reported only: a weekday must occur at least twice to tell its effect from chance"
    )
    lines.append(f"  day-of-week profile: {profile} ({written})")
    if math.isnan(volumes.dispersion_index):
        lines.append("  over-dispersion: too few days to estimate")
    else:
        verdict = (
            "more variable than Poisson" if volumes.overdispersed else "consistent with Poisson"
        )
        lines.append(
            f"  dispersion index {volumes.dispersion_index:.2f} (1 = Poisson), p = "
            f"{volumes.p_value:.3g}: {verdict}; busyness cv {volumes.busyness_cv:.3f}"
        )
        if volumes.overdispersed:
            lines.append(
                "  written as forecast.busyness_cv"
                if forecast_supported()
                else "  (not written: this ccsim's scenarios have no forecast.busyness_cv)"
            )
    for t in fit.types.values():
        lines += ["", f"Contact type {t.name}"]
        lines.append(
            f"  offered {t.offered:,}: answered {t.answered:,}, abandoned {t.abandoned:,}, "
            f"blocked {t.blocked:,}"
        )
        if t.handle is not None:
            h = t.handle
            lines.append(
                f"  handle time (answer to end): {h.count:,} contacts, mean {h.mean:.1f} s, "
                f"cv {h.cv:.2f}; written: {h.chosen_family}"
            )
            lines.append("    family        mean      cv/shape   log-lik        AIC     KS")
            for f in h.fits:
                spread = f.distribution.get("cv", f.distribution.get("shape", 1.0))
                lines.append(
                    f"    {f.family:<12}{f.distribution['mean']:>8.1f}  {spread:>10.3f}"
                    f"{f.log_likelihood:>11.1f}{f.aic:>11.1f}  {f.ks:.3f}"
                )
        p = t.patience
        lines.append(
            f"  patience: {p.queued:,} queued, {p.abandoned:,} abandoned, "
            f"{p.censored_share:.1%} answered (censored observations)"
        )
        if p.chosen is None:
            lines.append("    nobody abandoned: no patience written (callers never hang up)")
            continue
        lines.append(
            f"    naive mean time to abandon: {p.naive_mean:.1f} s (biased low: ignores "
            "the answered callers' waits)"
        )
        median = f"{p.km_median:.1f} s" if p.km_median is not None else "not reached"
        lines.append(f"    Kaplan-Meier median: {median}")
        for candidate in p.fits:
            extra = ", ".join(
                f"{k} {v:.3f}" for k, v in candidate.distribution.items() if k in ("cv", "shape")
            )
            mark = "  <- written" if candidate is p.chosen else ""
            lines.append(
                f"    {candidate.family:<12} mean {candidate.mean:>8.1f} s"
                f"{', ' + extra if extra else '':<16} AIC {candidate.aic:>9.1f}{mark}"
            )
    lines += ["", f"Staffing: {fit.staffing_source}"]
    lines.append(
        "  "
        + " ".join(
            f"{format_clock(grid.open + k * grid.interval)}={n}"
            for k, n in enumerate(fit.staffing_profile)
        )
    )
    varies = (fit.staffing != fit.staffing[0]).any(axis=0)
    if varies.any():
        lines.append(f"  differs between days in {int(varies.sum())} interval(s): see staffing.csv")
    lines += _findings(fit)
    if tuning is not None:
        lines += ["", *tuning.lines()]
    return "\n".join(lines) + "\n"


def _findings(fit: LogFit) -> list[str]:
    """Staffing estimate and its uncertainty, order of service, banded handle times, days."""
    from ccsim.calibration.availability import describe
    from ccsim.calibration.presence import PRESENCE_GAP
    from ccsim.calibration.week import lines as week_lines

    grid, lines = fit.grid, []
    if fit.wrap_up is not None:
        w = fit.wrap_up
        lines += [
            "",
            "How many agents really took calls (the staffing written above):",
            f"  after-call work (not in the log): {w.mean:.1f} s on average (cv {w.cv:.2f}), "
            f"from {len(w.gaps):,} gaps between an agent's calls while callers waited "
            f"({int(w.events.sum()):,} seen whole, the rest cut short when the queue emptied)",
            "  While a caller waits, every agent free to take calls is busy (in a call or its "
            "after-call work): the busy agents at those moments are the agents available. Where "
            "nobody waited, that is only a lower bound; there the agents present count too (on "
            f"duty between their answers, gaps up to {PRESENCE_GAP / 60:.0f} min), times the "
            "pool's ratio of available to present where callers waited.",
        ]
        days, slots = np.array(fit.main_days), fit.main_slots
        for availability in (fit.availability or {}).values():
            lines.append(f"  {describe(availability, grid)}")
            mean, low, high = availability.band(days)
            shown = [
                f"{format_clock(grid.open + k * grid.interval)} {mean[k]:.1f} "
                f"[{low[k]:.1f}-{high[k]:.1f}]"
                for k in range(slots.start, slots.stop)
            ]
            lines.append("    main days, mean [90 % bootstrap band over days]:")
            lines += [f"    {'  '.join(shown[i : i + 6])}" for i in range(0, len(shown), 6)]
    if fit.discipline is not None:
        lines += ["", *fit.discipline.lines()]
    for t in fit.types.values():
        if t.banded is None:
            continue
        bands = "; ".join(
            f"from {format_clock(b.start)}: {b.long_mean:.0f} s ({b.count:,} calls, "
            f"{b.short_share:.1%} short)"
            for b in t.banded.bands
        )
        lines += ["", f"Handle time of {t.name} by time band (long calls' mean): {bands}"]
        if len(t.banded.short_values):
            lines.append(
                f"  {t.banded.short_share:.1%} of calls under 10 s: a component of their own "
                "(drawn as observed), not part of the family fit"
            )
        patience = t.patience
        longest = float(fit.log.contacts["wait"][fit.log.contacts["contact_type"] == t.name].max())
        if patience.chosen is not None and patience.chosen.mean > longest:
            lines.append(
                f"  Caution: the fitted mean patience ({patience.chosen.mean:.0f} s) lies beyond "
                f"the longest wait in the log ({longest:.0f} s): it is an extrapolation of the "
                "family's tail, not something the log shows"
            )
    if fit.shapes:
        lines += ["", *week_lines(list(fit.shapes), grid)]
    return lines
