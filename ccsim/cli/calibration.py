"""``ccsim fit`` and ``ccsim backtest``: calibrate from a contact log, then check the model
against it (parse, call the library, print)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import click

from ccsim.cli.log_options import calibration_errors, log_options, read_log, reading_options
from ccsim.cli.support import (
    DURATION,
    RESULTS_DIR_OPTION,
    fail,
    json_option,
    out_option,
    progress_bar,
    quiet_option,
    reps_option,
    seed_option,
)


@click.command()
@click.argument("log", type=click.Path(path_type=Path))
@out_option(
    "The scenario file to write (refused if it exists, unless --force).", file=True, required=True
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the fit report (text, JSON, plots). Default: <out without .yaml>.fit/",
)
@log_options
@click.option(
    "--interval",
    type=DURATION,
    default="30min",
    show_default=True,
    help="Planning interval of the fitted scenario.",
)
@click.option(
    "--staffing",
    "staffing_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of agents per interval (columns interval, agents, optionally date) instead of "
    "inferring them from the log's agents.",
)
@click.option(
    "--handle-time",
    "handle_family",
    type=click.Choice(["auto", "lognormal", "gamma", "weibull", "exponential", "empirical"]),
    default="auto",
    show_default=True,
    help="Handle-time family: auto = smallest AIC; empirical = 100 observed quantiles.",
)
@click.option("--threshold", type=DURATION, default="20s", show_default=True, help="SL threshold.")
@click.option(
    "--target",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.8,
    show_default=True,
    help="Service-level target written to the scenario.",
)
@click.option(
    "--tune/--no-tune",
    default=True,
    show_default=True,
    help="Backtest the fitted period (model mode) with the estimated agents shifted within "
    "their bootstrap band and report the shift that best reproduces the log's abandonment "
    "and ASA per hour (about half a minute on a month).",
)
@click.option("--name", help="Scenario name (default: the --out file's name).")
@click.option("--force", is_flag=True, help="Replace an existing scenario file and fit report.")
@json_option("Print fit.json instead of the report.")
@quiet_option("Print only where the files went.")
def fit(
    log,
    out,
    report_dir,
    interval,
    staffing_file,
    handle_family,
    threshold,
    target,
    tune,
    name,
    force,
    as_json,
    quiet,
    **reading,
):
    """Fit a scenario to a contact log (CSV or Parquet): volumes, handle times, patience, staffing.

    Reads LOG (one row per contact: arrival, answer and end times, outcome, and optionally
    contact type and agent), reports every row it could not use and why, and writes a
    commented scenario file and a fit report (fit.txt, fit.json, plots). Patience is
    estimated from censored waits (answered callers' waits are lower bounds), never from the
    mean time to abandon alone.

    \b
    Examples:
      ccsim fit data/sample-contact-log.csv --mapping data/sample-log-mapping.yaml \\
          --out fitted.yaml
      ccsim fit calls.csv --map arrival=q_start --map answered=ser_start --map ended=ser_end \\
          --map outcome=disposition --map-outcome abandoned=ABAN,ABD --out fitted.yaml
    """
    from ccsim.calibration.fit import fit_log
    from ccsim.calibration.fitted_scenario import scenario_text
    from ccsim.calibration.tuning import tune_availability
    from ccsim.output.fit_folder import fit_report_folder, fit_summary, report_text, write_fit

    with calibration_errors():
        if interval < 60:
            fail(f"--interval {interval:g}s: must be at least 1 minute (15min, 30min, 60min)")
        if out.exists() and not force:
            fail(f"--out {out}: already exists; choose another file or add --force to replace it")
        report_dir, replace = fit_report_folder(out, report_dir, force)
        contact_log = read_log(log, reading_options(reading))
        result = fit_log(contact_log, interval, staffing_file, handle_family, threshold, target)
        text = scenario_text(result, name or out.stem)
        tuning = tune_availability(result) if tune else None
        write_fit(result, text, out, report_dir, replace, tuning)
    if as_json:
        click.echo(json.dumps(fit_summary(result, tuning), indent=2))
        return
    if not quiet:
        click.echo(report_text(result, tuning))
    click.echo(f"Scenario written to {out}; fit report in {report_dir}")


@click.command()
@click.argument("log", type=click.Path(path_type=Path))
@click.argument("scenario", type=click.Path(path_type=Path), required=False)
@log_options
@click.option(
    "--fit-until",
    metavar="DATE",
    help="Hold-out: fit on the log's business days up to DATE (inclusive), predict the days "
    "after it, and compare with the naive forecast (each hour as one week earlier). Give no "
    "SCENARIO.",
)
@click.option(
    "--holdout-log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Hold-out from two logs: fit on LOG, predict the days of this later log (read with "
    "the same mapping). Give no SCENARIO.",
)
@click.option(
    "--mode",
    type=click.Choice(["trace", "model"]),
    default="trace",
    show_default=True,
    help="trace: replay the recorded arrivals and handle times; model: draw them from the "
    "scenario, given each interval's actual volume.",
)
@click.option(
    "--staffing",
    default="log",
    show_default=True,
    metavar="log|scenario|FILE",
    help="Agents per interval and day: inferred from the log's agents, the scenario's own, or "
    "a CSV (interval, agents, optionally date).",
)
@click.option(
    "--availability-shift",
    "shift",
    type=float,
    default=0.0,
    metavar="AGENTS",
    help="With --staffing log: agents added to every interval's estimate before rounding, "
    "e.g. the shift ccsim fit's tuning reports. Default: 0.",
)
@reps_option("Model mode: replications per day.", low=2)
@seed_option("Root seed (default: the scenario's).")
@out_option("Write the backtest here (must not exist, or be empty).")
@RESULTS_DIR_OPTION
@json_option("Print backtest.json instead of tables.")
@quiet_option()
def backtest(
    log,
    scenario,
    fit_until,
    holdout_log,
    mode,
    staffing,
    shift,
    reps,
    seed,
    out,
    results_dir,
    as_json,
    quiet,
    **reading,
):
    """Simulate the period of a contact log with SCENARIO and compare, interval by interval
    (or, with --fit-until, fit on its first part and predict the rest).

    Per date, interval and contact type: offered, answered, abandonment rate, ASA and
    service level, actual against simulated; mean absolute error and bias per measure; plots
    over the day. Trace mode replays the recorded contacts (only the queueing is simulated);
    model mode draws them from the scenario's distributions, with confidence bands.

    \b
    Examples:
      ccsim backtest data/sample-contact-log.csv fitted.yaml --mapping data/sample-log-mapping.yaml
      ccsim backtest calls.csv fitted.yaml --mode model --reps 30 --staffing rota.csv
      ccsim backtest data/realistic-log.txt --mapping data/realistic-log-mapping.yaml \\
          --fit-until 2026-10-25 --mode model
    """
    from rich.console import Console

    from ccsim.calibration.backtest import backtest_staffing, run_backtest
    from ccsim.cli.support import load_with_overrides
    from ccsim.output.backtest_folder import backtest_summary, write_backtest
    from ccsim.output.console_calibration import print_backtest, print_breakdown, print_holdout
    from ccsim.output.run_folder import (
        check_destination,
        check_results_dir,
        new_run_folder,
        staged_folder,
    )

    holdout = None
    with calibration_errors():
        if fit_until is not None and holdout_log is not None:
            fail(
                "--fit-until and --holdout-log: give one (cut one log at a date, or fit on LOG "
                "and predict the days of the --holdout-log)"
            )
        held_out = fit_until is not None or holdout_log is not None
        if (scenario is None) != held_out:
            fail(
                "give a SCENARIO to backtest, or --fit-until DATE or --holdout-log LATER_LOG "
                "(and no scenario) to fit on the log's first part and predict the rest"
            )
        if shift and (staffing != "log" or held_out):
            fail(
                f"--availability-shift {shift:g}: shifts the agents estimated from a log "
                "(--staffing log, with a SCENARIO); a hold-out tunes its own shift on the "
                "fitted days"
            )
        if not math.isfinite(shift) or abs(shift) > 5:
            fail(f"--availability-shift {shift:g}: give a small number of agents, e.g. 0.2 or -0.3")
        if out is not None:
            check_destination(out)  # before spending minutes simulating
        else:
            check_results_dir(results_dir)
        reading = reading_options(reading)
        contact_log = read_log(log, reading)
        days = len(contact_log.dates)
        show = not quiet and not as_json and sys.stderr.isatty()
        if held_out:
            later = read_log(holdout_log, reading) if holdout_log is not None else None
            holdout = _holdout(contact_log, fit_until, later, mode, staffing, reps, seed, show)
            result = holdout.backtest
            if later is not None:
                contact_log = later  # the days compared
        else:
            loaded = load_with_overrides(scenario, ())
            agents = backtest_staffing(staffing, loaded, contact_log)
            with progress_bar(days, show, "days") as advance:
                result = run_backtest(
                    contact_log, loaded, mode, agents, reps, seed, advance, shift=shift
                )
        folder = out or new_run_folder(results_dir, f"backtest-{result.scenario.name}")
        with staged_folder(folder) as staging:
            write_backtest(result, contact_log, staging, holdout)
    if as_json:
        click.echo(json.dumps(backtest_summary(result, contact_log), indent=2))
        return
    if not quiet:
        console = Console() if sys.stdout.isatty() else Console(width=200)
        print_backtest(console, result, contact_log)
        print_breakdown(console, result)
        if holdout is not None:
            print_holdout(console, holdout)
    click.echo(f"Backtest written to {folder}")


def _holdout(contact_log, fit_until, later, mode, staffing, reps, seed, show):
    import pandas as pd

    from ccsim.calibration.holdout import holdout_backtest, holdout_from_logs

    option = "--fit-until" if later is None else "--holdout-log"
    if staffing != "log":
        fail(f"{option}: the held-out days' staffing is estimated from the log (--staffing log)")
    if later is not None:
        with progress_bar(len(later.dates), show, "days") as advance:
            return holdout_from_logs(contact_log, later, mode, reps, seed, progress=advance)
    try:
        until = pd.Timestamp(fit_until)
    except ValueError:
        fail(f"--fit-until {fit_until!r}: not a date; give one such as 2026-10-25")
    days = sum(d > until for d in contact_log.dates)
    with progress_bar(days, show, "days") as advance:
        return holdout_backtest(contact_log, until, mode, reps, seed, progress=advance)
