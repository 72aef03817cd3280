"""How a contact log is read: the options ``ccsim fit``, ``ccsim backtest`` and ``ccsim state
--from-log`` share (a mapping file, column and outcome maps, time formats, placeholders, the
clocks' tolerance, the business day's start), and their errors as one paragraph, exit 2."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from ccsim.cli.support import fail, user_errors


def log_options(command):
    """The options that say how to read a contact log (fit, backtest and state share them)."""
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
def calibration_errors():
    """Log, fit and backtest mistakes: one paragraph, exit status 2."""
    from ccsim.calibration.backtest import BacktestError
    from ccsim.calibration.contact_log import LogError

    with user_errors():
        try:
            yield
        except (LogError, BacktestError) as exc:
            fail(str(exc))


def read_log(log, reading: dict):
    """The cleaned log, read with the options of :func:`log_options` (``reading``)."""
    from ccsim.calibration.contact_log import LogFormat, read_contact_log

    return read_contact_log(log, LogFormat.from_options(**reading))


def reading_options(options: dict) -> dict:
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
