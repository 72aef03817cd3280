"""The fit report as data: every estimate behind a fitted scenario (``fit.json``).

:func:`fit_summary` gathers what :mod:`ccsim.calibration` estimated from a contact log —
arrival rates, the handle-time and patience families tried with their likelihood, AIC and
Kolmogorov–Smirnov distance, the daily volumes and their over-dispersion, the staffing as
inferred or given, the order of service, after-call work, availability, time bands and
weekday shapes — as plain JSON values (a figure that is not finite is ``null``), for a script
or a later audit to read. The same evidence in words is :mod:`ccsim.output.fit_text`.
"""

from __future__ import annotations

import math

import numpy as np

from ccsim.calibration.fit import LogFit
from ccsim.calibration.fitted_scenario import forecast_supported
from ccsim.calibration.tuning import Tuning
from ccsim.units import format_clock


def fit_summary(fit: LogFit, tuning: Tuning | None = None) -> dict:
    """Every estimate as plain data (the shape of ``fit.json``; ``tuning``: the availability
    tuning, when it was run)."""
    grid, volumes = fit.grid, fit.volumes
    types = {}
    for name, t in fit.types.items():
        p = t.patience
        types[name] = {
            "offered": t.offered,
            "answered": t.answered,
            "abandoned": t.abandoned,
            "blocked": t.blocked,
            "rate_per_hour": [round(float(r), 4) for r in t.rates_per_hour(grid.interval)],
            "handle_time": None
            if t.handle is None
            else {
                "count": t.handle.count,
                "mean": t.handle.mean,
                "cv": t.handle.cv,
                "chosen": t.handle.chosen_family,
                "fits": [
                    {**f.distribution, "log_likelihood": f.log_likelihood, "aic": f.aic, "ks": f.ks}
                    for f in t.handle.fits
                ],
            },
            "patience": {
                "queued": p.queued,
                "abandoned": p.abandoned,
                "censored_share": _number(p.censored_share),
                "naive_mean_time_to_abandon": _number(p.naive_mean),
                "kaplan_meier_median": p.km_median,
                "chosen": p.chosen.family if p.chosen else None,
                "fits": [
                    {**f.distribution, "log_likelihood": f.log_likelihood, "aic": f.aic}
                    for f in p.fits
                ],
            },
        }
    return {
        "source": fit.log.source,
        "rows_read": fit.log.rows_read,
        "contacts_used": len(fit.log.contacts),
        "rows_not_used": fit.log.excluded,
        "dates": [f"{d:%Y-%m-%d}" for d in grid.dates],
        "interval": grid.interval,
        "open": format_clock(grid.open),
        "close": format_clock(grid.close),
        "contact_types": types,
        "daily_volumes": {
            "totals": [int(v) for v in volumes.totals],
            "weekday_factors": volumes.weekday_factors,
            "day_factors_written": volumes.day_factors is not None,
            "dispersion_index": _number(volumes.dispersion_index),
            "p_value": _number(volumes.p_value),
            "busyness_cv": volumes.busyness_cv,
            "busyness_written": volumes.overdispersed and forecast_supported(),
        },
        "staffing": {"source": fit.staffing_source, "profile": fit.staffing_profile},
        "rows_corrected": fit.log.adjusted,
        "reading_notes": list(fit.log.notes),
        **_findings_summary(fit),
        "availability_tuning": None if tuning is None else tuning.summary(),
    }


def _findings_summary(fit: LogFit) -> dict:
    """The order of service, after-call work, availability, bands and weekday shapes."""
    result: dict = {}
    d = fit.discipline
    if d is not None:
        result["order_of_service"] = {
            "overtaking": d.overtaking,
            "answered_at_once": d.answered_at_once,
            "pairwise": {f"{a} ahead of {b}": v for (a, b), v in d.pairwise.items()},
            "dedicated": {c: list(a) for c, a in d.dedicated.items()},
            "priorities": d.priorities,
            "pools": {p: list(c) for p, c in d.pools.items()},
        }
    if fit.wrap_up is not None:
        result["after_call_work"] = {"mean": fit.wrap_up.mean, "cv": fit.wrap_up.cv}
    days = np.array(fit.main_days)
    result["availability"] = {
        pool: dict(
            zip(
                ("mean", "low", "high"),
                ([round(float(v), 3) for v in x[fit.main_slots]] for x in a.band(days)),
                strict=True,
            )
        )
        | {"ratio_to_logged_on": a.ratio}
        for pool, a in (fit.availability or {}).items()
    }
    result["handle_bands"] = {
        t.name: [
            {
                "from": format_clock(b.start),
                "calls": b.count,
                "short_share": b.short_share,
                "long_mean": _number(b.long_mean),
            }
            for b in t.banded.bands
        ]
        for t in fit.types.values()
        if t.banded is not None
    }
    result["days_of_week"] = [
        {"weekday": s.name, "dates": len(s.days), "hours": s.hours, "volume": s.volume}
        for s in fit.shapes
    ]
    return result


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)
