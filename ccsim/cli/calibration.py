"""``ccsim fit`` and ``ccsim backtest``: calibrate from a contact log, then check the model
against it (parse, call the library, print)."""

from __future__ import annotations

import json
import math
import sys
from contextlib import contextmanager
from pathlib import Path

import click

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
    user_errors,
)


def _log_options(command):
    """The options that say how to read a contact log (shared by fit and backtest)."""
    options = [
        click.option(
            "--mapping",
            type=click.Path(dir_okay=False, path_type=Path),
            help="YAML file: columns: {FIELD: COLUMN}, outcomes: {OUTCOME: [VALUES]}, "
            "date_column, datetime_format.",
        ),
        click.option(
            "--map",
            "maps",
            multiple=True,
            metavar="FIELD=COLUMN",
            help="Column of a field: arrival, answered, ended, outcome, contact_type, agent, "
            "bot_entry, bot_exit (repeatable; default: the field's own name).",
        ),
        click.option(
            "--map-outcome",
            "outcome_maps",
            multiple=True,
            metavar="OUTCOME=VALUE,…",
            help="Raw values meaning answered, abandoned, blocked or other, e.g. "
            "abandoned=ABAN,ABD (repeatable).",
        ),
        click.option(
            "--date-column",
            metavar="COLUMN",
            help="Column holding the date when the time columns hold clock times only.",
        ),
        click.option(
            "--datetime-format",
            metavar="FORMAT",
            callback=_check_datetime_format,
            help="strftime format of the times (with --date-column: of '<date> <time>'), "
            "e.g. '%d/%m/%Y %H:%M:%S'. Default: recognised automatically.",
        ),
        click.option(
            "--placeholder",
            "placeholders",
            multiple=True,
            metavar="VALUE",
            help="A raw time value written for a phase that did not happen, read as empty, "
            "e.g. 0:00:00 (repeatable; added to the mapping file's placeholders).",
        ),
        click.option(
            "--clock-tolerance",
            metavar="SECONDS",
            help="Seconds an answer may precede its arrival (two clocks out of step): kept "
            "with a wait of 0 and counted; beyond it the row is refused. Default: 3.",
        ),
        click.option(
            "--day-start",
            metavar="HH:MM",
            help="Business days start at this clock time (calls after midnight belong to the "
            "day before). Default: guessed from the log.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _check_datetime_format(ctx, param, value):
    """Refuse a format with a directive that does not exist (``%Q``) before reading the log
    (the same check as a mapping file's ``datetime_format``)."""
    if value is None:
        return value
    from ccsim.calibration.log_format import LogError, check_datetime_format

    try:
        return check_datetime_format(value, "the format")
    except LogError as exc:
        raise click.BadParameter(str(exc)) from None


@contextmanager
def _calibration_errors():
    """Log, fit and backtest mistakes: one paragraph, exit status 2."""
    from ccsim.calibration.backtest import BacktestError
    from ccsim.calibration.contact_log import LogError

    with user_errors():
        try:
            yield
        except (LogError, BacktestError) as exc:
            fail(str(exc))


def _read_log(log, reading: dict):
    """The cleaned log, read with the options of :func:`_log_options` (``reading``)."""
    from ccsim.calibration.contact_log import LogFormat, read_contact_log

    return read_contact_log(log, LogFormat.from_options(**reading))


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
@_log_options
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

    with _calibration_errors():
        if interval < 60:
            fail(f"--interval {interval:g}s: must be at least 1 minute (15min, 30min, 60min)")
        if out.exists() and not force:
            fail(f"--out {out}: already exists; choose another file or add --force to replace it")
        report_dir, replace = fit_report_folder(out, report_dir, force)
        contact_log = _read_log(log, _reading(reading))
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
@_log_options
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
    with _calibration_errors():
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
        reading = _reading(reading)
        contact_log = _read_log(log, reading)
        days = len(contact_log.dates)
        show = not quiet and not as_json and sys.stderr.isatty()
        if held_out:
            later = _read_log(holdout_log, reading) if holdout_log is not None else None
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


def _reading(options: dict) -> dict:
    """The reading options as :meth:`LogFormat.from_options` takes them."""
    return {
        "mapping_file": options["mapping"],
        "maps": options["maps"],
        "outcome_maps": options["outcome_maps"],
        "date_column": options["date_column"],
        "datetime_format": options["datetime_format"],
        "placeholders": options["placeholders"],
        "clock_tolerance": options["clock_tolerance"],
        "day_start": options["day_start"],
    }


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
