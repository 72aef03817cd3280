"""Measure the figures docs/calibration.md and the README quote for data/realistic-log.txt.

    python scripts/realistic_log_figures.py            # about four minutes

The log is synthetic with known truth (data/realistic-log-truth.json), so the fit's estimates
are compared with the truth, and each backtest is set beside the *true* model backtested the
same way (ccsim.calibration.truth_backtest) — the floor no fit can beat on average. Model mode
uses 30 replications per day; seeds: fit 7, truth 11, hold-out 3 (cut after 2026-10-25, the
last week held out). Per hour of the day, all types: mean absolute error over the hours, and
weighted by the hour's calls in brackets.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ccsim.calibration.backtest import run_backtest
from ccsim.calibration.backtest_tables import grouped, hourly_errors, noise_floor
from ccsim.calibration.contact_log import LogFormat, read_contact_log
from ccsim.calibration.fit import fit_log
from ccsim.calibration.fitted_scenario import scenario_text
from ccsim.calibration.holdout import holdout_backtest, split_log
from ccsim.calibration.truth_backtest import truth_backtest, truth_staffing
from ccsim.calibration.tuning import tune_availability
from ccsim.scenario import parse_scenario

DATA = Path(__file__).resolve().parent.parent / "data"
UNTIL = pd.Timestamp("2026-10-25")
REPS = 30


def _row(label: str, errors: dict[str, float]) -> str:
    return (
        f"| {label} | {100 * errors['abandon_rate_mae']:.2f} points "
        f"({100 * errors['abandon_rate_wmae']:.2f}) | {errors['asa_mae']:.1f} s "
        f"({errors['asa_wmae']:.1f} s) |"
    )


def fit_figures(log, fit, truth) -> None:
    """What the fit recovers, against the truth."""
    agents = truth_staffing(truth, log, fit.grid.interval)
    weekdays = [d for d, date in enumerate(fit.grid.dates) if date.weekday() < 5]
    slots = fit.main_slots
    main = fit.availability["agents"]
    true_main = agents["agents"][weekdays][:, slots]
    error = main.estimate[weekdays][:, slots] - true_main
    print("## The fit against the truth")
    print(
        f"main pool, weekdays: estimate - truth {error.mean():+.2f} agent on average, "
        f"|error| {np.abs(error).mean():.2f}; logged-on count - truth "
        f"{(main.logged_on[weekdays][:, slots] - true_main).mean():+.2f}"
    )
    open_days = agents["agents"] > 0
    every = main.estimate[open_days] - agents["agents"][open_days]
    print(
        f"main pool, every open day-interval: {every.mean():+.2f} "
        f"(|error| {np.abs(every).mean():.2f})"
    )
    desk = fit.availability["platinum_desk"]
    on = agents["platinum_desk"] > 0
    short = desk.estimate[on] - agents["platinum_desk"][on]
    rounded = np.rint(desk.estimate[on]) - agents["platinum_desk"][on]
    print(
        f"desk: {short.mean():+.2f} agent on average; measured (callers waiting) in "
        f"{desk.measured[on].mean():.0%} of its day-intervals; rounded one short in "
        f"{(rounded <= -1).mean():.0%}, one long in {(rounded >= 1).mean():.0%}"
    )
    print(f"after-call work {fit.wrap_up.mean:.1f} s (truth {truth['wrap_mean']:.0f} s)")
    d = fit.discipline
    print(f"priorities {d.priorities}, dedicated {sorted(d.dedicated)}")
    for name, ctype in fit.types.items():
        bands = ctype.banded
        means = " / ".join(f"{b.long_mean:.0f}" for b in bands.bands)
        starts = ", ".join(f"{b.start / 3600:02.0f}:00" for b in bands.bands)
        print(f"{name}: long calls {means} s in bands from {starts}; short {bands.short_share:.1%}")
    print(f"truth: long calls {truth['talk_means']}; short {truth['short_share']:.0%}")
    for shape in fit.shapes:
        print(
            f"{shape.name}: {shape.open / 3600:05.2f}-{shape.close / 3600:05.2f} h, "
            f"{shape.volume:.0f} calls a day"
        )
    tuning = tune_availability(fit)  # as `ccsim fit` does
    if tuning is not None:
        print(
            f"tuning on the whole log (as ccsim fit): {tuning.shift:+.1f} agent "
            f"(limit {tuning.limit:.2f})"
        )


def weekday_figures(log, scenario) -> None:
    """The fitted scenario's own weekday staffing on the log's volumes (model mode)."""
    bt = run_backtest(log, scenario, "model", None, 3, 5)
    table = grouped(bt, "weekday")
    rows = table[table["contact_type"] == "all types"]
    print("## The fitted scenario's own weekdays (--staffing scenario --mode model --reps 3)")
    for _, row in rows.iterrows():
        print(
            f"{row['weekday']}: abandonment {row['actual_abandon_rate']:.1%} actual / "
            f"{row['sim_abandon_rate']:.1%} simulated; ASA {row['actual_asa']:.0f} s / "
            f"{row['sim_asa']:.0f} s"
        )
    print(_row("per hour", hourly_errors(bt)))


def backtest_figures(log, fit, scenario, truth) -> None:
    banded = {n: t.banded for n, t in fit.types.items()}
    print("## Backtests per hour of the day (all types)")
    print("| | abandonment | ASA |\n|---|---|---|")
    trace = run_backtest(log, scenario, "trace", "log", wrap_up=fit.wrap_up)
    print(_row("in-sample, trace", hourly_errors(trace)))
    model = run_backtest(log, scenario, "model", "log", REPS, 7, banded=banded, wrap_up=fit.wrap_up)
    print(_row("in-sample, model", hourly_errors(model)))
    print(
        _row(
            "in-sample, **the true model**",
            hourly_errors(truth_backtest(log, scenario, truth, REPS, 11)),
        )
    )
    print(_row("in-sample, noise alone", noise_floor(model)))
    held_trace = holdout_backtest(log, UNTIL, "trace", seed=3)
    print(_row("held-out last week, trace", held_trace.errors["model"]))
    held = holdout_backtest(log, UNTIL, "model", REPS, seed=3)
    print(_row("held-out last week, model", held.errors["model"]))
    rest = split_log(log, UNTIL)[1]
    print(
        _row(
            "held-out last week, **the true model**",
            hourly_errors(truth_backtest(rest, held.scenario, truth, REPS, 11)),
        )
    )
    print(_row("held-out last week, noise alone", held.errors["noise"]))
    print(_row("held-out last week, naive (same as last week)", held.errors["naive"]))
    for name, ho in (("trace", held_trace), ("model", held)):
        tuning = ho.tuning
        if tuning is not None:
            line = f"hold-out {name}: tuned {tuning.shift:+.1f} agent on the fitted weeks"
            if "untuned" in ho.errors:
                line += (
                    f"; held-out week {100 * ho.errors['untuned']['abandon_rate_mae']:.2f} "
                    f"points untuned, {100 * ho.errors['model']['abandon_rate_mae']:.2f} tuned"
                )
            print(line)
    print("## Per hour, held-out week, model mode")
    print(
        held.hourly[["hour", "actual_offered", "actual_abandon_rate", "sim_abandon_rate"]]
        .round(3)
        .to_string(index=False)
    )


def main() -> None:
    log = read_contact_log(
        DATA / "realistic-log.txt", LogFormat.from_options(DATA / "realistic-log-mapping.yaml")
    )
    truth = json.loads((DATA / "realistic-log-truth.json").read_text())
    fit = fit_log(log)
    scenario = parse_scenario(yaml.safe_load(scenario_text(fit, "realistic")), "figures")
    print(f"{len(log.contacts):,} calls over {len(log.dates)} business days")
    fit_figures(log, fit, truth)
    weekday_figures(log, scenario)
    backtest_figures(log, fit, scenario, truth)


if __name__ == "__main__":
    main()
