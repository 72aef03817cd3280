"""The fit report: the evidence behind a fitted scenario, as text, JSON, tables and plots.

A fit report folder (``ccsim fit --report DIR``, default ``<scenario>.fit/`` beside the
scenario file) holds::

    fit.txt              the report a planner reads (also printed by ccsim fit)
    fit.json             every estimate, machine-readable
    arrivals.csv         offered contacts per date, interval and contact type
    staffing.csv         agents per date and interval (as inferred or given)
    arrival_profile.png  arrivals per hour over the day, each day and the fitted rate
    handle_time.png      handle-time histogram per contact type with the fitted densities
    patience.png         Kaplan–Meier survival of patience with the fitted curves
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ccsim.atomic import write_text
from ccsim.calibration.fit import LogFit
from ccsim.calibration.fitted_scenario import forecast_supported
from ccsim.calibration.patience import frozen, survival
from ccsim.calibration.tuning import Tuning
from ccsim.output.run_folder import OutputError, staged_folder
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
            "nobody waited, that is only a lower bound.",
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


def fit_report_folder(out: Path, report_dir: Path | None, force: bool) -> tuple[Path, bool]:
    """Where the fit report of the scenario file ``out`` goes (default: ``<out>.fit`` beside
    it), and whether it replaces an earlier fit report there (only with ``force``).

    Raises:
        OutputError: the folder exists, is not empty, and is not an earlier fit report that
            ``force`` may replace.
    """
    report_dir = report_dir or out.with_name(f"{out.stem}.fit")
    earlier_fit = force and (report_dir / "fit.json").exists()
    if report_dir.exists() and any(report_dir.iterdir()) and not earlier_fit:
        raise OutputError(
            f"--report {report_dir}: already exists and is not empty; choose another "
            "folder (or --force to replace an earlier fit report)"
        )
    return report_dir, earlier_fit


def write_fit(
    fit: LogFit,
    text: str,
    out: Path,
    report_dir: Path,
    replace: bool,
    tuning: Tuning | None = None,
) -> None:
    """Write the fitted scenario ``text`` to ``out`` and the fit report into ``report_dir``
    (staged, so a failure leaves no half-written report; an earlier one is replaced when
    ``replace``)."""
    if replace:
        shutil.rmtree(report_dir)
    with staged_folder(report_dir, option="--report") as staging:
        write_fit_report(fit, staging, tuning)
        write_text(out, text)


def write_fit_report(fit: LogFit, folder: Path, tuning: Tuning | None = None) -> None:
    """Write the report files into the (existing, empty) ``folder``."""
    folder = Path(folder)
    (folder / "fit.txt").write_text(report_text(fit, tuning), encoding="utf-8")
    summary = json.dumps(fit_summary(fit, tuning), indent=2)
    (folder / "fit.json").write_text(summary + "\n", "utf-8")
    grid = fit.grid
    index = pd.MultiIndex.from_product(
        [[f"{d:%Y-%m-%d}" for d in grid.dates], grid.starts()], names=["date", "interval"]
    )
    arrivals = pd.DataFrame({name: t.counts.ravel() for name, t in fit.types.items()}, index=index)
    arrivals.to_csv(folder / "arrivals.csv")
    pd.DataFrame({"agents": fit.staffing.ravel()}, index=index).to_csv(folder / "staffing.csv")
    _plot(fit, folder)


def _plot(fit: LogFit, folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = fit.grid
    names = list(fit.types)
    x = np.arange(grid.intervals_per_day)
    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4), squeeze=False)
    for ax, t in zip(axes[0], fit.types.values(), strict=True):
        for day, counts in zip(grid.dates, t.counts, strict=True):
            ax.plot(x, counts * 3600 / grid.interval, lw=0.8, alpha=0.5, label=f"{day:%a %d}")
        ax.plot(x, t.rates_per_hour(grid.interval), lw=2.5, color="black", label="fitted")
        _clock_ticks(ax, grid)
        ax.set_title(f"{t.name}: arrivals per hour")
        ax.legend(fontsize=7)
    _save(fig, folder / "arrival_profile.png")

    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4), squeeze=False)
    for ax, t in zip(axes[0], fit.types.values(), strict=True):
        if t.handle is None:
            continue
        handle = fit.log.contacts
        values = handle["handle"][(handle["contact_type"] == t.name)].dropna().to_numpy(float)
        top = float(np.quantile(values, 0.995))
        ax.hist(values[values <= top], bins=60, density=True, alpha=0.4, color="grey")
        grid_x = np.linspace(top / 500, top, 400)
        for f in t.handle.fits:
            ax.plot(grid_x, frozen(f.distribution).pdf(grid_x), label=f"{f.family}")
        ax.set_title(f"{t.name}: handle time (s), written: {t.handle.chosen_family}")
        ax.legend(fontsize=8)
    _save(fig, folder / "handle_time.png")

    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4), squeeze=False)
    for ax, t in zip(axes[0], fit.types.values(), strict=True):
        p = t.patience
        if not p.abandoned:
            ax.set_title(f"{t.name}: nobody abandoned")
            continue
        ax.step(
            np.append(0, p.km_times),
            np.append(1, p.km_survival),
            where="post",
            color="black",
            label="Kaplan-Meier",
        )
        span = np.linspace(0, float(p.km_times.max()) * 1.5, 300)
        for candidate in p.fits:
            ax.plot(
                span,
                survival(candidate, span),
                label=f"{candidate.family} (mean {candidate.mean:.0f} s)",
            )
        ax.axvline(p.naive_mean, ls="--", color="red", lw=1, label="naive mean time to abandon")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("seconds waited")
        ax.set_title(f"{t.name}: P(patience > t)")
        ax.legend(fontsize=8)
    _save(fig, folder / "patience.png")


def _clock_ticks(ax, grid) -> None:
    labels = grid.starts()
    step = max(1, len(labels) // 8)
    ax.set_xticks(np.arange(len(labels))[::step], labels[::step], rotation=45)


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)
